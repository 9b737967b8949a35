"""The base models of the config and their one-line validation errors.

Every section of the config is a :class:`ConfigModel`: strict (unknown keys
are refused), frozen, defaults validated. A model that is also built on its
own, outside a config (a dose, a PK parameter set), is a
:class:`CheckedModel`: a mistake raises
:class:`~circuitsim.errors.UserInputError` with the same one line that
loading a config gives.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import UserInputError


class ConfigModel(BaseModel):
    """A strict, frozen section of the config (``extra="forbid"``, defaults validated)."""

    model_config = ConfigDict(
        extra="forbid", validate_default=True, populate_by_name=True, frozen=True
    )


class CheckedModel(ConfigModel):
    """A :class:`ConfigModel` whose validation errors are one line.

    A mistake raises :class:`~circuitsim.errors.UserInputError` (a
    ``ValueError``) naming the key, what was expected and what was given.
    """

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as err:
            raise UserInputError(validation_error_line(err)) from None

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any):
        """pydantic's ``model_validate``, with the one-line error."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as err:
            raise UserInputError(validation_error_line(err)) from None


_NESTED_KEY = re.compile(r"^([\w.]+): ([A-Za-z_][\w.]*): ")


def _format_loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if p not in ("function-after",)) or "<config>"


def validation_error_line(err: ValidationError) -> str:
    """One line naming the first bad key, what was expected and what was given."""
    errors = err.errors(include_url=False)
    e = errors[0]
    loc = _format_loc(e["loc"])
    msg = e["msg"].removeprefix("Value error, ")
    if e["type"] == "extra_forbidden":
        line = f"{loc}: unknown key (not part of the config schema)"
    elif e["type"] == "missing":
        line = f"{loc}: required key is missing"
    elif "got " in msg:
        # Cross-section checks (Config-level validators) name their keys themselves.
        line = msg if loc == "<config>" else f"{loc}: {msg}"
    else:
        line = f"{loc}: {msg}, got {e.get('input')!r}"
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})"
    # A nested model that reports its own one-line error ("route: ...", the
    # PK dose) gets pydantic's path in front: "doses.0: route: ..." becomes
    # "doses.0.route: ...".
    return _NESTED_KEY.sub(r"\1.\2: ", line, count=1)
