"""The cortical circuit's synapses: drawn (sparse random pairs and delays) or given (an imported network).

Drawing the graph here, from a named random stream, rather than with
Brian2's ``connect(p=...)`` makes the circuit identical across Brian2 code
generation targets and lets other stages (the spine pool) see the same
arrays. :class:`Connectivity` holds synapses given explicitly instead
(:mod:`circuitsim.network.sonata` reads them from a SONATA network).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The four cortical pathways: (source, target) population.
PATHWAYS = {"e_to_e": ("pyramidal", "pyramidal"), "e_to_i": ("pyramidal", "interneuron"),
            "i_to_e": ("interneuron", "pyramidal"), "i_to_i": ("interneuron", "interneuron")}

_ROWS_PER_CHUNK = 512


def random_pairs(
    n_pre: int, n_post: int, p: float, rng: np.random.Generator, *, autapses: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Each (pre, post) pair is connected independently with probability `p`.

    Returns
    -------
    i, j : ndarray of int32
        Presynaptic and postsynaptic indices, sorted by presynaptic cell.
    """
    pre, post = [], []
    for start in range(0, n_pre, _ROWS_PER_CHUNK):
        stop = min(start + _ROWS_PER_CHUNK, n_pre)
        mask = rng.random((stop - start, n_post), dtype=np.float32) < p
        if not autapses:
            rows = np.arange(start, stop)
            keep = rows < n_post
            mask[np.nonzero(keep)[0], rows[keep]] = False
        ii, jj = np.nonzero(mask)
        pre.append((ii + start).astype(np.int32))
        post.append(jj.astype(np.int32))
    return np.concatenate(pre), np.concatenate(post)


def uniform_delays(n: int, d_min_s: float, d_max_s: float, dt_s: float, rng) -> np.ndarray:
    """Delays uniform in [d_min, d_max], rounded to the time step (seconds)."""
    d = rng.uniform(d_min_s, d_max_s, size=n)
    return np.maximum(np.round(d / dt_s), 1) * dt_s


@dataclass(frozen=True)
class Pathway:
    """The synapses of one cortical pathway given explicitly: presynaptic and postsynaptic ids, delays, weights.

    ``weight``: the relative weight ``w_syn`` of each synapse (None: the
    circuit's default, :func:`circuitsim.network.build.pathway_weights`).
    """

    pre: np.ndarray
    post: np.ndarray
    delay_s: np.ndarray
    weight: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.pre)
        for name in ("pre", "post", "delay_s", "weight"):
            arr = getattr(self, name)
            if arr is None:
                continue
            arr = np.array(arr, dtype=np.int32 if name in ("pre", "post") else np.float64)
            if arr.shape != (n,):
                raise ValueError(f"Pathway.{name}: expected {n} entries (one per synapse), got {arr.shape}")
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)


@dataclass(frozen=True)
class Connectivity:
    """The cortical circuit's synapses given explicitly (an imported network) instead of drawn from the seed.

    ``pathways`` maps each of ``e_to_e``, ``e_to_i``, ``i_to_e``, ``i_to_i``
    to its :class:`Pathway`; ``digest`` names the content (build caches
    and response keys use it).
    """

    pathways: dict[str, Pathway]
    digest: str
