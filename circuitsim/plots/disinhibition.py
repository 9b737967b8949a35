"""The disinhibition figure: what the circuit does as the drug washes in, on one time axis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.transforms import blended_transform_factory

from ..io.read import Results
from ._common import DRUG_COLOR, POP_COLORS, bin_centres_s, new_figure, save, wash_ins

#: Cells drawn in each raster (evenly spaced ids), to keep the figure legible.
RASTER_CELLS = {"pyramidal": 200, "interneuron": 50}


def _raster(ax: Axes, results: Results, pop: str, max_cells: int) -> None:
    times_ms, ids = results.spikes[pop]
    n = results.n_cells[pop]
    shown = np.unique(np.linspace(0, n - 1, min(n, max_cells)).astype(np.uint64))
    keep = np.isin(ids, shown)
    rows = np.searchsorted(shown, ids[keep])
    ax.plot(times_ms[keep] / 1e3, rows, linestyle="none", marker="|", markersize=2,
            markeredgewidth=0.6, color=POP_COLORS[pop], rasterized=True)
    ax.set_ylim(-0.5, len(shown) - 0.5)
    ax.set_ylabel(f"{pop}\ncell ({len(shown)} of {n})")
    ax.set_yticks([])


def disinhibition_figure(results: Results, path: str | Path) -> Path:
    """Rasters, rates, glutamate, NMDA block and concentration over time; wash-in marked.

    Parameters
    ----------
    results : Results
        A results file read by :func:`circuitsim.io.read_results`.
    path : str or Path
        Image to write (format from the suffix, e.g. ``.png``).

    Returns
    -------
    Path
        `path`.
    """
    ts = results.timeseries
    t = bin_centres_s(results)
    fig = new_figure(8.0, 11.0)
    axes = fig.subplots(8, 1, sharex=True,
                        gridspec_kw={"height_ratios": [3, 1.2, 1.5, 1.2, 1.3, 1.1, 1.2, 1.0]})
    ax_pyr, ax_rate_pyr, ax_int, ax_rate_int, ax_glu, ax_open, ax_block, ax_conc = axes

    # Each population's rate under its raster, on its own scale: pyramidal
    # and interneuron rates can differ by orders of magnitude.
    for ax_raster, ax_rate, pop in ((ax_pyr, ax_rate_pyr, "pyramidal"),
                                    (ax_int, ax_rate_int, "interneuron")):
        _raster(ax_raster, results, pop, RASTER_CELLS[pop])
        ax_rate.plot(t, ts[f"rate_{pop}_hz"], color=POP_COLORS[pop], lw=0.8)
        ax_rate.set_ylabel(f"{pop}\nrate (Hz)")
        ax_rate.set_ylim(bottom=0)

    ax_glu.plot(t, ts["glutamate_rel"], color="tab:green", lw=0.8)
    ax_glu.axhline(1.0, color="0.5", lw=0.6, ls=":")
    ax_glu.set_ylabel("glutamate\n(rel. baseline)")

    for pop in ("pyramidal", "interneuron"):
        if f"open_{pop}" in ts:
            ax_open.plot(t, ts[f"open_{pop}"], color=POP_COLORS[pop], lw=0.8)
        ax_block.plot(t, ts[f"block_{pop}"], color=POP_COLORS[pop], lw=0.8, label=pop)
    ax_open.set_ylabel("NMDA open\n(fraction)")
    ax_block.set_ylabel("NMDA block\n(fraction)")
    ax_block.set_ylim(bottom=0)
    ax_block.legend(loc="upper left", fontsize=7, frameon=True, framealpha=0.8, ncols=2)

    ax_conc.plot(t, ts["concentration_um"], color=DRUG_COLOR, lw=1.0)
    ax_conc.set_ylabel("drug\n(\u00b5M)")
    ax_conc.set_ylim(bottom=0)
    dosed = [e.concentration_um for e in results.epochs if e.concentration_um > 0]
    if dosed and max(dosed) / min(dosed) >= 100:
        # A staircase over decades: linear near 0, logarithmic above the lowest step.
        ax_conc.set_yscale("symlog", linthresh=min(dosed))
        ax_conc.set_ylim(0, 2 * max(dosed))
    ax_conc.set_xlabel("time (s)")
    stop_s = max((e.stop_s for e in results.epochs), default=float(t[-1]) if len(t) else 1.0)
    ax_conc.set_xlim(0, stop_s)

    _mark_wash_ins(axes, results)
    fig.align_ylabels(axes)
    fig.suptitle(f"{results.name}: disinhibition", fontsize=10)
    return save(fig, path)


def _mark_wash_ins(axes, results: Results) -> None:
    """A dashed line at each wash-in on every panel, the drug epochs shaded, labels on top."""
    for e in results.epochs:
        if e.concentration_um > 0:
            for ax in axes:
                ax.axvspan(e.start_s, e.stop_s, color=DRUG_COLOR, alpha=0.06, lw=0)
    marks = wash_ins(results)
    top = axes[0]
    label_at = blended_transform_factory(top.transData, top.transAxes)
    many = len(marks) > 3
    for name, start_s, conc in marks:
        for ax in axes:
            ax.axvline(start_s, color=DRUG_COLOR, lw=0.8, ls="--")
        top.text(start_s, 1.02, f"{name} wash-in ({conc:g} \u00b5M)" if not many else f"{conc:g} \u00b5M",
                 transform=label_at, fontsize=7, color=DRUG_COLOR, ha="left", va="bottom",
                 rotation=45 if many else 0, rotation_mode="anchor")
