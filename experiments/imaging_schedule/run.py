"""Two-photon imaging schedules: what imaging of the same dendrites would see, drug and vehicle.

    python experiments/imaging_schedule/run.py [--config NAME] [--reduced] [--seed N] [--out DIR]

Runs a packaged config with ``plasticity.imaging`` and a vehicle arm (its
first arm): ``phoumthipphavong_2016`` (the default: mouse, racemic ketamine
10 mg/kg i.p. or saline, sessions at days -3, -1, +1, +3, +5, +10, +15) or
``pryazhnikov_2018`` (5 daily doses, sessions at -2 d, 6 h, 24 h, 72 h,
132 h); the VTA off. Prints, for each interval between sessions, the spines
formed and eliminated as % of the spines at the earlier session, the
density relative to the reference session, the drug's formation and
elimination over vehicle's, and from the reference session on the
elimination of pre-existing spines (those seen at the reference session,
as Pryazhnikov et al. 2018 count it) with its ratio to vehicle; beside the two baseline intervals of
Phoumthipphavong, the published saline turnover the spine rates are
calibrated on (issue 18). Draws ``<config>.png``.
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


def table(label: str, im: dict, vehicle: dict, published: dict) -> list[str]:
    """One row per interval: formed %, eliminated %, density at its end, and the ratios to vehicle."""
    d = np.asarray(im["session_d"], float)
    rows = []
    for k in range(len(d) - 1):
        pub = published.get((d[k], d[k + 1]))
        pub_text = f"{pub[0]:.1f} +- {pub[1]:.1f} / {pub[2]:.1f} +- {pub[3]:.1f}" if pub else ""
        ratios = (f"{im['formed_pct'][k] / vehicle['formed_pct'][k]:>8.2f}"
                  f"{im['eliminated_pct'][k] / vehicle['eliminated_pct'][k]:>8.2f}")
        pre, pre_v = im["preexisting_eliminated_pct"][k], vehicle["preexisting_eliminated_pct"][k]
        pre_text = f"{pre:>9.1f}{pre / pre_v:>8.2f}" if np.isfinite(pre) else f"{'-':>9}{'-':>8}"
        rows.append(f"{label:<9}{d[k]:>7.3g}{d[k + 1]:>7.3g}{im['formed_pct'][k]:>10.1f}{im['eliminated_pct'][k]:>9.1f}"
                    f"{im['density_rel'][k + 1]:>9.3f}{ratios}{pre_text}   {pub_text}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="phoumthipphavong_2016",
                    help="a packaged config with plasticity.imaging and a vehicle as its first arm")
    ap.add_argument("--reduced", action="store_true", help="the circuit of `circuitsim validate`")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="results/experiments/imaging_schedule")
    args = ap.parse_args()
    sets = [*(REDUCED_CIRCUIT if args.reduced else ()), "circuit.vta.enabled=false", f"seed={args.seed}"]
    cfg = circuitsim.load_config(args.config, sets)
    if cfg.plasticity is None or cfg.plasticity.imaging is None or not cfg.plasticity.arms:
        raise SystemExit(f"{args.config}: expected plasticity.imaging and a vehicle arm (plasticity.arms.0)")
    vehicle_name = cfg.plasticity.arms[0].name
    res = circuitsim.run(cfg, args.out, figures=False, progress=True)
    groups = {"ketamine": res.days["imaging"], vehicle_name: res.days["arms"][vehicle_name]["imaging"]}
    published = {vehicle_name: SALINE} if args.config == "phoumthipphavong_2016" else {}
    print(f"{'group':<9}{'from d':>7}{'to d':>7}{'formed %':>10}{'elim. %':>9}{'density':>9}"
          f"{'F/veh':>8}{'E/veh':>8}{'pre E %':>9}{'/veh':>8}   published saline, formed / eliminated % (mean +- SEM)")
    for label, im in groups.items():
        print("\n".join(table(label, im, groups[vehicle_name], published.get(label, {}))))
    fig = new_figure(9.0, 3.4)
    axes = fig.subplots(1, 3)
    for label, im, colour in (("ketamine 10 mg/kg", groups["ketamine"], "tab:red"),
                              (vehicle_name, groups[vehicle_name], "0.4")):
        d = np.asarray(im["session_d"], float)
        mid = 0.5 * (d[:-1] + d[1:])
        axes[0].plot(mid, im["formed_pct"], "o-", color=colour, label=label)
        axes[1].plot(mid, im["eliminated_pct"], "o-", color=colour, label=label)
        axes[2].plot(d, im["density_rel"], "o-", color=colour, label=label)
    for (a, b), (f, fs, e, es) in published.get(vehicle_name, {}).items():
        axes[0].errorbar([0.5 * (a + b)], [f], [2 * fs], fmt="s", color="k", mfc="none", capsize=3)
        axes[1].errorbar([0.5 * (a + b)], [e], [2 * es], fmt="s", color="k", mfc="none", capsize=3)
    if published:
        axes[0].plot([], [], "s", color="k", mfc="none", label="saline, published (mean +- 2 SEM)")
    for ax, title in zip(axes, ("formed (% of spines at the earlier session)", "eliminated (%)",
                                "density relative to the reference session"), strict=True):
        ax.axvline(0.0, color="0.7", lw=0.8, ls=":")
        ax.set_xlabel("days from the dose")
        ax.set_title(title, fontsize=8)
    axes[0].legend(fontsize=6, frameon=False)
    fig.suptitle(f"Imaging schedule of {args.config}, simulated", fontsize=9)
    print(save(fig, Path(args.out) / f"{args.config}.png"))


if __name__ == "__main__":
    run_script(main)
