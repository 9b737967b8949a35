"""Fast-stage speed: simulated seconds per wall second, event-driven NMDA vs per-synapse ODEs.

Both formulations run the default circuit (4000 + 1000 cells, p = 0.1,
baseline drive, no drug) in the same process, after a warm-up run of each
that pays for code generation and compilation, so the ratio compares
simulation alone. The reference is the Brunel-Wang example's formulation:
dx/dt and ds/dt integrated on every E synapse at every step and summed onto
the target.

    python benchmarks/fast_stage.py [--seconds 2] [--reference-seconds 0.5] [--set key=value ...]

Last line: RESULT key=value ...
"""

from __future__ import annotations

import argparse
import time

from circuitsim.config import config_from_dict
from circuitsim.network.circuit import simulate_sample


def run(formulation: str, seconds: float, overrides: list[str]) -> tuple[float, float]:
    cfg = config_from_dict({}, [f"protocol.epochs=[{{name: baseline, duration: {seconds} s}}]", *overrides])
    t0 = time.perf_counter()
    s = simulate_sample(cfg, formulation=formulation)
    return s.wall_run_s, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0, help="simulated time, event formulation")
    ap.add_argument("--reference-seconds", type=float, default=0.5, help="simulated time, reference")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ns = ap.parse_args()
    # Warm-up (code generation and compilation) of both formulations, not
    # measured. Same durations as the measured runs: the drug TimedArray's
    # length is part of the generated code, so another duration recompiles.
    run("event", ns.seconds, ns.overrides)
    run("per_synapse_ode", ns.reference_seconds, ns.overrides)
    ev_run, ev_total = run("event", ns.seconds, ns.overrides)
    ref_run, ref_total = run("per_synapse_ode", ns.reference_seconds, ns.overrides)
    ev_speed = ns.seconds / ev_run
    ref_speed = ns.reference_seconds / ref_run
    print(f"event-driven NMDA:   {ns.seconds:g} s simulated in {ev_run:.2f} s run ({ev_total:.2f} s with build)")
    print(f"per-synapse NMDA ODE: {ns.reference_seconds:g} s simulated in {ref_run:.2f} s run ({ref_total:.2f} s with build)")
    print(f"RESULT event_sim_s_per_wall_s={ev_speed:.4f} reference_sim_s_per_wall_s={ref_speed:.4f} "
          f"speedup={ev_speed / ref_speed:.2f} realtime_factor={ev_speed:.3f}")


if __name__ == "__main__":
    main()
