"""Persistence: spines stay up for about two weeks after one dose, by more formation (Phoumthipphavong et al. 2016).

    python experiments/persistence/run.py [--reduced] [--seed N] [--out DIR]

Runs experiments/persistence/config.yaml (mouse, racemic ketamine 10 mg/kg
i.p., no stress, 14 days, with a vehicle arm; the VTA off) and reads from
the results file:

* spine density against vehicle at days 1, 7 and 14;
* the spine formation and elimination rates (per present spine and day)
  against vehicle, over day 0-1 and over days 1-14.

Phoumthipphavong et al. 2016 (mouse frontal cortex, in vivo imaging):
spine density elevated up to ~2 weeks after one dose, driven by more
formation, elimination unchanged. Draws ``persistence.png``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import circuitsim
from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.plots._common import new_figure, save

HERE = Path(__file__).resolve().parent


def at(t, y, h):
    return float(np.interp(h, np.asarray(t, float), np.asarray(y, float)))


def mean_over(t, y, h0, h1):
    t = np.asarray(t, float)
    sel = (t >= h0) & (t <= h1)
    return float(np.trapezoid(np.asarray(y, float)[sel], t[sel]) / (t[sel][-1] - t[sel][0]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true", help="the circuit of `circuitsim validate`")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="results/experiments/persistence")
    args = ap.parse_args()
    sets = [*(REDUCED_CIRCUIT if args.reduced else ()), "circuit.vta.enabled=false", f"seed={args.seed}"]
    res = circuitsim.run(circuitsim.load_config(HERE / "config.yaml", sets), args.out, figures=False, progress=True)
    tl, veh = res.timeline, res.days["arms"]["vehicle"]
    t, tv = tl["time_h"], veh["time_h"]
    end_h = float(np.asarray(t)[-1])
    for day in (1, 7, 14):
        k, v = at(t, tl["spine_density_rel"], 24 * day), at(tv, veh["spine_density_rel"], 24 * day)
        print(f"day {day:>2}: spines {k:.4f} ketamine, {v:.4f} vehicle, difference {k - v:+.4f}")
    rates = {}
    for (h0, h1), window in (((0.0, 24.0), "day 0-1"), ((24.0, end_h), "days 1-14")):
        for key in ("spines_formed_per_day", "spines_eliminated_per_day"):
            k, v = mean_over(t, tl[key], h0, h1), mean_over(tv, veh[key], h0, h1)
            rates[(window, key)] = k / v
            print(f"{key}, {window}: ketamine {k:.4f}/d, vehicle {v:.4f}/d, ratio {k / v:.2f} "
                  "(Phoumthipphavong et al. 2016: formation up, elimination unchanged)")
    fig = new_figure(10.0, 4.0)
    ax, ax_r = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.8, 1]})
    for series, label, color in ((tl, "ketamine 10 mg/kg", "tab:green"), (veh, "vehicle", "0.4")):
        ax.plot(np.asarray(series["time_h"]) / 24, series["spine_density_rel"], color=color, lw=1.4, label=label)
    ax.axvspan(1.0, 14.0, color="tab:orange", alpha=0.07, label="elevated to ~2 weeks (Phoumthipphavong 2016)")
    ax.set_xlabel("time from the dose (days)")
    ax.set_ylabel("spine density (rel. healthy)")
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    labels = [f"{'formation' if 'formed' in key else 'elimination'}\n{window}" for window, key in rates]
    ax_r.bar(labels, list(rates.values()), color=["tab:green" if "formed" in key else "tab:red" for _, key in rates])
    ax_r.axhline(1.0, color="0.3", lw=0.8, ls=":")
    ax_r.tick_params(axis="x", labelsize=7)
    ax_r.set_ylabel("ketamine / vehicle (rate per present spine)")
    ax_r.set_title("published: formation up, elimination unchanged", fontsize=8)
    fig.suptitle(f"Persistence after one dose, mouse (seed {args.seed}): simulated vs published", fontsize=9)
    print(save(fig, Path(args.out) / "persistence.png"))


if __name__ == "__main__":
    run_script(main)
