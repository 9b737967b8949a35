"""The dosing section of a config: species, body weight and the doses.

A :class:`Dose` is one administration; :mod:`circuitsim.pharmacology.pk`
takes it. Used on its own, outside a config, a bad dose raises
:class:`~circuitsim.errors.UserInputError` with one line naming the key.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..errors import UserInputError
from .base import CheckedModel, ConfigModel
from .fields import Quantity
from .units import BODY_WEIGHT, H_PER_S, RATE, TIME, UnitKind, parse_quantity

Route = Literal["iv_bolus", "iv_infusion", "oral", "intranasal", "intraperitoneal", "subcutaneous"]
ROUTES: tuple[str, ...] = ("iv_bolus", "iv_infusion", "oral", "intranasal", "intraperitoneal", "subcutaneous")
INTRAVENOUS: tuple[str, ...] = ("iv_bolus", "iv_infusion")

DOSE = UnitKind("dose", "mg or mg/kg", {
    "mg": 1.0, "g": 1e3, "ug": 1e-3, "mg/kg": 1.0, "g/kg": 1e3, "ug/kg": 1e-3,
})


def parse_amount(text: object) -> tuple[float, bool]:
    """Read a dose such as ``"0.5 mg/kg"`` or ``"56 mg"``.

    Returns
    -------
    value : float
        In mg/kg when `per_kg`, else in mg.
    per_kg : bool
        Whether the dose is per kg of body weight.

    Raises
    ------
    ValueError
        For a missing or unknown unit, or a negative amount.
    """
    value = parse_quantity(text, DOSE)
    if value < 0:
        raise ValueError(f"expected a non-negative dose, got {text!r}")
    return value, str(text).strip().endswith("/kg")


class Dose(CheckedModel):
    """One administration.

    ``amount`` is ``"<number> mg/kg"`` (scaled by body weight) or
    ``"<number> mg"`` (a fixed dose, e.g. esketamine nasal spray). An
    ``iv_infusion`` needs a ``duration`` above zero; no other route has one.
    ``bioavailability`` and ``absorption_rate`` override the species preset
    of an extravascular route (and supply it where the species has none).
    """

    amount: str
    route: Route
    start_s: Quantity(TIME, ge="0 s", le="3650 d") = Field("0 s", alias="start")
    duration_s: Quantity(TIME, ge="0 s", le="365 d") = Field("0 s", alias="duration")
    #: A packaged form (racemic, esketamine, arketamine, nbqx, memantine, ...),
    #: a drug file, ``path.yaml`` or ``path.yaml:form``, or a drug file's
    #: keys inline (:mod:`circuitsim.config.drugs`).
    drug: str | dict[str, Any] = "racemic"
    bioavailability: float | None = Field(None, gt=0, le=1)
    absorption_rate_hz: Quantity(RATE, gt="0 Hz", le="10 Hz") | None = Field(None, alias="absorption_rate")

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, v: object) -> str:
        value, per_kg = parse_amount(v)
        return f"{value:.12g} {'mg/kg' if per_kg else 'mg'}"

    @field_validator("drug")
    @classmethod
    def _drug(cls, v: str | dict[str, Any]) -> str | dict[str, Any]:
        from .drugs import resolve  # drugs imports this module's units

        try:
            resolve(v)
        except UserInputError as err:
            # "drug: ..." is this key's own message; a drug file's own key follows it.
            raise ValueError(str(err).removeprefix("drug: ")) from None
        return v

    @model_validator(mode="after")
    def _route_fields(self) -> Dose:
        if self.route == "iv_infusion":
            if not self.duration_s > 0:
                raise ValueError(
                    f"duration: expected an infusion duration above 0 s for route iv_infusion, "
                    f"got {self.duration_s:g} s")
        elif self.duration_s != 0:
            raise ValueError(
                f"duration: only route iv_infusion has a duration (expected 0 s for route "
                f"{self.route}), got {self.duration_s:g} s")
        if self.route in INTRAVENOUS and (
                self.bioavailability is not None or self.absorption_rate_hz is not None):
            raise ValueError(
                f"bioavailability: an intravenous dose is absorbed entirely (expected no "
                f"bioavailability or absorption_rate for route {self.route}), "
                f"got {self.bioavailability!r} and {self.absorption_rate_hz!r}")
        return self

    @property
    def per_kg(self) -> bool:
        return self.amount.endswith("/kg")

    @property
    def start_h(self) -> float:
        return self.start_s * H_PER_S

    @property
    def duration_h(self) -> float:
        return self.duration_s * H_PER_S

    def amount_mg(self, body_weight_kg: float) -> float:
        """The dose in mg for a body of `body_weight_kg`."""
        value = float(self.amount.split()[0])
        return value * body_weight_kg if self.per_kg else value


class DosingConfig(ConfigModel):
    """What is given to whom: a dosing schedule through the PK model (issue 3).

    A config with a ``dosing`` section is a timeline experiment: the drug's
    concentration over hours comes from circuitsim.pharmacology.pk and the
    circuit is sampled at the concentrations the timeline needs (``timeline``);
    the bath ``protocol`` is not used. Each dose takes the keys of
    :class:`circuitsim.config.dosing.Dose` (amount "0.5 mg/kg" or "84 mg",
    route, start, duration, drug, optional bioavailability, absorption_rate).
    """

    species: Literal["human", "rat", "mouse"] = "human"
    # Default: the species' reference weight (70 kg, 0.25 kg, 0.02 kg; sources
    # with the presets in circuitsim/data/drugs/ketamine.yaml).
    body_weight_kg: Quantity(BODY_WEIGHT, gt="0 kg", le="10000 kg") | None = Field(None, alias="body_weight")
    doses: list[Dose] = Field(min_length=1)

    @model_validator(mode="after")
    def _drugs_have_parameters(self) -> DosingConfig:
        """Every dose's drug has parameters for the species and, off the vein, for its route."""
        from .drugs import resolve  # drugs imports this module's units

        for k, dose in enumerate(self.doses):
            drug, _form = resolve(dose.drug)
            if self.species not in drug.pk:
                raise ValueError(f"doses.{k}.drug: drug {drug.name!r} has parameters for "
                                 f"{', '.join(drug.pk)} only (dosing.species), got {self.species!r}")
            routes = drug.species_pk(self.species).routes
            own = dose.bioavailability is not None and dose.absorption_rate_hz is not None
            if dose.route not in INTRAVENOUS and dose.route not in routes and not own:
                have = ", ".join([*INTRAVENOUS, *routes])
                raise ValueError(f"doses.{k}.route: drug {drug.name!r} in species {self.species} has "
                                 f"parameters for routes {have} (expected one of them, or a dose with "
                                 f"bioavailability and absorption_rate), got {dose.route!r}")
        return self
