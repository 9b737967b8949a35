"""The mean-field rate (Siegert, Fourcaud-Brunel shift) against a simulated LIF population (NumPy, no Brian2)."""

from __future__ import annotations

import numpy as np
import pytest

from circuitsim.network.meanfield import mixed_tau_syn, siegert_rate

TAU, THETA, RESET, T_REF = 20e-3, -50e-3, -60e-3, 2e-3


def _simulated_rate(mu, sigma_v, tau_syn, n=1000, t_run=2.0, dt=5e-5, seed=7, shares=(1.0,)):
    """Rate (Hz) of `n` LIF neurons whose input noise gives a free-membrane voltage s.d.
    `sigma_v` in the white limit: white (tau_syn = 0) or Ornstein-Uhlenbeck currents with
    time constants `tau_syn` (a number or one per source) carrying `shares` of that
    variance, by Euler-Maruyama."""
    rng = np.random.default_rng(seed)
    taus = np.atleast_1d(tau_syn).astype(float)
    v = np.full(n, mu)
    cur = np.zeros((len(taus), n))
    refr = np.zeros(n)
    spikes = 0
    warm = 0.2
    # tau dV = (mu - V) dt + tau amp dW has variance sigma_v^2.
    amp = sigma_v * np.sqrt(2.0 / TAU) * np.sqrt(np.asarray(shares, float))[:, None]
    for k in range(int((warm + t_run) / dt)):
        xi = rng.standard_normal((len(taus), n)) * np.sqrt(dt)
        if taus[0] > 0:
            cur += -cur * dt / taus[:, None] + amp * TAU / taus[:, None] * xi
            dv = (mu - v) * dt / TAU + cur.sum(axis=0) * dt / TAU
        else:
            dv = (mu - v) * dt / TAU + amp[0] * xi[0]
        active = refr <= 0
        v = np.where(active, v + dv, v)
        refr -= dt
        fired = v > THETA
        if k * dt >= warm:
            spikes += int(fired.sum())
        v[fired] = RESET
        refr[fired] = T_REF
    return spikes / (n * t_run)


@pytest.mark.parametrize(("mu", "sigma_v", "tau_syn"), [(-54.86e-3, 2e-3, 0.0), (-57.74e-3, 4e-3, 5e-3),
                                                        (-52.40e-3, 2e-3, 2e-3)])
def test_siegert_rate_matches_a_simulated_population(mu, sigma_v, tau_syn):
    predicted = siegert_rate(mu, sigma_v, TAU, THETA, RESET, T_REF, tau_syn)
    simulated = _simulated_rate(mu, sigma_v, tau_syn)
    assert simulated > 0.3
    # The Fourcaud-Brunel expansion is first order in sqrt(tau_syn / tau); 10 % covers it here.
    assert predicted == pytest.approx(simulated, rel=0.10)


def test_mixed_ampa_and_gaba_noise_uses_the_variance_weighted_time_constant():
    """AMPA (2 ms) and GABA_A (5 ms) noise, 20/80 of the variance (as at the interneurons)."""
    mu, sigma_v, taus, shares = -54e-3, 3e-3, (2e-3, 5e-3), (0.2, 0.8)
    tau_mix = mixed_tau_syn([(s * sigma_v**2, t) for s, t in zip(shares, taus, strict=True)], 2e-3)
    assert 2e-3 < tau_mix < 5e-3
    simulated = _simulated_rate(mu, sigma_v, taus, shares=shares)
    assert siegert_rate(mu, sigma_v, TAU, THETA, RESET, T_REF, tau_mix) == pytest.approx(simulated, rel=0.08)
    # tau_AMPA alone (the earlier form) is off by more than that.
    assert siegert_rate(mu, sigma_v, TAU, THETA, RESET, T_REF, 2e-3) > 1.15 * simulated


def test_solve_finds_the_fixed_point_of_the_default_circuit_with_and_without_ketamine():
    """The damped iteration alone oscillated at these points (their eigenvalues are large);
    the fixed point is found from any start, and 0.8 uM gives the disinhibition's direction."""
    from circuitsim.config import load_config
    from circuitsim.network.meanfield import solve
    from circuitsim.pharmacology.pd import hill_block

    cfg = load_config("default")
    h = cfg.pharmacology.hill
    out = {}
    for c in (0.0, 0.8):
        blocks = (float(hill_block(c, h.ic50_pyramidal_um, h.hill_n)),
                  float(hill_block(c, h.ic50_interneuron_um, h.hill_n)))
        a, b = solve(cfg, *blocks), solve(cfg, *blocks, r0=(20.0, 40.0))
        assert a.converged and b.converged
        assert (a.rate_pyramidal_hz, a.rate_interneuron_hz) == pytest.approx((b.rate_pyramidal_hz, b.rate_interneuron_hz),
                                                                             rel=1e-5)
        out[c] = a
    assert out[0.8].rate_pyramidal_hz > out[0.0].rate_pyramidal_hz
    assert out[0.8].rate_interneuron_hz < out[0.0].rate_interneuron_hz
