"""The results file: one HDF5 file per run, written atomically, spikes in SONATA layout.

This is the only module that knows the layout (documented in docs/results.md).
:func:`write_results` writes it; :func:`read_results` reads it back into a
:class:`Results`. The layout version is stored in the file as the root
attribute ``circuitsim_schema_version``; a reader refuses files from a newer
layout instead of misreading them.

Atomic writing: the file is written under a temporary name
(``<name>.h5.tmp``) in the destination directory, flushed, closed and synced,
then renamed over the destination with :func:`os.replace` (atomic on POSIX
and Windows within one file system). On any error the temporary file is
deleted and the error re-raised, so a file with the final name is always
complete.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import yaml

from ..analysis.measures import EpochMeasures, SampleAnalysis
from ..analysis.signatures import Signature, plasticity_signatures
from ..config import Config, config_from_dict, dump_config
from ..errors import UserInputError
from ..network.sample import POPULATIONS, TRACE_UNITS, VTA_POPULATIONS, FastSample

#: Layout version written into (and required from) every results file.
RESULTS_SCHEMA_VERSION = 1
#: SONATA spike-file identification (root attributes ``magic`` and ``version``).
SONATA_MAGIC = np.uint32(0x0A7A)
SONATA_VERSION = np.array([0, 1], dtype=np.uint32)
#: The SONATA ``sorting`` enum of a spike population group.
SORTING_DTYPE = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype=np.int8)
SORTING_BY_TIME = 2

# Units of the traces the analysis adds to the recorded ones.
_ANALYSIS_UNITS = {
    "rate_pyramidal_hz": "Hz",
    "rate_interneuron_hz": "Hz",
    "glutamate_rel": "1",
    "rate_vta_dopamine_hz": "Hz",
    "rate_vta_gaba_hz": "Hz",
    "dopamine_um": "uM",
    "dopamine_rel": "1",
}
#: Added within layout 1 with the VTA (2026-11-21): files written before lack
#: these traces and epoch columns, and read back as NaN.
_VTA_TRACES = ("rate_vta_dopamine_hz", "rate_vta_gaba_hz", "dopamine_um", "dopamine_rel")
_VTA_EPOCH_COLUMNS = ("rate_vta_dopamine_hz", "rate_vta_gaba_hz", "dopamine_rel")
# Per-epoch columns (besides name, start_ms, stop_ms) and their units.
_EPOCH_UNITS = {
    "concentration_um": "uM",
    "rate_pyramidal_hz": "Hz",
    "rate_interneuron_hz": "Hz",
    "cv_pyramidal": "1",
    "cv_interneuron": "1",
    "glutamate_rel": "1",
    "block_pyramidal": "1",
    "block_interneuron": "1",
    "rate_vta_dopamine_hz": "Hz",
    "rate_vta_gaba_hz": "Hz",
    "dopamine_rel": "1",
    "nbqx_um": "uM",
    "block_ampa": "1",
}
#: Epoch columns added within layout 1 after NBQX: absent in older files, which applied none (0).
_NBQX_EPOCH_COLUMNS = ("nbqx_um", "block_ampa")
_STR = h5py.string_dtype(encoding="utf-8")


def trace_units(name: str) -> str:
    """Unit of the trace `name` (``"1"`` for dimensionless; ``"unknown"`` if none is known)."""
    if name in _ANALYSIS_UNITS:
        return _ANALYSIS_UNITS[name]
    if name in TRACE_UNITS:
        return TRACE_UNITS[name]
    return "unknown"


# ---------------------------------------------------------------------------- writing
def write_results(
    path: str | os.PathLike,
    config: Config,
    sample: FastSample,
    analysis: SampleAnalysis,
    provenance: Mapping[str, Any],
    timeline: Any | None = None,
    days: Any | None = None,
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
    timeline : circuitsim.engine.timeline.Timeline, optional
        A dosing experiment's timeline, stored in ``/timeline``; `sample` and
        `analysis` are then its staircase of circuit states (``/spikes``,
        ``/timeseries``, ``/epochs``).
    days : circuitsim.engine.days.DaysResult, optional
        The slow stage of a plasticity experiment: ``/spines`` (snapshots)
        and ``/plasticity/checks`` (the drug-free circuit over days); its
        merged timeline is passed as `timeline`.

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
    tmp = path.with_name(path.name + ".tmp")
    try:
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
                _write_days(f, days)
            f.create_dataset("config", data=dump_config(config), dtype=_STR)
            f["config"].attrs["format"] = "yaml"
            _write_provenance(f, provenance)
            f.flush()
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _fsync(path: Path) -> None:
    """Push the closed file's data to disk before the rename makes it visible."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    g.create_dataset("name", data=[e.name for e in eps], dtype=_STR)
    for col, attr in (("start_ms", "start_s"), ("stop_ms", "stop_s"), ("window_start_ms", "window_start_s")):
        d = g.create_dataset(col, data=np.array([getattr(e, attr) for e in eps], dtype=float) * 1e3)
        d.attrs["units"] = "ms"
    for col, units in _EPOCH_UNITS.items():
        d = g.create_dataset(col, data=np.array([getattr(e, col) for e in eps], dtype=np.float64))
        d.attrs["units"] = units


def _write_timeline(f: h5py.File, timeline: Any) -> None:
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
        doses.create_dataset(col, data=[str(x[col]) for x in timeline.doses], dtype=_STR)
    # The circuit states the timeline interpolates (epochs of /epochs) and the
    # held-out states that check the interpolation.
    st = g.create_group("sampling")
    st.create_dataset("epoch", data=list(timeline.plan.names), dtype=_STR)
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


#: Per-check columns of /plasticity/checks: EpochMeasures attribute -> unit.
_CHECK_COLUMNS = {"rate_pyramidal_hz": "Hz", "rate_interneuron_hz": "Hz", "cv_pyramidal": "1",
                  "rate_vta_dopamine_hz": "Hz", "rate_vta_gaba_hz": "Hz"}


def _write_days(f: h5py.File, days: Any) -> None:
    from ..engine.days import acute_peaks  # local: the engine imports this module

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
            for key, value in acute_peaks(arm).items():
                g.attrs[key] = value
            g.attrs["role"] = arm.role
            g.attrs["blockers"] = ",".join(arm.blockers)
            g.attrs["age"] = arm.age
            g.attrs["end_rate_pyramidal_hz"] = arm.end_rate_pyramidal_hz
            _write_checks(g.create_group("checks"), arm.checks)
    f["plasticity"].attrs["age"] = days.age
    f["plasticity"].attrs["last_dose_h"] = days.last_dose_h
    if days.timeline is not None:
        sigs = plasticity_signatures(
            days.timeline.series,
            {name: (arm.series, {"role": arm.role, "blockers": ",".join(arm.blockers), "age": arm.age,
                                 "end_rate_pyramidal_hz": arm.end_rate_pyramidal_hz, **acute_peaks(arm)})
             for name, arm in arms.items()},
            {"age": days.age, "end_rate_pyramidal_hz": days.end_rate_pyramidal_hz,
             "last_dose_h": days.last_dose_h})
        _write_signatures(f.require_group("plasticity").create_group("signatures"), sigs)


def _write_signatures(g: h5py.Group, sigs: list) -> None:
    """The measured signatures (circuitsim.analysis.signatures): one row each."""
    g.attrs["description"] = "SCIENCE.md signatures measured from this file's series (issue 4, item 6)"
    for col in ("name", "unit", "target", "source"):
        g.create_dataset(col, data=[getattr(x, col) for x in sigs], dtype=_STR)
    g.create_dataset("measured", data=np.array([x.measured for x in sigs], dtype=np.float64))
    g.create_dataset("passed", data=np.array([x.passed for x in sigs], dtype=bool))


def _write_checks(c: h5py.Group, checks: list) -> None:
    """The drug-free circuit samples of a run (label, time, spine density, rates)."""
    c.create_dataset("label", data=[ch.label for ch in checks], dtype=_STR)
    d = c.create_dataset("time_h", data=np.array([ch.time_h for ch in checks], dtype=np.float64))
    d.attrs["units"] = "h"
    d = c.create_dataset("spine_density_rel", data=np.array([ch.spine_density_rel for ch in checks]))
    d.attrs["units"] = "1"
    for col, unit in _CHECK_COLUMNS.items():
        d = c.create_dataset(col, data=np.array([getattr(ch.measures, col) for ch in checks],
                                                dtype=np.float64))
        d.attrs["units"] = unit


def _read_days(f: h5py.File) -> dict[str, Any]:
    """``/spines`` and ``/plasticity/checks`` as plain arrays (empty dict when absent)."""
    if "spines" not in f:
        return {}
    g = f["spines"]
    out: dict[str, Any] = {k: np.asarray(g[k][()]) for k in ("time_h", "density", "volume_mean",
                                                             "susceptible", "healthy_density")}
    out["pool"] = {label: {k: np.asarray(p[k][()]) for k in p} for label, p in g["pool"].items()}
    c = f["plasticity/checks"]
    out["checks"] = _read_checks(c)
    rates = out["checks"].get("rate_pyramidal_hz", np.array([]))
    out["experiment"] = {"age": _str(f["plasticity"].attrs.get("age", "adult")),
                         "last_dose_h": float(f["plasticity"].attrs.get("last_dose_h", 0.0)),
                         "end_rate_pyramidal_hz": float(rates[-1]) if len(rates) else float("nan")}
    sg = f.get("plasticity/signatures")
    out["signatures"] = ([] if sg is None else
                         [Signature(_str(sg["name"][k]), float(sg["measured"][k]), _str(sg["unit"][k]),
                                    _str(sg["target"][k]), _str(sg["source"][k]), bool(sg["passed"][k]))
                          for k in range(len(sg["name"]))])
    out["arms"] = {}
    for name, g in f.get("arms", {}).items():
        arm = {k: np.asarray(g[k][()]) for k in g if k != "checks"}
        arm["units"] = {k: _str(g[k].attrs.get("units", "")) for k in g if k != "checks"}
        arm["attrs"] = {k: _attr_value(v) for k, v in g.attrs.items()}
        arm["checks"] = _read_checks(g["checks"])
        out["arms"][name] = arm
    return out


def _read_checks(c: h5py.Group) -> dict[str, Any]:
    return {k: ([_str(x) for x in c[k][()]] if k == "label" else np.asarray(c[k][()])) for k in c}


def _write_provenance(f: h5py.File, provenance: Mapping[str, Any]) -> None:
    g = f.create_group("provenance")
    for key, value in provenance.items():
        if value is None:
            value = ""
        if not isinstance(value, str | int | float | bool | np.integer | np.floating):
            raise TypeError(f"provenance {key!r}: expected str, int, float or bool, got {value!r}")
        g.attrs[key] = value


# ---------------------------------------------------------------------------- reading
@dataclass(frozen=True, eq=False)
class Results:
    """A results file read back into memory.

    Attributes
    ----------
    path : Path
        The file read.
    schema_version : int
        ``circuitsim_schema_version`` of the file.
    spikes : dict
        population -> (times in ms, float64; 0-based node ids, uint64), sorted by time.
    n_cells : dict
        population -> number of cells.
    time_ms : ndarray
        Start of each analysis bin (ms).
    timeseries : dict
        name -> trace on `time_ms` (units in `units`).
    units : dict
        trace name -> unit string (``"1"`` for dimensionless).
    epochs : tuple of EpochMeasures
        Per-epoch measures (times in s, as produced by the analysis).
    baseline_epoch : str
        Name of the reference epoch.
    config_text : str
        The full resolved config (YAML).
    provenance : dict
        Versions, seeds, host, start/end time (ISO 8601 UTC), wall times (s).
    timeline : dict or None
        A dosing experiment's ``/timeline`` series by name (None for a bath
        protocol); their units in `timeline_units`, the rest of the group
        (``monitoring_h``, ``doses``, ``sampling``) in `timeline_info`.
    """

    path: Path
    schema_version: int
    spikes: dict[str, tuple[np.ndarray, np.ndarray]]
    n_cells: dict[str, int]
    time_ms: np.ndarray
    timeseries: dict[str, np.ndarray]
    units: dict[str, str]
    epochs: tuple[EpochMeasures, ...]
    baseline_epoch: str
    config_text: str
    provenance: dict[str, Any] = field(default_factory=dict)
    timeline: dict[str, np.ndarray] | None = None
    timeline_units: dict[str, str] = field(default_factory=dict)
    timeline_info: dict[str, Any] = field(default_factory=dict)
    #: A plasticity experiment's ``/spines`` and ``/plasticity/checks`` (empty otherwise).
    days: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def config(self) -> Config:
        """The run's config, validated by the current schema.

        Raises
        ------
        UserInputError
            If the stored config no longer validates (file from an older schema).
        """
        try:
            data = yaml.safe_load(self.config_text)
        except yaml.YAMLError:
            raise UserInputError(f"results: {str(self.path)!r} holds an unreadable /config") from None
        try:
            return config_from_dict(data if isinstance(data, dict) else {})
        except UserInputError as exc:
            raise UserInputError(
                f"results: the config stored in {str(self.path)!r} does not validate: {exc}"
            ) from None

    @property
    def name(self) -> str:
        """The run's name (file name without ``.h5``)."""
        return self.path.name.removesuffix(".h5")

    def epoch(self, name: str) -> EpochMeasures:
        """The measures of the epoch called `name`."""
        for e in self.epochs:
            if e.name == name:
                return e
        raise KeyError(name)

    def plot(self, out_dir: str | os.PathLike | None = None) -> list[Path]:
        """Write every figure this file supports (as ``circuitsim plot``); return their paths.

        Parameters
        ----------
        out_dir : str or PathLike, optional
            An existing directory; default the file's own.
        """
        from ..plots import write_figures

        return write_figures(self, out_dir)

    def summary(self) -> str:
        """The text ``circuitsim info`` prints: config, provenance, per-epoch (and timeline) tables."""
        from .summary import results_summary

        return results_summary(self)


def read_results(path: str | os.PathLike) -> Results:
    """Read a results file written by :func:`write_results`.

    Parameters
    ----------
    path : str or PathLike
        The ``.h5`` file.

    Returns
    -------
    Results

    Raises
    ------
    UserInputError
        If the file is missing, unreadable, not HDF5, not a circuitsim results
        file, or from a newer layout version (one-line message).
    """
    path = Path(path)
    where = str(path)
    if path.is_dir():
        raise UserInputError(f"results: {where!r} is a directory, expected a results file (.h5)")
    if not path.exists():
        raise UserInputError(f"results: no such file {where!r}")
    try:
        f = h5py.File(path, "r")
    except OSError:
        if not os.access(path, os.R_OK):
            raise UserInputError(f"results: cannot read {where!r}: permission denied") from None
        raise UserInputError(f"results: {where!r} is not an HDF5 file") from None
    with f:
        version = _scalar_int(f.attrs.get("circuitsim_schema_version"))
        if version is None or _scalar_int(f.attrs.get("magic")) != int(SONATA_MAGIC):
            raise UserInputError(f"results: {where!r} is not a circuitsim results file")
        if version > RESULTS_SCHEMA_VERSION:
            raise UserInputError(
                f"results: {where!r} has layout version {version}; this circuitsim "
                f"reads up to {RESULTS_SCHEMA_VERSION} (upgrade circuitsim)"
            )
        try:
            return _read(f, path, version)
        except (KeyError, ValueError, TypeError, OSError) as exc:
            raise UserInputError(
                f"results: {where!r} is incomplete or damaged ({type(exc).__name__}: {exc})"
            ) from None


def _scalar_int(value: Any) -> int | None:
    """`value` as an int if it is one integer (scalar or 1-element array), else None."""
    a = np.asarray(value) if value is not None else None
    if a is None or a.size != 1 or not np.issubdtype(a.dtype, np.integer):
        return None
    return int(a.ravel()[0])


def _str(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _attr_value(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _read(f: h5py.File, path: Path, version: int) -> Results:
    spikes, n_cells = {}, {}
    stored = list(f["spikes"])
    known = (*POPULATIONS, *VTA_POPULATIONS)
    for pop in [p for p in known if p in stored] + [p for p in stored if p not in known]:
        g = f["spikes"][pop]
        spikes[pop] = (
            np.asarray(g["timestamps"][()], dtype=np.float64),
            np.asarray(g["node_ids"][()], dtype=np.uint64),
        )
        n_cells[pop] = int(g.attrs["n_cells"])
    ts = f["timeseries"]
    time_ms = np.asarray(ts["time_ms"][()], dtype=np.float64)
    timeseries, units = {}, {}
    for name, d in ts.items():
        if name == "time_ms":
            continue
        timeseries[name] = np.asarray(d[()], dtype=np.float64)
        units[name] = _str(d.attrs.get("units", "unknown"))
    for name in _VTA_TRACES:
        if name not in timeseries:
            timeseries[name] = np.full(len(time_ms), np.nan)
            units[name] = _ANALYSIS_UNITS[name]
    ep = f["epochs"]
    names = [_str(n) for n in ep["name"][()]]
    # The VTA columns were added within layout 1: files written before lack them (NaN).
    def column(c: str) -> np.ndarray:
        if c in ep:
            return np.asarray(ep[c][()], dtype=np.float64)
        if c in _VTA_EPOCH_COLUMNS:
            return np.full(len(names), np.nan)
        if c in _NBQX_EPOCH_COLUMNS:
            return np.zeros(len(names))
        raise KeyError(f"epochs/{c}")

    cols = {c: column(c) for c in ("start_ms", "stop_ms", *_EPOCH_UNITS)}
    # Added within layout 1: files written before it lack the window (NaN).
    cols["window_start_ms"] = (np.asarray(ep["window_start_ms"][()], dtype=np.float64)
                               if "window_start_ms" in ep else np.full(len(names), np.nan))
    epochs = tuple(
        EpochMeasures(
            name=n,
            start_s=float(cols["start_ms"][k]) / 1e3,
            stop_s=float(cols["stop_ms"][k]) / 1e3,
            window_start_s=float(cols["window_start_ms"][k]) / 1e3,
            **{c: float(cols[c][k]) for c in _EPOCH_UNITS},
        )
        for k, n in enumerate(names)
    )
    provenance = {k: _attr_value(v) for k, v in f["provenance"].attrs.items()}
    timeline, timeline_units, timeline_info = _read_timeline(f)
    return Results(
        path=path,
        schema_version=version,
        spikes=spikes,
        n_cells=n_cells,
        time_ms=time_ms,
        timeseries=timeseries,
        units=units,
        epochs=epochs,
        baseline_epoch=_str(ep.attrs["baseline"]),
        config_text=_str(f["config"][()]),
        provenance=provenance,
        timeline=timeline,
        timeline_units=timeline_units,
        timeline_info=timeline_info,
        days=_read_days(f),
    )


def _read_timeline(f: h5py.File) -> tuple[dict | None, dict, dict]:
    if "timeline" not in f:
        return None, {}, {}
    g = f["timeline"]
    series, units = {}, {}
    for name, d in g.items():
        if isinstance(d, h5py.Dataset):
            series[name] = np.asarray(d[()], dtype=np.float64)
            units[name] = _str(d.attrs.get("units", "unknown"))
    info: dict[str, Any] = {k: _attr_value(v) for k, v in g.attrs.items()}
    for sub in ("doses", "sampling"):
        info[sub] = {name: (np.asarray(d[()]) if d.dtype.kind != "O" else [_str(x) for x in d[()]])
                     for name, d in g[sub].items()}
    return series, units, info
