"""S- versus R-ketamine (Ebert et al. 1997): simulate the crossover, draw the potency ratio beside the published one.

    python experiments/enantiomers/run.py [--reduced] [--out DIR]

Runs config.yaml (one subject: racemic, esketamine and arketamine at the
same 0.5 mg/kg i.v. over 40 min, 48 h apart) and measures, from the results
file, the potency ratio of the two enantiomers on each population's NMDA
receptors (circuitsim.validation.enantiomer_potency: at each
session's peak, the half-block concentration c (1/b - 1)^(1/n)), beside the
published ratio of their affinities at the rat brain NMDA receptor:
Ki 0.3 uM (S) and 1.4 uM (R), 4.7x (Ebert et al. 1997). Writes
``enantiomers.png`` (block over time by session; the ratios) and prints them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import circuitsim
from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.plots._common import INTERNEURON_COLOR, PYRAMIDAL_COLOR, new_figure, save
from circuitsim.validation import enantiomer_potency

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true")
    ap.add_argument("--out", default="results/experiments/enantiomers")
    args = ap.parse_args()
    config = circuitsim.load_config(HERE / "config.yaml", list(REDUCED_CIRCUIT) if args.reduced else [])
    res = circuitsim.run(config, args.out, figures=False, progress=True)
    sigs = enantiomer_potency(res)
    # Ebert et al. 1997 (Eur J Pharmacol 333:99), [3H]MK-801 binding in rat
    # brain: the config's affinities (pharmacology.enantiomers).
    ki = config.pharmacology.enantiomers
    published = ki.ki_r_um / ki.ki_s_um
    for s in sigs:
        print(f"{s.name}: {s.measured:.2f} (published Ki ratio {published:.2f})")
    tl = res.timeline
    t = np.asarray(tl["time_h"], float)
    fig = new_figure(9.0, 3.8)
    ax_t, ax_r = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
    ax_t.plot(t, tl["block_pyramidal"], color=PYRAMIDAL_COLOR, lw=1.2, label="pyramidal")
    ax_t.plot(t, tl["block_interneuron"], color=INTERNEURON_COLOR, lw=1.2, label="interneuron")
    for start, drug in zip(res.timeline_info["doses"]["start_h"], res.timeline_info["doses"]["drug"],
                           strict=True):
        ax_t.axvline(start, color="0.6", lw=0.8, ls=":")
        ax_t.text(start + 0.3, ax_t.get_ylim()[1] * 0.92, str(drug), fontsize=8)
    ax_t.set_xlabel("time (h)")
    ax_t.set_ylabel("NMDA block (fraction)")
    ax_t.legend(fontsize=7, frameon=False, loc="center right")
    labels = ["published\n(Ki ratio)", "simulated\npyramidal", "simulated\ninterneuron"]
    values = [published, sigs[0].measured, sigs[1].measured]
    ax_r.bar(labels, values, color=["0.5", PYRAMIDAL_COLOR, INTERNEURON_COLOR])
    ax_r.axhspan(4.0, 5.0, color="0.9", zorder=0, label="~4-5x (SCIENCE.md)")
    ax_r.set_ylabel("potency, S over R (x)")
    ax_r.legend(fontsize=7, frameon=False)
    fig.suptitle("S- vs R-ketamine at equal doses: simulated vs Ebert et al. 1997", fontsize=9)
    print(save(fig, Path(args.out) / "enantiomers.png"))


if __name__ == "__main__":
    run_script(main)
