"""Config of the drugs' action at receptors: ketamine's NMDA block (Hill or trapping), NBQX's AMPA block."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

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


class PharmacologyConfig(ConfigModel):
    """How drug concentrations become receptor block: ketamine at NMDA, NBQX at AMPA receptors.

    Also the acute, concentration-tracking effect of ketamine, the
    dissociation index.
    """

    block_model: Literal["hill", "trapping"] = "hill"
    hill: HillBlock = HillBlock()
    trapping: TrappingBlock = TrappingBlock()
    nbqx: NBQXBlock = NBQXBlock()
    enantiomers: EnantiomerAffinities = EnantiomerAffinities()
    dissociation: DissociationIndex = DissociationIndex()
