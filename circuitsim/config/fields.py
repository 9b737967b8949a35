"""Annotated pydantic field types: quantities with units and bounds, and names.

``Quantity(TIME, gt="0 s", le="1 h")`` is a float stored in seconds that YAML
must write with a unit ("100 ms"); it serialises back to a unit string, so the
resolved config written into a results file can be loaded again unchanged.
Every quantity has a physical lower and upper bound, and a value outside them
is one line naming the key and the range ("expected a voltage from -200 mV
to 100 mV, got '1e300 mV'").

``Name(...)`` is a name or label that must not be blank.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer

from .units import UnitKind, format_quantity, parse_quantity

_LOWER = {"gt": ("above", operator.gt), "ge": ("at least", operator.ge)}
_UPPER = {"lt": ("below", operator.lt), "le": ("at most", operator.le)}


def _bound(kind: UnitKind, value: str | float) -> tuple[float, str]:
    """A bound in the canonical unit, and as written in messages."""
    if isinstance(value, str):
        return parse_quantity(value, kind), value
    return float(value), format_quantity(float(value), kind)


def Quantity(kind: UnitKind, **bounds: str | float) -> Any:  # noqa: N802 - reads like a type
    """A float field in `kind`'s canonical unit, parsed from a unit string and checked against its bounds.

    Parameters
    ----------
    kind : UnitKind
        Dimension of the field (its canonical unit is the storage unit).
    **bounds
        One lower bound (``gt`` or ``ge``) and one upper bound (``lt`` or
        ``le``), each a unit string ("-200 mV") or a number in the canonical
        unit. Both are required: every quantity has physical limits.

    Raises
    ------
    TypeError
        When the field is declared without both bounds (a programming error).
    """
    lower = [k for k in bounds if k in _LOWER]
    upper = [k for k in bounds if k in _UPPER]
    if len(lower) != 1 or len(upper) != 1 or set(bounds) - set(_LOWER) - set(_UPPER):
        raise TypeError(f"Quantity({kind.name}): expected one lower bound (gt, ge) and one upper "
                        f"bound (lt, le), got {sorted(bounds)}")
    (lo_key,), (hi_key,) = lower, upper
    lo, lo_text = _bound(kind, bounds[lo_key])
    hi, hi_text = _bound(kind, bounds[hi_key])
    if lo_key == "ge" and hi_key == "le":
        expected = f"a {kind.name} from {lo_text} to {hi_text}"
    else:
        expected = f"a {kind.name} {_LOWER[lo_key][0]} {lo_text} and {_UPPER[hi_key][0]} {hi_text}"
    lo_ok, hi_ok = _LOWER[lo_key][1], _UPPER[hi_key][1]

    def parse(value: object) -> float:
        x = parse_quantity(value, kind)
        if not (lo_ok(x, lo) and hi_ok(x, hi)):
            raise ValueError(f"expected {expected}, got {value!r}")
        return x

    return Annotated[
        float,
        BeforeValidator(parse),
        Field(**{lo_key: lo, hi_key: hi}),
        PlainSerializer(lambda v: format_quantity(v, kind), return_type=str),
    ]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(f"expected a name that is not blank, got {value!r}")
    if value != value.strip():
        raise ValueError(f"expected a name without leading or trailing spaces, got {value!r}")
    return value


def Name(max_length: int, pattern: str | None = None) -> Any:  # noqa: N802 - reads like a type
    """A name or label (an epoch, an arm, a run): not blank, no surrounding spaces, at most `max_length` characters."""
    return Annotated[str, Field(min_length=1, max_length=max_length, pattern=pattern),
                     AfterValidator(_not_blank)]
