"""Drug-free checks in a helper process: the same results as in one process."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import SHORT

from circuitsim.config import config_from_dict
from circuitsim.engine.helpers import WORKERS_ENV, resolve_workers
from circuitsim.engine.slow import run_days
from circuitsim.errors import UserInputError


def test_workers_come_from_the_config_then_the_environment(monkeypatch):
    assert resolve_workers(3) == 3
    monkeypatch.setenv(WORKERS_ENV, "1")
    assert resolve_workers(0) == 1
    monkeypatch.setenv(WORKERS_ENV, "two")
    with pytest.raises(UserInputError, match=WORKERS_ENV):  # the CLI: one line, exit 2
        resolve_workers(0)
    monkeypatch.delenv(WORKERS_ENV)
    assert resolve_workers(0) in (1, 2)


@pytest.mark.brian2
def test_checks_in_a_helper_process_equal_those_run_in_this_one(tiny_overrides, tiny_build_cache, monkeypatch):
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tiny_build_cache))
    runs = {}
    for workers in (1, 2):
        cfg = config_from_dict(SHORT, [*tiny_overrides, "circuit.vta.enabled=false", f"workers={workers}",
                                       "timeline.sampling.cache=false"])  # every check simulated
        runs[workers] = run_days(cfg)
    one, two = runs[1].checks, runs[2].checks
    assert [c.label for c in two] == [c.label for c in one] and len(one) >= 3
    for a, b in zip(one, two, strict=True):
        np.testing.assert_equal(dataclasses.asdict(a.measures), dataclasses.asdict(b.measures))  # NaN == NaN
        assert a.spine_density_rel == b.spine_density_rel
        for pop, (t, i) in a.sample.spikes.items():
            np.testing.assert_array_equal(t, b.sample.spikes[pop][0])
            np.testing.assert_array_equal(i, b.sample.spikes[pop][1])
    for key in runs[1].series:
        np.testing.assert_array_equal(runs[1].series[key], runs[2].series[key])


@pytest.mark.brian2
def test_a_held_out_staircase_in_a_helper_gives_the_same_timeline(tiny_overrides, monkeypatch, tmp_path):
    """The nodes' and the held-out states' staircases are independent runs: one may run beside the other."""
    from circuitsim.engine.acute import run_timeline

    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tmp_path))
    timelines = {}
    for workers in (1, 2):
        cfg = config_from_dict(
            {"dosing": {"doses": [{"amount": "0.5 mg/kg", "route": "iv_infusion", "duration": "40 min"}]}},
            [*tiny_overrides, "circuit.vta.enabled=false", "timeline.sampling.per_decade=1",
             "timeline.sampling.window=100 ms", "timeline.horizon=2 h", f"workers={workers}",
             "timeline.sampling.cache=false"])  # both staircases simulated each time
        timelines[workers] = run_timeline(cfg)
    one, two = timelines[1], timelines[2]
    assert one.plan == two.plan and sum(one.plan.held_out) >= 3
    for name, values in one.series.items():
        np.testing.assert_array_equal(values, two.series[name], err_msg=name)
    for name, errors in one.interpolation_error.items():
        np.testing.assert_array_equal(errors, two.interpolation_error[name], err_msg=name)
    for pop, (t, i) in one.sample.spikes.items():
        np.testing.assert_array_equal(t, two.sample.spikes[pop][0])
        np.testing.assert_array_equal(i, two.sample.spikes[pop][1])
