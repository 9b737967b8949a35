"""The PK figure: plasma and brain concentration by enantiomer, the doses, the dissociation window.

Also the dose marks and the dissociation window that :mod:`.timeline` draws
on its own panels. Everything is read from a results file's ``/timeline``
group (``Results.timeline``, ``timeline_units``, ``timeline_info``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MultipleLocator
from matplotlib.transforms import blended_transform_factory

from ..errors import UserInputError
from ..io.read import Results
from ..pharmacology.exposure import ng_ml_to_um, um_to_ng_ml
from ._common import DRUG_COLOR, new_figure, save

#: S, R and their sum (racemic total): colour and line style. The total takes
#: the drug colour of the other figures; S and R avoid the population colours.
ENANTIOMER_STYLE = {
    "": ("total (S + R)", DRUG_COLOR, "-"),
    "_s": ("S (esketamine)", "tab:orange", "--"),
    "_r": ("R (arketamine)", "tab:cyan", "-."),
}
DISSOCIATION_COLOR = "tab:brown"
MONITORING_COLOR = "0.35"
#: The dissociation window: where the index exceeds this fraction of its peak.
DISSOCIATION_WINDOW_FRACTION = 0.10
#: Route names as written on the figures.
ROUTE_LABELS = {
    "iv_bolus": "i.v. bolus",
    "iv_infusion": "i.v. infusion",
    "intranasal": "intranasal",
    "intraperitoneal": "i.p.",
    "subcutaneous": "s.c.",
}


# ------------------------------------------------------------------ timeline access
def timeline_of(results: Results) -> dict[str, np.ndarray]:
    """The ``/timeline`` series of `results`.

    Raises
    ------
    UserInputError
        If `results` has no timeline (a bath protocol rather than a dosing experiment).
    """
    if results.timeline is None or "time_h" not in results.timeline:
        raise UserInputError(
            f"results: {results.name!r} has no /timeline (not a dosing experiment); "
            f"the PK and timeline figures need one"
        )
    return results.timeline


def unit_label(results: Results, name: str) -> str:
    """The unit of timeline series `name` as printed on an axis (``uM`` -> ``µM``, ``1`` -> fraction)."""
    unit = results.timeline_units.get(name, "")
    return {"uM": "\u00b5M", "1": "", "unknown": ""}.get(unit, unit)


def axis_label(results: Results, text: str, name: str, dimensionless: str = "fraction") -> str:
    """``text (unit)``, the unit of series `name`, or `dimensionless` when it has none."""
    unit = unit_label(results, name) or dimensionless
    return f"{text} ({unit})"


# ------------------------------------------------------------------------- doses
@dataclass(frozen=True)
class DoseMark:
    """One dose as the figures draw it (times in h)."""

    start_h: float
    duration_h: float
    amount: str
    route: str
    drug: str

    @property
    def end_h(self) -> float:
        """End of the administration (h): the start, but for an infusion."""
        return self.start_h + self.duration_h

    @property
    def label(self) -> str:
        """E.g. ``0.5 mg/kg racemic, i.v. infusion over 40 min``."""
        route = ROUTE_LABELS.get(self.route, self.route)
        text = f"{self.amount} {self.drug}, {route}"
        if self.duration_h > 0:
            text += f" over {self.duration_h * 60:.3g} min"
        return text


def doses_of(results: Results) -> list[DoseMark]:
    """The doses of the schedule in the order stored (empty if none were stored)."""
    d = results.timeline_info.get("doses", {})
    start = np.atleast_1d(np.asarray(d.get("start_h", []), dtype=float))
    duration = np.atleast_1d(np.asarray(d.get("duration_h", np.zeros(len(start))), dtype=float))
    n = len(start)

    def col(name: str) -> list[str]:
        values = list(d.get(name, []))
        return [str(v) for v in values] + [""] * (n - len(values))

    return [DoseMark(float(s), float(u), a, r, g)
            for s, u, a, r, g in zip(start, duration, col("amount"), col("route"), col("drug"),
                                     strict=True)]


def dosing_summary(doses: Sequence[DoseMark]) -> str:
    """Each kind of dose: what, how, how often and when (min or h); "; "-joined, or one per line when long."""
    if not doses:
        return "no doses"
    kinds: dict[str, list[float]] = {}
    for dz in doses:
        kinds.setdefault(dz.label, []).append(dz.start_h)
    # Minutes when every start is within the first hour, else hours.
    minutes = max(dz.start_h for dz in doses) < 1.0
    unit = "min" if minutes else "h"
    lines = []
    for label, starts in kinds.items():
        at = ", ".join(f"{s * 60 if minutes else s:.4g}" for s in starts[:4]) + (
            ", \u2026" if len(starts) > 4 else "")
        lines.append(f"{len(starts)} \u00d7 {label} at {at} {unit}" if len(starts) > 1
                     else f"{label} at {at} {unit}")
    text = "; ".join(lines)
    # One line per kind of dose when one line would run past the figure.
    return "\n".join(lines) if len(text) > 100 else text


def mark_doses(axes: Sequence[Axes], doses: Sequence[DoseMark]) -> list:
    """Doses on every panel: an infusion as a shaded span, any other dose as a dashed line.

    The top panel also gets a triangle above each dose start. Returns legend
    handles for the kinds of mark drawn.
    """
    handles = []
    infusion = any(dz.duration_h > 0 for dz in doses)
    instant = any(dz.duration_h <= 0 for dz in doses)
    for dz in doses:
        for ax in axes:
            if dz.duration_h > 0:
                ax.axvspan(dz.start_h, dz.end_h, color=DRUG_COLOR, alpha=0.15, lw=0)
            else:
                ax.axvline(dz.start_h, color=DRUG_COLOR, lw=0.8, ls="--", alpha=0.8)
    if doses:
        top = axes[0]
        at = blended_transform_factory(top.transData, top.transAxes)
        top.plot([dz.start_h for dz in doses], [1.0] * len(doses), linestyle="none", marker="v",
                 ms=6, color=DRUG_COLOR, transform=at, clip_on=False, zorder=5)
    if infusion:
        handles.append(Patch(color=DRUG_COLOR, alpha=0.3, lw=0, label="infusion"))
    if instant:
        handles.append(Line2D([], [], color=DRUG_COLOR, lw=0.8, ls="--", label="dose"))
    return handles


# ------------------------------------------------------------------- dissociation
@dataclass(frozen=True)
class DissociationWindow:
    """Where the dissociation index is above `fraction` of its peak.

    ``spans`` are (start, stop) times in h of each contiguous run above the
    threshold (empty when the index never rises above 0).
    """

    peak: float
    threshold: float
    fraction: float
    spans: tuple[tuple[float, float], ...]


def dissociation_window(time_h: np.ndarray, index: np.ndarray,
                        fraction: float = DISSOCIATION_WINDOW_FRACTION) -> DissociationWindow:
    """The dissociation window of `index` (0-1) on `time_h` (h).

    Each span runs from the first to the last sample above the threshold of a
    contiguous run (to the sample grid; no interpolation between samples).
    """
    t = np.asarray(time_h, dtype=float)
    d = np.asarray(index, dtype=float)
    finite = np.isfinite(d)
    peak = float(d[finite].max()) if finite.any() else 0.0
    if peak <= 0:
        return DissociationWindow(peak=max(peak, 0.0), threshold=0.0, fraction=fraction, spans=())
    threshold = fraction * peak
    above = np.concatenate([[False], finite & (d > threshold), [False]])
    edges = np.flatnonzero(np.diff(above.astype(np.int8)))
    spans = tuple((float(t[a]), float(t[b - 1])) for a, b in zip(edges[::2], edges[1::2], strict=True))
    return DissociationWindow(peak=peak, threshold=threshold, fraction=fraction, spans=spans)


def window_label(w: DissociationWindow) -> str:
    """Legend text of the window: threshold and, for one span, its times."""
    head = f"window: > {w.fraction:.0%} of peak {w.peak:.2f}"
    if len(w.spans) == 1:
        a, b = w.spans[0]
        return f"{head}, {a:.2f}\u2013{b:.2f} h"
    return f"{head} ({len(w.spans)} periods)"


def draw_dissociation(ax: Axes, results: Results, doses: Sequence[DoseMark],
                      monitoring: bool = True) -> list:
    """Index, its window shaded and (optionally) the monitoring bracket after each dose.

    Returns the legend handles (index, window, monitoring).
    """
    tl = results.timeline
    t, d = tl["time_h"], tl["dissociation"]
    (line,) = ax.plot(t, d, color=DISSOCIATION_COLOR, lw=1.2, label="dissociation index")
    handles = [line]
    w = dissociation_window(t, d)
    for a, b in w.spans:
        ax.axvspan(a, b, color=DISSOCIATION_COLOR, alpha=0.18, lw=0)
    if w.spans:
        ax.axhline(w.threshold, color=DISSOCIATION_COLOR, lw=0.6, ls=":")
        handles.append(Patch(color=DISSOCIATION_COLOR, alpha=0.3, lw=0, label=window_label(w)))
    else:
        ax.text(0.99, 0.5, "no dissociation window (index never above 0)", transform=ax.transAxes,
                ha="right", va="center", fontsize=7, color=DISSOCIATION_COLOR)
    # Headroom above the index (0-1) for the monitoring brackets.
    ax.set_ylim(0, 1.3)
    ax.set_yticks([0, 0.5, 1.0])
    ax.set_ylabel("dissociation\n(index, 0\u20131)")
    monitoring_h = float(results.timeline_info.get("monitoring_h", 0.0) or 0.0)
    if monitoring and monitoring_h > 0 and doses:
        y, tick = 1.12, 0.08
        # Monitoring follows ketamine, not NBQX.
        for k, dz in enumerate([dz for dz in doses if dz.drug != "nbqx"]):
            x0, x1 = dz.end_h, dz.end_h + monitoring_h
            ax.plot([x0, x0, x1, x1], [y - tick, y, y, y - tick], color=MONITORING_COLOR, lw=1.0,
                    solid_joinstyle="miter")
            if k == 0:
                ax.text(x0, y + 0.03, f" {monitoring_h:g} h monitoring", fontsize=7,
                        color=MONITORING_COLOR, ha="left", va="bottom", clip_on=True)
        handles.append(Line2D([], [], color=MONITORING_COLOR, lw=1.0,
                              label=f"monitoring, {monitoring_h:g} h after each dose ends"))
    return handles


# ------------------------------------------------------------------------- figure
def time_axis(ax: Axes, time_h: np.ndarray) -> None:
    """Limits, label and ticks of the shared time axis (h): days or weeks on long schedules."""
    t0 = float(time_h[0]) if len(time_h) else 0.0
    t1 = float(time_h[-1]) if len(time_h) else 1.0
    ax.set_xlim(t0, t1 if t1 > t0 else t0 + 1.0)
    span = t1 - t0
    if span > 14 * 24:
        ax.xaxis.set_major_locator(MultipleLocator(7 * 24))
        ax.xaxis.set_minor_locator(MultipleLocator(24))
        ax.set_xlabel("time (h; ticks every week, minor ticks every day)")
    elif span > 48:
        ax.xaxis.set_major_locator(MultipleLocator(24))
        ax.set_xlabel("time (h; ticks every day)")
    else:
        ax.set_xlabel("time (h)")


def figure_legend(fig, handles: Sequence, ncols: int = 3) -> None:
    """One legend for every panel, below the time axis, where it hides no data."""
    fig.legend(handles=list(handles), loc="outside lower center", ncols=ncols, fontsize=7,
               frameon=False)


def _concentration_panel(ax: Axes, results: Results, where: str, title: str) -> None:
    tl = results.timeline
    t = tl["time_h"]
    for part, (label, color, ls) in ENANTIOMER_STYLE.items():
        name = f"{where}{part}_ng_ml"
        if name in tl:
            ax.plot(t, tl[name], color=color, ls=ls, lw=1.4 if part == "" else 1.1, label=label)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"{title}\n({unit_label(results, f'{where}_ng_ml') or 'ng/mL'})")
    right = ax.secondary_yaxis("right", functions=(ng_ml_to_um, um_to_ng_ml))
    right.set_ylabel("\u00b5M")


NBQX_COLOR = "tab:olive"


def _nbqx_panel(ax: Axes, results: Results) -> list:
    """NBQX in plasma (left axis) and at the effect site (right axis), both in µM."""
    tl = results.timeline
    t = tl["time_h"]
    (plasma,) = ax.plot(t, tl["plasma_nbqx_um"], color=NBQX_COLOR, lw=1.3, label="NBQX plasma")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("NBQX plasma\n(\u00b5M)")
    twin = ax.twinx()
    (brain,) = twin.plot(t, tl["brain_nbqx_um"], color=NBQX_COLOR, lw=1.1, ls="--",
                         label="NBQX brain, effect site (right axis)")
    twin.set_ylim(bottom=0)
    twin.set_ylabel("NBQX brain (\u00b5M)")
    return [plasma, brain]


#: Series of ketamine and NBQX, not of another drug (:func:`other_drug_keys`).
_OWN_KEYS = ("", "s", "r", "nbqx")
OTHER_COLORS = ("tab:purple", "tab:brown", "tab:cyan", "tab:pink")


def other_drug_keys(timeline: Mapping[str, np.ndarray]) -> list[str]:
    """The drugs other than ketamine and NBQX in a timeline (``plasma_<key>_um`` series)."""
    keys = [name[len("plasma_"):-len("_um")] for name in timeline
            if name.startswith("plasma_") and name.endswith("_um")]
    return [k for k in keys if k.lower() not in _OWN_KEYS and f"brain_{k}_um" in timeline]


def _others_panel(ax: Axes, results: Results, keys: Sequence[str]) -> list:
    """Every other drug in plasma (solid) and at the effect site (dashed), in µM."""
    tl = results.timeline
    t = tl["time_h"]
    handles = []
    for k, key in enumerate(keys):
        color = OTHER_COLORS[k % len(OTHER_COLORS)]
        handles += ax.plot(t, tl[f"plasma_{key}_um"], color=color, lw=1.3, label=f"{key} plasma")
        handles += ax.plot(t, tl[f"brain_{key}_um"], color=color, lw=1.1, ls="--",
                           label=f"{key} brain, effect site")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("other drugs\n(\u00b5M)")
    return handles


def pk_figure(results: Results, path: str | Path) -> Path:
    """Plasma and brain concentration (S, R, total), NBQX, other drugs and the dissociation index over time.

    Concentrations in ng/mL on the left axis, µM on the right. Doses are
    marked on every panel (an infusion as a shaded span, a bolus or an
    extravascular dose as a dashed line; a triangle above each start). The
    bottom panel shows the dissociation index with its window (the period in
    which it exceeds :data:`DISSOCIATION_WINDOW_FRACTION` of its peak,
    shaded) and the clinical monitoring period (``monitoring_h`` from the
    end of each dose, a bracket).

    Parameters
    ----------
    results : Results
        A dosing experiment's results file read by :func:`circuitsim.io.read_results`.
    path : str or Path
        Image to write (format from the suffix, e.g. ``.png``).

    Returns
    -------
    Path
        `path`.

    Raises
    ------
    UserInputError
        If `results` has no timeline.
    """
    tl = timeline_of(results)
    t = tl["time_h"]
    doses = doses_of(results)
    nbqx = "plasma_nbqx_um" in tl
    others = other_drug_keys(tl)
    ratios = [2.2, 2.2] + ([1.5] if nbqx else []) + ([1.5] if others else []) + [1.5]
    fig = new_figure(8.0, 8.0 + (1.8 if nbqx else 0.0) + (1.8 if others else 0.0))
    axes = list(fig.subplots(len(ratios), 1, sharex=True, gridspec_kw={"height_ratios": ratios}))
    ax_plasma, ax_brain, ax_diss = axes[0], axes[1], axes[-1]
    _concentration_panel(ax_plasma, results, "plasma", "ketamine, plasma")
    _concentration_panel(ax_brain, results, "brain", "ketamine, brain\n(effect site)")
    nbqx_handles = _nbqx_panel(axes[2], results) if nbqx else []
    nbqx_handles += _others_panel(axes[-2], results, others) if others else []
    diss_handles = draw_dissociation(ax_diss, results, doses) if "dissociation" in tl else []
    dose_handles = mark_doses(axes, doses)
    figure_legend(fig, ax_plasma.get_legend_handles_labels()[0] + nbqx_handles + dose_handles
                  + diss_handles)
    time_axis(ax_diss, t)
    fig.align_ylabels(axes)
    ax_plasma.set_title(dosing_summary(doses), fontsize=8, loc="left", pad=10)
    fig.suptitle(f"{results.name}: pharmacokinetics", fontsize=10)
    return save(fig, path)
