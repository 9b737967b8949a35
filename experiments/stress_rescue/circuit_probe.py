"""A circuit that works worse after stress and better after the drug? Rate, co-activity and evoked spread over days.

    python experiments/stress_rescue/circuit_probe.py [--reduced] [--seeds 1 2 3 4 5] [--out DIR] [--reuse]
        [--set KEY=VALUE ...]

Runs the headline experiment (configs/stress_ketamine_7d.yaml: 21 days of
stress, one dose, 7 days) with ``plasticity.circuit_probe`` on and only its
two controls as arms ("control (no stress, vehicle)", "stress, vehicle"),
the VTA off, once per seed, and reads from every drug-free daily check
(issue 18, item 5): the pyramidal rate, the pairwise spike-count
correlation, the synchrony index and the evoked spread
(docs/plasticity.md, "Circuit probe"). Draws ``circuit_probe.png`` (each
measure over days, mean +- SD over seeds, per run) and prints, at days 1
and 7, the two comparisons the issue asks for: stressed vehicle vs
control (stress must lower the measure) and drug vs stressed vehicle (the
drug must restore it), each with its difference in units of the
seed-to-seed SD: the pooled SD of the two groups, and the SD of the
within-seed differences (the runs of a seed share its circuit; the verdict
uses this paired one; with one seed there is none, and the table says so).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import circuitsim
from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.io import read_results
from circuitsim.plots._common import new_figure, save

CONTROL, VEHICLE, DRUG = "control (no stress, vehicle)", "stress, vehicle", "stress + ketamine"
MEASURES = (("rate_pyramidal_hz", "pyramidal rate (Hz)"),
            ("correlation_pyramidal", "pairwise count correlation"),
            ("synchrony_pyramidal", "synchrony index"),
            ("evoked_spread_pyramidal", "evoked spread (spikes/cell/pulse)"))
#: The criterion of the issue: a difference of at least this many seed-to-seed SDs.
N_SD = 3.0


def run_seed(seed: int, sets: list[str], out: Path) -> dict[str, dict]:
    """The checks of the experiment and of its two controls for one seed: run -> {column: array}."""
    cfg = circuitsim.load_config("stress_ketamine_7d", [*sets, f"seed={seed}",
                                                        f"output.name=circuit_probe_seed{seed}"])
    arms = [a for a in cfg.plasticity.arms if a.name in (CONTROL, VEHICLE)]
    cfg = cfg.model_copy(update={"plasticity": cfg.plasticity.model_copy(update={"arms": arms})})
    res = circuitsim.run(cfg, out, figures=False, progress=True)
    return {DRUG: res.days["checks"], **{name: res.days["arms"][name]["checks"] for name in (CONTROL, VEHICLE)}}


def reuse_seed(seed: int, out: Path) -> dict[str, dict]:
    """The checks of one seed from the results file an earlier run wrote."""
    res = read_results(out / f"circuit_probe_seed{seed}.h5")
    return {DRUG: res.days["checks"], **{name: res.days["arms"][name]["checks"] for name in (CONTROL, VEHICLE)}}


def at_day(checks: dict, col: str, day: float) -> float:
    """The check's value at `day` (the check nearest to it, within 1 h)."""
    t = np.asarray(checks["time_h"], dtype=float)
    k = int(np.argmin(np.abs(t - 24 * day)))
    return float(checks[col][k]) if abs(t[k] - 24 * day) <= 1.0 else float("nan")


def comparison(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float, float]:
    """(mean of a - mean of b, pooled seed-to-seed SD, difference in pooled SDs, in paired SDs).

    Unpaired: the pooled SD of the two groups' values over seeds. Paired:
    the runs of one seed share the circuit and the spines before stress,
    so the seed-to-seed noise of the effect is the SD of the within-seed
    differences a_s - b_s. NaN with one seed.
    """
    diff = float(np.mean(a) - np.mean(b))
    if len(a) < 2 or len(b) < 2:
        return diff, float("nan"), float("nan"), float("nan")
    sd = float(np.sqrt(0.5 * (np.var(a, ddof=1) + np.var(b, ddof=1))))
    sd_paired = float(np.std(a - b, ddof=1))

    def ratio(x: float, y: float) -> float:
        return x / y if y > 0 else float("inf") * np.sign(x)

    return diff, sd, ratio(diff, sd), ratio(diff, sd_paired)


def table(per_seed: list[dict]) -> list[str]:
    """The comparisons at days 1 and 7: stressed vehicle below control, drug above stressed vehicle."""
    lines = [f"{'measure':<24}{'day':>4}  {'comparison (a - b)':<24}{'mean a':>11}{'mean b':>11}{'a - b':>11}"
             f"{'SD':>10}{'in SD':>7}{'paired':>8}  >= {N_SD:g} SD (paired)"]
    for col, _label in MEASURES:
        for day in (1, 7):
            vals = {run: np.array([at_day(s[run], col, day) for s in per_seed]) for run in (CONTROL, VEHICLE, DRUG)}
            for name, a, b in (("control - stressed veh", vals[CONTROL], vals[VEHICLE]),
                               ("drug - stressed veh", vals[DRUG], vals[VEHICLE])):
                diff, sd, z, zp = comparison(a, b)
                verdict = "n/a (1 seed)" if np.isnan(sd) else ("yes" if zp >= N_SD else "no")
                lines.append(f"{col:<24}{day:>4}  {name:<24}{np.mean(a):>11.4g}{np.mean(b):>11.4g}"
                             f"{diff:>+11.3g}{sd:>10.2g}{z:>7.2f}{zp:>8.2f}  {verdict}")
    return lines


def figure(per_seed: list[dict], seeds: list[int], path: Path) -> Path:
    """Each measure over days, mean +- SD over the seeds, for the three runs."""
    fig = new_figure(11.0, 7.0)
    axes = fig.subplots(2, 2).ravel()
    colors = {CONTROL: "tab:blue", VEHICLE: "0.4", DRUG: "tab:green"}
    for ax, (col, label) in zip(axes, MEASURES, strict=True):
        for run, color in colors.items():
            t = np.asarray(per_seed[0][run]["time_h"], dtype=float) / 24.0
            after = t >= 0  # from the dose (the check before stress, at -21 d, would squash the week)
            t = t[after]
            ys = np.array([np.asarray(s[run][col], dtype=float)[after] for s in per_seed])
            mean, sd = ys.mean(axis=0), ys.std(axis=0, ddof=1) if len(ys) > 1 else np.zeros(ys.shape[1])
            ax.plot(t, mean, "o-", color=color, lw=1.2, ms=3, label=run)
            ax.fill_between(t, mean - sd, mean + sd, color=color, alpha=0.2, lw=0)
        ax.set_xlabel("time from the dose (days)")
        ax.set_ylabel(label)
    axes[0].legend(fontsize=7, frameon=False)
    fig.suptitle(f"Drug-free circuit over days: mean +- SD over seeds {seeds}", fontsize=9)
    return save(fig, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reduced", action="store_true", help="the reduced circuit of `circuitsim validate`")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--out", default="results/experiments/stress_rescue")
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                    help="a config override (repeatable), e.g. plasticity.circuit_probe.pulses=16")
    ap.add_argument("--reuse", action="store_true",
                    help="read the results files of an earlier run in --out instead of running the seeds")
    args = ap.parse_args()
    sets = [*(REDUCED_CIRCUIT if args.reduced else ()), "circuit.vta.enabled=false", "output.figures=false",
            "plasticity.circuit_probe={}", *args.sets]
    out = Path(args.out)
    per_seed = [reuse_seed(seed, out) if args.reuse else run_seed(seed, sets, out) for seed in args.seeds]
    for line in table(per_seed):
        print(line)
    print(figure(per_seed, args.seeds, out / "circuit_probe.png"))


if __name__ == "__main__":
    run_script(main)
