"""The inverted U in the rat (Moghaddam et al. 1997): simulate the study's doses, draw them beside its findings.

    python experiments/inverted_u/run.py [--reduced] [--workers 2] [--out DIR]

Runs sweep.yaml (rat, ketamine i.p. at 10, 20, 30, 50 and 200 mg/kg) with
``circuitsim sweep``'s machinery (resumable), then reads every point's
results file and takes the mean of prefrontal glutamate and of the
pyramidal rate over the 2 h after the dose (the study's microdialysis
window), relative to drug-free. Writes ``inverted_u.png`` and prints a table.
``--reduced``: the reduced circuit of circuitsim validate (1000 + 250 cells,
the same inputs per neuron), about 4x faster.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.io import read_results
from circuitsim.plots._common import new_figure, save
from circuitsim.sweep import load_sweep, read_index, run_sweep
from circuitsim.sweep.progress import sweep_progress

HERE = Path(__file__).resolve().parent
#: Moghaddam et al. 1997 (rat mPFC microdialysis, ketamine i.p.): glutamate
#: rose after 10, 20 and 30 mg/kg, did not change after 50 mg/kg and fell
#: after 200 mg/kg (an anaesthetic dose); SCIENCE.md, reference table.
PUBLISHED = {10: "up", 20: "up", 30: "up", 50: "no change", 200: "down"}
WINDOW_H = 2.0


def window_mean(results, name: str) -> float:
    tl = results.timeline
    t = np.asarray(tl["time_h"], float)
    sel = (t >= 0) & (t <= WINDOW_H)
    return float(np.trapezoid(np.asarray(tl[name], float)[sel], t[sel]) / WINDOW_H)


def direction(x: float, tol: float = 0.1) -> str:
    return "up" if x > 1 + tol else "down" if x < 1 - tol else "no change"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="results/experiments/inverted_u")
    args = ap.parse_args()
    sweep = load_sweep(HERE / "sweep.yaml", list(REDUCED_CIRCUIT) if args.reduced else [])
    out = Path(args.out)
    with sweep_progress(sweep, out) as report:
        outcome = run_sweep(sweep, out, workers=args.workers, report=report)
    if not outcome.ok:
        raise SystemExit(f"{outcome.counts} - see {out / 'index.csv'}")
    rows = []
    for row in read_index(out):
        res = read_results(out / row["path"])
        base = res.timeline["rate_pyramidal_hz"][0]
        dose = float(row["dosing.doses.0.amount"].split()[0])
        glu = window_mean(res, "glutamate_rel")
        rate = window_mean(res, "rate_pyramidal_hz") / base
        rows.append((dose, glu, rate, float(np.max(res.timeline["effective_um"]))))
    rows.sort()
    print(f"{'dose (mg/kg)':>12} {'peak brain (uM)':>16} {'glutamate 0-2 h':>16} {'pyramidal 0-2 h':>16} "
          f"{'simulated':>10} {'published':>10}")
    for dose, glu, rate, peak in rows:
        print(f"{dose:>12g} {peak:>16.2f} {glu:>16.2f} {rate:>16.2f} {direction(glu):>10} "
              f"{PUBLISHED[int(dose)]:>10}")
    fig = new_figure(6.5, 4.2)
    ax = fig.subplots()
    doses = np.array([r[0] for r in rows])
    ax.plot(doses, [r[1] for r in rows], "o-", color="tab:green", label="simulated glutamate, mean 0-2 h")
    ax.plot(doses, [r[2] for r in rows], "s--", color="tab:blue", ms=4, label="simulated pyramidal rate")
    ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
    ax.axhspan(0.9, 1.1, color="0.9", zorder=0, label="'no change' band (+-10 %)")
    marker = {"up": ("^", "tab:red"), "no change": ("o", "0.3"), "down": ("v", "tab:purple")}
    top = 1.1 * max(max(r[1] for r in rows), max(r[2] for r in rows), 1.2)
    shown = set()
    for dose, finding in PUBLISHED.items():
        m, c = marker[finding]
        ax.plot([dose], [top], m, color=c, ms=10, label=None if finding in shown else f"published: {finding}")
        shown.add(finding)
    ax.set_ylim(bottom=0, top=1.08 * top)
    ax.set_xscale("log")
    ax.set_xlabel("ketamine i.p. (mg/kg, rat)")
    ax.set_ylabel("relative to drug-free")
    ax.legend(fontsize=7, frameon=False)
    ax.set_title("Inverted U: simulated vs Moghaddam et al. 1997 (direction of the glutamate change)", fontsize=8)
    print(save(fig, out / "inverted_u.png"))


if __name__ == "__main__":
    run_script(main)
