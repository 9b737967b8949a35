"""The signalling time course after ketamine, with its blockers (Li et al. 2010; Autry et al. 2011).

    python experiments/signalling_time_course/run.py [--reduced] [--out DIR]

Runs configs/occlusion.yaml (rat, 10 mg/kg i.p. after 21 days of stress,
each blocker in its own arm) and reads from its results file the cascade's
time course (p-eEF2, mTORC1, synaptic protein, spine density; means over
pyramidal neurons, relative to rest) and each arm's spine density at 24 h.
Draws them with the published time windows shaded:

* p-eEF2 falls within ~30 min; the effect needs BDNF (absent in BDNF
  knockouts) - Autry et al. 2011;
* mTOR phosphorylation within 30-60 min; synaptic proteins up from ~2 h;
  spine density up at 24 h; rapamycin abolishes it - Li et al. 2010.

Prints, for each, the simulated time (from the file) beside the window.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import circuitsim
from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.plots._common import new_figure, save
from circuitsim.plots.plasticity import CASCADE_STYLE

#: (series, published window in h, description, source)
WINDOWS = (
    ("p_eef2", (0.0, 0.5), "p-eEF2 falls within ~30 min", "Autry et al. 2011"),
    ("mtorc1", (0.5, 1.0), "mTOR phosphorylation within 30-60 min", "Li et al. 2010"),
    ("synaptic_protein", (2.0, 6.0), "synaptic proteins up from ~2 h", "Li et al. 2010"),
)


def half_time(t: np.ndarray, x: np.ndarray) -> float:
    """Time (h, after the dose) at which `x` first covers half of its largest change from rest."""
    after = t >= 0
    dev = np.asarray(x, float)[after] - 1.0
    k = int(np.argmax(np.abs(dev)))
    hit = np.abs(dev) >= 0.5 * abs(dev[k])
    return float(t[after][np.argmax(hit)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true")
    ap.add_argument("--out", default="results/experiments/signalling_time_course")
    args = ap.parse_args()
    sets = [*(REDUCED_CIRCUIT if args.reduced else ()), "circuit.vta.enabled=false", "output.name=signalling"]
    res = circuitsim.run(circuitsim.load_config("occlusion", sets), args.out, figures=False, progress=True)
    tl = res.timeline
    t = np.asarray(tl["time_h"], float)
    fig = new_figure(10.0, 4.2)
    ax, ax_b = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.8, 1]})
    sel = (t >= -0.5) & (t <= 24)
    for name, (label, color) in CASCADE_STYLE.items():
        ax.plot(t[sel], tl[name][sel], color=color, lw=1.3, label=label)
    print(f"{'signal':<42} {'simulated half-change (h)':>26} {'published window (h)':>22}  source")
    for name, (lo, hi), text, src in WINDOWS:
        th = half_time(t, tl[name])
        ax.axvspan(lo, hi, color=CASCADE_STYLE[name][1], alpha=0.12)
        ax.plot([th], [tl[name][np.argmin(abs(t - th))]], "o", color=CASCADE_STYLE[name][1], ms=5)
        print(f"{text:<42} {th:>26.2f} {f'{lo:g}-{hi:g}':>22}  {src}")
    ax.axhline(1.0, color="0.6", lw=0.8, ls=":")
    ax.set_xscale("symlog", linthresh=1.0)
    ax.set_xlim(0.0, 24.0)
    ax.set_xlabel("time after the dose (h; linear to 1 h, then log)")
    ax.set_ylabel("relative to rest")
    ax.legend(fontsize=7, frameon=False, ncols=2)
    ax.set_title("cascade (lines), published windows (shaded), half-change (dots)", fontsize=8)
    d0 = float(np.interp(0.0, t, tl["spine_density_rel"]))
    runs = {"ketamine": float(np.interp(24.0, t, tl["spine_density_rel"])) - d0}
    for name, arm in res.days["arms"].items():
        ta = np.asarray(arm["time_h"], float)
        runs[name] = float(np.interp(24.0, ta, arm["spine_density_rel"]) - np.interp(0.0, ta, arm["spine_density_rel"]))
    names = list(runs)
    ax_b.barh(names, [runs[n] for n in names], color=["tab:green" if n == "ketamine" else "0.6" for n in names])
    ax_b.axvline(0.0, color="0.3", lw=0.8)
    ax_b.set_xlabel("spine density change over 24 h\n(rel. healthy)")
    ax_b.tick_params(axis="y", labelsize=7)
    ax_b.set_title("published: up with ketamine; abolished by\nrapamycin (Li 2010) and BDNF knockout (Autry 2011)",
                   fontsize=7)
    print("24-h spine density change:", {k: round(v, 4) for k, v in runs.items()})
    print(save(fig, Path(args.out) / "signalling_time_course.png"))


if __name__ == "__main__":
    run_script(main)
