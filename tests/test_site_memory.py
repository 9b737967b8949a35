"""Site memory of the spine kernel: new spines prefer slots that recently lost a spine."""

from __future__ import annotations

import dataclasses

import numpy as np

from circuitsim.plasticity import spines as sp
from circuitsim.plasticity.spines_reference import step_numpy

RULES = sp.SpineRules(k_form_per_d=0.2, k_elim_per_d=0.6, protein_formation_gain=1.0, v_half=0.5, stable_factor=0.05,
                      stress_elimination_gain=3.0, tau_volume_d=0.5, protein_volume_gain=0.5,
                      stress_shrink_gain=0.3, v_new=0.3, sigma_size=0.5, t_stable_d=2.0, v_stable=0.6,
                      site_bias=4.0, site_memory_d=3.0)


def _run(kernel, pool, steps, rules, dt_d=1 / 12, seed=11, stress_until=None):
    n = pool.n_neurons
    protein = np.full(n, 1.5)
    for k in range(steps):
        t = k * dt_d
        stress = np.full(n, 1.0) if stress_until is not None and t < stress_until else np.zeros(n)
        kernel(pool, t, dt_d, k, protein, stress, rules, seed)


def test_numba_equals_numpy_with_a_site_bias():
    a = sp.empty_pool(np.full(40, 60))
    b = a.copy()
    _run(step_numpy, a, 12 * 14, RULES, stress_until=10.0)
    _run(sp.step_numba, b, 12 * 14, RULES, stress_until=10.0)
    for name in ("state", "volume", "size", "birth_d", "clock", "lost_d"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.isfinite(a.lost_d).sum() > 50  # slots did lose stable spines (93 here)


def test_without_bias_the_memory_changes_nothing():
    """site_bias 0 draws nothing extra: the placements do not depend on the loss times."""
    rules = dataclasses.replace(RULES, site_bias=0.0)
    a = sp.empty_pool(np.full(30, 50))
    _run(sp.step_numba, a, 48, rules)
    b = a.copy()
    b.lost_d[:] = np.float32(3.9)  # as if every slot had just lost a spine
    _run(sp.step_numba, a, 24, rules)
    _run(sp.step_numba, b, 24, rules)
    for name in ("state", "volume", "size", "birth_d", "clock"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def _share_in_lost(bias: float) -> tuple[float, float]:
    """One formation step into a pool whose empty slots are a known mix of just-lost and never-held."""
    n_neurons, n_slots = 200, 100
    pool = sp.empty_pool(np.full(n_neurons, n_slots))
    g = np.random.default_rng(5)
    lost = g.random(pool.n_slots) < 0.3
    pool.lost_d[lost] = np.float32(0.0)  # lost at t = 0, remembered for ~1000 d
    rules = dataclasses.replace(RULES, site_bias=bias, site_memory_d=1000.0, k_elim_per_d=1e-9,
                                k_form_per_d=0.05, protein_formation_gain=0.0)
    sp.step_numba(pool, 0.0, 1.0, 0, np.ones(n_neurons), np.zeros(n_neurons), rules, 3)
    new = pool.present
    return float((new & lost).sum() / new.sum()), float(new.sum())


def test_new_spines_land_in_lost_slots_with_the_weight_of_the_rule():
    f = 0.3
    for bias in (0.0, 4.0):
        share, n_new = _share_in_lost(bias)
        expected = f * (1 + bias) / (f * (1 + bias) + (1 - f))
        se = np.sqrt(expected * (1 - expected) / n_new)
        assert n_new > 500
        assert abs(share - expected) < 4 * se, (bias, share, expected)
