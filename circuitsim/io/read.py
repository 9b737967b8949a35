"""Reading a results file back into memory (:func:`read_results` -> :class:`Results`).

The layout is :mod:`circuitsim.io.layout` (docs/results.md); files of every
layout-1 revision are read (columns added since are filled in: NaN for the
VTA, 0 for NBQX), and a file from a newer layout is refused with one line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from ..analysis.signatures import Signature
from ..engine.measures import ANALYSIS_UNITS
from ..engine.record import EPOCH_UNITS, RunRecord
from ..errors import UserInputError
from ..network.sample import POPULATIONS, VTA_POPULATIONS
from .layout import (
    NBQX_EPOCH_COLUMNS,
    RESULTS_SCHEMA_VERSION,
    SONATA_MAGIC,
    VTA_EPOCH_COLUMNS,
    VTA_TRACES,
    attr_value,
    str_value,
)
from .reports import read_reports


@dataclass(frozen=True, eq=False)
class Results(RunRecord):
    """A results file read back: its :class:`~circuitsim.engine.record.RunRecord`, its path and layout version.

    Equal to the record that was written (the path is not content):
    ``read_results(write_record(path, r)) == r``.
    """

    path: Path = Path()
    schema_version: int = RESULTS_SCHEMA_VERSION

    @property
    def source(self) -> str:
        """The file, as messages name it."""
        return repr(str(self.path))

    @property
    def name(self) -> str:
        """The run's name (file name without ``.h5``)."""
        return self.path.name.removesuffix(".h5")


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
        units[name] = str_value(d.attrs.get("units", "unknown"))
    for name in VTA_TRACES:
        if name not in timeseries:
            timeseries[name] = np.full(len(time_ms), np.nan)
            units[name] = ANALYSIS_UNITS[name]
    ep = f["epochs"]
    names = [str_value(n) for n in ep["name"][()]]
    # The VTA columns were added within layout 1: files written before lack them (NaN).
    def column(c: str) -> np.ndarray:
        if c in ep:
            return np.asarray(ep[c][()], dtype=np.float64)
        if c in VTA_EPOCH_COLUMNS:
            return np.full(len(names), np.nan)
        if c in NBQX_EPOCH_COLUMNS:
            return np.zeros(len(names))
        raise KeyError(f"epochs/{c}")

    table: dict[str, Any] = {"name": names}
    table.update({c: column(c) for c in ("start_ms", "stop_ms")})
    # Added within layout 1: files written before it lack the window (NaN).
    table["window_start_ms"] = (np.asarray(ep["window_start_ms"][()], dtype=np.float64)
                                if "window_start_ms" in ep else np.full(len(names), np.nan))
    table.update({c: column(c) for c in EPOCH_UNITS})
    provenance = {k: attr_value(v) for k, v in f["provenance"].attrs.items()}
    timeline, timeline_units, timeline_info = _read_timeline(f)
    return Results(
        path=path,
        schema_version=version,
        spikes=spikes,
        n_cells=n_cells,
        time_ms=time_ms,
        timeseries=timeseries,
        units=units,
        epoch_table=table,
        baseline_epoch=str_value(ep.attrs["baseline"]),
        config_text=str_value(f["config"][()]),
        provenance=provenance,
        timeline=timeline,
        timeline_units=timeline_units,
        timeline_info=timeline_info,
        days=_read_days(f),
        reports=read_reports(path, {k: str_value(v) for k, v in f["reports"].attrs.items()}) if "reports" in f else {},
    )


def _read_timeline(f: h5py.File) -> tuple[dict | None, dict, dict]:
    if "timeline" not in f:
        return None, {}, {}
    g = f["timeline"]
    series, units = {}, {}
    for name, d in g.items():
        if isinstance(d, h5py.Dataset):
            series[name] = np.asarray(d[()], dtype=np.float64)
            units[name] = str_value(d.attrs.get("units", "unknown"))
    info: dict[str, Any] = {k: attr_value(v) for k, v in g.attrs.items()}
    for sub in ("doses", "sampling"):
        info[sub] = {name: (np.asarray(d[()]) if d.dtype.kind != "O" else [str_value(x) for x in d[()]])
                     for name, d in g[sub].items()}
    return series, units, info
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
    out["experiment"] = {"age": str_value(f["plasticity"].attrs.get("age", "adult")),
                         "last_dose_h": float(f["plasticity"].attrs.get("last_dose_h", 0.0)),
                         "end_rate_pyramidal_hz": float(rates[-1]) if len(rates) else float("nan")}
    sg = f.get("plasticity/signatures")
    out["signatures"] = ([] if sg is None else
                         [Signature(str_value(sg["name"][k]), float(sg["measured"][k]), str_value(sg["unit"][k]),
                                    str_value(sg["target"][k]), str_value(sg["source"][k]), bool(sg["passed"][k]))
                          for k in range(len(sg["name"]))])
    out["arms"] = {}
    for name, g in f.get("arms", {}).items():
        series = [k for k in g if k not in ("checks", "imaging")]
        arm = {k: np.asarray(g[k][()]) for k in series}
        arm["units"] = {k: str_value(g[k].attrs.get("units", "")) for k in series}
        arm["attrs"] = {k: attr_value(v) for k, v in g.attrs.items()}
        arm["checks"] = _read_checks(g["checks"])
        if "imaging" in g:  # added within layout 1 (issue 18): older files have none
            arm["imaging"] = _read_imaging(g["imaging"])
        out["arms"][name] = arm
    if "plasticity/imaging" in f:
        out["imaging"] = _read_imaging(f["plasticity/imaging"])
    return out


def _read_imaging(g: h5py.Group) -> dict[str, Any]:
    out: dict[str, Any] = {k: np.asarray(g[k][()]) for k in g}
    out["attrs"] = {k: attr_value(v) for k, v in g.attrs.items()}
    return out


def _read_checks(c: h5py.Group) -> dict[str, Any]:
    return {k: ([str_value(x) for x in c[k][()]] if k == "label" else np.asarray(c[k][()])) for k in c}


