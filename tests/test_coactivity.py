"""The circuit probe's measures on synthetic spike trains with known answers (no Brian2)."""

from __future__ import annotations

import numpy as np
import pytest

from circuitsim.config import config_from_dict
from circuitsim.engine.coactivity import (
    evoked_spread,
    mean_pairwise_correlation,
    spike_counts,
    synchrony_index,
)

#: Synthetic trains: 200 cells over 100 s at 5 Hz in 50-ms bins (2000 bins).
N, T, RATE, BIN = 200, 100.0, 5.0, 0.05
#: Tolerance of a correlation that is 0 in expectation: its SD over 19,900
#: pairs of 2000 bins is well below 1/sqrt(2000) = 0.022 (pairs share cells).
R_TOL = 0.01


def poisson_trains(rng, n, t, rate):
    k = rng.poisson(rate * t * n)
    return rng.uniform(0, t, k), rng.integers(0, n, k)


def test_spike_counts_bins_whole_bins_of_the_cells_asked_for():
    times = np.array([0.01, 0.06, 0.07, 0.149, 0.151, 0.5])
    ids = np.array([0, 0, 2, 2, 1, 0])
    c = spike_counts(times, ids, np.array([2, 0]), 0.0, 0.16, 0.05)  # 3 whole bins; 0.151 in the dropped part
    np.testing.assert_array_equal(c, [[0, 1, 1], [1, 1, 0]])


def test_independent_poisson_trains_are_uncorrelated():
    rng = np.random.default_rng(1)
    t, i = poisson_trains(rng, N, T, RATE)
    c = spike_counts(t, i, np.arange(N), 0.0, T, BIN)
    assert abs(mean_pairwise_correlation(c)) < R_TOL
    assert synchrony_index(c) == pytest.approx(1.0, abs=0.15)


def test_shared_input_correlates_the_counts():
    """Each cell fires its own Poisson spikes and, with probability q, each spike of a shared train."""
    rng = np.random.default_rng(2)
    own_t, own_i = poisson_trains(rng, N, T, RATE)
    shared = rng.uniform(0, T, int(20 * T))  # 20 Hz common source
    q = 0.1
    copies = rng.random((N, len(shared))) < q
    cell, k = np.nonzero(copies)
    t = np.concatenate([own_t, shared[k]])
    i = np.concatenate([own_i, cell])
    c = spike_counts(t, i, np.arange(N), 0.0, T, BIN)
    # The copies of a shared spike coincide, so they share a bin: per bin of width b the
    # covariance is q^2 nu_s b and the (Poisson) variance (nu + q nu_s) b.
    expected = q * q * 20 / (RATE + q * 20)
    assert mean_pairwise_correlation(c) == pytest.approx(expected, abs=R_TOL)
    assert synchrony_index(c) == pytest.approx(1 + (N - 1) * expected, rel=0.15)


def test_identical_trains_have_correlation_1_and_synchrony_n():
    rng = np.random.default_rng(3)
    base = np.sort(rng.uniform(0, 10, 100))
    t = np.tile(base, 5)
    i = np.repeat(np.arange(5), len(base))
    c = spike_counts(t, i, np.arange(5), 0.0, 10.0, BIN)
    assert mean_pairwise_correlation(c) == pytest.approx(1.0)
    assert synchrony_index(c) == pytest.approx(5.0)


def test_silent_cells_are_left_out_and_too_little_data_is_nan():
    c = np.array([[0, 1, 0, 1], [0, 1, 0, 1], [0, 0, 0, 0]], dtype=float)
    assert mean_pairwise_correlation(c) == pytest.approx(1.0)
    assert np.isnan(mean_pairwise_correlation(c[1:]))
    assert np.isnan(synchrony_index(np.zeros((3, 4))))
    assert np.isnan(mean_pairwise_correlation(c[:, :1]))


def test_evoked_spread_counts_extra_spikes_per_other_cell_less_the_baseline():
    rng = np.random.default_rng(4)
    n, stim = 100, np.arange(10)
    t, i = poisson_trains(rng, n, 20.0, 2.0)
    pulses = np.arange(1.0, 20.0, 0.5)
    # A quarter of the other cells fire one extra spike 5 ms after each pulse.
    responders = np.arange(10, 100, 4)
    t_ev = np.repeat(pulses + 0.005, len(responders))
    i_ev = np.tile(responders, len(pulses))
    # the stimulated cells fire too: they do not count
    t_st = np.repeat(pulses + 0.001, len(stim))
    i_st = np.tile(stim, len(pulses))
    args = (n, stim, pulses, 0.02, 0.1)
    without = evoked_spread(t, i, *args)
    with_ = evoked_spread(np.concatenate([t, t_ev, t_st]), np.concatenate([i, i_ev, i_st]), *args)
    assert with_ - without == pytest.approx(len(responders) / 90)
    assert abs(without) < 0.01  # Poisson: 2 Hz x 20 ms = 0.04 spikes per cell, less its baseline
    assert np.isnan(evoked_spread(t, i, n, stim, np.array([]), 0.02, 0.1))


def test_probe_config_errors_name_the_key():
    with pytest.raises(ValueError, match="circuit_probe.interval"):
        config_from_dict({}, ["plasticity={}", "plasticity.circuit_probe={interval: 50 ms}"])
    with pytest.raises(ValueError, match="circuit_probe.stimulated_fraction"):
        config_from_dict({}, ["plasticity={}", "plasticity.circuit_probe={stimulated_fraction: 1.5}"])
