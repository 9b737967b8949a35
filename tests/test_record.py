"""One record per run: ``read_results(write_record(path, r)) == r`` for a bath, a dosing and a plasticity run.

The record (circuitsim.engine.record.RunRecord) is what the engine makes of
a run and the analysis annotates; io writes it as it is and reads back an
equal record (circuitsim.io.Results, the record with its path).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from circuitsim.analysis.annotate import annotate
from circuitsim.config import config_from_dict
from circuitsim.engine import simulate
from circuitsim.engine.record import RunRecord
from circuitsim.engine.records import to_record
from circuitsim.io import read_results, write_record

PROVENANCE = {"seed": 1, "host": "testhost", "wall_time_s": 2.5, "response_cache_hit": False, "note": None}


def _round_trip(record: RunRecord, tmp_path) -> None:
    back = read_results(write_record(tmp_path / "run.h5", record))
    assert back == record
    assert record == back
    assert [e.name for e in back.epochs] == [e.name for e in record.epochs]


def test_bath_run_round_trips(tmp_path, synthetic):
    config, sample, analysis = synthetic
    record = annotate(to_record(config, sample, analysis, PROVENANCE))
    assert record.provenance["note"] == ""  # None is stored as an empty string
    _round_trip(record, tmp_path)


def test_a_changed_record_is_not_equal(tmp_path, synthetic):
    """The comparison sees a changed value, a changed dtype and a missing key (it can fail)."""
    config, sample, analysis = synthetic
    record = to_record(config, sample, analysis, PROVENANCE)
    back = read_results(write_record(tmp_path / "run.h5", record))
    traces = dict(record.timeseries)
    traces["glutamate_rel"] = traces["glutamate_rel"] + 1e-12
    assert back != dataclasses.replace(record, timeseries=traces)
    spikes = dict(record.spikes)
    t, ids = spikes["pyramidal"]
    spikes["pyramidal"] = (t, ids.astype(np.float64))
    assert back != dataclasses.replace(record, spikes=spikes)
    assert back != dataclasses.replace(record, provenance={k: v for k, v in back.provenance.items() if k != "seed"})


@pytest.mark.brian2
def test_dosing_run_round_trips(tmp_path, monkeypatch, tiny_overrides, tiny_build_cache):
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tiny_build_cache))
    config = config_from_dict(
        {"dosing": {"doses": [{"amount": "0.5 mg/kg", "route": "iv_infusion", "duration": "40 min"}]}},
        [*tiny_overrides, "timeline.horizon=3 h", "timeline.dt=5 min", "timeline.sampling.refine=0",
         "timeline.sampling.per_decade=1", "timeline.sampling.window=100 ms"])
    run = simulate(config)
    record = annotate(to_record(config, run.sample, run.analysis, PROVENANCE, run.timeline, run.days))
    assert record.timeline is not None and record.timeline_info["sampling"]["held_out"].dtype == bool
    for name in ("rate_vta_dopamine_hz", "rate_vta_gaba_hz", "dopamine_rel"):  # the VTA along the timeline
        assert np.isfinite(record.timeline[name]).all() and record.timeline[name].max() > 0, name
    _round_trip(record, tmp_path)


@pytest.mark.brian2
def test_plasticity_run_with_arms_round_trips(tmp_path, monkeypatch, tiny_overrides, tiny_build_cache):
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tiny_build_cache))
    data = {
        "dosing": {"doses": [{"amount": "0.5 mg/kg", "route": "iv_infusion", "duration": "40 min"}]},
        "timeline": {"horizon": "6 h", "dt": "10 min", "sampling": {"per_decade": 1, "window": "100 ms", "refine": 0}},
        "plasticity": {"stress": {"duration": "2 d", "level": 4.0}, "days_after": "2 d", "acute_step": "30 min",
                       "slow_step": "6 h", "spines": {"burn_in": "40 d"},
                       "arms": [{"name": "stress, vehicle", "set": ["dosing.doses.0.amount=0 mg/kg"]}]},
    }
    config = config_from_dict(data, [*tiny_overrides, "circuit.vta.enabled=false"])
    run = simulate(config)
    record = annotate(to_record(config, run.sample, run.analysis, PROVENANCE, run.timeline, run.days))
    assert record.days["signatures"]  # the analysis measured them
    assert record.days["arms"]["stress, vehicle"]["attrs"]["role"] == "vehicle"
    assert record.days["density"].dtype == np.float32
    _round_trip(record, tmp_path)
