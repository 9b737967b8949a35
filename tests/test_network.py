"""The Brian2 circuit implements the block models and NMDA scheme it documents."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL_OVERRIDES

from circuitsim.config import config_from_dict
from circuitsim.engine.measures import analyse
from circuitsim.network.equations import poisson_mean_increment
from circuitsim.network.simulate import simulate_config
from circuitsim.pharmacology.pd import hill_block

SMALL = SMALL_OVERRIDES


@pytest.mark.brian2
def test_hill_block_in_circuit_matches_formula():
    cfg = config_from_dict({}, [*SMALL, "protocol.wash_tau=0 s",
                                "protocol.epochs=[{name: baseline, duration: 50 ms}, "
                                "{name: drug, duration: 50 ms, concentration: 3 uM}]"])
    s = simulate_config(cfg)
    t = s.trace_t_s
    late = t > 0.06
    h = cfg.pharmacology.hill
    np.testing.assert_allclose(s.traces["block_pyramidal"][late], hill_block(3.0, h.ic50_pyramidal_um, h.hill_n), rtol=1e-9)
    np.testing.assert_allclose(s.traces["block_interneuron"][late], hill_block(3.0, h.ic50_interneuron_um, h.hill_n), rtol=1e-9)
    assert np.all(s.traces["block_pyramidal"][t < 0.05] == 0)


@pytest.mark.slow  # 17 s, compile-bound; the trapping path stays in the default suite
@pytest.mark.brian2  # via test_timeline.py::test_tiny_timeline_feeds_the_trapping_model
def test_trapping_block_reaches_its_closed_form_steady_state():
    """b -> k_on C <o> / (k_on C <o> + k_off), with <o> the recorded mean open fraction.

    b relaxes with rate k_on C o + k_off (>= 3 /s here) and o fluctuates in
    milliseconds, so over the last 0.4 s b is set by the time-averaged o.
    Tolerance 5 %: population averaging of a nonlinear map over cells with
    different o (the mean of b_ss(o_i) vs b_ss of the mean o).
    """
    cfg = config_from_dict({}, [*SMALL, "pharmacology.block_model=trapping", "protocol.wash_tau=0 s",
                                "pharmacology.trapping.k_off=3 /s",
                                "protocol.epochs=[{name: baseline, duration: 50 ms}, "
                                "{name: drug, duration: 1.5 s, concentration: 5 uM}]"])
    s = simulate_config(cfg)
    late = s.trace_t_s > 1.1
    tc = cfg.pharmacology.trapping
    for pop, k_on in (("pyramidal", tc.k_on_pyramidal_per_um_s), ("interneuron", tc.k_on_interneuron_per_um_s)):
        o = s.traces[f"open_{pop}"][late].mean()
        r = k_on * 5.0 * o
        expected = r / (r + tc.k_off_hz)
        assert s.traces[f"block_{pop}"][late].mean() == pytest.approx(expected, rel=0.05), pop
    assert s.traces["block_interneuron"][late].mean() > s.traces["block_pyramidal"][late].mean()


def test_poisson_mean_increment_matches_simulation():
    """E[Delta] for a Poisson source, against a direct event simulation of the sender scheme."""
    a, nu, tr, td = 0.63, 20.0, 0.002, 0.1
    rng = np.random.default_rng(5)
    isi = rng.exponential(1 / nu, size=200_000)
    x = s = 0.0
    deltas = np.empty(len(isi))
    for k, d in enumerate(isi):
        # exact propagation of the linear cascade dx = -x/tr, ds = -s/td + x/tr over d
        ex, es = np.exp(-d / tr), np.exp(-d / td)
        s = s * es + x * td / (td - tr) * (es - ex)
        x = x * ex
        delta = a * min(max(1 - s - x, 0.0), 1.0)
        deltas[k] = delta
        x += delta
    # Standard error of the mean of ~2e5 weakly correlated samples is < 0.3 %.
    assert deltas[1000:].mean() == pytest.approx(poisson_mean_increment(a, nu, tr, td), rel=0.01)


def test_ampa_block_enters_the_equations_only_with_nbqx():
    from circuitsim.network.equations import neuron_equations

    plain = neuron_equations("hill", "event")
    with_nbqx = neuron_equations("hill", "event", ampa_block=True)
    assert "block_ampa" not in plain and "nbqx" not in plain
    assert "g_ampa * (1 - block_ampa) * (v - e_exc)" in with_nbqx
    assert "block_ampa = nbqx(t)**nbqx_n / (nbqx(t)**nbqx_n + nbqx_ic50**nbqx_n)" in with_nbqx


@pytest.mark.brian2
def test_nbqx_lowers_both_rates(tiny_overrides):
    """NBQX at 1000 x IC50 (99.85 % AMPA block) removes the AMPA part of every input.

    Tiny circuit, 300-ms epochs: measured 13.4 -> 9.9 Hz (pyramidal) and
    74.8 -> 61.2 Hz (interneurons) with 150-ms epochs; the drive is mostly
    NMDA, so the fall is partial. Each rate's counting noise is ~5 %.
    """
    data = {"protocol": {"wash_tau": "0 s", "epochs": [
        {"name": "baseline", "duration": "300 ms"},
        {"name": "nbqx", "duration": "300 ms", "nbqx": "150 uM"}]}}
    overrides = [o for o in tiny_overrides if not o.startswith("protocol.")]
    cfg = config_from_dict(data, [*overrides, "circuit.vta.enabled=false"])
    s = simulate_config(cfg)
    a = analyse(cfg, s.spikes, s.n_cells, s.trace_t_s, s.traces)
    base, nbqx = a.epoch("baseline"), a.epoch("nbqx")
    assert nbqx.block_ampa == pytest.approx(1000 / 1001)
    assert nbqx.rate_pyramidal_hz < 0.9 * base.rate_pyramidal_hz
    assert nbqx.rate_interneuron_hz < 0.9 * base.rate_interneuron_hz
    assert s.traces["nbqx_um"].max() == pytest.approx(150.0)
