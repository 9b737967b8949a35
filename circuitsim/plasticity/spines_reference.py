"""The NumPy reference of the spine kernel: the rules of :mod:`circuitsim.plasticity.spines`, written plainly.

Same rules, same counter-based draws and the same float32 operations in the
same order as the parallel Numba kernel (:func:`circuitsim.plasticity.spines.step_numba`),
so the two give bit-identical pools (tests/test_spines.py,
tests/test_site_memory.py); this one is slower and meant to be read.
"""

from __future__ import annotations

import math

import numpy as np

from . import rng
from .spines import (
    EMPTY,
    F32,
    MIN_CLOCK,
    STABLE,
    YOUNG,
    SpinePool,
    SpineRules,
    lognormal_size,
    neuron_constants,
    per_neuron_sum,
    site_taken,
)


def step_numpy(pool: SpinePool, t_d: float, dt_d: float, step: int, protein, stress,
               rules: SpineRules, seed: int, formation_scale=None,
               elimination_scale=None) -> tuple[np.ndarray, np.ndarray]:
    """Advance `pool` in place from `t_d` to `t_d + dt_d` (days): the reference implementation.

    `formation_scale`, `elimination_scale`: per-neuron factors on the
    formation rate and the elimination hazard (None: 1).

    Returns
    -------
    formed, eliminated : ndarray (n_neurons,)
        Events per neuron in this step.
    """
    protein = np.asarray(protein, dtype=np.float64)
    stress = np.asarray(stress, dtype=np.float64)
    relax, target, hfac, p_form = neuron_constants(protein, stress, rules, dt_d, formation_scale,
                                                    elimination_scale)
    n_neurons = pool.n_neurons
    counts = np.diff(pool.offsets)
    post = np.repeat(np.arange(n_neurons), counts)
    t_end = F32(t_d + dt_d)

    # Present spines: growth, hazard, elimination, stabilisation.
    was = pool.state != EMPTY
    n_empty = counts - per_neuron_sum(was.astype(np.int64), pool.offsets)
    idx = np.flatnonzero(was)
    p_i = post[idx]
    st = pool.state[idx]
    v_old = pool.volume[idx]
    v_new = v_old + (target[p_i] * pool.size[idx] - v_old) * relax
    v_mid = F32(0.5) * (v_old + v_new)
    h = hfac[p_i] * (F32(rules.v_half) / (v_mid + F32(rules.v_half)))
    h = np.where(st == STABLE, h * F32(rules.stable_factor), h)
    left = pool.clock[idx] - h
    gone = left <= F32(0.0)
    newly = ~gone & (st == YOUNG) & ((t_end - pool.birth_d[idx]) >= F32(rules.t_stable_d)) \
        & (v_new >= F32(rules.v_stable))
    pool.clock[idx] = np.where(gone, F32(0.0), left)
    pool.volume[idx] = np.where(gone, F32(0.0), v_new)
    pool.state[idx] = np.where(gone, EMPTY, np.where(newly, STABLE, st))
    pool.lost_d[idx] = np.where(gone & (st == STABLE), t_end, pool.lost_d[idx])
    eliminated = np.bincount(p_i[gone], minlength=n_neurons)

    # Formation: one binomial per neuron, then probing for empty slots.
    u_count = rng.uniform_array(seed, step, np.arange(n_neurons), rng.LANE_COUNT, 0)
    formed = np.zeros(n_neurons, dtype=np.int64)
    binom = rng.binomial.py_func
    for i in np.flatnonzero(n_empty > 0):
        k_new = binom(int(n_empty[i]), float(p_form[i]), float(u_count[i]))
        if k_new:
            formed[i] = _form_numpy(pool, i, k_new, t_end, target[i], rules, seed, step)
    return formed, eliminated


def _form_numpy(pool: SpinePool, i: int, k_new: int, t_end, target_i, rules: SpineRules,
                seed: int, step: int) -> int:
    start, stop = int(pool.offsets[i]), int(pool.offsets[i + 1])
    n = stop - start
    made = 0
    probe = 0
    bias = F32(rules.site_bias)
    for k in range(k_new):
        slot = -1
        for _attempt in range(rules.max_probes):
            u = rng.uniform_array(seed, step, i, rng.LANE_SLOT, probe)
            s = start + min(int(u * n), n - 1)
            if pool.state[s] == EMPTY and (
                    bias == F32(0.0)
                    or site_taken(float(rng.uniform_array(seed, step, i, rng.LANE_ACCEPT, probe)),
                                   pool.lost_d[s], t_end, bias, F32(rules.site_memory_d))):
                probe += 1
                slot = s
                break
            probe += 1
        if slot < 0:  # crowded neuron: the first empty slot after the last probe
            for j in range(n):
                s = start + (int(u * n) + j) % n
                if pool.state[s] == EMPTY:
                    slot = s
                    break
        if slot < 0:
            break
        ua = rng.uniform_array(seed, step, i, rng.LANE_SIZE_A, k)
        ub = rng.uniform_array(seed, step, i, rng.LANE_SIZE_B, k)
        ut = rng.uniform_array(seed, step, i, rng.LANE_THRESHOLD, k)
        size = lognormal_size(float(ua), float(ub), rules.sigma_size)
        pool.state[slot] = YOUNG
        pool.size[slot] = F32(size)
        pool.volume[slot] = F32(rules.v_new) * F32(size)
        pool.birth_d[slot] = t_end
        pool.clock[slot] = max(F32(-math.log1p(-float(ut))), MIN_CLOCK)
        made += 1
    return made
