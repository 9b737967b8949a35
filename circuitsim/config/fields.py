"""Annotated pydantic field types for quantities with units.

``Quantity(TIME, gt=0)`` is a float stored in seconds that YAML must write with
a unit ("100 ms"); it serialises back to a unit string, so the resolved config
written into a results file can be loaded again unchanged.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer

from .units import UnitKind, format_quantity, parse_quantity


def Quantity(kind: UnitKind, **bounds: Any) -> Any:  # noqa: N802 - reads like a type
    """A float field in `kind`'s canonical unit, parsed from a unit string.

    Parameters
    ----------
    kind : UnitKind
        Dimension of the field (its canonical unit is the storage unit).
    **bounds
        pydantic numeric bounds in the canonical unit (``gt``, ``ge``, ``lt``, ``le``).
    """
    return Annotated[
        float,
        BeforeValidator(lambda v: parse_quantity(v, kind)),
        Field(**bounds),
        PlainSerializer(lambda v: format_quantity(v, kind), return_type=str),
    ]
