"""Building the Brian2 network of one sample on the active device.

:func:`build_network` creates every object of a circuit, each named, in a
fixed order (the cortex's populations, recurrent pathways and external drive,
then the VTA, then the monitors), so that build-time random draws and the
generated code are the same on every call; :class:`BuiltNetwork` runs it and
reads the results back into a :class:`~circuitsim.network.sample.FastSample`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..seeds import int_seed, recorded_rng
from .connectivity import PATHWAYS, random_pairs, uniform_delays
from .drive import external_drive
from .equations import common_namespace, synapse_namespace
from .groups import cell_group, pathway_synapses
from .inputs import CircuitSpec, DrugInput, Stimulus, SynapseWeights
from .sample import POPULATIONS, FastSample, Recorded
from .standalone import seed_at_run_time
from .vta import build_vta

#: The drug TimedArray is padded (with its last value, which it holds beyond
#: its end anyway) to a power of two of at least this many 1-ms samples: its
#: length is compiled into the generated code, so protocols of different
#: durations up to 131 s share the same code. The staircases of one
#: experiment run for ~1-65 s, and a length that changed with them made
#: every neuron's state update recompile when a build directory went from
#: one staircase to the next (1 MB of samples costs nothing to write).
CONC_MIN_SAMPLES = 2**17



def padded_trace(c: np.ndarray) -> np.ndarray:
    """Drug trace `c` padded with its last value to a power of two of at least :data:`CONC_MIN_SAMPLES`."""
    n = max(CONC_MIN_SAMPLES, 1 << max(len(c) - 1, 0).bit_length())
    return np.concatenate([c, np.full(n - len(c), c[-1] if len(c) else 0.0)])


@dataclass
class BuiltNetwork:
    """The Brian2 network of one sample and what is needed to read it back."""

    net: object
    spike_mons: dict
    state_mons: dict
    record_mons: dict
    c_trace: np.ndarray
    nbqx_trace: np.ndarray | None
    n_cells: dict
    duration_s: float
    seeds: dict

    def run(self, **kwargs) -> None:
        """Run the network for the protocol's duration (`kwargs` go to ``Network.run``)."""
        import brian2 as b2

        self.net.run(self.duration_s * b2.second, namespace={}, **kwargs)

    def collect(self, *, wall_build_s: float, wall_run_s: float, **info) -> FastSample:
        """Read spikes and population-mean traces back after the run; `info` becomes ``run_info``."""
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
        recordings = {}
        for pop, (mon, variables, ids) in self.record_mons.items():
            recordings[pop] = Recorded(t_s=np.asarray(mon.t / b2.second, dtype=np.float64), ids=ids,
                                       values={var: np.asarray(getattr(mon, var)[:], dtype=np.float64).T
                                               for var in variables})
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
            recordings=recordings,
        )


def e_to_e_pairs(spec: CircuitSpec, used: dict[str, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(pre, post) of the circuit's E->E synapses, in the order their weights are given.

    With a spine-slot pool (``spec.spine_slots`` > 0) these are the slots:
    every pair is a potential synapse with probability ``e_to_e.p x
    spine_slots``, and the spines (:mod:`circuitsim.plasticity.spines`) set
    their weights.
    """
    if spec.connectivity is not None:
        pw = _given(spec, "e_to_e")
        return pw.pre, pw.post
    cc = spec.circuit
    p = cc.e_to_e.p
    if spec.spine_slots:
        p = min(1.0, p * spec.spine_slots)
    n = cc.pyramidal.n
    return random_pairs(n, n, p, recorded_rng(spec.seed, "connectivity.e_to_e", used), autapses=False)


def e_to_i_pairs(spec: CircuitSpec, used: dict[str, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(pre, post) of the circuit's E->I synapses, in the order their weights are given.

    With E->I agents (``spec.e_to_i_slots`` > 0) these are their slots, as
    for :func:`e_to_e_pairs`.
    """
    if spec.connectivity is not None:
        pw = _given(spec, "e_to_i")
        return pw.pre, pw.post
    cc = spec.circuit
    p = cc.e_to_i.p
    if spec.e_to_i_slots:
        p = min(1.0, p * spec.e_to_i_slots)
    return random_pairs(cc.pyramidal.n, cc.interneuron.n, p, recorded_rng(spec.seed, "connectivity.e_to_i", used),
                        autapses=True)


def i_to_e_pairs(spec: CircuitSpec) -> tuple[np.ndarray, np.ndarray]:
    """(pre, post) of the circuit's I->E synapses (interneuron, pyramidal cell)."""
    if spec.connectivity is not None:
        pw = _given(spec, "i_to_e")
        return pw.pre, pw.post
    cc = spec.circuit
    return random_pairs(cc.interneuron.n, cc.pyramidal.n, cc.i_to_e.p,
                        recorded_rng(spec.seed, "connectivity.i_to_e", None), autapses=True)


def _given(spec: CircuitSpec, name: str):
    """Pathway `name` of ``spec.connectivity``, its ids checked against the populations' sizes."""
    pw = spec.connectivity.pathways[name]
    for ids, pop in zip((pw.pre, pw.post), PATHWAYS[name], strict=True):
        n = getattr(spec.circuit, pop).n
        if len(ids) and (ids.min() < 0 or ids.max() >= n):
            raise ValueError(f"{name}: expected {pop} ids from 0 to {n - 1}, got {ids.min()} to {ids.max()}")
    return pw


def pathway_pairs(spec: CircuitSpec, name: str, used: dict[str, int] | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pre, post, delay in s) of cortical pathway `name` (a key of :data:`PATHWAYS`), as every sample builds it.

    From ``spec.connectivity`` when it is given (an imported network), else
    drawn from the seed's named streams.
    """
    cc = spec.circuit
    if spec.connectivity is not None:
        pw = _given(spec, name)
        return pw.pre, pw.post, pw.delay_s
    if name == "e_to_e":
        i, j = e_to_e_pairs(spec, used)
    elif name == "e_to_i":
        i, j = e_to_i_pairs(spec, used)
    else:
        src, dst = PATHWAYS[name]
        i, j = random_pairs(getattr(cc, src).n, getattr(cc, dst).n, getattr(cc, name).p,
                            recorded_rng(spec.seed, f"connectivity.{name}", used), autapses=src != dst)
    delays = uniform_delays(len(i), cc.delay_min_s, cc.delay_max_s, cc.dt_s,
                            recorded_rng(spec.seed, f"delays.{name}", used))
    return i, j, delays


def pathway_weights(spec: CircuitSpec, name: str, n_synapses: int, weights: SynapseWeights) -> np.ndarray | None:
    """The relative weight (``w_syn``) of every synapse of pathway `name`; None for the GABA pathways (no weight).

    `weights` gives them (the agents'), else an imported network's
    (``spec.connectivity``), else the circuit's default: 1, or
    1 / slots over a pool of potential synapses (the same total weight as
    the calibrated circuit until the agents set it).
    """
    if name not in ("e_to_e", "e_to_i"):
        return None
    slots = spec.spine_slots if name == "e_to_e" else spec.e_to_i_slots
    given = weights.e_to_e if name == "e_to_e" else weights.e_to_i
    if given is None and spec.connectivity is not None:
        given = spec.connectivity.pathways[name].weight
    if given is None:
        return np.full(n_synapses, 1.0 / slots) if slots else np.ones(n_synapses)
    w = np.asarray(given, dtype=float)
    if w.shape != (n_synapses,):
        raise ValueError(f"{name} weights must have {n_synapses} entries, got {w.shape}")
    return w


def build_network(spec: CircuitSpec, drug: DrugInput, formulation: str,
                  weights: np.ndarray | SynapseWeights | None, stimulus: Stimulus | None = None) -> BuiltNetwork:
    """Create the Brian2 objects of circuit `spec` under `drug` on the active device (every object named).

    Parameters
    ----------
    spec : CircuitSpec
        The circuit, its receptor pharmacology, the seed.
    drug : DrugInput
        The concentrations (uM) the receptors see over the sample.
    formulation : {"event", "per_synapse_ode"}
        NMDA formulation (:mod:`circuitsim.network.equations`).
    weights : ndarray, SynapseWeights or None
        The E->E weights, or E->E and E->I (see :func:`circuitsim.network.simulate.simulate_sample`).
    stimulus : Stimulus, optional
        Pulses to some pyramidal cells, run until ``stimulus.stop_s`` (None: none).

    Returns
    -------
    BuiltNetwork
        The network, not yet run.
    """
    import brian2 as b2
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice
    from brian2.devices.device import get_device

    cc = spec.circuit
    rc = cc.receptors
    dt = cc.dt_s * b2.second
    b2.defaultclock.dt = dt
    seeds = {"dynamics": int_seed(spec.seed, "brian2.dynamics")}
    device = get_device()
    if isinstance(device, CPPStandaloneDevice):
        seed_at_run_time(device, seeds["dynamics"])
    else:
        b2.seed(seeds["dynamics"])

    conc, nbqx = _drug_arrays(drug)
    common = common_namespace(cc, spec.pharmacology, conc, nbqx)

    ext_cfg = {"pyramidal": cc.external_pyramidal, "interneuron": cc.external_interneuron}
    cells = {"pyramidal": cc.pyramidal, "interneuron": cc.interneuron}
    groups = {}
    objects = []
    for pop in POPULATIONS:
        g = cell_group(spec, pop, cells[pop], ext_cfg[pop], common, formulation,
                       sender=pop == "pyramidal" and formulation == "event", used=seeds)
        groups[pop] = g
        objects.append(g)

    # ---- recurrent synapses
    n = {pop: cells[pop].n for pop in POPULATIONS}
    g_nmda_max = {pop: np.zeros(n[pop]) for pop in POPULATIONS}
    objects += _recurrent_synapses(spec, groups, n, formulation, SynapseWeights.of(weights), g_nmda_max, seeds)

    # ---- external Poisson drive
    for pop in POPULATIONS:
        g_nmda_max[pop] += external_drive(groups[pop], ext_cfg[pop], rc, formulation)
    for pop in POPULATIONS:
        groups[pop].g_nmda_max = np.maximum(g_nmda_max[pop], 1e-15) * b2.siemens

    # ---- the VTA, built after the whole cortex: the cortex's build-time
    # random draws (initial arrival times) come first, as without it.
    if cc.vta.enabled:
        vta_groups, vta_objects = build_vta(spec, formulation, common, groups["pyramidal"], seeds)
        groups.update(vta_groups)
        objects += vta_objects
        n.update({pop: g.N for pop, g in vta_groups.items()})

    # ---- recording
    spike_mons, state_mons, record_mons = _monitors(spec, groups, n)
    objects += [*spike_mons.values(), *state_mons.values(), *(mon for mon, _v, _i in record_mons.values())]
    objects += stimulus_objects(stimulus, groups["pyramidal"]) if stimulus is not None else []

    net = b2.Network(*objects, name="circuit")
    return BuiltNetwork(net=net, spike_mons=spike_mons, state_mons=state_mons, record_mons=record_mons,
                        c_trace=drug.ketamine_um,
                        nbqx_trace=drug.nbqx_um, n_cells=dict(n), seeds=seeds,
                        duration_s=max(drug.duration_s, stimulus.stop_s if stimulus is not None else 0.0))


def stimulus_objects(stimulus: Stimulus, pyramidal) -> list:
    """A spike generator firing at every pulse time and its synapses onto the stimulated cells.

    Each pulse adds ``stimulus.g_pulse_s`` to the AMPA conductance of every
    stimulated cell (one generator cell per stimulated cell). Added last:
    they draw no random numbers, so nothing before the first pulse changes.
    """
    import brian2 as b2

    k = len(stimulus.cells)
    if int(stimulus.cells.max()) >= pyramidal.N:
        raise ValueError(f"Stimulus.cells: expected ids below {pyramidal.N} (the pyramidal cells)")
    ids = np.tile(np.arange(k), len(stimulus.times_s))
    times = np.repeat(stimulus.times_s, k)
    gen = b2.SpikeGeneratorGroup(k, ids, times * b2.second, name="probe_stimulus")
    syn = b2.Synapses(gen, pyramidal, on_pre="g_ampa_post += g_pulse",
                      namespace={"g_pulse": stimulus.g_pulse_s * b2.siemens}, name="syn_probe")
    syn.connect(i=np.arange(k), j=np.asarray(stimulus.cells))
    return [gen, syn]


def _drug_arrays(drug: DrugInput) -> tuple:
    """The TimedArrays of ketamine and (None without it) NBQX, in 1-ms steps (``DrugInput.dt_s``)."""
    import brian2 as b2

    conc = b2.TimedArray(padded_trace(drug.ketamine_um), dt=1 * b2.ms, name="drug_concentration")
    nbqx = None
    if drug.nbqx_um is not None:
        nbqx = b2.TimedArray(padded_trace(drug.nbqx_um), dt=1 * b2.ms, name="nbqx_concentration")
    return conc, nbqx


def _recurrent_synapses(spec: CircuitSpec, groups: dict, n: dict, formulation: str,
                        weights: SynapseWeights, g_nmda_max: dict, used: dict[str, int]) -> list:
    """The four connected cortical pathways, in a fixed order.

    Adds the NMDA conductance (S) of each pyramidal-cell synapse to its
    target's pool in `g_nmda_max` (population -> array over cells); the
    random streams drawn from are noted in `used`.
    """
    import brian2 as b2

    cc = spec.circuit
    objects = []
    for name, (src, dst) in PATHWAYS.items():
        pw = getattr(cc, name)
        i, j, delays = pathway_pairs(spec, name, used)
        syn = pathway_synapses(groups[src], groups[dst], src == "interneuron", formulation,
                               synapse_namespace(pw, cc.receptors), f"syn_{name}")
        syn.connect(i=i, j=j)
        syn.delay = delays * b2.second
        w = pathway_weights(spec, name, len(i), weights)
        if w is not None:
            syn.w_syn = w
            g_nmda_max[dst] += np.bincount(j, weights=w, minlength=n[dst]) * pw.g_nmda_s
        objects.append(syn)
    return objects


def _monitors(spec: CircuitSpec, groups: dict, n: dict) -> tuple[dict, dict, dict]:
    """Spike monitors, population-trace state monitors and the recorders of ``spec.recording``, by population."""
    import brian2 as b2

    spike_mons = {pop: b2.SpikeMonitor(g, name=f"spikes_{pop}") for pop, g in groups.items()}
    trace_clock = b2.Clock(spec.trace_dt_s * b2.second, name="trace_clock")
    state_mons = {
        pop: b2.StateMonitor(g, ["block", "open_frac", "g_ampa", "g_nmda"],
                             record=_trace_sample(n[pop]), clock=trace_clock, name=f"trace_{pop}")
        for pop, g in groups.items()
    }
    return spike_mons, state_mons, _recorders(spec, groups)


def _recorders(spec: CircuitSpec, groups: dict) -> dict:
    """population -> (StateMonitor, variables, node ids) of ``spec.recording`` (empty without)."""
    import brian2 as b2

    rec = spec.recording
    if rec is None:
        return {}
    return {pop: (b2.StateMonitor(groups[pop], list(rec.variables), record=ids, dt=rec.interval_s * b2.second,
                                  name=f"record_{pop}"), rec.variables, ids)
            for pop, ids in rec.cells.items()}


def _trace_sample(n: int, max_cells: int = 500) -> np.ndarray:
    """Cells whose state is recorded for the population-mean traces (evenly spaced)."""
    return np.unique(np.linspace(0, n - 1, min(n, max_cells)).astype(int))
