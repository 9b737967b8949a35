"""The summary of a sweep from its index: the finished points grouped by their non-seed parameters.

``summary.csv``: one row per combination of the swept parameters (seeds
pooled): n, and the mean and s.d. of every metric.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import write_text_atomic

_NUMBER = re.compile(r"^\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*(.*)$")


def parse_value(text: str) -> tuple[float, str]:
    """``"0.05 uM"`` -> (0.05, "uM"); a plain number -> (x, ""); anything else -> (nan, text)."""
    m = _NUMBER.match(str(text))
    if not m:
        return float("nan"), str(text)
    return float(m.group(1)), m.group(4).strip()


def value_order(value: str) -> tuple[float, str]:
    """Sort key of a swept value as written: numbers by size, then text."""
    x = parse_value(value)[0]
    return (x if math.isfinite(x) else math.inf, value)


def _float(x: str) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


@dataclass(frozen=True)
class Group:
    """The finished points that share their non-seed parameters."""

    #: The swept values (as written in the index), by parameter.
    params: dict[str, str]
    n: int
    #: The finite values of each metric over the group's points.
    values: dict[str, np.ndarray]

    def mean(self, metric: str) -> float:
        x = self.values[metric]
        return float(x.mean()) if x.size else float("nan")

    def sd(self, metric: str) -> float:
        x = self.values[metric]
        return float(x.std(ddof=1)) if x.size > 1 else float("nan")


def index_columns(rows: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    """(swept parameters without seed, metric names) from the index header."""
    header = list(rows[0])
    params = header[header.index("seed") + 1: header.index("wall_s")]
    metrics = header[header.index("overhead_s") + 1: header.index("path")]
    return [p for p in params if p != "seed"], metrics


def summarise(rows: list[dict[str, str]]) -> tuple[list[str], list[str], list[Group]]:
    """Group the finished points of the index `rows` by their non-seed parameters.

    Returns
    -------
    (params, metrics, groups)
        The swept parameters (seed left out), the metric names, and the
        groups in the order of their first point.
    """
    params, metrics = index_columns(rows)
    members: dict[tuple, list[dict[str, str]]] = {}
    for r in rows:
        if r["status"] == "done":
            members.setdefault(tuple(r[p] for p in params), []).append(r)
    groups = []
    for key, rs in members.items():
        values = {}
        for m in metrics:
            x = np.array([_float(r[m]) for r in rs])
            values[m] = x[np.isfinite(x)]
        groups.append(Group(dict(zip(params, key, strict=True)), len(rs), values))
    return params, metrics, groups


def write_summary(path: str | Path, params: list[str], metrics: list[str], groups: list[Group]) -> Path:
    """``summary.csv``: the parameters, n, and ``<metric>_mean``, ``<metric>_sd`` of each group."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([*params, "n", *[f"{m}_{s}" for m in metrics for s in ("mean", "sd")]])
    for g in groups:
        w.writerow([*[g.params[p] for p in params], g.n,
                    *[f"{v:.6g}" for m in metrics for v in (g.mean(m), g.sd(m))]])
    return write_text_atomic(path, buf.getvalue())
