"""eEF2 and BDNF: ketamine dephosphorylates eEF2 and raises BDNF within 30 min; no effect without BDNF (Autry et al. 2011).

    python experiments/eef2_bdnf/run.py [--reduced] [--seed N] [--out DIR]

Runs experiments/eef2_bdnf/config.yaml (mouse, racemic ketamine 3 mg/kg
i.p.; arms: vehicle, BDNF knockout, an eEF2 kinase inhibitor without
ketamine; the VTA off) and reads from the results file:

* p-eEF2 and BDNF (means over pyramidal neurons, relative to rest) at
  30 min, and the time p-eEF2 first covers half of its fall;
* the 24-h spine rise over vehicle of ketamine, of ketamine in the BDNF
  knockout, and of the eEF2 kinase inhibitor alone.

Autry et al. 2011 (Nature 475:91), mouse: p-eEF2 falls and BDNF protein
rises within 30 min of ketamine; the antidepressant-like effect is absent
in BDNF knockouts; eEF2 kinase inhibitors mimic it. Draws ``eef2_bdnf.png``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import circuitsim
from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.analysis.signatures import MIN_RISE
from circuitsim.cli import run_script
from circuitsim.plots._common import new_figure, save

HERE = Path(__file__).resolve().parent
PUBLISHED_WINDOW_H = 0.5  # p-eEF2 down and BDNF up 30 min after ketamine (Autry et al. 2011)


def at(series, name: str, h: float) -> float:
    return float(np.interp(h, np.asarray(series["time_h"], float), np.asarray(series[name], float)))


def rise(series, hours: float = 24.0) -> float:
    return at(series, "spine_density_rel", hours) - at(series, "spine_density_rel", 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true", help="the circuit of `circuitsim validate`")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="results/experiments/eef2_bdnf")
    args = ap.parse_args()
    sets = [*(REDUCED_CIRCUIT if args.reduced else ()), "circuit.vta.enabled=false", f"seed={args.seed}"]
    res = circuitsim.run(circuitsim.load_config(HERE / "config.yaml", sets), args.out, figures=False, progress=True)
    tl, arms = res.timeline, res.days["arms"]
    t = np.asarray(tl["time_h"], float)
    p = np.asarray(tl["p_eef2"], float)
    after = t >= 0
    fall = 1.0 - p[after].min()
    half_h = float(t[after][np.argmax(1.0 - p[after] >= 0.5 * fall)])
    p30, b30 = at(tl, "p_eef2", PUBLISHED_WINDOW_H), at(tl, "bdnf", PUBLISHED_WINDOW_H)
    print(f"p-eEF2 at 30 min: {p30:.3f} of rest (published: down); half of its fall at {half_h * 60:.0f} min")
    print(f"BDNF at 30 min: {b30:.3f} of rest (published: up); peak {np.max(tl['bdnf']):.3f}")
    base = rise(arms["vehicle"])
    rises = {"ketamine": rise(tl) - base, "BDNF knockout": rise(arms["BDNF knockout"]) - base,
             "eEF2K inhibitor\nno ketamine": rise(arms["eEF2K inhibitor, no ketamine"]) - base}
    for name, value in rises.items():
        print(f"24-h spine rise over vehicle, {name.replace(chr(10), ', ')}: {value:+.4f}")
    fig = new_figure(10.0, 4.0)
    ax, ax_r = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
    sel = (t >= -0.5) & (t <= 6)
    # Ketamine drawn last: in the knockout p-eEF2 falls as with ketamine (the knockout is downstream).
    for series, label, color in ((arms["BDNF knockout"], "BDNF knockout", "tab:purple"),
                                 (arms["eEF2K inhibitor, no ketamine"], "eEF2K inhibitor", "tab:green"),
                                 (tl, "ketamine", "tab:red")):
        ts = np.asarray(series["time_h"], float)
        s = (ts >= -0.5) & (ts <= 6)
        ax.plot(ts[s], np.asarray(series["p_eef2"])[s], color=color, lw=1.3, label=f"p-eEF2, {label}")
        ax.plot(ts[s], np.asarray(series["bdnf"])[s], color=color, lw=1.0, ls="--", label=f"BDNF, {label}")
    ax.axvspan(0, PUBLISHED_WINDOW_H, color="tab:orange", alpha=0.12, label="p-eEF2 down, BDNF up by 30 min (Autry 2011)")
    ax.axhline(1.0, color="0.4", lw=0.6, ls=":")
    ax.set_xlim(t[sel][0], t[sel][-1])
    ax.set_xlabel("time from the dose (h)")
    ax.set_ylabel("relative to rest")
    ax.legend(fontsize=6.5, frameon=False, ncol=2, loc="upper right")
    names = list(rises)
    ax_r.bar(range(len(names)), list(rises.values()), color=["tab:red", "tab:purple", "tab:green"])
    ax_r.axhline(MIN_RISE, color="tab:green", lw=0.8, ls="--", label=f"an increase (>= {MIN_RISE:g})")
    ax_r.axhline(0.0, color="0.3", lw=0.8)
    ax_r.set_xticks(range(len(names)), ["ketamine", "BDNF KO\n(published: none)", "eEF2K inhibitor\n(published: mimics)"],
                    fontsize=7)
    ax_r.set_ylabel("24-h spine rise over vehicle")
    ax_r.legend(fontsize=7, frameon=False)
    fig.suptitle(f"eEF2 and BDNF, mouse 3 mg/kg i.p. (seed {args.seed}): simulated vs Autry et al. 2011", fontsize=9)
    print(save(fig, Path(args.out) / "eef2_bdnf.png"))


if __name__ == "__main__":
    run_script(main)
