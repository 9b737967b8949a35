"""The spiking E/I circuit in Brian2, and the one call that runs a fast sample.

Model (all conductance-based leaky integrate-and-fire cells)::

    C dV/dt = -gL (V - EL) - gA (V - Ee) - gN (1 - b) B(V) (V - Ee) - gG (V - Ei)

* AMPA and GABA_A conductances jump at each arriving spike and decay with
  tau_ampa / tau_gaba. With NBQX in the protocol, every AMPA conductance
  (recurrent and external) is scaled by 1 - b_AMPA, b_AMPA the Hill block of
  the NBQX concentration (:func:`circuitsim.pharmacology.pd.ampa_block`).
* NMDA: each pyramidal cell j keeps its own gating state (x_j, s_j), a
  linear rise (tau_x) / decay (tau_s) cascade. A spike increments x_j by
  Delta_j = a (1 - s_j - x_j): the increment saturates as the cell's receptors
  fill (a = 1 - exp(-alpha tau_x) = 0.63 for Brunel & Wang's alpha = 0.5/ms,
  tau_x = 2 ms), and s_j + x_j never exceeds 1. Because the cascade is linear
  between spikes, the summed conductance on a target, gN_i = sum_j g_ij s_j,
  obeys the same cascade driven by g_ij Delta_j: so the synapse only adds
  g_ij Delta_j to the target's x at arrival (event-driven, no per-synapse
  ODE). This is exact as long as Delta_j is unchanged in flight, which the
  config guarantees (every delay is shorter than the pyramidal refractory
  period). The cost per step is O(cells), not O(synapses).
* B(V): Jahr & Stevens (1990) Mg2+ unblock. b: drug block, per cell (Hill
  equilibrium or use-dependent trapping, see :mod:`circuitsim.pharmacology.pd`).
* External drive: Poisson trains onto AMPA (and NMDA, with the mean
  saturation of a Poisson source, E[Delta] = a / (1 + a nu (tau_x + tau_s)),
  which is exact in the mean because Poisson arrivals are independent of the
  source's state).

* The VTA (``circuit.vta``, optional): dopamine cells and local GABA cells,
  the same cells, receptors and drug block, driven by the pyramidal cells
  (AMPA + NMDA, event-driven as above) and by their own Poisson drive; the
  GABA cells inhibit the dopamine cells. Nothing projects back to the cortex.

``per_synapse_ode`` is the reference formulation of the Brunel-Wang example
(dx/dt = -x/tau_x, ds/dt = -s/tau_s + alpha x (1 - s) integrated on every
synapse at every step) kept for the benchmark.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..config.schema import Config
from ..pharmacology.bath import concentration_trace
from ..seeds import int_seed, rng
from .connectivity import random_pairs, uniform_delays
from .standalone import (
    locked_build_dir,
    mark_variant,
    resolve_threads,
    seed_at_run_time,
    standalone_device,
    structure_key,
)

POPULATIONS = ("pyramidal", "interneuron")
#: The dopamine side branch (``circuit.vta``): dopamine cells and local GABA
#: cells, driven by the pyramidal cells, with nothing projecting back.
VTA_POPULATIONS = ("vta_dopamine", "vta_gaba")

# Units of the per-population mean traces recorded during a sample (the VTA
# ones only when ``circuit.vta.enabled``).
TRACE_UNITS = {
    "concentration_um": "uM",
    **{f"{kind}_{pop}": "1" for kind in ("block", "open") for pop in (*POPULATIONS, *VTA_POPULATIONS)},
    **{f"{kind}_{pop}_ns": "nS" for kind in ("g_ampa", "g_nmda") for pop in (*POPULATIONS, *VTA_POPULATIONS)},
}


@dataclass(frozen=True)
class FastSample:
    """What one fast-stage run returns (pure data, no Brian2 objects).

    Attributes
    ----------
    spikes : dict
        population -> (times in s, float64; 0-based cell ids, int64).
    n_cells : dict
        population -> number of cells.
    trace_t_s : ndarray
        Times (s) of the entries of `traces`.
    traces : dict
        name -> population-mean trace; units in :data:`TRACE_UNITS`.
    duration_s : float
        Simulated time.
    wall_build_s, wall_run_s : float
        Wall time spent building (incl. code generation) and running.
    seeds : dict
        Component -> integer seed actually used.
    run_info : dict
        How it ran: ``threads`` (OpenMP threads; 1 in runtime mode) and, in
        standalone mode, ``wall_binary_s`` (the whole binary: loading arrays,
        creating synapses, the run, writing results).
    """

    spikes: dict[str, tuple[np.ndarray, np.ndarray]]
    n_cells: dict[str, int]
    trace_t_s: np.ndarray
    traces: dict[str, np.ndarray]
    duration_s: float
    wall_build_s: float
    wall_run_s: float
    seeds: dict[str, int] = field(default_factory=dict)
    run_info: dict[str, int | float] = field(default_factory=dict)


def _neuron_equations(block_model: str, formulation: str, adaptation: bool = False,
                      ampa_block: bool = False) -> str:
    if formulation == "per_synapse_ode":
        # Recurrent NMDA arrives as a summed variable from the synapses; the
        # external NMDA drive keeps the cascade on the cell.
        nmda = """
        g_nmda = g_nmda_rec + g_nmda_ext : siemens
        g_nmda_rec : siemens
        dx_nmda/dt = -x_nmda / tau_nmda_rise : siemens
        dg_nmda_ext/dt = -g_nmda_ext / tau_nmda_decay + x_nmda / tau_nmda_rise : siemens
        """
    else:
        nmda = """
        dx_nmda/dt = -x_nmda / tau_nmda_rise : siemens
        dg_nmda/dt = -g_nmda / tau_nmda_decay + x_nmda / tau_nmda_rise : siemens
        """
    if block_model == "hill":
        block = "block = (conc(t) / ic50)**hill_n / (1 + (conc(t) / ic50)**hill_n) : 1"
    else:
        block = "dblock/dt = k_on * conc(t) * open_frac * (1 - block) - k_off * block : 1"
    # NBQX: only in the equations of a protocol that applies it (one factor
    # per step fewer otherwise).
    ampa = "g_ampa * (1 - block_ampa)" if ampa_block else "g_ampa"
    ampa_eq = ("block_ampa = nbqx(t)**nbqx_n / (nbqx(t)**nbqx_n + nbqx_ic50**nbqx_n) : 1"
               if ampa_block else "")
    return f"""
    dv/dt = (-g_leak * (v - e_leak) - {ampa} * (v - e_exc)
             - g_nmda * (1 - block) * mg_unblock * (v - e_exc)
             - g_gaba * (v - e_inh){" - w_adapt" if adaptation else ""}) / c_m : volt (unless refractory)
    {"dw_adapt/dt = -w_adapt / tau_adapt : amp" if adaptation else ""}
    dg_ampa/dt = -g_ampa / tau_ampa : siemens
    dg_gaba/dt = -g_gaba / tau_gaba : siemens
    {nmda}
    mg_unblock = 1 / (1 + mg_ratio * exp(-mg_slope * v / mV)) : 1
    open_frac = g_nmda / g_nmda_max * mg_unblock : 1
    g_nmda_max : siemens (constant)
    {block}
    {ampa_eq}
    """


# Own NMDA gating of each pyramidal cell (the sender side of the event-driven scheme).
_SENDER_EQS = """
dx_self/dt = -x_self / tau_nmda_rise : 1
ds_self/dt = -s_self / tau_nmda_decay + x_self / tau_nmda_rise : 1
delta_nmda : 1
"""
_SENDER_RESET = """
delta_nmda = nmda_a * clip(1 - s_self - x_self, 0, 1)
x_self += delta_nmda
"""


def poisson_mean_increment(a: float, rate_hz: float, tau_rise_s: float, tau_decay_s: float) -> float:
    """Mean NMDA increment E[Delta] of a Poisson source (see module docstring)."""
    return a / (1.0 + a * rate_hz * (tau_rise_s + tau_decay_s))


ProgressFn = Callable[[float, float], None]


def simulate_sample(
    config: Config,
    *,
    progress: ProgressFn | None = None,
    formulation: str = "event",
    e_to_e_weights: np.ndarray | None = None,
) -> FastSample:
    """Build the circuit of `config`, run its protocol, return spikes and traces.

    With ``config.codegen_target`` ``"cython"`` or ``"numpy"`` the network runs
    in Brian2's runtime mode. With ``"cpp_standalone"`` it is written as a C++
    project into a cached, locked build directory
    (:mod:`circuitsim.network.standalone`), compiled incrementally, run with
    ``config.threads`` OpenMP threads, read back, and Brian2 is switched back
    to the device that was active before (runtime mode), so that calls can
    follow each other in one process.

    Parameters
    ----------
    config : Config
        The experiment (circuit, pharmacology, protocol, seed).
    progress : callable, optional
        Called as ``progress(simulated_s, total_s)`` during the run (runtime
        mode: every simulated second; standalone: once, at the end).
    formulation : {"event", "per_synapse_ode"}
        NMDA formulation; ``per_synapse_ode`` is the slow reference.
    e_to_e_weights : ndarray, optional
        Relative weight of every E->E synapse in the order of
        :func:`e_to_e_pairs` (with ``config.plasticity``: of every spine
        slot, its spine's scaled volume, 0 without a spine). Default 1, or
        1 / ``slots_per_synapse`` over a slot pool.

    Returns
    -------
    FastSample
        ``wall_build_s`` is everything before the simulation proper (network
        construction, code generation and, in standalone mode, compilation);
        ``wall_run_s`` is the simulation loop (runtime: ``Network.run``;
        standalone: the time the binary reports for its ``network.run``,
        excluding loading arrays and writing results).
    """
    import brian2 as b2

    if formulation not in ("event", "per_synapse_ode"):
        raise ValueError(f"unknown NMDA formulation {formulation!r}")
    t_start = time.perf_counter()
    b2.start_scope()
    if config.codegen_target != "cpp_standalone":
        b2.prefs.codegen.target = config.codegen_target
        built = _build_network(config, formulation, e_to_e_weights)
        t_built = time.perf_counter()
        report = None
        if progress is not None:
            duration = built.duration_s

            def report(elapsed, completed, start, duration_):  # noqa: ARG001 - Brian2 signature
                progress(float(completed) * duration, duration)
        built.run(report=report, report_period=1 * b2.second)
        t_run = time.perf_counter()
        return built.collect(wall_build_s=t_built - t_start, wall_run_s=t_run - t_built,
                             threads=1)

    threads = resolve_threads(config.threads)
    # Collect unreachable Brian2 objects of earlier runs: automatic names
    # ("<object>_stateupdater_codeobject_1") would otherwise change, and with
    # them the generated files.
    gc.collect()
    with standalone_device(threads) as device:
        built = _build_network(config, formulation, e_to_e_weights)
        built.run()
        _sort_clock_starts(device, built.net)
        key = structure_key(_structure(config, formulation, threads))
        with locked_build_dir(key, variant=_variant(config)) as directory:
            try:
                device.build(directory=str(directory), compile=True, run=False, with_output=False)
            except RuntimeError as exc:
                if "compilation failed" not in str(exc):
                    raise
                # An interrupted earlier build can leave truncated object
                # files that look up to date: rebuild from scratch once.
                device.build(directory=str(directory), compile=True, run=False, with_output=False,
                             clean=True)
            mark_variant(directory, _variant(config))
            t_built = time.perf_counter()
            device.run(directory=str(directory), with_output=False)
            sample = built.collect(wall_build_s=t_built - t_start,
                                   wall_run_s=float(device._last_run_time),
                                   threads=threads,
                                   wall_binary_s=float(device.timers["run_binary"]))
            # Inputs and outputs of this run only (Brian2 rewrites the inputs
            # before every build): ~150 MB for the default circuit.
            for sub in ("static_arrays", "results"):
                shutil.rmtree(directory / sub, ignore_errors=True)
    if progress is not None:
        progress(sample.duration_s, sample.duration_s)
    return sample


def _sort_clock_starts(device, net) -> None:
    """Give the clock start assignments in main.cpp a fixed order.

    Brian2 queues ``<clock>.t = 0`` and ``<clock>.timestep = 0`` while
    iterating over a set of clocks, whose order follows memory addresses, so
    main.cpp (the most expensive file to compile) would differ between two
    identical runs half of the time. The assignments are independent.
    """
    names = {device.get_array_name(clock.variables[var])
             for clock in net._clocks for var in ("t", "timestep")}
    queue = device.main_queue
    pos = [k for k, (op, args) in enumerate(queue)
           if op == "set_by_single_value" and args[0] in names]
    if pos and pos == list(range(pos[0], pos[-1] + 1)):
        queue[pos[0]:pos[-1] + 1] = sorted(queue[pos[0]:pos[-1] + 1], key=lambda e: e[1][0])


def _structure(config: Config, formulation: str, threads: int) -> dict:
    """What shapes the generated C++ code, beyond parameter values (the build-directory key).

    Parameter values (conductances, time constants, the seed, the protocol)
    only change constants or data files, which an incremental ``make`` in the
    same directory handles; these change many files at once.
    """
    cc = config.circuit
    out = {
        "formulation": formulation,
        "block_model": config.pharmacology.block_model,
        "threads": threads,
        "cells": {pop: {"n": getattr(cc, pop).n,
                        "adaptation": getattr(cc, pop).adaptation_increment_a > 0}
                  for pop in POPULATIONS},
        "external": {pop: _external_kinds(getattr(cc, f"external_{pop}")) for pop in POPULATIONS},
    }
    # Only with the VTA, so that a circuit without it keeps its build directory.
    if cc.vta.enabled:
        cells, ext, _ = _vta_parts(cc.vta)
        out["vta"] = {"cells": {pop: {"n": p.n, "adaptation": p.adaptation_increment_a > 0}
                                for pop, p in cells.items()},
                      "external": {pop: _external_kinds(e) for pop, e in ext.items()}}
    # Likewise: NBQX adds a term to every neuron's equations; a spine-slot
    # pool makes the E->E synapse arrays twice as long.
    if config.protocol.has_nbqx:
        out["ampa_block"] = True
    if config.plasticity is not None:
        out["spine_slots"] = config.plasticity.spines.slots_per_synapse
    return out


def _variant(config: Config) -> str:
    """What sizes the static arrays of a build, beyond its structure: the seed and circuit values.

    A build directory last built for the same variant recompiles nothing
    (:func:`circuitsim.network.standalone.locked_build_dir`). Broader than
    needed (any circuit value counts), which only costs a recompile.
    """
    payload = {"seed": config.seed, "circuit": config.circuit.model_dump(mode="json"),
               "slots": None if config.plasticity is None else config.plasticity.spines.slots_per_synapse}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _external_kinds(ext) -> list[str]:
    """Which Poisson inputs an external drive creates (see :func:`_build_network`)."""
    if ext.n_inputs == 0 or ext.rate_hz == 0:
        return []
    return [k for k, g in (("ampa", ext.g_ampa_s), ("nmda", ext.g_nmda_s)) if g > 0]


#: The drug TimedArray is padded (with its last value, which it holds beyond
#: its end anyway) to a power of two of at least this many 1-ms samples: its
#: length is compiled into the generated code, so protocols of different
#: durations up to 16.4 s share the same code.
CONC_MIN_SAMPLES = 2**14


def _padded(c: np.ndarray) -> np.ndarray:
    n = max(CONC_MIN_SAMPLES, 1 << max(len(c) - 1, 0).bit_length())
    return np.concatenate([c, np.full(n - len(c), c[-1] if len(c) else 0.0)])


@dataclass
class _Built:
    """The Brian2 network of one sample and what is needed to read it back."""

    net: object
    spike_mons: dict
    state_mons: dict
    c_trace: np.ndarray
    nbqx_trace: np.ndarray | None
    n_cells: dict
    duration_s: float
    seeds: dict

    def run(self, **kwargs) -> None:
        import brian2 as b2

        self.net.run(self.duration_s * b2.second, namespace={}, **kwargs)

    def collect(self, *, wall_build_s: float, wall_run_s: float, **info) -> FastSample:
        import brian2 as b2

        spikes = {}
        for pop, mon in self.spike_mons.items():
            t = np.asarray(mon.t / b2.second, dtype=np.float64)
            i = np.asarray(mon.i[:], dtype=np.int64)
            spikes[pop] = (t, i)
        traces: dict[str, np.ndarray] = {}
        trace_t = None
        for pop, mon in self.state_mons.items():
            trace_t = np.asarray(mon.t / b2.second)
            traces[f"block_{pop}"] = np.asarray(mon.block).mean(axis=0)
            traces[f"open_{pop}"] = np.asarray(mon.open_frac).mean(axis=0)
            traces[f"g_ampa_{pop}_ns"] = np.asarray(mon.g_ampa / b2.nS).mean(axis=0)
            traces[f"g_nmda_{pop}_ns"] = np.asarray(mon.g_nmda / b2.nS).mean(axis=0)
        idx = np.minimum((trace_t / 1e-3).astype(int), len(self.c_trace) - 1)
        traces["concentration_um"] = self.c_trace[idx]
        if self.nbqx_trace is not None:
            traces["nbqx_um"] = self.nbqx_trace[idx]
        return FastSample(
            spikes=spikes,
            n_cells=dict(self.n_cells),
            trace_t_s=trace_t,
            traces=traces,
            duration_s=self.duration_s,
            wall_build_s=wall_build_s,
            wall_run_s=wall_run_s,
            seeds=dict(self.seeds),
            run_info=dict(info),
        )


def e_to_e_pairs(config: Config) -> tuple[np.ndarray, np.ndarray]:
    """(pre, post) of the circuit's E->E synapses, in the order their weights are given.

    With ``config.plasticity`` these are the spine slots: every pair is a
    potential synapse with probability ``e_to_e.p x slots_per_synapse``, and
    the spines (:mod:`circuitsim.plasticity.spines`) set their weights.
    """
    cc = config.circuit
    p = cc.e_to_e.p
    if config.plasticity is not None:
        p = min(1.0, p * config.plasticity.spines.slots_per_synapse)
    n = cc.pyramidal.n
    return random_pairs(n, n, p, rng(config.seed, "connectivity.e_to_e"), autapses=False)


def _build_network(config: Config, formulation: str, e_to_e_weights: np.ndarray | None) -> _Built:
    """Create the Brian2 objects of `config` on the active device (every object named)."""
    import brian2 as b2
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice
    from brian2.devices.device import get_device

    cc = config.circuit
    rc = cc.receptors
    pc = config.pharmacology
    dt = cc.dt_s * b2.second
    b2.defaultclock.dt = dt
    seeds = {"dynamics": int_seed(config.seed, "brian2.dynamics")}
    device = get_device()
    if isinstance(device, CPPStandaloneDevice):
        seed_at_run_time(device, seeds["dynamics"])
    else:
        b2.seed(seeds["dynamics"])

    _, c_trace = concentration_trace(config.protocol, 1e-3)
    conc = b2.TimedArray(_padded(c_trace), dt=1 * b2.ms, name="drug_concentration")
    nbqx_trace = None
    if config.protocol.has_nbqx:
        _, nbqx_trace = concentration_trace(config.protocol, 1e-3, drug="nbqx")

    common = {
        "e_exc": rc.e_exc_v * b2.volt,
        "e_inh": rc.e_inh_v * b2.volt,
        "tau_ampa": rc.tau_ampa_s * b2.second,
        "tau_gaba": rc.tau_gaba_s * b2.second,
        "tau_nmda_rise": rc.tau_nmda_rise_s * b2.second,
        "tau_nmda_decay": rc.tau_nmda_decay_s * b2.second,
        "mg_ratio": rc.mg_mm / rc.mg_k_mm,
        "mg_slope": rc.mg_slope_per_mv,
        "nmda_a": rc.nmda_saturation_increment,
        "conc": conc,
        "k_off": pc.trapping.k_off_hz * b2.Hz,
        "hill_n": pc.hill.hill_n,
    }
    if nbqx_trace is not None:
        common.update(nbqx=b2.TimedArray(_padded(nbqx_trace), dt=1 * b2.ms, name="nbqx_concentration"),
                      nbqx_ic50=pc.nbqx.ic50_um, nbqx_n=pc.nbqx.hill_n)
    ext_cfg = {"pyramidal": cc.external_pyramidal, "interneuron": cc.external_interneuron}
    cells = {"pyramidal": cc.pyramidal, "interneuron": cc.interneuron}
    groups = {}
    objects = []
    for pop in POPULATIONS:
        g = _cell_group(config, pop, cells[pop], ext_cfg[pop], common, formulation,
                        sender=pop == "pyramidal" and formulation == "event")
        groups[pop] = g
        objects.append(g)

    # ---- recurrent synapses
    n = {pop: cells[pop].n for pop in POPULATIONS}
    g_nmda_max = {pop: np.zeros(n[pop]) for pop in POPULATIONS}
    pathways = {
        "e_to_e": ("pyramidal", "pyramidal", cc.e_to_e),
        "e_to_i": ("pyramidal", "interneuron", cc.e_to_i),
        "i_to_e": ("interneuron", "pyramidal", cc.i_to_e),
        "i_to_i": ("interneuron", "interneuron", cc.i_to_i),
    }
    n_syn = {}
    for name, (src, dst, pw) in pathways.items():
        if name == "e_to_e":
            i, j = e_to_e_pairs(config)
        else:
            i, j = random_pairs(n[src], n[dst], pw.p, rng(config.seed, f"connectivity.{name}"),
                                autapses=src != dst)
        n_syn[name] = len(i)
        delays = uniform_delays(len(i), cc.delay_min_s, cc.delay_max_s, cc.dt_s,
                                rng(config.seed, f"delays.{name}"))
        ns = _synapse_namespace(pw, rc)
        syn = _synapses(groups[src], groups[dst], src == "interneuron", formulation, ns, f"syn_{name}")
        syn.connect(i=i, j=j)
        syn.delay = delays * b2.second
        if src == "pyramidal":
            w = np.ones(len(i))
            if name == "e_to_e" and config.plasticity is not None:
                # A pool of potential synapses (spine slots): the same total
                # weight as the calibrated circuit until spines set it.
                w = np.full(len(i), 1.0 / config.plasticity.spines.slots_per_synapse)
            if name == "e_to_e" and e_to_e_weights is not None:
                w = np.asarray(e_to_e_weights, dtype=float)
                if w.shape != (len(i),):
                    raise ValueError(f"e_to_e_weights must have {len(i)} entries, got {w.shape}")
            syn.w_syn = w
            g_nmda_max[dst] += np.bincount(j, weights=w, minlength=n[dst]) * pw.g_nmda_s
        objects.append(syn)

    # ---- external Poisson drive
    for pop in POPULATIONS:
        g_nmda_max[pop] += _external_drive(groups[pop], ext_cfg[pop], rc, formulation)
    for pop in POPULATIONS:
        groups[pop].g_nmda_max = np.maximum(g_nmda_max[pop], 1e-15) * b2.siemens

    # ---- the VTA, built after the whole cortex: the cortex's build-time
    # random draws (initial arrival times) come first, as without it.
    if cc.vta.enabled:
        vta_groups, vta_objects = _build_vta(config, formulation, common, groups["pyramidal"])
        groups.update(vta_groups)
        objects += vta_objects
        n.update({pop: g.N for pop, g in vta_groups.items()})

    # ---- recording
    spike_mons = {pop: b2.SpikeMonitor(g, name=f"spikes_{pop}") for pop, g in groups.items()}
    objects += list(spike_mons.values())
    trace_clock = b2.Clock(config.analysis.trace_dt_s * b2.second, name="trace_clock")
    state_mons = {
        pop: b2.StateMonitor(g, ["block", "open_frac", "g_ampa", "g_nmda"],
                             record=_trace_sample(n[pop]), clock=trace_clock, name=f"trace_{pop}")
        for pop, g in groups.items()
    }
    objects += list(state_mons.values())

    net = b2.Network(*objects, name="circuit")
    return _Built(net=net, spike_mons=spike_mons, state_mons=state_mons, c_trace=c_trace,
                  nbqx_trace=nbqx_trace,
                  n_cells=dict(n), duration_s=config.protocol.duration_s, seeds=seeds)


def _cell_group(config: Config, pop: str, p, ext, common: dict, formulation: str, sender: bool):
    """The NeuronGroup of population `pop` (cell parameters `p`, external drive `ext`).

    `sender`: the cells keep their own NMDA gating (the sender side of the
    event-driven scheme), for populations whose spikes carry NMDA.
    """
    import brian2 as b2

    pc = config.pharmacology
    ns = dict(common)
    ns.update(
        c_m=p.c_m_f * b2.farad,
        g_leak=p.g_leak_s * b2.siemens,
        e_leak=p.e_leak_v * b2.volt,
        ic50=getattr(pc.hill, f"ic50_{pop}_um"),
        k_on=getattr(pc.trapping, f"k_on_{pop}_per_um_s") / b2.second,
    )
    adapt = p.adaptation_increment_a > 0
    eqs = _neuron_equations(pc.block_model, formulation, adapt, ampa_block="nbqx" in common)
    reset = "v = v_reset_value"
    if adapt:
        reset += "\nw_adapt += adapt_increment"
        ns["adapt_increment"] = p.adaptation_increment_a * b2.amp
        ns["tau_adapt"] = p.tau_adaptation_s * b2.second
    if sender:
        eqs += _SENDER_EQS
        reset += "\n" + _SENDER_RESET
    ns["v_reset_value"] = p.v_reset_v * b2.volt
    ns["v_threshold_value"] = p.v_threshold_v * b2.volt
    # External Poisson drive as events (see _poisson_events): one arrival
    # clock per cell.
    has_ext = bool(_external_kinds(ext))
    if has_ext:
        eqs += "\n    t_next_ext : second\n"
    g = b2.NeuronGroup(
        p.n,
        eqs,
        threshold="v > v_threshold_value",
        reset=reset,
        refractory=p.t_refractory_s * b2.second,
        events={"external": "t >= t_next_ext"} if has_ext else None,
        method="euler",
        namespace=ns,
        name=pop,
    )
    init = rng(config.seed, f"initial_state.{pop}")
    g.v = init.uniform(p.v_reset_v, p.v_threshold_v, size=p.n) * b2.volt
    return g


def _synapse_namespace(pw, rc) -> dict:
    """Brian2 namespace of the synapses of pathway `pw` (receptor kinetics `rc`)."""
    import brian2 as b2

    return {"g_ampa_syn": pw.g_ampa_s * b2.siemens, "g_nmda_syn": pw.g_nmda_s * b2.siemens,
            "g_gaba_syn": pw.g_gaba_s * b2.siemens, "alpha_nmda": _alpha(rc),
            "tau_nmda_rise": rc.tau_nmda_rise_s * b2.second,
            "tau_nmda_decay": rc.tau_nmda_decay_s * b2.second}


def _synapses(source, target, inhibitory: bool, formulation: str, ns: dict, name: str):
    """The (unconnected) Synapses of one pathway: GABA_A, or AMPA + NMDA from pyramidal senders."""
    import brian2 as b2

    if inhibitory:
        return b2.Synapses(source, target, on_pre="g_gaba_post += g_gaba_syn", namespace=ns, name=name)
    if formulation == "event":
        return b2.Synapses(
            source, target, model="w_syn : 1 (constant)",
            on_pre="g_ampa_post += g_ampa_syn * w_syn\nx_nmda_post += g_nmda_syn * w_syn * delta_nmda_pre",
            namespace=ns, name=name)
    return b2.Synapses(
        source, target,
        model="""w_syn : 1 (constant)
        dx_syn/dt = -x_syn / tau_nmda_rise : 1 (clock-driven)
        ds_syn/dt = -s_syn / tau_nmda_decay + alpha_nmda * x_syn * (1 - s_syn) : 1 (clock-driven)
        g_nmda_rec_post = g_nmda_syn * w_syn * s_syn : siemens (summed)""",
        on_pre="g_ampa_post += g_ampa_syn * w_syn\nx_syn += 1",
        method="euler", namespace=ns, name=name)


def _external_drive(group, ext, rc, formulation: str) -> float:
    """Attach the external Poisson drive `ext` to `group`; return the NMDA conductance it adds to each cell's pool (S)."""
    import brian2 as b2

    kinds = _external_kinds(ext)
    mean_inc = poisson_mean_increment(rc.nmda_saturation_increment, ext.rate_hz,
                                      rc.tau_nmda_rise_s, rc.tau_nmda_decay_s)
    weights = {"ampa": ("g_ampa", ext.g_ampa_s * b2.siemens),
               "nmda": ("x_nmda", ext.g_nmda_s * mean_inc * b2.siemens)}
    added = 0.0
    if kinds:
        _poisson_events(group, ext.n_inputs * ext.rate_hz, [weights[k] for k in kinds])
        # Receptors of the external synapses count in the cell's pool (s = 1 max).
        added = ext.n_inputs * ext.g_nmda_s
    # Start the background conductances at their stationary means (a Poisson
    # train of rate nu with jump J through decay tau has mean nu J tau), not at
    # zero: the slow NMDA (100 ms) would otherwise leave the NMDA-driven
    # interneurons silent for the first ~0.3 s and let the pyramidal cells
    # fire a synchronous start-up burst.
    flux = ext.n_inputs * ext.rate_hz
    group.g_ampa = flux * ext.g_ampa_s * rc.tau_ampa_s * b2.siemens
    nmda_flux = flux * ext.g_nmda_s * mean_inc
    group.x_nmda = nmda_flux * rc.tau_nmda_rise_s * b2.siemens
    g_name = "g_nmda" if formulation == "event" else "g_nmda_ext"
    setattr(group, g_name, nmda_flux * rc.tau_nmda_decay_s * b2.siemens)
    return added


def _vta_parts(vta) -> tuple[dict, dict, dict]:
    """Cells and external drives by VTA population, and the VTA pathways.

    Pathways: name -> (source, target, Pathway, (delay_min_s, delay_max_s)).
    """
    cells = {"vta_dopamine": vta.dopamine, "vta_gaba": vta.gaba}
    ext = {"vta_dopamine": vta.external_dopamine, "vta_gaba": vta.external_gaba}
    pfc = (vta.pfc_delay_min_s, vta.pfc_delay_max_s)
    local = (vta.local_delay_min_s, vta.local_delay_max_s)
    pathways = {
        "pfc_to_vta_dopamine": ("pyramidal", "vta_dopamine", vta.pfc_to_dopamine, pfc),
        "pfc_to_vta_gaba": ("pyramidal", "vta_gaba", vta.pfc_to_gaba, pfc),
        "vta_gaba_to_dopamine": ("vta_gaba", "vta_dopamine", vta.gaba_to_dopamine, local),
    }
    return cells, ext, pathways


def _build_vta(config: Config, formulation: str, common: dict, pyramidal) -> tuple[dict, list]:
    """The VTA populations, their synapses and drives (``circuit.vta``); returns (groups, objects).

    The cells are the circuit's conductance-based LIF cells, with the same
    Mg2+ unblock and drug block (each population with its own IC50 / k_on)
    and the same event-driven NMDA scheme: a pyramidal spike adds
    g Delta_j to the target's NMDA cascade. The connectivity, delays and
    initial states draw from their own named NumPy streams
    (``connectivity.pfc_to_vta_dopamine``, ...), so they leave the cortex's
    untouched; the VTA's Poisson arrivals draw from Brian2's one random
    stream, which the cortex shares (docs/model.md).
    """
    import brian2 as b2

    cc = config.circuit
    rc = cc.receptors
    cells, ext, pathways = _vta_parts(cc.vta)
    groups = {pop: _cell_group(config, pop, p, ext[pop], common, formulation, sender=False)
              for pop, p in cells.items()}
    all_groups = {"pyramidal": pyramidal, **groups}
    objects: list = list(groups.values())
    g_nmda_max = {pop: np.zeros(p.n) for pop, p in cells.items()}
    for name, (src, dst, pw, (d_min, d_max)) in pathways.items():
        n_src, n_dst = all_groups[src].N, all_groups[dst].N
        i, j = random_pairs(n_src, n_dst, pw.p, rng(config.seed, f"connectivity.{name}"),
                            autapses=True)
        delays = uniform_delays(len(i), d_min, d_max, cc.dt_s, rng(config.seed, f"delays.{name}"))
        syn = _synapses(all_groups[src], all_groups[dst], src != "pyramidal", formulation,
                        _synapse_namespace(pw, rc), f"syn_{name}")
        syn.connect(i=i, j=j)
        syn.delay = delays * b2.second
        if src == "pyramidal":
            syn.w_syn = 1.0
            g_nmda_max[dst] += np.bincount(j, minlength=n_dst) * pw.g_nmda_s
        objects.append(syn)
    for pop, g in groups.items():
        g_nmda_max[pop] += _external_drive(g, ext[pop], rc, formulation)
        g.g_nmda_max = np.maximum(g_nmda_max[pop], 1e-15) * b2.siemens
    return groups, objects


def _poisson_events(group, rate_hz: float, targets: list[tuple[str, object]]) -> None:
    """External Poisson drive: independent arrivals of rate `rate_hz` per cell for each target.

    Each ``(variable, weight)`` of `targets` stands for the synapses of one
    receptor kind on the cell's `n_inputs` independent trains: their
    superposition is a Poisson process of the summed rate `rate_hz`, and
    each kind gets its own process (the AMPA and NMDA arrivals are
    independent, as with one ``brian2.PoissonInput`` per kind). The k
    processes are run as one of rate k * `rate_hz` whose arrivals are
    assigned to a kind uniformly at random (a marked Poisson process: the
    marks split it into k independent processes of rate `rate_hz`).

    Each cell holds the time of its next arrival, ``t_next_ext``, drawn from
    the exponential inter-arrival distribution; a custom event fires on the
    first step at or after that time, adds the weight of the drawn kind and
    draws the next arrival. Random numbers are thus drawn per arrival, not
    per cell and step: the per-step binomial draws of ``PoissonInput`` took
    about half of the run time of the default circuit
    (benchmarks/fast_stage.py). Every arrival is delivered and the rates are
    exact; an arrival that falls in a step which already delivered one is
    delivered on the next step (0.1 ms later at the default dt; at the
    interneurons' 2 x 2400 /s, about a fifth of their arrivals).

    One uniform number per arrival serves both draws: with u uniform on
    [0, k), the kind int(u) and the fraction u - int(u) are independent and
    uniform, and -log(1 - fraction) is the next exponential interval. One
    draw per firing cell makes every code target (numpy's vectorised
    statements, the loops of cython and C++) consume the random stream in
    the same order, so their spikes are the same.
    """
    import brian2 as b2

    k = len(targets)
    group.namespace["rate_ext"] = k * rate_hz * b2.Hz
    # 1 - rand() lies in (0, 1]: the log is finite.
    group.t_next_ext = "-log(1 - rand()) / rate_ext"
    lines = [f"u_ext = rand() * {k}"]
    if k == 1:
        var, w = targets[0]
        group.namespace["weight_ext_0"] = w
        lines.append(f"{var} += weight_ext_0")
        lines.append("t_next_ext += -log(1 - u_ext) / rate_ext")
    else:
        lines.append("kind_ext = int(u_ext)")
        for m, (var, w) in enumerate(targets):
            group.namespace[f"weight_ext_{m}"] = w
            lines.append(f"{var} += int(kind_ext == {m}) * weight_ext_{m}")
        lines.append("t_next_ext += -log(1 - (u_ext - kind_ext)) / rate_ext")
    group.run_on_event("external", "\n".join(lines), when="synapses", order=0)


def _alpha(rc) -> object:
    """Brunel-Wang alpha that gives the same single-spike increment a = 1 - exp(-alpha tau_x)."""
    import brian2 as b2

    return -math.log(1.0 - min(rc.nmda_saturation_increment, 0.999999)) / (rc.tau_nmda_rise_s * b2.second)


def _trace_sample(n: int, max_cells: int = 500) -> np.ndarray:
    """Cells whose state is recorded for the population-mean traces (evenly spaced)."""
    return np.unique(np.linspace(0, n - 1, min(n, max_cells)).astype(int))
