"""The layering rules of docs/architecture.md, enforced from the source.

``pytest tests/test_architecture.py`` checks the package as it is, and that
each rule catches a violation planted in a copy of it (a rule that cannot
fail checks nothing).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from architecture_rules import (
    FOUNDATION,
    LONG_FUNCTION_REASON,
    MAX_FUNCTION_LINES,
    MAX_MODULE_LINES,
    ORDER,
    file_and_figure_imports,
    layering_violations,
    long_functions,
    long_modules,
    private_name_imports,
    unit_graph_cycles,
)

ROOT = Path(__file__).resolve().parents[1] / "circuitsim"
DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"

RULES = (layering_violations, private_name_imports, file_and_figure_imports, long_modules,
         long_functions, unit_graph_cycles)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_the_package_keeps_the_rule(rule):
    assert rule(ROOT) == []


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of the package to plant violations in."""
    dst = tmp_path / "circuitsim"
    shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def test_a_lower_stage_importing_a_higher_one_is_caught(copy):
    _append(copy / "network" / "glutamate.py", "\n\ndef _late():\n    from ..engine import simulate\n")
    found = layering_violations(copy)
    assert any("network imports circuitsim.engine" in v for v in found)
    assert any("network" in c and "engine" in c for c in unit_graph_cycles(copy))


def test_a_foundation_module_importing_a_stage_is_caught(copy):
    _append(copy / "seeds.py", "\nfrom .config import Config\n")
    assert any("seeds imports circuitsim.config" in v for v in layering_violations(copy))


def test_a_private_name_across_modules_is_caught(copy):
    _append(copy / "engine" / "checks.py", "\nfrom .sampling import _nothing\n")
    _append(copy / "engine" / "arms.py", "\nfrom . import response\nresponse._hidden\n")
    found = private_name_imports(copy)
    assert any("imports _nothing" in v for v in found)
    assert any("response._hidden" in v for v in found)


def test_h5py_or_matplotlib_below_io_is_caught(copy):
    _append(copy / "plasticity" / "pool.py", "\nimport h5py\n")
    _append(copy / "config" / "units.py", "\nfrom matplotlib.figure import Figure\n")
    found = file_and_figure_imports(copy)
    assert len(found) == 2


def test_a_long_module_and_a_long_function_are_caught(copy):
    before = set(long_functions(copy)), set(long_modules(copy))
    body = "".join(f"    x{k} = {k}\n" for k in range(MAX_FUNCTION_LINES))
    _append(copy / "engine" / "checks.py", f"\n\ndef planted():\n{body}")
    _append(copy / "engine" / "arms.py", f'\n\ndef planted_with_reason():\n    """{LONG_FUNCTION_REASON} a test."""\n{body}')
    new = set(long_functions(copy)) - before[0]
    assert [v.split(": ")[-1] for v in new] == [f"planted is {MAX_FUNCTION_LINES + 1} lines"]
    _append(copy / "engine" / "checks.py", "\n" * MAX_MODULE_LINES)
    assert [v for v in set(long_modules(copy)) - before[1] if "checks.py" in v]


def test_architecture_page_states_the_order_and_the_foundation():
    text = DOC.read_text()
    order_line = next(line for line in text.splitlines() if line.startswith("Order: "))
    assert order_line == "Order: " + " → ".join(ORDER)
    for name in FOUNDATION:
        assert f"`{name}`" in text
