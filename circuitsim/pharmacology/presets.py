"""The presets: ketamine's pharmacokinetics in humans, rats and mice, and NBQX's.

Every number with its source or the calibration choice behind it; the
derivations, and the figures the human preset produces, are in
docs/pharmacokinetics.md. The models are in
:mod:`circuitsim.pharmacology.parameters`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..errors import UserInputError
from .parameters import Absorption, CompoundPK, SpeciesPK

# ----------------------------------------------------------------------- constants
#: Molar mass of ketamine base, C13H16ClNO (g/mol). SCIENCE.md.
KETAMINE_MW_G_PER_MOL = 237.7
#: ng/mL per uM: 1 umol/L x 237.7 g/mol = 237.7 ug/L = 237.7 ng/mL.
NG_PER_ML_PER_UM = KETAMINE_MW_G_PER_MOL

#: Fraction of a dose that is S- and R-ketamine.
ENANTIOMER_FRACTIONS: Mapping[str, tuple[float, float]] = MappingProxyType({
    "racemic": (0.5, 0.5),
    "esketamine": (1.0, 0.0),
    "arketamine": (0.0, 1.0),
})


# Human, per 70 kg.
#   CL = 79 L/h and Vss = 252 L: population PK meta-analysis of racemic
#     ketamine (Kamp et al. 2020, Anesthesiology; SCIENCE.md).
#   Terminal half-life ln2 / 0.27 h = 2.567 h (k = 0.27 /h, SCIENCE.md).
#   V1 = 100 L: calibration choice. V1 sets the distribution half-life
#     (~11 min at 100 L, 9.5 min at 90 L, 13 min at 110 L) and barely moves the
#     peak after 0.5 mg/kg over 40 min (188 to 179 ng/mL for V1 = 80 to 120 L,
#     docs/pharmacokinetics.md); 100 L gives the ~10 min distribution
#     half-life and 184 ng/mL against the 185 ng/mL of Zarate et al. 2006.
#   Q, V2 from distribution_from_terminal(79, 252, 100, ln2/0.27):
#     Q = 194.7 L/h, V2 = 152 L (tested in tests/test_pk.py).
#   S : R clearance 1.165: 18.4 vs 15.8 mL/min/kg for S- and R-ketamine after
#     racemic ketamine (Wang et al. 2019, Drug Des Devel Ther 13:4135); given
#     separately, 0.024 vs 0.020 L/min/kg (1.2; Persson et al. 2002, Eur J
#     Clin Pharmacol 57:869); smaller R clearance after the racemate also in
#     Geisslinger et al. 1993 (Br J Anaesth 70:666). With the harmonic-mean
#     rule, CL_S = 85.5 L/h, CL_R = 73.4 L/h.
#   ke0 half-life 1 min: EEG effect-site equilibration half-times of 23 s
#     (slow waves) and 47 s (theta) after 1.5 mg/kg i.v. (Sleigh et al. 2019,
#     Br J Anaesth 123:592), rounded up to a minute (calibration choice).
#   brain_plasma_ratio 1: calibration choice. The concentration that blocks
#     receptors is the unbound brain concentration; ketamine crosses the
#     blood-brain barrier passively, so at equilibrium it follows plasma. The
#     circuit's IC50s and SCIENCE.md's concentration ranges (185 ng/mL =
#     0.78 uM antidepressant, 5-10 uM anaesthetic) are plasma-equivalent
#     concentrations, so the ratio that keeps the circuit's calibration is 1.
#     (Esketamine is 43-45 % bound to plasma proteins, Spravato label: an
#     unbound-plasma convention would use ~0.55 together with unbound IC50s.)
#   brain_tissue_ratio 6.5: total brain tissue : plasma of ketamine in the
#     rat after i.v. dosing, constant over time (Cohen et al. 1973,
#     Anesthesiology 39:370); no human measurement, rat value used.
#   Intranasal: F = 0.48, Tmax 20-40 min after the last spray (Spravato
#     label, esketamine nasal spray). ka = 2.3 /h puts the plasma Tmax of a
#     single administration at 29 min (calibration choice). Racemic nasal
#     formulations reach only 11-17 % (Pharmacotherapy 2022, SCIENCE.md):
#     pass bioavailability on the dose for them.
#   Subcutaneous: F = 0.93 taken from intramuscular ketamine (Clements et al.
#     1982, J Pharm Sci 71:539), same ka as intranasal: calibration choices.
HUMAN = SpeciesPK(
    name="human",
    reference_weight="70 kg",
    cl="79 L/h",
    v1="100 L",
    q="194.7 L/h",
    v2="152 L",
    clearance_ratio_s_to_r=1.165,
    ke0_half_life="1 min",
    brain_plasma_ratio=1.0,
    brain_tissue_ratio=6.5,
    routes={
        "intranasal": Absorption(bioavailability=0.48, absorption_rate="2.3 /h"),
        "subcutaneous": Absorption(bioavailability=0.93, absorption_rate="2.3 /h"),
    },
)

# Rat (0.25 kg) and mouse (0.02 kg): calibration choices, derived from the
# human preset: no rodent ketamine PK study could be checked here closely
# enough to fit the model to (docs/pharmacokinetics.md says which numbers
# are sourced and which are chosen).
#   Reference weights: mouse 0.02 kg is the reference body weight of the FDA
#     dose-conversion guidance (CDER 2005, Estimating the Maximum Safe
#     Starting Dose in Initial Clinical Trials..., table 1: mouse 0.020 kg,
#     rat 0.150 kg); rat 0.25 kg is a calibration choice (an adult rat),
#     heavier than that reference. A mg/kg dose gives the same concentrations
#     at any weight; the weight matters for fixed-mg doses and for the NBQX
#     rodent presets, scaled from the human one at this weight
#     (docs/model.md, "Pharmacokinetics").
#   Clearance. Ketamine is a high-extraction drug: its human clearance
#     (79 L/h = 18.8 mL/min/kg) is ~0.9 of hepatic blood flow (20.7
#     mL/min/kg; Davies & Morris 1993, Pharm Res 10:1093). Rodent clearance
#     is set to the same fraction of rodent hepatic blood flow (rat 55.2,
#     mouse 90 mL/min/kg; ibid.): factors 2.667 (rat) and 4.348 (mouse) on the
#     human clearance per kg. Q is scaled by the same factor (it is a flow).
#   Volumes per kg as in humans (Vss 3.6 L/kg; measured ketamine Vss in other
#     mammals: 2.1-4.1 L/kg in dogs, 3.2 L/kg in rabbits; Henthorn et al.
#     1999, Pypendop & Ilkiw 2005 Am J Vet Res 66:2034, Luca et al. 2020 Vet
#     Anaesth Analg).
#   So rodent kinetics are human kinetics with time compressed by the flow
#     factor: terminal half-life 0.96 h (rat) and 0.59 h (mouse),
#     distribution half-life 4 and 2.6 min. Measured terminal half-lives of
#     about an hour in dogs and rabbits (Kaka & Hayton 1980, J Pharmacokinet
#     Biopharm 8:193: 61 min; Luca et al. 2020: 52-59 min) support the rat
#     value's order; mice clear drugs faster still.
#   ke0 half-life 0.2 min: calibration choice so that brain ketamine peaks
#     about a minute after an i.v. bolus, as Cohen et al. (1973) measured in
#     rats ("less than a minute").
#   brain_tissue_ratio 6.5 (Cohen et al. 1973, rat); the same for mice.
#   Intraperitoneal: F = 0.5, calibration choice. Drug absorbed from the
#     peritoneum passes mostly through the portal vein and the liver first
#     (Lukas et al. 1971, J Pharmacol Exp Ther 178:562), which for a drug
#     extracted at ~0.9 would leave ~0.1; part of an i.p. dose escapes that
#     route. 0.5 is a mid value, not a measurement. ka = 7 /h puts the plasma
#     Tmax at 10 min (rat) and 9 min (mouse).
#   Subcutaneous: F = 1 (s.c., i.m. and i.v. infusion gave similar exposure
#     in rats: Le Nedelec et al. 2018, J Psychopharmacol); ka = 2.8 /h puts
#     the plasma Tmax near 20 min (calibration choice).
RAT = SpeciesPK(
    name="rat",
    reference_weight="0.25 kg",
    cl="0.7524 L/h",       # 79 L/h x 0.25/70 x 2.667 (3.01 L/h/kg, 50 mL/min/kg)
    v1="0.3571 L",         # 100 L x 0.25/70
    q="1.854 L/h",         # 194.7 L/h x 0.25/70 x 2.667
    v2="0.5429 L",         # 152 L x 0.25/70
    clearance_ratio_s_to_r=1.165,
    ke0_half_life="0.2 min",
    brain_plasma_ratio=1.0,
    brain_tissue_ratio=6.5,
    routes={
        "intraperitoneal": Absorption(bioavailability=0.5, absorption_rate="7 /h"),
        "subcutaneous": Absorption(bioavailability=1.0, absorption_rate="2.8 /h"),
    },
)
MOUSE = SpeciesPK(
    name="mouse",
    reference_weight="0.02 kg",
    cl="0.09814 L/h",      # 79 L/h x 0.02/70 x 4.348 (4.91 L/h/kg, 82 mL/min/kg)
    v1="0.02857 L",        # 100 L x 0.02/70
    q="0.2419 L/h",        # 194.7 L/h x 0.02/70 x 4.348
    v2="0.04343 L",        # 152 L x 0.02/70
    clearance_ratio_s_to_r=1.165,
    ke0_half_life="0.2 min",
    brain_plasma_ratio=1.0,
    brain_tissue_ratio=6.5,
    routes={
        "intraperitoneal": Absorption(bioavailability=0.5, absorption_rate="7 /h"),
        "subcutaneous": Absorption(bioavailability=1.0, absorption_rate="2.8 /h"),
    },
)
SPECIES: Mapping[str, SpeciesPK] = MappingProxyType({"human": HUMAN, "rat": RAT, "mouse": MOUSE})


# NBQX (2,3-dioxo-6-nitro-7-sulfamoylbenzo[f]quinoxaline), the AMPA-receptor
# antagonist of the blocker experiments (SCIENCE.md item 10; Maeng et al.
# 2008). Doses are taken as mg of NBQX free acid.
#   Human, per 70 kg: CL 0.222 L/h/kg (15.54 L/h), Vss 0.153 L/kg (10.71 L),
#     plasma half-life 0.75 h: healthy volunteers, 0.0075 and 0.03 mg/kg i.v.
#     over 30 min (Am J Ther 1994, 1:296, "Human pharmacokinetics of the
#     neuroprotective agent NBQX"). Mostly renal (0.130 L/h/kg).
#   V1 = 4 L: fitted to the same study's Cmax (41 and 177 ng/mL): the model
#     gives 42.0 and 167.8 ng/mL; V1 from 2.5 to 8 L gives 39-42 and
#     156-168 ng/mL (tests/test_pk.py). Q, V2 from distribution_from_terminal:
#     Q = 13.02 L/h, V2 = 6.71 L.
#   Rat and mouse: simple allometry from the human preset (calibration
#     choice; no rodent NBQX PK study could be checked here): clearances and Q
#     scale with body weight^0.75, volumes with body weight. Terminal
#     half-life 11 min (rat), 5.9 min (mouse).
#   ke0 half-life 5 min: assumption (NBQX is a polar acid, slower to cross
#     the blood-brain barrier than ketamine; no measurement found).
#   brain_plasma_ratio 0.004: calibration choice, not a measurement (no brain
#     extracellular measurement of NBQX was found). With the in vitro IC50 of
#     0.15 uM (pharmacology.nbqx.ic50) any ratio above ~0.02 would block over 90 % of
#     all AMPA current after 10 mg/kg, which would silence the cortex; the
#     ratio is set so that 10 mg/kg i.p. in the mouse, the dose that abolished
#     ketamine's antidepressant-like effect (Maeng et al. 2008, Biol
#     Psychiatry 63:349), blocks about half of the AMPA conductance at its
#     brain peak (docs/pharmacokinetics.md, "NBQX").
#   Intraperitoneal: F = 1 (mostly renal clearance, so little first-pass loss
#     from portal absorption) and ka = 7 /h as for ketamine: calibration
#     choices. Plasma Tmax 4.7 min (rat), 3.8 min (mouse).
#: Molar mass of NBQX free acid, C12H8N4O6S (g/mol; PubChem CID 3272524). The
#: disodium salt (C12H6N4Na2O6S, 380.24 g/mol) is 0.884 free acid by mass:
#: enter a dose quoted as salt x 0.884.
NBQX_MW_G_PER_MOL = 336.28
_NBQX_CL, _NBQX_V1, _NBQX_Q, _NBQX_V2 = 15.54, 4.0, 13.02, 6.71


def nbqx_preset(name: str, weight_kg: float, ke0: str = "5 min") -> CompoundPK:
    flow = (weight_kg / 70.0) ** 0.75
    vol = weight_kg / 70.0
    return CompoundPK(
        name=f"{name} (NBQX)", reference_weight=f"{weight_kg} kg",
        cl=f"{_NBQX_CL * flow:.6g} L/h", v1=f"{_NBQX_V1 * vol:.6g} L",
        q=f"{_NBQX_Q * flow:.6g} L/h", v2=f"{_NBQX_V2 * vol:.6g} L",
        ke0_half_life=ke0, brain_plasma_ratio=0.004,
        routes={} if name == "human" else {
            "intraperitoneal": Absorption(bioavailability=1.0, absorption_rate="7 /h")},
    )


NBQX_SPECIES: Mapping[str, CompoundPK] = MappingProxyType({
    "human": nbqx_preset("human", 70.0),
    "rat": nbqx_preset("rat", 0.25),
    "mouse": nbqx_preset("mouse", 0.02),
})


def species_pk(species: str | CompoundPK) -> CompoundPK:
    """Ketamine's preset of `species` ("human", "rat", "mouse"), or `species` itself."""
    if isinstance(species, CompoundPK):
        return species
    if species not in SPECIES:
        raise UserInputError(f"species: expected one of {', '.join(SPECIES)}, got {species!r}")
    return SPECIES[species]


def nbqx_pk(species: str | CompoundPK) -> CompoundPK:
    """NBQX's preset for `species` (a name, or a ketamine preset whose name is one)."""
    name = species if isinstance(species, str) else species.name
    if name not in NBQX_SPECIES:
        raise UserInputError(
            f"drug: NBQX has presets for species {', '.join(NBQX_SPECIES)} only, got {name!r}")
    return NBQX_SPECIES[name]

