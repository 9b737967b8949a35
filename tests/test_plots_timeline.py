"""The PK and acute-timeline figures from a results file with a /timeline (synthetic, no Brian2)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from circuitsim.errors import UserInputError
from circuitsim.io import read_results, write_results
from circuitsim.pharmacology.exposure import ng_ml_to_um
from circuitsim.plots.pk import dissociation_window, doses_of, pk_figure
from circuitsim.plots.timeline import (
    check_text,
    has_dopamine,
    interpolation_check,
    timeline_figure,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: A single 40-minute infusion (the clinical session) and the esketamine
#: induction (84 mg intranasal twice weekly for 4 weeks, days 0 and 3 of each week).
INFUSION = [{"start_h": 0.0, "duration_h": 40 / 60, "amount": "0.5 mg/kg", "route": "iv_infusion",
             "drug": "racemic"}]
TWICE_WEEKLY = [{"start_h": 24.0 * (7 * w + d), "duration_h": 0.0, "amount": "84 mg",
                 "route": "intranasal", "drug": "esketamine"} for w in range(4) for d in (0, 3)]


def _is_png(path):
    return path.stat().st_size > 1000 and path.read_bytes()[:8] == PNG_SIGNATURE


def _plasma_ng_ml(t_h, doses, peak_ng_ml):
    """Made-up plasma curve: a ramp over an infusion, a Bateman curve after any other dose."""
    c = np.zeros_like(t_h)
    for dz in doses:
        s = t_h - dz["start_h"]
        if dz["duration_h"] > 0:
            ramp = np.clip(s / dz["duration_h"], 0, 1)
            after = np.clip(s - dz["duration_h"], 0, None)
            c += np.where(s >= 0, peak_ng_ml * ramp * np.exp(-0.9 * after), 0.0)
        else:
            s = np.clip(s, 0, None)
            c += peak_ng_ml * 2.0 * (np.exp(-0.5 * s) - np.exp(-3.0 * s))
    return c


def _timeline(doses, horizon_h, dt_h, dopamine, dissociation, peak_ng_ml=185.0):
    """A Timeline-like object with what ``write_results`` stores of it."""
    t = np.arange(int(round(horizon_h / dt_h)) + 1) * dt_h
    plasma = _plasma_ng_ml(t, doses, peak_ng_ml)
    brain = 0.97 * plasma
    series = {"time_h": t}
    units = {"time_h": "h"}
    for where, total in (("plasma", plasma), ("brain", brain)):
        for part, share in (("", 1.0), ("_s", 0.49), ("_r", 0.51)):
            series[f"{where}{part}_ng_ml"] = share * total
            series[f"{where}{part}_um"] = ng_ml_to_um(share * total)
            units[f"{where}{part}_ng_ml"], units[f"{where}{part}_um"] = "ng/mL", "uM"
    eff = ng_ml_to_um(brain)
    block_pyr, block_int = eff / (eff + 5.2), eff / (eff + 2.0)
    series.update(
        effective_um=eff, block_pyramidal=block_pyr, block_interneuron=block_int,
        rate_pyramidal_hz=4.0 + 40.0 * block_int, rate_interneuron_hz=24.0 - 30.0 * block_int,
        glutamate_rel=1.0 + 6.0 * block_int,
        dissociation=(brain / 125.0) ** 3 / (1 + (brain / 125.0) ** 3) if dissociation
        else np.zeros_like(t),
    )
    units.update(effective_um="uM", block_pyramidal="1", block_interneuron="1",
                 rate_pyramidal_hz="Hz", rate_interneuron_hz="Hz", glutamate_rel="1",
                 dissociation="1")
    if dopamine is not None:
        series["dopamine_rel"] = (1.0 + 2.0 * block_int if dopamine == "values"
                                  else np.full_like(t, np.nan))
        units["dopamine_rel"] = "1"
    nodes = [0.0, 0.01, 0.02, 0.1, 0.5, 0.8]
    names, conc, held = [], [], []
    for k, c in enumerate(nodes):
        if k:
            names.append(f"mid_{k - 1}")
            conc.append(c / 2 if k == 1 else float(np.sqrt(nodes[k - 1] * c)))
            held.append(True)
        names.append("baseline" if k == 0 else f"node_{k}")
        conc.append(c)
        held.append(False)
    n_held = sum(held)
    errors = {"rate_pyramidal_hz": np.linspace(-0.012, 0.009, n_held),
              "rate_interneuron_hz": np.linspace(0.001, -0.004, n_held),
              "glutamate_rel": np.linspace(-0.01, 0.01, n_held),
              "block_pyramidal": np.full(n_held, np.nan),
              "block_interneuron": np.zeros(n_held)}
    return SimpleNamespace(
        series=series, units=units, monitoring_h=2.0, cache_hit=True, doses=doses,
        plan=SimpleNamespace(names=tuple(names), concentrations_um=tuple(conc), held_out=tuple(held), nbqx_um=()),
        interpolation_error=errors, rounds=(),
        stair_config=SimpleNamespace(protocol=SimpleNamespace(baseline_epoch="baseline")),
    )


@pytest.fixture
def timeline_results(tmp_path, make_synthetic, provenance):
    """Factory: a results file with a synthetic /timeline, read back."""

    def make(doses=INFUSION, horizon_h=6.0, dt_h=1 / 60, dopamine=None, dissociation=True,
             name="dosing"):
        config, sample, analysis = make_synthetic((0.0, 0.8), name=name)
        tl = _timeline(doses, horizon_h, dt_h, dopamine, dissociation)
        return read_results(write_results(tmp_path / f"{name}.h5", config, sample, analysis,
                                          provenance, timeline=tl))

    return make


# Three files cover the cases (each figure takes about a second to draw):
# dopamine absent, present and all NaN (no VTA); one dose and eight; a
# dissociation window and none.
def test_both_figures_single_infusion_without_dopamine(tmp_path, timeline_results):
    res = timeline_results()
    assert "dopamine_rel" not in res.timeline
    assert _is_png(pk_figure(res, tmp_path / "pk.png"))
    assert _is_png(timeline_figure(res, tmp_path / "timeline.png"))


def test_both_figures_twice_weekly_with_dopamine(tmp_path, timeline_results):
    res = timeline_results(doses=TWICE_WEEKLY, horizon_h=28 * 24.0, dt_h=0.25, dopamine="values")
    assert has_dopamine(res.timeline)
    assert [d.start_h for d in doses_of(res)] == [x["start_h"] for x in TWICE_WEEKLY]
    assert len(dissociation_window(res.timeline["time_h"], res.timeline["dissociation"]).spans) == 8
    assert _is_png(pk_figure(res, tmp_path / "pk.png"))
    assert _is_png(timeline_figure(res, tmp_path / "timeline.png"))


def test_both_figures_without_dissociation_window_nan_dopamine(tmp_path, timeline_results):
    res = timeline_results(dissociation=False, dopamine="nan")
    # An all-NaN dopamine series (no VTA) gets no panel.
    assert "dopamine_rel" in res.timeline and not has_dopamine(res.timeline)
    assert dissociation_window(res.timeline["time_h"], res.timeline["dissociation"]).spans == ()
    assert _is_png(pk_figure(res, tmp_path / "pk.png"))
    assert _is_png(timeline_figure(res, tmp_path / "timeline.png"))


def test_dissociation_window_spans_above_a_tenth_of_the_peak():
    t = np.arange(11.0)
    d = np.array([0, 0.05, 0.5, 1.0, 0.5, 0.09, 0.2, 0.3, 0.1, 0.0, 0.0])
    w = dissociation_window(t, d)
    assert w.peak == 1.0 and w.threshold == pytest.approx(0.1)
    # 0.1 itself is not above the threshold; a run at the end of the grid closes there.
    assert w.spans == ((2.0, 4.0), (6.0, 7.0))
    assert dissociation_window(t[:3], np.array([0.0, 0.2, 0.4])).spans == ((1.0, 2.0),)


def test_interpolation_check_ignores_nan_errors(timeline_results):
    check = interpolation_check(timeline_results())
    assert check["rate_pyramidal_hz"] == pytest.approx(0.012)
    assert check["rate_interneuron_hz"] == pytest.approx(0.004)
    assert "block_pyramidal" not in check


def test_check_text_states_the_largest_rate_error(timeline_results):
    assert check_text(timeline_results()) == (
        "interpolation check at 5 held-out states: max |error| of the rates 1.2% pyramidal, "
        "0.4% interneuron (within the 5% tolerance)")


def test_figures_need_a_timeline(tmp_path, make_synthetic, provenance):
    config, sample, analysis = make_synthetic((0.0, 0.8), name="bath")
    res = read_results(write_results(tmp_path / "bath.h5", config, sample, analysis, provenance))
    for figure in (pk_figure, timeline_figure):
        with pytest.raises(UserInputError, match="no /timeline"):
            figure(res, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


CROSSOVER = [{"start_h": s, "duration_h": 40 / 60, "amount": "0.5 mg/kg", "route": "iv_infusion",
              "drug": d} for s, d in ((0.0, "racemic"), (12.0, "esketamine"), (24.0, "arketamine"))]


def test_per_dose_summary_has_one_row_per_session(timeline_results):
    from circuitsim.io.summary import per_dose_lines

    res = timeline_results(doses=CROSSOVER, horizon_h=36.0, dt_h=1 / 30, name="crossover")
    lines = per_dose_lines(res)
    assert len(lines) == 2 + 3
    tl = res.timeline
    for row, (lo, hi) in zip(lines[2:], ((0, 12), (12, 24), (24, 37)), strict=True):
        sel = (tl["time_h"] >= lo) & (tl["time_h"] < hi)
        assert f"{tl['plasma_ng_ml'][sel].max():.1f}" in row
        assert f"{tl['rate_interneuron_hz'][sel].min():.2f}" in row
    assert lines[2].split()[0] == "racemic" and lines[4].split()[0] == "arketamine"
    # one session: no table
    assert per_dose_lines(timeline_results(name="single")) == []
