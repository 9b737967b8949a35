"""The import rules of the two lowest stages, config/ and pharmacology/, read from the source.

* config/ imports no other stage; pharmacology/ imports only config/; neither
  imports h5py or matplotlib.
* Within config/ the module graph is acyclic, counting imports inside
  functions too (a function-level import is how a circle hides).
* No module of either package imports an underscore name from another
  module, or reads one as ``module._name``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "circuitsim"
STAGES = ("config", "pharmacology")
#: What each stage may import from circuitsim (besides itself).
ALLOWED = {"config": {"errors"}, "pharmacology": {"errors", "config"}}
FORBIDDEN_THIRD_PARTY = {"h5py", "matplotlib"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) of every import of `path`, at any depth."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [a.name for a in node.names]
            if node.module is None:
                # "from . import x": x is a module of the package.
                out += [(f"{target}.{n}", [], node.lineno) for n in names]
            else:
                out.append((target, names, node.lineno))
    return out


def _files(stage: str) -> list[Path]:
    return sorted((ROOT / stage).glob("*.py"))


def _violations(stage: str, files: list[Path]) -> list[str]:
    bad = []
    for path in files:
        for target, names, line in _imports(path):
            top = target.split(".")[0]
            where = f"{path.relative_to(ROOT.parent)}:{line}"
            if top in FORBIDDEN_THIRD_PARTY:
                bad.append(f"{where} imports {target}")
            if top == "circuitsim":
                sub = target.split(".")[1] if "." in target else ""
                if sub != stage and sub not in ALLOWED[stage]:
                    bad.append(f"{where} imports {target} (a higher stage)")
                private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                if private and target != _module_name(path):
                    bad.append(f"{where} imports private {', '.join(private)} from {target}")
    return bad


def _private_attribute_reads(path: Path) -> list[str]:
    """``alias._name`` where ``alias`` is a module imported by `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module is None:
            modules |= {a.asname or a.name for a in node.names}
    return [f"{path.relative_to(ROOT.parent)}:{node.lineno} reads {node.value.id}.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id in modules and node.attr.startswith("_") and not node.attr.startswith("__")]


def _cycle(stage: str, files: list[Path]) -> list[str] | None:
    prefix = f"circuitsim.{stage}"
    names = {_module_name(p): p for p in files}
    graph = {m: sorted({t if t in names else t.rpartition(".")[0]
                        for t, _n, _l in _imports(p) if t.startswith(prefix)} & set(names) - {m})
             for m, p in names.items()}
    # Importing a submodule runs its package's __init__ first: not an edge of the circle.
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> list[str] | None:
        state[m] = 1
        for n in graph[m]:
            if n == prefix:
                continue
            if state.get(n) == 1:
                return [*path[path.index(n):], n] if n in path else [m, n]
            if n not in state and (found := visit(n, [*path, n])):
                return found
        state[m] = 2
        return None

    for m in graph:
        if m not in state and (found := visit(m, [m])):
            return found
    return None


@pytest.mark.parametrize("stage", STAGES)
def test_stage_imports_only_downward(stage):
    assert _violations(stage, _files(stage)) == []


@pytest.mark.parametrize("stage", STAGES)
def test_no_private_attribute_across_modules(stage):
    assert [v for p in _files(stage) for v in _private_attribute_reads(p)] == []


def test_config_module_graph_is_acyclic():
    assert _cycle("config", _files("config")) is None


def test_the_rules_catch_planted_violations(tmp_path):
    """Each rule fails on a file that breaks it (written beside a copy of config/)."""
    fake = tmp_path / "circuitsim"
    (fake / "config").mkdir(parents=True)
    for p in _files("config"):
        (fake / "config" / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, fake
    try:
        planted = fake / "config" / "units.py"
        planted.write_text(planted.read_text(encoding="utf-8") + (
            "\n\ndef _late():\n    from .schema import Config\n    from ..engine import run\n"
            "    import h5py\n    from .load import _merge\n    from . import load\n"
            "    return load._merge\n"), encoding="utf-8")
        files = sorted((fake / "config").glob("*.py"))
        bad = _violations("config", files)
        assert any("circuitsim.engine" in b for b in bad), bad
        assert any("imports h5py" in b for b in bad), bad
        assert any("private _merge" in b for b in bad), bad
        assert _private_attribute_reads(planted), "load._merge not caught"
        assert _cycle("config", files) is not None
    finally:
        ROOT = saved
