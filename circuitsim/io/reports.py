"""Recorded cell variables as SONATA soma reports, one file per variable beside the results file.

``<results stem>_report_<variable>.h5`` holds, per population,

    /report/<population>/data                 float32 (times, cells), attribute units (mV, nS, pA or 1)
    /report/<population>/mapping/node_ids     uint64, the recorded cells
    /report/<population>/mapping/index_pointers, element_ids   one element (the soma) per cell
    /report/<population>/mapping/time         float64 [start, stop, step], attribute units "ms"

(the SONATA report layout, which libsonata's ``SomaReportReader`` reads).
The results file lists them in ``/reports`` (an attribute per variable:
its file name). Written before the results file, each atomically, so a
results file never names a report that is missing.
"""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from ..atomic import atomic_path
from ..engine.record import REPORT_UNITS
from ..errors import UserInputError


def report_path(results: Path, variable: str) -> Path:
    """Where the report of `variable` of the results file `results` is."""
    return results.with_name(f"{results.stem}_report_{variable}.h5")


def write_reports(results: Path, reports: dict[str, dict[str, tuple]]) -> dict[str, str]:
    """Write every variable's report beside `results`; return variable -> file name (for ``/reports``)."""
    listing = {}
    for var, pops in reports.items():
        path = report_path(results, var)
        with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
            for pop, (ids, step_ms, values) in pops.items():
                g = f.create_group(f"report/{pop}")
                data = g.create_dataset("data", data=np.asarray(values, dtype=np.float32))
                data.attrs["units"] = REPORT_UNITS[var][0]
                m = g.create_group("mapping")
                m["node_ids"] = np.asarray(ids, dtype=np.uint64)
                m["index_pointers"] = np.arange(len(ids) + 1, dtype=np.uint64)
                m["element_ids"] = np.zeros(len(ids), dtype=np.uint32)
                t = m.create_dataset("time", data=np.array([0.0, len(values) * step_ms, step_ms]))
                t.attrs["units"] = "ms"
        listing[var] = path.name
    return listing


def read_reports(results: Path, listing: dict[str, str]) -> dict[str, dict[str, tuple]]:
    """The reports `listing` names (variable -> file name beside `results`), as the record holds them."""
    out: dict[str, dict[str, tuple]] = {}
    for var, name in listing.items():
        path = results.with_name(name)
        if not path.is_file():
            raise UserInputError(f"results: {results} lists the report {name} of {var}, which is missing")
        with h5py.File(path, "r") as f:
            out[var] = {pop: (np.asarray(g["mapping/node_ids"][()], dtype=np.uint64),
                              float(g["mapping/time"][2]), np.asarray(g["data"][()], dtype=np.float32))
                        for pop, g in f["report"].items()}
    return out
