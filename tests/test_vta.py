"""The VTA dopamine branch: config, the dopamine pool, the Brian2 populations, analysis and results."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from circuitsim.config import config_from_dict
from circuitsim.engine.measures import analyse
from circuitsim.errors import UserInputError
from circuitsim.io import read_results, write_results
from circuitsim.network.build import build_network
from circuitsim.network.dopamine import dopamine_pool
from circuitsim.network.inputs import CircuitSpec, DrugInput
from circuitsim.network.sample import POPULATIONS, VTA_POPULATIONS, FastSample
from circuitsim.network.simulate import simulate_config
from circuitsim.pharmacology.pd import hill_block

VTA_TRACES = ("rate_vta_dopamine_hz", "rate_vta_gaba_hz", "dopamine_um", "dopamine_rel")


# ------------------------------------------------------------------------- config
def test_default_vta_config():
    v = config_from_dict({}).circuit.vta
    assert v.enabled
    assert (v.dopamine.n, v.gaba.n) == (300, 150)
    assert v.dopamine_pool.tau_uptake_s == pytest.approx(0.1)
    h = config_from_dict({}).pharmacology.hill
    # The GABA cells are the more sensitive population (disinhibition of the dopamine cells).
    assert h.ic50_vta_gaba_um < h.ic50_vta_dopamine_um


@pytest.mark.parametrize("override, start", [
    ("circuit.vta.dopamine.n=0", "circuit.vta.dopamine.n:"),
    ("circuit.vta.gaba_to_dopamine.p=1.5", "circuit.vta.gaba_to_dopamine.p:"),
    ("circuit.vta.dopamine_pool.tau_uptake=-1 ms", "circuit.vta.dopamine_pool.tau_uptake:"),
    ("circuit.vta.dopamine_pool.release_per_spike=5 ms", "circuit.vta.dopamine_pool.release_per_spike:"),
    ("circuit.vta.enabled=maybe", "circuit.vta.enabled:"),
    ("circuit.vta.dopamine_cells=3", "circuit.vta.dopamine_cells: unknown key"),
    ("circuit.vta.local_delay_max=0.2 ms", "circuit.vta: local_delay_max"),
    ("circuit.vta.pfc_delay_max=3 ms", "circuit: vta.pfc_delay_max must be shorter than pyramidal.t_refractory"),
    ("circuit.vta.pfc_delay_min=0.05 ms", "circuit: vta.pfc_delay_min must be at least one time step"),
    ("pharmacology.hill.ic50_vta_gaba=0 uM", "pharmacology.hill.ic50_vta_gaba:"),
])
def test_bad_vta_values_are_one_clear_line(override, start):
    with pytest.raises(UserInputError) as exc:
        config_from_dict({}, [override])
    msg = str(exc.value)
    assert msg.startswith(start), msg
    assert "\n" not in msg, msg
    assert "got" in msg or "unknown key" in msg, msg


# ---------------------------------------------------------------- dopamine pool
def test_dopamine_pool_after_one_volley_decays_with_tau():
    """Every cell fires once at t0: D = q exp(-(t - t0) / tau) from t0 on, 0 before."""
    q, tau, n, dt, t0 = 0.08, 0.1, 50, 1e-3, 0.2
    grid = np.arange(1000) * dt
    d = dopamine_pool(np.full(n, t0 + 0.2 * dt), n, grid, q, tau)
    k0 = int(round(t0 / dt))
    np.testing.assert_array_equal(d[:k0], 0.0)
    np.testing.assert_allclose(d[k0:], q * np.exp(-(grid[k0:] - grid[k0]) / tau), rtol=1e-12)


def test_dopamine_pool_of_a_regular_train_matches_its_closed_form():
    """Every cell fires every T: after the transient, D just after a release is
    q / (1 - exp(-T/tau)) and the grid mean is q dt / (T (1 - exp(-dt/tau)))
    (-> q tau / T = q r tau as dt -> 0)."""
    q, tau, n, dt, period = 0.08, 0.1, 30, 1e-3, 0.05
    grid = np.arange(4000) * dt
    times = np.repeat(np.arange(0.0, 4.0, period) + 0.5 * dt, n)
    d = dopamine_pool(times, n, grid, q, tau)
    late = grid >= 2.0
    peak = q / (1 - math.exp(-period / tau))
    assert d[late].max() == pytest.approx(peak, rel=1e-9)
    assert d[late].mean() == pytest.approx(q * dt / (period * (1 - math.exp(-dt / tau))), rel=1e-9)
    assert d[late].mean() == pytest.approx(q * tau / period, rel=0.01)


def _vta_synthetic(rate0=5.0, rate1=10.0, epoch_s=1.0, n=40):
    """A synthetic run (no Brian2) whose dopamine cells fire regularly at rate0, then rate1."""
    epochs = [{"name": "baseline", "duration": f"{epoch_s} s"},
              {"name": "drug", "duration": f"{epoch_s} s", "concentration": "0.8 uM"}]
    config = config_from_dict({"protocol": {"epochs": epochs}},
                              ["protocol.wash_tau=0 s", "analysis.transient=0.2 s", "pharmacology.block_model=hill"])
    rng = np.random.default_rng(3)
    spikes, n_cells = {}, {"pyramidal": 20, "interneuron": 5, "vta_dopamine": n, "vta_gaba": 10}
    for pop, k in n_cells.items():
        spikes[pop] = (rng.uniform(0, 2 * epoch_s, 20 * k), rng.integers(0, k, 20 * k))
    # Regular trains, each cell with its own phase.
    t, ids = [], []
    for cell in range(n):
        phase = cell / n
        for r, lo in ((rate0, 0.0), (rate1, epoch_s)):
            tt = lo + (np.arange(int(r * epoch_s)) + phase) / r
            t.append(tt)
            ids.append(np.full(len(tt), cell))
    spikes["vta_dopamine"] = (np.concatenate(t), np.concatenate(ids))
    tt = np.arange(0, 2 * epoch_s, 0.005)
    traces = {"concentration_um": np.where(tt < epoch_s, 0.0, 0.8)}
    for pop in POPULATIONS:
        traces[f"block_{pop}"] = np.zeros(len(tt))
    sample = FastSample(spikes=spikes, n_cells=n_cells, trace_t_s=tt, traces=traces,
                        duration_s=2 * epoch_s, wall_build_s=0.0, wall_run_s=0.0)
    return config, sample, analyse(config, spikes, n_cells, tt, traces)


def test_dopamine_rel_follows_the_dopamine_rate():
    # In steady state D = q r tau: doubling the rate doubles dopamine_rel.
    _config, _sample, a = _vta_synthetic()
    base, drug = a.epoch("baseline"), a.epoch("drug")
    assert base.dopamine_rel == pytest.approx(1.0, abs=1e-9)
    assert drug.dopamine_rel == pytest.approx(2.0, rel=0.01)
    assert base.rate_vta_dopamine_hz == pytest.approx(5.0, rel=0.02)
    assert drug.rate_vta_dopamine_hz == pytest.approx(10.0, rel=0.02)
    assert np.isfinite(drug.rate_vta_gaba_hz)
    late = a.time_s > 1.5
    assert np.mean(a.traces["dopamine_rel"][late]) == pytest.approx(2.0, rel=0.02)
    assert np.mean(a.traces["rate_vta_dopamine_hz"][late]) == pytest.approx(10.0, rel=0.02)


def test_analysis_without_vta_gives_nan(synthetic):
    _config, _sample, a = synthetic
    for name in VTA_TRACES:
        assert np.all(np.isnan(a.traces[name])), name
    for e in a.epochs:
        assert math.isnan(e.dopamine_rel) and math.isnan(e.rate_vta_dopamine_hz)
        assert math.isnan(e.rate_vta_gaba_hz)


# ----------------------------------------------------------------------- results
def test_vta_round_trip(tmp_path, provenance):
    config, sample, a = _vta_synthetic()
    res = read_results(write_results(tmp_path / "vta.h5", config, sample, a, provenance))
    assert list(res.spikes) == [*POPULATIONS, *VTA_POPULATIONS]
    assert res.n_cells["vta_dopamine"] == 40
    t_ms, _ids = res.spikes["vta_dopamine"]
    assert len(t_ms) == len(sample.spikes["vta_dopamine"][0]) and np.all(np.diff(t_ms) >= 0)
    for name in VTA_TRACES:
        np.testing.assert_array_equal(res.timeseries[name], a.traces[name])
    assert res.units["dopamine_rel"] == "1" and res.units["dopamine_um"] == "uM"
    assert res.units["rate_vta_dopamine_hz"] == "Hz"
    for mine, back in zip(a.epochs, res.epochs, strict=True):
        assert back.dopamine_rel == mine.dopamine_rel
        assert back.rate_vta_dopamine_hz == mine.rate_vta_dopamine_hz
        assert back.rate_vta_gaba_hz == mine.rate_vta_gaba_hz


def test_files_written_before_the_vta_read_back_as_nan():
    res = read_results(Path(__file__).parent / "data" / "results_v1.h5")
    assert not any(pop in res.spikes for pop in VTA_POPULATIONS)
    for name in VTA_TRACES:
        assert res.timeseries[name].shape == res.time_ms.shape
        assert np.all(np.isnan(res.timeseries[name])), name
    assert res.units["dopamine_rel"] == "1"
    for e in res.epochs:
        assert math.isnan(e.dopamine_rel) and math.isnan(e.rate_vta_dopamine_hz)


# ------------------------------------------------------------------------ Brian2
def _build(config):
    import brian2 as b2

    b2.start_scope()
    b2.prefs.codegen.target = "numpy"
    return build_network(CircuitSpec.of(config), DrugInput.of_protocol(config.protocol), "event", None)


def _cortex_state(built) -> dict[str, np.ndarray]:
    net = built.net
    out = {f"{syn}.{var}": np.array(net[syn].variables[var].get_value())
           for syn in ("syn_e_to_e", "syn_e_to_i", "syn_i_to_e", "syn_i_to_i") for var in ("i", "j")}
    out["syn_e_to_e.delay"] = np.array(net["syn_e_to_e"].delay[:])
    for pop in POPULATIONS:
        out[f"{pop}.v"] = np.array(net[pop].v[:])
    return out


@pytest.mark.brian2
def test_disabled_vta_leaves_no_objects_and_the_cortex_as_it_was(tiny_overrides):
    """Disabled: no VTA object. Enabled: only VTA objects are added, and the
    cortex's connectivity, delays and initial potentials are the same (their
    NumPy streams are keyed by component name)."""
    off = _build(config_from_dict({}, [*tiny_overrides, "circuit.vta.enabled=false"]))
    names_off = {obj.name for obj in off.net.objects}
    assert not any("vta" in name for name in names_off), sorted(names_off)
    assert set(off.n_cells) == set(POPULATIONS)
    cortex_off = _cortex_state(off)
    on = _build(config_from_dict({}, tiny_overrides))
    names_on = {obj.name for obj in on.net.objects}
    assert names_off < names_on
    assert all("vta" in name for name in names_on - names_off), sorted(names_on - names_off)
    assert set(on.n_cells) == {*POPULATIONS, *VTA_POPULATIONS}
    cortex_on = _cortex_state(on)
    for key, value in cortex_off.items():
        np.testing.assert_array_equal(cortex_on[key], value, err_msg=key)


@pytest.mark.brian2
def test_disabled_vta_parameters_do_not_touch_the_cortex(tiny_overrides):
    """With the VTA disabled its parameters change nothing: identical cortical spikes, bit for bit."""
    a = simulate_config(config_from_dict({}, [*tiny_overrides, "circuit.vta.enabled=false"]))
    b = simulate_config(config_from_dict({}, [*tiny_overrides, "circuit.vta.enabled=false",
                                              "circuit.vta.dopamine.n=7", "circuit.vta.gaba_to_dopamine.p=1",
                                              "pharmacology.hill.ic50_vta_gaba=0.1 uM"]))
    assert set(a.spikes) == set(POPULATIONS)
    for pop in POPULATIONS:
        np.testing.assert_array_equal(a.spikes[pop][0], b.spikes[pop][0])
        np.testing.assert_array_equal(a.spikes[pop][1], b.spikes[pop][1])


@pytest.mark.brian2
def test_vta_populations_run_and_are_blocked_by_their_ic50(tiny_overrides):
    cfg = config_from_dict({}, [*tiny_overrides, "protocol.wash_tau=0 s",
                                "analysis.transient=10 ms",
                                "protocol.epochs=[{name: baseline, duration: 50 ms}, "
                                "{name: drug, duration: 100 ms, concentration: 3 uM}]"])
    s = simulate_config(cfg)
    assert s.n_cells["vta_dopamine"] == 100 and s.n_cells["vta_gaba"] == 50
    assert all(len(s.spikes[pop][0]) > 0 for pop in VTA_POPULATIONS)
    h = cfg.pharmacology.hill
    late = s.trace_t_s > 0.06
    for pop, ic50 in (("vta_dopamine", h.ic50_vta_dopamine_um), ("vta_gaba", h.ic50_vta_gaba_um)):
        np.testing.assert_allclose(s.traces[f"block_{pop}"][late], hill_block(3.0, ic50, h.hill_n), rtol=1e-9)
        assert np.all(s.traces[f"block_{pop}"][s.trace_t_s < 0.05] == 0)
    a = analyse(cfg, s.spikes, s.n_cells, s.trace_t_s, s.traces)
    assert a.epoch("baseline").dopamine_rel == pytest.approx(1.0)
    assert np.isfinite(a.epoch("drug").rate_vta_gaba_hz)


@pytest.mark.brian2
def test_vta_with_the_reference_nmda_formulation(tiny_overrides):
    # benchmarks/fast_stage.py runs the default circuit, VTA included, with per-synapse NMDA ODEs.
    cfg = config_from_dict({}, [*tiny_overrides, "protocol.wash_tau=0 s",
                                "analysis.transient=10 ms",
                                "protocol.epochs=[{name: baseline, duration: 50 ms}]"])
    s = simulate_config(cfg, formulation="per_synapse_ode")
    assert set(s.spikes) == {*POPULATIONS, *VTA_POPULATIONS}


@pytest.mark.slow
@pytest.mark.brian2
@pytest.mark.parametrize("block_model", ["trapping", "hill"])
def test_dopamine_rises_at_the_clinical_concentration_on_the_reduced_circuit(block_model):
    """Reduced circuit, calibration protocol, seed 1: dopamine up by at least the
    lower end of the target band (+25 %), and down at 10 uM (docs/model.md).

    The lag target (<= 0.3 s behind the concentration) holds with the Hill
    block; the trapping block (the default) itself lags the concentration,
    and the target is missed under it (docs/model.md, "Calibration of the VTA").
    """
    from circuitsim.analysis.calibration import (
        REDUCED_CIRCUIT,
        calibration_protocol,
        vta_passes,
        vta_signatures,
    )

    cfg = config_from_dict({}, [*REDUCED_CIRCUIT, *calibration_protocol(), "seed=1",
                                f"pharmacology.block_model={block_model}"])
    s = simulate_config(cfg)
    a = analyse(cfg, s.spikes, s.n_cells, s.trace_t_s, s.traces)
    v = vta_signatures(a, "baseline", "clinical", "anaesthetic")
    targets = ["baseline_rate_vta_dopamine_hz", "baseline_rate_vta_gaba_hz",
               "clinical_dopamine_change", "anaesthetic_dopamine_change"]
    if block_model == "hill":
        targets.append("dopamine_lag_s")
    else:  # the block's own lag is part of dopamine's
        assert v["block_response_s"] > v["concentration_response_s"] + 0.2
    failing = {k: v[k] for k in targets if not vta_passes(k, v[k])}
    assert not failing, failing
    assert a.epoch("clinical").dopamine_rel > 1.25
