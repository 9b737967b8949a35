"""Two-photon imaging schedule of Phoumthipphavong et al. 2016: what imaging would see, ketamine and saline.

    python experiments/imaging_schedule/run.py [--reduced] [--seed N] [--out DIR]

Runs the packaged config ``phoumthipphavong_2016`` (mouse, racemic ketamine
10 mg/kg i.p. or saline, sessions at days -3, -1, +1, +3, +5, +10, +15; the
VTA off) and prints, for each interval between sessions, the spines formed
and eliminated as % of the spines at the earlier session and the density
relative to day -1, for both groups, with the published saline turnover
beside the two baseline intervals (the numbers the spine rates are to be
calibrated on, issue 18). Draws ``imaging_schedule.png``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import circuitsim
from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.plasticity.imaging import PHOUMTHIPPHAVONG_SALINE
from circuitsim.plots._common import new_figure, save

#: The published saline turnover: (from day, to day) -> (formed %, SEM, eliminated %, SEM).
SALINE = PHOUMTHIPPHAVONG_SALINE


def table(label: str, im: dict) -> list[str]:
    d = np.asarray(im["session_d"], float)
    rows = []
    for k in range(len(d) - 1):
        pub = SALINE.get((d[k], d[k + 1])) if label == "saline" else None
        published = f"{pub[0]:.1f} +- {pub[1]:.1f} / {pub[2]:.1f} +- {pub[3]:.1f}" if pub else ""
        rows.append(f"{label:<9}{d[k]:>6g}{d[k + 1]:>6g}{im['formed_pct'][k]:>10.1f}{im['eliminated_pct'][k]:>9.1f}"
                    f"{im['density_rel'][k + 1]:>9.3f}   {published}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true", help="the circuit of `circuitsim validate`")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="results/experiments/imaging_schedule")
    args = ap.parse_args()
    sets = [*(REDUCED_CIRCUIT if args.reduced else ()), "circuit.vta.enabled=false", f"seed={args.seed}"]
    res = circuitsim.run(circuitsim.load_config("phoumthipphavong_2016", sets), args.out, figures=False,
                         progress=True)
    groups = {"ketamine": res.days["imaging"], "saline": res.days["arms"]["saline"]["imaging"]}
    print(f"{'group':<9}{'from':>6}{'to':>6}{'formed %':>10}{'elim. %':>9}{'density':>9}   "
          f"published saline, formed / eliminated % (mean +- SEM)")
    for label, im in groups.items():
        print("\n".join(table(label, im)))
    fig = new_figure(9.0, 3.4)
    axes = fig.subplots(1, 3)
    for label, im, colour in (("ketamine 10 mg/kg", groups["ketamine"], "tab:red"),
                              ("saline", groups["saline"], "0.4")):
        d = np.asarray(im["session_d"], float)
        mid = 0.5 * (d[:-1] + d[1:])
        axes[0].plot(mid, im["formed_pct"], "o-", color=colour, label=label)
        axes[1].plot(mid, im["eliminated_pct"], "o-", color=colour, label=label)
        axes[2].plot(d, im["density_rel"], "o-", color=colour, label=label)
    for (a, b), (f, fs, e, es) in SALINE.items():
        axes[0].errorbar([0.5 * (a + b)], [f], [2 * fs], fmt="s", color="k", mfc="none", capsize=3)
        axes[1].errorbar([0.5 * (a + b)], [e], [2 * es], fmt="s", color="k", mfc="none", capsize=3)
    axes[0].plot([], [], "s", color="k", mfc="none", label="saline, published (mean +- 2 SEM)")
    for ax, title in zip(axes, ("formed (% of spines at the earlier session)", "eliminated (%)",
                                "density relative to day -1"), strict=True):
        ax.axvline(0.0, color="0.7", lw=0.8, ls=":")
        ax.set_xlabel("days from the dose")
        ax.set_title(title, fontsize=8)
    axes[0].legend(fontsize=6, frameon=False)
    fig.suptitle("Imaging schedule of Phoumthipphavong et al. 2016, simulated", fontsize=9)
    print(save(fig, Path(args.out) / "imaging_schedule.png"))


if __name__ == "__main__":
    run_script(main)
