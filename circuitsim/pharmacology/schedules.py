"""Dosing schedules: doses at their start times, and builders of the usual repeated protocols."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from ..config.base import CheckedModel
from ..config.dosing import Dose
from ..config.units import TIME, parse_quantity
from ..errors import UserInputError


class Schedule(CheckedModel):
    """A dosing schedule: doses at their start times, added up (linear PK)."""

    doses: list[Dose] = Field(min_length=1)

    @property
    def end_h(self) -> float:
        """Time (h) by which every dose has been given (the end of the last infusion)."""
        return max(d.start_h + d.duration_h for d in self.doses)


def as_schedule(schedule: Schedule | Dose | Sequence[Dose]) -> Schedule:
    if isinstance(schedule, Schedule):
        return schedule
    if isinstance(schedule, Dose):
        return Schedule(doses=[schedule])
    return Schedule(doses=list(schedule))


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
