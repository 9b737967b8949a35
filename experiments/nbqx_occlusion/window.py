"""How much AMPA block, for how long, would abolish ketamine's cascade? (cascade only, no circuit)

Issue 4, item 6: in configs/occlusion.yaml (rat, 10 mg/kg i.p.), one NBQX dose
of 10 mg/kg i.p. 10 min before ketamine does not abolish the spine increase.
This script asks why, with the cascade alone (circuitsim.plasticity.signalling):
it takes the ketamine run's per-neuron-mean drives from a results file (AMPA
drive A(t) and resting NMDA signalling N(t) of /timeline), scales the AMPA
drive by (1 - b(t)) for an NBQX block b(t), and reports the peak synaptic
protein and its excess relative to ketamine alone (1 = no effect of NBQX,
0 = abolished). It ignores the circuit's own response to the block (the
firing it lowers), so it overestimates what NBQX leaves; the full model's
figures are in docs/plasticity.md.

Two families of b(t):
* a constant block held over the first 12 h (as the other blockers' windows);
* one 10 mg/kg i.p. dose in the rat with the effect-site half-life ke0 of
  5 min (the preset), 15, 30 or 45 min, the brain:plasma ratio recalibrated
  each time so that 10 mg/kg i.p. in the mouse still peaks at 50 % block
  (the preset's calibration rule, circuitsim/pharmacology/presets.py).

    python experiments/nbqx_occlusion/window.py RESULTS.h5

RESULTS.h5: `circuitsim run configs/occlusion.yaml` (any scale).
"""

from __future__ import annotations

import argparse

import numpy as np

from circuitsim.cli import run_script
from circuitsim.config import config_from_dict
from circuitsim.engine.rules import cascade_rules
from circuitsim.io import read_results
from circuitsim.pharmacology import pk
from circuitsim.pharmacology.presets import NBQX_MW_G_PER_MOL, nbqx_preset
from circuitsim.plasticity.signalling import CascadeState, step_cascade

DT_H = 1.0 / 60.0


def protein_peak(t_h, ampa, nmda, rules, block=lambda t: 0.0) -> float:
    tt = np.arange(0.0, 24.0, DT_H)
    a = np.interp(tt, t_h, ampa) * (1.0 - np.asarray([block(x) for x in tt]))
    n = np.interp(tt, t_h, nmda)
    s, peak = CascadeState.at_rest(1), 1.0
    for k in range(tt.size - 1):
        s = step_cascade(s, a[k], n[k], DT_H, rules)
        peak = max(peak, float(s.synaptic_protein[0]))
    return peak


def nbqx_brain_um(species: str, ke0: str, ratio: float, t_h: np.ndarray) -> np.ndarray:
    """Brain NBQX (uM) after 10 mg/kg i.p. at t = 0 with effect-site half-life `ke0`."""
    preset = nbqx_preset(species, {"rat": 0.25, "mouse": 0.02}[species], ke0)
    dose = config_from_dict({"dosing": {"species": species, "doses": [
        {"amount": "10 mg/kg", "route": "intraperitoneal", "drug": "nbqx"}]}}).dosing.doses
    effect_mg_l = pk.body_state(dose, t_h, species, nbqx=preset)["NBQX"][:, 3]
    return effect_mg_l * ratio * 1000.0 / NBQX_MW_G_PER_MOL


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    args = ap.parse_args()
    res = read_results(args.results)
    tl = res.timeline
    rules = cascade_rules(res.config)
    ic50 = res.config.pharmacology.nbqx.ic50_um
    t, ampa, nmda = tl["time_h"], tl["ampa_drive"], tl["nmda_rest"]
    base = protein_peak(t, ampa, nmda, rules)
    print(f"ketamine alone: synaptic protein peak {base:.3f}")
    print("constant AMPA block over 0-12 h:")
    for b in (0.5, 0.64, 0.8, 0.85, 0.9):
        p = protein_peak(t, ampa, nmda, rules, lambda x, b=b: b if x < 12 else 0.0)
        print(f"  block {b:.2f}: protein peak {p:.3f}, excess {(p - 1) / (base - 1):.2f} of ketamine's")
    print("one NBQX dose, 10 mg/kg i.p. 10 min before ketamine (rat):")
    grid = np.arange(-0.5, 24.0, DT_H)
    for ke0 in ("5 min", "15 min", "30 min", "45 min"):
        ratio = ic50 / nbqx_brain_um("mouse", ke0, 1.0, grid).max()
        brain = nbqx_brain_um("rat", ke0, ratio, grid)
        block = brain / (brain + ic50)
        p = protein_peak(t, ampa, nmda, rules, lambda x, block=block: float(np.interp(x + 10 / 60, grid, block)))
        print(f"  ke0 {ke0:>6}: brain:plasma {ratio:.4f}, peak block {block.max():.2f}, "
              f"block at 1 h {np.interp(1 + 10 / 60, grid, block):.2f}, at 2 h "
              f"{np.interp(2 + 10 / 60, grid, block):.2f}; protein peak {p:.3f}, excess "
              f"{(p - 1) / (base - 1):.2f} of ketamine's")


if __name__ == "__main__":
    run_script(main)
