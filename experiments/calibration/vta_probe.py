"""Measure the VTA dopamine branch on the calibration protocol; print a markdown table.

    python experiments/calibration/vta_probe.py [--full] [--seeds 1 2 3] [--workers 2]
        [--wash-tau 2] [--set key=value ...]

Each seed runs the circuit (the reduced circuit of
circuitsim.analysis.calibration.REDUCED_CIRCUIT, VTA included, by default;
``--full``: the default circuit) through the calibration protocol (baseline
3 s, then 0.8 uM and 10 uM washing in with a 2 s time constant) and prints
the VTA measures against their targets (circuitsim.analysis.calibration.
VTA_TARGETS; sources in docs/model.md, "VTA"), the cortical rate changes
that drive the VTA beside them. Last line: RESULT key=value ...
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from circuitsim.analysis.calibration import (
    REDUCED_CIRCUIT,
    VTA_TARGETS,
    calibration_protocol,
    signatures,
    vta_passes,
    vta_signatures,
)
from circuitsim.cli import run_script
from circuitsim.config import config_from_dict
from circuitsim.engine.measures import analyse
from circuitsim.network.simulate import simulate_config

# Reported beside the targets (no band).
EXTRA = {
    "clinical_vta_gaba_change": "VTA GABA-cell rate change at clinical C",
    "clinical_vta_dopamine_rate_change": "dopamine-cell rate change at clinical C",
    "anaesthetic_vta_gaba_change": "VTA GABA-cell rate change at anaesthetic C",
    "dopamine_response_s": "dopamine mean response time, clinical wash-in (s)",
    "concentration_response_s": "concentration mean response time, clinical wash-in (s)",
    "block_response_s": "VTA GABA-cell block mean response time, clinical wash-in (s)",
    "clinical_pyramidal_change": "pyramidal rate change at clinical C",
    "anaesthetic_pyramidal_change": "pyramidal rate change at anaesthetic C",
}


def one_seed(args: tuple[int, list[str]]) -> dict[str, float]:
    seed, overrides = args
    cfg = config_from_dict({}, [*overrides, f"seed={seed}"])
    s = simulate_config(cfg)
    a = analyse(cfg, s.spikes, s.n_cells, s.trace_t_s, s.traces)
    v = vta_signatures(a, "baseline", "clinical", "anaesthetic")
    cortex = signatures(a, "baseline", "clinical", "anaesthetic").values
    v["clinical_pyramidal_change"] = cortex["clinical_pyramidal_change"]
    v["anaesthetic_pyramidal_change"] = cortex["anaesthetic_pyramidal_change"]
    return v


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--full", action="store_true", help="the default circuit, not the reduced one")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--wash-tau", type=float, default=2.0,
                    help="wash-in time constant (s) of the calibration protocol (default 2)")
    ns = ap.parse_args(argv)
    base = [] if ns.full else list(REDUCED_CIRCUIT)
    overrides = [*base, *calibration_protocol(wash_tau_s=ns.wash_tau), *ns.overrides]
    jobs = [(s, overrides) for s in ns.seeds]
    if ns.workers > 1:
        with ProcessPoolExecutor(ns.workers) as ex:
            results = list(ex.map(one_seed, jobs))
    else:
        results = [one_seed(j) for j in jobs]

    circuit = "default (full)" if ns.full else "reduced"
    print(f"circuit: {circuit}; overrides: {ns.overrides or 'none'}\n")
    print("| measure | target | " + " | ".join(f"seed {s}" for s in ns.seeds) + " | all seeds |")
    print("|---|---|" + "---|" * len(ns.seeds) + "---|")
    all_ok = True
    for name, (desc, lo, hi) in VTA_TARGETS.items():
        band = f"{'-inf' if lo is None else f'{lo:g}'} .. {'+inf' if hi is None else f'{hi:g}'}"
        vals = [r.get(name, float("nan")) for r in results]
        oks = [vta_passes(name, v) for v in vals]
        all_ok &= all(oks)
        cells = " | ".join(f"{v:+.3f}{'' if ok else ' ✗'}" for v, ok in zip(vals, oks, strict=True))
        print(f"| {desc} | {band} | {cells} | {'pass' if all(oks) else 'FAIL'} |")
    for name, desc in EXTRA.items():
        cells = " | ".join(f"{r.get(name, float('nan')):+.3f}" for r in results)
        print(f"| ({desc}) | - | {cells} | - |")

    def mean(key: str) -> float:
        return float(np.nanmean([r[key] for r in results]))

    print(f"\nRESULT all_pass={all_ok} circuit={'full' if ns.full else 'reduced'} seeds={len(ns.seeds)} "
          f"baseline_da_hz={mean('baseline_rate_vta_dopamine_hz'):.2f} "
          f"baseline_vta_gaba_hz={mean('baseline_rate_vta_gaba_hz'):.2f} "
          f"clinical_dopamine_change={mean('clinical_dopamine_change'):+.3f} "
          f"anaesthetic_dopamine_change={mean('anaesthetic_dopamine_change'):+.3f} "
          f"dopamine_lag_s={mean('dopamine_lag_s'):+.3f}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    run_script(main)
