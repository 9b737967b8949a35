"""Extracellular dopamine released by the VTA's dopamine cells and cleared by the dopamine transporter.

    dD/dt = q r_DA(t) - D / tau_uptake

with r_DA(t) the dopamine cells' population spike rate (spikes per cell per
second), q the rise of D when every dopamine cell fires once (uM) and
tau_uptake the clearance time constant (first-order uptake: DAT well below
its Km). In steady state D = q r_DA tau_uptake, so D relative to its baseline
(``dopamine_rel``) is the dopamine cells' rate relative to theirs, and its
time course is the spike train filtered with tau_uptake.

It is the same linear pool as glutamate (:mod:`circuitsim.network.glutamate`),
integrated exactly on a grid in the same way: the spikes counted in a bin are
released at its start and the pool decays by exp(-dt / tau) per step.
"""

from __future__ import annotations

import numpy as np

from .glutamate import glutamate_pool


def dopamine_pool(
    spike_times_s: np.ndarray,
    n_cells: int,
    t_grid_s: np.ndarray,
    release_per_spike_um: float,
    tau_uptake_s: float,
) -> np.ndarray:
    """Dopamine D (uM) on `t_grid_s` (uniform, starting at 0) from the dopamine cells' spikes.

    Parameters
    ----------
    spike_times_s : ndarray
        Spike times (s) of all dopamine cells.
    n_cells : int
        Number of dopamine cells.
    t_grid_s : ndarray
        Uniform grid (s) starting at 0, at least two points.
    release_per_spike_um : float
        q: rise of D (uM) when every dopamine cell fires once.
    tau_uptake_s : float
        Clearance time constant (s).

    Returns
    -------
    ndarray
        D at the grid points, just after the release of the bin that starts there.
    """
    return release_per_spike_um * glutamate_pool(spike_times_s, n_cells, t_grid_s, tau_uptake_s)
