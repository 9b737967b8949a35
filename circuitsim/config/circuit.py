"""Config of the spiking circuit: cell types, receptors, pathways, background drive, the VTA.

Every default with the source of its number beside it (docs/model.md
restates them); the circuit is built from this by circuitsim.network.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import ConfigModel
from .fields import Quantity
from .units import (
    CAPACITANCE,
    CONCENTRATION,
    CONDUCTANCE,
    CURRENT,
    MG_CONCENTRATION,
    RATE,
    TIME,
    VOLTAGE,
)


# --------------------------------------------------------------------------- cells
class CellParams(ConfigModel):
    """A conductance-based leaky integrate-and-fire cell type.

    Defaults are those of Brunel & Wang (2001, J Comput Neurosci 11:63), table 1,
    for layer 2/3 cortical cells; the interneuron overrides are in
    :class:`CircuitConfig`.
    """

    n: int = Field(4000, ge=1, le=1_000_000, description="number of cells")
    c_m_f: Quantity(CAPACITANCE, gt="0 F", le="1 uF") = Field("0.5 nF", alias="c_m")
    g_leak_s: Quantity(CONDUCTANCE, gt="0 S", le="1 uS") = Field("25 nS", alias="g_leak")
    e_leak_v: Quantity(VOLTAGE, ge="-200 mV", le="100 mV") = Field("-70 mV", alias="e_leak")
    v_threshold_v: Quantity(VOLTAGE, ge="-200 mV", le="100 mV") = Field("-50 mV", alias="v_threshold")
    v_reset_v: Quantity(VOLTAGE, ge="-200 mV", le="100 mV") = Field("-55 mV", alias="v_reset")
    t_refractory_s: Quantity(TIME, ge="0 s", le="1 s") = Field("2 ms", alias="t_refractory")
    # Spike-triggered adaptation current w (C dV/dt = ... - w; w += b at each
    # spike; dw/dt = -w / tau_w), the spike-triggered part of the adaptive
    # exponential model. Regular-spiking values b = 80.5 pA, tau_w = 144 ms:
    # Brette & Gerstner (2005, J Neurophysiol 94:3637), fitted to a
    # regular-spiking pyramidal cell. 0 pA switches adaptation off (fast-spiking
    # interneurons barely adapt).
    adaptation_increment_a: Quantity(CURRENT, ge="0 A", le="10 nA") = Field("0 pA", alias="adaptation_increment")
    tau_adaptation_s: Quantity(TIME, gt="0 s", le="100 s") = Field("144 ms", alias="tau_adaptation")

    @model_validator(mode="after")
    def _reset_below_threshold(self) -> CellParams:
        if not self.v_reset_v < self.v_threshold_v:
            raise ValueError(
                f"v_reset must lie below v_threshold, got {self.v_reset_v * 1e3:g} mV "
                f">= {self.v_threshold_v * 1e3:g} mV"
            )
        return self


def _interneuron_defaults() -> CellParams:
    # Fast-spiking interneurons: smaller and leakier, shorter refractory
    # period (Brunel & Wang 2001, table 1).
    return CellParams(
        n=1000, c_m="0.2 nF", g_leak="20 nS", t_refractory="1 ms"
    )


# ------------------------------------------------------------------------ synapses
class ReceptorParams(ConfigModel):
    """Receptor kinetics shared by all synapses.

    AMPA, NMDA and GABA_A time constants: Brunel & Wang (2001) after Hestrin et
    al. (1990), Spruston et al. (1995) and Salin & Prince (1996). The NMDA
    single-spike saturation increment ``a = 1 - exp(-alpha * tau_x)`` follows
    from Brunel & Wang's alpha = 0.5 /ms and tau_x = 2 ms (a = 0.63). Mg2+ block:
    Jahr & Stevens (1990), B(V) = 1 / (1 + [Mg] exp(-0.062 V/mV) / 3.57 mM).
    """

    e_exc_v: Quantity(VOLTAGE, ge="-200 mV", le="100 mV") = Field("0 mV", alias="e_exc")
    e_inh_v: Quantity(VOLTAGE, ge="-200 mV", le="100 mV") = Field("-70 mV", alias="e_inh")
    tau_ampa_s: Quantity(TIME, gt="0 s", le="10 s") = Field("2 ms", alias="tau_ampa")
    tau_nmda_rise_s: Quantity(TIME, gt="0 s", le="10 s") = Field("2 ms", alias="tau_nmda_rise")
    tau_nmda_decay_s: Quantity(TIME, gt="0 s", le="10 s") = Field("100 ms", alias="tau_nmda_decay")
    nmda_saturation_increment: float = Field(0.63, gt=0, le=1)
    tau_gaba_s: Quantity(TIME, gt="0 s", le="10 s") = Field("5 ms", alias="tau_gaba")
    mg_mm: Quantity(MG_CONCENTRATION, ge="0 mM", le="100 mM") = Field("1 mM", alias="mg")
    # Jahr & Stevens (1990): K = 3.57 mM, voltage slope 0.062 /mV.
    mg_k_mm: Quantity(MG_CONCENTRATION, gt="0 mM", le="1 M") = Field("3.57 mM", alias="mg_k")
    mg_slope_per_mv: float = Field(0.062, gt=0, le=1)

    @model_validator(mode="after")
    def _rise_before_decay(self) -> ReceptorParams:
        if not self.tau_nmda_rise_s < self.tau_nmda_decay_s:
            raise ValueError("tau_nmda_rise must be shorter than tau_nmda_decay")
        return self


class Pathway(ConfigModel):
    """One recurrent pathway: connection probability and peak conductances.

    ``g_nmda`` is the conductance of one fully open (s = 1) NMDA synapse.
    """

    p: float = Field(0.1, gt=0, le=1, description="connection probability")
    g_ampa_s: Quantity(CONDUCTANCE, ge="0 S", le="1 uS") = Field("0 nS", alias="g_ampa")
    g_nmda_s: Quantity(CONDUCTANCE, ge="0 S", le="1 uS") = Field("0 nS", alias="g_nmda")
    g_gaba_s: Quantity(CONDUCTANCE, ge="0 S", le="1 uS") = Field("0 nS", alias="g_gaba")


class ExternalDrive(ConfigModel):
    """Background Poisson input from outside the circuit (other areas, thalamus)."""

    n_inputs: int = Field(800, ge=0, le=100_000)
    rate_hz: Quantity(RATE, ge="0 Hz", le="10 kHz") = Field("3 Hz", alias="rate")
    g_ampa_s: Quantity(CONDUCTANCE, ge="0 S", le="1 uS") = Field("2 nS", alias="g_ampa")
    g_nmda_s: Quantity(CONDUCTANCE, ge="0 S", le="1 uS") = Field("0 nS", alias="g_nmda")


# ----------------------------------------------------------------------------- VTA
def _dopamine_cell_defaults() -> CellParams:
    # VTA dopamine cells. Membrane: the generic projection-neuron values of
    # Brunel & Wang (2001, table 1; C = 0.5 nF, g_L = 25 nS, tau_m = 20 ms),
    # not a fit to dopamine cells. Their slow, regular tonic firing is shaped by
    # a large, slow Ca2+-activated (SK) afterhyperpolarisation (Wolfart et al.
    # 2001, J Neurosci 21:3443), modelled as the spike-triggered adaptation
    # current: b = 60 pA, tau_w = 200 ms, calibration choices (docs/model.md,
    # VTA calibration). n = 300 with 150 GABA cells: the ~2:1 ratio of
    # dopamine to GABA neurons in rat VTA (Nair-Roberts et al. 2008,
    # Neuroscience 152:1024); the absolute numbers are a sample, large enough
    # for a per-epoch rate to ~2 % (300 cells x 5.5 Hz x 1.7 s: 2800 spikes).
    return CellParams(n=300, adaptation_increment="60 pA", tau_adaptation="200 ms")


def _vta_gaba_defaults() -> CellParams:
    # VTA GABA neurons: fast-firing (~19 Hz in vivo, Steffensen et al. 1998,
    # J Neurosci 18:8003), given the fast-spiking interneuron membrane of
    # Brunel & Wang (2001, table 1); no adaptation.
    return CellParams(n=150, c_m="0.2 nF", g_leak="20 nS", t_refractory="1 ms")


class DopaminePool(ConfigModel):
    """Extracellular dopamine in the targets of the VTA: dD/dt = q r_DA(t) - D / tau_uptake.

    r_DA is the dopamine cells' population rate (spikes per cell per second),
    so q is the rise of D when every dopamine cell fires once. Linear uptake is
    the first-order limit of dopamine-transporter (DAT) Michaelis-Menten
    uptake at concentrations well below its Km (~0.2 uM). Only D relative to
    its baseline mean (``dopamine_rel``) is a calibrated output; it depends on
    neither q nor tau_uptake in steady state.
    """

    # Order of the homogenised extracellular rise after one impulse in all
    # dopamine axons, ~80 nM (Cragg & Rice 2004, reviewed by Schultz 2007,
    # Annu Rev Neurosci 30:259). Sets the scale of ``dopamine_um`` only: at
    # the default 5.5 Hz and 0.1 s the tonic level is 44 nM, above the 5-10 nM
    # of microdialysis baselines (ibid.), an upper estimate.
    release_per_spike_um: Quantity(CONCENTRATION, gt="0 uM", le="100 uM") = Field(
        "0.08 uM", alias="release_per_spike")
    # DAT-rich nucleus accumbens / striatum: half-life of released dopamine
    # ~50 ms in the accumbens (Garris et al. 1994, J Neurosci 14:6084; tau =
    # t1/2 / ln 2 = 72 ms), back to baseline within ~200 ms of a single pulse
    # (Schultz 2007): 100 ms. Prefrontal cortex has little DAT and clears
    # dopamine several times more slowly (Garris & Wightman 1994, J Neurosci
    # 14:442): use ~1 s there.
    tau_uptake_s: Quantity(TIME, gt="0 s", le="60 s") = Field("100 ms", alias="tau_uptake")


class VTAConfig(ConfigModel):
    """The dopamine side branch: a VTA of dopamine cells and local GABA cells driven by the pyramidal cells.

    Pyramidal cells (the prefrontal output) excite both VTA populations
    through AMPA and NMDA receptors (prefrontal afferents synapse on VTA
    dopamine and GABA neurons: Carr & Sesack 2000, J Neurosci 20:3864); the
    GABA cells inhibit the dopamine cells (GABA_A); each population gets its
    own background Poisson drive. Nothing projects back to the cortex, so the
    cortical circuit is the same with or without the VTA (see docs/model.md
    for what that means for random numbers). The drug blocks the VTA NMDA
    receptors with each population's own IC50 / k_on
    (``pharmacology.hill.ic50_vta_*``, ``pharmacology.trapping.k_on_vta_*``).
    Connection probabilities, conductances and drives are calibration
    choices (docs/model.md, "VTA"; experiments/calibration/vta_probe.py):
    tonic dopamine firing 2-8 Hz, GABA cells 10-30 Hz, dopamine up by
    25-100 % at 0.8 uM and not up at 10 uM. Measured on the default circuit
    (3 seeds): 5.4-5.5 Hz, 15.6-16.1 Hz, +54 to +55 %, -63 to -65 %.
    """

    enabled: bool = True
    dopamine: CellParams = Field(default_factory=_dopamine_cell_defaults)
    gaba: CellParams = Field(default_factory=_vta_gaba_defaults)
    # Prefrontal input: p = 0.1 of the 4000 pyramidal cells gives 400 inputs per
    # VTA cell, the cortical in-degree. Conductances: calibration choices
    # (docs/model.md, "VTA"). The dopamine cells' prefrontal input is
    # AMPA-dominated: it must be able to raise them when the pyramidal cells
    # speed up, though their own NMDA receptors are partly blocked. The GABA
    # cells' is NMDA-rich (the assumption, as for the cortical fast-spiking
    # interneurons, behind ketamine's disinhibition of dopamine cells).
    pfc_to_dopamine: Pathway = Pathway(g_ampa="0.2 nS", g_nmda="0.03 nS")
    pfc_to_gaba: Pathway = Pathway(g_ampa="0.03 nS", g_nmda="0.1 nS")
    # Local inhibition: 30 GABA inputs per dopamine cell (p = 0.2 of 150),
    # calibration choice.
    gaba_to_dopamine: Pathway = Pathway(p=0.2, g_gaba="1.5 nS")
    # Background drive (calibration choices, docs/model.md): the dopamine
    # cells' pacemaking and their other afferents (pedunculopontine and
    # laterodorsal tegmentum, lateral hypothalamus, ...) as 200 trains at
    # 3 Hz, the GABA cells' as 100, each a bundle of contacts with a large
    # summed conductance (as the pyramidal background): few strong trains keep
    # the cells fluctuation-driven, so that their rates change gradually with
    # the drive. A drive of many weak NMDA-rich trains (800 x 3 Hz, the
    # cortical interneurons') left the GABA cells mean-driven and all but
    # silenced by the 29 % NMDA block of 0.8 uM (-90 %). NMDA carries about
    # 60 % of the GABA cells' mean excitatory current, 30 % of the dopamine
    # cells' (docs/model.md): with an NMDA-dominated dopamine drive
    # (NMDA 6.4 nS, AMPA 9 nS on 50 trains) the 10 uM block silenced the
    # dopamine cells (-99 %).
    external_dopamine: ExternalDrive = ExternalDrive(n_inputs=200, g_ampa="5 nS", g_nmda="0.8 nS")
    external_gaba: ExternalDrive = ExternalDrive(n_inputs=100, g_ampa="4 nS", g_nmda="1.68 nS")
    # Prefrontal -> VTA delays. The real conduction latency is longer (~10 mm of
    # axon in the rat at ~1-2 m/s: several ms), but the NMDA increment a
    # pyramidal spike carries is read on arrival and is exact only if the
    # sender cannot spike again in flight, so the delay must stay below the
    # pyramidal refractory period (validated). A latency of a few ms shifts
    # the VTA's response by less than one 10 ms analysis bin and does not
    # change the rates measured over seconds.
    pfc_delay_min_s: Quantity(TIME, gt="0 s", le="1 s") = Field("1 ms", alias="pfc_delay_min")
    pfc_delay_max_s: Quantity(TIME, gt="0 s", le="1 s") = Field("1.9 ms", alias="pfc_delay_max")
    # GABA -> dopamine: local, as the cortical delays.
    local_delay_min_s: Quantity(TIME, gt="0 s", le="1 s") = Field("0.5 ms", alias="local_delay_min")
    local_delay_max_s: Quantity(TIME, gt="0 s", le="1 s") = Field("1.5 ms", alias="local_delay_max")
    dopamine_pool: DopaminePool = DopaminePool()

    @model_validator(mode="after")
    def _delay_order(self) -> VTAConfig:
        for kind in ("pfc", "local"):
            lo, hi = getattr(self, f"{kind}_delay_min_s"), getattr(self, f"{kind}_delay_max_s")
            if hi < lo:
                raise ValueError(f"{kind}_delay_max must not be shorter than {kind}_delay_min, "
                                 f"got {hi * 1e3:g} ms < {lo * 1e3:g} ms")
        return self


class CircuitConfig(ConfigModel):
    """The spiking E/I circuit (see docs/calibration.md for how defaults were chosen)."""

    # Regular-spiking pyramidal cells adapt (Brette & Gerstner 2005 RS values:
    # b = 80.5 pA, tau_w = 144 ms); b = 87 pA is the calibrated value (session
    # 2, docs/calibration.md): adaptation bounds the pyramidal escape when the
    # interneurons fall silent at anaesthetic concentrations.
    pyramidal: CellParams = CellParams(adaptation_increment="87 pA")
    interneuron: CellParams = Field(default_factory=_interneuron_defaults)
    receptors: ReceptorParams = ReceptorParams()
    # Calibration (session 2, docs/calibration.md, searched in the spiking
    # circuit with experiments/calibration/probe.py). In-degrees at p = 0.1:
    # 400 E and 100 I inputs per cell. The levers, measured:
    # * weak E->I: the interneuron drop at 0.8 uM is divided by (1 + loop gain
    #   of E -> I -> E); with Brunel-Wang-like E->I the rising pyramidal cells
    #   drive the interneurons back up (-16 % instead of -25 %);
    # * weak I->I: the interneurons' relative response to their NMDA drive is
    #   h / (h - rheobase), which strong recurrent inhibition pushes toward 1;
    # * a pyramidal drive whose NMDA current exceeds ~1.5x the GABA current it
    #   receives, so that at 10 uM the lost NMDA drive outweighs the lost
    #   inhibition (the inverted U);
    # * weak E->E: with strong recurrent excitation the adaptation turns the
    #   circuit into slow population bursts.
    e_to_e: Pathway = Pathway(g_ampa="0.098 nS", g_nmda="0.047 nS")
    e_to_i: Pathway = Pathway(g_ampa="0.05 nS", g_nmda="0.1 nS")
    i_to_e: Pathway = Pathway(g_gaba="2.95 nS")
    i_to_i: Pathway = Pathway(g_gaba="1.0 nS")
    # Background input. Pyramidal cells: 50 independent afferent trains at 3 Hz,
    # each standing for a bundle of contacts of one long-range (thalamic or
    # cortico-cortical) afferent, hence a large summed conductance per train
    # (AMPA 6.3 nS: a ~1.4 mV unitary EPSP). Few strong trains give the large
    # membrane fluctuations of the fluctuation-driven in vivo regime (pyramidal
    # ISI CV >= 0.8); many weak ones (Brunel & Wang's 800 x 3 Hz) gave CV
    # 0.4-0.7 (measured, docs/calibration.md). The pyramidal background carries
    # NMDA (calibrated, see above). Interneurons: 800 trains at 3 Hz (Brunel &
    # Wang 2001), NMDA-rich (tonic NMDA drive of fast-spiking interneurons,
    # Homayoun & Moghaddam 2007; SCIENCE.md calibration notes).
    external_pyramidal: ExternalDrive = ExternalDrive(n_inputs=50, g_ampa="6.3 nS", g_nmda="16.5 nS")
    external_interneuron: ExternalDrive = ExternalDrive(g_ampa="0.1 nS", g_nmda="0.63 nS")
    # Local cortical conduction + synaptic delays of about a millisecond
    # (Brunel & Wang 2001 use 0.5 ms); spread uniformly to avoid lock-step
    # arrival. Must stay below the pyramidal refractory period (see _delays).
    delay_min_s: Quantity(TIME, gt="0 s", le="1 s") = Field("0.5 ms", alias="delay_min")
    delay_max_s: Quantity(TIME, gt="0 s", le="1 s") = Field("1.5 ms", alias="delay_max")
    dt_s: Quantity(TIME, gt="0 s", le="1 ms") = Field("0.1 ms", alias="dt")
    # The dopamine side branch (SCIENCE.md stage 9; docs/model.md, "VTA").
    vta: VTAConfig = VTAConfig()
    # A SONATA network (circuit_config.json) whose synapses replace the ones
    # drawn from the seed: who connects to whom, with which delay and weight
    # (circuitsim.network.sonata; docs/sonata.md). The cells' parameters, the
    # drive and the VTA stay this section's. A relative path is taken from
    # the config file's folder. None: drawn from the seed.
    network: str | None = None

    @model_validator(mode="after")
    def _delays(self) -> CircuitConfig:
        if self.delay_max_s < self.delay_min_s:
            raise ValueError("delay_max must not be shorter than delay_min")
        if self.delay_min_s < self.dt_s:
            raise ValueError("delay_min must be at least one time step dt")
        # The NMDA increment a pyramidal spike carries is read when it arrives;
        # it is exact only if the sender cannot spike again in flight.
        if self.delay_max_s >= self.pyramidal.t_refractory_s:
            raise ValueError(
                "delay_max must be shorter than pyramidal.t_refractory "
                "(the NMDA saturation of a spike is read on arrival)"
            )
        return self

    @model_validator(mode="after")
    def _vta_delays(self) -> CircuitConfig:
        v = self.vta
        for key, value in (("pfc_delay_min", v.pfc_delay_min_s), ("local_delay_min", v.local_delay_min_s)):
            if value < self.dt_s:
                raise ValueError(f"vta.{key} must be at least one time step dt "
                                 f"({self.dt_s * 1e3:g} ms), got {value * 1e3:g} ms")
        # As for the cortical delays: the NMDA increment is read on arrival.
        if v.pfc_delay_max_s >= self.pyramidal.t_refractory_s:
            raise ValueError(
                f"vta.pfc_delay_max must be shorter than pyramidal.t_refractory "
                f"({self.pyramidal.t_refractory_s * 1e3:g} ms; the NMDA saturation of a spike "
                f"is read on arrival), got {v.pfc_delay_max_s * 1e3:g} ms")
        return self
