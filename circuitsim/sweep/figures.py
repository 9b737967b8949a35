"""The summary table and the figures of a sweep, from its directory's index (``index.csv``) alone.

* ``summary.csv`` (:mod:`circuitsim.sweep.summary`).
* One swept parameter (besides ``seed``): ``sweep_curves.png``, each key
  metric against the parameter (:func:`circuitsim.plots.sweep.curves_figure`).
* Two: ``sweep_heatmaps.png``, the mean of each key metric over the grid
  (:func:`circuitsim.plots.sweep.heatmaps_figure`).
* More: the curves against each parameter, the others pooled.

A ``label`` zipped with other keys stands for them: the figures draw
against the label alone.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import yaml

from ..plots.sweep import CurveAxis, choose_metrics, curves_figure, heatmaps_figure
from .block import LABEL
from .index import read_index
from .summary import Group, parse_value, summarise, value_order, write_summary


def figure_params(directory: Path, params: list[str]) -> list[str]:
    """The parameters to draw against: a ``label`` stands for the keys zipped with it."""
    try:
        block = yaml.safe_load((directory / "sweep.yaml").read_text(encoding="utf-8")).get("sweep") or {}
    except (OSError, AttributeError, yaml.YAMLError):
        return params
    zipped = block.get("zip") if isinstance(block, dict) else None
    if isinstance(zipped, dict) and LABEL in zipped:
        return [p for p in params if p == LABEL or p not in zipped]
    return params


def curve_axis(param: str, metrics: list[str], groups: list[Group]) -> CurveAxis:
    """`param` as an x axis: its values in order (numbers by size; labels as they come) and the points at each."""
    by_value: dict[str, list[Group]] = {}
    for g in groups:
        by_value.setdefault(g.params[param], []).append(g)
    ticks = sorted(by_value, key=value_order)
    x = np.array([parse_value(v)[0] for v in ticks])
    categorical = not np.all(np.isfinite(x))
    if categorical:  # labels, lists of interventions: one position each, in the sweep's order
        ticks = list(by_value)
        x = np.arange(len(ticks), dtype=float)
    unit = "" if categorical else parse_value(ticks[0])[1]
    values = {m: [np.concatenate([g.values[m] for g in by_value[v]]) for v in ticks] for m in metrics}
    return CurveAxis(param, unit, ticks, x, categorical, values)


def grid_means(x_param: str, y_param: str, metrics: list[str], groups: list[Group]
               ) -> tuple[list[str], list[str], dict[str, np.ndarray]]:
    """The values of two parameters in order, and each metric's group means on their grid (nan where none)."""
    xt = sorted({g.params[x_param] for g in groups}, key=value_order)
    yt = sorted({g.params[y_param] for g in groups}, key=value_order)
    means = {}
    for m in metrics:
        grid = np.full((len(yt), len(xt)), np.nan)
        for g in groups:
            grid[yt.index(g.params[y_param]), xt.index(g.params[x_param])] = g.mean(m)
        means[m] = grid
    return xt, yt, means


def sweep_figures(directory: str | os.PathLike, out_dir: str | os.PathLike | None = None) -> list[Path]:
    """Write the summary table and the figures of the sweep in `directory`; return their paths.

    Parameters
    ----------
    directory : path
        A sweep directory (its ``index.csv``; ``sweep.yaml`` for labels).
    out_dir : path, optional
        Where to write (must exist); default: `directory`.
    """
    directory = Path(directory)
    out = Path(out_dir) if out_dir is not None else directory
    rows = read_index(directory)
    if not rows:
        return []
    params, metrics, groups = summarise(rows)
    paths = [write_summary(out / "summary.csv", params, metrics, groups)]
    params = figure_params(directory, params)
    shown = choose_metrics([m for m in metrics if any(g.values[m].size for g in groups)])
    if not groups or not shown:
        return paths
    done = sum(g.n for g in groups)
    title = f"{directory.name}: {done} of {len(rows)} points"
    if len(params) == 2:
        xt, yt, means = grid_means(params[0], params[1], shown, groups)
        paths.append(heatmaps_figure(out / "sweep_heatmaps.png", params[0], xt, params[1], yt, means, title))
    elif params:
        axes = [curve_axis(p, shown, groups) for p in params]
        paths.append(curves_figure(out / "sweep_curves.png", axes, shown, title))
    return paths
