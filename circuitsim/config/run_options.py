"""Run options: the parts of a config that say how and where to run, not what to simulate.

A field is a run option when changing it leaves every result unchanged
(where output goes, whether figures are drawn, the code-generation target,
threads, reusing cached responses). It is marked where it is declared, with
``json_schema_extra=RUN_OPTION``, so that :func:`science_dict`, the config
without its run options, needs no list of exclusions kept by hand: what it
returns is what a cache key or a comparison of experiments should hash.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .base import ConfigModel
from .fields import Name

#: ``json_schema_extra`` of a field that does not change results.
RUN_OPTION: dict[str, Any] = {"run_option": True}


class OutputConfig(ConfigModel):
    """Where results go and what is written."""

    directory: str = "results"
    name: Name(128, r"^[A-Za-z0-9_.+-]+$") = "run"
    figures: bool = True


def is_run_option(model: type[BaseModel], name: str) -> bool:
    """Whether field `name` of `model` is marked as a run option."""
    extra = model.model_fields[name].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("run_option"))


def run_option_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Dotted YAML keys of every run option in `model` and its sections, e.g. ``timeline.sampling.cache``."""
    out = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{field.alias or name}"
        if is_run_option(model, name):
            out.append(key)
            continue
        for sub in _model_types(field.annotation):
            out += run_option_keys(sub, f"{key}.")
    return out


def _model_types(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models in a field's type (``X``, ``X | None``, ``list[X]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _model_types(arg)]


def science_dict(config: BaseModel) -> dict[str, Any]:
    """``config.model_dump(mode="json", by_alias=True)`` without its run options.

    Two configs with equal science dicts give the same results; a cache key
    built from it needs no hand-written exclusions.
    """
    data = config.model_dump(mode="json", by_alias=True)
    _strip(config, data)
    return data


def _strip(model: BaseModel, data: dict[str, Any]) -> None:
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        if is_run_option(type(model), name):
            data.pop(key, None)
        else:
            _strip_value(getattr(model, name), data.get(key))


def _strip_value(value: Any, data: Any) -> None:
    if isinstance(value, BaseModel):
        _strip(value, data)
    elif isinstance(value, list | tuple):
        for v, d in zip(value, data, strict=True):
            _strip_value(v, d)
    elif isinstance(value, dict):
        for k, v in value.items():
            _strip_value(v, data[k])
