"""The Brian2 objects of one population and of one pathway, as the cortex and the VTA build them.

:func:`cell_group` makes a population's NeuronGroup (equations from
:mod:`circuitsim.network.equations`, random initial voltages from the
population's own NumPy stream); :func:`pathway_synapses` makes the
unconnected Synapses of one pathway.
"""

from __future__ import annotations

import numpy as np

from ..seeds import recorded_rng
from .drive import external_kinds
from .equations import SENDER_EQS, SENDER_RESET, neuron_equations
from .inputs import CircuitSpec


def cell_group(spec: CircuitSpec, pop: str, p, ext, common: dict, formulation: str, sender: bool,
               used: dict[str, int] | None = None):
    """The NeuronGroup of population `pop` (cell parameters `p`, external drive `ext`).

    `sender`: the cells keep their own NMDA gating (the sender side of the
    event-driven scheme), for populations whose spikes carry NMDA. The
    initial-state stream is noted in `used` (name -> seed).
    """
    import brian2 as b2

    pc = spec.pharmacology
    ns = dict(common)
    ns.update(
        c_m=p.c_m_f * b2.farad,
        g_leak=p.g_leak_s * b2.siemens,
        e_leak=p.e_leak_v * b2.volt,
        # The dosed drug's selectivity (1 for ketamine: its calibrated numbers).
        ic50=getattr(pc.hill, f"ic50_{pop}_um") / getattr(pc.blocker.selectivity, pop),
        k_on=getattr(pc.trapping, f"k_on_{pop}_per_um_s") * getattr(pc.blocker.selectivity, pop) / b2.second,
    )
    adapt = p.adaptation_increment_a > 0
    eqs = neuron_equations(pc.block_model, formulation, adapt, ampa_block="nbqx" in common, escape=pc.escapes)
    if pc.escapes:  # each closing of a blocked channel's gate lets this share of the drug out
        ns["escape_rate"] = pc.blocker.escape / (spec.circuit.receptors.tau_nmda_decay_s * b2.second)
    reset = "v = v_reset_value"
    if adapt:
        reset += "\nw_adapt += adapt_increment"
        ns["adapt_increment"] = p.adaptation_increment_a * b2.amp
        ns["tau_adapt"] = p.tau_adaptation_s * b2.second
    if sender:
        eqs += SENDER_EQS
        reset += "\n" + SENDER_RESET
    # Refractoriness as a condition on time since the spike, not Brian2's
    # step count (timestep(t - lastspike) >= timestep(t_ref)): the same steps
    # are refractory (a threshold half a step below t_ref is 0.5 dt clear of
    # every rounding of t - lastspike, a multiple of dt), but a double
    # comparison instead of a double -> int64 conversion lets the compiler
    # vectorise the state update (benchmarks/fast_stage.py; issue 20).
    ns["t_refractory_end"] = (p.t_refractory_s - 0.5 * spec.circuit.dt_s) * b2.second
    ns["v_reset_value"] = p.v_reset_v * b2.volt
    ns["v_threshold_value"] = p.v_threshold_v * b2.volt
    # External Poisson drive as events (see circuitsim.network.drive): one arrival
    # clock per cell.
    has_ext = bool(external_kinds(ext))
    if has_ext:
        eqs += "\n    t_next_ext : second\n"
    g = b2.NeuronGroup(
        p.n,
        eqs,
        threshold="v > v_threshold_value",
        reset=reset,
        refractory="(t - lastspike) < t_refractory_end",
        events={"external": "t >= t_next_ext"} if has_ext else None,
        method="euler",
        namespace=ns,
        name=pop,
    )
    g.v = initial_voltage(spec.seed, pop, p, used) * b2.volt
    return g


def initial_voltage(seed: int, pop: str, p, used: dict[str, int] | None = None) -> np.ndarray:
    """The initial membrane potential (V) of the `p.n` cells of population `pop` (cell parameters `p`): uniform from reset to threshold."""
    return recorded_rng(seed, f"initial_state.{pop}", used).uniform(p.v_reset_v, p.v_threshold_v, size=p.n)


def pathway_synapses(source, target, inhibitory: bool, formulation: str, ns: dict, name: str):
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
