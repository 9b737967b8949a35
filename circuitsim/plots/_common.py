"""Shared figure plumbing: an Agg-backed Figure (no display, no pyplot state) and epoch helpers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..atomic import atomic_path
from ..io.read import Results

PYRAMIDAL_COLOR = "tab:blue"
INTERNEURON_COLOR = "tab:red"
DRUG_COLOR = "tab:purple"
POP_COLORS = {"pyramidal": PYRAMIDAL_COLOR, "interneuron": INTERNEURON_COLOR}


def new_figure(width_in: float, height_in: float) -> Figure:
    """A Figure drawn by the Agg backend, independent of pyplot's global state."""
    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save(fig: Figure, path: str | Path, dpi: int = 150) -> Path:
    """Write `fig` as an image (format from the suffix), atomically, and return its path."""
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=path.suffix.lstrip(".").lower() or None)
    return path


def wash_ins(results: Results) -> list[tuple[str, float, float]]:
    """(name, start in s, concentration in uM) of every epoch whose concentration changes.

    The baseline epoch is never a wash-in; nor is an epoch that keeps the
    previous epoch's concentration.
    """
    out, previous = [], None
    for e in results.epochs:
        if e.name != results.baseline_epoch and e.concentration_um != previous:
            out.append((e.name, e.start_s, e.concentration_um))
        previous = e.concentration_um
    return out


def distinct_concentrations(results: Results) -> int:
    """Number of distinct epoch concentrations."""
    return len({round(e.concentration_um, 12) for e in results.epochs})


def bin_centres_s(results: Results) -> np.ndarray:
    """Centres (s) of the analysis bins whose starts are ``results.time_ms``."""
    t = results.time_ms
    width = float(t[1] - t[0]) if len(t) > 1 else 0.0
    return (t + width / 2) / 1e3
