"""Counter-based random numbers for the spine kernel.

A random number is a pure function of its coordinates, ``(seed, step,
neuron, lane, index)``: no generator state is carried from one draw to the
next. So the kernel draws the same numbers whichever thread handles a neuron,
in whatever order, and a run is bit-identical for any thread count; the NumPy
reference draws the very same numbers.

The hash is SplitMix64's finaliser (Steele, Lea & Flood 2014, "Fast
splittable pseudorandom number generators", OOPSLA; the constants of
java.util.SplittableRandom), applied once per coordinate so that every
coordinate changes every output bit. A uniform takes the top 53 bits.

``lane`` separates the purposes of draws at one (step, neuron): the
formation count, the slot picked for a new spine, its size, its elimination
threshold (:data:`LANE_COUNT` etc.).
"""

from __future__ import annotations

import math

import numba
import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0  # 2**-53

#: Purposes of the draws of one (step, neuron).
LANE_COUNT = 0      # how many spines form
LANE_SLOT = 1       # which empty slot (one draw per probe)
LANE_SIZE_A = 2     # the new spine's size (Box-Muller, first uniform)
LANE_SIZE_B = 3     # (second uniform)
LANE_THRESHOLD = 4  # the new spine's elimination threshold, Exp(1)
LANE_ACCEPT = 5     # whether a probed empty slot is taken (site memory; one draw per probe)


@numba.njit(inline="always")
def _mix(z):
    """SplitMix64 finaliser of z + golden ratio (uint64 arithmetic wraps)."""
    z = z + _GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@numba.njit(inline="always")
def key_u64(seed, step, neuron, lane, index):
    """The 64-bit hash of the coordinates (all non-negative integers)."""
    h = _mix(np.uint64(seed))
    h = _mix(h ^ np.uint64(step))
    h = _mix(h ^ np.uint64(neuron))
    h = _mix(h ^ ((np.uint64(lane) << np.uint64(40)) ^ np.uint64(index)))
    return h


@numba.njit(inline="always")
def uniform(seed, step, neuron, lane, index):
    """A uniform float64 in [0, 1) from the coordinates."""
    return float(key_u64(seed, step, neuron, lane, index) >> _S11) * _TWO_M53


def uniform_array(seed: int, step: int, neuron, lane: int, index) -> np.ndarray:
    """Vectorised :func:`uniform` (NumPy; `neuron` and `index` broadcast), the same numbers."""
    neuron = np.asarray(neuron, dtype=np.uint64)
    index = np.asarray(index, dtype=np.uint64)

    def mix(z):
        z = z + _GOLDEN
        z = (z ^ (z >> _S30)) * _M1
        z = (z ^ (z >> _S27)) * _M2
        return z ^ (z >> _S31)

    with np.errstate(over="ignore"):
        h = mix(np.uint64(seed))
        h = mix(h ^ np.uint64(step))
        h = mix(h ^ neuron)
        h = mix(h ^ ((np.uint64(lane) << np.uint64(40)) ^ index))
    return (h >> _S11).astype(np.float64) * _TWO_M53


@numba.njit(inline="always")
def binomial(n, p, u):
    """A Binomial(n, p) draw from one uniform `u`, by inversion (sequential search).

    Exact for any n and p; the cost grows with the result (O(n p) on average),
    which for spine formation per neuron and step is a few at most.
    """
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    q = 1.0 - p
    s = p / q
    a = (n + 1) * s
    r = math.exp(n * math.log1p(-p))  # q**n, by the same libm calls in Python and Numba
    x = 0
    while u > r and x < n:
        u -= r
        x += 1
        r *= a / x - s
    return x
