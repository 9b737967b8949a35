"""Figures and the summary table of a sweep, from its index (``index.csv``) alone.

* ``summary.csv``: one row per combination of the swept parameters (seeds
  pooled): n, and the mean and s.d. of every metric.
* One swept parameter (besides ``seed``): ``sweep_curves.png``, each key
  metric against the parameter, mean +- s.d. over the points that share the
  value (the seeds), every point drawn too; a log axis when the values are
  positive and span more than a decade (a dose-response curve).
* Two: ``sweep_heatmaps.png``, the mean of each key metric over the grid.
* More: the curves against each parameter, the others pooled.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from pathlib import Path

import numpy as np

from ..atomic import write_text_atomic
from ._common import new_figure, save

#: Metrics drawn when present, in this order (at most 4).
KEY_METRICS = ("glutamate_rel", "rate_pyramidal_hz", "rate_interneuron_hz", "dopamine_rel",
               "peak_glutamate_rel", "max_rate_pyramidal_hz", "min_rate_interneuron_hz",
               "spine_density_24h", "spine_density_end")
LABELS = {"glutamate_rel": "glutamate (rel. baseline)", "rate_pyramidal_hz": "pyramidal rate (Hz)",
          "rate_interneuron_hz": "interneuron rate (Hz)", "dopamine_rel": "dopamine (rel. baseline)",
          "peak_glutamate_rel": "peak glutamate (rel.)", "max_rate_pyramidal_hz": "max pyramidal rate (Hz)",
          "min_rate_interneuron_hz": "min interneuron rate (Hz)",
          "spine_density_24h": "spines at 24 h (rel. healthy)", "spine_density_end": "spines at end (rel. healthy)"}
#: Metrics whose no-effect level is 1 (a dotted line).
RELATIVE = {"glutamate_rel", "dopamine_rel", "peak_glutamate_rel", "spine_density_24h", "spine_density_end"}
_NUMBER = re.compile(r"^\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*(.*)$")


def parse_value(text: str) -> tuple[float, str]:
    """``"0.05 uM"`` -> (0.05, "uM"); a plain number -> (x, ""); anything else -> (nan, text)."""
    m = _NUMBER.match(str(text))
    if not m:
        return float("nan"), str(text)
    return float(m.group(1)), m.group(4).strip()


def _columns(rows: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    """(swept parameters without seed, metric names) from the index header."""
    header = list(rows[0])
    params = header[header.index("seed") + 1: header.index("wall_s")]
    metrics = header[header.index("overhead_s") + 1: header.index("path")]
    return [p for p in params if p != "seed"], metrics


def _order(value: str) -> tuple[float, str]:
    x = parse_value(value)[0]
    return (x if math.isfinite(x) else math.inf, value)


def _short(value: str, n: int = 24) -> str:
    return value if len(value) <= n else value[:n - 1] + "\u2026"


def _float(x: str) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def summarise(rows: list[dict[str, str]]) -> tuple[list[str], list[str], list[dict]]:
    """Group the finished points by their non-seed parameters: n, mean and s.d. of each metric."""
    params, metrics = _columns(rows)
    groups: dict[tuple, list[dict[str, str]]] = {}
    for r in rows:
        if r["status"] == "done":
            groups.setdefault(tuple(r[p] for p in params), []).append(r)
    out = []
    for key, members in groups.items():
        entry = {"params": dict(zip(params, key, strict=True)), "n": len(members)}
        for m in metrics:
            x = np.array([_float(r[m]) for r in members])
            x = x[np.isfinite(x)]
            entry[m] = (float(x.mean()) if x.size else float("nan"),
                        float(x.std(ddof=1)) if x.size > 1 else float("nan"), x)
        out.append(entry)
    return params, metrics, out


def _write_summary(path: Path, params: list[str], metrics: list[str], groups: list[dict]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([*params, "n", *[f"{m}_{s}" for m in metrics for s in ("mean", "sd")]])
    for g in groups:
        w.writerow([*[g["params"][p] for p in params], g["n"],
                    *[f"{v:.6g}" for m in metrics for v in g[m][:2]]])
    return write_text_atomic(path, buf.getvalue())


def _log_axis(x: np.ndarray) -> bool:
    x = x[np.isfinite(x)]
    return x.size > 1 and x.min() > 0 and x.max() / x.min() > 10


def _shown(metrics: list[str], groups: list[dict]) -> list[str]:
    """Up to 4 metrics to draw: the key ones first; never one without a finite value."""
    finite = [m for m in metrics if any(g[m][2].size for g in groups)]
    return ([m for m in KEY_METRICS if m in finite] or finite)[:4]


def _curves(path: Path, axes_params: list[str], metrics: list[str], groups: list[dict], title: str) -> Path:
    shown = _shown(metrics, groups)
    fig = new_figure(4.2 * len(axes_params), 2.6 * len(shown))
    ax = np.atleast_2d(fig.subplots(len(shown), len(axes_params), squeeze=False))
    for col, p in enumerate(axes_params):
        vals = {}
        for g in groups:
            vals.setdefault(g["params"][p], []).append(g)
        xs_text = sorted(vals, key=_order)
        xs = np.array([parse_value(v)[0] for v in xs_text])
        categorical = not np.all(np.isfinite(xs))
        if categorical:  # labels, lists of interventions: one position each, in the sweep's order
            xs_text = list(vals)
            xs = np.arange(len(xs_text), dtype=float)
        unit = "" if categorical else parse_value(xs_text[0])[1]
        for row, m in enumerate(shown):
            a = ax[row, col]
            pooled = [np.concatenate([g[m][2] for g in vals[v]]) for v in xs_text]
            mean = np.array([x.mean() if x.size else np.nan for x in pooled])
            sd = np.array([x.std(ddof=1) if x.size > 1 else np.nan for x in pooled])
            for x, pts in zip(xs, pooled, strict=True):
                a.plot(np.full(pts.size, x), pts, ".", color="0.6", ms=3)
            a.errorbar(xs, mean, yerr=np.where(np.isfinite(sd), sd, 0), color="tab:blue", marker="o", ms=4,
                       lw=1.4, ls="none" if categorical else "-", capsize=3, label="mean \u00b1 s.d. over seeds")
            if m in RELATIVE:
                a.axhline(1.0, color="0.5", lw=0.8, ls=":")
            if categorical:
                a.set_xticks(xs, [_short(v) for v in xs_text], rotation=30, ha="right", fontsize=7)
            elif _log_axis(xs):
                a.set_xscale("log")
            a.set_ylabel(LABELS.get(m, m), fontsize=8)
            if row == len(shown) - 1:
                a.set_xlabel(f"{p}" + (f" ({unit})" if unit else ""), fontsize=8)
            if row == 0 and col == 0:
                a.legend(fontsize=7, frameon=False)
    fig.suptitle(title, fontsize=10)
    return save(fig, path)


def _heatmaps(path: Path, params: list[str], metrics: list[str], groups: list[dict], title: str) -> Path:
    shown = _shown(metrics, groups)
    px, py = params
    xt = sorted({g["params"][px] for g in groups}, key=_order)
    yt = sorted({g["params"][py] for g in groups}, key=_order)
    fig = new_figure(4.6 * len(shown), 4.0)
    axes = np.atleast_1d(fig.subplots(1, len(shown), squeeze=False)[0])
    for a, m in zip(axes, shown, strict=True):
        grid = np.full((len(yt), len(xt)), np.nan)
        for g in groups:
            grid[yt.index(g["params"][py]), xt.index(g["params"][px])] = g[m][0]
        im = a.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
        a.set_xticks(range(len(xt)), [_short(v) for v in xt], rotation=45, ha="right", fontsize=7)
        a.set_yticks(range(len(yt)), [_short(v) for v in yt], fontsize=7)
        a.set_xlabel(px, fontsize=8)
        a.set_ylabel(py, fontsize=8)
        a.set_title(LABELS.get(m, m) + " (mean)", fontsize=8)
        fig.colorbar(im, ax=a, shrink=0.8)
    fig.suptitle(title, fontsize=10)
    return save(fig, path)


def _axes(directory: Path, params: list[str]) -> list[str]:
    """The parameters to draw against: a ``label`` stands for the keys zipped with it."""
    import yaml

    try:
        block = yaml.safe_load((directory / "sweep.yaml").read_text(encoding="utf-8")).get("sweep") or {}
    except (OSError, AttributeError, yaml.YAMLError):
        return params
    zipped = block.get("zip") if isinstance(block, dict) else None
    if isinstance(zipped, dict) and "label" in zipped:
        return [p for p in params if p == "label" or p not in zipped]
    return params


def sweep_figures(directory: str | os.PathLike, out_dir: str | os.PathLike | None = None) -> list[Path]:
    """Write the summary table and the figures of the sweep in `directory`; return their paths."""
    from ..sweep.run import read_index

    directory = Path(directory)
    out = Path(out_dir) if out_dir is not None else directory
    rows = read_index(directory)
    if not rows:
        return []
    params, metrics, groups = summarise(rows)
    paths = [_write_summary(out / "summary.csv", params, metrics, groups)]
    params = _axes(directory, params)
    if not groups or not _shown(metrics, groups):
        return paths
    done = sum(g["n"] for g in groups)
    title = f"{directory.name}: {done} of {len(rows)} points"
    if len(params) == 2:
        paths.append(_heatmaps(out / "sweep_heatmaps.png", params, metrics, groups, title))
    elif params:
        paths.append(_curves(out / "sweep_curves.png", params, metrics, groups, title))
    return paths
