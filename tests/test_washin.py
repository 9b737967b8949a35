"""Wash-in windows, the epoch-length check and the wash-in latency measures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from circuitsim.analysis.calibration import half_change_time, mean_response_time
from circuitsim.config import config_from_dict
from circuitsim.errors import UserInputError
from circuitsim.pharmacology.bath import concentration_trace, measure_windows_s

EPOCHS = ("protocol.epochs=[{name: baseline, duration: 1 s}, "
          "{name: a, duration: 4 s, concentration: 0.8 uM}, "
          "{name: b, duration: 4 s, concentration: 0.8 uM}, "
          "{name: c, duration: 4 s, concentration: 0 uM}]")
HILL = "pharmacology.block_model=hill"  # the wash-in alone (the trapping block's lag: below)


def test_windows_skip_transient_and_wash_in_settling():
    cfg = config_from_dict({}, [EPOCHS, HILL, "protocol.wash_tau=1 s", "analysis.transient=0.3 s",
                                "analysis.settle_fraction=0.05"])
    w = measure_windows_s(cfg.protocol, cfg.analysis.transient_s, cfg.analysis.settle_fraction)
    settle = math.log(20.0)
    assert [x[0] for x in w] == ["baseline", "a", "b", "c"]
    assert w[0][4] == pytest.approx(0.3)                 # baseline: 0 -> 0, no wash-in
    assert w[1][4] == pytest.approx(1.0 + 0.3 + settle)  # 0 -> 0.8 uM
    # b keeps a's target, but a ended 1.8 % short of it: still a (small) step.
    assert w[2][4] == pytest.approx(5.0 + 0.3 + settle)
    assert w[3][4] == pytest.approx(9.0 + 0.3 + settle)  # wash-out


def test_window_starts_where_the_concentration_is_settled():
    cfg = config_from_dict({}, [EPOCHS, HILL, "protocol.wash_tau=0.5 s"])
    t, c = concentration_trace(cfg.protocol, 1e-3)
    _, t0, _t1, target, w0 = measure_windows_s(cfg.protocol, 0.0, 0.05)[1]
    k = int(round(w0 / 1e-3))
    assert abs(c[k] - target) == pytest.approx(0.05 * target, rel=0.01)
    assert t0 == 1.0


def test_steps_need_no_settling():
    cfg = config_from_dict({}, [EPOCHS, HILL, "protocol.wash_tau=0 s", "analysis.transient=0.2 s"])
    w = measure_windows_s(cfg.protocol, cfg.analysis.transient_s, cfg.analysis.settle_fraction)
    assert [x[4] - x[1] for x in w] == pytest.approx([0.2] * 4)


def test_two_lags_settle_later_than_either():
    from circuitsim.config.protocol import lagged_settle_s

    assert lagged_settle_s(0.0, 1.0, 0.05) == pytest.approx(np.log(20.0))
    t = lagged_settle_s(1.0, 1.0, 0.05)
    assert (1 + t) * np.exp(-t) == pytest.approx(0.05)
    t = lagged_settle_s(2.0, 0.5, 0.05)
    assert (2.0 * np.exp(-t / 2.0) - 0.5 * np.exp(-t / 0.5)) / 1.5 == pytest.approx(0.05)
    assert t > 2.0 * np.log(20.0)


def test_a_trapping_block_waits_for_the_block_to_follow():
    """The window starts when concentration and block (lag 1 / k_off) have covered 95 % of the step."""
    from circuitsim.config.protocol import lagged_settle_s

    hill = config_from_dict({}, [HILL])
    trap = config_from_dict({})  # the default block
    a = trap.analysis
    w_hill = measure_windows_s(hill.protocol, a.transient_s, a.settle_fraction, hill.pharmacology.block_tau_s)
    w_trap = measure_windows_s(trap.protocol, a.transient_s, a.settle_fraction, trap.pharmacology.block_tau_s)
    assert w_hill[1][4] == pytest.approx(1.0 + 0.3 + np.log(20.0))  # transient + ln(20) wash_tau
    assert w_trap[1][4] == pytest.approx(1.0 + lagged_settle_s(1.0, 1.0, 0.05))
    assert w_trap[0][4] == w_hill[0][4]  # the baseline changes nothing
    with pytest.raises(UserInputError, match="the trapping block's"):
        config_from_dict({}, ["pharmacology.block_model=trapping",
                              "protocol.epochs=[{name: baseline, duration: 1 s}, "
                              "{name: ketamine, duration: 4.5 s, concentration: 0.8 uM}]"])


def test_too_short_an_epoch_is_one_clear_error():
    with pytest.raises(UserInputError) as exc:
        config_from_dict({}, ["protocol.epochs.1.duration=2 s", "protocol.wash_tau=1 s", HILL])
    msg = str(exc.value)
    assert msg.startswith("protocol.epochs.1.duration:"), msg
    assert "expected more than 3.3 s, got 2 s" in msg
    assert "\n" not in msg


def _exp_trace(tau, delay=0.0, dt=0.01, t1=10.0, base=20.0, final=10.0, noise=0.0, seed=0):
    """A change from `base` to `final` starting at t = 2 s (+ `delay`); t in [0, 2 + t1)."""
    t = np.arange(int(round((2.0 + t1) / dt))) * dt
    x = np.where(t < 2.0 + delay, 0.0, 1.0 - np.exp(-(t - 2.0 - delay) / tau))
    y = base + (final - base) * x
    if noise:
        y = y + np.random.default_rng(seed).normal(0.0, noise, len(t))
    return t, y


def test_mean_response_time_of_an_exponential_is_tau_plus_delay():
    t, y = _exp_trace(tau=0.8, delay=0.25)
    assert mean_response_time(t, y, 2.0, 12.0, 20.0, 10.0) == pytest.approx(1.05, abs=0.01)


def test_mean_response_time_of_a_rise_and_of_no_change():
    t, y = _exp_trace(tau=0.5, base=4.0, final=11.0)
    assert mean_response_time(t, y, 2.0, 12.0, 4.0, 11.0) == pytest.approx(0.5, abs=0.01)
    assert math.isnan(mean_response_time(t, y, 2.0, 12.0, 4.0, 4.0))


def test_mean_response_time_averages_noise_that_moves_a_threshold_crossing():
    # Rate noise of 10 % of the change, in 10 ms bins: the half-change crossing
    # of a lightly smoothed trace scatters, the integral hardly does.
    r, h = [], []
    for seed in range(20):
        t, y = _exp_trace(tau=1.0, noise=1.0, seed=seed)
        r.append(mean_response_time(t, y, 2.0, 8.0, 20.0, 10.0))
        h.append(half_change_time(t, y, 2.0, 8.0, 20.0, 10.0, smooth_s=0.05))
    assert np.mean(r) == pytest.approx(1.0, abs=0.02)
    assert np.std(r) < 0.5 * np.std(h)


def test_half_change_time_of_an_exponential():
    t, y = _exp_trace(tau=1.0)
    assert half_change_time(t, y, 2.0, 12.0, 20.0, 10.0, smooth_s=0.01) == pytest.approx(math.log(2), abs=0.02)


def test_analysis_of_a_protocol_that_is_not_a_whole_number_of_bins():
    # 2 x 103.7 ms = 207.4 ms with 10 ms bins: the partial last bin is dropped.
    from conftest import synthetic_run

    config, _sample, analysis = synthetic_run((0.0, 0.8), epoch_s=0.1037)
    assert len(analysis.time_s) == 20
    assert all(len(v) == 20 for v in analysis.traces.values())
    assert analysis.epoch("c0.8uM").stop_s == pytest.approx(0.2074)


def test_a_staircase_without_the_drug_has_no_block_to_wait_for():
    """The drug-free checks of the slow stage wait only the transient; a staircase with the drug waits for its block."""
    from circuitsim.engine.checks import DRUG_FREE
    from circuitsim.engine.sampling import StaircasePlan, settle_s, staircase_config

    trap = config_from_dict({})  # the default (trapping) block
    t = trap.analysis.transient_s
    assert settle_s(trap, DRUG_FREE) == t
    assert settle_s(trap, StaircasePlan(("baseline", "nbqx"), (0.0, 0.0), (False, False), (0.0, 10.0))) == t
    with_drug = StaircasePlan(("baseline", "ketamine"), (0.0, 0.8), (False, False))
    assert settle_s(trap, with_drug) == pytest.approx(np.log(20.0) / 1.0)  # ln(1 / 0.05) / k_off
    assert settle_s(config_from_dict({}, [HILL]), with_drug) == t
    free = staircase_config(trap, DRUG_FREE)
    assert free.protocol.epochs[0].duration_s == pytest.approx(t + trap.timeline.sampling.window_s)
