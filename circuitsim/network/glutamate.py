"""Extracellular glutamate pool fed by pyramidal spikes and cleared by uptake.

    dG/dt = q r_E(t) - G / tau_uptake

with r_E(t) the pyramidal population spike rate (spikes per cell per second)
and q the release per spike (arbitrary units: only G relative to its baseline
is reported, so q cancels). Integrated exactly on a grid: between grid points
the spikes counted in a bin are released at its start, and the pool decays by
exp(-dt / tau) per step.
"""

from __future__ import annotations

import numpy as np


def glutamate_pool(
    spike_times_s: np.ndarray, n_cells: int, t_grid_s: np.ndarray, tau_uptake_s: float
) -> np.ndarray:
    """Glutamate pool G on `t_grid_s` (uniform, starting at 0), release q = 1 per spike per cell.

    In steady state G = r_E * tau_uptake, so G is in units of (spikes per cell).
    """
    if len(t_grid_s) < 2:
        raise ValueError("t_grid_s needs at least two points")
    dt = float(t_grid_s[1] - t_grid_s[0])
    edges = np.append(t_grid_s, t_grid_s[-1] + dt)
    counts, _ = np.histogram(spike_times_s, bins=edges)
    release = counts / max(n_cells, 1)
    decay = np.exp(-dt / tau_uptake_s)
    g = np.empty(len(t_grid_s))
    acc = 0.0
    for k, r in enumerate(release):
        acc = acc * decay + r
        g[k] = acc
    return g
