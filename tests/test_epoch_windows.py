"""Epoch windows take exactly their own samples; block is interpolated exactly for the Hill law (no Brian2)."""

from __future__ import annotations

import numpy as np
import pytest

from circuitsim.config import config_from_dict
from circuitsim.engine.interpolation import block_interpolate
from circuitsim.engine.measures import POPULATIONS, analyse
from circuitsim.pharmacology import pd


def test_each_epoch_averages_its_own_samples_only():
    """Epoch edges are sums of durations (1.3 s each): 0.1 + 0.2 != 0.3 in floating point,
    so a strict comparison takes in the next state's first sample or drops the state's own
    first one. Each epoch's block trace is a constant of its own; its measure must be it."""
    n_epochs, epoch_s, dt = 12, 1.3, 5e-3
    per = int(round(epoch_s / dt))
    epochs = [{"name": "baseline", "duration": f"{epoch_s} s"}]
    epochs += [{"name": f"e{k}", "duration": f"{epoch_s} s", "concentration": f"{0.1 * k} uM"}
               for k in range(1, n_epochs)]
    config = config_from_dict({"protocol": {"epochs": epochs}},
                              ["protocol.wash_tau=0 s", "analysis.transient=0.3 s", "pharmacology.block_model=hill"])
    n_cells = {"pyramidal": 20, "interneuron": 5}
    rng = np.random.default_rng(1)
    duration = n_epochs * epoch_s
    spikes = {p: (np.sort(rng.uniform(0, duration, 50 * k)), rng.integers(0, k, 50 * k)) for p, k in n_cells.items()}
    tt = np.arange(n_epochs * per) * dt
    level = np.repeat(np.arange(n_epochs) * 0.01, per)  # epoch k holds 0.01 k, switching at sample k * per
    traces = {"concentration_um": level * 10.0, **{f"block_{p}": level for p in POPULATIONS}}
    a = analyse(config, spikes, n_cells, tt, traces)
    got = np.array([e.block_pyramidal for e in a.epochs])
    np.testing.assert_allclose(got, np.arange(n_epochs) * 0.01, rtol=0, atol=1e-12)
    # The float edges do straddle samples here (else the test would not test anything).
    edges = np.cumsum([epoch_s] * n_epochs)
    assert any(e != k * per * dt for k, e in enumerate(edges, start=1))


@pytest.mark.parametrize("n", [0.7, 1.0, 1.6])
def test_block_interpolation_is_exact_for_the_hill_law(n):
    ic50 = 2.0
    nodes = np.array([0.0, 0.05, 0.2, 0.8857, 1.5222, 5.0])
    at = np.array([0.0, 1e-3, 0.03, 0.1, 0.5, 1.244, 3.0])
    exact = pd.hill_block(at, ic50, n)
    got = block_interpolate(at, nodes, pd.hill_block(nodes, ic50, n))
    np.testing.assert_allclose(got, exact, rtol=1e-9, atol=1e-15)
    # Linear interpolation of the concave curve reads low (what the log-odds form corrects).
    linear = np.interp(at, nodes, pd.hill_block(nodes, ic50, n))
    assert np.max(exact - linear) > 1e-3


def test_block_interpolation_holds_beyond_the_last_node_and_falls_back_without_two_inner_nodes():
    nodes, values = np.array([0.0, 1.0, 2.0]), np.array([0.0, 0.3, 0.5])
    assert block_interpolate(np.array([5.0]), nodes, values)[0] == pytest.approx(0.5)
    # One node strictly between 0 and 1: linear, as numpy.interp.
    np.testing.assert_allclose(block_interpolate(np.array([0.5]), np.array([0.0, 1.0]), np.array([0.0, 0.3])), [0.15])
