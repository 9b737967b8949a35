"""Stress, then rescue: spines lost under chronic stress, restored by ketamine where they were lost (Radley 2004; Moda-Sava 2019).

    python experiments/stress_rescue/run.py [--reduced] [--out DIR]

Runs configs/stress_ketamine_7d_rat.yaml (rat, 21 days of restraint stress
on a random half of the pyramidal neurons, then racemic ketamine 10 mg/kg
i.p., followed for 7 days) with its two controls (no stress and no drug;
stress and no drug), and reads from its results file:

* the spine loss after stress (Radley et al. 2004: apical spine density
  about -16 % after 21 days of restraint, rat);
* the gain at 24 h over the vehicle arm, on the neurons that lost spines
  and on the others (Moda-Sava et al. 2019: ketamine restores lost spines
  at 12-24 h, preferentially where they were lost);
* spine density at days 1 and 7 against vehicle.

Draws ``stress_rescue.png`` and prints the numbers. Persistence over two
weeks in unstressed mice is experiments/persistence.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import circuitsim
from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.plots._common import new_figure, save

RADLEY_LOSS = 0.16  # Radley et al. 2004, apical spine density after 21 d restraint stress


def at(t, y, h):
    return float(np.interp(h, np.asarray(t, float), np.asarray(y, float)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true")
    ap.add_argument("--out", default="results/experiments/stress_rescue")
    args = ap.parse_args()
    sets = [*(REDUCED_CIRCUIT if args.reduced else ()), "circuit.vta.enabled=false",
            "output.name=stress_rescue"]
    res = circuitsim.run(circuitsim.load_config("stress_ketamine_7d_rat", sets), args.out, figures=False, progress=True)
    tl = res.timeline
    veh = res.days["arms"]["stress, vehicle"]
    t, tv = tl["time_h"], veh["time_h"]
    loss = 1.0 - at(t, tl["spine_density_rel"], 0.0)
    print(f"spine loss after 21 d of stress: {loss:.3f} (published ~{RADLEY_LOSS}, Radley et al. 2004)")
    for key, label in (("spine_density_rel_stressed", "neurons that lost spines"),
                       ("spine_density_rel_unstressed", "the other neurons")):
        gain = (at(t, tl[key], 24) - at(t, tl[key], 0)) - (at(tv, veh[key], 24) - at(tv, veh[key], 0))
        print(f"24-h gain over vehicle, {label}: {gain:+.4f} (Moda-Sava et al. 2019: more where lost)")
    for day in (1, 7):
        print(f"day {day}: spines {at(t, tl['spine_density_rel'], 24 * day):.3f} ketamine, "
              f"{at(tv, veh['spine_density_rel'], 24 * day):.3f} vehicle")
    fig = new_figure(10.0, 4.0)
    ax, ax_r = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.8, 1]})
    for series, label, color in ((tl, "stress + ketamine", "tab:green"), (veh, "stress, vehicle", "0.4")):
        ax.plot(np.asarray(series["time_h"]) / 24, series["spine_density_rel"], color=color, lw=1.4, label=label)
    ctrl = res.days["arms"]["control (no stress, vehicle)"]
    ax.plot(np.asarray(ctrl["time_h"]) / 24, ctrl["spine_density_rel"], color="tab:blue", lw=1.0, label="control")
    ax.axhline(1.0 - RADLEY_LOSS, color="tab:red", lw=0.8, ls="--", label="-16 % (Radley et al. 2004)")
    ax.axvspan(0.5, 1.0, color="tab:green", alpha=0.1, label="rescue at 12-24 h (Moda-Sava 2019)")
    ax.set_xlabel("time from the dose (days)")
    ax.set_ylabel("spine density (rel. healthy)")
    ax.legend(fontsize=7, frameon=False, loc="lower left")
    gains = {}
    for key, label in (("spine_density_rel_stressed", "neurons that\nlost spines"),
                       ("spine_density_rel_unstressed", "the other\nneurons")):
        gains[label] = (at(t, tl[key], 24) - at(t, tl[key], 0)) - (at(tv, veh[key], 24) - at(tv, veh[key], 0))
    ax_r.bar(list(gains), list(gains.values()), color=["tab:green", "0.6"])
    ax_r.set_ylabel("24-h gain over vehicle (rel. healthy)")
    ax_r.set_title("published: restored where lost (Moda-Sava 2019)", fontsize=8)
    fig.suptitle("Stress and rescue: simulated (rat, 10 mg/kg i.p.) vs published", fontsize=9)
    print(save(fig, Path(args.out) / "stress_rescue.png"))


if __name__ == "__main__":
    run_script(main)
