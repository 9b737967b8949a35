"""Ketamine, memantine and lanicemine at clinical exposures and at matched average NMDA block (issue 21, item 3).

    python experiments/three_blockers/run.py [--reduced] [--seeds N ...] [--out DIR] [--set KEY=VALUE ...] [--reuse]

Runs config.yaml (human, no stress, 24 h, trapping block) once per run:
a vehicle; ketamine, memantine and lanicemine at their clinically used
exposures (CLINICAL; the reasons in config.yaml); then memantine and
lanicemine at the dose that gives ketamine's average NMDA block (the block
over the 24 h and over the cortical cells, pyramidal and interneuron by
cell count). The matching dose comes from each drug's clinical run: its
timeline relates the equivalent concentration to the block, and the dose
scales the concentration (linear pharmacokinetics); the matched run then
measures the block it reached, printed beside the target.

From each results file: the drug's brain peak, the average block of each
population, the interneuron fall and pyramidal rise (disinhibition) and the
glutamate rise at their extremes, the p-eEF2 nadir and BDNF peak (means
over pyramidal neurons, relative to rest), and the spine density at 24 h
over the vehicle's. Each seed runs into ``<out>/seed_<n>`` and prints its
table (also ``table.md`` there); with several seeds, ``<out>/summary.md``
gives each readout's mean and SD over them. Draws
``<out>/three_blockers.png`` (means, SD as error bars). ``--reuse`` reads
existing results files.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import NamedTuple

import numpy as np

import circuitsim
from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.plots._common import new_figure, save

HERE = Path(__file__).resolve().parent
#: Each drug's clinically used exposure (config.yaml says why).
CLINICAL = {
    "ketamine": [{"amount": "0.5 mg/kg", "route": "iv_infusion", "duration": "40 min", "drug": "racemic"}],
    "memantine": [{"amount": "32.5 mg", "route": "iv_infusion", "duration": "60 min", "drug": "memantine"},
                  {"amount": "36.8 mg", "route": "iv_infusion", "duration": "23 h", "start": "1 h",
                   "drug": "memantine"}],
    "lanicemine": [{"amount": "100 mg", "route": "iv_infusion", "duration": "60 min", "drug": "lanicemine"}],
}
VEHICLE = [{"amount": "0 mg/kg", "route": "iv_infusion", "duration": "40 min", "drug": "racemic"}]
COLORS = {"ketamine": "tab:red", "memantine": "tab:blue", "lanicemine": "tab:green"}


class Readout(NamedTuple):
    """What one run gives (module docstring)."""

    name: str
    doses: list
    peak_brain_um: float
    block_pyramidal: float
    block_interneuron: float
    block_cortex: float
    peak_block_pyramidal: float
    peak_block_interneuron: float
    interneuron_change: float
    pyramidal_change: float
    glutamate_change: float
    p_eef2_nadir: float
    bdnf_peak: float
    spines_24h: float


def scaled(doses: list, k: float) -> list:
    """`doses` with every amount multiplied by `k` (amounts as '<number> <unit>')."""
    out = []
    for d in doses:
        value, unit = d["amount"].split(" ", 1)
        out.append({**d, "amount": f"{float(value) * k:.6g} {unit}"})
    return out


def cortex_block(tl, n_pyr: int, n_int: int) -> np.ndarray:
    return (n_pyr * np.asarray(tl["block_pyramidal"]) + n_int * np.asarray(tl["block_interneuron"])) / (n_pyr + n_int)


def day_mean(tl, values) -> float:
    """Mean of `values` over the timeline's first 24 h (its grid is uniform)."""
    t = np.asarray(tl["time_h"], float)
    return float(np.mean(np.asarray(values, float)[(t >= 0) & (t <= 24.0)]))


def run_one(name: str, doses: list, sets: list, out: Path, reuse: bool):
    path = out / f"{name}.h5"
    if reuse and path.exists():
        return circuitsim.open_results(path)
    config = circuitsim.load_config(HERE / "config.yaml", [*sets, f"dosing.doses={json.dumps(doses)}",
                                                           f"output.name={name}"])
    return circuitsim.run(config, out, figures=False, progress=True)


def readout(name: str, doses: list, res, vehicle_spines: float | None) -> Readout:
    tl = res.timeline
    cfg = res.config
    n_pyr, n_int = cfg.circuit.pyramidal.n, cfg.circuit.interneuron.n
    t = np.asarray(tl["time_h"], float)

    def rel(series: str, extreme) -> float:
        v = np.asarray(tl[series], float)
        return float(extreme(v[t >= 0]) / v[np.argmin(np.abs(t))] - 1.0)

    spines = float(np.interp(24.0, np.asarray(tl["time_h"], float), np.asarray(tl["spine_density_rel"], float)))
    return Readout(
        name=name, doses=doses, peak_brain_um=peak_brain_um(res),
        block_pyramidal=day_mean(tl, tl["block_pyramidal"]), block_interneuron=day_mean(tl, tl["block_interneuron"]),
        block_cortex=day_mean(tl, cortex_block(tl, n_pyr, n_int)),
        peak_block_pyramidal=float(np.max(tl["block_pyramidal"])),
        peak_block_interneuron=float(np.max(tl["block_interneuron"])),
        interneuron_change=rel("rate_interneuron_hz", np.min), pyramidal_change=rel("rate_pyramidal_hz", np.max),
        glutamate_change=float(np.max(np.asarray(tl["glutamate_rel"], float)[t >= 0]) - 1.0),
        p_eef2_nadir=float(np.min(np.asarray(tl["p_eef2"], float)[t >= 0])),
        bdnf_peak=float(np.max(np.asarray(tl["bdnf"], float)[t >= 0])),
        spines_24h=spines - (vehicle_spines if vehicle_spines is not None else spines))


def peak_brain_um(res) -> float:
    """The dosed drug's brain peak (uM): ketamine's S + R, or the other drug's brain series."""
    tl = res.timeline
    brain = [k for k in tl if k.startswith("brain_") and k.endswith("_um")]
    if "brain_s_um" in tl and float(np.max(tl["brain_s_um"])) > 0:
        return float(np.max(np.asarray(tl["brain_s_um"]) + np.asarray(tl["brain_r_um"])))
    others = [k for k in brain if k not in ("brain_s_um", "brain_r_um")]
    return max((float(np.max(tl[k])) for k in others), default=0.0)


def matching_scale(res, target: float) -> float:
    """The factor on a drug's clinical doses that gives its cortex a 24-h average block of `target`.

    Its clinical timeline gives the block as a function of the equivalent
    concentration (its states; linear between them, and beyond the largest
    along the last two); the factor scales the concentration.
    """
    tl = res.timeline
    cfg = res.config
    eff = np.asarray(tl["effective_um"], float)
    block = cortex_block(tl, cfg.circuit.pyramidal.n, cfg.circuit.interneuron.n)
    order = np.argsort(eff)
    x, y = np.unique(eff[order], return_index=True)
    y = block[order][y]

    def f(c: np.ndarray) -> np.ndarray:
        inside = np.interp(c, x, y)
        slope = (y[-1] - y[-2]) / (x[-1] - x[-2])
        return np.where(c > x[-1], y[-1] + slope * (c - x[-1]), inside)

    lo, hi = 1e-4, 1.0
    while day_mean(tl, f(hi * eff)) < target:
        hi *= 2.0
    for _ in range(60):
        mid = np.sqrt(lo * hi)
        lo, hi = (mid, hi) if day_mean(tl, f(mid * eff)) < target else (lo, mid)
    return float(np.sqrt(lo * hi))


def table(rows: list[Readout]) -> str:
    head = ("| run | doses | brain peak (uM) | peak block pyr / int | 24-h block pyr / int / cortex "
            "| interneuron rate | pyramidal rate | glutamate | p-eEF2 nadir | BDNF peak | spines at 24 h over vehicle |")
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        dose = "; ".join(f"{d['amount']} {d['drug']} over {d.get('duration', '-')}" for d in r.doses)
        lines.append(f"| {r.name} | {dose} | {r.peak_brain_um:.3f} | {r.peak_block_pyramidal:.3f} / "
                     f"{r.peak_block_interneuron:.3f} | {r.block_pyramidal:.4f} / "
                     f"{r.block_interneuron:.4f} / {r.block_cortex:.4f} | {r.interneuron_change:+.3f} | "
                     f"{r.pyramidal_change:+.3f} | {r.glutamate_change:+.3f} | {r.p_eef2_nadir:.3f} | "
                     f"{r.bdnf_peak:.3f} | {r.spines_24h:+.4f} |")
    return "\n".join(lines)


#: The readouts of the summary and the figure: (field, label, format).
SUMMARY = (("block_cortex", "24-h average block, cortex", ".4f"),
           ("peak_block_pyramidal", "peak block, pyramidal", ".3f"),
           ("peak_block_interneuron", "peak block, interneuron", ".3f"),
           ("interneuron_change", "interneuron rate, extreme change", "+.3f"),
           ("pyramidal_change", "pyramidal rate, extreme change", "+.3f"),
           ("glutamate_change", "glutamate, peak change", "+.3f"),
           ("p_eef2_nadir", "p-eEF2 nadir (of rest)", ".3f"),
           ("bdnf_peak", "BDNF peak (of rest)", ".3f"),
           ("spines_24h", "spines at 24 h over vehicle", "+.4f"))


def summary(per_seed: list[list[Readout]]) -> str:
    """Mean +- SD over seeds of every readout, one row per run."""
    names = [r.name for r in per_seed[0]]
    lines = ["| run | " + " | ".join(label for _f, label, _fmt in SUMMARY) + " |", "|" + "---|" * (len(SUMMARY) + 1)]
    for k, name in enumerate(names):
        cells = []
        for field, _label, fmt in SUMMARY:
            v = np.array([getattr(rows[k], field) for rows in per_seed])
            cells.append(f"{v.mean():{fmt}} +- {v.std(ddof=1) if len(v) > 1 else 0.0:.{fmt[-2]}f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def draw(per_seed: list[list[Readout]], out: Path, title: str) -> Path:
    rows = per_seed[0]
    fig = new_figure(11.0, 4.0)
    axes = fig.subplots(1, 4)
    names = [r.name for r in rows]
    colors = [COLORS[r.name.split(",")[0]] for r in rows]
    hatches = ["" if "clinical" in r.name else "//" for r in rows]
    panels = [(f, label) for f, label, _fmt in SUMMARY if f in ("block_cortex", "interneuron_change", "p_eef2_nadir",
                                                                 "spines_24h")]
    for ax, (field, label) in zip(axes, panels, strict=True):
        v = np.array([[getattr(r, field) for r in seed_rows] for seed_rows in per_seed])
        bars = ax.bar(range(len(rows)), v.mean(axis=0), yerr=v.std(axis=0, ddof=1) if len(v) > 1 else None,
                      color=colors, capsize=2)
        for bar, h in zip(bars, hatches, strict=True):
            bar.set_hatch(h)
        ax.set_xticks(range(len(rows)), names, fontsize=6, rotation=35, ha="right")
        ax.set_title(label, fontsize=8)
        ax.axhline(0.0, color="0.3", lw=0.6)
    fig.suptitle(title, fontsize=9)
    return save(fig, out / "three_blockers.png")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true", help="the circuit of `circuitsim validate`")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--out", default="results/experiments/three_blockers")
    ap.add_argument("--set", action="append", default=[], dest="sets", metavar="KEY=VALUE")
    ap.add_argument("--reuse", action="store_true", help="read the results files a previous run wrote")
    args = ap.parse_args()
    out = Path(args.out)
    per_seed = []
    for seed in args.seeds:
        sets = [*(REDUCED_CIRCUIT if args.reduced else ()), f"seed={seed}", *args.sets]
        per_seed.append(one_seed(sets, out / f"seed_{seed}", args.reuse))
    if len(per_seed) > 1:
        text = summary(per_seed)
        print(text)
        (out / "summary.md").write_text(text + "\n")
    block_model = circuitsim.open_results(out / f"seed_{args.seeds[0]}" / "vehicle.h5").config.pharmacology.block_model
    print(draw(per_seed, out, f"Three NMDA blockers, human, 24 h ({block_model} block, seed{'s' * (len(args.seeds) > 1)} "
                              f"{' '.join(map(str, args.seeds))}); plain: clinical exposure, hatched: "
                              "ketamine's average block"))


def one_seed(sets: list[str], out: Path, reuse: bool) -> list[Readout]:
    """Every run of one seed into `out`; prints and writes its table."""
    vehicle = run_one("vehicle", VEHICLE, sets, out, reuse)
    tl_v = vehicle.timeline
    v_spines = float(np.interp(24.0, np.asarray(tl_v["time_h"], float), np.asarray(tl_v["spine_density_rel"], float)))
    rows, results = [], {}
    for drug, doses in CLINICAL.items():
        results[drug] = run_one(f"{drug}_clinical", doses, sets, out, reuse)
        rows.append(readout(f"{drug}, clinical", doses, results[drug], v_spines))
    target = rows[0].block_cortex
    for drug in ("memantine", "lanicemine"):
        k = matching_scale(results[drug], target)
        doses = scaled(CLINICAL[drug], k)
        print(f"{out.name}: {drug} x{k:.4g} of the clinical doses for ketamine's 24-h cortical block {target:.4f}")
        rows.append(readout(f"{drug}, matched", doses, run_one(f"{drug}_matched", doses, sets, out, reuse), v_spines))
    text = table(rows)
    print(text)
    (out / "table.md").write_text(text + "\n")
    return rows


if __name__ == "__main__":
    run_script(main)
