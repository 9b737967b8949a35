"""Mean-field (rate) model of the spiking circuit, for design and sign checks.

The spiking circuit is expensive; this diffusion approximation predicts its
steady-state rates in microseconds. It guided the session-1 search and the
sign checks of docs/calibration.md; once NMDA carries much of the pyramidal
drive it is no longer accurate (it uses the Mg2+ unblock at the mean
voltage), and the current defaults were searched in the spiking circuit.

Approximation (after Brunel & Wang 2001, J Comput Neurosci 11:63):

* Each synaptic input is replaced by its mean conductance; the NMDA
  conductance uses the mean gating of a Poisson source (the same saturating
  increment as the spiking model) and the Mg2+ unblock at the mean voltage.
* The membrane then relaxes with tau_eff = C / g_total to
  mu = sum(g_k E_k) / g_total.
* Fast (AMPA, GABA) shot noise gives a voltage variance
  sigma^2 = sum_k nu_k (g_k tau_k (E_k - mu) / C)^2 tau_eff / 2.
* The rate is Siegert's first-passage formula with tau_eff in Brunel's
  noise convention, sigma_B = sqrt(2) sigma (tau dV/dt = mu - V +
  sigma_B sqrt(tau) xi has voltage variance sigma_B^2 / 2), with the
  threshold and reset shifted by the synaptic-filtering correction
  1.03 sigma_B sqrt(tau_syn / tau_eff) of Fourcaud & Brunel 2002
  (1.03 = |zeta(1/2)| / sqrt(2)); checked against simulated LIF
  populations with white and 2-5 ms filtered shot noise. With AMPA (2 ms)
  and GABA_A (5 ms) noise together, tau_syn is (sum_k w_k sqrt(tau_k))^2
  with w_k each source's share of sigma^2: 0.96-0.97 of simulated rates
  with two filtered sources, against 1.10-1.30 with tau_AMPA alone
  (tests/test_meanfield.py).

It ignores correlations and NMDA (slow) fluctuations, so it is a guide, not a
substitute for the spiking model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import quad
from scipy.special import erfcx

from ..config.schema import Config
from ..pharmacology.pd import mg_unblock
from .equations import poisson_mean_increment

_SQRT_PI = np.sqrt(np.pi)


def siegert_rate(mu_v, sigma_v, tau_s, theta_v, reset_v, t_ref_s, tau_syn_s=0.0) -> float:
    """Stationary LIF rate (Hz) for Gaussian noise input (all in V and s).

    sigma_v is the free-membrane voltage s.d. in the white-noise limit; Siegert's
    formula and the Fourcaud-Brunel shift take Brunel's sigma = sqrt(2) sigma_v.
    """
    if sigma_v <= 0:
        return 0.0 if mu_v <= theta_v else 1.0 / (t_ref_s + tau_s * np.log((mu_v - reset_v) / (mu_v - theta_v)))
    sigma_b = np.sqrt(2.0) * sigma_v
    shift = 1.03 * np.sqrt(tau_syn_s / tau_s) * sigma_b if tau_syn_s > 0 else 0.0
    y_th = (theta_v + shift - mu_v) / sigma_b
    y_r = (reset_v + shift - mu_v) / sigma_b
    if y_r > 12:
        return 0.0
    integral, _ = quad(lambda u: erfcx(-u), y_r, y_th, limit=200)
    return 1.0 / (t_ref_s + tau_s * _SQRT_PI * integral)


def poisson_nmda_gating(rate_hz, a, tau_rise_s, tau_decay_s):
    """Mean NMDA gating s of a Poisson source with saturating increments."""
    return rate_hz * tau_decay_s * poisson_mean_increment(a, rate_hz, tau_rise_s, tau_decay_s)


@dataclass(frozen=True)
class MeanFieldState:
    rate_pyramidal_hz: float
    rate_interneuron_hz: float
    mu_pyramidal_v: float
    mu_interneuron_v: float
    sigma_pyramidal_v: float
    sigma_interneuron_v: float
    converged: bool


def _population_input(config: Config, pop: str, r_e: float, r_i: float, block: float, v_guess: float):
    r_self = r_e if pop == "pyramidal" else r_i
    cc, rc = config.circuit, config.circuit.receptors
    cell = getattr(cc, pop)
    ext = getattr(cc, f"external_{pop}")
    e_in = cc.e_to_e if pop == "pyramidal" else cc.e_to_i
    i_in = cc.i_to_e if pop == "pyramidal" else cc.i_to_i
    k_e = e_in.p * cc.pyramidal.n
    k_i = i_in.p * cc.interneuron.n
    a = rc.nmda_saturation_increment
    s_ext = poisson_nmda_gating(ext.rate_hz, a, rc.tau_nmda_rise_s, rc.tau_nmda_decay_s)
    s_rec = poisson_nmda_gating(r_e, a, rc.tau_nmda_rise_s, rc.tau_nmda_decay_s)
    # (rate of input spikes, conductance jump-area g*tau, reversal, synaptic time constant)
    fast = [
        (ext.n_inputs * ext.rate_hz, ext.g_ampa_s * rc.tau_ampa_s, rc.e_exc_v, rc.tau_ampa_s),
        (k_e * r_e, e_in.g_ampa_s * rc.tau_ampa_s, rc.e_exc_v, rc.tau_ampa_s),
        (k_i * r_i, i_in.g_gaba_s * rc.tau_gaba_s, rc.e_inh_v, rc.tau_gaba_s),
    ]
    g_nmda = (ext.n_inputs * ext.g_nmda_s * s_ext + k_e * e_in.g_nmda_s * s_rec) * (1 - block)
    # Spike-triggered adaptation: mean current b tau_w r (its fluctuations are ignored).
    i_adapt = cell.adaptation_increment_a * cell.tau_adaptation_s * r_self
    v = v_guess
    for _ in range(20):
        b_mg = float(mg_unblock(v * 1e3, rc.mg_mm, rc.mg_k_mm, rc.mg_slope_per_mv))
        g_tot = cell.g_leak_s + sum(nu * q for nu, q, _e, _t in fast) + g_nmda * b_mg
        mu = (cell.g_leak_s * cell.e_leak_v + sum(nu * q * e for nu, q, e, _t in fast)
              + g_nmda * b_mg * rc.e_exc_v - i_adapt) / g_tot
        if abs(mu - v) < 1e-7:
            break
        v = 0.5 * (v + min(mu, cell.v_threshold_v))
    tau = cell.c_m_f / g_tot
    parts = [(nu * (q * (e - mu) / cell.c_m_f) ** 2 * tau / 2, ts) for nu, q, e, ts in fast]
    var = sum(v for v, _ts in parts)
    return mu, np.sqrt(var), tau, mixed_tau_syn(parts, rc.tau_ampa_s)


def mixed_tau_syn(parts, default_s: float) -> float:
    """Filtering time constant (s) of noise from several synapse types.

    `parts`: (variance, tau_k) per source. Each source's sqrt(tau_k) is
    weighted by its share of the variance, as the Fourcaud-Brunel shift is
    linear in sqrt(tau_syn); `default_s` when there is no variance.
    """
    var = sum(v for v, _ts in parts)
    return (sum(v * np.sqrt(ts) for v, ts in parts) / var) ** 2 if var > 0 else default_s


def solve(config: Config, block_pyramidal: float = 0.0, block_interneuron: float = 0.0,
          r0: tuple[float, float] = (3.0, 15.0), iters: int = 400, damping: float = 0.2) -> MeanFieldState:
    """Self-consistent stationary rates at the given NMDA block per population.

    The fixed point of r = phi(r) (phi: each population's Siegert rate given
    both rates) by Powell's hybrid method (:func:`scipy.optimize.root`,
    ``hybr``) from `r0`. If that fails, by the damped iteration
    r <- r + damping (phi(r) - r) for at most `iters` steps (Euler steps of
    tau dr/dt = phi(r) - r: it oscillates where the fixed point's
    eigenvalues are large, as at the default circuit's, hence Newton first).
    ``converged``: |phi(r) - r| summed over the populations below 1e-4 Hz.
    """
    from scipy.optimize import root

    cc = config.circuit
    blocks = (("pyramidal", block_pyramidal), ("interneuron", block_interneuron))

    def phi(r) -> tuple[np.ndarray, list[tuple[float, float]]]:
        r_e, r_i = (max(float(x), 0.0) for x in r)
        rates, stats = [], []
        for pop, b in blocks:
            cell = getattr(cc, pop)
            mu, sig, tau, tau_syn = _population_input(config, pop, r_e, r_i, b, cell.v_reset_v)
            rates.append(siegert_rate(mu, sig, tau, cell.v_threshold_v, cell.v_reset_v,
                                      cell.t_refractory_s, tau_syn))
            stats.append((mu, sig))
        return np.array(rates), stats

    sol = root(lambda r: phi(r)[0] - r, np.asarray(r0, dtype=float), method="hybr")
    r = np.maximum(sol.x, 0.0)
    rates, stats = phi(r)
    if not (sol.success and np.abs(rates - r).sum() < 1e-4):
        r = np.asarray(r0, dtype=float)
        for _ in range(iters):
            new = phi(r)[0]
            done = float(np.abs(new - r).sum()) < 1e-4
            r = r + damping * (new - r)
            if done:
                break
        rates, stats = phi(r)
    return MeanFieldState(float(r[0]), float(r[1]), stats[0][0], stats[1][0], stats[0][1], stats[1][1],
                          bool(np.abs(rates - r).sum() < 1e-4))
