"""The spine kernel: Numba against the NumPy reference, thread invariance, the rules themselves."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from circuitsim.plasticity import rng
from circuitsim.plasticity import spines as sp
from circuitsim.plasticity.spines_reference import step_numpy

RULES = sp.SpineRules(k_form_per_d=0.2, k_elim_per_d=0.6, protein_formation_gain=1.0, v_half=0.5, stable_factor=0.05,
                      stress_elimination_gain=1.0, tau_volume_d=0.5, protein_volume_gain=0.5,
                      stress_shrink_gain=0.3, v_new=0.3, sigma_size=0.5, t_stable_d=2.0, v_stable=0.6)


def _inputs(n_neurons, seed=0):
    g = np.random.default_rng(seed)
    return 1.0 + 0.5 * g.random(n_neurons), 0.5 * g.random(n_neurons)


def _run(kernel, pool, steps, dt_d=1 / 24, seed=7, inputs=None):
    protein, stress = inputs if inputs is not None else _inputs(pool.n_neurons)
    events = []
    for k in range(steps):
        events.append(kernel(pool, k * dt_d, dt_d, k, protein, stress, RULES, seed))
    return events


def _assert_same(a: sp.SpinePool, b: sp.SpinePool):
    for name in ("state", "volume", "size", "birth_d", "clock"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_numba_kernel_equals_the_numpy_reference_bit_for_bit():
    """Same rules, same counter-based draws, same float32 operations: identical state."""
    a = sp.empty_pool(np.full(60, 80))
    b = a.copy()
    ev_a = _run(step_numpy, a, 24 * 10)
    ev_b = _run(sp.step_numba, b, 24 * 10)
    _assert_same(a, b)
    for (fa, ea), (fb, eb) in zip(ev_a, ev_b, strict=True):
        assert np.array_equal(fa, fb) and np.array_equal(ea, eb)
    assert a.present.sum() > 0 and a.stable.sum() > 0  # not vacuous


def test_bit_identical_for_one_and_two_threads():
    before = numba.get_num_threads()
    pools = []
    try:
        for threads in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
            numba.set_num_threads(threads)
            pool = sp.empty_pool(np.random.default_rng(3).integers(0, 200, 300))
            _run(sp.step_numba, pool, 24 * 5)
            pools.append(pool)
    finally:
        numba.set_num_threads(before)
    _assert_same(*pools)


def test_counter_based_uniforms_agree_and_look_uniform():
    u = rng.uniform_array(5, 9, np.arange(100_000), rng.LANE_SLOT, 3)
    assert u.min() >= 0 and u.max() < 1
    # mean and variance of U(0,1) within 5 standard errors
    assert abs(u.mean() - 0.5) < 5 * math.sqrt(1 / 12 / u.size)
    assert abs(u.var() - 1 / 12) < 5 * math.sqrt(1 / 180 / u.size)
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 5 / math.sqrt(u.size)
    for n in (0, 17, 99_999):
        assert rng.uniform(5, 9, n, rng.LANE_SLOT, 3) == u[n]
    # every coordinate matters
    other = [rng.uniform(6, 9, 17, 1, 3), rng.uniform(5, 10, 17, 1, 3), rng.uniform(5, 9, 18, 1, 3),
             rng.uniform(5, 9, 17, 2, 3), rng.uniform(5, 9, 17, 1, 4)]
    assert len(set(other) | {u[17]}) == 6


@pytest.mark.parametrize("n,p", [(10, 0.3), (400, 0.01), (50, 0.9)])
def test_binomial_by_inversion_has_the_binomial_distribution(n, p):
    u = rng.uniform_array(1, 2, np.arange(50_000), rng.LANE_COUNT, 0)
    draws = np.array([rng.binomial(n, p, x) for x in u])
    assert draws.min() >= 0 and draws.max() <= n
    assert abs(draws.mean() - n * p) < 5 * math.sqrt(n * p * (1 - p) / u.size)
    assert draws.var() == pytest.approx(n * p * (1 - p), rel=0.05)


def test_steady_state_occupancy_follows_formation_and_elimination():
    """Without stabilisation or volume dependence the occupancy is k_f / (k_f + k_e)."""
    rules = sp.SpineRules(k_form_per_d=0.3, k_elim_per_d=0.1, protein_formation_gain=1.0, v_half=1e9, stable_factor=1.0,
                          stress_elimination_gain=0.0, tau_volume_d=1.0, protein_volume_gain=0.0,
                          stress_shrink_gain=0.0, v_new=1.0, sigma_size=0.0, t_stable_d=1e9,
                          v_stable=1e9)
    pool = sp.empty_pool(np.full(500, 100))
    ones, zeros = np.ones(500), np.zeros(500)
    occ = []
    for k in range(24 * 80):
        sp.step_numba(pool, k / 24, 1 / 24, k, ones, zeros, rules, 11)
        if k >= 24 * 40:
            occ.append(pool.present.mean())
    # the step's discreteness shifts it by ~(k_f + k_e) dt / 2 = 0.8 %
    assert np.mean(occ) == pytest.approx(0.3 / 0.4, rel=0.02)


def test_stress_shrinks_and_removes_spines_protein_adds_them():
    n = 400
    base = sp.empty_pool(np.full(n, 100))
    _run(sp.step_numba, base, 24 * 30, inputs=(np.ones(n), np.zeros(n)))
    stressed, boosted = base.copy(), base.copy()
    for k in range(24 * 10):
        t = 30 + k / 24
        sp.step_numba(stressed, t, 1 / 24, 10_000 + k, np.ones(n), np.ones(n), RULES, 7)
        sp.step_numba(boosted, t, 1 / 24, 10_000 + k, np.full(n, 2.0), np.zeros(n), RULES, 7)
    assert stressed.present.sum() < base.present.sum() < boosted.present.sum()
    mean_vol = [p.volume[p.present].mean() for p in (stressed, base, boosted)]
    assert mean_vol[0] < mean_vol[1] < mean_vol[2]


def test_weights_are_volumes_and_zero_where_no_spine():
    pool = sp.empty_pool(np.full(20, 50))
    _run(sp.step_numba, pool, 48)
    w = pool.weights()
    assert np.all(w[~pool.present] == 0) and np.all(w[pool.present] > 0)
    assert np.array_equal(pool.density(), [pool.present[a:b].sum()
                                           for a, b in zip(pool.offsets[:-1], pool.offsets[1:], strict=True)])
