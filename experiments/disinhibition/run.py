"""Disinhibition: NMDA blockade silences interneurons first, then pyramidal cells fire more (Homayoun & Moghaddam 2007).

    python experiments/disinhibition/run.py [--reduced] [--seeds 1 2 3] [--out DIR]

Runs the default circuit (the cortex only, as configs/default.yaml) with the
calibration wash-in (baseline, then racemic ketamine 0.8 uM, the clinical
brain concentration, then 10 uM, anaesthetic; circuitsim.analysis.calibration)
and reads from each results file's spikes:

* the fraction of interneurons whose rate falls and of pyramidal cells whose
  rate rises between the baseline window and the 0.8 uM window (per cell,
  from the SONATA spike table);
* the population rates over time, and each population's mean response
  time to the wash-in (the interneuron fall leads the pyramidal rise).

Homayoun & Moghaddam (2007, J Neurosci 27:11496), awake rats, MK-801:
NMDA blockade predominantly decreased the firing of putative fast-spiking
interneurons and, with a delay, increased the firing of the majority of
pyramidal neurons. Draws ``disinhibition.png`` and prints the numbers.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import circuitsim
from circuitsim.analysis.calibration import REDUCED_CIRCUIT, calibration_protocol
from circuitsim.cli import run_script
from circuitsim.plots._common import new_figure, save
from circuitsim.validation import interneurons_first

MAJORITY = 0.5  # "the majority of pyramidal neurons" / "predominantly decreases" interneurons


def cell_rates(res, population: str, t0_s: float, t1_s: float) -> np.ndarray:
    """Rate of every cell of `population` over [t0, t1) s, from the spike table."""
    t_ms, ids = res.spikes[population]
    sel = (t_ms >= 1000 * t0_s) & (t_ms < 1000 * t1_s)
    return np.bincount(ids[sel].astype(np.int64), minlength=res.n_cells[population]) / (t1_s - t0_s)


def measure(res) -> dict[str, float]:
    base = res.epoch(res.baseline_epoch)
    drug = res.epoch("clinical")
    out = {}
    for pop, sign in (("pyramidal", 1), ("interneuron", -1)):
        r0 = cell_rates(res, pop, base.window_start_s, base.stop_s)
        r1 = cell_rates(res, pop, drug.window_start_s, drug.stop_s)
        out[f"{pop}_fraction_{'up' if sign > 0 else 'down'}"] = float(np.mean(sign * (r1 - r0) > 0))
        out[f"{pop}_base_hz"], out[f"{pop}_drug_hz"] = float(r0.mean()), float(r1.mean())
    out["lead_s"] = float(interneurons_first(res)[0].measured)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true", help="the circuit of `circuitsim validate`")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--out", default="results/experiments/disinhibition")
    args = ap.parse_args()
    runs = {}
    for seed in args.seeds:
        sets = [*(REDUCED_CIRCUIT if args.reduced else ()), *calibration_protocol(), f"seed={seed}",
                f"output.name=disinhibition_seed{seed}"]
        runs[seed] = circuitsim.run(circuitsim.load_config("default", sets), args.out, figures=False, progress=True)
    rows = {seed: measure(res) for seed, res in runs.items()}
    for seed, m in rows.items():
        print(f"seed {seed}: interneurons {m['interneuron_base_hz']:.2f} -> {m['interneuron_drug_hz']:.2f} Hz, "
              f"{m['interneuron_fraction_down']:.0%} of cells down; pyramidal {m['pyramidal_base_hz']:.2f} -> "
              f"{m['pyramidal_drug_hz']:.2f} Hz, {m['pyramidal_fraction_up']:.0%} of cells up; "
              f"interneuron fall leads the pyramidal rise by {m['lead_s']:.3f} s")
    res = runs[args.seeds[0]]
    fig = new_figure(10.0, 4.0)
    ax, ax_r = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.8, 1]})
    t = np.asarray(res.time_ms, float) / 1000.0
    for name, label, color in (("rate_pyramidal_hz", "pyramidal", "tab:red"),
                               ("rate_interneuron_hz", "interneurons", "tab:blue")):
        ax.plot(t, res.timeseries[name], color=color, lw=0.9, label=label)
    for e in res.epochs:
        if e.name != res.baseline_epoch:
            ax.axvline(e.start_s, color="0.5", lw=0.6, ls=":")
            ax.text(e.start_s, ax.get_ylim()[1], f" {e.concentration_um:g} uM", fontsize=7, va="top")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("population rate (Hz)")
    ax.set_title(f"seed {args.seeds[0]}: wash-in of racemic ketamine", fontsize=8)
    ax.legend(fontsize=7, frameon=False, loc="center left")
    keys = (("interneuron_fraction_down", "interneurons\nfiring less"), ("pyramidal_fraction_up", "pyramidal\nfiring more"))
    for k, (key, _label) in enumerate(keys):
        vals = [m[key] for m in rows.values()]
        ax_r.bar(k, np.mean(vals), color="tab:blue" if k == 0 else "tab:red", alpha=0.6)
        ax_r.scatter([k] * len(vals), vals, color="k", s=10, zorder=3)
    ax_r.axhline(MAJORITY, color="tab:green", lw=1.0, ls="--", label="published: the majority (> 50 %)")
    ax_r.set_xticks([0, 1], [label for _, label in keys], fontsize=8)
    ax_r.set_ylim(0, 1.05)
    ax_r.set_ylabel("fraction of cells at 0.8 uM vs baseline")
    ax_r.legend(fontsize=7, frameon=False, loc="lower right")
    fig.suptitle("Disinhibition: simulated vs Homayoun & Moghaddam 2007 (awake rat PFC)", fontsize=9)
    print(save(fig, Path(args.out) / "disinhibition.png"))


if __name__ == "__main__":
    run_script(main)
