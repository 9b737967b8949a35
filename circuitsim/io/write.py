"""Writing a results file: one HDF5 file per run, written atomically, spikes in SONATA layout.

The layout is :mod:`circuitsim.io.layout` (docs/results.md). The writer
does no science: it stores what the engine simulated and what the analysis
measured (:class:`circuitsim.analysis.annotate.Annotations`), as given.
Written through :func:`circuitsim.atomic.atomic_path`, so a file with the
final name is always complete.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from ..analysis.annotate import Annotations
from ..atomic import atomic_path
from ..config import Config, dump_config
from ..engine.acute import Timeline
from ..engine.measures import SampleAnalysis
from ..engine.slow import DaysResult
from ..network.sample import FastSample
from .layout import (
    CHECK_COLUMNS,
    EPOCH_UNITS,
    RESULTS_SCHEMA_VERSION,
    SONATA_MAGIC,
    SONATA_VERSION,
    SORTING_BY_TIME,
    SORTING_DTYPE,
    STR,
    trace_units,
)


def write_results(
    path: str | os.PathLike,
    config: Config,
    sample: FastSample,
    analysis: SampleAnalysis,
    provenance: Mapping[str, Any],
    timeline: Timeline | None = None,
    days: DaysResult | None = None,
    annotations: Annotations | None = None,
) -> Path:
    """Write one run to `path` atomically (temporary file, then rename).

    Parameters
    ----------
    path : str or PathLike
        Destination, normally ``<directory>/<name>.h5``. Its directory must exist.
    config : Config
        The resolved config of the run (stored as YAML in ``/config``).
    sample : FastSample
        Spikes (times in s, 0-based ids) and population sizes of the run.
    analysis : SampleAnalysis
        Binned traces (time axis in s) and per-epoch measures.
    provenance : mapping
        Flat mapping of str, int, float or bool (versions, seeds, host, times,
        wall times in s), stored as attributes of ``/provenance``.
    timeline : circuitsim.engine.acute.Timeline, optional
        A dosing experiment's timeline, stored in ``/timeline``; `sample` and
        `analysis` are then its staircase of circuit states (``/spikes``,
        ``/timeseries``, ``/epochs``).
    days : circuitsim.engine.slow.DaysResult, optional
        The slow stage of a plasticity experiment: ``/spines`` (snapshots)
        and ``/plasticity/checks`` (the drug-free circuit over days); its
        merged timeline is passed as `timeline`.
    annotations : circuitsim.analysis.annotate.Annotations, optional
        With `days`: each arm's summary (``/arms/<name>`` attributes) and
        the measured signatures (``/plasticity/signatures``).

    Returns
    -------
    Path
        `path`, now a complete results file.

    Raises
    ------
    OSError
        If the directory cannot be written; no file is left behind.
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        with h5py.File(tmp, "w") as f:
            _write_root(f)
            _write_spikes(f, sample)
            _write_timeseries(f, analysis)
            baseline = (timeline.stair_config.protocol.baseline_epoch if timeline is not None
                        else config.protocol.baseline_epoch)
            _write_epochs(f, analysis, baseline)
            if timeline is not None:
                _write_timeline(f, timeline)
            if days is not None:
                _write_days(f, days, annotations if annotations is not None else Annotations())
            f.create_dataset("config", data=dump_config(config), dtype=STR)
            f["config"].attrs["format"] = "yaml"
            _write_provenance(f, provenance)
            f.flush()
    return path


def _write_root(f: h5py.File) -> None:
    f.attrs["magic"] = SONATA_MAGIC
    f.attrs["version"] = SONATA_VERSION
    f.attrs["circuitsim_schema_version"] = np.uint32(RESULTS_SCHEMA_VERSION)


def _write_spikes(f: h5py.File, sample: FastSample) -> None:
    spikes = f.create_group("spikes")
    for pop, (times_s, ids) in sample.spikes.items():
        times_ms = np.asarray(times_s, dtype=np.float64) * 1e3
        ids = np.asarray(ids)
        if ids.size and ids.min() < 0:
            raise ValueError(f"spikes of {pop!r} have negative cell ids")
        # Sorted by time, ties by id (lexsort: last key is the primary one).
        order = np.lexsort((ids, times_ms))
        g = spikes.create_group(pop)
        g.attrs.create("sorting", SORTING_BY_TIME, dtype=SORTING_DTYPE)
        g.attrs["n_cells"] = np.uint64(sample.n_cells[pop])
        ts = g.create_dataset("timestamps", data=times_ms[order], dtype=np.float64)
        ts.attrs["units"] = "ms"
        g.create_dataset("node_ids", data=ids[order].astype(np.uint64), dtype=np.uint64)


def _write_timeseries(f: h5py.File, analysis: SampleAnalysis) -> None:
    g = f.create_group("timeseries")
    time_ms = np.asarray(analysis.time_s, dtype=np.float64) * 1e3
    bin_ms = float(time_ms[1] - time_ms[0]) if len(time_ms) > 1 else 0.0
    t = g.create_dataset("time_ms", data=time_ms)
    t.attrs["units"] = "ms"
    t.attrs["bin_ms"] = bin_ms
    for name, values in analysis.traces.items():
        values = np.asarray(values, dtype=np.float64)
        if values.shape != time_ms.shape:
            raise ValueError(f"trace {name!r} has shape {values.shape}, time axis {time_ms.shape}")
        d = g.create_dataset(name, data=values)
        d.attrs["units"] = trace_units(name)


def _write_epochs(f: h5py.File, analysis: SampleAnalysis, baseline: str) -> None:
    g = f.create_group("epochs")
    g.attrs["baseline"] = baseline
    eps = analysis.epochs
    g.create_dataset("name", data=[e.name for e in eps], dtype=STR)
    for col, attr in (("start_ms", "start_s"), ("stop_ms", "stop_s"), ("window_start_ms", "window_start_s")):
        d = g.create_dataset(col, data=np.array([getattr(e, attr) for e in eps], dtype=float) * 1e3)
        d.attrs["units"] = "ms"
    for col, units in EPOCH_UNITS.items():
        d = g.create_dataset(col, data=np.array([getattr(e, col) for e in eps], dtype=np.float64))
        d.attrs["units"] = units


def _write_timeline(f: h5py.File, timeline: Timeline) -> None:
    g = f.create_group("timeline")
    g.attrs["monitoring_h"] = float(timeline.monitoring_h)
    g.attrs["cache_hit"] = bool(timeline.cache_hit)
    n = len(timeline.series["time_h"])
    for name, values in timeline.series.items():
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (n,):
            raise ValueError(f"timeline series {name!r} has shape {values.shape}, time axis ({n},)")
        d = g.create_dataset(name, data=values)
        d.attrs["units"] = timeline.units[name]
    doses = g.create_group("doses")
    for col, unit in (("start_h", "h"), ("duration_h", "h")):
        d = doses.create_dataset(col, data=np.array([x[col] for x in timeline.doses], dtype=np.float64))
        d.attrs["units"] = unit
    for col in ("amount", "route", "drug"):
        doses.create_dataset(col, data=[str(x[col]) for x in timeline.doses], dtype=STR)
    # The circuit states the timeline interpolates (epochs of /epochs) and the
    # held-out states that check the interpolation.
    st = g.create_group("sampling")
    st.create_dataset("epoch", data=list(timeline.plan.names), dtype=STR)
    st.create_dataset("held_out", data=np.array(timeline.plan.held_out, dtype=bool))
    # Refinement round of each state (0: the first staircase); optional.
    rounds = getattr(timeline, "rounds", ()) or [0] * len(timeline.plan.names)
    st.create_dataset("round", data=np.array(rounds, dtype=np.int64))
    d = st.create_dataset("concentration_um", data=np.array(timeline.plan.concentrations_um))
    d.attrs["units"] = "uM"
    if any(getattr(timeline.plan, "nbqx_um", ())):
        d = st.create_dataset("nbqx_um", data=np.array(timeline.plan.nbqx_um))
        d.attrs["units"] = "uM"
    for name, err in timeline.interpolation_error.items():
        d = st.create_dataset(f"interpolation_error_{name}", data=np.asarray(err, dtype=np.float64))
        d.attrs["units"] = "1"


def _write_days(f: h5py.File, days: DaysResult, annotations: Annotations) -> None:
    g = f.create_group("spines")
    d = g.create_dataset("time_h", data=np.asarray(days.snapshots_time_h, dtype=np.float64))
    d.attrs["units"] = "h"
    d = g.create_dataset("density", data=np.asarray(days.snapshot_density, dtype=np.float32),
                         compression="gzip")
    d.attrs["units"] = "spines per neuron"
    d = g.create_dataset("volume_mean", data=np.asarray(days.snapshot_volume, dtype=np.float32),
                         compression="gzip")
    d.attrs["units"] = "1"
    g.create_dataset("susceptible", data=np.asarray(days.susceptible, dtype=bool))
    d = g.create_dataset("healthy_density", data=np.asarray(days.healthy_density, dtype=np.float32))
    d.attrs["units"] = "spines per neuron"
    pools = g.create_group("pool")
    for label, (state, volume) in days.pool_states.items():
        p = pools.create_group(label)
        p.create_dataset("state", data=np.asarray(state, dtype=np.uint8), compression="gzip")
        d = p.create_dataset("volume", data=np.asarray(volume, dtype=np.float32), compression="gzip")
        d.attrs["units"] = "1"
    _write_checks(f.create_group("plasticity").create_group("checks"), days.checks)
    arms = getattr(days, "arms", {}) or {}
    if arms:
        ga = f.create_group("arms")
        for name, arm in arms.items():
            g = ga.create_group(name)
            for key, values in arm.series.items():
                d = g.create_dataset(key, data=np.asarray(values, dtype=np.float64))
                d.attrs["units"] = arm.units[key]
            for key, value in annotations.arms[name].items():
                g.attrs[key] = value
            _write_checks(g.create_group("checks"), arm.checks)
    f["plasticity"].attrs["age"] = days.age
    f["plasticity"].attrs["last_dose_h"] = days.last_dose_h
    if days.timeline is not None:
        _write_signatures(f.require_group("plasticity").create_group("signatures"), annotations.signatures)


def _write_signatures(g: h5py.Group, sigs: list) -> None:
    """The measured signatures (circuitsim.analysis.signatures): one row each."""
    g.attrs["description"] = "SCIENCE.md signatures measured from this file's series (issue 4, item 6)"
    for col in ("name", "unit", "target", "source"):
        g.create_dataset(col, data=[getattr(x, col) for x in sigs], dtype=STR)
    g.create_dataset("measured", data=np.array([x.measured for x in sigs], dtype=np.float64))
    g.create_dataset("passed", data=np.array([x.passed for x in sigs], dtype=bool))


def _write_checks(c: h5py.Group, checks: list) -> None:
    """The drug-free circuit samples of a run (label, time, spine density, rates)."""
    c.create_dataset("label", data=[ch.label for ch in checks], dtype=STR)
    d = c.create_dataset("time_h", data=np.array([ch.time_h for ch in checks], dtype=np.float64))
    d.attrs["units"] = "h"
    d = c.create_dataset("spine_density_rel", data=np.array([ch.spine_density_rel for ch in checks]))
    d.attrs["units"] = "1"
    for col, unit in CHECK_COLUMNS.items():
        d = c.create_dataset(col, data=np.array([getattr(ch.measures, col) for ch in checks],
                                                dtype=np.float64))
        d.attrs["units"] = unit


def _write_provenance(f: h5py.File, provenance: Mapping[str, Any]) -> None:
    g = f.create_group("provenance")
    for key, value in provenance.items():
        if value is None:
            value = ""
        if not isinstance(value, str | int | float | bool | np.integer | np.floating):
            raise TypeError(f"provenance {key!r}: expected str, int, float or bool, got {value!r}")
        g.attrs[key] = value


