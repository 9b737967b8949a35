"""Circuit scaling: wall time per simulated second and peak memory as the circuit grows at fixed in-degree.

Each size is the default circuit with N cells in all (4:1 pyramidal to
interneurons) and every connection probability scaled by 4000 / N_E, so
that every cell keeps the calibrated in-degree (400 excitatory and 100
inhibitory inputs; the VTA's 400 prefrontal inputs per cell likewise):
the synapse count grows linearly with N. Per size, two fresh processes run
the drug-free circuit (cpp_standalone, 1 thread unless ``--threads``) for
``--seconds``: the first builds and compiles (not measured), the second
finds the build and is measured:

* ``run``: the binary's own ``network.run`` (simulated s per wall s);
* ``binary``: the whole binary (loading arrays, creating synapses, running,
  writing results);
* ``peak memory``: the larger of the measuring Python process (drawing the
  connectivity, handing the arrays to Brian2) and its children (the
  binary: make compiles nothing in the measured run), from ``getrusage``.
  A forked child starts with the parent's resident pages, so the
  children's figure is never below the parent's at the fork: the peak is
  that of the whole job, which is what a user must provide.

    python benchmarks/circuit_scaling.py [--sizes 5000 10000 20000 50000] [--seconds 1] [--threads 1]

Last line: RESULT key=value ... (per size: ``sim_s_per_wall_s_<N>``,
``peak_gb_<N>``; ``run_cost_exponent``: the slope of log(run wall per
simulated s) against log(synapses) between the smallest and the largest
size).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time

#: The default circuit's pyramidal cells and connection probability (in-degree 400 + 100).
N_E_DEFAULT, P_DEFAULT = 4000, 0.1


def overrides(n_total: int, seconds: float, threads: int) -> list[str]:
    """The default circuit at `n_total` cells with the calibrated in-degree, drug-free for `seconds`."""
    n_e = int(round(0.8 * n_total))
    n_i = n_total - n_e
    p = min(1.0, P_DEFAULT * N_E_DEFAULT / n_e)
    paths = ("e_to_e", "e_to_i", "i_to_e", "i_to_i")
    return [f"circuit.pyramidal.n={n_e}", f"circuit.interneuron.n={n_i}",
            *(f"circuit.{name}.p={p:.6g}" for name in paths),
            f"circuit.vta.pfc_to_dopamine.p={p:.6g}", f"circuit.vta.pfc_to_gaba.p={p:.6g}",
            f"protocol.epochs=[{{name: baseline, duration: {seconds} s}}]",
            "codegen_target=cpp_standalone", f"threads={threads}"]


def one(n_total: int, seconds: float, threads: int) -> dict:
    """Run one size in this process; what it measured, as a dict."""
    from circuitsim.config import config_from_dict
    from circuitsim.network.simulate import simulate_config

    cfg = config_from_dict({}, overrides(n_total, seconds, threads))
    t0 = time.perf_counter()
    s = simulate_config(cfg)
    total = time.perf_counter() - t0
    cc = cfg.circuit
    n_e, n_i = cc.pyramidal.n, cc.interneuron.n
    synapses = (cc.e_to_e.p * n_e * n_e + cc.e_to_i.p * n_e * n_i + cc.i_to_e.p * n_i * n_e
                + cc.i_to_i.p * n_i * n_i)
    kb = 1024.0
    rates = {pop: len(s.spikes[pop][0]) / s.n_cells[pop] / s.duration_s for pop in ("pyramidal", "interneuron")}
    return {"cells": n_total, "synapses": synapses, "run_s": s.wall_run_s,
            "binary_s": s.run_info.get("wall_binary_s", float("nan")), "build_s": s.wall_build_s,
            "total_s": total, "python_peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * kb / 1e9,
            "children_peak_gb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * kb / 1e9,
            "rate_pyramidal_hz": rates["pyramidal"], "rate_interneuron_hz": rates["interneuron"]}


def in_fresh_process(n_total: int, seconds: float, threads: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", str(n_total), "--seconds", str(seconds),
                          "--threads", str(threads)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[5000, 10000, 20000, 50000])
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.seconds, args.threads)))
        return
    rows = []
    print(f"{'cells':>7} {'synapses':>11} {'run s':>8} {'sim s/wall s':>12} {'binary s':>9} {'build s':>8} "
          f"{'peak GB':>8} {'pyr Hz':>7} {'int Hz':>7}", flush=True)
    for n in args.sizes:
        warm = in_fresh_process(n, args.seconds, args.threads)
        r = in_fresh_process(n, args.seconds, args.threads)
        r["cold_build_s"] = warm["build_s"]
        rows.append(r)
        print(f"{n:>7} {r['synapses']:>11.3g} {r['run_s']:>8.2f} {args.seconds / r['run_s']:>12.3f} "
              f"{r['binary_s']:>9.2f} {r['build_s']:>8.1f} {max(r['python_peak_gb'], r['children_peak_gb']):>8.2f} "
              f"{r['rate_pyramidal_hz']:>7.2f} {r['rate_interneuron_hz']:>7.2f}   (cold build {warm['build_s']:.0f} s)",
              flush=True)
    first, last = rows[0], rows[-1]
    exponent = (math.log(last["run_s"] / first["run_s"]) / math.log(last["synapses"] / first["synapses"])
                if len(rows) > 1 else float("nan"))
    fields = " ".join(f"sim_s_per_wall_s_{r['cells']}={args.seconds / r['run_s']:.4f} "
                      f"peak_gb_{r['cells']}={max(r['python_peak_gb'], r['children_peak_gb']):.2f}" for r in rows)
    print(f"RESULT {fields} run_cost_exponent={exponent:.3f} seconds={args.seconds:g} threads={args.threads}")


if __name__ == "__main__":
    main()
