"""Config of the slow stage: the signalling cascade, the spine agents, chronic stress, interventions.

Embedded in :class:`circuitsim.config.schema.Config` as ``plasticity``
(absent: no slow stage). Units as everywhere: strings with units in YAML,
SI-named floats once loaded (days carry ``_d``, hours ``_h``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from .base import ConfigModel
from .fields import Name, Quantity
from .presets import PLASTICITY_PRESETS, with_preset
from .probe import CircuitProbeConfig
from .run_options import RUN_OPTION
from .spines import SpineConfig
from .units import TIME
from .wiring import InterneuronWiringConfig

_DAY_S = 86400.0


class SignallingConfig(ConfigModel):
    """The translation cascade of each pyramidal neuron (circuitsim.plasticity.signalling).

    Time constants are set so that the cascade has the published delays:
    p-eEF2 falls within ~30 min (Autry et al. 2011, Nature 475:91: tau 10
    min covers 95 % of the fall in 30 min); mTORC1 is phosphorylated within
    30-60 min (Li et al. 2010, Science 329:959: BDNF tau 30 min, TrkB 5 min,
    mTORC1 15 min put its rise within the hour); synaptic proteins are up from
    ~2 h (ibid.: tau 6 h gives 28 % of the rise by 2 h). The gains are
    calibration choices (docs/plasticity.md).
    """

    tau_p_eef2_s: Quantity(TIME, gt="0 s", le="365 d") = Field("10 min", alias="tau_p_eef2")
    tau_bdnf_s: Quantity(TIME, gt="0 s", le="365 d") = Field("30 min", alias="tau_bdnf")
    tau_trkb_s: Quantity(TIME, gt="0 s", le="365 d") = Field("5 min", alias="tau_trkb")
    tau_mtorc1_s: Quantity(TIME, gt="0 s", le="365 d") = Field("15 min", alias="tau_mtorc1")
    tau_protein_s: Quantity(TIME, gt="0 s", le="365 d") = Field("6 h", alias="tau_protein")
    # eEF2 kinase inhibition per unit of AMPA drive above rest (strong AMPA
    # activation switches it off; SCIENCE.md stage 5). Calibration choice.
    ampa_kinase_gain: float = Field(1.0, ge=0, le=100)
    # Induced BDNF translation per unit of dephosphorylated eEF2. Calibration choice.
    translation_gain: float = Field(2.0, ge=0, le=100)
    # BDNF release grows with AMPA drive as drive^n (activity-dependent
    # release); n = 1 is the simplest such law (calibration choice).
    release_exponent: float = Field(1.0, ge=0, le=5)
    # TrkB half-activation, in units of resting BDNF (calibration choice).
    trkb_half_activation: float = Field(1.0, gt=0, le=100)
    # Synaptic protein per unit of mTORC1 above rest (calibration choice).
    protein_gain: float = Field(2.0, ge=0, le=100)


class StressConfig(ConfigModel):
    """A chronic-stress history before the experiment (e.g. 21 days of restraint).

    Each pyramidal neuron has a susceptibility: a fraction ``susceptible`` of
    the neurons (drawn from the seed) carries stress level ``level`` for
    ``duration``, the rest none, so that the spine loss is concentrated on
    some neurons, as branch-specific loss is in the mouse (Moda-Sava et al.
    2019, Science 364:eaat8078).
    """

    duration_s: Quantity(TIME, ge="0 s", le="36500 d") = Field("21 d", alias="duration")
    level: float = Field(1.0, ge=0, le=100)
    susceptible: float = Field(0.5, ge=0, le=1)


class AgeConfig(ConfigModel):
    """The animal's age: ``adult`` (default) or ``adolescent``, a critical period that closes.

    In an adolescent the spines turn over faster, their elimination,
    formation and stabilisation depend on NMDA-receptor activation, and the
    eEF2 -> BDNF translation that gives ketamine its synaptic effect in
    adults is not yet mature; all of it fades to the adult rules as the
    critical period closes. With c(t) = exp(-t / closure) the openness of
    the period (t in days from the first dose; 1 before it) and
    X_i = N A_i the NMDA-receptor activation of pyramidal neuron i relative
    to rest (N the unblocked fraction of its NMDA receptors, A_i its
    synaptic activation, the cascade's inputs):

    * **Turnover.** Spine time runs 1 + (turnover - 1) c(t) times as fast
      as adult time: formation, elimination, growth and maturation
      together, so that the pool's occupancy at rest is the adult one. In
      1-month-old mice 13-20 % of spines are eliminated over 2 weeks,
      against 3-5 % in adults (Zuo et al. 2005, Neuron 46:181); the
      default is calibrated to that (docs/plasticity.md, "Adolescence").
    * **Activity-dependent pruning.** The elimination hazard is scaled by
      max(1 + pruning c(t) (X_i - 1), 0): in adolescent mice, sensory
      deprivation and chronic NMDA-receptor blockade (MK-801) both slowed
      spine elimination, restored activity or drug withdrawal sped it up,
      and the effect waned with maturity (Zuo, Lin, Chang & Gan 2005,
      Nature 436:261). ``pruning`` = 1 (elimination proportional to the
      excess activation) is the simplest such law (model choice).
    * **NMDA-dependent formation and stabilisation.** Formation, and the
      maturation of young spines into stable ones, are scaled by
      g_i = 1 - nmda_dependence c(t) (1 - min(X_i, 1)): glutamate-induced
      spinogenesis needs NMDA receptors and declines with age (Kwon &
      Sabatini 2011, Nature 474:100); nascent spines are stabilised by
      NMDA-dependent potentiation (Hill & Zito 2013, J Neurosci 33:678). A
      young spine that is not maturing keeps its young, high hazard.
    * **Immature translation.** The cascade's induced BDNF translation
      (``signalling.translation_gain``) is scaled by
      1 - translation_immaturity c(t): ketamine gave neither an
      antidepressant response nor the protein-synthesis-dependent synaptic
      potentiation in juvenile mice (Nosyreva et al. 2014, Front Mol
      Neurosci 7:94).

    At rest (X = 1, no drug) only the faster turnover acts. In an adult
    (c = 0) none of it applies: the model is the adult model of the rest
    of the package.
    """

    stage: Literal["adult", "adolescent"] = "adult"
    # Turnover factor at the opening of the critical period (calibration
    # against Zuo et al. 2005, see the class docstring).
    turnover: float = Field(6.0, ge=1.0, le=100.0)
    # Closure of the critical period: adolescence in the mouse runs from
    # about P21 to P60 (Spear 2000, Neurosci Biobehav Rev 24:417); with the
    # first dose at 4 weeks (P28), 15 days leave c = 0.1 at P63.
    closure_s: Quantity(TIME, gt="0 s", le="36500 d") = Field("15 d", alias="closure")
    # How fully formation and maturation depend on NMDA activation while
    # the period is open (1: entirely; model choice, see the docstring).
    nmda_dependence: float = Field(1.0, ge=0, le=1)
    # Gain of the activity-dependent elimination (model choice, docstring).
    pruning: float = Field(1.0, ge=0, le=10)
    # How much of the induced translation is missing at the opening (1: all;
    # Nosyreva et al. 2014 saw no potentiation in juveniles; model choice).
    translation_immaturity: float = Field(1.0, ge=0, le=1)

    @property
    def adolescent(self) -> bool:
        return self.stage == "adolescent"

    def openness(self, t_d):
        """c(t) at times `t_d` (days from the first dose): 0 for an adult."""
        t = np.asarray(t_d, dtype=float)
        if not self.adolescent:
            return np.zeros_like(t)
        return np.exp(-np.maximum(t, 0.0) / (self.closure_s / _DAY_S))

    def spine_time_d(self, t_d):
        """Spine time at times `t_d` (days): the integral of the turnover factor from 0."""
        return self.clock_d(t_d, self.turnover)

    def clock_d(self, t_d, speed: float):
        """The integral from 0 of 1 + (speed - 1) c(t) at times `t_d` (days): a clock that runs `speed`
        times as fast while the period is open (before 0 as well), adult time after; `t_d` in an adult."""
        t = np.asarray(t_d, dtype=float)
        if not self.adolescent:
            return t
        tau = self.closure_s / _DAY_S
        extra = speed - 1.0
        return np.where(t >= 0, t + extra * tau * -np.expm1(-np.maximum(t, 0.0) / tau), speed * t)


InterventionKind = Literal["rapamycin", "ana12", "anisomycin", "bdnf_knockout", "eef2k_inhibitor"]

#: Which link of the cascade each intervention inhibits (signalling.Inhibition field).
INTERVENTION_TARGET = {
    "rapamycin": "mtor",
    "ana12": "trkb",
    "anisomycin": "synthesis",
    "bdnf_knockout": "bdnf_knockout",
    "eef2k_inhibitor": "eef2k",
}


class Intervention(ConfigModel):
    """A blocker active over a time window (relative to the first dose), with its strength.

    NBQX, the AMPA antagonist, is a dose (``dosing.doses[].drug: nbqx``):
    it acts through the circuit's AMPA block.
    """

    kind: InterventionKind
    # Default window: from the first dose for 1 d, which covers one dose's
    # induced cascade (p-eEF2, BDNF, mTORC1 at rest by 12 h, synaptic protein
    # within 2.1 % of rest at 24 h; docs/model.md, "The slow stage").
    start_s: Quantity(TIME, ge="-36500 d", le="36500 d") = Field("0 s", alias="start")
    duration_s: Quantity(TIME, gt="0 s", le="36500 d") = Field("1 d", alias="duration")
    inhibition: float = Field(1.0, ge=0, le=1)


class Arm(ConfigModel):
    """A variant of the experiment run beside it: its name and ``--set``-style overrides.

    E.g. the drug-free control ``{name: stress, set: ["dosing.doses.0.amount=0 mg/kg"]}``
    or a blocker ``{name: "+ rapamycin", set: ["plasticity.interventions=[{kind: rapamycin}]"]}``.
    """

    name: Name(64, r"^[A-Za-z0-9_ .,+()-]+$")
    set: list[str] = Field(default_factory=list)


class ImagingConfig(ConfigModel):
    """Imaging sessions: what two-photon imaging of the same dendrites would see (issue 18, item 2).

    At each session the run records which slots hold a spine and which spine
    (its formation time); between consecutive sessions it reports the spines
    formed and eliminated as % of the spines seen at the earlier one, and the
    density relative to session ``reference`` (docs/plasticity.md, "Imaging
    readout"; :mod:`circuitsim.plasticity.imaging`). Session times are
    relative to the first dose and must end by ``plasticity.days_after``;
    sessions before the start of the run (the stress history, or the dose
    when there is none) add a drug-free, stress-free period of that length
    before it, stepped from the healthy pool with its own random stream
    (``spines.lead``).
    """

    # E.g. [-3 d, -1 d, 1 d, 3 d, 5 d, 10 d, 15 d] (Phoumthipphavong et al.
    # 2016, eNeuro: 2-day intervals around one dose). Strictly increasing, >= 2.
    sessions_s: list[Quantity(TIME, ge="-365 d", le="36500 d")] = Field(alias="sessions")
    # Index of the session that density is relative to.
    reference: int = Field(0, ge=0, le=1000)
    # Imaging sees a few dendrites: the number of pyramidal neurons imaged,
    # drawn without replacement from the seed's "imaging.neurons" stream;
    # null: every pyramidal neuron (model choice: all, for the least noise).
    neurons: int | None = Field(None, ge=1, le=1_000_000)

    @model_validator(mode="after")
    def _sessions(self) -> ImagingConfig:
        s = self.sessions_s
        days = "[" + ", ".join(f"{t / _DAY_S:g} d" for t in s) + "]"
        if len(s) < 2:
            raise ValueError(f"sessions: expected at least 2 sessions, got {days}")
        if any(b <= a for a, b in zip(s[:-1], s[1:], strict=True)):
            raise ValueError(f"sessions: expected strictly increasing times, got {days}")
        if self.reference >= len(s):
            raise ValueError(f"reference: expected the index of a session (0 to {len(s) - 1}), "
                             f"got {self.reference}")
        return self

    @property
    def sessions_d(self) -> list[float]:
        """Session times, days from the first dose."""
        return [t / _DAY_S for t in self.sessions_s]


class SpinogenesisConfig(ConfigModel):
    """The slow spinogenic program (circuitsim.plasticity.spinogenesis): formation x (1 + gain G).

    G follows the synaptic protein's excess through two first-order stages
    (tau_rise, then tau_decay). Both time constants are set from the
    published windows of formation after a dose, not fitted to an effect
    size: formation not up at 3-6 h but up at 12-24 h after one dose
    (Moda-Sava et al. 2019, via the abstract of a later paper), up at
    72-132 h but not at 6-24 h of five daily doses (Pryazhnikov et al. 2018,
    abstract), density higher for up to 2 weeks (Phoumthipphavong et al.
    2016, abstract). docs/plasticity.md, "Persistence", gives the windows
    the chosen values produce. The gain is calibrated (the preset that sets
    it, circuitsim/config/presets.py). Off (gain 0) by default.
    """

    # Induction: the stage that the protein's excess drives. 12 h: with the
    # protein's own rise (signalling.tau_protein 6 h), formation over 3-6 h
    # is x1.08 of vehicle where it is x2.00 over 12-24 h (one mouse dose,
    # experiments/calibration/program_windows.py; choice among 3-24 h).
    tau_rise_s: Quantity(TIME, gt="0 s", le="365 d") = Field("12 h", alias="tau_rise")
    # Decay of the program: 3 days, so that formation stays up for days
    # (x1.26 at 5-10 d, x1.05 at 10-15 d, same script) and density for about
    # two weeks (choice among 1-5 d).
    tau_decay_s: Quantity(TIME, gt="0 s", le="365 d") = Field("3 d", alias="tau_decay")
    # Formation x (1 + gain G), G in units of the protein's excess.
    gain: float = Field(0.0, ge=0, le=1000)


class PlasticityConfig(ConfigModel):
    """The slow stage: days of signalling and spines in closed loop with the circuit."""

    # A named parameter set calibrated together (circuitsim.config.presets,
    # with the source of every value): it fills the keys of `spines` and
    # `spinogenesis` that the config does not set. null: the defaults below.
    preset: Literal[tuple(PLASTICITY_PRESETS)] | None = None
    signalling: SignallingConfig = SignallingConfig()
    spines: SpineConfig = SpineConfig()
    stress: StressConfig | None = None
    interventions: list[Intervention] = Field(default_factory=list)
    age: AgeConfig = AgeConfig()
    # The slow spinogenic program; null: none (formation follows the protein only).
    spinogenesis: SpinogenesisConfig | None = None
    # How long after the first dose to follow the spines.
    days_after_s: Quantity(TIME, gt="0 s", le="36500 d") = Field("7 d", alias="days_after")
    # Steps: the cascade and the spines at `acute_step` over the drug's window
    # (0 to timeline.horizon; 5 min = the cascade's fastest time constant,
    # tau_trkb), at `slow_step` during the stress history and after the window
    # (2 h: a third of tau_protein, a sixth of the spines' tau_volume).
    # Halving both changed the 24-h spine gain by 1.6 % of itself
    # (docs/model.md, "The slow stage").
    acute_step_s: Quantity(TIME, gt="0 s", le="30 d") = Field("5 min", alias="acute_step")
    slow_step_s: Quantity(TIME, gt="0 s", le="30 d") = Field("2 h", alias="slow_step")
    # A drug-free circuit sample (its rates over days) at least this often
    # after the drug's window: a measurement that feeds nothing back; the
    # rates between samples are interpolated, and after day 1 the spine
    # density behind them changes slowly (experiments/persistence/README.md).
    sample_every_s: Quantity(TIME, gt="0 s", le="36500 d") = Field("1 d", alias="sample_every")
    # Times after the first dose at which the whole spine pool (every slot's
    # state and volume) is kept in the results file as the pool "day <d>",
    # beside "healthy", "at dose" and "end" (`circuitsim export-sonata
    # --pool`): kept at the first step at or after each time. Changes no
    # result (a run option).
    save_pools_s: list[Quantity(TIME, ge="0 s", le="36500 d")] = Field(
        default_factory=list, alias="save_pools", json_schema_extra=RUN_OPTION)
    # Variants run beside the experiment (controls, blockers), each with the
    # experiment's seed, so that they differ only by their overrides; their
    # circuit is sampled at the dose and at the end only.
    arms: list[Arm] = Field(default_factory=list)
    # Imaging sessions (absent: none; ImagingConfig).
    imaging: ImagingConfig | None = None
    # Co-activity and evoked spread in every drug-free check (absent: none;
    # CircuitProbeConfig). With it, the arms are sampled daily as well.
    circuit_probe: CircuitProbeConfig | None = None
    # The E->I synapses as agents (absent: the calibrated E->I synapses;
    # InterneuronWiringConfig).
    interneuron_wiring: InterneuronWiringConfig | None = None

    @model_validator(mode="before")
    @classmethod
    def _preset(cls, data):
        return with_preset(data, {"spines": SpineConfig, "spinogenesis": SpinogenesisConfig})

    @model_validator(mode="after")
    def _arm_names(self) -> PlasticityConfig:
        names = [a.name for a in self.arms]
        if len(set(names)) != len(names):
            raise ValueError(f"arms: names must be unique, got {names}")
        return self

    @model_validator(mode="after")
    def _steps(self) -> PlasticityConfig:
        if self.acute_step_s > self.slow_step_s:
            raise ValueError("acute_step must not be longer than slow_step")
        return self

    @model_validator(mode="after")
    def _sessions_within_the_run(self) -> PlasticityConfig:
        if self.imaging is not None and self.imaging.sessions_s[-1] > self.days_after_s * (1 + 1e-12):
            raise ValueError(f"imaging.sessions: the last session is after the end of the run "
                             f"(plasticity.days_after = {self.days_after:g} d); expected sessions up to it, "
                             f"got {self.imaging.sessions_s[-1] / _DAY_S:g} d")
        return self

    @model_validator(mode="after")
    def _pools_within_the_run(self) -> PlasticityConfig:
        late = [t for t in self.save_pools_s if t > self.days_after_s * (1 + 1e-12)]
        if late:
            raise ValueError(f"save_pools: expected times up to plasticity.days_after ({self.days_after:g} d), "
                             f"got {late[0] / _DAY_S:g} d")
        if len(set(self.save_pools_s)) != len(self.save_pools_s):
            raise ValueError(f"save_pools: expected distinct times, got {[t / _DAY_S for t in self.save_pools_s]} d")
        return self

    @property
    def days_after(self) -> float:
        return self.days_after_s / _DAY_S

