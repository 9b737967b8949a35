"""Stress, rescue and persistence of spines after one dose (Radley 2004; Moda-Sava 2019; Phoumthipphavong 2016).

    python experiments/stress_rescue_persistence/run.py [--reduced] [--out DIR]

Runs configs/stress_ketamine_7d_rat.yaml (rat, 21 days of stress, ketamine
10 mg/kg i.p.) followed for 14 days instead of 7, with its two controls
(no stress and no drug; stress and no drug), and reads from its results file:

* the spine loss after stress (Radley et al. 2004: apical spine density
  about -16 % after 21 days of restraint, rat);
* the gain at 24 h over the vehicle arm, on the neurons that lost spines
  and on the others (Moda-Sava et al. 2019: ketamine restores lost spines
  at 12-24 h, preferentially where they were lost);
* spine density over 14 days (Phoumthipphavong et al. 2016: elevated up to
  ~2 weeks after one dose) and the formation and elimination rates over
  days 1-14 against vehicle (ibid.: driven by more formation, elimination
  unchanged).

Draws ``stress_rescue_persistence.png`` and prints the numbers.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import circuitsim
from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.plots._common import new_figure, save

RADLEY_LOSS = 0.16  # Radley et al. 2004, apical spine density after 21 d restraint stress


def at(t, y, h):
    return float(np.interp(h, np.asarray(t, float), np.asarray(y, float)))


def mean_over(t, y, h0, h1):
    t = np.asarray(t, float)
    sel = (t >= h0) & (t <= h1)
    return float(np.trapezoid(np.asarray(y, float)[sel], t[sel]) / (t[sel][-1] - t[sel][0]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true")
    ap.add_argument("--out", default="results/experiments/stress_rescue_persistence")
    args = ap.parse_args()
    sets = [*(REDUCED_CIRCUIT if args.reduced else ()), "circuit.vta.enabled=false",
            "plasticity.days_after=14 d", "output.name=stress_rescue_persistence"]
    res = circuitsim.run(circuitsim.load_config("stress_ketamine_7d_rat", sets), args.out, figures=False)
    tl = res.timeline
    veh = res.days["arms"]["stress, vehicle"]
    t, tv = tl["time_h"], veh["time_h"]
    end_h = float(np.asarray(t)[-1])
    loss = 1.0 - at(t, tl["spine_density_rel"], 0.0)
    print(f"spine loss after 21 d of stress: {loss:.3f} (published ~{RADLEY_LOSS}, Radley et al. 2004)")
    for key, label in (("spine_density_rel_stressed", "neurons that lost spines"),
                       ("spine_density_rel_unstressed", "the other neurons")):
        gain = (at(t, tl[key], 24) - at(t, tl[key], 0)) - (at(tv, veh[key], 24) - at(tv, veh[key], 0))
        print(f"24-h gain over vehicle, {label}: {gain:+.4f} (Moda-Sava et al. 2019: more where lost)")
    for day in (1, 7, 14):
        print(f"day {day:>2}: spines {at(t, tl['spine_density_rel'], 24 * day):.3f} ketamine, "
              f"{at(tv, veh['spine_density_rel'], 24 * day):.3f} vehicle")
    rates = {}
    for (h0, h1), window in (((0.0, 24.0), "day 0-1"), ((24.0, end_h), "days 1-14")):
        for key in ("spines_formed_per_day", "spines_eliminated_per_day"):
            k, v = mean_over(t, tl[key], h0, h1), mean_over(tv, veh[key], h0, h1)
            rates[(window, key)] = k / v
            print(f"{key}, {window}: ketamine {k:.4f}/d, vehicle {v:.4f}/d, ratio {k / v:.2f} "
                  "(Phoumthipphavong et al. 2016: formation up, elimination unchanged)")
    fig = new_figure(10.0, 4.0)
    ax, ax_r = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.8, 1]})
    for series, label, color in ((tl, "stress + ketamine", "tab:green"), (veh, "stress, vehicle", "0.4")):
        ax.plot(np.asarray(series["time_h"]) / 24, series["spine_density_rel"], color=color, lw=1.4, label=label)
    ctrl = res.days["arms"]["control (no stress, vehicle)"]
    ax.plot(np.asarray(ctrl["time_h"]) / 24, ctrl["spine_density_rel"], color="tab:blue", lw=1.0, label="control")
    ax.axhline(1.0 - RADLEY_LOSS, color="tab:red", lw=0.8, ls="--", label="-16 % (Radley et al. 2004)")
    ax.axvspan(0.5, 1.0, color="tab:green", alpha=0.1, label="rescue at 12-24 h (Moda-Sava 2019)")
    ax.axvspan(1.0, 14.0, color="tab:orange", alpha=0.07, label="elevated to ~2 weeks (Phoumthipphavong 2016)")
    ax.set_xlabel("time from the dose (days)")
    ax.set_ylabel("spine density (rel. healthy)")
    ax.legend(fontsize=7, frameon=False, loc="lower left")
    labels = [f"{'formation' if 'formed' in key else 'elimination'}\n{window}" for window, key in rates]
    ax_r.bar(labels, list(rates.values()),
             color=["tab:green" if "formed" in key else "tab:red" for _, key in rates])
    ax_r.axhline(1.0, color="0.3", lw=0.8, ls=":")
    ax_r.tick_params(axis="x", labelsize=7)
    ax_r.set_ylabel("ketamine / vehicle (rate per present spine)")
    ax_r.set_title("published: formation up, elimination unchanged", fontsize=8)
    fig.suptitle("Stress, rescue and persistence: simulated (rat, 10 mg/kg i.p.) vs published", fontsize=9)
    print(save(fig, Path(args.out) / "stress_rescue_persistence.png"))


if __name__ == "__main__":
    main()
