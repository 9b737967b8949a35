"""The ``sweep:`` block of a sweep config as a pydantic model: its keys, bounds and defaults, once.

The block (all parts optional, but at least one point must result)::

    sweep:
      seed: 7                       # the sweep seed (default: the config's seed)
      time_limit: 30 min            # per point (default 2 h); a point still running then is stopped
      grid:                         # every combination (cartesian product)
        protocol.epochs.1.concentration: {logspace: [0.05, 30], num: 10, unit: uM}
        seed: [1, 2, 3, 4, 5]       # seeds are an ordinary key
      zip:                          # lists walked together (equal lengths)
        circuit.e_to_i.p: [0.1, 0.2]
        circuit.i_to_e.p: [0.3, 0.4]
      random:                       # `count` draws, each key from its distribution
        count: 20
        keys:
          circuit.e_to_e.p: {uniform: [0.05, 0.2]}
          pharmacology.hill.hill_n: {choice: [1, 1.5]}
          protocol.epochs.1.concentration: {log_uniform: [0.1, 10], unit: uM}

Every part is a model with ``extra="forbid"``; every number has bounds;
names (the dotted keys, the values of ``label``) must not be blank. A
mistake is one line, ``sweep.<key>: expected <what>, got <value>``
(:meth:`SweepBlock.parse`). Whether a dotted key and its values make a
valid config is checked when the points are resolved
(:func:`circuitsim.sweep.spec.build_sweep`).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, get_args

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictFloat,
    StrictInt,
    Tag,
    ValidationError,
    ValidationInfo,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..config.fields import Quantity
from ..config.units import TIME
from ..errors import UserInputError

#: The sweep key that only names points (not applied to the config).
LABEL = "label"
#: Distributions of ``random.keys``.
DISTRIBUTIONS = ("uniform", "log_uniform", "choice")
#: Most values of one grid or zip key, and most points of a sweep: far more
#: than any sweep runs (a point takes seconds to hours), few enough that
#: resolving every point's config stays quick.
MAX_VALUES = 10_000
MAX_POINTS = 100_000
#: Longest per-point time limit, s (30 days; the longest experiment runs for hours).
MAX_TIME_LIMIT_S = 30 * 86400.0
#: A dotted key of ``--set``: names joined by dots, list items by index.
DOTTED_KEY = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$"


def _expect(text: str, *, inside: bool = True) -> WrapValidator:
    """Failures of the field it annotates read ``expected <text>``.

    With ``inside=False`` (a mapping of models), only failures of the field
    itself (not a mapping, too few keys) are reworded; those of its items
    keep their own key and message.
    """

    def wrap(value: Any, handler: Any) -> Any:
        try:
            return handler(value)
        except ValidationError as err:
            if not inside and any(e["loc"] for e in err.errors()):
                raise
            raise PydanticCustomError("expected", "expected {text}", {"text": text}) from None

    return WrapValidator(wrap)


Number = Annotated[StrictInt | StrictFloat, Field(allow_inf_nan=False)]
Pair = Annotated[tuple[Number, Number], _expect("[start, stop] (two finite numbers)")]
DottedKey = Annotated[str, Field(pattern=DOTTED_KEY, max_length=200),
                      _expect("a dotted config key such as protocol.epochs.1.concentration (not blank)")]
Unit = Annotated[str, Field(pattern=r"^\S(.*\S)?$", max_length=32),
                 _expect("a unit such as uM (not blank)")]
Seed = Annotated[int, Field(strict=True, ge=0, le=2**32 - 1), _expect("an integer from 0 to 2**32 - 1")]
TimeLimit = Annotated[Quantity(TIME, gt=0, le=MAX_TIME_LIMIT_S),
                      _expect(f"{TIME.expected()} above 0 s and at most 30 d, such as 30 min")]


class _BlockModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Range(_BlockModel):
    """Evenly spaced values of one key: ``{logspace|linspace: [start, stop], num: N, unit: U}``."""

    logspace: Pair | None = None
    linspace: Pair | None = None
    num: Annotated[int, Field(strict=True, ge=1, le=MAX_VALUES),
                   _expect(f"a positive integer (at most {MAX_VALUES})")]
    unit: Unit | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Range:
        if (self.logspace is None) == (self.linspace is None):
            raise ValueError("expected one of logspace or linspace: [start, stop], got "
                             f"{'both' if self.logspace is not None else 'neither'}")
        if self.logspace is not None and min(self.logspace) <= 0:
            raise ValueError(f"logspace: expected two positive numbers, got {list(self.logspace)!r}")
        return self

    def values(self) -> list[Any]:
        """The values: numbers, or ``"<number> <unit>"`` strings when a unit is given."""
        if self.logspace is not None:
            xs = np.geomspace(float(self.logspace[0]), float(self.logspace[1]), self.num)
        else:
            xs = np.linspace(float(self.linspace[0]), float(self.linspace[1]), self.num)
        # 4 significant digits: readable names, and the same values on every machine.
        vals = [float(f"{x:.4g}") for x in xs]
        return [f"{v:g} {self.unit}" for v in vals] if self.unit else vals


ValueList = Annotated[list[Any], Field(min_length=1, max_length=MAX_VALUES),
                      _expect("a non-empty list of values or {logspace|linspace: [start, stop], num: N, unit: U}")]
#: The values of a grid or zip key: a list, or a :class:`Range` (a mapping).
Values = Annotated[Annotated[ValueList, Tag("<list>")] | Annotated[Range, Tag("<range>")],
                   Discriminator(lambda v: "<range>" if isinstance(v, dict | Range) else "<list>")]


def values_of(spec: list[Any] | Range) -> list[Any]:
    """The values of a grid or zip key."""
    return spec.values() if isinstance(spec, Range) else list(spec)


class Distribution(_BlockModel):
    """One random key: ``{uniform: [a, b]}``, ``{log_uniform: [a, b]}`` or ``{choice: [...]}``, optional unit."""

    uniform: Annotated[tuple[Number, Number] | None, _expect("[low, high] (two finite numbers)")] = None
    log_uniform: Annotated[tuple[Number, Number] | None, _expect("[low, high] (two finite numbers)")] = None
    choice: Annotated[list[Any] | None, Field(min_length=1, max_length=MAX_VALUES),
                      _expect("a non-empty list")] = None
    unit: Unit | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Distribution:
        given = [k for k in DISTRIBUTIONS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("expected one of {uniform: [a, b]}, {log_uniform: [a, b]}, {choice: [...]} "
                             f"(optional unit), got {self.model_dump(exclude_none=True)!r}")
        kind = given[0]
        if kind != "choice":
            lo, hi = getattr(self, kind)
            if lo > hi:
                raise ValueError(f"{kind}: expected [low, high] with low <= high, got {[lo, hi]!r}")
            if kind == "log_uniform" and lo <= 0:
                raise ValueError(f"log_uniform: expected positive bounds, got {[lo, hi]!r}")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in DISTRIBUTIONS if getattr(self, k) is not None)

    def draw(self, u: float) -> Any:
        """The value at uniform number `u` in [0, 1)."""
        if self.choice is not None:
            value = self.choice[min(int(u * len(self.choice)), len(self.choice) - 1)]
            return f"{value} {self.unit}" if self.unit else value
        lo, hi = (float(x) for x in (self.uniform or self.log_uniform))
        if self.log_uniform is not None:
            x = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        else:
            x = lo + u * (hi - lo)
        x = float(f"{x:.6g}")
        return f"{x:g} {self.unit}" if self.unit else x


class RandomDraws(_BlockModel):
    """``count`` draws; in each, every key from its distribution."""

    count: Annotated[int, Field(strict=True, ge=1, le=MAX_POINTS),
                     _expect(f"a positive integer (at most {MAX_POINTS})")]
    keys: Annotated[dict[DottedKey, Distribution], Field(min_length=1),
                    _expect("a mapping of dotted keys to distributions", inside=False)]


ValueMap = Annotated[dict[DottedKey, Values], _expect("a mapping of dotted keys to value lists", inside=False)]


def _label_ok(value: Any) -> bool:
    """A label names points: text that is not blank, or a number."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, int | float) and not isinstance(value, bool)


def _seed_ok(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**32


class SweepBlock(_BlockModel):
    """The ``sweep:`` block (module docstring): the points are grid x zip x random."""

    seed: Seed | None = Field(None, description="the sweep seed; None: the config's seed")
    time_limit_s: TimeLimit = Field("2 h", alias="time_limit")
    grid: ValueMap | None = None
    zip: ValueMap | None = None
    random: RandomDraws | None = None

    @field_validator("grid", "zip")
    @classmethod
    def _lists(cls, value: dict[str, Any] | None, info: ValidationInfo) -> dict[str, Any] | None:
        if value is None:
            return None
        if not value:
            raise ValueError(f"expected at least one key with values, got an empty {info.field_name}")
        for key, spec in value.items():
            _check_names(key, values_of(spec), key)
        if info.field_name == "zip":
            lengths = {k: len(values_of(v)) for k, v in value.items()}
            if len(set(lengths.values())) > 1:
                shown = ", ".join(f"{k}: {n}" for k, n in lengths.items())
                raise ValueError(f"expected lists of equal length, got {shown}")
        return value

    @field_validator("random")
    @classmethod
    def _choices(cls, value: RandomDraws | None) -> RandomDraws | None:
        for key, dist in (value.keys.items() if value is not None else ()):
            if key in (LABEL, "seed") and dist.choice is None:
                raise ValueError(f"keys.{key}: expected {{choice: [...]}} (names or seeds are not drawn "
                                 f"from a range), got {dist.kind}")
            if dist.choice is not None:
                _check_names(key, dist.choice, f"keys.{key}")
        return value

    @model_validator(mode="after")
    def _parts(self) -> SweepBlock:
        parts = self.parts()
        if not parts:
            raise ValueError("expected grid, zip or random with at least one key, got none")
        seen: dict[str, str] = {}
        for part, keys in parts.items():
            for key in keys:
                if key in seen:
                    raise ValueError(f"{part}.{key}: the key is swept in sweep.{seen[key]} already")
                seen[key] = part
        total = math.prod(self.size(part) for part in parts)
        if total > MAX_POINTS:
            raise ValueError(f"expected at most {MAX_POINTS} points (grid x zip x random), got {total}")
        return self

    def parts(self) -> dict[str, list[str]]:
        """The keys of each part that is given: ``{"grid": [...], "zip": [...], "random.keys": [...]}``."""
        out = {}
        if self.grid:
            out["grid"] = list(self.grid)
        if self.zip:
            out["zip"] = list(self.zip)
        if self.random is not None:
            out["random.keys"] = list(self.random.keys)
        return out

    def size(self, part: str) -> int:
        """The number of parameter sets of one part."""
        if part == "grid":
            return math.prod(len(values_of(v)) for v in self.grid.values())
        if part == "zip":
            return len(values_of(next(iter(self.zip.values()))))
        return self.random.count

    def where(self, key: str) -> str:
        """``sweep.<part>.<key>``: where the block sweeps `key`."""
        part = next((p for p, keys in self.parts().items() if key in keys), None)
        return f"sweep.{part}.{key}" if part else "sweep"

    @classmethod
    def parse(cls, data: Any) -> SweepBlock:
        """The block from its YAML mapping.

        Raises
        ------
        UserInputError
            One line naming the key (``sweep.<key>``), what was expected and what was given.
        """
        if not isinstance(data, dict):
            raise UserInputError(f"sweep: expected a mapping with grid, zip or random, got {data!r}")
        try:
            return cls.model_validate(data)
        except ValidationError as err:
            raise UserInputError(error_line(err)) from None


def _check_names(key: str, values: list[Any], where: str) -> None:
    """Labels must not be blank; swept seeds are integers in range (`where`: the key's place in the part)."""
    for value in values:
        if key == LABEL and not _label_ok(value):
            raise ValueError(f"{where}: expected labels that are not blank (text or numbers), got {value!r}")
        if key == "seed" and not _seed_ok(value):
            raise ValueError(f"{where}: expected integers from 0 to 2**32 - 1, got {value!r}")


# ----------------------------------------------------------------- one line
def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every model class named in an annotation (through unions, containers and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys the model at `loc` (the location of an unknown key) accepts."""
    models: list[type[BaseModel]] = [SweepBlock]
    for part in loc[:-1]:
        fields = [m.model_fields[part] for m in models if isinstance(part, str) and part in m.model_fields]
        if fields:  # a field: go into its models; a mapping key, list index or union tag: stay
            models = [m for f in fields for m in _models_in(f.annotation)]
    return [f.alias or name for m in models for name, f in m.model_fields.items()]


def error_line(err: ValidationError) -> str:
    """One line for the block's first error: ``sweep.<key>: expected <what>, got <value>``.

    An unknown key is reported before anything else (a misspelt key would
    otherwise show up as a missing one).
    """
    errors = err.errors(include_url=False)
    e = next((x for x in errors if x["type"] == "extra_forbidden"), errors[0])
    loc = tuple(e["loc"])
    if len(loc) >= 2 and loc[-1] == "[key]":  # a bad dotted key: name the mapping, show the key
        loc = loc[:-2]
    where = ".".join(["sweep", *(str(p) for p in loc if not (isinstance(p, str) and p.startswith("<")))])
    if e["type"] == "extra_forbidden":
        return f"{where}: unknown key (expected {', '.join(_known_keys(loc))})"
    if e["type"] == "missing":
        return f"{where}: required key is missing"
    msg = str(e["msg"])
    if e["type"] != "value_error":  # pydantic's or _expect's words: show the value
        return f"{where}: {msg}, got {e.get('input')!r}"
    # A validator's own line; "<key>: ..." names a key below `where`.
    msg = msg.removeprefix("Value error, ")
    head, sep, rest = msg.partition(": ")
    if sep and head and " " not in head:
        return f"{where}.{head}: {rest}"
    return f"{where}: {msg}"
