"""Parsing of quantities written with units in YAML ("40 min", "0.8 uM").

A quantity kind fixes the canonical unit in which the value is stored once the
config is loaded (SI, except concentrations, which are stored in micromolar
because every pharmacological number in the literature is quoted that way).
Config fields carry that unit in their name (``tau_nmda_decay_s``,
``concentration_um``), so no number inside circuitsim is ever unit-less by
accident.

A plain number without a unit is refused for every dimensional kind: "100"
could mean ms or s, and a silent factor of 1000 is the worst kind of bug.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: Hours per second (the PK stage counts time in hours).
H_PER_S = 1.0 / 3600.0

# Factors to the canonical unit of each kind.
_TIME = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "min": 60.0, "h": 3600.0, "d": 86400.0, "day": 86400.0}
_VOLTAGE = {"V": 1.0, "mV": 1e-3}
_CONDUCTANCE = {"S": 1.0, "mS": 1e-3, "uS": 1e-6, "nS": 1e-9, "pS": 1e-12}
_CURRENT = {"A": 1.0, "mA": 1e-3, "uA": 1e-6, "nA": 1e-9, "pA": 1e-12}
_CAPACITANCE = {"F": 1.0, "uF": 1e-6, "nF": 1e-9, "pF": 1e-12}
_RATE = {"Hz": 1.0, "kHz": 1e3, "/s": 1.0, "1/s": 1.0, "/ms": 1e3, "/min": 1 / 60.0, "/h": 1 / 3600.0,
         "/d": 1 / 86400.0}
_CONCENTRATION_UM = {"M": 1e6, "mM": 1e3, "uM": 1.0, "nM": 1e-3}
_MG_MM = {"M": 1e3, "mM": 1.0, "uM": 1e-3}
# Second-order rate constant, canonical 1/(uM*s).
_RATE_PER_UM = {"/uM/s": 1.0, "1/(uM*s)": 1.0, "/mM/s": 1e-3, "/M/s": 1e-6, "/uM/ms": 1e3}
# Mass concentration, canonical ng/mL (= ug/L), as plasma levels are quoted.
_MASS_CONCENTRATION = {"ng/mL": 1.0, "ug/L": 1.0, "ug/mL": 1e3, "mg/L": 1e3}


@dataclass(frozen=True)
class UnitKind:
    """A kind of quantity: its canonical unit and the units accepted for it."""

    name: str
    canonical: str
    factors: dict[str, float]

    def expected(self) -> str:
        return f"a {self.name} with a unit ({', '.join(self.factors)})"


TIME = UnitKind("duration", "s", _TIME)
VOLTAGE = UnitKind("voltage", "V", _VOLTAGE)
CONDUCTANCE = UnitKind("conductance", "S", _CONDUCTANCE)
CAPACITANCE = UnitKind("capacitance", "F", _CAPACITANCE)
CURRENT = UnitKind("current", "A", _CURRENT)
RATE = UnitKind("rate", "Hz", _RATE)
CONCENTRATION = UnitKind("concentration", "uM", _CONCENTRATION_UM)
MG_CONCENTRATION = UnitKind("concentration", "mM", _MG_MM)
RATE_PER_UM = UnitKind("second-order rate constant", "/uM/s", _RATE_PER_UM)
MASS_CONCENTRATION = UnitKind("mass concentration", "ng/mL", _MASS_CONCENTRATION)
BODY_WEIGHT = UnitKind("body weight", "kg", {"kg": 1.0, "g": 1e-3})

_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def parse_quantity(value: object, kind: UnitKind) -> float:
    """Parse ``"<number> <unit>"`` into a float in the canonical unit of `kind`.

    Parameters
    ----------
    value : object
        The raw YAML value, normally a string such as ``"100 ms"``.
    kind : UnitKind
        What the value must be (duration, voltage, ...).

    Returns
    -------
    float
        The value in ``kind.canonical`` units.

    Raises
    ------
    ValueError
        With a message stating the expected kind and its units; pydantic
        attaches the key.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        # YAML reads "100" as a number: the unit was left out.
        raise ValueError(f"missing unit: expected {kind.expected()}, got {value!r}")
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(f"expected {kind.expected()}, got {value!r}")
    m = _QUANTITY.match(value.replace("µ", "u").replace("μ", "u"))
    if m is None:
        raise ValueError(f"expected {kind.expected()}, got {value!r}")
    number, unit = m.group(1), m.group(2)
    if unit == "":
        raise ValueError(f"missing unit: expected {kind.expected()}, got {value!r}")
    if unit not in kind.factors:
        raise ValueError(f"wrong unit {unit!r}: expected {kind.expected()}, got {value!r}")
    out = float(number) * kind.factors[unit]
    if not math.isfinite(out):
        raise ValueError(f"expected a finite {kind.name}, got {value!r}")
    # Round off the scaling error (0.1 * 1e-3 != 1e-4 in binary) at 15
    # significant digits, so that "0.1 ms" and "100 us" give the same float
    # and a config written back and read again is equal to itself.
    return float(f"{out:.15g}")


def format_quantity(value: float, kind: UnitKind) -> str:
    """Write a canonical float back as a string that :func:`parse_quantity` reads.

    The unit is the accepted one that puts the number in [1, 1000) where one
    does (``2.5e-08 S`` is written ``25 nS``), with 12 significant digits.
    """
    if value != 0:
        for unit, factor in sorted(kind.factors.items(), key=lambda kv: -kv[1]):
            if "/" in unit or unit in ("min", "h", "d", "day"):
                continue
            scaled = value / factor
            if 1 <= abs(scaled) < 1000:
                return f"{scaled:.12g} {unit}"
    return f"{value:.12g} {kind.canonical}"
