"""Interpolation of the circuit's steady states between sampled drug states, and its error.

Every timeline quantity is the interpolation, in concentration, of its
steady-state value at the staircase's nodes: piecewise linear (monotone
between nodes, no overshoot), except NMDA-receptor block, which is linear in
log-odds against log concentration (:func:`block_interpolate`); with NBQX,
bilinear over the (ketamine, NBQX) grid's cells (:func:`bilinear`). The
held-out states are never used for it: the relative error at them is
reported (:func:`interpolation_error`).
"""

from __future__ import annotations

import numpy as np

from .sampling import cell_centre, cells, state_key

#: Quantities interpolated from the circuit's steady states: timeline name ->
#: EpochMeasures attribute.
CIRCUIT_QUANTITIES = {
    "rate_pyramidal_hz": "rate_pyramidal_hz",
    "rate_interneuron_hz": "rate_interneuron_hz",
    "glutamate_rel": "glutamate_rel",
    "block_pyramidal": "block_pyramidal",
    "block_interneuron": "block_interneuron",
    "rate_vta_dopamine_hz": "rate_vta_dopamine_hz",
    "rate_vta_gaba_hz": "rate_vta_gaba_hz",
    "dopamine_rel": "dopamine_rel",
}

#: The rates whose interpolation error decides a refinement.
REFINED_BY = ("rate_pyramidal_hz", "rate_interneuron_hz")


def bilinear_weights(x, y, kx: np.ndarray, nx: np.ndarray):
    """Cells (a, b) and fractions (u, v) of points (x, y) on the grid with axes `kx`, `nx`.

    A value at (x, y) is ``(1-u)(1-v) g[a,b] + u(1-v) g[a+1,b] + (1-u)v g[a,b+1] + uv g[a+1,b+1]``.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    a, b = cells(x, kx), cells(y, nx)
    u = np.clip((x - kx[a]) / (kx[a + 1] - kx[a]), 0.0, 1.0)
    v = np.clip((y - nx[b]) / (nx[b + 1] - nx[b]), 0.0, 1.0)
    return a, b, u, v


def bilinear(x: np.ndarray, y: np.ndarray, kx: np.ndarray, nx: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Bilinear interpolation of `grid` (values at corners kx[a], nx[b]; NaN where not sampled)."""
    a, b, u, v = bilinear_weights(x, y, kx, nx)
    return ((1 - u) * (1 - v) * grid[a, b] + u * (1 - v) * grid[a + 1, b]
            + (1 - u) * v * grid[a, b + 1] + u * v * grid[a + 1, b + 1])


#: Below this fraction of its drug-free value a quantity's interpolation error
#: is taken relative to that fraction instead (a silenced population's rate
#: is near 0, where a relative error means nothing).
ERROR_FLOOR = 0.1


def interpolation_error(predicted, measured, baseline: float) -> np.ndarray:
    """(predicted - measured) / max(|measured|, ERROR_FLOOR |baseline|)."""
    predicted = np.asarray(predicted, dtype=float)
    measured = np.asarray(measured, dtype=float)
    scale = np.maximum(np.abs(measured), ERROR_FLOOR * abs(baseline))
    with np.errstate(divide="ignore", invalid="ignore"):
        return (predicted - measured) / scale


def interpolate(at, nodes: list, attr: str) -> np.ndarray:
    """A circuit quantity at concentrations `at`, from its values at the staircase's nodes.

    Linear in concentration, except NMDA-receptor block: that is linear in
    log-odds against log concentration (see :func:`block_interpolate`).
    """
    x = np.array([e.concentration_um for e in nodes])
    y = np.array([getattr(e, attr) for e in nodes])
    if attr.startswith("block_"):
        return block_interpolate(np.asarray(at, dtype=float), x, y)
    return np.interp(at, x, y)


_LOGIT_EPS = 1e-9


def block_interpolate(at: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Block between nodes: straight lines of logit(block) against log(concentration).

    The Hill law is such a line (logit b = n (ln c - ln IC50)), so for the
    Hill block model this is exact at every concentration; linear
    interpolation of a concave curve reads low between nodes (about 1-2 % at
    the antidepressant peak). Below the first nonzero node the first segment
    is extended (block -> 0 as c -> 0); above the last node the last value
    is held, as :func:`numpy.interp` does. Falls back to linear interpolation
    where fewer than two nonzero nodes have a block strictly between 0 and 1.
    """
    ok = (x > 0) & np.isfinite(y) & (y > _LOGIT_EPS) & (y < 1.0 - _LOGIT_EPS)
    if ok.sum() < 2:
        return np.interp(at, x, y)
    lx = np.log(x[ok])
    ly = np.log(y[ok]) - np.log1p(-y[ok])
    out = np.interp(at, x, y)
    pos = at > 0
    la = np.log(np.where(pos, at, 1.0))
    z = np.interp(la, lx, ly)
    below = pos & (la < lx[0])
    slope = (ly[1] - ly[0]) / (lx[1] - lx[0])
    if slope > 0:  # a rising first segment: extend it towards 0 (else keep numpy's line to the 0 node)
        z = np.where(below, ly[0] + slope * (la - lx[0]), z)
    else:
        pos = pos & ~below
    inside = pos & (la <= lx[-1])  # at <= 0 keeps numpy's value, the block at the 0 node
    return np.where(inside, 1.0 / (1.0 + np.exp(-z)), out)


def held_out_errors(nodes: list, held: list, present: list[str]) -> dict[str, np.ndarray]:
    baseline = nodes[0]
    out = {}
    for name in present:
        attr = CIRCUIT_QUANTITIES[name]
        at = np.array([e.concentration_um for e in held])
        measured = np.array([getattr(e, attr) for e in held])
        out[name] = interpolation_error(interpolate(at, nodes, attr), measured, getattr(baseline, attr))
    return out


def grid_values(nodes: dict, kx: np.ndarray, nx: np.ndarray, attr: str) -> np.ndarray:
    """The measured `attr` at every grid corner (NaN where the grid was not sampled)."""
    grid = np.full((len(kx), len(nx)), np.nan)
    for a, k in enumerate(kx):
        for b, n in enumerate(nx):
            e = nodes.get(state_key(k, n))
            if e is not None:
                grid[a, b] = getattr(e, attr)
    return grid


def grid_errors(grids: dict[str, np.ndarray], held: list, kx: np.ndarray,
                 nx: np.ndarray) -> dict[str, np.ndarray]:
    """Interpolation error of every quantity at the held-out states `held`."""
    x = np.array([e.concentration_um for e in held])
    y = np.array([e.nbqx_um for e in held])
    out = {}
    for name, grid in grids.items():
        measured = [getattr(e, CIRCUIT_QUANTITIES[name]) for e in held]
        out[name] = interpolation_error(bilinear(x, y, kx, nx, grid), measured, grid[0, 0])
    return out


def split_cells(bad: list[tuple[int, int]], grids: dict[str, np.ndarray], kx: np.ndarray,
           nx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The axes with each cell of `bad` split along the axis its rates change more over."""
    new_k, new_n = set(kx.tolist()), set(nx.tolist())
    for a, b in bad:
        dk = dn = 0.0
        for q in ("rate_pyramidal_hz", "rate_interneuron_hz"):
            g = grids[q] / max(abs(grids[q][0, 0]), 1e-9)
            dk += abs(g[a + 1, b] - g[a, b]) + abs(g[a + 1, b + 1] - g[a, b + 1])
            dn += abs(g[a, b + 1] - g[a, b]) + abs(g[a + 1, b + 1] - g[a + 1, b])
        k_mid, n_mid = cell_centre(a, b, kx, nx)
        if dk >= dn:
            new_k.add(k_mid)
        else:
            new_n.add(n_mid)
    return np.array(sorted(new_k)), np.array(sorted(new_n))
