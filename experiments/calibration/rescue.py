"""The share of a stress loss that one dose gives back by 24 h, for a gain of the spinogenic program.

Calibration of ``plasticity.spinogenesis.gain`` (issue 18): after 21 days of
stress, one antidepressant dose of ketamine (mouse, 10 mg/kg i.p., as in
Moda-Sava et al. 2019) and the stress-vehicle arm from the same seed; the
share restored is

    (density with the drug - density with vehicle) / (1 - density at the dose)

at 24 h (densities relative to the healthy pool). The target, 0.5, is the
"about half of those spines" grown back after 12 h of the press account of
Moda-Sava et al. 2019 (WIRED, 2019; the paper's abstract says only that
ketamine "selectively rescu[es] eliminated spines"). Runs the slow stage
only (no results file), with the drug-free checks every 30 days (none after
the dose), on the reduced circuit unless ``--full``.

    python experiments/calibration/rescue.py [--seed 1] [--full] [--set key=value ...] \
        [--grid key=v1,v2,... ...]

Last line: RESULT key=value ... of the last set.
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np

from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.config import load_config
from circuitsim.engine.slow import ExperimentCache, run_days
from circuitsim.validation.suite import MOUSE_RESCUE

#: The mouse experiment of Moda-Sava et al. 2019 on the headline config, as validate runs
#: it, without arms and without daily circuit checks.
MOUSE_DOSE = (*MOUSE_RESCUE, "plasticity.arms=[]", "plasticity.sample_every=30 d", "circuit.vta.enabled=false",
              "output.figures=false")
TARGET_SHARE = 0.5
TIMES_H = (6.0, 12.0, 24.0, 72.0, 168.0)


def shares(sets: list[str], seed: int, full: bool, cache: ExperimentCache) -> dict[float, float]:
    """Share of the stress loss restored over vehicle at each of :data:`TIMES_H`."""
    base = [*([] if full else REDUCED_CIRCUIT), *MOUSE_DOSE, f"seed={seed}", *sets]
    drug = run_days(load_config("stress_ketamine_7d", base), with_timeline=False, cache=cache)
    vehicle = run_days(load_config("stress_ketamine_7d", [*base, "dosing.doses.0.amount=0 mg/kg"]),
                       with_timeline=False, cache=cache)
    t = drug.series["time_h"]
    d, v = drug.series["spine_density_rel"], vehicle.series["spine_density_rel"]
    lost = 1.0 - float(np.interp(0.0, t, d))
    return {h: float(np.interp(h, t, d) - np.interp(h, t, v)) / lost for h in TIMES_H}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--full", action="store_true", help="the default circuit (else the reduced one)")
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2,...")
    args = ap.parse_args()
    axes = [[f"{g.split('=', 1)[0]}={v}" for v in g.split("=", 1)[1].split(",")] for g in args.grid]
    cache = ExperimentCache()
    out: dict[float, float] = {}
    print("share of the stress loss restored over vehicle at " + ", ".join(f"{h:g} h" for h in TIMES_H)
          + f" (target {TARGET_SHARE} at 24 h)")
    for combo in itertools.product(*axes) if axes else [()]:
        out = shares([*args.sets, *combo], args.seed, args.full, cache)
        print(f"{' '.join(combo) or '(config)':<50} " + "  ".join(f"{out[h]:7.3f}" for h in TIMES_H))
    print("RESULT " + " ".join(f"share_{h:g}h={out[h]:.4f}" for h in TIMES_H))


if __name__ == "__main__":
    run_script(main)
