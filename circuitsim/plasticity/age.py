"""Adolescent spine rules: a critical period of faster, NMDA-dependent spine turnover.

The science of :class:`circuitsim.config.plasticity.AgeConfig` (its
docstring gives the rules and their sources): one spine step of an
adolescent, on spine time, with the elimination hazard and the formation
and maturation of young spines scaled by the neuron's NMDA-receptor
activation while the critical period is open.
"""

from __future__ import annotations

import numpy as np

from ..config.plasticity import AgeConfig
from . import spines as sp


def adolescent_step(cp, age: AgeConfig, t0_d: float, t1_d: float, k: int, protein, stress,
                     amp: np.ndarray, n_rest: float, rules: sp.SpineRules, seed: int, kernel,
                     formation_scale=None):
    """One spine step in an adolescent (:class:`circuitsim.config.plasticity.AgeConfig`).

    The kernel runs on spine time (the turnover factor's integral). While
    the critical period is open (c > 0), with X_i = N A_i the neuron's
    NMDA-receptor activation over the step: the elimination hazard is
    scaled by max(1 + p c (X_i - 1), 0), formation and young-spine
    maturation by the gate g_i = 1 - d c (1 - min(X_i, 1)).
    `cp` is the :class:`~circuitsim.plasticity.pool.CircuitPool` stepped in
    place; `kernel` a spine kernel (:func:`circuitsim.plasticity.spines.step_numba`
    or its NumPy reference); `formation_scale` (per neuron, or None) a
    further factor on formation (the spinogenic program,
    :mod:`circuitsim.plasticity.spinogenesis`). Returns (formed,
    eliminated, mean gate).
    """
    s0, s1 = (float(x) for x in age.spine_time_d(np.array([t0_d, t1_d])))
    c = float(age.openness(0.5 * (t0_d + t1_d)))
    x = n_rest * np.asarray(amp, dtype=float)
    gate = 1.0 - age.nmda_dependence * c * (1.0 - np.minimum(x, 1.0))
    prune = np.maximum(1.0 + age.pruning * c * (x - 1.0), 0.0)
    form_scale = formation_scale
    elim_scale = None
    if np.any(gate < 1.0):
        sp.delay_maturation(cp.pool, (s1 - s0) * (1.0 - gate))
        form_scale = gate if formation_scale is None else gate * np.asarray(formation_scale, dtype=float)
    if np.any(prune != 1.0):
        elim_scale = prune
    formed, eliminated = kernel(cp.pool, s0, s1 - s0, k, protein, stress, rules, seed, form_scale, elim_scale)
    return formed, eliminated, float(gate.mean())


