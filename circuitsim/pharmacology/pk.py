"""Pharmacokinetics: from a dosing schedule to plasma and brain concentrations.

The model (per enantiomer; racemic ketamine is half S, half R)::

    depot       dA_d/dt = -ka A_d                                    (extravascular doses)
    central     dA_1/dt =  ka A_d + r(t) - (CL + Q) A_1 / V1 + Q A_2 / V2
    peripheral  dA_2/dt =  Q A_1 / V1 - Q A_2 / V2
    effect site dC_e/dt =  ke0 (A_1 / V1 - C_e)

    plasma C_p = A_1 / V1;  brain C_b = K_b C_e;  brain tissue = K_t C_b

An extravascular dose D puts F D into the depot; an i.v. bolus puts D into the
central compartment; an i.v. infusion adds r = D / T to the central
compartment for its duration T. The unabsorbed fraction (1 - F) never enters.

Solution. The system is linear with constant coefficients, dx/dt = A x + b r,
and A has four real, negative, distinct eigenvalues -ka, -alpha, -beta, -ke0
(alpha, beta are the distribution and terminal rates of the two-compartment
disposition). With A = -V diag(lambda) V^-1 every dose contributes, at a time
tau after it starts,

    bolus x0:      x(tau) = V [exp(-lambda tau) * V^-1 x0]
    infusion r, T: x(tau) = V [(1 - exp(-lambda min(tau, T))) / lambda
                               * exp(-lambda max(tau - T, 0)) * V^-1 b r]

and the doses add (linear PK). This is exact (no time step), stiff-safe (only
decaying exponentials are evaluated, with ``expm1`` near zero) and vectorised
over the time grid, so weeks of twice-weekly dosing evaluate in milliseconds.
If ka or ke0 coincides with another eigenvalue (a defective matrix), it is
moved apart by a relative 1e-6, which changes concentrations by about 1e-6.

Units: amounts in mg, volumes in L, clearances in L/h, times in h inside this
module; concentrations are returned in ng/mL (1 mg/L = 1000 ng/mL) and uM
(ketamine base, MW 237.7 g/mol: 1 uM = 237.7 ng/mL). Dose amounts are taken
as given ("0.5 mg/kg" means 0.5 mg of drug per kg); the human preset
reproduces the published figures with the doses as quoted by their authors.

Volumes and clearances scale linearly with body weight from each species'
reference weight (70 kg for humans: the "per 70 kg" figures of Kamp et al.
2020); rate constants therefore do not depend on body weight.

The derivation of every preset number, and the figures the human preset
produces, are in docs/pharmacokinetics.md.

The enantiomers' competition at the NMDA receptor (pharmacodynamics) is in
:mod:`circuitsim.pharmacology.pd`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
from pydantic import Field

from ..config.dosing import (  # noqa: F401  (re-exported: the PK API)
    _H_PER_S,
    BODY_WEIGHT,
    DOSE,
    INTRAVENOUS,
    ROUTES,
    Dose,
    Drug,
    ExtravascularRoute,
    Route,
    _error_line,
    _PKModel,
    parse_amount,
)
from ..config.fields import Quantity
from ..config.units import RATE, TIME, UnitKind, parse_quantity
from ..errors import UserInputError

# ----------------------------------------------------------------------- constants
#: Molar mass of ketamine base, C13H16ClNO (g/mol). SCIENCE.md.
KETAMINE_MW_G_PER_MOL = 237.7
#: ng/mL per uM: 1 umol/L x 237.7 g/mol = 237.7 ug/L = 237.7 ng/mL.
NG_PER_ML_PER_UM = KETAMINE_MW_G_PER_MOL

Enantiomer = Literal["S", "R"]

#: Fraction of a dose that is S- and R-ketamine.
ENANTIOMER_FRACTIONS: Mapping[str, tuple[float, float]] = MappingProxyType({
    "racemic": (0.5, 0.5),
    "esketamine": (1.0, 0.0),
    "arketamine": (0.0, 1.0),
})

# Unit kinds of this stage (config/units.py holds those of the circuit, and
# config/dosing.py those of a dose: DOSE, BODY_WEIGHT). The canonical units
# are the pharmacokinetic literature's: mg, L, L/h, kg.
VOLUME = UnitKind("volume", "L", {"L": 1.0, "mL": 1e-3})
CLEARANCE = UnitKind("clearance", "L/h", {"L/h": 1.0, "L/min": 60.0, "mL/min": 0.06, "mL/h": 1e-3})


# --------------------------------------------------------------------------- models
class Absorption(_PKModel):
    """First-order absorption of an extravascular route: F and ka."""

    bioavailability: float = Field(gt=0, le=1, description="fraction F of the dose that is absorbed")
    absorption_rate_hz: Quantity(RATE, gt=0) = Field(alias="absorption_rate")

    @property
    def ka_per_h(self) -> float:
        return self.absorption_rate_hz * 3600.0


class Schedule(_PKModel):
    """A dosing schedule: doses at their start times, added up (linear PK)."""

    doses: list[Dose] = Field(min_length=1)

    @property
    def end_h(self) -> float:
        """Time (h) by which every dose has been given (the end of the last infusion)."""
        return max(d.start_h + d.duration_h for d in self.doses)


class CompoundPK(_PKModel):
    """Two-compartment disposition of one compound in one species, at its reference body weight.

    ``brain_plasma_ratio`` scales the effect-site concentration that acts on
    receptors. ``routes`` holds the absorption of the extravascular routes.
    """

    name: str = Field(min_length=1)
    reference_weight_kg: Quantity(BODY_WEIGHT, gt=0) = Field(alias="reference_weight")
    cl_l_per_h: Quantity(CLEARANCE, gt=0) = Field(alias="cl")
    v1_l: Quantity(VOLUME, gt=0) = Field(alias="v1")
    q_l_per_h: Quantity(CLEARANCE, gt=0) = Field(alias="q")
    v2_l: Quantity(VOLUME, gt=0) = Field(alias="v2")
    ke0_half_life_s: Quantity(TIME, gt=0) = Field(alias="ke0_half_life")
    brain_plasma_ratio: float = Field(gt=0, le=100)
    routes: dict[ExtravascularRoute, Absorption] = Field(default_factory=dict)

    @property
    def ke0_per_h(self) -> float:
        return math.log(2.0) / (self.ke0_half_life_s * _H_PER_S)

    def absorption(self, route: str) -> Absorption | None:
        return self.routes.get(route)


class SpeciesPK(CompoundPK):
    """Ketamine's pharmacokinetic parameters in one species at its reference body weight.

    ``cl`` is the clearance of racemic ketamine as studies of total ketamine
    measure it (dose / AUC of S + R); the enantiomers' clearances follow from
    it and ``clearance_ratio_s_to_r`` (:meth:`enantiomer_clearances_l_per_h`).
    Both enantiomers share V1, Q and V2 (Henthorn et al. 1999, Anesthesiology
    91:1733: same tissue distribution, different elimination clearance).
    ``brain_plasma_ratio`` scales the effect-site concentration that blocks
    receptors; ``brain_tissue_ratio`` converts it to a total brain-tissue
    concentration, as homogenate measurements report it.
    """

    clearance_ratio_s_to_r: float = Field(gt=0, le=10)
    brain_tissue_ratio: float = Field(gt=0, le=100)

    def enantiomer_clearances_l_per_h(self) -> tuple[float, float]:
        """(CL_S, CL_R) at the reference weight.

        A racemic dose D gives AUC = (D/2)/CL_S + (D/2)/CL_R, so the racemic
        clearance D/AUC is the harmonic mean of the two:
        2 / CL = 1/CL_S + 1/CL_R, with CL_S = rho CL_R. Hence
        CL_R = CL (1 + 1/rho) / 2 and CL_S = rho CL_R.
        """
        rho = self.clearance_ratio_s_to_r
        cl_r = self.cl_l_per_h * (1.0 + 1.0 / rho) / 2.0
        return rho * cl_r, cl_r


# ----------------------------------------------------------------- species presets
def distribution_from_terminal(
    cl_l_per_h: float, vss_l: float, v1_l: float, terminal_half_life_h: float
) -> tuple[float, float]:
    """Q and V2 of the two-compartment model with given CL, Vss, V1 and terminal half-life.

    With k10 = CL/V1, k12 = Q/V1, k21 = Q/V2 the disposition rates alpha >
    beta satisfy alpha + beta = k10 + k12 + k21 and alpha beta = k10 k21.
    Eliminating alpha for a given beta = ln2 / t_half:

        Q = (k10 - beta) / (k10 / (V2 beta) - 1/V1 - 1/V2),   V2 = Vss - V1,

    which is positive exactly when beta < CL / Vss.

    Returns
    -------
    q_l_per_h, v2_l : float
    """
    if not 0 < v1_l < vss_l:
        raise UserInputError(f"v1: expected a central volume between 0 and Vss = {vss_l:g} L, got {v1_l:g} L")
    v2 = vss_l - v1_l
    beta = math.log(2.0) / terminal_half_life_h
    if not beta < cl_l_per_h / vss_l:
        raise UserInputError(
            f"terminal_half_life: expected more than ln2 Vss / CL = "
            f"{math.log(2.0) * vss_l / cl_l_per_h:.4g} h, got {terminal_half_life_h:g} h")
    k10 = cl_l_per_h / v1_l
    q = (k10 - beta) / (k10 / (v2 * beta) - 1.0 / v1_l - 1.0 / v2)
    return q, v2


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
#     0.15 uM (pd.NBQX_IC50_UM) any ratio above ~0.02 would block over 90 % of
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


def _nbqx_preset(name: str, weight_kg: float, ke0: str = "5 min") -> CompoundPK:
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
    "human": _nbqx_preset("human", 70.0),
    "rat": _nbqx_preset("rat", 0.25),
    "mouse": _nbqx_preset("mouse", 0.02),
})


def species_pk(species: str | CompoundPK) -> CompoundPK:
    """Ketamine's preset of `species` ("human", "rat", "mouse"), or `species` itself."""
    if isinstance(species, CompoundPK):
        return species
    if species not in SPECIES:
        raise UserInputError(f"species: expected one of {', '.join(SPECIES)}, got {species!r}")
    return SPECIES[species]


# --------------------------------------------------------------------- disposition
@dataclass(frozen=True)
class Disposition:
    """Two-compartment disposition of one enantiomer in one body (L, L/h)."""

    cl_l_per_h: float
    v1_l: float
    q_l_per_h: float
    v2_l: float

    @property
    def vss_l(self) -> float:
        return self.v1_l + self.v2_l

    def rates_per_h(self) -> tuple[float, float]:
        """(alpha, beta): the roots of s^2 - (k10 + k12 + k21) s + k10 k21."""
        k10, k12, k21 = self.cl_l_per_h / self.v1_l, self.q_l_per_h / self.v1_l, self.q_l_per_h / self.v2_l
        s = k10 + k12 + k21
        root = math.sqrt(s * s - 4.0 * k10 * k21)
        # beta = product / alpha avoids the cancellation of (s - root) / 2.
        alpha = (s + root) / 2.0
        return alpha, k10 * k21 / alpha

    @property
    def distribution_half_life_h(self) -> float:
        return math.log(2.0) / self.rates_per_h()[0]

    @property
    def terminal_half_life_h(self) -> float:
        return math.log(2.0) / self.rates_per_h()[1]


def _body_weight(species: CompoundPK, body_weight_kg: float | None) -> float:
    if body_weight_kg is None:
        return species.reference_weight_kg
    w = float(body_weight_kg)
    if not (math.isfinite(w) and w > 0):
        raise UserInputError(f"body_weight_kg: expected a positive body weight in kg, got {body_weight_kg!r}")
    return w


def disposition(
    species: str | CompoundPK = "human",
    body_weight_kg: float | None = None,
    enantiomer: Enantiomer | None = None,
) -> Disposition:
    """The disposition of `enantiomer` (None: racemic ketamine as a whole).

    Volumes and clearances scale linearly with body weight from the species'
    reference weight.
    """
    sp = species_pk(species)
    scale = _body_weight(sp, body_weight_kg) / sp.reference_weight_kg
    if enantiomer is None:
        cl = sp.cl_l_per_h
    elif enantiomer in ("S", "R") and isinstance(sp, SpeciesPK):
        cl = sp.enantiomer_clearances_l_per_h()[0 if enantiomer == "S" else 1]
    else:
        raise UserInputError(f"enantiomer: expected 'S', 'R' or None, got {enantiomer!r}")
    return Disposition(cl * scale, sp.v1_l * scale, sp.q_l_per_h * scale, sp.v2_l * scale)


# ----------------------------------------------------------------- closed form
@dataclass(frozen=True)
class _Modes:
    """A = -V diag(rates) V^-1 for the state (depot mg, central mg, peripheral mg, C_e mg/L)."""

    rates: np.ndarray
    v: np.ndarray
    v_inv: np.ndarray


_SEPARATION = 1e-6


def _apart(rate: float, others: Iterable[float]) -> float:
    """`rate`, moved up by relative steps of 1e-6 until no other eigenvalue is that close."""
    others = tuple(others)
    for _ in range(16):
        if all(abs(rate - o) > _SEPARATION * max(rate, o) for o in others):
            return rate
        rate *= 1.0 + 2.0 * _SEPARATION
    return rate


def _system_matrix(d: Disposition, ka_per_h: float, ke0_per_h: float) -> np.ndarray:
    k10, k12, k21 = d.cl_l_per_h / d.v1_l, d.q_l_per_h / d.v1_l, d.q_l_per_h / d.v2_l
    return np.array([
        [-ka_per_h, 0.0, 0.0, 0.0],
        [ka_per_h, -(k10 + k12), k21, 0.0],
        [0.0, k12, -k21, 0.0],
        [0.0, ke0_per_h / d.v1_l, 0.0, -ke0_per_h],
    ])


def _modes(d: Disposition, ka_per_h: float, ke0_per_h: float) -> _Modes:
    alpha, beta = d.rates_per_h()
    ke0 = _apart(ke0_per_h, (alpha, beta))
    ka = _apart(ka_per_h, (alpha, beta, ke0))
    eigval, v = np.linalg.eig(_system_matrix(d, ka, ke0))
    if np.max(np.abs(np.imag(eigval))) > 1e-9 * np.max(np.abs(eigval)):
        raise RuntimeError("two-compartment system matrix has complex eigenvalues")  # cannot happen
    v = np.real(v)
    return _Modes(rates=-np.real(eigval), v=v, v_inv=np.linalg.inv(v))


def _add_bolus_response(out: np.ndarray, m: _Modes, x0: np.ndarray, tau: np.ndarray) -> None:
    """Add to `out` (n, 4) the state at times `tau` >= 0 after an impulse that sets the state to `x0`."""
    z = np.multiply.outer(tau, -m.rates)
    np.exp(z, out=z)
    z *= m.v_inv @ x0
    out += z @ m.v.T


def _add_infusion_response(out: np.ndarray, m: _Modes, rate_mg_per_h: float, duration_h: float,
                           tau: np.ndarray) -> None:
    """Add to `out` (n, 4) the state at times `tau` >= 0 after the start of a zero-order infusion into the central compartment."""
    lam = m.rates
    w = m.v_inv @ np.array([0.0, rate_mg_per_h, 0.0, 0.0])
    # (1 - exp(-lam s)) / lam over the infused time s = min(tau, T), written
    # with expm1 so that small lam * s stays exact; then free decay after T.
    z = -np.expm1(np.multiply.outer(np.minimum(tau, duration_h), -lam)) / lam
    z *= np.exp(np.multiply.outer(np.maximum(tau - duration_h, 0.0), -lam))
    z *= w
    out += z @ m.v.T


def _route_absorption(dose: Dose, sp: CompoundPK) -> tuple[float, float]:
    """(F, ka per h) of an extravascular dose: the dose's own values, else the species preset."""
    preset = sp.absorption(dose.route)
    f = dose.bioavailability if dose.bioavailability is not None else (
        preset.bioavailability if preset is not None else None)
    ka = dose.absorption_rate_hz * 3600.0 if dose.absorption_rate_hz is not None else (
        preset.ka_per_h if preset is not None else None)
    if f is None or ka is None:
        have = ", ".join(list(INTRAVENOUS) + list(sp.routes)) or "none"
        raise UserInputError(
            f"route: species {sp.name!r} has no preset for route {dose.route} (expected one of "
            f"{have}, or a dose with bioavailability and absorption_rate), got {dose.route!r}")
    return f, ka


def _as_schedule(schedule: Schedule | Dose | Sequence[Dose]) -> Schedule:
    if isinstance(schedule, Schedule):
        return schedule
    if isinstance(schedule, Dose):
        return Schedule(doses=[schedule])
    return Schedule(doses=list(schedule))


def _time_grid(time_h: Any) -> np.ndarray:
    try:
        t = np.asarray(time_h, dtype=float)
    except (TypeError, ValueError):
        raise UserInputError(f"time_h: expected a 1-D array of times in hours, got {time_h!r}") from None
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)):
        raise UserInputError(
            f"time_h: expected a non-empty 1-D array of finite times in hours, got shape {t.shape}")
    return t


def nbqx_pk(species: str | CompoundPK) -> CompoundPK:
    """NBQX's preset for `species` (a name, or a ketamine preset whose name is one)."""
    name = species if isinstance(species, str) else species.name
    if name not in NBQX_SPECIES:
        raise UserInputError(
            f"drug: NBQX has presets for species {', '.join(NBQX_SPECIES)} only, got {name!r}")
    return NBQX_SPECIES[name]


#: The components a schedule's doses put into the body.
COMPONENTS = ("S", "R", "NBQX")


def body_state(
    schedule: Schedule | Dose | Sequence[Dose],
    time_h: Any,
    species: str | SpeciesPK = "human",
    body_weight_kg: float | None = None,
) -> dict[str, np.ndarray]:
    """Amounts and effect-site concentration of each component over time.

    Returns
    -------
    dict
        ``"S"``, ``"R"`` (the ketamine enantiomers) and ``"NBQX"``: arrays
        (n_times, 4) of depot (mg), central (mg), peripheral (mg) amounts and
        the effect-site concentration (mg/L, plasma-equivalent, before
        ``brain_plasma_ratio``).
    """
    sched = _as_schedule(schedule)
    sp = species_pk(species)
    w = _body_weight(sp, body_weight_kg)
    t = _time_grid(time_h)
    # Work on the sorted grid, so that the times after a dose are one slice.
    order = np.argsort(t, kind="stable")
    ts = t[order]
    state = {c: np.zeros((t.size, 4)) for c in COMPONENTS}
    cache: dict[tuple[str, float], _Modes] = {}
    for dose in sched.doses:
        if dose.drug == "nbqx":
            compound = nbqx_pk(sp)
            parts: tuple[tuple[str, float], ...] = (("NBQX", 1.0),)
        else:
            compound = sp
            parts = tuple(zip(("S", "R"), ENANTIOMER_FRACTIONS[dose.drug], strict=True))
        if dose.route in INTRAVENOUS:
            # The depot mode is not excited by an i.v. dose; any ka distinct
            # from the other eigenvalues serves.
            f, ka = 1.0, next((a.ka_per_h for a in compound.routes.values()), 1.0)
        else:
            f, ka = _route_absorption(dose, compound)
        amount = dose.amount_mg(w)
        first = int(np.searchsorted(ts, dose.start_h, side="left"))
        if first == ts.size or amount == 0.0:
            continue
        tau = ts[first:] - dose.start_h
        for component, fraction in parts:
            if fraction == 0.0:
                continue
            key = (component, ka)
            if key not in cache:
                cache[key] = _modes(disposition(compound, w, component if component != "NBQX" else None),
                                    ka, compound.ke0_per_h)
            m, mg, out = cache[key], fraction * amount, state[component][first:]
            if dose.route == "iv_infusion":
                _add_infusion_response(out, m, mg / dose.duration_h, dose.duration_h, tau)
            elif dose.route == "iv_bolus":
                _add_bolus_response(out, m, np.array([0.0, mg, 0.0, 0.0]), tau)
            else:
                _add_bolus_response(out, m, np.array([f * mg, 0.0, 0.0, 0.0]), tau)
    unsorted = np.empty_like(order)
    unsorted[order] = np.arange(order.size)
    return {c: a[unsorted] for c, a in state.items()}


# ------------------------------------------------------------------------ results
def ng_ml_to_um(c_ng_ml: Any) -> np.ndarray:
    """Ketamine concentration in uM from ng/mL (1 uM = 237.7 ng/mL)."""
    return np.asarray(c_ng_ml, dtype=float) / NG_PER_ML_PER_UM


def um_to_ng_ml(c_um: Any) -> np.ndarray:
    """Ketamine concentration in ng/mL from uM (1 uM = 237.7 ng/mL)."""
    return np.asarray(c_um, dtype=float) * NG_PER_ML_PER_UM


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class PKResult:
    """Concentrations of S- and R-ketamine on a time grid (arrays are read-only).

    ``brain_*`` is the effect-site concentration that blocks receptors
    (:class:`SpeciesPK`); ``brain_tissue_ng_ml`` the total tissue
    concentration. Totals are S + R. :meth:`timeline` lists every series with
    its unit.
    """

    time_h: np.ndarray
    plasma_s_ng_ml: np.ndarray
    plasma_r_ng_ml: np.ndarray
    brain_s_ng_ml: np.ndarray
    brain_r_ng_ml: np.ndarray
    brain_tissue_ratio: float
    species: str
    body_weight_kg: float
    #: NBQX (zeros when the schedule has none), plasma and effect site.
    plasma_nbqx_ng_ml: np.ndarray | None = None
    brain_nbqx_ng_ml: np.ndarray | None = None

    @property
    def has_nbqx(self) -> bool:
        return self.plasma_nbqx_ng_ml is not None and bool(np.any(self.plasma_nbqx_ng_ml > 0))

    @property
    def plasma_nbqx_um(self) -> np.ndarray:
        return _nbqx_um(self.plasma_nbqx_ng_ml, self.time_h)

    @property
    def brain_nbqx_um(self) -> np.ndarray:
        return _nbqx_um(self.brain_nbqx_ng_ml, self.time_h)

    @property
    def plasma_ng_ml(self) -> np.ndarray:
        return self.plasma_s_ng_ml + self.plasma_r_ng_ml

    @property
    def brain_ng_ml(self) -> np.ndarray:
        return self.brain_s_ng_ml + self.brain_r_ng_ml

    @property
    def brain_tissue_ng_ml(self) -> np.ndarray:
        """Total brain tissue concentration (ng/g ~ ng/mL), S + R."""
        return self.brain_tissue_ratio * self.brain_ng_ml

    @property
    def plasma_s_um(self) -> np.ndarray:
        return ng_ml_to_um(self.plasma_s_ng_ml)

    @property
    def plasma_r_um(self) -> np.ndarray:
        return ng_ml_to_um(self.plasma_r_ng_ml)

    @property
    def plasma_um(self) -> np.ndarray:
        return ng_ml_to_um(self.plasma_ng_ml)

    @property
    def brain_s_um(self) -> np.ndarray:
        return ng_ml_to_um(self.brain_s_ng_ml)

    @property
    def brain_r_um(self) -> np.ndarray:
        return ng_ml_to_um(self.brain_r_ng_ml)

    @property
    def brain_um(self) -> np.ndarray:
        return ng_ml_to_um(self.brain_ng_ml)

    def timeline(self) -> dict[str, tuple[np.ndarray, str]]:
        """Every series by name, with its unit, e.g. ``{"plasma_ng_ml": (array, "ng/mL"), ...}``."""
        out: dict[str, tuple[np.ndarray, str]] = {"time_h": (self.time_h, "h")}
        for where in ("plasma", "brain"):
            for part in ("", "_s", "_r"):
                out[f"{where}{part}_ng_ml"] = (getattr(self, f"{where}{part}_ng_ml"), "ng/mL")
                out[f"{where}{part}_um"] = (getattr(self, f"{where}{part}_um"), "uM")
        out["brain_tissue_ng_ml"] = (self.brain_tissue_ng_ml, "ng/g")
        if self.has_nbqx:
            for where in ("plasma", "brain"):
                out[f"{where}_nbqx_ng_ml"] = (getattr(self, f"{where}_nbqx_ng_ml"), "ng/mL")
                out[f"{where}_nbqx_um"] = (getattr(self, f"{where}_nbqx_um"), "uM")
        return out


def _nbqx_um(c_ng_ml: np.ndarray | None, like: np.ndarray) -> np.ndarray:
    """NBQX in uM from ng/mL (1 uM = 336.28 ng/mL); zeros where there is none."""
    if c_ng_ml is None:
        return np.zeros_like(like)
    return np.asarray(c_ng_ml, dtype=float) / NBQX_MW_G_PER_MOL


def simulate_pk(
    schedule: Schedule | Dose | Sequence[Dose],
    time_h: Any,
    species: str | SpeciesPK = "human",
    body_weight_kg: float | None = None,
) -> PKResult:
    """Plasma and brain concentrations of S- and R-ketamine (and NBQX) on a time grid.

    Parameters
    ----------
    schedule : Schedule, Dose or sequence of Dose
        What is given, how and when (times from 0 h).
    time_h : array_like
        Times (h) at which to evaluate; any order, negative times give 0.
    species : str or SpeciesPK
        "human", "rat", "mouse", or a custom parameter set.
    body_weight_kg : float, optional
        Defaults to the species' reference weight (70, 0.25, 0.02 kg).

    Returns
    -------
    PKResult
        ng/mL per enantiomer, plasma and brain; uM through its properties.

    Raises
    ------
    UserInputError
        A one-line message naming the bad parameter (unknown species, route
        without parameters, bad weight or time grid).
    """
    sp = species_pk(species)
    w = _body_weight(sp, body_weight_kg)
    t = _time_grid(time_h)
    state = body_state(schedule, t, sp, w)
    v1 = disposition(sp, w).v1_l
    has_nbqx = any(d.drug == "nbqx" for d in _as_schedule(schedule).doses)
    nb = nbqx_pk(sp) if has_nbqx else None
    mg_per_l_to_ng_ml = 1000.0

    def conc(x: np.ndarray) -> np.ndarray:
        # Concentrations are non-negative; the modal sum can leave round-off
        # of ~1e-16 of the dose's scale either side of 0 where there is no
        # drug yet (e.g. at the instant of an extravascular dose).
        return _frozen(np.maximum(x * mg_per_l_to_ng_ml, 0.0))

    return PKResult(
        time_h=_frozen(t),
        plasma_s_ng_ml=conc(state["S"][:, 1] / v1),
        plasma_r_ng_ml=conc(state["R"][:, 1] / v1),
        brain_s_ng_ml=conc(sp.brain_plasma_ratio * state["S"][:, 3]),
        brain_r_ng_ml=conc(sp.brain_plasma_ratio * state["R"][:, 3]),
        brain_tissue_ratio=sp.brain_tissue_ratio,
        species=sp.name,
        body_weight_kg=w,
        plasma_nbqx_ng_ml=conc(state["NBQX"][:, 1] / disposition(nb, w).v1_l) if nb else None,
        brain_nbqx_ng_ml=conc(nb.brain_plasma_ratio * state["NBQX"][:, 3]) if nb else None,
    )


# ---------------------------------------------------------------------- schedules
def repeated(dose: Dose, count: int, interval: str) -> Schedule:
    """`count` copies of `dose`, the first at its own start, then every `interval` ("1 d")."""
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise UserInputError(f"count: expected a whole number of doses >= 1, got {count!r}")
    try:
        step_s = parse_quantity(interval, TIME)
    except ValueError as exc:
        raise UserInputError(f"interval: {exc}") from None
    if not step_s > 0:
        raise UserInputError(f"interval: expected a positive interval, got {interval!r}")
    return Schedule(doses=[
        dose.model_copy(update={"start_s": dose.start_s + k * step_s}) for k in range(count)
    ])


def esketamine_induction(amount: str = "84 mg", weeks: int = 4) -> Schedule:
    """Intranasal esketamine twice a week (days 0 and 3 of each week) for `weeks` weeks.

    The induction phase of the Spravato label: 56 or 84 mg twice weekly for
    weeks 1-4. The days (a Monday/Thursday pattern) are a choice; the label
    fixes only the frequency.
    """
    if not isinstance(weeks, int) or isinstance(weeks, bool) or weeks < 1:
        raise UserInputError(f"weeks: expected a whole number of weeks >= 1, got {weeks!r}")
    return Schedule(doses=[
        Dose(amount=amount, route="intranasal", drug="esketamine", start=f"{7 * w + d} d")
        for w in range(weeks) for d in (0, 3)
    ])


def daily(amount: str = "10 mg/kg", days: int = 5, route: str = "intraperitoneal",
          drug: str = "racemic") -> Schedule:
    """One dose a day for `days` days (the rodent repeated-dosing protocol: 10 mg/kg i.p. x 5)."""
    return repeated(Dose(amount=amount, route=route, drug=drug), days, "1 d")
