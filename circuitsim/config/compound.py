"""The pharmacokinetic parameters of a compound in a species, as validated data.

Absorption per route, the two-compartment disposition of a compound and
ketamine's enantiomer clearances. Pure descriptions validated like the
config (one-line :class:`~circuitsim.errors.UserInputError` naming the key);
the drug files of :mod:`circuitsim.config.drugs` hold the numbers, the
solution is in :mod:`circuitsim.pharmacology.pk`. Units: the
pharmacokinetic literature's (mg, L, L/h, kg, h).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from .base import CheckedModel
from .fields import Name, Quantity
from .units import BODY_WEIGHT, H_PER_S, RATE, TIME, UnitKind

#: The routes whose absorption a compound's parameters give (F, ka); a
#: dose's ``route`` (config/dosing.py) also has iv_bolus and iv_infusion.
ExtravascularRoute = Literal["oral", "intranasal", "intraperitoneal", "subcutaneous"]

# Unit kinds of this stage (config/units.py holds those of the circuit, and
# config/dosing.py those of a dose: DOSE). The canonical units
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
