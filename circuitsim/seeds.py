"""Per-component random streams from one master seed.

Each component (connectivity, delays, initial state, the Brian2 dynamics)
draws from its own stream, keyed by its name: adding a component, or a
population, never shifts the numbers another one gets.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")


def seed_sequence(master_seed: int, component: str) -> np.random.SeedSequence:
    """The SeedSequence of `component` under `master_seed`."""
    return np.random.SeedSequence([master_seed, _key(component)])


def rng(master_seed: int, component: str) -> np.random.Generator:
    """A NumPy generator for `component` (e.g. ``"connectivity.e_to_i"``)."""
    return np.random.default_rng(seed_sequence(master_seed, component))


def int_seed(master_seed: int, component: str) -> int:
    """A 31-bit integer seed for libraries that take one (Brian2's ``seed()``)."""
    return int(seed_sequence(master_seed, component).generate_state(1, dtype=np.uint32)[0] >> 1)


def recorded_rng(master_seed: int, component: str, used: dict[str, int] | None) -> np.random.Generator:
    """:func:`rng` of `component`, noted in `used` (name -> :func:`int_seed`, the stream's seed in a results file).

    `used` is the caller's record of the streams one run draws from (None:
    not recorded).
    """
    if used is not None:
        used[component] = int_seed(master_seed, component)
    return rng(master_seed, component)
