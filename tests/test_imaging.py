"""The imaging readout (issue 18, item 2): turnover between sessions as two-photon imaging sees it."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SHORT, undocumented_names

from circuitsim.analysis.annotate import annotate
from circuitsim.cli import main
from circuitsim.config import config_from_dict
from circuitsim.engine import simulate
from circuitsim.engine.records import IMAGING_UNITS, to_record
from circuitsim.engine.sessions import ImagingSessions, lead_h
from circuitsim.engine.slow import run_days, time_grid_h
from circuitsim.errors import UserInputError
from circuitsim.io import read_results, results_summary, write_record
from circuitsim.plasticity import spines as sp
from circuitsim.plasticity.imaging import imaging_readout


def _with_sessions(sessions, **imaging):
    return {**SHORT, "plasticity": {**SHORT["plasticity"], "imaging": {"sessions": sessions, **imaging}}}


def test_turnover_counts_what_imaging_sees():
    # 6 slots, 3 sessions; identity = formation time (ignored where a slot is empty).
    present = np.array([[1, 1, 1, 1, 0, 0],
                        [1, 1, 0, 1, 0, 1],
                        [1, 0, 0, 1, 0, 1]], dtype=bool)
    identity = np.array([[0.5, 1.0, 2.0, 3.0, 9.0, 9.0],
                         [0.5, 4.0, 2.0, 3.0, 9.0, 5.0],    # slot 1 replaced, slot 2 lost, slot 5 new;
                         [0.5, 4.0, 2.0, 3.0, 9.0, 5.0]],   # slot 4: born and lost between sessions, never seen
                        dtype=np.float32)
    r = imaging_readout([-1.0, 1.0, 3.0], present, identity, reference=1)
    np.testing.assert_array_equal(r.spines, [4, 4, 3])
    # 0 -> 1: kept slots 0 and 3; formed slots 1 (the replacement) and 5; eliminated slots 1 and 2
    np.testing.assert_array_equal(r.formed, [2, 0])
    np.testing.assert_array_equal(r.eliminated, [2, 1])
    np.testing.assert_array_equal(r.formed_pct, [50.0, 0.0])
    np.testing.assert_array_equal(r.eliminated_pct, [50.0, 25.0])
    np.testing.assert_array_equal(r.density_rel, [1.0, 1.0, 0.75])
    np.testing.assert_array_equal(r.time_h, [-24.0, 24.0, 72.0])
    # pre-existing spines (seen at the reference session 1): none counted before it; from 1 to 2 the
    # four seen at 1 are all pre-existing and one of them (slot 1) is lost
    np.testing.assert_array_equal(r.preexisting, [0, 4])
    np.testing.assert_array_equal(r.preexisting_eliminated, [0, 1])
    assert np.isnan(r.preexisting_eliminated_pct[0]) and r.preexisting_eliminated_pct[1] == 25.0
    # with the reference at 0, the new spines of session 1 (slots 1 and 5) are not pre-existing:
    # of the two kept from session 0 (slots 0 and 3) none is lost by session 2
    r = imaging_readout([-1.0, 1.0, 3.0], present, identity, reference=0)
    np.testing.assert_array_equal(r.preexisting, [4, 2])
    np.testing.assert_array_equal(r.preexisting_eliminated, [2, 0])
    np.testing.assert_array_equal(r.preexisting_eliminated_pct, [50.0, 0.0])
    # no spine at a session: its interval has no percentage, a reference without spines no density
    r = imaging_readout([0.0, 1.0], np.array([[0, 0], [1, 0]], bool), np.zeros((2, 2)))
    assert np.isnan(r.formed_pct[0]) and r.formed[0] == 1 and np.all(np.isnan(r.density_rel))
    with pytest.raises(ValueError, match="sessions"):
        imaging_readout([0.0, 1.0], present, identity)


def test_sessions_of_a_stepped_pool_add_up():
    """On the kernel's pool: spines(k + 1) = spines(k) + formed - eliminated, and only due sessions are taken."""
    pool = sp.empty_pool(np.full(30, 40))
    rules = sp.SpineRules(k_form_per_d=0.5, k_elim_per_d=0.6, protein_formation_gain=0.0, v_half=0.25,
                          stable_factor=0.03, stress_elimination_gain=0.0, tau_volume_d=0.5,
                          protein_volume_gain=0.0, stress_shrink_gain=0.0, v_new=0.3, sigma_size=0.5,
                          t_stable_d=4.0, v_stable=0.7)
    s = ImagingSessions(session_d=np.array([1.0, 2.0, 2.1, 4.0]), reference=1, slots=np.arange(pool.n_slots),
                        neurons=30)
    ones, zeros = np.ones(30), np.zeros(30)
    stacked = []
    for k in range(20):  # 0.25-d steps: the session at 2.1 d is taken at 2.25 d
        s.take(pool, 24.0 * 0.25 * k)
        if k in (4, 8, 9, 16):
            stacked.append((pool.present.copy(), pool.birth_d.copy()))
        sp.step_numba(pool, 0.25 * k, 0.25, k, ones, zeros, rules, 7)
    r = s.readout()
    np.testing.assert_allclose(r.time_h, [24.0, 48.0, 54.0, 96.0])
    np.testing.assert_array_equal(np.diff(r.spines), r.formed - r.eliminated)
    assert r.formed.sum() > 0 and r.eliminated.sum() > 0
    # the same as the pure function on the stacked snapshots
    ref = imaging_readout(r.session_d, [p for p, _ in stacked], [b for _, b in stacked], reference=1,
                          time_h=r.time_h)
    for col in IMAGING_UNITS:
        np.testing.assert_array_equal(getattr(r, col), getattr(ref, col))
    assert r.preexisting[0] == 0 and r.preexisting[1] == r.spines[1] and r.preexisting_eliminated[1:].sum() > 0


def test_sessions_before_the_run_add_a_drug_free_lead():
    stressed = config_from_dict(_with_sessions(["-3 d", "-1 d", "1 d", "2 d"]))
    assert lead_h(stressed) == pytest.approx(24.0)  # before the 2-d stress history
    g = time_grid_h(stressed)
    assert g[0] == pytest.approx(-72.0) and np.all(np.diff(g) > 0)
    calm = config_from_dict(_with_sessions(["-3 d", "1 d"]), ["plasticity.stress=null"])
    assert time_grid_h(calm)[0] == pytest.approx(-72.0)
    within = config_from_dict(_with_sessions(["-1 d", "2 d"]))
    np.testing.assert_array_equal(time_grid_h(within), time_grid_h(config_from_dict(SHORT)))


@pytest.mark.parametrize("sessions,part", [
    (["1 d", "1 d"], "expected strictly increasing times, got [1 d, 1 d]"),
    (["2 d", "1 d"], "expected strictly increasing times"),
    (["1 d"], "expected at least 2 sessions"),
    (["-1 d", "3 d"], "the last session is after the end of the run (plasticity.days_after = 2 d)"),
])
def test_bad_sessions_are_one_line_naming_the_key(sessions, part):
    with pytest.raises(UserInputError) as info:
        config_from_dict(_with_sessions(sessions))
    msg = str(info.value)
    assert msg.startswith("plasticity.imaging.sessions: ") and part in msg and "\n" not in msg, msg


def test_bad_sessions_exit_2_before_anything_runs(tmp_path, capsys):
    import yaml

    (tmp_path / "img.yaml").write_text(yaml.safe_dump(_with_sessions(["-3 d", "-1 d", "5 d"])))
    rc = main(["run", str(tmp_path / "img.yaml"), "--out", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and err[0].startswith("error: plasticity.imaging.sessions: ")
    assert not list(tmp_path.glob("*.h5"))
    with pytest.raises(UserInputError, match=r"^plasticity.imaging.reference: "):
        config_from_dict(_with_sessions(["1 d", "2 d"], reference=2))
    with pytest.raises(UserInputError, match=r"^plasticity.imaging.neurons: expected at most"):
        config_from_dict(_with_sessions(["1 d", "2 d"], neurons=5000))


@pytest.mark.brian2
def test_tiny_run_with_imaging_sessions_writes_and_reads_them(tmp_path, monkeypatch, tiny_overrides,
                                                            tiny_build_cache):
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tiny_build_cache))
    data = _with_sessions(["-3 d", "-1 d", "1 d", "2 d"], reference=1, neurons=40)
    data["plasticity"]["arms"] = [{"name": "stress, vehicle", "set": ["dosing.doses.0.amount=0 mg/kg"]}]
    config = config_from_dict(data, [*tiny_overrides, "circuit.vta.enabled=false"])
    run = simulate(config)
    record = annotate(to_record(config, run.sample, run.analysis, {"seed": 1, **{
        f"seed_{k.replace('.', '_')}": v for k, v in run.seeds.items()}}, run.timeline, run.days))
    back = read_results(write_record(tmp_path / "img.h5", record))
    assert back == record
    im = back.days["imaging"]
    np.testing.assert_array_equal(im["session_d"], [-3.0, -1.0, 1.0, 2.0])
    np.testing.assert_allclose(im["time_h"], [-72.0, -24.0, 24.0, 48.0])
    assert im["attrs"] == {"reference": 1, "neurons": 40}
    assert im["density_rel"][1] == 1.0 and im["formed_pct"].shape == (3,)
    np.testing.assert_array_equal(np.diff(im["spines"]), im["formed"] - im["eliminated"])
    np.testing.assert_allclose(im["formed_pct"], 100.0 * im["formed"] / im["spines"][:-1])
    # the vehicle arm shares everything up to the dose, imaging included
    arm = back.days["arms"]["stress, vehicle"]["imaging"]
    np.testing.assert_array_equal(arm["spines"][:2], im["spines"][:2])
    # the lead is drug-free and stress-free (density at the healthy level), stress follows it
    t, density = back.timeline["time_h"], back.timeline["spine_density_rel"]
    assert t[0] == pytest.approx(-72.0) and np.all(back.timeline["plasma_ng_ml"][t < 0] == 0)
    assert np.all(abs(density[t <= -48] - 1.0) < 0.03) and density[t == 0] < 0.95
    assert back.days["checks"]["label"][0] == "before stress"
    assert back.days["checks"]["time_h"][0] == pytest.approx(-48.0)
    assert {"seed_spines_lead", "seed_imaging_neurons"} <= set(back.provenance)
    assert undocumented_names(tmp_path / "img.h5") == []
    assert "imaging of stress, vehicle (40 neurons" in results_summary(back)


@pytest.mark.slow
def test_sessions_within_the_run_change_nothing_else(tiny_overrides):
    """Imaging only looks: with every session inside the run, the run is bit-identical to one without.

    Slow (two tiny slow-stage runs, 14 s in a fresh-clone run, 2026-12-07):
    the readout itself is tested by this module's other tests.
    """
    sets = [*tiny_overrides, "circuit.vta.enabled=false"]
    plain = run_days(config_from_dict(SHORT, sets), with_timeline=False)
    imaged = run_days(config_from_dict(_with_sessions(["-2 d", "-1 d", "1 d", "2 d"]), sets),
                      with_timeline=False)
    assert plain.imaging is None and imaged.imaging is not None
    for key in plain.series:
        np.testing.assert_array_equal(plain.series[key], imaged.series[key])
    np.testing.assert_array_equal(plain.snapshot_density, imaged.snapshot_density)
    assert plain.seeds == imaged.seeds
    # the session at the start of the stress history sees the healthy pool
    assert imaged.imaging.spines[0] == int(plain.healthy_density.sum())
