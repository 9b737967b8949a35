"""How a channel blocker differs from ketamine: selectivity between populations (subunit IC50s, GluN2 composition) and trapping.

The circuit's block is calibrated on racemic ketamine: each population has
its own IC50 (Hill) or k_on (trapping), standing for its NMDA subunits
(``pharmacology.hill``, ``trapping``). A channel blocker's concentration
enters as a racemic-ketamine equivalent on the channel site's scale
(:func:`circuitsim.pharmacology.pd.channel_site_equivalent_um`), which is
ketamine's potency at the pyramidal cells. A drug whose subunit profile
differs from ketamine's (memantine's IC50s rise more at GluN2A/2B than at
GluN2C/2D with Mg2+) is then more or less potent at the other populations
than ketamine would be. Its selectivity at population p, relative to
ketamine's and normalised to the pyramidal cells, is

    s_p = (IC50_pyr(drug) / IC50_p(drug)) / (IC50_pyr(ket) / IC50_p(ket))

with each population's IC50 from its composition w (fractions of GluN2A-D,
``pharmacology.composition``): IC50_p = 1 / sum_s (w_s / IC50_s). The
profile also sets the drug's potency at the pyramidal cells, in place of
its Mg2+-free channel-site affinity (:func:`site_ki_um`): both profiles
are IC50s with 1 mM Mg2+, the condition of the calibrated block. The
conditions of each profile (voltage, preparation) are named in the drug
files.

Trapping (the trapping block model only): a drug that escapes from a
closing channel more often than ketamine (memantine, lanicemine: partial
trapping) loses block each time a blocked channel's gate closes. The share
beyond ketamine's, ``escape = 1 - f / f_ketamine`` with f the fraction of
block that stays trapped when agonist is removed, measured for the drugs
together in one preparation (the drug files' ``trapped_fraction``), adds
an unblocking rate ``escape x s / tau_nmda_decay`` to the block equation
(s: the cell's NMDA gating; s / tau_nmda_decay: how often a channel's
gate closes). Ketamine's own trapping is in its calibrated constants.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..config import drugs
from ..config.pharmacology import BLOCKED_POPULATIONS, Blocker, PharmacologyConfig, Selectivity
from ..errors import UserInputError
from .pd import racemic_ic50_um


def population_ic50_um(profile: Mapping[str, float], fractions: Mapping[str, float]) -> float:
    """IC50 (uM) of a population whose receptors are `fractions` of the subunits of `profile` (subunit -> IC50)."""
    return 1.0 / sum(w / profile[s] for s, w in fractions.items() if w > 0)


def potency(profile: Mapping[str, float], reference: Mapping[str, float],
            pc: PharmacologyConfig) -> dict[str, float]:
    """Potency of a drug with subunit IC50s `profile` at each population, relative to ketamine's (`reference`).

    IC50_p(ketamine) / IC50_p(drug), each population's IC50 from its
    composition (``pc.composition``).
    """
    comp = pc.composition
    return {pop: population_ic50_um(reference, getattr(comp, pop)) / population_ic50_um(profile, getattr(comp, pop))
            for pop in BLOCKED_POPULATIONS}


def selectivity(profile: Mapping[str, float] | None, reference: Mapping[str, float] | None,
                pc: PharmacologyConfig) -> Selectivity:
    """The selectivity of a drug with subunit IC50s `profile` against ketamine's `reference` (module docstring).

    None for either: ketamine's selectivity (1 everywhere).
    """
    if profile is None or reference is None:
        return Selectivity()
    rel = potency(profile, reference, pc)
    return Selectivity(**{pop: rel[pop] / rel["pyramidal"] for pop in BLOCKED_POPULATIONS})


def site_ki_um(ki_um: float, profile: Mapping[str, float] | None, pc: PharmacologyConfig) -> float:
    """The affinity (uM, on the channel-site scale of ketamine's Ki) that gives a drug its pyramidal potency.

    Without subunit IC50s, its file's ``ki``. With them, its potency at the
    pyramidal cells is the profile's, against ketamine's with Mg2+ (the
    circuit's block is calibrated on ketamine with 1 mM Mg2+, whose IC50s
    ``pharmacology.hill`` holds): IC50_rac x IC50_pyr(drug) / IC50_pyr(ketamine),
    with IC50_rac the racemic IC50 of ``pharmacology.enantiomers``. So
    memantine, whose block falls more with Mg2+ at GluN2A/2B than
    ketamine's, is weaker at pyramidal cells than its Mg2+-free affinity says.
    """
    if profile is None:
        return ki_um
    ki = pc.enantiomers
    rel = potency(profile, drugs.ketamine().targets.nmda.subunit_ic50_um, pc)["pyramidal"]
    return racemic_ic50_um(ki.ki_s_um, ki.ki_r_um) / rel


def escape(trapped: float | None, reference: float | None) -> float:
    """The share of a drug that escapes a closing channel beyond ketamine's: 1 - f / f_ketamine (0 without both)."""
    if trapped is None or reference is None:
        return 0.0
    return max(0.0, 1.0 - trapped / reference)


def drug_blocker(ref: drugs.DrugRef, pc: PharmacologyConfig) -> Blocker | None:
    """How the drug a dose names differs from ketamine at the NMDA channel; None without an NMDA target (NBQX)."""
    drug, _form = drugs.resolve(ref)
    nmda = drug.targets.nmda
    if nmda is None:
        return None
    ket = drugs.ketamine().targets.nmda
    return Blocker(selectivity=selectivity(nmda.subunit_ic50_um, ket.subunit_ic50_um, pc),
                   escape=escape(nmda.trapped_fraction, ket.trapped_fraction))


def dosed_blocker(doses, pc: PharmacologyConfig) -> Blocker:
    """The one :class:`Blocker` of every NMDA blocker among `doses` (``dosing.doses``), with composition ``pc``.

    Raises
    ------
    UserInputError
        Blockers that differ in one run (the circuit takes one selectivity
        per population and one escape), or ``pharmacology.blocker`` set
        beside a dosing section that fixes it.
    """
    found: dict[str, Blocker] = {}
    for dose in doses:
        b = drug_blocker(dose.drug, pc)
        if b is not None:
            found.setdefault(drugs.label(dose.drug), b)
    values = list(found.values())
    if any(_differs(v, values[0]) for v in values[1:]):
        raise UserInputError(
            f"dosing.doses: NMDA blockers that differ in subunit selectivity or trapping in one run "
            f"({', '.join(found)}); expected blockers that share them (the circuit takes one "
            f"pharmacology.blocker)")
    blocker = values[0] if values else Blocker()
    if not pc.blocker.is_ketamine and _differs(pc.blocker, blocker):
        raise UserInputError("pharmacology.blocker: the dosed drug's file sets it; "
                             "expected it unset beside a dosing section")
    return blocker


def _differs(a: Blocker, b: Blocker) -> bool:
    def close(x: float, y: float) -> bool:
        return abs(x - y) <= 1e-12 * max(abs(x), abs(y), 1.0)

    return not (close(a.escape, b.escape)
                and all(close(getattr(a.selectivity, p), getattr(b.selectivity, p)) for p in BLOCKED_POPULATIONS))
