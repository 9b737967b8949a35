"""Where the fast stage's time goes: Brian2's per-code-object profile of the default circuit, by kind of work.

The default circuit (4000 + 1000 cells, drug-free, the VTA as configured)
is built as circuitsim builds it (:func:`circuitsim.network.build.build_network`)
on the C++ standalone device, 1 thread, in a fresh build directory, and run
with Brian2's profiling on; the time of every code object is summed into:

* ``neuron_update``: state updaters, thresholds, resets of the neuron groups;
* ``propagation``: the synapses' ``on_pre`` code and the spike queues (push);
* ``poisson_events``: the external drive (the ``external`` event of every
  cell: its threshold, reset and the synapses it triggers);
* ``monitors``: spike and state monitors;
* ``other``: the rest (timed arrays, clocks).

    python benchmarks/fast_stage_profile.py [--seconds 2] [--set key=value ...]

Last line: RESULT with each share of the profiled time, the profiled time
per simulated second and the run's own simulated s per wall s.
"""

from __future__ import annotations

import argparse
import tempfile
import time

CATEGORIES = ("neuron_update", "propagation", "poisson_events", "monitors", "other")


def category(name: str) -> str:
    """The kind of work of the code object `name` (Brian2's naming: ``<owner>_<kind>_codeobject``)."""
    n = name.lower()
    if "monitor" in n or n.startswith(("spikes_", "trace_")):
        return "monitors"
    if "external" in n or "ext" in n.split("_"):
        return "poisson_events"
    if n.startswith("syn") or "push_spikes" in n or "synapses" in n:
        return "propagation"
    if any(k in n for k in ("stateupdater", "thresholder", "resetter", "spike_thresholder", "spike_resetter")):
        return "neuron_update"
    return "other"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    args = ap.parse_args()

    import brian2 as b2

    from circuitsim.config import config_from_dict
    from circuitsim.network.build import build_network
    from circuitsim.network.inputs import CircuitSpec, DrugInput
    from circuitsim.network.standalone import standalone_device

    cfg = config_from_dict({}, [f"protocol.epochs=[{{name: baseline, duration: {args.seconds} s}}]",
                                *args.overrides])
    b2.start_scope()
    with tempfile.TemporaryDirectory() as tmp, standalone_device(1) as device:
        built = build_network(CircuitSpec.of(cfg), DrugInput.of_protocol(cfg.protocol), "event", None)
        built.run(profile=True)
        t0 = time.perf_counter()
        device.build(directory=tmp, compile=True, run=True, with_output=False)
        wall_all = time.perf_counter() - t0
        run_s = float(device._last_run_time)
        info = built.net.profiling_info
    per_kind = dict.fromkeys(CATEGORIES, 0.0)
    for name, t in info:
        per_kind[category(name)] += float(t / b2.second)
    profiled = sum(per_kind.values())
    print(f"{args.seconds:g} s simulated: network.run {run_s:.2f} s ({args.seconds / run_s:.3f} sim s per wall s); "
          f"build, compile and run {wall_all:.0f} s; profiled code objects {profiled:.2f} s")
    for name, t in sorted(info, key=lambda x: -float(x[1] / b2.second))[:12]:
        print(f"  {float(t / b2.second):7.3f} s  {category(name):<15} {name}")
    for kind in CATEGORIES:
        print(f"{kind:<15} {per_kind[kind]:7.3f} s  {per_kind[kind] / profiled:6.1%}")
    shares = " ".join(f"{k}_share={per_kind[k] / profiled:.3f}" for k in CATEGORIES)
    print(f"RESULT {shares} profiled_s_per_sim_s={profiled / args.seconds:.3f} "
          f"sim_s_per_wall_s={args.seconds / run_s:.3f} threads=1")


if __name__ == "__main__":
    main()
