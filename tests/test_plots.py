"""Figures from a results file (synthetic data, no Brian2)."""

from __future__ import annotations

import pytest

from circuitsim.errors import UserInputError
from circuitsim.io import read_results, write_results
from circuitsim.plots import disinhibition_figure, dose_response_figure, write_figures
from circuitsim.plots._common import wash_ins

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _results(tmp_path, make_synthetic, provenance, concentrations, name="run"):
    config, sample, analysis = make_synthetic(concentrations, name=name)
    return read_results(write_results(tmp_path / f"{name}.h5", config, sample, analysis, provenance))


def _is_png(path):
    return path.stat().st_size > 1000 and path.read_bytes()[:8] == PNG_SIGNATURE


def test_disinhibition_figure(tmp_path, make_synthetic, provenance):
    res = _results(tmp_path, make_synthetic, provenance, (0.0, 0.8))
    out = disinhibition_figure(res, tmp_path / "d.png")
    assert _is_png(out)


def test_wash_ins_skip_baseline_and_repeated_concentrations(tmp_path, make_synthetic, provenance):
    res = _results(tmp_path, make_synthetic, provenance, (0.0, 0.8, 2.0, 0.0))
    assert [(round(t, 9), c) for _n, t, c in wash_ins(res)] == [(0.1, 0.8), (0.2, 2.0), (0.3, 0.0)]


def test_dose_response_figure(tmp_path, make_synthetic, provenance):
    res = _results(tmp_path, make_synthetic, provenance, (0.0, 0.1, 1.0, 10.0))
    assert _is_png(dose_response_figure(res, tmp_path / "dr.png"))


def test_dose_response_needs_a_dose(tmp_path, make_synthetic, provenance):
    res = _results(tmp_path, make_synthetic, provenance, (0.0, 0.0))
    with pytest.raises(UserInputError, match="non-zero concentration"):
        dose_response_figure(res, tmp_path / "dr.png")
    assert not (tmp_path / "dr.png").exists()


@pytest.mark.parametrize(("concentrations", "expected"), [
    ((0.0, 0.8), ["run_disinhibition.png"]),
    ((0.0, 0.8, 0.8), ["run_disinhibition.png"]),
    ((0.0, 0.3, 3.0), ["run_disinhibition.png", "run_dose_response.png"]),
])
def test_write_figures(tmp_path, make_synthetic, provenance, concentrations, expected):
    res = _results(tmp_path, make_synthetic, provenance, concentrations)
    paths = write_figures(res)
    assert [p.name for p in paths] == expected
    assert all(p.parent == tmp_path and _is_png(p) for p in paths)
