"""The acute timeline: sampling policy, cache, interpolation, dissociation, bad dosing input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from circuitsim.analysis.calibration import REDUCED_CIRCUIT
from circuitsim.cli import main
from circuitsim.config import Config, config_from_dict, load_config
from circuitsim.config.dosing import Dose
from circuitsim.engine.acute import run_timeline
from circuitsim.engine.response import load_sample, response_key, save_sample
from circuitsim.engine.sampling import plan_states, staircase_config
from circuitsim.io import read_results
from circuitsim.network.sample import FastSample
from circuitsim.pharmacology import pd, pk
from circuitsim.pharmacology.acute import dissociation_index
from circuitsim.pharmacology.exposure import um_to_ng_ml

INFUSION = {"dosing": {"doses": [{"amount": "0.5 mg/kg", "route": "iv_infusion", "duration": "40 min"}]}}


def _config(*overrides, data=INFUSION):
    return config_from_dict(data, list(overrides))


@pytest.fixture(scope="module")
def tiny_cache(tmp_path_factory):
    """One response cache for the tiny-circuit timeline tests of this module.

    They share the first staircase (same circuit, dose and sampling: the
    horizon, dt and output name are not part of its key), so it is simulated
    once; the cache hit itself is what test_tiny_timeline_runs_and_hits_its_cache checks.
    """
    return tmp_path_factory.mktemp("responses")


#: One node per decade, short windows, and no VTA (its 150 cells are a third
#: of a tiny numpy run's cost; tests/test_record.py's dosing run keeps it and
#: checks its timeline series).
TINY_SAMPLING = ("timeline.sampling.per_decade=1", "timeline.sampling.window=100 ms", "circuit.vta.enabled=false")


def test_plan_nodes_span_the_peak_and_midpoints_are_held_out():
    cfg = _config("timeline.sampling.per_decade=2", "timeline.sampling.lowest=0.05 uM",
                  "timeline.sampling.headroom=1.1")
    plan = plan_states(0.8, cfg)
    nodes = np.array([plan.concentrations_um[k] for k in plan.node_indices])
    mids = np.array([plan.concentrations_um[k] for k in plan.held_out_indices])
    assert nodes[0] == 0.0 and len(nodes) == 5
    top = 0.05 * 2 ** (17 / 4)  # 0.88 rounded up to the ladder: 0.951
    # 2 per decade over log10(0.951 / 0.05) = 1.28 decades: ceil(2.56) + 1 = 4 non-zero nodes
    assert nodes[1] == pytest.approx(0.05) and nodes[-1] == pytest.approx(top)
    assert np.allclose(np.diff(np.log(nodes[1:])), math.log(top / 0.05) / 3)
    assert mids[0] == pytest.approx(0.025)
    assert np.allclose(mids[1:], np.sqrt(nodes[1:-1] * nodes[2:]))
    assert np.all(np.diff(plan.concentrations_um) > 0)  # one ascending staircase
    assert plan.names[0] == "baseline"
    no_check = plan_states(0.8, _config("timeline.sampling.held_out=false"))
    assert not any(no_check.held_out)


def test_staircase_config_holds_each_state_for_transient_plus_window():
    cfg = _config("timeline.sampling.window=0.5 s", "analysis.transient=0.2 s", "pharmacology.block_model=hill")
    plan = plan_states(0.8, cfg)
    stair = staircase_config(cfg, plan)
    assert stair.dosing is None
    assert stair.protocol.wash_tau_s == 0
    assert [e.name for e in stair.protocol.epochs] == list(plan.names)
    assert all(e.duration_s == pytest.approx(0.7) for e in stair.protocol.epochs)
    assert [e.concentration_um for e in stair.protocol.epochs] == pytest.approx(plan.concentrations_um)
    assert stair.circuit == cfg.circuit and stair.seed == cfg.seed


def test_response_key_follows_what_determines_the_sample():
    cfg = _config()
    plan = plan_states(0.8, cfg)
    key = response_key(staircase_config(cfg, plan))
    assert key == response_key(staircase_config(_config("output.name=other", "timeline.horizon=8 h"), plan))
    assert key != response_key(staircase_config(_config("seed=2"), plan))
    assert key != response_key(staircase_config(_config("circuit.e_to_e.g_ampa=0.1 nS"), plan))
    assert key == response_key(staircase_config(cfg, plan_states(0.81, cfg)))  # same rung
    assert key != response_key(staircase_config(cfg, plan_states(0.9, cfg)))


def test_sample_cache_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    s = FastSample(spikes={"pyramidal": (rng.uniform(0, 1, 50), rng.integers(0, 9, 50)),
                           "interneuron": (np.array([0.5]), np.array([1]))},
                   n_cells={"pyramidal": 9, "interneuron": 2}, trace_t_s=np.arange(4) * 0.005,
                   traces={"block_pyramidal": np.ones(4)}, duration_s=1.0, wall_build_s=0.1,
                   wall_run_s=0.2, seeds={"dynamics": 7}, run_info={"threads": 1})
    path = tmp_path / "r" / "k.npz"
    save_sample(path, s)
    back = load_sample(path)
    assert back.n_cells == s.n_cells and back.seeds == s.seeds and back.run_info == s.run_info
    for pop in s.spikes:
        assert np.array_equal(back.spikes[pop][0], s.spikes[pop][0])
        assert np.array_equal(back.spikes[pop][1], s.spikes[pop][1])
    assert np.array_equal(back.traces["block_pyramidal"], s.traces["block_pyramidal"])
    assert [p.name for p in path.parent.iterdir()] == ["k.npz"]  # no temporary left
    path.write_bytes(b"not an npz")
    assert load_sample(path) is None  # a damaged entry is recomputed, not trusted


def test_interpolation_error_is_relative_with_a_floor():
    from circuitsim.engine.interpolation import interpolation_error

    err = interpolation_error([10.5, 1.0, 0.5], [10.0, 0.0, 1.0], baseline=20.0)
    # 1 Hz off a silent population: 1 / (0.1 x 20); 0.5 Hz off 1 Hz, also below the floor: -0.5 / 2
    assert err == pytest.approx([0.05, 0.5, -0.25])


def test_dissociation_index_shape_and_time_course():
    c = np.array([0, 50, 100, 150, 200])
    di_cfg = Config().pharmacology.dissociation
    assert (di_cfg.c50_ng_ml, di_cfg.hill_n) == (125.0, 3.0)  # calibration choices (pharmacology/acute.py)
    d = dissociation_index(c, di_cfg.c50_ng_ml, di_cfg.hill_n)
    assert d[0] == 0 and np.all(np.diff(d) > 0)
    steps = np.diff(d[1:])
    assert steps.min() > 0.5 * steps.max()  # about linear over 50-200 ng/mL
    t = np.arange(0, 6, 1 / 600)
    res = pk.simulate_pk(Dose(amount="0.5 mg/kg", route="iv_infusion", duration="40 min"), t)
    ki = Config().pharmacology.enantiomers
    eff = um_to_ng_ml(pd.racemic_equivalent_um(res.brain_s_um, res.brain_r_um, ki.ki_s_um, ki.ki_r_um))
    di = dissociation_index(eff, di_cfg.c50_ng_ml, di_cfg.hill_n)
    assert abs(t[np.argmax(di)] - 2 / 3) < 2 / 60  # peaks at the end of the infusion
    two_h_after = di[np.argmin(abs(t - (2 / 3 + 2)))]
    assert two_h_after < 0.1 * di.max()  # resolved within ~2 h
    with pytest.raises(ValueError):
        dissociation_index(-1.0, di_cfg.c50_ng_ml, di_cfg.hill_n)


@pytest.mark.brian2
def test_tiny_timeline_runs_and_hits_its_cache(tmp_path, monkeypatch, tiny_overrides):
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tmp_path / "cache"))
    cfg = _config(*tiny_overrides, *TINY_SAMPLING,
                  "timeline.horizon=3 h", "timeline.dt=5 min", "timeline.sampling.refine=0")
    first = run_timeline(cfg)
    assert not first.cache_hit
    n = len(first.series["time_h"])
    assert n == 37 and first.series["time_h"][-1] == pytest.approx(3.0)
    assert all(len(v) == n for v in first.series.values())
    assert set(first.units) >= set(first.series)
    assert first.series["effective_um"].max() == pytest.approx(
        pd.racemic_equivalent_um(first.series["brain_s_um"], first.series["brain_r_um"],
                                 cfg.pharmacology.enantiomers.ki_s_um, cfg.pharmacology.enantiomers.ki_r_um).max())
    assert np.all(first.series["block_interneuron"] >= first.series["block_pyramidal"])
    assert len(first.interpolation_error["rate_pyramidal_hz"]) == 3  # 1 per decade: 0.02, 0.2, 0.905 uM
    second = run_timeline(cfg)
    assert second.cache_hit
    for name, v in first.series.items():
        assert np.array_equal(v, second.series[name]), name


@pytest.mark.brian2
def test_refinement_promotes_bad_held_out_states_to_nodes(tiny_cache, monkeypatch, tiny_overrides):
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tiny_cache))
    base = (*tiny_overrides, *TINY_SAMPLING, "timeline.horizon=3 h", "timeline.dt=5 min")
    coarse = run_timeline(_config(*base, "timeline.sampling.refine=0"))
    # A tolerance no noisy estimate meets: every held-out state is promoted once.
    fine = run_timeline(_config(*base, "timeline.sampling.refine=1", "timeline.sampling.tolerance=1e-6"))
    first_round = [n for n, r in zip(fine.plan.names, fine.rounds, strict=True) if r == 0]
    assert first_round == list(coarse.plan.names)
    assert not any(h for h, r in zip(fine.plan.held_out, fine.rounds, strict=True) if r == 0)
    new = [c for c, r in zip(fine.plan.concentrations_um, fine.rounds, strict=True) if r == 1]
    promoted = [c for c, h in zip(coarse.plan.concentrations_um, coarse.plan.held_out, strict=True) if h]
    assert len(new) == len(set(new)) and len(new) >= len(promoted)
    assert len(fine.interpolation_error["rate_pyramidal_hz"]) == len(new)
    assert not set(promoted) & set(new)  # promoted states are nodes, not measured again
    assert np.isfinite(fine.series["rate_pyramidal_hz"]).all()
    # The cascade's drives include the promoted states, measured in the held-out run.
    from conftest import SHORT

    from circuitsim.engine.drives import drive_table
    from circuitsim.plasticity.pool import healthy_pool

    cp = healthy_pool(_config(*base, data={**INFUSION, "plasticity": SHORT["plasticity"]}))
    table = drive_table(fine, cp, nbqx_ic50_um=0.15, nbqx_hill_n=1.0)
    first_nodes = sorted(c for c, r in zip(fine.plan.concentrations_um, fine.rounds, strict=True) if r == 0)
    assert sorted(table.ketamine_um) == first_nodes and len(promoted) >= 2
    assert np.isfinite(table.ampa).all() and np.all(np.diff(table.nmda_rest[np.argsort(table.ketamine_um)]) <= 0)


@pytest.mark.slow  # 28 s (a reduced circuit at every held-out state), like its two-drug twin below
@pytest.mark.brian2
def test_interpolated_rates_within_5_percent_at_held_out_states():
    """Issue 3, item 3: the sampling policy against direct simulation.

    Reduced circuit (a quarter of the cells, so twice the counting noise of
    the default circuit) with 2-s windows: measured max |error| 2.2 % (seed
    1) and 2.1 % (seed 2) here; with 1-s windows one held-out pyramidal rate
    was off by 4.8 % (seed 1), most of it the noise of the two measurements.
    The default circuit with the default 1-s window: max 1.4 % (seed 1).
    """
    cfg = _config(*REDUCED_CIRCUIT, "timeline.sampling.window=2 s")
    tl = run_timeline(cfg)
    for name in ("rate_pyramidal_hz", "rate_interneuron_hz", "glutamate_rel"):
        err = np.abs(tl.interpolation_error[name])
        assert err.max() < 0.05, (name, err)


def test_bad_dosing_input_is_one_line_exit_2_and_no_file(tmp_path, capsys):
    cases = [
        ("dosing.doses.0.amount=-1 mg/kg", "dosing.doses.0.amount:"),
        ("dosing.doses.0.route=intrathecal", "dosing.doses.0.route:"),
        ("dosing.species=dog", "dosing.species:"),
        ("dosing.doses.0.duration=0 s", "dosing.doses.0.duration:"),
        ("dosing.doses.0.start=-1 h", "dosing.doses.0.start:"),
        ("dosing.doses.0.duration=7 h", "dosing.doses.0.duration:"),  # infusion past the horizon
        ("dosing.doses.0.start=7 h", "dosing.doses.0.start:"),  # dose after the horizon
    ]
    for override, key in cases:
        rc = main(["run", "configs/clinical_infusion.yaml", "--set", override, "--out", str(tmp_path)])
        err = capsys.readouterr().err.strip()
        assert rc == 2, override
        assert err.count("\n") == 0 and key in err and "Traceback" not in err, err
        assert list(tmp_path.iterdir()) == []


def test_packaged_dosing_configs_load():
    for name in ("clinical_infusion", "esketamine_nasal", "rodent_ip"):
        cfg = load_config(name)
        assert cfg.dosing is not None and cfg.output.name == name


@pytest.mark.brian2
def test_cli_clinical_infusion_writes_the_timeline(tmp_path, tiny_cache, monkeypatch, tiny_overrides):
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tiny_cache))
    args = ["run", "configs/clinical_infusion.yaml", "--out", str(tmp_path / "out"), "--no-figures",
            "--no-progress"]
    for o in (*tiny_overrides, *TINY_SAMPLING, "output.name=ci", "timeline.sampling.refine=0"):
        args += ["--set", o]
    assert main(args) == 0
    res = read_results(tmp_path / "out" / "ci.h5")
    for name in ("time_h", "plasma_ng_ml", "brain_um", "block_pyramidal", "block_interneuron",
                 "rate_pyramidal_hz", "rate_interneuron_hz", "glutamate_rel", "dissociation",
                 "plasma_s_ng_ml", "plasma_r_ng_ml", "brain_s_um", "brain_r_um"):
        assert name in res.timeline, name
        assert res.timeline_units[name] != "unknown"
    assert res.timeline_units["time_h"] == "h" and res.timeline_units["plasma_ng_ml"] == "ng/mL"
    peak = np.argmax(res.timeline["plasma_ng_ml"])
    assert res.timeline["time_h"][peak] == pytest.approx(2 / 3, abs=1 / 60)
    assert res.timeline_info["monitoring_h"] == 2.0
    assert res.config.dosing.doses[0].route == "iv_infusion"
    sampling = res.timeline_info["sampling"]
    first = [(n, h) for n, h, r in zip(sampling["epoch"], sampling["held_out"], sampling["round"], strict=True)
             if r == 0]
    # The file's staircase is the nodes' run; the held-out states were measured in a run of their own.
    assert [n for n, h in first if not h] == [e.name for e in res.epochs]
    assert [n for n, h in first if h] == [f"mid_{k}" for k in range(len(res.epochs) - 1)]


# ------------------------------------------------------------- two drugs (NBQX)
def test_grid_plan_starts_at_baseline_and_snakes_through_the_rows():
    from circuitsim.engine.sampling import grid_plan

    states = [(0.0, 0.0, False), (1.0, 0.0, False), (2.0, 0.0, False), (1.0, 0.1, False),
              (2.0, 0.1, False), (1.5, 0.05, True), (0.0, 0.1, False)]
    plan = grid_plan(states)
    assert plan.names[0] == "baseline" and plan.concentrations_um[0] == 0 and plan.nbqx_um[0] == 0
    pairs = list(zip(plan.concentrations_um, plan.nbqx_um, strict=True))
    # rows of equal NBQX ascending; ketamine up in even rows, down in odd ones
    assert pairs == [(0, 0), (1, 0), (2, 0), (1.5, 0.05), (0, 0.1), (1, 0.1), (2, 0.1)]
    assert plan.held_out == (False, False, False, True, False, False, False)


def test_bilinear_is_exact_on_bilinear_functions_and_cells_follow_the_schedule():
    from circuitsim.engine.interpolation import bilinear
    from circuitsim.engine.sampling import visited_cells

    kx, nx = np.array([0.0, 1.0, 3.0]), np.array([0.0, 0.5, 2.0])
    grid = 1.0 + 2.0 * kx[:, None] - 0.5 * nx[None, :] + 0.25 * kx[:, None] * nx[None, :]
    x, y = np.array([0.3, 2.2, 3.0, 0.0]), np.array([0.1, 1.7, 2.0, 0.0])
    assert bilinear(x, y, kx, nx, grid) == pytest.approx(1 + 2 * x - 0.5 * y + 0.25 * x * y)
    # the schedule goes up the NBQX axis at no ketamine, then adds ketamine
    eff = np.array([0.0, 0.0, 0.5, 2.0])
    nbqx = np.array([0.0, 1.0, 1.0, 0.2])
    assert visited_cells(eff, nbqx, kx, nx) == [(0, 0), (0, 1), (1, 0)]
    grid_missing = grid.copy()
    grid_missing[2, 2] = np.nan  # a corner of no visited cell
    assert np.isfinite(bilinear(eff, nbqx, kx, nx, grid_missing)).all()


def test_split_refines_the_axis_the_rates_change_along():
    from circuitsim.engine.interpolation import split_cells

    kx, nx = np.array([0.0, 1.0, 2.0]), np.array([0.0, 0.1])
    steep_k = np.array([[10.0, 10.0], [5.0, 5.0], [1.0, 1.0]])   # changes with ketamine only
    new_k, new_n = split_cells([(1, 0)], {"rate_pyramidal_hz": steep_k, "rate_interneuron_hz": steep_k}, kx, nx)
    assert list(new_k) == pytest.approx([0.0, 1.0, math.sqrt(2.0), 2.0]) and list(new_n) == [0.0, 0.1]
    steep_n = np.array([[10.0, 2.0], [10.0, 2.0], [10.0, 2.0]])  # changes with NBQX only
    new_k, new_n = split_cells([(0, 0)], {"rate_pyramidal_hz": steep_n, "rate_interneuron_hz": steep_n}, kx, nx)
    assert list(new_k) == [0.0, 1.0, 2.0] and list(new_n) == pytest.approx([0.0, 0.05, 0.1])


NBQX_KETAMINE = {"dosing": {"species": "mouse", "doses": [
    {"amount": "10 mg/kg", "route": "intraperitoneal", "drug": "nbqx"},
    {"amount": "10 mg/kg", "route": "intraperitoneal", "start": "10 min"}]}}


@pytest.mark.brian2
def test_tiny_two_drug_timeline(tmp_path, monkeypatch, tiny_overrides):
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tmp_path / "cache"))
    cfg = _config(*tiny_overrides, *TINY_SAMPLING, "circuit.vta.enabled=false", "timeline.horizon=1 h",
                  "timeline.dt=2 min", "timeline.sampling.refine=0", data=NBQX_KETAMINE)
    tl = run_timeline(cfg)
    assert tl.plan.names[0] == "baseline" and any(n > 0 for n in tl.plan.nbqx_um)
    s = tl.series
    nb = cfg.pharmacology.nbqx
    assert s["block_ampa"] == pytest.approx(pd.ampa_block(s["brain_nbqx_um"], nb.ic50_um, nb.hill_n))
    assert s["block_ampa"].max() > 0.3  # the mouse preset's calibration: ~0.5 at the peak
    for name in ("rate_pyramidal_hz", "rate_interneuron_hz", "glutamate_rel"):
        assert np.isfinite(s[name]).all(), name
        assert len(tl.interpolation_error[name]) == sum(tl.plan.held_out)
    # before ketamine the circuit sees NBQX only: its states at 0 uM ketamine
    before = s["time_h"] < 10 / 60
    assert np.all(s["effective_um"][before] == 0) and s["brain_nbqx_um"][before].max() > 0


@pytest.mark.slow
def test_two_drug_interpolation_within_5_percent_after_refinement():
    """The grid policy against direct simulation, on the reduced circuit.

    Measured: 161 states (62 held out) in 3 refinement rounds, max |error|
    3.8 % (pyramidal) and 3.7 % (interneuron), 84 s (seed 1, no VTA).
    """
    cfg = _config(*REDUCED_CIRCUIT, "circuit.vta.enabled=false", "timeline.horizon=2 h",
                  "timeline.dt=30 s", data=NBQX_KETAMINE)
    tl = run_timeline(cfg)
    for name in ("rate_pyramidal_hz", "rate_interneuron_hz"):
        err = np.abs(tl.interpolation_error[name])
        assert err.max() < 0.05, (name, err.max())


@pytest.mark.brian2
def test_tiny_timeline_feeds_the_trapping_model(tmp_path, monkeypatch, tiny_overrides):
    """Issue 3, item 2: the PD output feeds either block model (here the use-dependent one)."""
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tmp_path / "cache"))
    # The default kinetics (k_off 1 /s) need 3 s per state to settle (sampling.settle_s); 30 times
    # faster binding and unbinding keep the same steady state and settle in 0.1 s.
    cfg = _config(*tiny_overrides, *TINY_SAMPLING, "circuit.vta.enabled=false",
                  "pharmacology.block_model=trapping", "pharmacology.trapping.k_off=30 /s",
                  "pharmacology.trapping.k_on_pyramidal=336 /uM/s", "pharmacology.trapping.k_on_interneuron=870 /uM/s",
                  "timeline.horizon=2 h", "timeline.dt=5 min", "timeline.sampling.refine=0")
    tl = run_timeline(cfg)
    assert tl.stair_config.pharmacology.block_model == "trapping"
    assert tl.stair_config.analysis.transient_s == pytest.approx(math.log(20) / 30)  # settle_fraction 0.05
    b = tl.series["block_interneuron"]
    assert np.isfinite(b).all() and b[0] == pytest.approx(0.0, abs=1e-6) and b.max() > 0.03
    assert b.max() > 2 * tl.series["block_pyramidal"].max()
    assert np.argmax(b) == np.argmax(tl.series["effective_um"])
    # Settled, a state's block no longer depends on the staircase it is in: the held-out states
    # (their own staircase) fall on the nodes' interpolation (0.7 % and 1.6 %, 2026-12-07; before
    # the states were held to settle, the default kinetics lagged by a fifth: docs/calibration.md).
    for name in ("block_pyramidal", "block_interneuron"):
        assert np.max(np.abs(tl.interpolation_error[name])) < 0.05, name


def test_a_plan_splits_into_its_nodes_and_its_held_out_states_each_from_baseline():
    from circuitsim.engine.sampling import StaircasePlan, grid_plan, split_held_out

    plan = StaircasePlan(("baseline", "mid_0", "node_1", "mid_1", "node_2"), (0.0, 0.1, 0.2, 0.3, 0.4),
                         (False, True, False, True, False))
    nodes, held = split_held_out(plan)
    assert nodes == StaircasePlan(("baseline", "node_1", "node_2"), (0.0, 0.2, 0.4), (False, False, False))
    assert held == StaircasePlan(("baseline", "mid_0", "mid_1"), (0.0, 0.1, 0.3), (False, True, True))
    only_nodes = StaircasePlan(("baseline", "node_1"), (0.0, 0.2), (False, False))
    assert split_held_out(only_nodes) == (only_nodes, None)
    grid = grid_plan([(1.0, 0.0, False), (2.0, 0.0, False), (1.5, 0.05, True), (1.0, 0.1, False)])
    gn, gh = split_held_out(grid)
    assert list(zip(gn.concentrations_um, gn.nbqx_um, strict=True)) == [(0, 0), (1, 0), (2, 0), (1, 0.1)]
    assert list(zip(gh.concentrations_um, gh.nbqx_um, strict=True)) == [(0, 0), (1.5, 0.05)]
    with pytest.raises(ValueError, match="baseline"):
        split_held_out(StaircasePlan(("mid_0",), (0.1,), (True,)))
