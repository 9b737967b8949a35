"""The circuit's equations: Brian2 model text and namespaces of cells and receptors.

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
synapse at every step) kept for the benchmark (the synapses' model text is in
:func:`circuitsim.network.groups.pathway_synapses`).
"""

from __future__ import annotations

import math

from ..config.circuit import CircuitConfig
from ..config.pharmacology import PharmacologyConfig


def neuron_equations(block_model: str, formulation: str, adaptation: bool = False,
                     ampa_block: bool = False, escape: bool = False) -> str:
    """Brian2 equations of one population's cells.

    Parameters
    ----------
    block_model : {"hill", "trapping"}
        Drug block: Hill equilibrium or use-dependent trapping.
    formulation : {"event", "per_synapse_ode"}
        NMDA formulation (see the module docstring).
    adaptation : bool
        Add the spike-triggered adaptation current ``w_adapt`` (A).
    ampa_block : bool
        Scale the AMPA conductance by the NBQX block (only for protocols that
        apply NBQX).
    escape : bool
        Trapping model: the blocker escapes closing channels more often than
        ketamine (``pharmacology.blocker.escape`` > 0; the rate
        ``escape_rate`` x gating, :mod:`circuitsim.pharmacology.selectivity`).

    Returns
    -------
    str
        The model text; the names it uses come from :func:`common_namespace`
        and the population's own namespace.
    """
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
        leave = "(k_off + escape_rate * g_nmda / g_nmda_max)" if escape else "k_off"
        block = f"dblock/dt = k_on * conc(t) * open_frac * (1 - block) - {leave} * block : 1"
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
SENDER_EQS = """
dx_self/dt = -x_self / tau_nmda_rise : 1
ds_self/dt = -s_self / tau_nmda_decay + x_self / tau_nmda_rise : 1
delta_nmda : 1
"""
SENDER_RESET = """
delta_nmda = nmda_a * clip(1 - s_self - x_self, 0, 1)
x_self += delta_nmda
"""


def poisson_mean_increment(a: float, rate_hz: float, tau_rise_s: float, tau_decay_s: float) -> float:
    """Mean NMDA increment E[Delta] of a Poisson source (see module docstring)."""
    return a / (1.0 + a * rate_hz * (tau_rise_s + tau_decay_s))


def common_namespace(circuit: CircuitConfig, pc: PharmacologyConfig, conc, nbqx=None) -> dict:
    """Brian2 namespace shared by every population: receptors, Mg2+ unblock, drug block.

    Parameters
    ----------
    circuit : CircuitConfig
        The circuit (its receptor kinetics).
    pc : PharmacologyConfig
        The block model's constants.
    conc : brian2.TimedArray
        Drug concentration (uM) over time.
    nbqx : brian2.TimedArray, optional
        NBQX concentration (uM) over time, only for protocols that apply NBQX.
    """
    import brian2 as b2

    rc = circuit.receptors
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
    if nbqx is not None:
        common.update(nbqx=nbqx, nbqx_ic50=pc.nbqx.ic50_um, nbqx_n=pc.nbqx.hill_n)
    return common


def synapse_namespace(pw, rc) -> dict:
    """Brian2 namespace of the synapses of pathway `pw` (receptor kinetics `rc`)."""
    import brian2 as b2

    return {"g_ampa_syn": pw.g_ampa_s * b2.siemens, "g_nmda_syn": pw.g_nmda_s * b2.siemens,
            "g_gaba_syn": pw.g_gaba_s * b2.siemens, "alpha_nmda": _alpha(rc),
            "tau_nmda_rise": rc.tau_nmda_rise_s * b2.second,
            "tau_nmda_decay": rc.tau_nmda_decay_s * b2.second}


def _alpha(rc) -> object:
    """Brunel-Wang alpha that gives the same single-spike increment a = 1 - exp(-alpha tau_x)."""
    import brian2 as b2

    return -math.log(1.0 - min(rc.nmda_saturation_increment, 0.999999)) / (rc.tau_nmda_rise_s * b2.second)
