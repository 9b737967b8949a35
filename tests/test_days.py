"""The slow stage in closed loop: pool, drives, the days engine, results and figures (tiny circuit)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SHORT, undocumented_names

from circuitsim.cli import main
from circuitsim.config import config_from_dict
from circuitsim.engine.drives import DriveTable
from circuitsim.engine.slow import ExperimentCache, pre_dose_key, run_days, time_grid_h
from circuitsim.errors import UserInputError
from circuitsim.io import read_results
from circuitsim.network.build import e_to_e_pairs
from circuitsim.network.inputs import CircuitSpec
from circuitsim.plasticity import spines as sp
from circuitsim.plasticity.pool import healthy_pool


def _config(*overrides, data=SHORT):
    return config_from_dict(data, list(overrides))


def test_slot_pool_is_the_e_to_e_pathway_times_the_slot_factor():
    base = config_from_dict({}, ["circuit.pyramidal.n=400"])
    plastic = _config("circuit.pyramidal.n=400")
    n_syn = len(e_to_e_pairs(CircuitSpec.of(base))[0])
    n_slot = len(e_to_e_pairs(CircuitSpec.of(plastic))[0])
    assert n_slot == pytest.approx(2 * n_syn, rel=0.05)
    cp = healthy_pool(plastic)
    assert cp.pool.n_slots == n_slot
    # the healthy state has the calibrated circuit's total E->E weight
    assert cp.synapse_weights().sum() == pytest.approx(n_slot / 2, rel=1e-6)
    w = cp.synapse_weights()
    pre, post = e_to_e_pairs(CircuitSpec.of(plastic))
    assert np.array_equal(post[cp.order], cp.post) and np.array_equal(pre[cp.order], cp.pool.pre)
    assert np.all(w[cp.order][~cp.pool.present] == 0)


def test_time_grid_has_stress_then_fine_drug_window_then_days():
    g = time_grid_h(_config())
    assert g[0] == pytest.approx(-48.0) and g[-1] == pytest.approx(48.0)
    assert np.all(np.diff(g) > 0)
    steps = np.diff(g)
    assert steps[g[:-1] < 0].max() == pytest.approx(6.0)
    assert steps[(g[:-1] >= 0) & (g[:-1] < 6)].max() == pytest.approx(0.5)


def test_drive_table_interpolates_per_neuron():
    table = DriveTable(ketamine_um=np.array([0.0, 1.0, 2.0]), nbqx_um=np.zeros(3),
                       ampa=np.array([[1.0, 1.0], [2.0, 3.0], [1.5, 0.5]]),
                       nmda_rest=np.array([1.0, 0.8, 0.6]))
    a, nm = table.at(0.5, 0.0)
    assert a == pytest.approx([1.5, 2.0]) and nm == pytest.approx(0.9)
    a, nm = table.at(5.0, 0.0)  # beyond the top node: held at it
    assert a == pytest.approx([1.5, 0.5]) and nm == pytest.approx(0.6)
    grid = DriveTable(ketamine_um=np.array([0.0, 1.0, 0.0, 1.0]), nbqx_um=np.array([0.0, 0.0, 0.2, 0.2]),
                      ampa=np.array([[1.0], [3.0], [0.5], [1.5]]), nmda_rest=np.array([1.0, 0.8, 1.0, 0.8]))
    a, nm = grid.at(0.5, 0.1)
    assert a == pytest.approx([0.25 * (1 + 3 + 0.5 + 1.5)]) and nm == pytest.approx(0.9)


def test_plasticity_without_dosing_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "bad.yaml").write_text("plasticity: {}\n")
    rc = main(["run", str(tmp_path / "bad.yaml"), "--out", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and err[0].startswith("error: plasticity: ")
    assert not list(tmp_path.glob("*.h5"))


def test_arm_overrides_are_checked_before_anything_runs(tmp_path, capsys):
    import yaml

    data = {**SHORT, "plasticity": {**SHORT["plasticity"],
                                    "arms": [{"name": "bad", "set": ["plasticity.spines.k_form=-1 /d"]}]}}
    (tmp_path / "arms.yaml").write_text(yaml.safe_dump(data))
    rc = main(["run", str(tmp_path / "arms.yaml"), "--out", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1
    assert err[0].startswith("error: plasticity.arms.0.set (bad): plasticity.spines.k_form")
    assert not list(tmp_path.glob("*.h5"))


@pytest.mark.brian2
def test_tiny_stress_ketamine_run_with_a_vehicle_arm(tmp_path, monkeypatch, tiny_overrides, tiny_build_cache):
    """One tiny experiment through the CLI: slow series, /spines, the figures, and a vehicle arm."""
    import yaml

    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tiny_build_cache))
    data = {**SHORT, "plasticity": {**SHORT["plasticity"],
                                    "arms": [{"name": "stress, vehicle",
                                              "set": ["dosing.doses.0.amount=0 mg/kg"]}]}}
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump(data))
    sets = [a for o in (*tiny_overrides, "circuit.vta.enabled=false", "plasticity.spinogenesis.gain=20",
                        "plasticity.save_pools=[1 d]")
            for a in ("--set", o)]
    rc = main(["run", str(tmp_path / "exp.yaml"), *sets, "--out", str(tmp_path), "--no-progress"])
    assert rc == 0
    res = read_results(tmp_path / "tiny.h5")
    tl = res.timeline
    for name in ("p_eef2", "bdnf", "trkb", "mtorc1", "synaptic_protein", "spine_density_rel",
                 "spine_volume_mean", "plasma_ng_ml", "rate_pyramidal_hz", "spinogenic_program"):
        assert name in tl and np.all(np.isfinite(tl[name])), name
        assert res.timeline_units[name]
    t = tl["time_h"]
    assert t[0] == pytest.approx(-48.0) and t[-1] == pytest.approx(48.0)
    assert np.all(tl["plasma_ng_ml"][t < 0] == 0)
    # stress removes spines from the susceptible neurons only
    at_dose = np.argmin(abs(t))
    assert tl["spine_density_rel_stressed"][at_dose] < 0.99 < tl["spine_density_rel_unstressed"][at_dose] + 0.01
    # the drug moves the cascade: p-eEF2 falls, synaptic protein rises
    assert tl["p_eef2"].min() < 0.9 and tl["synaptic_protein"].max() > 1.05
    days = res.days
    assert days["density"].shape == (len(days["time_h"]), 160)
    assert set(days["pool"]) == {"healthy", "at dose", "day 1", "end"}  # day 1: plasticity.save_pools
    assert days["checks"]["label"][0] == "before stress"
    for fig in ("pk", "timeline", "cascade", "spines", "firing", "arms"):
        assert (tmp_path / f"tiny_{fig}.png").stat().st_size > 1000, fig
    arm = res.days["arms"]["stress, vehicle"]
    assert arm["attrs"]["peak_glutamate_rel"] == 1.0  # no drug, no surge
    assert np.max(arm["synaptic_protein"]) == pytest.approx(1.0)  # the cascade stays at rest
    assert arm["checks"]["label"][-1].endswith("(end)") and len(arm["checks"]["label"]) == 3
    t = arm["time_h"]
    # same seed, same stress: identical spines up to the dose
    np.testing.assert_array_equal(arm["spine_density_rel"][t <= 0], res.timeline["spine_density_rel"][t <= 0])
    # the file carries its signatures, measured from its own series, and the arm's role
    assert arm["attrs"]["role"] == "vehicle"
    names = [s.name for s in res.days["signatures"]]
    assert names[0].startswith("hit and run: plasma") and "spine increase at 24 h (over vehicle)" in names
    assert undocumented_names(tmp_path / "tiny.h5") == []
    _the_spines_go_out_as_sonata(tmp_path, res)


def _the_spines_go_out_as_sonata(tmp_path, res):
    """export-sonata --from-results: the circuit with a saved pool's spines as E->E weights and edge attributes."""
    libsonata = pytest.importorskip("libsonata")
    out = {}
    for label in ("healthy", "day 1", "end"):
        assert main(["export-sonata", "--from-results", str(tmp_path / "tiny.h5"), "--pool", label,
                     "--out", str(tmp_path / f"net_{label}")]) == 0
        edges = libsonata.CircuitConfig.from_file(str(tmp_path / f"net_{label}" / "circuit_config.json")
                                                  ).edge_population("e_to_e")
        sel = edges.select_all()
        out[label] = {k: np.asarray(edges.get_attribute(k, sel)) for k in ("syn_weight", "spine_state", "spine_volume")}
        # An empty slot has no weight; a spine's weight is its volume times one scale.
        w, state, vol = out[label]["syn_weight"], out[label]["spine_state"], out[label]["spine_volume"]
        assert np.all((w == 0) == (state == 0)) and np.all(vol[state == 0] == 0)
        assert np.ptp(w[state > 0] / vol[state > 0]) < 1e-9 * w.max()
    # The scale gives the healthy pool the calibrated circuit's total E->E weight: 1 / slots per slot.
    slots = res.config.plasticity.spines.slots_per_synapse
    healthy = out["healthy"]["syn_weight"]
    assert healthy.sum() == pytest.approx(len(healthy) / slots, rel=1e-9)
    # The end pool is another pool (stress took spines, the drug gave some back), and so is day 1's.
    assert not np.array_equal(out["end"]["spine_state"], out["healthy"]["spine_state"])
    assert not np.array_equal(out["day 1"]["spine_state"], out["end"]["spine_state"])
    # A pool the file did not save: one line, exit 2.
    assert main(["export-sonata", "--from-results", str(tmp_path / "tiny.h5"), "--pool", "day 3",
                 "--out", str(tmp_path / "bad")]) == 2


def test_pools_are_saved_within_the_run_only():
    with pytest.raises(UserInputError, match=r"save_pools: expected times up to plasticity.days_after \(2 d\), got 3 d"):
        _config(data={**SHORT, "plasticity": {**SHORT["plasticity"], "save_pools": ["1 d", "3 d"]}})


def test_an_arm_that_shares_the_stress_history_restores_it_bit_identically(tiny_overrides):
    """The state at the dose is computed once per stress history (ExperimentCache.at_dose)."""
    data = {**SHORT, "plasticity": {**SHORT["plasticity"], "interventions": [
        {"kind": "rapamycin", "start": "-30 min", "duration": "12 h"}]}}
    cfg = _config(*tiny_overrides, "circuit.vta.enabled=false", data=data)
    cache = ExperimentCache()
    first = run_days(cfg, with_timeline=False, cache=cache)
    assert len(cache.at_dose) == 1
    again = run_days(cfg, with_timeline=False, cache=cache)  # from the saved state at the dose
    for key in first.series:
        np.testing.assert_array_equal(first.series[key], again.series[key])
    np.testing.assert_array_equal(first.snapshot_density, again.snapshot_density)
    for label in first.pool_states:
        np.testing.assert_array_equal(first.pool_states[label][1], again.pool_states[label][1])
    assert [c.label for c in again.checks] == [c.label for c in first.checks]
    # a history that differs before the dose (no stress) does not share it
    calm = _config(*tiny_overrides, "circuit.vta.enabled=false", "plasticity.stress=null", data=data)
    assert pre_dose_key(calm, time_grid_h(calm), sp.step_numba) != \
        pre_dose_key(cfg, time_grid_h(cfg), sp.step_numba)
    # nor does one whose circuit checks run on another code target (other spike trains)
    other = _config(*tiny_overrides, "circuit.vta.enabled=false", "codegen_target=cython", data=data)
    assert pre_dose_key(other, time_grid_h(other), sp.step_numba) != \
        pre_dose_key(cfg, time_grid_h(cfg), sp.step_numba)
