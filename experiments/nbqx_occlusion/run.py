"""NBQX against ketamine's spine increase (Maeng et al. 2008): the rat occlusion experiment, with the published value.

    python experiments/nbqx_occlusion/run.py [--reduced] [--seed N] [--species rat|mouse] [--out DIR]

Runs configs/occlusion.yaml (rat, 21 days of stress, racemic ketamine 10
mg/kg i.p., every blocker in its own arm; the VTA off) and reads the
results file's signatures (``--species mouse``: the same design with the
mouse pharmacokinetics, the species of Maeng et al. 2008): for each
blocker arm, the fraction of
ketamine's 24-h spine rise over vehicle that remains, and for NBQX and
rapamycin the fraction of the glutamate excess kept. Maeng et al. 2008
(Biol Psychiatry 63:349): NBQX pretreatment (10 mg/kg i.p.) abolished
ketamine's antidepressant-like effect, and (SCIENCE.md item 10) cutting a
link downstream of the surge leaves the surge intact. Draws
``nbqx_occlusion.png``; ``window.py`` asks how much AMPA block, for how
long, the cascade would need.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import circuitsim
from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.analysis.signatures import ABOLISHED_FRACTION, SURGE_KEPT_FRACTION
from circuitsim.cli import run_script
from circuitsim.engine.arms import arm_configs
from circuitsim.plots._common import new_figure, save

VEHICLE = "stress, vehicle"
AFTER_H = (0.5, 1.0, 2.0)


def early_cascade(res, arms=("+ NBQX", "+ NBQX held", "+ rapamycin"), after_h=AFTER_H) -> dict[str, list[float]]:
    """mTORC1's excess over the vehicle at `after_h` after the ketamine dose, as a fraction of ketamine's alone.

    Li et al. 2010 measured mTOR phosphorylation within 30-60 min of the
    dose; the spine signature is read at 24 h. Each arm's ketamine dose
    time comes from its config (NBQX goes first).
    """
    configs = arm_configs(res.config)

    def ketamine_h(cfg) -> float:
        return next(d.start_s for d in cfg.dosing.doses if d.drug != "nbqx") / 3600.0

    def excess(series, start_h: float) -> np.ndarray:
        veh = res.days["arms"][VEHICLE]
        t = start_h + np.asarray(after_h)
        return (np.interp(t, series["time_h"], series["mtorc1"])
                - np.interp(t, veh["time_h"], veh["mtorc1"]))

    alone = excess(res.timeline, ketamine_h(res.config))
    return {name: list(excess(res.days["arms"][name], ketamine_h(configs[name])) / alone)
            for name in arms if name in res.days["arms"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true", help="the circuit of `circuitsim validate`")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--species", choices=["rat", "mouse"], default="rat",
                    help="pharmacokinetics of ketamine and NBQX (default: rat, as Li et al. 2010)")
    ap.add_argument("--out", default="results/experiments/nbqx_occlusion")
    args = ap.parse_args()
    sets = [*(REDUCED_CIRCUIT if args.reduced else ()), "circuit.vta.enabled=false", f"seed={args.seed}",
            f"dosing.species={args.species}"]
    suffix = "" if args.species == "rat" else f"_{args.species}"
    sets.append(f"output.name=occlusion{suffix}")
    res = circuitsim.run(circuitsim.load_config("occlusion", sets), args.out, figures=False, progress=True)
    sigs = res.days["signatures"]
    remains = [(s.name.split(":")[0], s.measured) for s in sigs if s.name.endswith("abolishes the 24-h increase")]
    kept = [(s.name.split(":")[0], s.measured) for s in sigs if s.name.endswith("glutamate surge intact")]
    for s in sigs:
        print(f"{'pass' if s.passed else 'FAIL'}  {s.name}: {s.measured:.4g} {s.unit} (target {s.target}; {s.source})")
    print("mTORC1 excess over the stress vehicle, fraction of ketamine alone's, at "
          + ", ".join(f"{h:g} h" for h in AFTER_H) + " after the ketamine dose (Li et al. 2010: NBQX blocked it):")
    for name, fractions in early_cascade(res).items():
        print(f"    {name}: " + ", ".join(f"{f:.2f}" for f in fractions))
    fig = new_figure(10.0, 4.0)
    ax, ax_r = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
    names = [n for n, _ in remains]
    colors = ["tab:orange" if "NBQX" in n else "0.55" for n in names]
    ax.bar(range(len(remains)), [v for _, v in remains], color=colors)
    ax.axhspan(min(-0.05, *[v for _, v in remains]) - 0.05, ABOLISHED_FRACTION, color="tab:green", alpha=0.15,
               label=f"abolished (<= {ABOLISHED_FRACTION:g}); published for NBQX: Maeng et al. 2008")
    ax.axhline(1.0, color="0.3", lw=0.8, ls=":", label="ketamine alone")
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=7)
    ax.set_ylabel("24-h spine rise over vehicle, fraction of ketamine's")
    ax.set_ylim(top=1.35)
    ax.legend(fontsize=7, frameon=False, loc="upper right")
    ax_r.bar(range(len(kept)), [v for _, v in kept], color="tab:blue")
    ax_r.axhspan(SURGE_KEPT_FRACTION, 1.2, color="tab:green", alpha=0.15, label="surge intact (SCIENCE.md item 10)")
    ax_r.set_xticks(range(len(kept)), [n for n, _ in kept], rotation=30, ha="right", fontsize=7)
    ax_r.set_ylabel("glutamate excess kept, fraction of ketamine's")
    ax_r.set_ylim(0, 1.2)
    ax_r.legend(fontsize=7, frameon=False, loc="lower right")
    fig.suptitle(f"Blockers of ketamine's spine increase, {args.species} (seed {args.seed}): simulated vs published",
                 fontsize=9)
    print(save(fig, Path(args.out) / f"nbqx_occlusion{suffix}.png"))


if __name__ == "__main__":
    run_script(main)
