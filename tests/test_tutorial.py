"""docs/tutorial.md runs: every Python block in order, in a fresh directory (``# slow`` blocks with -m slow)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "tutorial.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _blocks() -> list[str]:
    return BLOCK.findall(TUTORIAL.read_text(encoding="utf-8"))


def _run(blocks: list[str], tmp_path, monkeypatch) -> dict:
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for k, code in enumerate(blocks):
        exec(compile(code, f"{TUTORIAL.name}[block {k}]", "exec"), namespace)  # noqa: S102
    return namespace


def test_tutorial_quick_blocks(tmp_path, monkeypatch):
    blocks = [b for b in _blocks() if not b.startswith("# slow")]
    assert len(blocks) >= 4
    ns = _run(blocks, tmp_path, monkeypatch)
    assert (tmp_path / "results" / "small.h5").is_file()
    assert (tmp_path / "results" / "small_disinhibition.png").stat().st_size > 1000
    assert [p.name for p in ns["paths"]] == ["small_disinhibition.png"]


@pytest.mark.slow
def test_tutorial_all_blocks(tmp_path, monkeypatch):
    _run(_blocks(), tmp_path, monkeypatch)
    assert (tmp_path / "results" / "default_disinhibition.png").is_file()
