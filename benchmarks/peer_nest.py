"""Peer comparison: circuitsim's fast stage against NEST 3.10 on the default circuit.

One run builds the default cortical circuit (4000 pyramidal + 1000
interneurons, p = 0.1 on every pathway, no drug, no VTA) twice: in
circuitsim's fast stage (cpp_standalone, 1 OpenMP thread, through
``simulate_config``) and in NEST with ``iaf_bw_2001`` cells (Brunel-Wang
neuron with NEST's approximate NMDA) and Poisson-generator background. It
prints the speed of each (simulated seconds per wall second of the run phase
only) and their ratio, with the population rates of both.

Run phases: circuitsim runs once unmeasured (code generation and
compilation, with the measured duration) and is timed on the second run by the run time its binary reports
for ``network.run``. NEST compiles nothing; it is timed on ``nest.Run`` after
``nest.Prepare`` and a warm-up ``nest.Run`` of ``--nest-warmup`` seconds,
which also skips the start-up transient of its rates (circuitsim starts its
background conductances at their stationary means and has no transient to
skip). Building the networks is not timed.

What the NEST model leaves out or does differently (drug block, adaptation,
external NMDA, the NMDA approximation): docs/benchmarks.md, "Peer comparison:
NEST".

    pip install -e '.[peer]'
    python benchmarks/peer_nest.py [--seconds 2] [--threads 1] [--cells-scale 1]
        [--nest-warmup 0.2] [--ext-scale-e X] [--ext-scale-i X] [--seed N]

Last line: RESULT key=value ...
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np

from circuitsim.config import config_from_dict
from circuitsim.config.circuit import CellParams, CircuitConfig
from circuitsim.network.simulate import simulate_config

# NEST's external drive is AMPA-only: the NMDA of iaf_bw_2001 needs the sending
# cell to be an iaf_bw_2001 (the spike carries the sender's NMDA increment), so
# a poisson_generator cannot drive it, and circuitsim's NMDA background (16.5 nS
# per pyramidal train, 0.63 nS per interneuron train) has no NEST counterpart.
# Each population keeps circuitsim's per-train AMPA conductance, and its summed
# train rate (n_inputs x 3 Hz) is multiplied by the factors below to make up
# for the missing NMDA drive and adaptation. Tuned by hand on six NEST-only trial
# runs (--skip-circuitsim, 0.3 s after a 0.1 s warm-up, seed 1, 2026-12-07) to
# reach circuitsim's drug-free rates, 4.1 Hz pyramidal and 24.3 Hz interneurons;
# the full run with these factors measured circuitsim 4.17 / 24.26 Hz and NEST
# 4.11 / 24.01 Hz (2 s, seed 1).
EXT_SCALE_E = 7.9
EXT_SCALE_I = 22.5


def circuitsim_run(seconds: float, overrides: list[str]):
    cfg = config_from_dict({}, [
        f"protocol.epochs=[{{name: baseline, duration: {seconds} s, concentration: 0 uM}}]",
        "protocol.baseline_epoch=baseline", *overrides])
    t0 = time.perf_counter()
    s = simulate_config(cfg)
    return cfg, s, time.perf_counter() - t0


def cell_params(c: CellParams, rc) -> dict:
    """iaf_bw_2001 parameters (NEST units: mV, ms, pF, nS) of a circuitsim cell type."""
    return {
        "C_m": c.c_m_f * 1e12, "g_L": c.g_leak_s * 1e9, "E_L": c.e_leak_v * 1e3,
        "V_th": c.v_threshold_v * 1e3, "V_reset": c.v_reset_v * 1e3,
        "t_ref": c.t_refractory_s * 1e3, "E_ex": rc.e_exc_v * 1e3, "E_in": rc.e_inh_v * 1e3,
        "tau_AMPA": rc.tau_ampa_s * 1e3, "tau_GABA": rc.tau_gaba_s * 1e3,
        "tau_rise_NMDA": rc.tau_nmda_rise_s * 1e3, "tau_decay_NMDA": rc.tau_nmda_decay_s * 1e3,
        # Same single-spike increment a = 1 - exp(-alpha tau_x) as circuitsim.
        "alpha": -math.log(1 - rc.nmda_saturation_increment) / (rc.tau_nmda_rise_s * 1e3),
        "conc_Mg2": rc.mg_mm,
    }


def nest_run(cc: CircuitConfig, seconds: float, warmup: float, threads: int, seed: int,
             ext_scale: dict[str, float]) -> dict:
    os.environ.setdefault("PYNEST_QUIET", "1")  # no banner
    import nest

    nest.verbosity = nest.VerbosityLevel.WARNING
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": cc.dt_s * 1e3, "local_num_threads": threads,
                          "rng_seed": seed, "print_time": False})
    t0 = time.perf_counter()
    rc = cc.receptors
    cells = {"pyramidal": cc.pyramidal, "interneuron": cc.interneuron}
    pops = {}
    for name, c in cells.items():
        pops[name] = nest.Create("iaf_bw_2001", c.n, params=cell_params(c, rc))
        # As circuitsim: membrane potentials uniform between reset and threshold.
        pops[name].V_m = nest.random.uniform(c.v_reset_v * 1e3, c.v_threshold_v * 1e3)
    rec = pops["pyramidal"][0].receptor_types
    d_lo, d_hi = cc.delay_min_s * 1e3, cc.delay_max_s * 1e3

    pathways = {("pyramidal", "pyramidal"): cc.e_to_e, ("pyramidal", "interneuron"): cc.e_to_i,
                ("interneuron", "pyramidal"): cc.i_to_e, ("interneuron", "interneuron"): cc.i_to_i}
    for (pre, post), pw in pathways.items():
        conn = {"rule": "pairwise_bernoulli", "p": pw.p, "allow_autapses": pre != post}
        delay = nest.random.uniform(d_lo, d_hi)
        if pre == "interneuron":
            nest.Connect(pops[pre], pops[post], conn, {
                "weight": pw.g_gaba_s * 1e9, "delay": delay, "receptor_type": rec["GABA"]})
            continue
        nest.Connect(pops[pre], pops[post], conn, {
            "weight": pw.g_ampa_s * 1e9, "delay": delay, "receptor_type": rec["AMPA"]})
        # NMDA on the same pairs with the same delays as AMPA (one synapse, two receptors).
        made = nest.GetConnections(pops[pre], pops[post]).get(["source", "target", "delay"])
        src = np.asarray(made["source"])
        nest.Connect(src, np.asarray(made["target"]), "one_to_one", {
            "weight": np.full(len(src), pw.g_nmda_s * 1e9), "delay": np.asarray(made["delay"]),
            "receptor_type": rec["NMDA"]})

    ext_cfg = {"pyramidal": cc.external_pyramidal, "interneuron": cc.external_interneuron}
    ext_rate = {}
    for name, ext in ext_cfg.items():
        # One generator per population: it sends an independent Poisson train
        # to each target, the superposition of the cell's n_inputs trains.
        ext_rate[name] = ext.n_inputs * ext.rate_hz * ext_scale[name]
        gen = nest.Create("poisson_generator", params={"rate": ext_rate[name]})
        nest.Connect(gen, pops[name], "all_to_all", {
            "weight": ext.g_ampa_s * 1e9, "delay": cc.dt_s * 1e3, "receptor_type": rec["AMPA"]})

    recorders = {}
    for name, pop in pops.items():
        recorders[name] = nest.Create("spike_recorder", params={
            "time_in_steps": True, "start": warmup * 1e3})
        nest.Connect(pop, recorders[name])
    n_syn = nest.GetKernelStatus("num_connections")
    t_built = time.perf_counter()

    nest.Prepare()
    nest.Run(warmup * 1e3)
    t_run0 = time.perf_counter()
    nest.Run(seconds * 1e3)
    t_run1 = time.perf_counter()
    nest.Cleanup()
    rates = {name: r.n_events / (cells[name].n * seconds) for name, r in recorders.items()}
    return {"rates": rates, "wall_run_s": t_run1 - t_run0, "wall_build_s": t_built - t0,
            "wall_warmup_s": t_run0 - t_built, "n_synapses": n_syn, "ext_rate_hz": ext_rate}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0, help="simulated time measured (both; circuitsim needs > 0.3 s)")
    ap.add_argument("--threads", type=int, default=1, help="NEST threads (circuitsim: always 1)")
    ap.add_argument("--cells-scale", type=float, default=1.0,
                    help="scale both populations (p fixed, so in-degrees scale too)")
    ap.add_argument("--nest-warmup", type=float, default=0.2, help="NEST warm-up (simulated s)")
    ap.add_argument("--ext-scale-e", type=float, default=EXT_SCALE_E)
    ap.add_argument("--ext-scale-i", type=float, default=EXT_SCALE_I)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-circuitsim", action="store_true",
                    help="NEST only (for tuning the external rates)")
    ns = ap.parse_args()

    n_e, n_i = (max(1, round(n * ns.cells_scale)) for n in (4000, 1000))
    overrides = ["codegen_target=cpp_standalone", "threads=1", f"seed={ns.seed}",
                 "circuit.vta.enabled=false",
                 f"circuit.pyramidal.n={n_e}", f"circuit.interneuron.n={n_i}"]
    cs_speed = math.nan
    cs_rates = {"pyramidal": math.nan, "interneuron": math.nan}
    if not ns.skip_circuitsim:
        _, s, total = circuitsim_run(ns.seconds, overrides)
        print(f"circuitsim warm-up: {total:.1f} s ({s.wall_build_s:.1f} s build)", flush=True)
    cfg, s, total = circuitsim_run(ns.seconds, overrides) if not ns.skip_circuitsim else (
        config_from_dict({}, overrides), None, 0.0)
    if s is not None:
        cs_speed = ns.seconds / s.wall_run_s
        cs_rates = {p: len(s.spikes[p][0]) / (s.n_cells[p] * s.duration_s) for p in cs_rates}
        print(f"circuitsim: {s.duration_s:g} s simulated in {s.wall_run_s:.2f} s run "
              f"({total:.2f} s in all, threads {s.run_info['threads']})", flush=True)

    nr = nest_run(cfg.circuit, ns.seconds, ns.nest_warmup, ns.threads, ns.seed,
                  {"pyramidal": ns.ext_scale_e, "interneuron": ns.ext_scale_i})
    nest_speed = ns.seconds / nr["wall_run_s"]
    print(f"NEST: {ns.seconds:g} s simulated in {nr['wall_run_s']:.2f} s run "
          f"(build {nr['wall_build_s']:.1f} s, warm-up {nr['wall_warmup_s']:.1f} s, "
          f"{nr['n_synapses']} connections, threads {ns.threads}; external "
          f"{nr['ext_rate_hz']['pyramidal']:.0f} / {nr['ext_rate_hz']['interneuron']:.0f} Hz AMPA)")
    for p in cs_rates:
        print(f"rate {p:12s} circuitsim {cs_rates[p]:6.2f} Hz   NEST {nr['rates'][p]:6.2f} Hz")
    print(f"RESULT circuitsim_sim_s_per_wall_s={cs_speed:.4f} nest_sim_s_per_wall_s={nest_speed:.4f} "
          f"ratio={cs_speed / nest_speed:.3f} nest_threads={ns.threads} circuitsim_threads=1 "
          f"cells={n_e + n_i} seconds={ns.seconds:g} "
          f"circuitsim_rate_e_hz={cs_rates['pyramidal']:.2f} circuitsim_rate_i_hz={cs_rates['interneuron']:.2f} "
          f"nest_rate_e_hz={nr['rates']['pyramidal']:.2f} nest_rate_i_hz={nr['rates']['interneuron']:.2f} "
          f"ext_scale_e={ns.ext_scale_e:g} ext_scale_i={ns.ext_scale_i:g}")


if __name__ == "__main__":
    main()
