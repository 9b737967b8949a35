"""Probe one parameter set on the reduced circuit: the calibration measures in ~15 s.

The reduced circuit (1000 + 250 cells, p = 0.4) keeps the default in-degrees
(400 E and 100 I inputs per cell), so the mean input of every cell is that of
the full circuit; only the shared-input correlations differ. It is what the
session-2 search used (docs/calibration.md, "What was tried"); the full
circuit over 5 seeds (calibrate.py) is the check.

    python experiments/calibration/probe.py [--seed 1] [--set key=value ...]

Prints baseline rates and CV, the changes at 0.8 uM and 10 uM, and a
synchrony index (s.d./mean of the pyramidal spike count in 50 ms bins; above
~0.4 the circuit is in population bursts, not asynchronous). Last line:
RESULT key=value ...
"""

from __future__ import annotations

import argparse

import numpy as np

from circuitsim.analysis.calibration import REDUCED_CIRCUIT, calibration_protocol, signatures
from circuitsim.cli import run_script
from circuitsim.config import config_from_dict
from circuitsim.engine.measures import analyse
from circuitsim.network.simulate import simulate_config

REDUCED = list(REDUCED_CIRCUIT)
PROTOCOL = calibration_protocol()


def synchrony(t_s: np.ndarray, t0: float, t1: float, bin_s: float = 0.05) -> float:
    """s.d./mean of the population spike count in `bin_s` bins between t0 and t1."""
    h, _ = np.histogram(t_s, bins=np.arange(t0, t1 + 1e-9, bin_s))
    return float(h.std() / h.mean()) if h.mean() > 0 else float("nan")


def probe(overrides: list[str], seed: int = 1) -> dict[str, float]:
    cfg = config_from_dict({}, [*REDUCED, *PROTOCOL, f"seed={seed}", *overrides])
    s = simulate_config(cfg)
    a = analyse(cfg, s.spikes, s.n_cells, s.trace_t_s, s.traces)
    v = dict(signatures(a, "baseline", "clinical", "anaesthetic").values)
    t_e = s.spikes["pyramidal"][0]
    for name in ("baseline", "clinical"):
        e = a.epoch(name)
        v[f"synchrony_{name}"] = synchrony(t_e, e.window_start_s, e.stop_s)
    return v


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ns = ap.parse_args(argv)
    v = probe(ns.overrides, ns.seed)
    print("RESULT " + " ".join(f"{k}={x:.3f}" for k, x in v.items()))


if __name__ == "__main__":
    run_script(main)
