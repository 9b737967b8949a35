"""The spine pool of a circuit: its slots are the circuit's E->E synapses.

The slots are the pairs of :func:`circuitsim.network.build.e_to_e_pairs`
(drawn once, from the seed), reordered by postsynaptic neuron for the
kernel; ``order[k]`` is the synapse index of pool slot k. A spine's
synaptic weight is its volume times ``scale``, the factor that gives the
healthy steady state the calibrated circuit's total E->E weight (on
average 1 / ``slots_per_synapse`` per slot).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..config.plasticity import SpineConfig
from ..config.schema import Config
from ..seeds import int_seed
from . import spines as sp

_DAY_S = 86400.0


def spine_rules(cfg: SpineConfig) -> sp.SpineRules:
    """The kernel's rules (days, relative volume) from the config."""
    return sp.SpineRules(
        k_form_per_d=cfg.k_form_per_d, k_elim_per_d=cfg.k_elim_per_d,
        protein_formation_gain=cfg.protein_formation_gain, v_half=cfg.v_half,
        stable_factor=cfg.stable_factor, stress_elimination_gain=cfg.stress_elimination_gain,
        tau_volume_d=cfg.tau_volume_s / _DAY_S, protein_volume_gain=cfg.protein_volume_gain,
        stress_shrink_gain=cfg.stress_shrink_gain, v_new=cfg.v_new, sigma_size=cfg.sigma_size,
        t_stable_d=cfg.t_stable_s / _DAY_S, v_stable=cfg.v_stable,
        site_bias=cfg.site_bias, site_memory_d=cfg.site_memory_s / _DAY_S)


@dataclass
class CircuitPool:
    """A circuit's spine pool, its synapse order and weight scale."""

    pool: sp.SpinePool
    order: np.ndarray
    post: np.ndarray
    scale: float
    healthy_density: np.ndarray
    healthy_volume_mean: float

    def copy(self) -> CircuitPool:
        """A copy with its own slot state (the synapse order and reference values are shared)."""
        return dataclasses.replace(self, pool=self.pool.copy())

    def synapse_weights(self) -> np.ndarray:
        """Weights in the circuit's synapse order (:func:`e_to_e_pairs`)."""
        return synapse_order(self.pool.volume.astype(np.float64) * self.scale, self.order)

    def slot_weights(self) -> np.ndarray:
        """Weights in pool order."""
        return self.pool.volume.astype(np.float64) * self.scale


def slot_order(post: np.ndarray) -> np.ndarray:
    """``order[k]``: the synapse index of pool slot k (the synapses sorted by postsynaptic neuron, stably)."""
    return np.argsort(post, kind="stable")


def synapse_order(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Per-slot `values` (pool order) in the circuit's synapse order."""
    out = np.empty(len(order), dtype=np.asarray(values).dtype)
    out[order] = values
    return out


def weight_scale(healthy_volume: np.ndarray, slots_per_synapse: float) -> float:
    """The factor from spine volume to synaptic weight: the healthy pool's total weight is 1 / ``slots_per_synapse`` per slot."""
    total = float(np.asarray(healthy_volume).sum(dtype=np.float64))
    return len(healthy_volume) / slots_per_synapse / total if total > 0 else 0.0


def healthy_pool(config: Config, kernel=sp.step_numba, start_d: float = 0.0,
                 memo: dict | None = None) -> CircuitPool:
    """The circuit's slots with spines grown to their healthy steady state (no drug, no stress).

    The pool starts empty and is stepped at rest (synaptic protein 1, stress
    0) for ``spines.burn_in`` in steps of ``spines.burn_in_step``; random
    numbers from the seed's ``"spines.burn_in"`` stream. Formation times are
    given on the experiment's clock, whose start is `start_d` (days).
    `memo`, a dict owned by the caller (one experiment and its arms), keeps
    the pools grown with it, so that arms that share the circuit grow it
    once; each call returns its own copy.
    """
    if config.plasticity is None:
        raise ValueError("healthy_pool needs a config with a plasticity section")
    cfg = config.plasticity.spines
    key = (config.seed, config.circuit.pyramidal.n, config.circuit.e_to_e.p, cfg.model_dump_json(),
           getattr(kernel, "__name__", str(kernel)))
    if memo is None:
        memo = {}
    if key not in memo:
        memo[key] = _grow_healthy(config, kernel)
    out = memo[key].copy()
    # Times from here on are experiment times: re-base formation times so that
    # the pool's "now" is `start_d` (ages are kept).
    out.pool.birth_d += np.float32(start_d)
    out.pool.lost_d += np.float32(start_d)
    return out


def _grow_healthy(config: Config, kernel) -> CircuitPool:
    """The burn-in of :func:`healthy_pool`, formation times relative to its end (0)."""
    from ..network.build import e_to_e_pairs
    from ..network.inputs import CircuitSpec

    pre, post = e_to_e_pairs(CircuitSpec.of(config))
    return grow_pool(pre, post, config.circuit.pyramidal.n, config.plasticity.spines,
                     int_seed(config.seed, "spines.burn_in"), kernel)


def grow_pool(pre: np.ndarray, post: np.ndarray, n_post: int, cfg: SpineConfig, seed: int,
              kernel=sp.step_numba) -> CircuitPool:
    """A slot pool over the synapses (pre, post) grown at rest to its steady state, times relative to its end.

    The pool starts empty and is stepped at rest (synaptic protein 1, stress
    0) for ``cfg.burn_in`` in steps of ``cfg.burn_in_step``, random numbers
    from `seed`; its weight scale gives the steady state the total weight of
    ``1 / cfg.slots_per_synapse`` per slot (the calibrated circuit's).
    """
    order = slot_order(post)
    counts = np.bincount(post, minlength=n_post)
    pool = sp.empty_pool(counts, pre=pre[order])
    rules = spine_rules(cfg)
    dt_d = cfg.burn_in_step_s / _DAY_S
    steps = int(round(cfg.burn_in_s / cfg.burn_in_step_s))
    ones, zeros = np.ones(n_post), np.zeros(n_post)
    for k in range(steps):
        kernel(pool, k * dt_d, dt_d, k, ones, zeros, rules, seed)
    scale = weight_scale(pool.volume, cfg.slots_per_synapse)
    pool.birth_d -= np.float32(steps * dt_d)
    pool.lost_d -= np.float32(steps * dt_d)
    present = pool.present
    return CircuitPool(pool=pool, order=order, post=np.sort(post, kind="stable"), scale=scale,
                       healthy_density=pool.density().astype(float),
                       healthy_volume_mean=float(pool.volume[present].mean()) if present.any() else 0.0)
