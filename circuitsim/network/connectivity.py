"""Sparse random (Erdos-Renyi) connectivity and delays, drawn with NumPy.

Drawing the graph here, from a named random stream, rather than with
Brian2's ``connect(p=...)`` makes the circuit identical across Brian2 code
generation targets and lets other stages (the spine pool) see the same
arrays.
"""

from __future__ import annotations

import numpy as np

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
