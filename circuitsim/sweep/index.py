"""The index of a sweep directory (``index.csv``): one row per point, rewritten after each point.

Columns: name, status, seed, the swept keys (seed left out), ``wall_s``,
``sim_s``, ``overhead_s``, the key metrics, the results file (``path``)
and the error.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..atomic import write_text_atomic
from ..errors import UserInputError
from .spec import Sweep
from .state import PointState


def write_index(path: Path, sweep: Sweep, states: Iterable[PointState]) -> None:
    """The index table as CSV, rewritten atomically."""
    states = list(states)
    metric_names: list[str] = []
    for s in states:
        for k in s.record.get("metrics", {}):
            if k not in metric_names:
                metric_names.append(k)
    keys = [k for k in sweep.keys if k != "seed"]
    header = ["name", "status", "seed", *keys, "wall_s", "sim_s", "overhead_s", *metric_names,
              "path", "error"]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for s in states:
        rec = s.record
        row = [s.point.name, s.status, s.point.seed, *[s.point.params.get(k, "") for k in keys]]
        row += [_num(rec.get("wall_s")), _num(rec.get("sim_s")), _num(rec.get("overhead_s"))]
        row += [_num(rec.get("metrics", {}).get(k)) for k in metric_names]
        row += [f"points/{rec['path']}" if s.status == "done" and rec.get("path") else "", s.error]
        w.writerow(row)
    write_text_atomic(path, buf.getvalue())


def _num(x: Any) -> str:
    if x is None:
        return ""
    try:
        return f"{float(x):.6g}"
    except (TypeError, ValueError):
        return str(x)


def read_index(directory: str | os.PathLike) -> list[dict[str, str]]:
    """The rows of ``<directory>/index.csv`` (one dict per point, values as text)."""
    path = Path(directory) / "index.csv"
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    except FileNotFoundError:
        raise UserInputError(f"SWEEP_DIR: {str(directory)!r} has no index.csv (not a sweep directory)") from None
