"""The acute timeline figure: concentration, block, rates, glutamate, dopamine and dissociation over hours.

Every panel shares the time axis (h) and shows the doses. The circuit
quantities are interpolated between sampled circuit states
(:mod:`circuitsim.engine.acute`); the figure states how well that
interpolation reproduced the directly simulated held-out states.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes

from ..io.read import Results
from ..pharmacology.exposure import ng_ml_to_um, um_to_ng_ml
from ._common import DRUG_COLOR, POP_COLORS, new_figure, save
from .pk import (
    axis_label,
    doses_of,
    dosing_summary,
    draw_dissociation,
    figure_legend,
    mark_doses,
    time_axis,
    timeline_of,
)

GLUTAMATE_COLOR = "tab:green"
DOPAMINE_COLOR = "tab:olive"
#: Largest relative interpolation error of the rates accepted at the held-out
#: states (issue 3: "interpolated rates within 5 % of a direct simulation").
INTERPOLATION_TOLERANCE = 0.05


def interpolation_check(results: Results) -> dict[str, float]:
    """Largest |relative interpolation error| of each checked quantity at the held-out states.

    Quantity name (e.g. ``rate_pyramidal_hz``) -> max |error| (fraction);
    NaN entries (a state where the measured value is 0) are ignored. Empty
    when no held-out state was simulated.
    """
    sampling = results.timeline_info.get("sampling", {})
    out = {}
    for key, values in sampling.items():
        if key.startswith("interpolation_error_"):
            err = np.abs(np.asarray(values, dtype=float))
            err = err[np.isfinite(err)]
            if err.size:
                out[key.removeprefix("interpolation_error_")] = float(err.max())
    return out


def check_text(results: Results) -> str:
    """The interpolation check as printed on the figure (one line)."""
    check = interpolation_check(results)
    held = np.asarray(results.timeline_info.get("sampling", {}).get("held_out", []), dtype=bool)
    rates = [(pop, check[f"rate_{pop}_hz"]) for pop in POP_COLORS if f"rate_{pop}_hz" in check]
    if not rates:
        return "interpolation check: no held-out circuit states"
    worst = max(e for _pop, e in rates)
    verdict = "within" if worst <= INTERPOLATION_TOLERANCE else "EXCEEDS"
    errors = ", ".join(f"{e:.1%} {pop}" for pop, e in rates)
    return (f"interpolation check at {int(held.sum())} held-out states: max |error| of the rates "
            f"{errors} ({verdict} the {INTERPOLATION_TOLERANCE:.0%} tolerance)")


def has_dopamine(tl: dict[str, np.ndarray]) -> bool:
    """Whether the timeline has a dopamine series with any value (all NaN: no VTA)."""
    return "dopamine_rel" in tl and bool(np.isfinite(tl["dopamine_rel"]).any())


def _relative_panel(ax: Axes, t: np.ndarray, y: np.ndarray, color: str, label: str) -> None:
    ax.plot(t, y, color=color, lw=1.1)
    ax.axhline(1.0, color="0.5", lw=0.6, ls=":")
    ax.set_ylabel(f"{label}\n(rel. baseline)")


def _block_panel(ax, t, tl) -> None:
    """NMDA block per population and, with NBQX, the AMPA block (dashed)."""
    for pop, color in POP_COLORS.items():
        if f"block_{pop}" in tl:
            ax.plot(t, tl[f"block_{pop}"], color=color, lw=1.1, label=pop)
    if "block_ampa" in tl:
        ax.plot(t, tl["block_ampa"], color="tab:olive", lw=1.1, ls="--", label="AMPA (NBQX)")
        ax.set_ylabel("block\n(fraction)")
    else:
        ax.set_ylabel("NMDA block\n(fraction)")
    ax.set_ylim(bottom=0)


def timeline_figure(results: Results, path: str | Path) -> Path:
    """The acute timeline of a dosing experiment on one time axis (h).

    Panels: effective brain concentration (the racemic-equivalent,
    NMDA-weighted concentration the circuit sees; µM, ng/mL on the right),
    NMDA block per population (and the AMPA block of NBQX, dashed, when
    the schedule has NBQX), pyramidal and interneuron rates, glutamate,
    dopamine (when the results have a ``dopamine_rel`` series with values)
    and the dissociation index with its window. Doses are marked on every
    panel; a line above the rate panels states the largest interpolation
    error of the rates at the held-out circuit states (:func:`check_text`).

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
    dopamine = has_dopamine(tl)
    ratios = [1.4, 1.2, 1.2, 1.2, 1.0] + ([1.0] if dopamine else []) + [1.1]
    fig = new_figure(8.0, 1.45 * sum(ratios) + 1.0)
    axes = list(fig.subplots(len(ratios), 1, sharex=True, gridspec_kw={"height_ratios": ratios}))
    ax_conc, ax_block, ax_pyr, ax_int, ax_glu = axes[:5]
    ax_da = axes[5] if dopamine else None
    ax_diss = axes[-1]

    (conc_line,) = ax_conc.plot(t, tl["effective_um"], color=DRUG_COLOR, lw=1.3,
                                label="effective brain (racemic-equivalent, NMDA-weighted S + R)")
    ax_conc.set_ylim(bottom=0)
    ax_conc.set_ylabel(axis_label(results, "effective brain", "effective_um").replace(" (", "\n("))
    right = ax_conc.secondary_yaxis("right", functions=(um_to_ng_ml, ng_ml_to_um))
    right.set_ylabel("ng/mL")

    _block_panel(ax_block, t, tl)

    # Each rate on its own scale, as in the disinhibition figure.
    for ax, pop in ((ax_pyr, "pyramidal"), (ax_int, "interneuron")):
        ax.plot(t, tl[f"rate_{pop}_hz"], color=POP_COLORS[pop], lw=1.1)
        ax.set_ylabel(f"{pop}\nrate (Hz)")
    # Between the block and the rate panels, where it hides no data.
    ax_pyr.set_title(check_text(results), fontsize=7, loc="right", pad=3)

    _relative_panel(ax_glu, t, tl["glutamate_rel"], GLUTAMATE_COLOR, "glutamate")
    if ax_da is not None:
        _relative_panel(ax_da, t, tl["dopamine_rel"], DOPAMINE_COLOR, "dopamine")

    diss_handles = []
    if "dissociation" in tl:
        diss_handles = draw_dissociation(ax_diss, results, doses, monitoring=False)
        ax_diss.set_ylim(0, 1.05)

    dose_handles = mark_doses(axes, doses)
    figure_legend(fig, [conc_line, *dose_handles, *ax_block.get_legend_handles_labels()[0],
                        *diss_handles])
    time_axis(ax_diss, t)
    fig.align_ylabels(axes)
    ax_conc.set_title(dosing_summary(doses), fontsize=8, loc="left", pad=10)
    fig.suptitle(f"{results.name}: acute timeline", fontsize=10)
    return save(fig, path)
