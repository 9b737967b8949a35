"""A sweep: a config plus a ``sweep:`` block that varies any of its keys, resolved into points.

The block and its checks are :class:`circuitsim.sweep.block.SweepBlock`.
The points are grid x zip x random (each part crossed with the others).
The key ``label`` is not a config key: it names points (a zip of a label
with the keys that make, say, each blocker) in file names, the index and
the figures.
Keys are the dotted keys of ``--set`` (list items by index); values are
YAML values, units as in the config. Every point's config is validated
before anything runs; a bad key or value is one line naming
``sweep.<part>.<key>``.

Seeds. A point runs with ``seed`` as given when the sweep varies ``seed``
(points that share it share their circuit, so differences between other
parameters are paired). Otherwise each point's seed derives from the sweep
seed and the point's parameters (:func:`point_seed`), never from its place
in the run order: the same point gets the same seed with 1 or N workers,
locally or on Dask, and after a resume.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..config import config_from_dict, dump_config
from ..config.load import PACKAGED, apply_override, packaged_config_path
from ..config.load import read_yaml as _read_yaml
from ..config.schema import Config
from ..errors import UserInputError
from .block import LABEL, SweepBlock, values_of


@dataclass(frozen=True)
class Point:
    """One point of a sweep: its parameters (dotted key -> YAML value), name, seed and config."""

    params: dict[str, Any]
    name: str
    seed: int
    config: Config


@dataclass(frozen=True)
class Sweep:
    """A resolved sweep: the base config, its points and the sweep's settings."""

    base: Config
    points: list[Point]
    keys: list[str]
    seed: int
    time_limit_s: float
    name: str = "sweep"
    text: str = field(default="", repr=False)


def _yaml_value(value: Any) -> str:
    """`value` as one line of YAML (flow style), as ``--set`` reads it."""
    return yaml.safe_dump(value, default_flow_style=True, width=10**6).strip().removesuffix("\n...").strip()


def canonical(params: dict[str, Any]) -> str:
    """A stable text of `params` (sorted keys, JSON): the identity of a point."""
    return json.dumps(params, sort_keys=True, default=str, separators=(",", ":"))


def point_seed(sweep_seed: int, params: dict[str, Any]) -> int:
    """The seed of a point that does not set ``seed``: a hash of the sweep seed and its parameters."""
    digest = hashlib.sha256(f"{int(sweep_seed)}|{canonical(params)}".encode()).digest()
    return int.from_bytes(digest[:4], "little") >> 1


_SAFE = re.compile(r"[^A-Za-z0-9.+-]+")


def point_name(params: dict[str, Any]) -> str:
    """A file-safe name from the parameters: ``<short key>-<value>_...`` plus a hash of them all.

    The short key is the last part of the dotted key (``concentration``);
    values that are lists or mappings (a list of interventions) are left to
    the hash, which (8 hex digits of the canonical parameters) keeps names
    unique when short keys collide, values are left out or names are cut (at
    100 characters).
    """
    parts = []
    for key, value in params.items():
        if isinstance(value, (list, dict)):
            continue
        short = key.split(".")[-1]
        text = value if isinstance(value, str) else _yaml_value(value)
        parts.append(f"{short}-{_SAFE.sub('', str(text).replace(' ', ''))}")
    stem = "_".join(parts)[:100] or "point"
    digest = hashlib.sha256(canonical(params).encode()).hexdigest()[:8]
    return f"{stem}_{digest}"


# ---------------------------------------------------------------- expansion
def _uniform(sweep_seed: int, draw: int, key: str) -> float:
    """A uniform number in [0, 1) for draw `draw` of `key`: counter-based, so draws never shift."""
    digest = hashlib.sha256(f"{int(sweep_seed)}|random|{draw}|{key}".encode()).digest()
    return int.from_bytes(digest[:8], "little") / 2.0**64


def expand(block: SweepBlock, sweep_seed: int) -> list[dict[str, Any]]:
    """The parameter sets of a sweep block (grid x zip x random), in a stable order."""
    parts: list[list[dict[str, Any]]] = []
    if block.grid:
        names = list(block.grid)
        values = [values_of(block.grid[k]) for k in names]
        parts.append([dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)])
    if block.zip:
        names = list(block.zip)
        values = [values_of(block.zip[k]) for k in names]
        parts.append([dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)])
    if block.random is not None:
        keys = block.random.keys
        parts.append([{k: dist.draw(_uniform(sweep_seed, d, k)) for k, dist in keys.items()}
                      for d in range(block.random.count)])
    return [dict(itertools.chain.from_iterable(p.items() for p in combo)) for combo in itertools.product(*parts)]


def build_sweep(data: dict[str, Any], overrides: list[str] | tuple[str, ...] = ()) -> Sweep:
    """A :class:`Sweep` from a config mapping with a ``sweep`` block (overrides applied first).

    Overrides may set sweep keys too (``sweep.time_limit=10 min``).

    Raises
    ------
    UserInputError
        One line naming the bad key: ``sweep.<part>.<key>`` for the block, the
        config key for the base config.
    """
    data = copy.deepcopy(data)
    for assignment in overrides:
        apply_override(data, assignment)
    if "sweep" not in data:
        raise UserInputError("sweep: the config has no sweep block; expected sweep: {grid: {dotted.key: [values]}}")
    raw = data.pop("sweep")
    base = config_from_dict(data)
    block = SweepBlock.parse(raw)
    sweep_seed = block.seed if block.seed is not None else base.seed
    params_list = expand(block, sweep_seed)
    keys = list(params_list[0])
    points: list[Point] = []
    names: set[str] = set()
    for params in params_list:
        seed = params["seed"] if "seed" in params else point_seed(sweep_seed, params)
        sets = [f"{k}={_yaml_value(v)}" for k, v in params.items() if k not in ("seed", LABEL)]
        name = point_name(params)
        try:
            cfg = config_from_dict(data, [*sets, f"seed={seed}", f"output.name={name}", "output.figures=false"])
        except UserInputError as exc:
            key = next((k for k in params if str(exc).startswith(k) or k in str(exc).split(":")[0]), None)
            where = block.where(key) if key else "sweep"
            raise UserInputError(f"{where}: {exc}") from None
        if name in names:
            raise UserInputError(f"sweep: two points have the same parameters {canonical(params)}")
        names.add(name)
        points.append(Point(params=params, name=name, seed=seed, config=cfg))
    # The block as written (not as validated): a resumed sweep compares this text.
    text = yaml.safe_dump({**yaml.safe_load(dump_config(base)), "sweep": raw}, sort_keys=False)
    return Sweep(base=base, points=points, keys=keys, seed=int(sweep_seed),
                 time_limit_s=block.time_limit_s, name=base.output.name, text=text)


def load_sweep(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Sweep:
    """Read a sweep config (a YAML file, or the name of a packaged one) and resolve its points."""
    if isinstance(path, str) and path in PACKAGED and not Path(path).exists():
        path = packaged_config_path(path)
    return build_sweep(_read_yaml(Path(path)), overrides)
