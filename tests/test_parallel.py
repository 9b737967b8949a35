"""Drug-free checks and held-out staircases in helper processes: the same results as in one process."""

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
def test_checks_and_held_out_states_in_helpers_equal_those_run_in_this_one(tiny_overrides, tiny_build_cache, monkeypatch):
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tiny_build_cache))
    runs = {}
    for workers in (1, 2):
        cfg = config_from_dict(SHORT, [*tiny_overrides, "circuit.vta.enabled=false", "plasticity.days_after=1 d", f"workers={workers}",
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
    # The dose's timeline: its held-out staircase ran in a helper with two workers.
    a, b = runs[1].acute, runs[2].acute
    assert a.plan == b.plan and sum(a.plan.held_out) >= 2
    for name, values in a.series.items():
        np.testing.assert_array_equal(values, b.series[name], err_msg=name)
    for name, errors in a.interpolation_error.items():
        np.testing.assert_array_equal(errors, b.interpolation_error[name], err_msg=name)

