"""Dendritic spines as agents: formation, growth, shrinkage and elimination.

Every potential E->E synapse onto a pyramidal cell is a *slot*. A slot
holds a spine or not; a present spine has a volume (relative to the healthy
mean, so volume = synaptic weight), a formation time, a stable flag, an
intrinsic size factor and its elimination clock. Slots are grouped by
postsynaptic neuron (``offsets``), which is also how the kernel is
parallelised.

Rules, for one step from t to t + dt with per-neuron inputs held constant
(synaptic protein P_i, relative to 1 at rest, and stress S_i >= 0):

* **Growth.** Volumes relax towards a target with time constant tau_v,
  exactly over the step for a constant target:
  v <- v + (v*_s - v)(1 - exp(-dt / tau_v)), with
  v*_s = size_s (1 + g_P (P_i - 1)) / (1 + g_S S_i):
  synaptic protein enlarges spines, stress shrinks them.
* **Elimination.** Hazard h = k_e (1 + e_S S_i) v_h / (v + v_h), times
  r_stable for a stable spine: it falls with volume and rises with stress.
  Event-driven: each spine draws an Exp(1) threshold when it forms (its
  clock) and the integral of its hazard (midpoint volume over the step) is
  taken off the clock; it is eliminated when the clock runs out. No random draw
  per spine per step: draws happen only at events.
* **Stabilisation.** A spine becomes stable once it is at least t_stable old
  and at least v_stable in volume.
* **Formation.** Each empty slot of neuron i forms a spine with rate
  k_f max(1 + g_F (P_i - 1), 0); the number formed in the step is
  Binomial(n_empty, 1 - exp(-rate dt)) (one draw per neuron), placed on empty slots chosen by
  random probing. A new spine starts at volume v_new size_s with its size
  factor size_s log-normal (mean 1, s.d. of log sigma_size).
* **Site memory.** A slot remembers when it last lost a *stable* spine
  (``lost_d``): a spine that had matured into a lasting synapse leaves a
  trace, a transient one that came and went does not (a model choice).
  With a site bias b > 0, a probed empty slot is taken with probability
  w_s / (1 + b), w_s = 1 + b exp(-(t - lost_s) / tau_m): new spines land
  preferentially where spines were lost in the last few tau_m (rejection
  sampling over the random probes, one extra draw per probe; b = 0 draws
  nothing extra and places spines exactly as without the memory).

Random numbers are counter-based (:mod:`circuitsim.plasticity.rng`): a draw
is a function of (seed, step, neuron, purpose, index), so the Numba kernel,
parallel over neurons, gives bit-identical results for any thread count, and
the NumPy reference (:mod:`circuitsim.plasticity.spines_reference`) draws the same numbers. Both use
float32 state and the same operations in the same order.

Units: time in days, volume relative to the healthy mean spine volume.
Parameter values and their sources: :class:`circuitsim.config.plasticity.SpineConfig`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from . import rng

F32 = np.float32


@dataclass(frozen=True)
class SpineRules:
    """The kernel's parameters as plain floats (days, relative volume); see the module docstring."""

    k_form_per_d: float
    k_elim_per_d: float
    protein_formation_gain: float
    v_half: float
    stable_factor: float
    stress_elimination_gain: float
    tau_volume_d: float
    protein_volume_gain: float
    stress_shrink_gain: float
    v_new: float
    sigma_size: float
    t_stable_d: float
    v_stable: float
    site_bias: float = 0.0
    site_memory_d: float = 1.0

    def as_array(self) -> np.ndarray:
        return np.array([self.k_form_per_d, self.k_elim_per_d, self.v_half, self.stable_factor,
                         self.stress_elimination_gain, self.tau_volume_d, self.protein_volume_gain,
                         self.stress_shrink_gain, self.v_new, self.sigma_size, self.t_stable_d,
                         self.v_stable, self.site_bias, self.site_memory_d], dtype=np.float64)

    @property
    def max_probes(self) -> int:
        """Random probes for a slot before the linear search: more when probes can be rejected."""
        return _probes(self.site_bias)


@dataclass
class SpinePool:
    """The state of every slot (arrays of length n_slots, grouped by postsynaptic neuron).

    ``offsets`` (n_neurons + 1): the slots of neuron i are
    ``offsets[i]:offsets[i + 1]``; ``pre`` the presynaptic pyramidal cell of
    each slot (the circuit's E->E synapse it is).
    """

    offsets: np.ndarray
    pre: np.ndarray
    state: np.ndarray       # uint8: EMPTY, YOUNG (present, not yet stable) or STABLE
    volume: np.ndarray      # float32, relative; 0 where absent
    size: np.ndarray        # float32, intrinsic size factor of the present spine
    birth_d: np.ndarray     # float32, formation time (days)
    clock: np.ndarray       # float32, elimination clock: Exp(1) threshold minus the hazard so far
    lost_d: np.ndarray      # float32, when the slot last lost a stable spine (days; -inf: never)

    @property
    def n_neurons(self) -> int:
        return len(self.offsets) - 1

    @property
    def n_slots(self) -> int:
        return len(self.state)

    @property
    def present(self) -> np.ndarray:
        return self.state != EMPTY

    @property
    def stable(self) -> np.ndarray:
        return self.state == STABLE

    def copy(self) -> SpinePool:
        return SpinePool(**{k: np.array(v, copy=True) for k, v in self.__dict__.items()})

    def remove(self, slots: np.ndarray) -> None:
        """Empty `slots` (indices) without an elimination: no loss time stamped, clock 0 (a slot holds a spine
        exactly when its clock is above 0)."""
        self.state[slots] = EMPTY
        self.volume[slots] = 0.0
        self.size[slots] = 0.0
        self.clock[slots] = 0.0

    def weights(self) -> np.ndarray:
        """Synaptic weight of every slot: the spine's volume (0 where there is none)."""
        return self.volume.astype(np.float64)

    def density(self) -> np.ndarray:
        """Present spines per neuron."""
        return self.stats()[0]

    def stats(self) -> tuple[np.ndarray, np.ndarray]:
        """(present spines, summed volume of the present spines) per neuron, in one parallel pass."""
        count = np.zeros(self.n_neurons, dtype=np.int64)
        volume = np.zeros(self.n_neurons, dtype=np.float64)
        _neuron_stats(self.offsets, self.state, self.volume, count, volume)
        return count, volume


EMPTY, YOUNG, STABLE = np.uint8(0), np.uint8(1), np.uint8(2)


def per_neuron_sum(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Sum of `values` over each neuron's slots (0 for a neuron without slots)."""
    c = np.concatenate([[0], np.cumsum(values)])
    return c[offsets[1:]] - c[offsets[:-1]]


def empty_pool(slots_per_neuron, pre: np.ndarray | None = None) -> SpinePool:
    """A pool with no spines; `slots_per_neuron` (array of counts per neuron)."""
    counts = np.asarray(slots_per_neuron, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    n = int(offsets[-1])
    return SpinePool(
        offsets=offsets,
        pre=np.zeros(n, dtype=np.int32) if pre is None else np.asarray(pre, dtype=np.int32),
        state=np.zeros(n, dtype=np.uint8), volume=np.zeros(n, dtype=F32),
        size=np.zeros(n, dtype=F32), birth_d=np.zeros(n, dtype=F32), clock=np.zeros(n, dtype=F32),
        lost_d=np.full(n, -np.inf, dtype=F32))


@numba.njit(parallel=True, cache=True, fastmath=True)
def _neuron_stats(offsets, state, volume, count, vol_sum):
    # Branch-free, so that it vectorises: an empty slot has volume 0, and
    # fastmath lets the float64 sum be reassociated (the sum of a neuron's
    # few hundred volumes changes in its last bits only; it is reported, it
    # never feeds back into the dynamics).
    for i in numba.prange(len(offsets) - 1):
        c = 0
        v = 0.0
        for s in range(offsets[i], offsets[i + 1]):
            c += state[s] != 0
            v += np.float64(volume[s])
        count[i] = c
        vol_sum[i] = v


# --------------------------------------------------------------- per-neuron constants
def neuron_constants(protein: np.ndarray, stress: np.ndarray, rules: SpineRules, dt_d: float,
                      formation_scale=None, elimination_scale=None):
    """(relaxation factor, volume target, hazard factor, formation probability) per neuron, float32/float64.

    Computed once per neuron and step, identically for both implementations.
    `formation_scale` and `elimination_scale` (per neuron, or None for 1)
    multiply the formation rate and the elimination hazard (an adolescent's
    NMDA-dependent spine dynamics, :class:`circuitsim.config.plasticity.AgeConfig`).
    """
    relax = F32(-math.expm1(-dt_d / rules.tau_volume_d))
    target = ((1.0 + rules.protein_volume_gain * (protein - 1.0))
              / (1.0 + rules.stress_shrink_gain * stress)).astype(F32)
    target = np.maximum(target, F32(0.0))
    hazard = rules.k_elim_per_d * (1.0 + rules.stress_elimination_gain * stress) * dt_d
    if elimination_scale is not None:
        hazard = hazard * np.clip(np.asarray(elimination_scale, dtype=np.float64), 0.0, None)
    hfac = hazard.astype(F32)
    drive = np.maximum(1.0 + rules.protein_formation_gain * (protein - 1.0), 0.0)
    if formation_scale is not None:
        drive = drive * np.clip(np.asarray(formation_scale, dtype=np.float64), 0.0, None)
    p_form = -np.expm1(-rules.k_form_per_d * drive * dt_d)
    return relax, target, hfac, p_form


#: The smallest elimination threshold: a spine's clock must start above 0,
#: which marks a slot as holding a spine (a uniform draw of exactly 0 would
#: give 0; the floor changes nothing else, P(threshold < 1e-30) ~ 1e-30).
MIN_CLOCK = np.float32(1e-30)

#: Random probes for an empty slot before a linear search (at 50 % occupancy
#: 16 probes all hit occupied slots with probability 1.5e-5); with a site
#: bias b, a probed empty slot is kept with probability >= 1 / (1 + b), so
#: the probes grow with 1 + b (capped).
MAX_PROBES = 16
_MAX_PROBES_CAP = 1024


def _probes(bias: float) -> int:
    return int(min(MAX_PROBES * math.ceil(1.0 + bias), _MAX_PROBES_CAP))


def site_taken(u: float, lost_d, t_end, bias, memory_d) -> bool:
    """Rejection step of the site memory: keep a probed empty slot with probability w / (1 + b)."""
    w = F32(1.0) + bias * F32(math.exp(-float(t_end - lost_d) / float(memory_d)))
    return F32(u) * (F32(1.0) + bias) < w


_site_taken_nb = numba.njit(inline="always")(site_taken)


def lognormal_size(ua: float, ub: float, sigma: float) -> float:
    """Log-normal with mean 1 and log-s.d. `sigma` from two uniforms (Box-Muller)."""
    z = math.sqrt(-2.0 * math.log1p(-ua)) * math.cos(2.0 * math.pi * ub)
    return math.exp(sigma * z - 0.5 * sigma * sigma)


_lognormal_size_nb = numba.njit(inline="always")(lognormal_size)


# ------------------------------------------------------------ delayed maturation
def delay_maturation(pool: SpinePool, delay_d) -> None:
    """Push back the maturation of every young spine of neuron i by ``delay_d[i]`` days (in place).

    Maturation is timed from ``birth_d`` (a young spine becomes stable once
    ``t_stable`` past it), so moving ``birth_d`` later by the part of a step
    in which a spine did not mature is the same as its maturation clock
    standing still for that part (an adolescent's NMDA-dependent
    stabilisation, :class:`circuitsim.config.plasticity.AgeConfig`).
    Stable spines and empty slots are untouched.
    """
    _delay_young(pool.offsets, pool.state, pool.birth_d, np.asarray(delay_d, dtype=F32))


@numba.njit(parallel=True, cache=True)
def _delay_young(offsets, state, birth_d, delay):
    for i in numba.prange(len(offsets) - 1):
        d = delay[i]
        if d == 0:
            continue
        for s in range(offsets[i], offsets[i + 1]):
            if state[s] == 1:
                birth_d[s] += d


# -------------------------------------------------------------------- Numba kernel
@numba.njit(cache=True, error_model="numpy")
def _advance(state, volume, size, clock, tg, hf, relax, v_half, stable_factor):
    """Growth and elimination clocks of one neuron's slots (views); returns the eliminations.

    Branch-free (selects), so that LLVM vectorises it: ``error_model="numpy"``
    removes Python's division-by-zero check, and views indexed from 0
    remove the negative-index check of a loop from `start`, either of
    which stops it (measured: 3-7x slower). A slot
    holds a spine exactly when its clock is above 0 (a new spine's clock is
    its Exp(1) threshold, > 0), so empty slots compute and keep zeros.
    """
    half = np.float32(0.5)
    zero = np.float32(0.0)
    one = np.float32(1.0)
    gone = np.int32(0)
    for s in range(len(state)):
        c = clock[s]
        v_old = volume[s]
        v_new = v_old + (tg * size[s] - v_old) * relax
        v_mid = half * (v_old + v_new)
        h = hf * (v_half / (v_mid + v_half))
        h = h * (stable_factor if state[s] == 2 else one)
        left = c - h
        keep = (c > zero) & (left > zero)
        clock[s] = left if keep else zero
        volume[s] = v_new if keep else zero
        gone += np.int32((c > zero) & (left <= zero))
    return gone


@numba.njit(cache=True, error_model="numpy")
def _settle_states(state, volume, birth_d, clock, lost_d, t_end, t_stable, v_stable):
    """States after :func:`_advance`: eliminated spines empty (a stable one's loss time stamped on its
    slot), old and large young spines stable.

    Returns the number of slots that were empty at the start of the step.
    """
    zero = np.float32(0.0)
    n_empty = np.int32(0)
    for s in range(len(state)):
        st = state[s]
        c = clock[s]
        n_empty += np.int32(st == 0)
        promote = (st == 1) & (c > zero) & ((t_end - birth_d[s]) >= t_stable) & (volume[s] >= v_stable)
        lost_d[s] = t_end if (st == 2) & (c == zero) else lost_d[s]
        state[s] = np.uint8(0) if c == zero else (np.uint8(2) if promote else st)
    return n_empty


@numba.njit(parallel=True, cache=True, error_model="numpy")
def _step_kernel(offsets, state, volume, size, birth_d, clock, lost_d,
                 relax, target, hfac, p_form, t_end, params, seed, step, formed, eliminated):
    n_neurons = len(offsets) - 1
    v_half = np.float32(params[2])
    stable_factor = np.float32(params[3])
    v_new_0 = np.float32(params[8])
    sigma = params[9]
    t_stable = np.float32(params[10])
    v_stable = np.float32(params[11])
    bias = np.float32(params[12])
    memory_d = np.float32(params[13])
    max_probes = int(params[14])
    for i in numba.prange(n_neurons):
        start = offsets[i]
        stop = offsets[i + 1]
        # Two passes over the neuron's slots, which stay in L1 cache between
        # them: the vectorised arithmetic, then the rare state changes.
        gone_count = _advance(state[start:stop], volume[start:stop], size[start:stop],
                              clock[start:stop], target[i], hfac[i], relax, v_half, stable_factor)
        n_empty = _settle_states(state[start:stop], volume[start:stop], birth_d[start:stop],
                                 clock[start:stop], lost_d[start:stop], t_end, t_stable, v_stable)
        eliminated[i] = gone_count
        if n_empty == 0:
            formed[i] = 0
            continue
        k_new = rng.binomial(n_empty, p_form[i], rng.uniform(seed, step, i, rng.LANE_COUNT, 0))
        n = stop - start
        made = 0
        probe = 0
        for k in range(k_new):
            slot = -1
            u = 0.0
            for _attempt in range(max_probes):
                u = rng.uniform(seed, step, i, rng.LANE_SLOT, probe)
                s = start + min(int(u * n), n - 1)
                if state[s] == 0 and (
                        bias == np.float32(0.0)
                        or _site_taken_nb(rng.uniform(seed, step, i, rng.LANE_ACCEPT, probe),
                                          lost_d[s], t_end, bias, memory_d)):
                    probe += 1
                    slot = s
                    break
                probe += 1
            if slot < 0:
                for j in range(n):
                    s = start + (int(u * n) + j) % n
                    if state[s] == 0:
                        slot = s
                        break
            if slot < 0:
                break
            ua = rng.uniform(seed, step, i, rng.LANE_SIZE_A, k)
            ub = rng.uniform(seed, step, i, rng.LANE_SIZE_B, k)
            ut = rng.uniform(seed, step, i, rng.LANE_THRESHOLD, k)
            sz = _lognormal_size_nb(ua, ub, sigma)
            state[slot] = 1
            size[slot] = np.float32(sz)
            volume[slot] = v_new_0 * np.float32(sz)
            birth_d[slot] = t_end
            clock[slot] = max(np.float32(-math.log1p(-ut)), MIN_CLOCK)
            made += 1
        formed[i] = made


def step_numba(pool: SpinePool, t_d: float, dt_d: float, step: int, protein, stress,
               rules: SpineRules, seed: int, formation_scale=None,
               elimination_scale=None) -> tuple[np.ndarray, np.ndarray]:
    """Advance `pool` in place (the parallel Numba kernel; same rules and numbers as the NumPy reference, :mod:`circuitsim.plasticity.spines_reference`)."""
    protein = np.asarray(protein, dtype=np.float64)
    stress = np.asarray(stress, dtype=np.float64)
    relax, target, hfac, p_form = neuron_constants(protein, stress, rules, dt_d, formation_scale,
                                                    elimination_scale)
    formed = np.zeros(pool.n_neurons, dtype=np.int64)
    eliminated = np.zeros(pool.n_neurons, dtype=np.int64)
    _step_kernel(pool.offsets, pool.state, pool.volume, pool.size, pool.birth_d, pool.clock, pool.lost_d,
                 relax, target, hfac, p_form, F32(t_d + dt_d),
                 np.append(rules.as_array(), rules.max_probes), np.uint64(seed), np.uint64(step), formed, eliminated)
    return formed, eliminated

