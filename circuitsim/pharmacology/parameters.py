"""Derived pharmacokinetic quantities: a body's disposition, body weight, route absorption.

The parameter models (:class:`~circuitsim.config.compound.CompoundPK`,
``SpeciesPK``, ``Absorption``) are validated data in
:mod:`circuitsim.config.compound`; the numbers are in the drug files
(:mod:`circuitsim.config.drugs`); the solution is in
:mod:`circuitsim.pharmacology.pk`. Units: mg, L, L/h, kg, h.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from ..config.compound import CompoundPK
from ..config.dosing import INTRAVENOUS, Dose
from ..errors import UserInputError

Enantiomer = Literal["S", "R"]


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

