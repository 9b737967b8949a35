"""Parameter models of the pharmacokinetic stage: absorption, disposition, a compound in a species.

Pure descriptions validated like the config (one-line
:class:`~circuitsim.errors.UserInputError` naming the key); the numbers of
each species and drug are in :mod:`circuitsim.pharmacology.presets`, the
solution in :mod:`circuitsim.pharmacology.pk`. Units: the pharmacokinetic
literature's (mg, L, L/h, kg, h).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from ..config.base import CheckedModel
from ..config.dosing import BODY_WEIGHT, INTRAVENOUS, Dose, ExtravascularRoute
from ..config.fields import Name, Quantity
from ..config.units import H_PER_S, RATE, TIME, UnitKind
from ..errors import UserInputError

Enantiomer = Literal["S", "R"]

# Unit kinds of this stage (config/units.py holds those of the circuit, and
# config/dosing.py those of a dose: DOSE, BODY_WEIGHT). The canonical units
# are the pharmacokinetic literature's: mg, L, L/h, kg.
VOLUME = UnitKind("volume", "L", {"L": 1.0, "mL": 1e-3})
CLEARANCE = UnitKind("clearance", "L/h", {"L/h": 1.0, "L/min": 60.0, "mL/min": 0.06, "mL/h": 1e-3})


# --------------------------------------------------------------------------- models
class Absorption(CheckedModel):
    """First-order absorption of an extravascular route: F and ka."""

    bioavailability: float = Field(gt=0, le=1, description="fraction F of the dose that is absorbed")
    absorption_rate_hz: Quantity(RATE, gt="0 Hz", le="10 Hz") = Field(alias="absorption_rate")

    @property
    def ka_per_h(self) -> float:
        return self.absorption_rate_hz * 3600.0



class CompoundPK(CheckedModel):
    """Two-compartment disposition of one compound in one species, at its reference body weight.

    ``brain_plasma_ratio`` scales the effect-site concentration that acts on
    receptors. ``routes`` holds the absorption of the extravascular routes.
    """

    name: Name(128)
    reference_weight_kg: Quantity(BODY_WEIGHT, gt="0 kg", le="10000 kg") = Field(alias="reference_weight")
    cl_l_per_h: Quantity(CLEARANCE, gt="0 L/h", le="100000 L/h") = Field(alias="cl")
    v1_l: Quantity(VOLUME, gt="0 L", le="100000 L") = Field(alias="v1")
    q_l_per_h: Quantity(CLEARANCE, gt="0 L/h", le="100000 L/h") = Field(alias="q")
    v2_l: Quantity(VOLUME, gt="0 L", le="100000 L") = Field(alias="v2")
    ke0_half_life_s: Quantity(TIME, gt="0 s", le="365 d") = Field(alias="ke0_half_life")
    brain_plasma_ratio: float = Field(gt=0, le=100)
    routes: dict[ExtravascularRoute, Absorption] = Field(default_factory=dict)

    @property
    def ke0_per_h(self) -> float:
        return math.log(2.0) / (self.ke0_half_life_s * H_PER_S)

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


def resolve_body_weight(species: CompoundPK, body_weight_kg: float | None) -> float:
    """`body_weight_kg` checked (kg), or the species' reference weight when it is None."""
    if body_weight_kg is None:
        return species.reference_weight_kg
    w = float(body_weight_kg)
    if not (math.isfinite(w) and w > 0):
        raise UserInputError(f"body_weight_kg: expected a positive body weight in kg, got {body_weight_kg!r}")
    return w


def route_absorption(dose: Dose, sp: CompoundPK) -> tuple[float, float]:
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

