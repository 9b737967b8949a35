"""The dose-response figure: per-epoch steady-state measures against concentration."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import UserInputError
from ..io.read import Results
from ._common import POP_COLORS, new_figure, save


def dose_response_figure(results: Results, path: str | Path) -> Path:
    """Rates (both populations), glutamate and block of each epoch against concentration.

    The concentration axis is logarithmic; drug-free epochs (0 uM, which a
    log axis cannot show) are drawn as dashed horizontal reference lines.

    Parameters
    ----------
    results : Results
        A results file read by :func:`circuitsim.io.read_results`.
    path : str or Path
        Image to write (format from the suffix).

    Returns
    -------
    Path
        `path`.

    Raises
    ------
    UserInputError
        If no epoch has a non-zero concentration.
    """
    eps = sorted(results.epochs, key=lambda e: e.concentration_um)
    dosed = [e for e in eps if e.concentration_um > 0]
    if not dosed:
        raise UserInputError(
            f"protocol.epochs: a dose-response figure needs an epoch with a non-zero "
            f"concentration, {results.name!r} has none"
        )
    drug_free = [e for e in eps if e.concentration_um == 0]
    c = np.array([e.concentration_um for e in dosed])

    fig = new_figure(5.5, 7.0)
    ax_rate, ax_glu, ax_block = fig.subplots(3, 1, sharex=True)
    for pop in ("pyramidal", "interneuron"):
        col = POP_COLORS[pop]
        ax_rate.plot(c, [getattr(e, f"rate_{pop}_hz") for e in dosed], "o-", color=col, ms=4,
                     label=pop)
        ax_block.plot(c, [getattr(e, f"block_{pop}") for e in dosed], "o-", color=col, ms=4,
                      label=pop)
        if drug_free:
            ax_rate.axhline(np.mean([getattr(e, f"rate_{pop}_hz") for e in drug_free]),
                            color=col, ls="--", lw=0.8, label=f"{pop}, 0 \u00b5M")
    ax_rate.set_ylabel("rate (Hz per cell)")
    ax_rate.legend(fontsize=7, frameon=False)

    ax_glu.plot(c, [e.glutamate_rel for e in dosed], "o-", color="tab:green", ms=4)
    if drug_free:
        ax_glu.axhline(np.mean([e.glutamate_rel for e in drug_free]), color="tab:green",
                       ls="--", lw=0.8, label="0 \u00b5M")
        ax_glu.legend(fontsize=7, frameon=False)
    ax_glu.set_ylabel("glutamate (rel. baseline)")

    ax_block.set_ylabel("NMDA block (fraction)")
    ax_block.set_ylim(0, 1)
    ax_block.set_xscale("log")
    ax_block.set_xlabel("concentration (\u00b5M, log scale)")
    fig.suptitle(f"{results.name}: dose-response (epoch steady states)", fontsize=10)
    return save(fig, path)
