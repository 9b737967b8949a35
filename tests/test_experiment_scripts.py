"""Every script under experiments/ imports and parses its command line (``--help``).

The experiments themselves take minutes each (their READMEs give the
commands and the measured figures); this catches a script broken by a change
to the package it calls, at the cost of an import.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import load_script, script_help

SCRIPTS = sorted((Path(__file__).parents[1] / "experiments").glob("*/*.py"))


def test_every_experiment_folder_has_a_script_and_a_readme():
    folders = {p.parent for p in SCRIPTS}
    assert len(folders) >= 10
    for folder in folders:
        if folder.name != "calibration":  # calibration's scripts are described in docs/calibration.md
            assert (folder / "README.md").is_file(), folder
            assert (folder / "run.py").is_file(), folder


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_script_imports_and_prints_help(script, monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(script.parent))  # scripts may import their neighbours
    module = load_script(script, f"_experiment_{script.parent.name}_{script.stem}")
    assert "usage:" in script_help(module, script, monkeypatch, capsys)


def test_bad_input_to_an_experiment_is_one_line_exit_2(tmp_path):
    import subprocess

    script = Path(__file__).parents[1] / "experiments" / "adolescent_vulnerability" / "run.py"
    proc = subprocess.run([sys.executable, str(script), "--set", "nonsense.key=1", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: nonsense: unknown key (not part of the config schema)"
    assert not (tmp_path / "out").exists()
