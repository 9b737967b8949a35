"""The layering rules of docs/architecture.md, checked from the source (used by test_architecture.py).

Every function takes the package's root directory, so that the tests can
run them on the real tree and on a copy with a planted violation.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

#: Modules every stage may import: they import nothing from circuitsim but each other.
FOUNDATION = ("errors", "seeds", "atomic", "version")

#: The packages (and top-level modules) in import order: each may import
#: from the foundation, from itself and from those before it, never from
#: one after it.
ORDER = ("config", "pharmacology", "network", "plasticity", "engine", "analysis", "io", "plots",
         "runner", "validation", "sweep", "api", "cli")

#: Packages that never import h5py or matplotlib (the file format and the
#: figures are decided above them).
NO_FILES_OR_FIGURES = ("config", "pharmacology", "network", "plasticity")
FILE_AND_FIGURE_LIBRARIES = ("h5py", "matplotlib")

MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80
#: A longer function says why in its docstring, with this phrase.
LONG_FUNCTION_REASON = "Why this is long:"


def modules(root: Path) -> Iterator[tuple[str, Path]]:
    """(dotted name, path) of every module of the package at `root` (the ``circuitsim`` folder)."""
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def unit(module: str) -> str:
    """The layer unit of a module: its subpackage or top-level module (``"circuitsim"`` for the root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "circuitsim"


def rank(u: str) -> int:
    """Position of a unit in the order: foundation -1, the root package last."""
    if u in FOUNDATION:
        return -1
    if u == "circuitsim":
        return len(ORDER)
    return ORDER.index(u)


def imports(module: str, path: Path) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """(line, imported module, imported names) of every import in a module, function bodies included."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            yield node.lineno, target, tuple(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name, ()


def circuitsim_imports(module: str, path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported circuitsim module) of every import of a module.

    ``from circuitsim import x`` counts as importing ``circuitsim.x``;
    ``__version__`` is the foundation's ``version`` module.
    """
    for line, target, names in imports(module, path):
        if not target.startswith("circuitsim"):
            continue
        for t in ([target] if target != "circuitsim" or not names else [f"circuitsim.{n}" for n in names]):
            yield line, "circuitsim.version" if t == "circuitsim.__version__" else t


def layering_violations(root: Path) -> list[str]:
    """Imports of a later unit of :data:`ORDER` (and a foundation module importing a stage)."""
    out = []
    for module, path in modules(root):
        me = unit(module)
        for line, t in circuitsim_imports(module, path):
            other = unit(t)
            if other != me and rank(other) > rank(me) or (me in FOUNDATION and other not in FOUNDATION):
                out.append(f"{path}:{line}: {me} imports {t} ({other} comes after {me})")
    return out


def private_name_imports(root: Path) -> list[str]:
    """``from x import _name`` and ``module._name`` across modules of the package (dunders allowed)."""
    out = []
    for module, path in modules(root):
        tree = ast.parse(path.read_text(), filename=str(path))
        aliases: set[str] = set()
        for line, target, names in imports(module, path):
            if target.startswith("circuitsim"):
                for n in names:
                    if n.startswith("_") and not n.startswith("__"):
                        out.append(f"{path}:{line}: imports {n} from {target}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("circuitsim")):
                aliases.update(a.asname or a.name for a in node.names)
            elif isinstance(node, ast.Import):
                aliases.update(a.asname or a.name.split(".")[0] for a in node.names
                               if a.name.startswith("circuitsim"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                out.append(f"{path}:{node.lineno}: uses {node.value.id}.{node.attr}")
    return out


def file_and_figure_imports(root: Path) -> list[str]:
    """h5py or matplotlib imported by a package of :data:`NO_FILES_OR_FIGURES` (or the foundation)."""
    out = []
    for module, path in modules(root):
        if unit(module) not in (*NO_FILES_OR_FIGURES, *FOUNDATION):
            continue
        for line, target, _names in imports(module, path):
            if target.split(".")[0] in FILE_AND_FIGURE_LIBRARIES:
                out.append(f"{path}:{line}: {unit(module)} imports {target}")
    return out


def long_modules(root: Path) -> list[str]:
    """Modules longer than :data:`MAX_MODULE_LINES`."""
    out = []
    for _module, path in modules(root):
        n = len(path.read_text().splitlines())
        if n > MAX_MODULE_LINES:
            out.append(f"{path}: {n} lines")
    return out


def long_functions(root: Path) -> list[str]:
    """Functions longer than :data:`MAX_FUNCTION_LINES` whose docstring does not say why."""
    out = []
    for _module, path in modules(root):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                doc = ast.get_docstring(node) or ""
                if n > MAX_FUNCTION_LINES and LONG_FUNCTION_REASON not in doc:
                    out.append(f"{path}:{node.lineno}: {node.name} is {n} lines")
    return out


def unit_graph_cycles(root: Path) -> list[str]:
    """Cycles in the graph of units (subpackages and top-level modules) that import each other."""
    edges: dict[str, set[str]] = {}
    for module, path in modules(root):
        for _line, t in circuitsim_imports(module, path):
            if unit(t) != unit(module):
                edges.setdefault(unit(module), set()).add(unit(t))
    out, state = [], {}

    def visit(u: str, stack: list[str]) -> None:
        state[u] = 1
        for v in sorted(edges.get(u, ())):
            if state.get(v) == 1:
                out.append(" -> ".join([*stack[stack.index(v):], v]))
            elif v not in state:
                visit(v, [*stack, v])
        state[u] = 2

    for u in sorted(edges):
        if u not in state:
            visit(u, [u])
    return out
