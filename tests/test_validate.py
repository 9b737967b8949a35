"""circuitsim validate: measures on real (tiny) results files, the table, the CLI's errors; the suite itself is slow."""

from __future__ import annotations

import math

import pytest

from circuitsim import validation as V
from circuitsim.analysis.calibration import calibration_protocol
from circuitsim.cli import main
from circuitsim.config import load_config
from circuitsim.io import read_results
from circuitsim.runner import run_experiment


def test_wash_in_measures_come_from_the_file(tmp_path, tiny_overrides):
    """Signatures 1 and 2 on a tiny circuit: every value finite and read from /epochs and /timeseries."""
    sets = [*tiny_overrides, *calibration_protocol(baseline_s=0.5, wash_tau_s=0.1, window_s=0.3,
                                                   transient_s=0.1), "output.figures=false"]
    path = run_experiment(load_config("default", sets), tmp_path, progress=False, figures=False)
    sigs = V.inverted_u(read_results(path)) + V.interneurons_first(read_results(path))
    assert [s.name[:2] for s in sigs] == ["1 ", "1 ", "1 ", "1 ", "2 "]
    assert all(math.isfinite(s.measured) for s in sigs)
    res = read_results(path)
    clinical = res.epoch("clinical")
    assert sigs[0].measured == pytest.approx(clinical.glutamate_rel)  # the only epoch at <= 2 uM
    assert sigs[2].measured == pytest.approx(res.epoch("anaesthetic").glutamate_rel)


def test_table_and_verdict_over_seeds():
    rows = [V.Row("a", [1.0, 2.0], "x", "> 0", "src", True), V.Row("b", [0.5], "s", "> 1", "src", False)]
    text = V.format_table(rows)
    assert "1.5 (1 to 2)" in text and "FAIL" in text and text.endswith("1 of 2 signatures pass")


def test_bad_seeds_are_one_line_exit_2(capsys, tmp_path):
    assert main(["validate", "--seeds", "one", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: --seeds: expected integers separated by commas, got 'one'"


@pytest.mark.slow
def test_the_reduced_suite_passes(tmp_path):
    rows = V.run_validation(tmp_path)
    assert rows and all(r.passed for r in rows), V.format_table(rows)
