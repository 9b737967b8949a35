"""Figures of a sweep, drawn from plain data: metrics against swept parameters, or over a grid of two.

Nothing here reads a sweep directory: :mod:`circuitsim.sweep.figures`
groups the index's points and hands over, per parameter, the tick texts,
their positions and the metric values at each (:class:`CurveAxis`), or the
means over a grid (:func:`heatmaps_figure`).

* :func:`curves_figure` (``sweep_curves.png``): each metric against each
  parameter, mean +- s.d. over the points that share the value (the seeds),
  every point drawn too; a log axis when the values are positive and span
  more than a decade (a dose-response curve); categorical values (labels,
  lists of interventions) one position each.
* :func:`heatmaps_figure` (``sweep_heatmaps.png``): the mean of each metric
  over the grid of two parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._common import new_figure, save

#: Metrics drawn when present, in this order (at most 4).
KEY_METRICS = ("glutamate_rel", "rate_pyramidal_hz", "rate_interneuron_hz", "dopamine_rel",
               "peak_glutamate_rel", "max_rate_pyramidal_hz", "min_rate_interneuron_hz",
               "spine_density_24h", "spine_density_end")
#: Most metrics drawn in one figure.
MAX_SHOWN = 4
LABELS = {"glutamate_rel": "glutamate (rel. baseline)", "rate_pyramidal_hz": "pyramidal rate (Hz)",
          "rate_interneuron_hz": "interneuron rate (Hz)", "dopamine_rel": "dopamine (rel. baseline)",
          "peak_glutamate_rel": "peak glutamate (rel.)", "max_rate_pyramidal_hz": "max pyramidal rate (Hz)",
          "min_rate_interneuron_hz": "min interneuron rate (Hz)",
          "spine_density_24h": "spines at 24 h (rel. healthy)", "spine_density_end": "spines at end (rel. healthy)"}
#: Metrics whose no-effect level is 1 (a dotted line).
RELATIVE = {"glutamate_rel", "dopamine_rel", "peak_glutamate_rel", "spine_density_24h", "spine_density_end"}


@dataclass(frozen=True)
class CurveAxis:
    """One swept parameter as an x axis of :func:`curves_figure`.

    Parameters
    ----------
    name : str
        The parameter (the axis label).
    unit : str
        Unit of the values ("" if none or categorical).
    ticks : list of str
        The values as written in the sweep, in plotting order.
    x : ndarray
        Their positions on the axis (numbers; 0, 1, ... when categorical).
    categorical : bool
        Values without an order (labels): no line between them, ticks as text.
    values : dict of str to list of ndarray
        Per metric, the finite values of the points at each position.
    """

    name: str
    unit: str
    ticks: list[str]
    x: np.ndarray
    categorical: bool
    values: dict[str, list[np.ndarray]] = field(repr=False)


def choose_metrics(with_values: list[str]) -> list[str]:
    """Up to :data:`MAX_SHOWN` metrics to draw, of those that have a value: the key ones first."""
    return ([m for m in KEY_METRICS if m in with_values] or list(with_values))[:MAX_SHOWN]


def _short(value: str, n: int = 24) -> str:
    return value if len(value) <= n else value[:n - 1] + "\u2026"


def _log_axis(x: np.ndarray) -> bool:
    x = x[np.isfinite(x)]
    return x.size > 1 and x.min() > 0 and x.max() / x.min() > 10


def curves_figure(path: str | Path, axes: list[CurveAxis], metrics: list[str], title: str) -> Path:
    """Each metric (a row) against each parameter (a column); write it to `path`."""
    fig = new_figure(4.2 * len(axes), 2.6 * len(metrics))
    grid = np.atleast_2d(fig.subplots(len(metrics), len(axes), squeeze=False))
    for col, axis in enumerate(axes):
        for row, m in enumerate(metrics):
            a = grid[row, col]
            pooled = axis.values[m]
            mean = np.array([x.mean() if x.size else np.nan for x in pooled])
            sd = np.array([x.std(ddof=1) if x.size > 1 else np.nan for x in pooled])
            for x, pts in zip(axis.x, pooled, strict=True):
                a.plot(np.full(pts.size, x), pts, ".", color="0.6", ms=3)
            a.errorbar(axis.x, mean, yerr=np.where(np.isfinite(sd), sd, 0), color="tab:blue", marker="o", ms=4,
                       lw=1.4, ls="none" if axis.categorical else "-", capsize=3,
                       label="mean \u00b1 s.d. over seeds")
            if m in RELATIVE:
                a.axhline(1.0, color="0.5", lw=0.8, ls=":")
            if axis.categorical:
                a.set_xticks(axis.x, [_short(v) for v in axis.ticks], rotation=30, ha="right", fontsize=7)
            elif _log_axis(axis.x):
                a.set_xscale("log")
            a.set_ylabel(LABELS.get(m, m), fontsize=8)
            if row == len(metrics) - 1:
                a.set_xlabel(f"{axis.name}" + (f" ({axis.unit})" if axis.unit else ""), fontsize=8)
            if row == 0 and col == 0:
                a.legend(fontsize=7, frameon=False)
    fig.suptitle(title, fontsize=10)
    return save(fig, path)


def heatmaps_figure(path: str | Path, x_name: str, x_ticks: list[str], y_name: str, y_ticks: list[str],
                    means: dict[str, np.ndarray], title: str) -> Path:
    """One heat map per metric of `means` (arrays of shape (len(y_ticks), len(x_ticks))); write it to `path`."""
    fig = new_figure(4.6 * len(means), 4.0)
    axes = np.atleast_1d(fig.subplots(1, len(means), squeeze=False)[0])
    for a, (m, grid) in zip(axes, means.items(), strict=True):
        im = a.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
        a.set_xticks(range(len(x_ticks)), [_short(v) for v in x_ticks], rotation=45, ha="right", fontsize=7)
        a.set_yticks(range(len(y_ticks)), [_short(v) for v in y_ticks], fontsize=7)
        a.set_xlabel(x_name, fontsize=8)
        a.set_ylabel(y_name, fontsize=8)
        a.set_title(LABELS.get(m, m) + " (mean)", fontsize=8)
        fig.colorbar(im, ax=a, shrink=0.8)
    fig.suptitle(title, fontsize=10)
    return save(fig, path)
