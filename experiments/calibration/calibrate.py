"""Measure the fast-stage calibration targets over several seeds; print a markdown table.

Usage (the command that produced docs/calibration.md's table):

    python experiments/calibration/calibrate.py --seeds 1 2 3 4 5 [--set key=value ...] [--workers 2]
        [--wash-tau 2]

Each seed runs the default circuit through the calibration protocol
(circuitsim.analysis.calibration.calibration_protocol): baseline (3 s),
clinical (0.8 uM) and anaesthetic (10 uM) epochs of 8 s, the concentration
washing in with a 2 s time constant; each epoch is measured after the
analysis transient (0.3 s) and, for the drug epochs, after the wash-in has
settled (3 wash_tau): windows of 2.7, 1.7 and 1.7 s.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from circuitsim.analysis.calibration import TARGETS, calibration_protocol, passes, signatures
from circuitsim.cli import run_script
from circuitsim.config import config_from_dict
from circuitsim.engine.measures import analyse
from circuitsim.network.simulate import simulate_config


def one_seed(args: tuple[int, list[str]]) -> dict[str, float]:
    seed, overrides = args
    cfg = config_from_dict({}, [f"seed={seed}", *overrides])
    s = simulate_config(cfg)
    a = analyse(cfg, s.spikes, s.n_cells, s.trace_t_s, s.traces)
    return signatures(a, "baseline", "clinical", "anaesthetic").values


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--wash-tau", type=float, default=2.0,
                    help="wash-in time constant (s) of the calibration protocol (default 2)")
    ns = ap.parse_args(argv)
    protocol = calibration_protocol(wash_tau_s=ns.wash_tau)
    jobs = [(s, [*protocol, *ns.overrides]) for s in ns.seeds]
    if ns.workers > 1:
        with ProcessPoolExecutor(ns.workers) as ex:
            results = list(ex.map(one_seed, jobs))
    else:
        results = [one_seed(j) for j in jobs]
    head = "| signature | target | " + " | ".join(f"seed {s}" for s in ns.seeds) + " | all seeds |"
    print(head)
    print("|" + "---|" * (len(ns.seeds) + 3))
    all_ok = True
    for name, (desc, lo, hi) in TARGETS.items():
        band = f"{'' if lo is None else f'>= {lo:g}'}{' and ' if lo is not None and hi is not None else ''}{'' if hi is None else f'<= {hi:g}'}"
        vals = [r.get(name, float("nan")) for r in results]
        oks = [passes(name, v) for v in vals]
        all_ok &= all(oks)
        cells = " | ".join(f"{v:+.3f}{'' if ok else ' ✗'}" if "lead" in name
                           else f"{v:+.2f}{'' if ok else ' ✗'}" if "change" in name
                           else f"{v:.2f}{'' if ok else ' ✗'}" for v, ok in zip(vals, oks, strict=True))
        print(f"| {desc} | {band} | {cells} | {'pass' if all(oks) else 'FAIL'} |")
    # For reference, no target: the lead between the half-change crossings of
    # the 50-ms-smoothed rates (noisier; docs/calibration.md).
    cells = " | ".join(f"{r.get('washin_half_change_lead_s', float('nan')):+.3f}" for r in results)
    print(f"| (reference) lead between half-change times (s) | - | {cells} | - |")
    print(f"\nRESULT all_pass={all_ok} seeds={len(ns.seeds)} "
          f"mean_clinical_pyramidal_change={np.nanmean([r['clinical_pyramidal_change'] for r in results]):+.3f} "
          f"mean_clinical_interneuron_change={np.nanmean([r['clinical_interneuron_change'] for r in results]):+.3f}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    run_script(main)
