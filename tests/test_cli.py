"""The ``circuitsim`` command: a tiny run end to end, and bad input handled in one line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import undocumented_names

from circuitsim.cli import main
from circuitsim.io import read_results

EXE = shutil.which("circuitsim") or str(Path(sys.executable).with_name("circuitsim"))


def circuitsim(*args, cwd=None) -> subprocess.CompletedProcess:
    """Run the installed ``circuitsim`` command (a real process: exit status, stderr)."""
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


@pytest.fixture
def in_process(capsys):
    """``circuitsim ARGS`` through :func:`circuitsim.cli.main` in this process (exit status, stdout, stderr).

    The error paths are the CLI's own code either way; spawning the
    installed command costs ~2 s of imports per call, so the real process is
    kept for the tests of the entry point itself (`test_help`,
    `test_usage_error_is_one_line`, `test_a_real_process_reports_bad_input_in_one_line`).
    An exception that escapes `main` fails the test with its traceback.
    """
    def call(*args):
        capsys.readouterr()
        status = main([str(a) for a in args])
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, status, out.out, out.err)

    return call


def _sets(overrides):
    return [a for o in overrides for a in ("--set", o)]


@pytest.mark.brian2
def test_run_info_plot(tmp_path, tiny_overrides):
    out = tmp_path / "out"
    proc = circuitsim("run", *_sets(tiny_overrides), "--out", out)
    assert proc.returncode == 0, proc.stderr
    path = Path(proc.stdout.strip().splitlines()[-1])
    assert path == out / "tiny.h5"
    assert path.is_file()
    assert (out / "tiny_disinhibition.png").is_file()
    assert not (out / "tiny_dose_response.png").exists()
    assert not list(out.glob("*.tmp"))
    res = read_results(path)
    assert res.config.circuit.pyramidal.n == 160
    assert "unknown" not in res.units.values()
    assert undocumented_names(path) == []  # docs/results.md names every group, dataset and attribute

    info = circuitsim("info", path)
    assert info.returncode == 0, info.stderr
    assert "baseline" in info.stdout and "ketamine" in info.stdout
    assert "brian2_version" in info.stdout

    figs = tmp_path / "figs"
    plot = circuitsim("plot", path, "--out", figs)
    assert plot.returncode == 0, plot.stderr
    assert plot.stdout.split() == [str(figs / "tiny_disinhibition.png")]
    assert (figs / "tiny_disinhibition.png").is_file()


@pytest.mark.brian2
def test_run_no_figures_in_process(tmp_path, tiny_overrides, capsys):
    status = main(["run", *_sets(tiny_overrides), "--out", str(tmp_path), "--no-figures"])
    assert status == 0
    assert capsys.readouterr().out.splitlines()[-1] == str(tmp_path / "tiny.h5")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.h5"]


BAD_SETS = {
    "unknown key": (["--set", "circuit.pyramidal.nn=3"], "circuit.pyramidal.nn"),
    "wrong type": (["--set", "circuit.pyramidal.n=many"], "circuit.pyramidal.n"),
    "missing unit": (["--set", "circuit.dt=0.1"], "circuit.dt"),
    "wrong unit": (["--set", "circuit.dt=0.1 mV"], "circuit.dt"),
    "negative concentration": (["--set", "protocol.epochs.1.concentration=-1 uM"],
                               "protocol.epochs.1.concentration"),
    "population of size 0": (["--set", "circuit.interneuron.n=0"], "circuit.interneuron.n"),
    "malformed --set": (["--set", "circuit.dt"], "--set"),
}


def _assert_one_line_error(proc, key):
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    assert key in lines[0]
    assert "Traceback" not in proc.stderr


def _no_results(directory: Path):
    return not directory.exists() or not any(
        p.suffix in (".h5", ".tmp", ".png") for p in directory.iterdir())


@pytest.mark.parametrize("case", list(BAD_SETS))
def test_bad_override(tmp_path, case, in_process):
    args, key = BAD_SETS[case]
    out = tmp_path / "out"
    proc = in_process("run", *args, "--out", out)
    _assert_one_line_error(proc, key)
    assert _no_results(out)


def test_a_real_process_reports_bad_input_in_one_line(tmp_path):
    args, key = BAD_SETS["negative concentration"]
    out = tmp_path / "out"
    _assert_one_line_error(circuitsim("run", *args, "--out", out), key)
    assert _no_results(out)


def test_nonexistent_config(tmp_path, in_process):
    out = tmp_path / "out"
    _assert_one_line_error(in_process("run", tmp_path / "nope.yaml", "--out", out), "config")
    assert _no_results(out)


def test_directory_as_config(tmp_path, in_process):
    out = tmp_path / "out"
    _assert_one_line_error(in_process("run", tmp_path, "--out", out), "config")
    assert _no_results(out)


@pytest.mark.parametrize(
    "content,key",
    [
        (bytes(range(256)) * 4, "config"),  # a binary file
        (b"circuit:\n  pyramidal:\n    n: 0\n", "circuit.pyramidal.n"),  # a bad value
    ],
    ids=["binary", "bad-value"],
)
def test_bad_config_file(tmp_path, content, key, in_process):
    cfg = tmp_path / "config.yaml"
    cfg.write_bytes(content)
    out = tmp_path / "out"
    _assert_one_line_error(in_process("run", cfg, "--out", out), key)
    assert _no_results(out)


def test_out_is_a_file(tmp_path, in_process):
    target = tmp_path / "taken"
    target.write_text("")
    _assert_one_line_error(in_process("run", "--out", target), "--out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


@pytest.mark.parametrize("kind", ["text", "missing", "directory"])
@pytest.mark.parametrize("command", ["info", "plot"])
def test_not_a_results_file(tmp_path, kind, command, in_process):
    target = {"text": tmp_path / "notes.h5", "missing": tmp_path / "none.h5",
              "directory": tmp_path}[kind]
    if kind == "text":
        target.write_text("not a results file\n")
    _assert_one_line_error(in_process(command, target), "results")


def test_usage_error_is_one_line():
    _assert_one_line_error(circuitsim("info"), "RESULTS")


def test_help():
    proc = circuitsim("--help")
    assert proc.returncode == 0
    for command in ("run", "plot", "info"):
        assert command in proc.stdout


def test_cli_reference_names_every_command_and_option():
    # docs/cli.md is the CLI reference: its table row for each command must
    # name the command, its arguments and every option the command takes.
    import re

    import click

    from circuitsim.cli import cli

    rows = {}
    for line in (Path(__file__).parents[1] / "docs" / "cli.md").read_text().splitlines():
        m = re.match(r"\| `circuitsim ([a-z-]+)[ `]", line)
        if m:
            rows[m.group(1)] = line
    assert set(rows) >= set(cli.commands), sorted(set(cli.commands) - set(rows))
    for name, command in cli.commands.items():
        for param in command.params:
            if isinstance(param, click.Argument):
                assert param.name.upper() in rows[name], (name, param.name)
            elif "--help" not in param.opts:
                assert any(opt in rows[name] for opt in param.opts), (name, param.opts)
