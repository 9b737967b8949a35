"""The mean-field rate (Siegert, Fourcaud-Brunel shift) against a simulated LIF population (NumPy, no Brian2)."""

from __future__ import annotations

import numpy as np
import pytest

from circuitsim.network.meanfield import siegert_rate

TAU, THETA, RESET, T_REF = 20e-3, -50e-3, -60e-3, 2e-3


def _simulated_rate(mu, sigma_v, tau_syn, n=1000, t_run=2.0, dt=5e-5, seed=7):
    """Rate (Hz) of `n` LIF neurons whose input noise gives a free-membrane voltage s.d.
    `sigma_v` in the white limit: white (tau_syn = 0) or an Ornstein-Uhlenbeck current
    with time constant `tau_syn` (same white-limit variance), by Euler-Maruyama."""
    rng = np.random.default_rng(seed)
    v = np.full(n, mu)
    cur = np.zeros(n)
    refr = np.zeros(n)
    spikes = 0
    warm = 0.2
    amp = sigma_v * np.sqrt(2.0 / TAU)  # tau dV = (mu - V) dt + tau amp dW has var sigma_v^2
    for k in range(int((warm + t_run) / dt)):
        xi = rng.standard_normal(n) * np.sqrt(dt)
        if tau_syn > 0:
            cur += -cur * dt / tau_syn + amp * TAU / tau_syn * xi
            dv = (mu - v) * dt / TAU + cur * dt / TAU
        else:
            dv = (mu - v) * dt / TAU + amp * xi
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
