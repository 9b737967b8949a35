"""Drug-free co-activity against the strength of the recurrent E->E synapses, healthy and with the stress loss.

    python experiments/stress_rescue/ee_scan.py [--scales 1 3 10] [--seeds 1 2 3] [--full]

For each scale (both E->E conductances, AMPA and NMDA, multiplied; no
recalibration of anything else) and seed: the reduced circuit (``--full``:
the default one), VTA off, 4 s without drug, measured over the last 3 s:
pyramidal and interneuron rates, the mean pairwise spike-count correlation
and the synchrony index of 200 pyramidal cells in 50-ms bins
(circuitsim.engine.coactivity, as the circuit probe measures them); then the
same run with E->E x0.84, the weight that 21 days of stress leave (spine
density 0.840 of healthy, docs/plasticity.md). Issue 18, item 5: how strong
recurrent excitation must be for the stress loss to show in co-activity
(experiments/stress_rescue/README.md).

Last line: RESULT with the mean over seeds of each scale's rates and correlations.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import run_script
from circuitsim.config import config_from_dict
from circuitsim.engine import coactivity as co
from circuitsim.network.simulate import simulate_config

STRESSED = 0.84  # spine density after the stress history (docs/plasticity.md)
START_S, STOP_S, BIN_S, CELLS = 1.0, 4.0, 0.05, 200


def measure(scale: float, seed: int, full: bool) -> tuple[float, float, float, float]:
    """(pyramidal Hz, interneuron Hz, pairwise correlation, synchrony index) with E->E x `scale`."""
    base = config_from_dict({}).circuit.e_to_e
    sets = [*(() if full else REDUCED_CIRCUIT), "circuit.vta.enabled=false", f"seed={seed}",
            f"protocol.epochs=[{{name: baseline, duration: {STOP_S} s}}]",
            f"circuit.e_to_e.g_ampa={base.g_ampa_s * scale * 1e9!r} nS",
            f"circuit.e_to_e.g_nmda={base.g_nmda_s * scale * 1e9!r} nS"]
    s = simulate_config(config_from_dict({}, sets))
    (t, ids), (ti, _) = s.spikes["pyramidal"], s.spikes["interneuron"]
    n, n_i = s.n_cells["pyramidal"], s.n_cells["interneuron"]
    span = STOP_S - START_S
    rate = np.count_nonzero((t >= START_S) & (t < STOP_S)) / n / span
    rate_i = np.count_nonzero((ti >= START_S) & (ti < STOP_S)) / n_i / span
    cells = np.random.default_rng(0).choice(n, min(CELLS, n), replace=False)
    counts = co.spike_counts(t, ids, cells, START_S, STOP_S, BIN_S)
    return rate, rate_i, co.mean_pairwise_correlation(counts), co.synchrony_index(counts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0, 3.0, 10.0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--full", action="store_true", help="the default circuit instead of the reduced one")
    ns = ap.parse_args(argv)
    result = []
    for scale in ns.scales:
        rows = []
        for seed in ns.seeds:
            t0 = time.time()
            h, st = measure(scale, seed, ns.full), measure(scale * STRESSED, seed, ns.full)
            rows.append((*h, *st))
            print(f"E->E x{scale:g} seed {seed}: healthy {h[0]:.2f} Hz, interneurons {h[1]:.1f} Hz, "
                  f"corr {h[2]:+.4f}, sync {h[3]:.2f} | x{STRESSED} {st[0]:.2f} Hz, interneurons {st[1]:.1f} Hz, "
                  f"corr {st[2]:+.4f}, sync {st[3]:.2f} ({time.time() - t0:.0f} s)", flush=True)
        m = np.mean(rows, axis=0)
        result.append(f"rate_x{scale:g}={m[0]:.3f} rate_stressed_x{scale:g}={m[4]:.3f} "
                      f"corr_x{scale:g}={m[2]:+.5f} corr_stressed_x{scale:g}={m[6]:+.5f}")
    print("RESULT " + " ".join(result) + f" seeds={len(ns.seeds)}")
    return 0


if __name__ == "__main__":
    run_script(main)
