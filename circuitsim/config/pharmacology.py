"""Config of the drugs' action at receptors: ketamine's NMDA block (Hill or trapping), NBQX's AMPA block."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from .base import ConfigModel
from .drugs import ketamine
from .fields import Quantity
from .units import CONCENTRATION, MASS_CONCENTRATION, RATE, RATE_PER_UM


class HillBlock(ConfigModel):
    """Equilibrium block b = C^n / (C^n + IC50^n), one IC50 per population.

    IC50s with 1 mM Mg2+ at -66 mV, recombinant receptors (Kotermanski &
    Johnson 2009, J Neurosci 29:2774): GluN2A 5.35 uM, GluN2B 5.08 uM,
    GluN2C 1.18 uM, GluN2D 2.95 uM. Pyramidal cells: GluN2A/2B (~5.2 uM);
    fast-spiking interneurons: GluN2C/2D-enriched (mean of 2C and 2D, ~2 uM).
    Hill slope ~1 (ibid.).
    """

    ic50_pyramidal_um: Quantity(CONCENTRATION, gt="0 uM", le="10 mM") = Field("5.2 uM", alias="ic50_pyramidal")
    ic50_interneuron_um: Quantity(CONCENTRATION, gt="0 uM", le="10 mM") = Field("2.0 uM", alias="ic50_interneuron")
    # VTA dopamine cells carry GluN2B- and GluN2D-containing receptors (Jones &
    # Gibb 2005, J Physiol 569:209, substantia nigra dopamine neurons; assumed
    # for the VTA): the mean of the 2B and 2D IC50s, 4.0 uM.
    ic50_vta_dopamine_um: Quantity(CONCENTRATION, gt="0 uM", le="10 mM") = Field("4.0 uM", alias="ic50_vta_dopamine")
    # VTA GABA cells: assumed GluN2C/2D-enriched like the cortical fast-spiking
    # interneurons (2.0 uM), so more sensitive than the dopamine cells, which
    # the drug then disinhibits (model assumption; no subunit measurement).
    ic50_vta_gaba_um: Quantity(CONCENTRATION, gt="0 uM", le="10 mM") = Field("2.0 uM", alias="ic50_vta_gaba")
    hill_n: float = Field(1.0, gt=0, le=5)


class TrappingBlock(ConfigModel):
    """Use-dependent open-channel block: db/dt = k_on C o (1 - b) - k_off b.

    ``o`` is the fraction of the cell's NMDA channels open at that moment
    (glutamate-bound gating s times Mg2+ unblock B(V)), so block accumulates
    where channels open often. At constant C and o the steady state is
    b = k_on C o / (k_on C o + k_off).

    Parameter choices:

    * k_on differs by subunit in the ratio of the Kotermanski & Johnson (2009)
      IC50s with 1 mM Mg2+ (GluN2A/2B 5.2 uM vs GluN2C/2D 2.0 uM: 2.6x).
    * k_off = 1 /s: calibration choice, so that block settles within about a
      second at clinical concentrations (relaxation rate k_on C o + k_off),
      consistent with the seconds-scale recovery from ketamine block of
      NMDA currents (MacDonald et al. 1991, J Physiol 432:483).
    * k_on_interneuron = 29 /uM/s: calibration choice giving the Hill model's
      interneuron block at 0.8 uM (0.29) at the open fraction measured in
      the default circuit at baseline (o ~ 0.017); docs/calibration.md.
    """

    k_on_pyramidal_per_um_s: Quantity(RATE_PER_UM, gt="0 /uM/s", le="1e6 /uM/s") = Field(
        "11.2 /uM/s", alias="k_on_pyramidal"
    )
    k_on_interneuron_per_um_s: Quantity(RATE_PER_UM, gt="0 /uM/s", le="1e6 /uM/s") = Field(
        "29 /uM/s", alias="k_on_interneuron"
    )
    # VTA: the same rule, k_on inversely proportional to the population's Hill
    # IC50 (11.2 /uM/s x 5.2 uM / IC50): 14.6 for the dopamine cells (4.0 uM),
    # 29 for the GABA cells (2.0 uM). At the VTA cells' baseline open
    # fractions (0.017-0.018, measured on the reduced circuit) the steady-state
    # trapping block at 0.8 uM is then within 0.01 of the Hill block.
    k_on_vta_dopamine_per_um_s: Quantity(RATE_PER_UM, gt="0 /uM/s", le="1e6 /uM/s") = Field(
        "14.6 /uM/s", alias="k_on_vta_dopamine"
    )
    k_on_vta_gaba_per_um_s: Quantity(RATE_PER_UM, gt="0 /uM/s", le="1e6 /uM/s") = Field(
        "29 /uM/s", alias="k_on_vta_gaba"
    )
    k_off_hz: Quantity(RATE, gt="0 Hz", le="1 kHz") = Field("1 /s", alias="k_off")


class NBQXBlock(ConfigModel):
    """AMPA block by NBQX: b = C^n / (C^n + IC50^n) on every AMPA conductance.

    IC50 0.15 uM (Sheardown et al. 1990, Science 247:571); Hill slope 1
    (assumption: one competitive site). The same in every population.
    """

    ic50_um: Quantity(CONCENTRATION, gt="0 uM", le="10 mM") = Field("0.15 uM", alias="ic50")
    hill_n: float = Field(1.0, gt=0, le=5)


def _ketamine_ki(enantiomer: str) -> str:
    return f"{ketamine().targets.nmda.ki_um[enantiomer]!r} uM"


class EnantiomerAffinities(ConfigModel):
    """NMDA-receptor affinities of S- and R-ketamine, which compete for the channel site.

    They make S and R one racemic-equivalent concentration
    (:func:`circuitsim.pharmacology.pd.racemic_equivalent_um`), the input of
    either block model and of the dissociation index.
    """

    # Default: ketamine's drug file (circuitsim/data/drugs/ketamine.yaml,
    # targets.nmda.ki: [3H]MK-801 displacement in rat brain membranes, Ebert
    # et al. 1997, Eur J Pharmacol 333:99), the scale of every drug file's Ki.
    ki_s_um: Quantity(CONCENTRATION, gt="0 uM", le="10 mM") = Field(
        default_factory=lambda: _ketamine_ki("S"), alias="ki_s")
    ki_r_um: Quantity(CONCENTRATION, gt="0 uM", le="10 mM") = Field(
        default_factory=lambda: _ketamine_ki("R"), alias="ki_r")


class DissociationIndex(ConfigModel):
    """The dissociation index D = C^n / (C^n + C50^n) of the racemic-equivalent brain concentration.

    C in plasma-equivalent ng/mL (:mod:`circuitsim.pharmacology.acute`
    derives the form and what the numbers give).
    """

    # Half-maximal effect-site concentration (ng/mL racemic equivalent):
    # calibration choice, the middle of the 50-200 ng/mL range over which
    # dissociation rises about linearly with plasma ketamine (SCIENCE.md,
    # stage 9).
    c50_ng_ml: Quantity(MASS_CONCENTRATION, gt="0 ng/mL", le="1000 ug/mL") = Field("125 ng/mL", alias="c50")
    # Steepness: calibration choice, the smallest integer for which the index
    # after the clinical infusion falls below a tenth of its peak within 2 h
    # of the end of the infusion (pharmacology/acute.py; tests/test_timeline.py).
    hill_n: float = Field(3.0, gt=0, le=10)


#: The GluN2 subunits a drug file's ``targets.nmda.subunit_ic50`` and
#: ``pharmacology.composition`` name.
SUBUNITS = ("GluN2A", "GluN2B", "GluN2C", "GluN2D")
Subunit = Literal["GluN2A", "GluN2B", "GluN2C", "GluN2D"]
#: The populations whose NMDA receptors a drug blocks.
BLOCKED_POPULATIONS = ("pyramidal", "interneuron", "vta_dopamine", "vta_gaba")


def _fractions(value: dict[str, float], where: str) -> dict[str, float]:
    if any(not (0.0 <= f <= 1.0) for f in value.values()) or abs(sum(value.values()) - 1.0) > 1e-9:
        raise ValueError(f"{where}: expected GluN2 fractions between 0 and 1 that sum to 1, got {value!r}")
    return value


class Composition(ConfigModel):
    """The GluN2 subunit fractions of each population's NMDA receptors.

    They turn a drug file's subunit IC50s (``targets.nmda.subunit_ic50``)
    into the drug's potency at each population, relative to ketamine's
    (:mod:`circuitsim.pharmacology.selectivity`): with fractions w_s of
    receptors whose IC50 is IC50_s, a low concentration C blocks
    sum_s w_s C / IC50_s, so the population's IC50 is 1 / sum_s (w_s / IC50_s).

    Which subunits: pyramidal cells GluN2A/2B, fast-spiking interneurons
    GluN2C/2D-enriched, VTA dopamine cells GluN2B/2D (Jones & Gibb 2005, J
    Physiol 569:209, nigral dopamine neurons), VTA GABA cells as the cortical
    interneurons (the reasons beside ``pharmacology.hill``). The fractions
    are calibration choices, as no subunit fractions per population could be
    read: with ketamine's subunit IC50s (its drug file, Kotermanski & Johnson
    2009) they give each population the calibrated racemic IC50 of
    ``pharmacology.hill`` (5.2, 2.0, 4.0, 2.0 uM) to 0.01 uM
    (tests/test_selectivity.py). Ketamine's own block is the calibrated
    ``pharmacology.hill`` / ``trapping`` numbers; the composition matters for
    any other drug with a subunit profile.
    """

    pyramidal: dict[Subunit, float] = {"GluN2A": 0.457, "GluN2B": 0.543}
    interneuron: dict[Subunit, float] = {"GluN2C": 0.317, "GluN2D": 0.683}
    vta_dopamine: dict[Subunit, float] = {"GluN2B": 0.626, "GluN2D": 0.374}
    vta_gaba: dict[Subunit, float] = {"GluN2C": 0.317, "GluN2D": 0.683}

    @field_validator("pyramidal", "interneuron", "vta_dopamine", "vta_gaba")
    @classmethod
    def _sum_to_one(cls, value: dict[str, float], info) -> dict[str, float]:
        return _fractions(value, info.field_name)


class Selectivity(ConfigModel):
    """The blocker's potency at each population relative to ketamine's, pyramidal cells = 1.

    Each population's block takes its IC50 divided by (Hill), its k_on
    multiplied by (trapping) this factor.
    """

    pyramidal: float = Field(1.0, gt=0, le=1e3)
    interneuron: float = Field(1.0, gt=0, le=1e3)
    vta_dopamine: float = Field(1.0, gt=0, le=1e3)
    vta_gaba: float = Field(1.0, gt=0, le=1e3)


class Blocker(ConfigModel):
    """What distinguishes the dosed NMDA-channel blocker from ketamine, on which the block is calibrated.

    Ketamine's values (selectivity 1 everywhere, escape 0) also for a drug
    file without ``subunit_ic50`` and ``trapped_fraction``. For a drug with
    them the engine sets this section from the dosing section
    (:func:`circuitsim.pharmacology.selectivity.dosed_blocker`); a bath
    protocol may set it by hand.

    ``escape``: the share of the drug that leaves a blocked channel when the
    channel closes, beyond ketamine's (partial trapping; trapping model
    only): ``1 - trapped_fraction / ketamine's trapped_fraction``.
    """

    selectivity: Selectivity = Selectivity()
    escape: float = Field(0.0, ge=0, lt=1)

    @property
    def is_ketamine(self) -> bool:
        sel = self.selectivity
        return self.escape == 0.0 and all(getattr(sel, pop) == 1.0 for pop in BLOCKED_POPULATIONS)


class PharmacologyConfig(ConfigModel):
    """How drug concentrations become receptor block: ketamine at NMDA, NBQX at AMPA receptors.

    Also the acute, concentration-tracking effect of ketamine, the
    dissociation index.
    """

    block_model: Literal["hill", "trapping"] = "trapping"
    hill: HillBlock = HillBlock()
    trapping: TrappingBlock = TrappingBlock()
    nbqx: NBQXBlock = NBQXBlock()
    enantiomers: EnantiomerAffinities = EnantiomerAffinities()
    composition: Composition = Composition()
    blocker: Blocker = Blocker()
    dissociation: DissociationIndex = DissociationIndex()

    @property
    def escapes(self) -> bool:
        """Whether the block equation carries the dosed drug's escape from closing channels (trapping only)."""
        return self.block_model == "trapping" and self.blocker.escape > 0

    @property
    def block_tau_s(self) -> float:
        """The block's slowest relaxation time (s): 1 / k_off for the trapping model, 0 for the Hill block."""
        return 1.0 / self.trapping.k_off_hz if self.block_model == "trapping" else 0.0
