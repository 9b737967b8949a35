"""Loading a config from YAML, applying ``--set`` overrides, and clear errors."""

from __future__ import annotations

import copy
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import UserInputError
from .base import validation_error_line
from .drugs import inline, is_file_reference
from .schema import Config

PACKAGED = ("default", "dose_response", "clinical_infusion", "esketamine_nasal", "rodent_ip",
            "nbqx_ketamine", "adolescent_ketamine", "enantiomers", "stress_ketamine_7d", "stress_ketamine_7d_rat", "occlusion",
            "phoumthipphavong_2016", "pryazhnikov_2018", "sweep_dose", "sweep_occlusion")


def packaged_config_path(name: str = "default") -> Path:
    """Path of a config shipped inside the package (``default``, ``dose_response``)."""
    return Path(str(resources.files("circuitsim") / "data" / f"{name}.yaml"))


def read_yaml(path: Path) -> dict[str, Any]:
    """The mapping of keys in the YAML file `path`; a file that cannot be read or parsed is a one-line error."""
    if path.is_dir():
        raise UserInputError(f"config: expected a YAML config file, got the directory {str(path)!r}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserInputError(f"config: cannot read {str(path)!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UserInputError(f"config: {str(path)!r} is not a UTF-8 text file") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise UserInputError(f"config: {str(path)!r} is not valid YAML{where}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UserInputError(
            f"config: expected a mapping of keys at the top of {str(path)!r}, "
            f"got {type(data).__name__}"
        )
    return data


def apply_override(data: dict[str, Any], assignment: str) -> None:
    """Apply one ``dotted.key=value`` override in place; the value is read as YAML.

    List items are addressed by index: ``protocol.epochs.1.concentration=2 uM``.
    """
    key, sep, raw = assignment.partition("=")
    key = key.strip()
    if not sep or not key:
        raise UserInputError(f"--set: expected dotted.key=value, got {assignment!r}")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    parts = key.split(".")
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise UserInputError(
                    f"{'.'.join(parts[:i + 1])}: expected a list index below {len(node)}, got {part!r}"
                )
            idx = int(part)
            if last:
                node[idx] = value
            else:
                node = node[idx]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if node.get(part) is None:
                    node[part] = {}  # an absent or null section (e.g. `dosing` in a fixed-concentration config)
                node = node[part]
        else:
            raise UserInputError(
                f"{'.'.join(parts[:i])}: is a value, not a section; cannot set {key!r}"
            )


def _merge(base: Any, data: Any) -> Any:
    """`data` laid over `base`: mappings merge key by key; anything else replaces."""
    if isinstance(base, dict) and isinstance(data, dict):
        out = dict(base)
        for key, value in data.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    return data


def config_from_dict(data: dict[str, Any], overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Validate a config mapping (YAML keys, unit strings) after applying overrides.

    The mapping is laid over the full default config first, so a partial
    section keeps the defaults of the keys it does not name (``interneuron:
    {n: 200}`` keeps the interneurons' own capacitance and leak, not those of
    a generic cell).
    """
    defaults = Config().model_dump(by_alias=True)
    data = _merge(defaults, copy.deepcopy(data)) if isinstance(data, dict) else data
    for assignment in overrides:
        apply_override(data, assignment)
    try:
        return Config.model_validate(data)
    except ValidationError as err:
        raise UserInputError(validation_error_line(err)) from None


def load_config(
    path: str | Path | None = None, overrides: list[str] | tuple[str, ...] = ()
) -> Config:
    """Load and validate an experiment config.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file, or the name of a packaged config (``"default"``,
        ``"dose_response"``). None loads the packaged default.
    overrides : sequence of str
        ``dotted.key=value`` assignments applied before validation.

    Returns
    -------
    Config
        Validated, frozen, all defaults filled in, SI units.

    Raises
    ------
    UserInputError
        One line naming the bad key and what it expected.
    """
    if path is None:
        path = packaged_config_path("default")
    elif isinstance(path, str) and path in PACKAGED and not Path(path).is_file():
        # A directory is never a config file: a folder called "default" in
        # the working directory does not shadow the packaged config.
        path = packaged_config_path(path)
    data = read_yaml(Path(path))
    anchor_paths(data, Path(path).parent)
    if "sweep" in data:
        raise UserInputError(f"sweep: {str(path)!r} is a sweep (it has a sweep block); "
                             "run it with circuitsim sweep")
    return config_from_dict(data, overrides)


def anchor_paths(data: dict[str, Any], folder: Path) -> None:
    """Make the files a config names (drug files, ``circuit.network``) relative to `folder`, the config's.

    A file named in a config file is looked up beside that config, as a
    user who keeps them together expects; ``--set`` overrides are applied
    after this and stay relative to the working directory.
    """
    circuit = data.get("circuit")
    network = circuit.get("network") if isinstance(circuit, dict) else None
    if isinstance(network, str) and not Path(network).expanduser().is_absolute():
        circuit["network"] = str((folder / network).resolve())
    doses = (data.get("dosing") or {}).get("doses") if isinstance(data.get("dosing"), dict) else None
    if not isinstance(doses, list):
        return
    for dose in doses:
        drug = dose.get("drug") if isinstance(dose, dict) else None
        if isinstance(drug, str) and is_file_reference(drug) and not Path(drug).expanduser().is_absolute():
            dose["drug"] = str((folder / drug).resolve())


def dump_config(config: Config) -> str:
    """The fully resolved config as YAML that :func:`load_config` reads back.

    A dose's drug file is written inline (its definition, :func:`~circuitsim.config.drugs.inline`),
    so that the text needs no file: a results file's config, a sweep's jobs.
    """
    data = config.model_dump(by_alias=True)
    if config.dosing is not None:
        for dose, raw in zip(config.dosing.doses, data["dosing"]["doses"], strict=True):
            raw["drug"] = inline(dose.drug)
    return yaml.safe_dump(data, sort_keys=False)
