"""Choosing the spinogenic program's time constants from the published formation windows.

The program (circuitsim.plasticity.spinogenesis) is linear in the synaptic
protein's excess, so its shape over time, for one dose or five daily doses,
is set by its two time constants alone; the gain only scales it. This
script takes the synaptic protein of one dose (mouse, racemic 10 mg/kg
i.p.: the slow stage of ``phoumthipphavong_2016`` on the reduced circuit,
seed 1, program off), builds the excess of five daily doses by
superposition (the cascade is not quite linear: a first look, not the
model), runs the program on a fine grid for each (tau_rise, tau_decay) and
prints the formation factor over vehicle in each window, with the gain set
so that the 12-24 h window of one dose is 2 (a reference size only).

Windows (SCIENCE.md, Revisions): one dose, not up at 3-6 h, up at 12-24 h
(Moda-Sava et al. 2019, as quoted); five daily doses, up at 72-132 h, not at
6-24 h (Pryazhnikov et al. 2018, abstract); density higher for up to 2
weeks (Phoumthipphavong et al. 2016, abstract).

    python experiments/calibration/program_windows.py

Last line: RESULT for the chosen pair (tau_rise 12 h, tau_decay 72 h).
"""

from __future__ import annotations

import argparse

import numpy as np

from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.config import load_config
from circuitsim.engine.slow import run_days
from circuitsim.plasticity import spinogenesis as sg

DT_H = 0.05
CHOSEN = (12.0, 72.0)


def protein_of_one_dose() -> tuple[np.ndarray, np.ndarray]:
    sets = [*REDUCED_CIRCUIT, "circuit.vta.enabled=false", "seed=1", "plasticity.arms=[]",
            "plasticity.imaging=null", "plasticity.spinogenesis=null", "plasticity.sample_every=30 d"]
    days = run_days(load_config("phoumthipphavong_2016", sets), with_timeline=False)
    t = days.series["time_h"]
    keep = t >= 0
    return t[keep], days.series["synaptic_protein"][keep]


def program(excess: np.ndarray, tau_rise: float, tau_decay: float) -> np.ndarray:
    rules = sg.ProgramRules(tau_rise_h=tau_rise, tau_decay_h=tau_decay, gain=1.0)
    st = sg.ProgramState.at_rest(1)
    out = np.empty_like(excess)
    for i, u in enumerate(excess):
        st = sg.step_program(st, np.array([1.0 + u]), DT_H, rules)
        out[i] = st.program[0]
    return out


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    t, s = protein_of_one_dose()
    grid = np.arange(0.0, 360.0, DT_H)
    one = np.maximum(np.interp(grid, t, s) - 1.0, 0.0)
    five = np.maximum(sum(np.interp(grid - 24.0 * k, t, s - 1.0, left=0.0) for k in range(5)), 0.0)

    def mean(g, a, b):
        m = (grid >= a) & (grid < b)
        return float(g[m].mean())

    print("tau_rise tau_decay | one dose: 3-6 h  12-24 h  3-5 d  5-10 d  10-15 d | five doses: 6-24 h  72-132 h")
    rows = {}
    for tr in (3.0, 6.0, 12.0, 24.0):
        for td in (24.0, 48.0, 72.0, 120.0):
            g1, g5 = program(one, tr, td), program(five, tr, td)
            gain = 1.0 / mean(g1, 12, 24)
            r = [1 + gain * mean(g1, 3, 6), 1 + gain * mean(g1, 12, 24), 1 + gain * mean(g1, 72, 120),
                 1 + gain * mean(g1, 120, 240), 1 + gain * mean(g1, 240, 359), 1 + gain * mean(g5, 6, 24),
                 1 + gain * mean(g5, 72, 132)]
            rows[(tr, td)] = r
            print(f"{tr:6.0f} h {td:6.0f} h   |  " + "  ".join(f"{x:6.2f}" for x in r))
    r = rows[CHOSEN]
    print(f"RESULT tau_rise_h={CHOSEN[0]:g} tau_decay_h={CHOSEN[1]:g} one_3_6h={r[0]:.3f} one_12_24h={r[1]:.3f} "
          f"one_5_10d={r[3]:.3f} five_6_24h={r[5]:.3f} five_72_132h={r[6]:.3f}")


if __name__ == "__main__":
    run_script(main)
