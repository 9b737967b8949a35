"""What a fast sample returns: the result record, its populations and trace units.

Pure data, no Brian2 objects: :func:`circuitsim.network.simulate.simulate_sample`
returns a :class:`FastSample`; the engine, analysis and io read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

POPULATIONS = ("pyramidal", "interneuron")
#: The dopamine side branch (``circuit.vta``): dopamine cells and local GABA
#: cells, driven by the pyramidal cells, with nothing projecting back.
VTA_POPULATIONS = ("vta_dopamine", "vta_gaba")

# Units of the per-population mean traces recorded during a sample (the VTA
# ones only when ``circuit.vta.enabled``).
TRACE_UNITS = {
    "concentration_um": "uM",
    **{f"{kind}_{pop}": "1" for kind in ("block", "open") for pop in (*POPULATIONS, *VTA_POPULATIONS)},
    **{f"{kind}_{pop}_ns": "nS" for kind in ("g_ampa", "g_nmda") for pop in (*POPULATIONS, *VTA_POPULATIONS)},
}

#: Progress callback of a run: ``progress(simulated_s, total_s)``.
ProgressFn = Callable[[float, float], None]


@dataclass(frozen=True)
class Recorded:
    """Cell variables recorded in one population (``recording`` of the config).

    ``t_s``: sample times (s); ``ids``: the recorded cells' node ids;
    ``values``: variable -> array (times, cells) in the SI unit of
    :data:`circuitsim.config.recording.VARIABLE_UNITS`.
    """

    t_s: np.ndarray
    ids: np.ndarray
    values: dict[str, np.ndarray]


@dataclass(frozen=True)
class FastSample:
    """What one fast-stage run returns (pure data, no Brian2 objects).

    Attributes
    ----------
    spikes : dict
        population -> (times in s, float64; 0-based cell ids, int64).
    n_cells : dict
        population -> number of cells.
    trace_t_s : ndarray
        Times (s) of the entries of `traces`.
    traces : dict
        name -> population-mean trace; units in :data:`TRACE_UNITS`.
    duration_s : float
        Simulated time.
    wall_build_s, wall_run_s : float
        Wall time spent building (incl. code generation) and running.
    seeds : dict
        Component -> integer seed actually used.
    run_info : dict
        How it ran: ``threads`` (OpenMP threads; 1 in runtime mode) and, in
        standalone mode, ``wall_binary_s`` (the whole binary: loading arrays,
        creating synapses, the run, writing results).
    recordings : dict
        population -> :class:`Recorded`, the cell variables the config's
        ``recording`` asked for (empty without).
    """

    spikes: dict[str, tuple[np.ndarray, np.ndarray]]
    n_cells: dict[str, int]
    trace_t_s: np.ndarray
    traces: dict[str, np.ndarray]
    duration_s: float
    wall_build_s: float
    wall_run_s: float
    seeds: dict[str, int] = field(default_factory=dict)
    run_info: dict[str, int | float] = field(default_factory=dict)
    recordings: dict[str, Recorded] = field(default_factory=dict)
