"""Writing a results file: one HDF5 file per run, written atomically, spikes in SONATA layout.

The layout is :mod:`circuitsim.io.layout` (docs/results.md). The writer
stores a :class:`~circuitsim.engine.record.RunRecord` as it is: it does no
science and converts nothing (the record holds what the file holds), so
``read_results(write_record(path, r)) == r``. Written through
:func:`circuitsim.atomic.atomic_path`, so a file with the final name is
always complete.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from ..analysis.signatures import Signature
from ..atomic import atomic_path
from ..config import Config
from ..engine.acute import Timeline
from ..engine.measures import SampleAnalysis
from ..engine.probe import PROBE_UNITS
from ..engine.record import EPOCH_TIMES, EPOCH_UNITS, RunRecord
from ..engine.records import CHECK_COLUMNS, IMAGING_UNITS, to_record
from ..engine.slow import DaysResult
from ..engine.wiring import WIRING_UNITS
from ..network.sample import FastSample
from .layout import (
    RESULTS_SCHEMA_VERSION,
    SONATA_MAGIC,
    SONATA_VERSION,
    SORTING_BY_TIME,
    SORTING_DTYPE,
    STR,
)
from .reports import write_reports


def write_record(path: str | os.PathLike, record: RunRecord) -> Path:
    """Write `record` to `path` atomically (temporary file, then rename); return `path`.

    Raises
    ------
    OSError
        If the directory cannot be written; no file is left behind.
    """
    path = Path(path)
    listing = write_reports(path, record.reports)
    with atomic_path(path) as tmp:
        with h5py.File(tmp, "w") as f:
            _write_root(f)
            if listing:
                f.create_group("reports").attrs.update(listing)
            _write_spikes(f, record)
            _write_timeseries(f, record)
            _write_epochs(f, record)
            if record.timeline is not None:
                _write_timeline(f, record)
            if record.days:
                _write_days(f, record.days)
            f.create_dataset("config", data=record.config_text, dtype=STR)
            f["config"].attrs["format"] = "yaml"
            _write_provenance(f, record.provenance)
            f.flush()
    return path


def write_results(
    path: str | os.PathLike,
    config: Config,
    sample: FastSample,
    analysis: SampleAnalysis,
    provenance: Mapping[str, Any],
    timeline: Timeline | None = None,
    days: DaysResult | None = None,
    signatures: tuple[Signature, ...] = (),
) -> Path:
    """Write one run from its parts (:func:`circuitsim.engine.records.to_record`, then :func:`write_record`).

    `signatures`: the plasticity signatures measured by the analysis
    (``/plasticity/signatures``, with `days`).
    """
    record = to_record(config, sample, analysis, provenance, timeline, days)
    if days is not None:
        record = dataclasses.replace(record, days={**record.days, "signatures": list(signatures)})
    return write_record(path, record)


def _write_root(f: h5py.File) -> None:
    f.attrs["magic"] = SONATA_MAGIC
    f.attrs["version"] = SONATA_VERSION
    f.attrs["circuitsim_schema_version"] = np.uint32(RESULTS_SCHEMA_VERSION)


def _write_spikes(f: h5py.File, record: RunRecord) -> None:
    spikes = f.create_group("spikes")
    for pop, (times_ms, ids) in record.spikes.items():
        g = spikes.create_group(pop)
        g.attrs.create("sorting", SORTING_BY_TIME, dtype=SORTING_DTYPE)
        g.attrs["n_cells"] = np.uint64(record.n_cells[pop])
        ts = g.create_dataset("timestamps", data=times_ms, dtype=np.float64)
        ts.attrs["units"] = "ms"
        g.create_dataset("node_ids", data=ids, dtype=np.uint64)


def _write_timeseries(f: h5py.File, record: RunRecord) -> None:
    g = f.create_group("timeseries")
    time_ms = record.time_ms
    t = g.create_dataset("time_ms", data=time_ms)
    t.attrs["units"] = "ms"
    t.attrs["bin_ms"] = float(time_ms[1] - time_ms[0]) if len(time_ms) > 1 else 0.0
    for name, values in record.timeseries.items():
        d = g.create_dataset(name, data=values)
        d.attrs["units"] = record.units[name]


def _write_epochs(f: h5py.File, record: RunRecord) -> None:
    g = f.create_group("epochs")
    g.attrs["baseline"] = record.baseline_epoch
    table = record.epoch_table
    g.create_dataset("name", data=table["name"], dtype=STR)
    for col in EPOCH_TIMES:
        d = g.create_dataset(col, data=table[col])
        d.attrs["units"] = "ms"
    for col, units in EPOCH_UNITS.items():
        d = g.create_dataset(col, data=table[col])
        d.attrs["units"] = units


def _write_columns(g: h5py.Group, columns: Mapping[str, Any], units: Mapping[str, str]) -> None:
    """One dataset per column: lists of str as UTF-8 strings, arrays as they are; `units` where given."""
    for name, values in columns.items():
        d = g.create_dataset(name, data=values, dtype=STR) if isinstance(values, list) else \
            g.create_dataset(name, data=values)
        if name in units:
            d.attrs["units"] = units[name]


def _write_timeline(f: h5py.File, record: RunRecord) -> None:
    g = f.create_group("timeline")
    info = record.timeline_info
    g.attrs["monitoring_h"] = info["monitoring_h"]
    g.attrs["cache_hit"] = info["cache_hit"]
    _write_columns(g, record.timeline, record.timeline_units)
    _write_columns(g.create_group("doses"), info["doses"], {"start_h": "h", "duration_h": "h"})
    # The circuit states the timeline interpolates (epochs of /epochs) and the
    # held-out states that check the interpolation.
    sampling = info["sampling"]
    units = {name: "1" if name.startswith("interpolation_error_") else "uM" for name in sampling
             if name.startswith("interpolation_error_") or name.endswith("_um")}
    _write_columns(g.create_group("sampling"), sampling, units)


def _write_days(f: h5py.File, days: Mapping[str, Any]) -> None:
    g = f.create_group("spines")
    d = g.create_dataset("time_h", data=days["time_h"])
    d.attrs["units"] = "h"
    d = g.create_dataset("density", data=days["density"], compression="gzip")
    d.attrs["units"] = "spines per neuron"
    d = g.create_dataset("volume_mean", data=days["volume_mean"], compression="gzip")
    d.attrs["units"] = "1"
    g.create_dataset("susceptible", data=days["susceptible"])
    d = g.create_dataset("healthy_density", data=days["healthy_density"])
    d.attrs["units"] = "spines per neuron"
    pools = g.create_group("pool")
    for label, pool in days["pool"].items():
        p = pools.create_group(label)
        p.create_dataset("state", data=pool["state"], compression="gzip")
        d = p.create_dataset("volume", data=pool["volume"], compression="gzip")
        d.attrs["units"] = "1"
    plasticity = f.create_group("plasticity")
    _write_checks(plasticity.create_group("checks"), days["checks"])
    if "imaging" in days:
        _write_imaging(plasticity.create_group("imaging"), days["imaging"])
    if days["arms"]:
        ga = f.create_group("arms")
        for name, arm in days["arms"].items():
            g = ga.create_group(name)
            series = {k: v for k, v in arm.items() if k not in ("units", "attrs", "checks", "imaging")}
            _write_columns(g, series, arm["units"])
            for key, value in arm["attrs"].items():
                g.attrs[key] = value
            _write_checks(g.create_group("checks"), arm["checks"])
            if "imaging" in arm:
                _write_imaging(g.create_group("imaging"), arm["imaging"])
    plasticity.attrs["age"] = days["experiment"]["age"]
    plasticity.attrs["last_dose_h"] = days["experiment"]["last_dose_h"]
    _write_signatures(plasticity.create_group("signatures"), days["signatures"])


def _write_signatures(g: h5py.Group, sigs: list) -> None:
    """The measured signatures (circuitsim.analysis.signatures): one row each."""
    g.attrs["description"] = "SCIENCE.md signatures measured from this file's series (issue 4, item 6)"
    for col in ("name", "unit", "target", "source"):
        g.create_dataset(col, data=[getattr(x, col) for x in sigs], dtype=STR)
    g.create_dataset("measured", data=np.array([x.measured for x in sigs], dtype=np.float64))
    g.create_dataset("passed", data=np.array([x.passed for x in sigs], dtype=bool))


def _write_imaging(g: h5py.Group, imaging: Mapping[str, Any]) -> None:
    """What imaging at the sessions sees (circuitsim.plasticity.imaging): one entry per session or interval."""
    _write_columns(g, {k: v for k, v in imaging.items() if k != "attrs"}, IMAGING_UNITS)
    for key, value in imaging["attrs"].items():
        g.attrs[key] = value


def _write_checks(c: h5py.Group, checks: Mapping[str, Any]) -> None:
    """The drug-free circuit samples of a run (label, time, spine density, rates; the probe's measures)."""
    _write_columns(c, checks, {"time_h": "h", "spine_density_rel": "1", **CHECK_COLUMNS, **PROBE_UNITS,
                               **WIRING_UNITS})


def _write_provenance(f: h5py.File, provenance: Mapping[str, Any]) -> None:
    g = f.create_group("provenance")
    for key, value in provenance.items():
        g.attrs[key] = value
