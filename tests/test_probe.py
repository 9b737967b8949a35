"""The circuit probe in the circuit (tiny, numpy target): the stimulus, its spread, the slow stage with it."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SHORT, undocumented_names

from circuitsim.config import config_from_dict
from circuitsim.engine.checks import DRUG_FREE
from circuitsim.engine.probe import probe_measures, probe_stimulus, until
from circuitsim.engine.sampling import staircase_config
from circuitsim.network.inputs import CircuitSpec, Device, DrugInput
from circuitsim.network.simulate import simulate_sample
from circuitsim.plasticity.pool import healthy_pool

pytestmark = pytest.mark.brian2

#: A short probe for the tiny circuit: 3 pulses 150 ms apart (0.47 s after the 0.15-s check).
PROBE = "plasticity.circuit_probe={pulses: 3, interval: 150 ms}"


def _check_config(tiny_overrides, *extra):
    cfg = config_from_dict(SHORT, [*tiny_overrides, "circuit.vta.enabled=false", PROBE, *extra])
    return staircase_config(cfg, DRUG_FREE), healthy_pool(cfg).synapse_weights()


def _run(stair, weights, stimulus):
    return simulate_sample(CircuitSpec.of(stair), DrugInput.of_protocol(stair.protocol), weights,
                           device=Device.of(stair), stimulus=stimulus)


def test_the_stimulus_leaves_the_check_bit_identical_and_fires_its_cells(tiny_overrides):
    stair, w = _check_config(tiny_overrides)
    stim = probe_stimulus(stair)
    assert len(stim.cells) == 8 and stim.times_s[0] == pytest.approx(0.3)  # 5 % of 160; 0.15 s + 150 ms
    full, plain = _run(stair, w, stim), _run(stair, w, None)
    cut = until(full, stair.protocol.duration_s)
    for pop in plain.spikes:
        np.testing.assert_array_equal(cut.spikes[pop][0], plain.spikes[pop][0])
        np.testing.assert_array_equal(cut.spikes[pop][1], plain.spikes[pop][1])
    np.testing.assert_array_equal(cut.trace_t_s, plain.trace_t_s)
    for name, values in plain.traces.items():
        np.testing.assert_array_equal(cut.traces[name], values)
    assert full.duration_s == pytest.approx(stim.stop_s)
    t, i = full.spikes["pyramidal"]
    for p in stim.times_s:  # every stimulated cell fires within 10 ms of every pulse
        fired = np.unique(i[(t >= p) & (t < p + 0.01)])
        assert set(stim.cells) <= set(fired.tolist())


def test_without_excitatory_paths_the_stimulus_reaches_no_other_cell(tiny_overrides):
    """No E->E weights and no E->I conductance: the other pyramidal cells fire as without the stimulus."""
    stair, w = _check_config(tiny_overrides, "circuit.e_to_i.g_ampa=0 nS", "circuit.e_to_i.g_nmda=0 nS")
    stim = probe_stimulus(stair)
    zero = np.zeros_like(w)
    full = _run(stair, zero, stim)
    # the same drug-free circuit, as long, without the stimulus
    long = DrugInput(duration_s=stim.stop_s, ketamine_um=np.zeros(int(round(stim.stop_s / 1e-3))))
    plain = simulate_sample(CircuitSpec.of(stair), long, zero, device=Device.of(stair))
    assert plain.duration_s == pytest.approx(full.duration_s)
    t0, i0 = full.spikes["pyramidal"]
    t1, i1 = plain.spikes["pyramidal"]
    other0, other1 = ~np.isin(i0, stim.cells), ~np.isin(i1, stim.cells)
    assert np.count_nonzero(t1[other1] >= stim.times_s[0]) > 50  # the other cells fire during the pulses
    np.testing.assert_array_equal(t0[other0], t1[other1])
    np.testing.assert_array_equal(i0[other0], i1[other1])
    np.testing.assert_array_equal(full.spikes["interneuron"][0], plain.spikes["interneuron"][0])
    # ... while the stimulated cells fire more
    assert np.count_nonzero(~other0) > np.count_nonzero(~other1) + 2 * len(stim.cells)


def test_stronger_e_to_e_weights_spread_the_stimulus_further(tiny_overrides):
    stair, w = _check_config(tiny_overrides, "plasticity.circuit_probe.stimulated_fraction=0.5")
    stim = probe_stimulus(stair)
    window = (stair.analysis.transient_s, stair.protocol.duration_s)
    spread = {s: probe_measures(stair, _run(stair, w * s, stim), window, stim).evoked_spread_pyramidal
              for s in (0.0, 4.0)}
    # measured: -0.02 and +0.6 extra spikes per cell per pulse (3 pulses, 80 other cells)
    assert spread[4.0] > spread[0.0] + 0.2


@pytest.mark.slow
@pytest.mark.brian2
def test_a_tiny_slow_stage_run_carries_the_probe_in_every_check(tmp_path, monkeypatch, tiny_overrides,
                                                                tiny_build_cache, capsys):
    """Through the CLI: every check of the experiment and of its vehicle arm (daily) has the measures.

    Slow (30 s in a fresh-clone run, the largest of the default suite's
    tiny experiments, 2026-12-07): the probe itself is tested by this
    module's other tests, a slow-stage run through the CLI with a vehicle
    arm by tests/test_days.py.
    """
    import yaml

    from circuitsim.cli import main
    from circuitsim.io import read_results

    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tiny_build_cache))
    data = {**SHORT, "plasticity": {**SHORT["plasticity"], "days_after": "1 d",
                                    "circuit_probe": {"pulses": 2, "interval": "150 ms"},
                                    "arms": [{"name": "stress, vehicle", "set": ["dosing.doses.0.amount=0 mg/kg"]}]}}
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump(data))
    sets = [a for o in (*tiny_overrides, "circuit.vta.enabled=false", "output.figures=false") for a in ("--set", o)]
    assert main(["run", str(tmp_path / "exp.yaml"), *sets, "--out", str(tmp_path), "--no-progress"]) == 0
    res = read_results(tmp_path / "tiny.h5")
    checks = res.days["checks"]
    arm = res.days["arms"]["stress, vehicle"]["checks"]
    assert checks["label"] == ["before stress", "at dose (after stress)", "day 1 (end)"]
    assert arm["label"] == checks["label"]
    for table in (checks, arm):
        for col in ("correlation_pyramidal", "synchrony_pyramidal", "evoked_spread_pyramidal"):
            assert np.all(np.isfinite(table[col])), col
        assert np.all(np.abs(table["correlation_pyramidal"]) < 1) and np.all(table["synchrony_pyramidal"] > 0)
    # same seed, same spines before the dose: the same probe
    assert checks["correlation_pyramidal"][0] == arm["correlation_pyramidal"][0]
    assert checks["evoked_spread_pyramidal"][0] == arm["evoked_spread_pyramidal"][0]
    assert res.provenance["seed_circuit_probe_cells"] > 0
    assert undocumented_names(tmp_path / "tiny.h5") == []
    capsys.readouterr()
    assert main(["info", str(tmp_path / "tiny.h5")]) == 0
    assert "spread" in capsys.readouterr().out
