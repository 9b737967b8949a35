"""A sweep: a config plus a ``sweep:`` block that varies any of its keys.

The block (all parts optional, but at least one point must result)::

    sweep:
      seed: 7                       # the sweep seed (default: the config's seed)
      time_limit: 30 min            # per point; a point still running then is stopped
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
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ..config import config_from_dict, dump_config
from ..config.load import PACKAGED, apply_override, packaged_config_path
from ..config.load import read_yaml as _read_yaml
from ..config.schema import Config
from ..config.units import TIME, parse_quantity
from ..errors import UserInputError

#: Default per-point time limit, s.
DEFAULT_TIME_LIMIT_S = 2 * 3600.0
#: The sweep key that only names points (not applied to the config).
LABEL = "label"
#: Distributions of ``random.keys``.
DISTRIBUTIONS = ("uniform", "log_uniform", "choice")


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
def _values(where: str, spec: Any) -> list[Any]:
    """The values of one grid or zip key: a list, or {logspace|linspace: [a, b], num, unit}."""
    if isinstance(spec, list):
        if not spec:
            raise UserInputError(f"{where}: expected a non-empty list of values, got []")
        return list(spec)
    if isinstance(spec, dict) and (set(spec) & {"logspace", "linspace"}):
        kind = "logspace" if "logspace" in spec else "linspace"
        extra = set(spec) - {kind, "num", "unit"}
        if extra:
            raise UserInputError(f"{where}.{sorted(extra)[0]}: unknown key (expected {kind}, num, unit)")
        ends, num, unit = spec[kind], spec.get("num"), spec.get("unit")
        if (not isinstance(ends, list) or len(ends) != 2
                or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in ends)):
            raise UserInputError(f"{where}.{kind}: expected [start, stop] (two numbers), got {ends!r}")
        if not isinstance(num, int) or isinstance(num, bool) or num < 1:
            raise UserInputError(f"{where}.num: expected a positive integer, got {num!r}")
        if kind == "logspace":
            if min(ends) <= 0:
                raise UserInputError(f"{where}.logspace: expected two positive numbers, got {ends!r}")
            xs = np.geomspace(float(ends[0]), float(ends[1]), num)
        else:
            xs = np.linspace(float(ends[0]), float(ends[1]), num)
        # 4 significant digits: readable names, and the same values on every machine.
        vals = [float(f"{x:.4g}") for x in xs]
        return [f"{v:g} {unit}" for v in vals] if unit else vals
    raise UserInputError(f"{where}: expected a list of values or {{logspace|linspace: [start, stop], num: N}}, "
                         f"got {spec!r}")


def _draw(where: str, spec: Any, u: float) -> Any:
    """One draw of a random key from uniform `u` in [0, 1)."""
    if not isinstance(spec, dict) or len(set(spec) & set(DISTRIBUTIONS)) != 1:
        raise UserInputError(f"{where}: expected one of {{uniform: [a, b]}}, {{log_uniform: [a, b]}}, "
                             f"{{choice: [...]}} (optional unit), got {spec!r}")
    kind = next(k for k in DISTRIBUTIONS if k in spec)
    extra = set(spec) - {kind, "unit"}
    if extra:
        raise UserInputError(f"{where}.{sorted(extra)[0]}: unknown key (expected {kind}, unit)")
    arg, unit = spec[kind], spec.get("unit")
    if kind == "choice":
        if not isinstance(arg, list) or not arg:
            raise UserInputError(f"{where}.choice: expected a non-empty list, got {arg!r}")
        value = arg[min(int(u * len(arg)), len(arg) - 1)]
        return f"{value} {unit}" if unit else value
    if (not isinstance(arg, list) or len(arg) != 2
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in arg) or arg[0] > arg[1]):
        raise UserInputError(f"{where}.{kind}: expected [low, high] with low <= high, got {arg!r}")
    lo, hi = float(arg[0]), float(arg[1])
    if kind == "log_uniform":
        if lo <= 0:
            raise UserInputError(f"{where}.log_uniform: expected positive bounds, got {arg!r}")
        x = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
    else:
        x = lo + u * (hi - lo)
    x = float(f"{x:.6g}")
    return f"{x:g} {unit}" if unit else x


def _uniform(sweep_seed: int, draw: int, key: str) -> float:
    """A uniform number in [0, 1) for draw `draw` of `key`: counter-based, so draws never shift."""
    digest = hashlib.sha256(f"{int(sweep_seed)}|random|{draw}|{key}".encode()).digest()
    return int.from_bytes(digest[:8], "little") / 2.0**64


def expand(block: dict[str, Any], sweep_seed: int) -> list[dict[str, Any]]:
    """The parameter sets of a sweep block (grid x zip x random), in a stable order."""
    if not isinstance(block, dict):
        raise UserInputError(f"sweep: expected a mapping with grid, zip or random, got {block!r}")
    unknown = set(block) - {"grid", "zip", "random", "seed", "time_limit"}
    if unknown:
        raise UserInputError(f"sweep.{sorted(unknown)[0]}: unknown key (expected grid, zip, random, seed, "
                             f"time_limit)")
    parts: list[list[dict[str, Any]]] = []
    part_names: list[str] = []
    grid = block.get("grid") or {}
    zipped = block.get("zip") or {}
    for part, mapping in (("grid", grid), ("zip", zipped)):
        if not isinstance(mapping, dict):
            raise UserInputError(f"sweep.{part}: expected a mapping of dotted keys to value lists, got {mapping!r}")
    if "grid" in block and not grid:
        raise UserInputError("sweep.grid: expected at least one key with values, got an empty grid")
    if grid:
        names = list(grid)
        values = [_values(f"sweep.grid.{k}", grid[k]) for k in names]
        parts.append([dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)])
        part_names.append("grid")
    if zipped:
        names = list(zipped)
        values = [_values(f"sweep.zip.{k}", zipped[k]) for k in names]
        lengths = {k: len(v) for k, v in zip(names, values, strict=True)}
        if len(set(lengths.values())) > 1:
            shown = ", ".join(f"{k}: {n}" for k, n in lengths.items())
            raise UserInputError(f"sweep.zip: expected lists of equal length, got {shown}")
        parts.append([dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)])
        part_names.append("zip")
    rnd = block.get("random")
    if rnd is not None:
        if not isinstance(rnd, dict) or set(rnd) - {"count", "keys"}:
            raise UserInputError(f"sweep.random: expected {{count: N, keys: {{dotted.key: distribution}}}}, got {rnd!r}")
        count, keys = rnd.get("count"), rnd.get("keys")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise UserInputError(f"sweep.random.count: expected a positive integer, got {count!r}")
        if not isinstance(keys, dict) or not keys:
            raise UserInputError(f"sweep.random.keys: expected a mapping of dotted keys to distributions, got {keys!r}")
        parts.append([{k: _draw(f"sweep.random.keys.{k}", spec, _uniform(sweep_seed, d, k))
                       for k, spec in keys.items()} for d in range(count)])
        part_names.append("random")
    if not parts:
        raise UserInputError("sweep: expected grid, zip or random with at least one key, got none")
    seen: dict[str, str] = {}
    for name, part in zip(part_names, parts, strict=True):
        for key in part[0]:
            if key in seen:
                raise UserInputError(f"sweep.{name}.{key}: the key is swept in sweep.{seen[key]} already")
            seen[key] = name
    return [dict(itertools.chain.from_iterable(p.items() for p in combo)) for combo in itertools.product(*parts)]


def _where(key: str, block: dict[str, Any]) -> str:
    for part in ("grid", "zip"):
        if key in (block.get(part) or {}):
            return f"sweep.{part}.{key}"
    return f"sweep.random.keys.{key}"


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
    block = data.pop("sweep")
    base = config_from_dict(data)
    sweep_seed = block.get("seed", base.seed) if isinstance(block, dict) else base.seed
    if not isinstance(sweep_seed, int) or isinstance(sweep_seed, bool) or not 0 <= sweep_seed < 2**32:
        raise UserInputError(f"sweep.seed: expected an integer from 0 to 2**32 - 1, got {sweep_seed!r}")
    limit = block.get("time_limit", DEFAULT_TIME_LIMIT_S) if isinstance(block, dict) else DEFAULT_TIME_LIMIT_S
    try:
        limit_s = float(limit) if isinstance(limit, (int, float)) else parse_quantity(limit, TIME)
    except (UserInputError, ValueError) as exc:
        raise UserInputError(f"sweep.time_limit: expected a duration such as 30 min, got {limit!r} ({exc})") from None
    if not limit_s > 0:
        raise UserInputError(f"sweep.time_limit: expected a positive duration, got {limit!r}")
    params_list = expand(block, sweep_seed)
    keys = list(params_list[0])
    points: list[Point] = []
    names: set[str] = set()
    for params in params_list:
        if "seed" in params and (not isinstance(params["seed"], int) or isinstance(params["seed"], bool)):
            raise UserInputError(f"{_where('seed', block)}: expected integers, got {params['seed']!r}")
        seed = params["seed"] if "seed" in params else point_seed(sweep_seed, params)
        sets = [f"{k}={_yaml_value(v)}" for k, v in params.items() if k not in ("seed", LABEL)]
        name = point_name(params)
        try:
            cfg = config_from_dict(data, [*sets, f"seed={seed}", f"output.name={name}", "output.figures=false"])
        except UserInputError as exc:
            key = next((k for k in params if str(exc).startswith(k) or k in str(exc).split(":")[0]), None)
            where = _where(key, block) if key else "sweep"
            raise UserInputError(f"{where}: {exc}") from None
        if name in names:
            raise UserInputError(f"sweep: two points have the same parameters {canonical(params)}")
        names.add(name)
        points.append(Point(params=params, name=name, seed=seed, config=cfg))
    text = yaml.safe_dump({**yaml.safe_load(dump_config(base)), "sweep": block}, sort_keys=False)
    return Sweep(base=base, points=points, keys=keys, seed=int(sweep_seed),
                 time_limit_s=limit_s, name=base.output.name, text=text)


def load_sweep(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Sweep:
    """Read a sweep config (a YAML file, or the name of a packaged one) and resolve its points."""
    if isinstance(path, str) and path in PACKAGED and not Path(path).exists():
        path = packaged_config_path(path)
    return build_sweep(_read_yaml(Path(path)), overrides)
