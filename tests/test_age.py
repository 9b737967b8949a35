"""The adolescent critical period (plasticity.age): spine time, NMDA gating, pruning, the signatures."""

from __future__ import annotations

import numpy as np
import pytest
from test_spines import RULES, _assert_same

from circuitsim.config import config_from_dict
from circuitsim.config.plasticity import AgeConfig, SpineConfig
from circuitsim.plasticity import spines as sp
from circuitsim.plasticity.age import adolescent_step
from circuitsim.plasticity.pool import CircuitPool, spine_rules
from circuitsim.plasticity.spines_reference import step_numpy


def test_adult_is_the_default_and_changes_nothing():
    age = AgeConfig()
    t = np.array([-3.0, 0.0, 2.5, 40.0])
    assert age.stage == "adult"
    np.testing.assert_array_equal(age.spine_time_d(t), t)
    np.testing.assert_array_equal(age.openness(t), 0.0)


def test_adolescent_spine_time_is_the_integral_of_the_turnover_factor():
    age = AgeConfig(stage="adolescent", turnover=6.0, closure="15 d")
    t = np.linspace(0, 60, 6001)
    factor = 1 + 5 * np.exp(-t / 15)
    integral = np.concatenate([[0], np.cumsum(0.5 * (factor[1:] + factor[:-1]) * np.diff(t))])
    np.testing.assert_allclose(age.spine_time_d(t), integral, rtol=1e-6)
    assert age.openness(15.0) == pytest.approx(np.exp(-1))
    # before the first dose the period is fully open
    assert age.spine_time_d(-2.0) == pytest.approx(-12.0) and age.openness(-2.0) == 1.0


def test_scales_of_one_leave_the_kernel_bit_identical():
    a = sp.empty_pool(np.full(40, 60))
    b = a.copy()
    protein, stress = np.full(40, 1.2), np.zeros(40)
    for k in range(48):
        sp.step_numba(a, k / 24, 1 / 24, k, protein, stress, RULES, 5)
        sp.step_numba(b, k / 24, 1 / 24, k, protein, stress, RULES, 5, np.ones(40), np.ones(40))
    _assert_same(a, b)


def test_numba_and_numpy_agree_with_formation_and_elimination_scales():
    a = sp.empty_pool(np.full(50, 70))
    b = a.copy()
    g = np.random.default_rng(1)
    for k in range(24 * 6):
        form, elim = g.random(50) * 2, g.random(50) * 3
        fa = step_numpy(a, k / 24, 1 / 24, k, np.ones(50), np.zeros(50), RULES, 9, form, elim)
        fb = sp.step_numba(b, k / 24, 1 / 24, k, np.ones(50), np.zeros(50), RULES, 9, form, elim)
        assert all(np.array_equal(x, y) for x, y in zip(fa, fb, strict=True))
    _assert_same(a, b)
    assert a.present.sum() > 0


def test_formation_and_elimination_scales_act_per_neuron():
    pool = sp.empty_pool(np.full(2, 4000))
    formed, _ = sp.step_numba(pool, 0.0, 1.0, 0, np.ones(2), np.zeros(2), RULES, 3, np.array([0.0, 1.0]))
    assert formed[0] == 0 and formed[1] > 500
    for k in range(1, 30):  # grow both, then eliminate with the hazard of neuron 1 tripled
        sp.step_numba(pool, k, 1.0, k, np.ones(2), np.zeros(2), RULES, 3)
    _, gone = sp.step_numba(pool, 30.0, 1.0, 30, np.ones(2), np.zeros(2), RULES, 3, None, np.array([1.0, 3.0]))
    assert gone[1] > 2 * gone[0] > 0


def test_delayed_maturation_moves_young_spines_only():
    pool = sp.empty_pool(np.array([3, 2]))
    pool.state[:] = [sp.YOUNG, sp.STABLE, sp.EMPTY, sp.YOUNG, sp.YOUNG]
    pool.birth_d[:] = 1.0
    sp.delay_maturation(pool, np.array([0.5, 0.25]))
    np.testing.assert_array_equal(pool.birth_d, np.float32([1.5, 1.0, 1.0, 1.25, 1.25]))


def _tiny_pool(n=200, slots=150, days=300):
    rules = spine_rules(SpineConfig())
    pool = sp.empty_pool(np.full(n, slots))
    for k in range(days):
        sp.step_numba(pool, k, 1.0, k, np.ones(n), np.zeros(n), rules, 1)
    pool.birth_d -= np.float32(days)
    cp = CircuitPool(pool=pool, order=np.arange(pool.n_slots), post=np.repeat(np.arange(n), slots),
                     scale=1.0, healthy_density=pool.density().astype(float), healthy_volume_mean=1.0)
    return cp, rules


def _follow(cp, rules, age, n_rest, amp, hours):
    cp = CircuitPool(**{**cp.__dict__, "pool": cp.pool.copy()})
    n = cp.pool.n_neurons
    start = cp.pool.present.copy()
    for k in range(hours):
        adolescent_step(cp, age, k / 24, (k + 1) / 24, k, np.ones(n), np.zeros(n),
                         np.full(n, amp), n_rest, rules, 2, sp.step_numba)
    return 1.0 - (start & cp.pool.present).sum() / start.sum()


def test_pruning_follows_nmda_activation_while_the_period_is_open():
    """Zuo et al. 2005 (Nature): NMDA blockade slows elimination in adolescents, activity speeds it."""
    cp, rules = _tiny_pool()
    young = AgeConfig(stage="adolescent")
    rest = _follow(cp, rules, young, 1.0, 1.0, 24 * 4)
    blocked = _follow(cp, rules, young, 0.3, 1.0, 24 * 4)
    active = _follow(cp, rules, young, 1.0, 3.0, 24 * 4)
    assert blocked < 0.6 * rest and active > 1.5 * rest
    # an adult at rest loses fewer (slower turnover), and its loss ignores NMDA activation
    adult = AgeConfig(stage="adolescent", turnover=1.0, closure="1e-6 s")
    assert _follow(cp, rules, adult, 0.3, 1.0, 24 * 4) == pytest.approx(_follow(cp, rules, adult, 1.0, 1.0, 24 * 4))
    assert _follow(cp, rules, adult, 1.0, 1.0, 24 * 4) < 0.5 * rest


def test_adolescent_config_and_arms_parse():
    cfg = config_from_dict({"dosing": {"species": "mouse", "doses": [{"amount": "20 mg/kg",
                                                                       "route": "intraperitoneal"}]},
                            "plasticity": {"age": {"stage": "adolescent", "closure": "21 d"}}}, [])
    assert cfg.plasticity.age.adolescent and cfg.plasticity.age.closure_s == pytest.approx(21 * 86400)
    with pytest.raises(Exception, match="plasticity.age.stage"):
        config_from_dict({"plasticity": {"age": {"stage": "elderly"}}}, [])


@pytest.mark.slow  # 15-21 s (compile-bound); the age rules and signatures are tested above without Brian2
@pytest.mark.brian2
def test_tiny_adolescent_run_writes_its_age_series_and_signatures(tmp_path, monkeypatch, tiny_overrides,
                                                                  tiny_build_cache):
    """Two daily doses in an adolescent, with the adolescent vehicle as an arm, through run and read."""
    from circuitsim.io import read_results
    from circuitsim.runner import run_experiment

    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tiny_build_cache))
    data = {"dosing": {"species": "mouse", "doses": [
                {"amount": "20 mg/kg", "route": "intraperitoneal", "start": f"{d} d"} for d in (0, 1)]},
            "timeline": {"horizon": "30 h", "dt": "10 min",
                         "sampling": {"per_decade": 1, "window": "100 ms", "refine": 0}},
            "plasticity": {"age": {"stage": "adolescent"}, "days_after": "3 d", "acute_step": "30 min",
                           "slow_step": "6 h", "spines": {"burn_in": "40 d"},
                           "interneuron_wiring": {"synapses": {"burn_in": "40 d"}},
                           "arms": [{"name": "adolescent, vehicle",
                                     "set": ["dosing.doses=[{amount: 0 mg/kg, route: intraperitoneal}]"]}]},
            "output": {"name": "teen", "figures": False}}
    cfg = config_from_dict(data, [*tiny_overrides, "circuit.vta.enabled=false"])
    path = run_experiment(cfg, tmp_path, progress=False, figures=False)
    res = read_results(path)
    tl = res.timeline
    t = np.asarray(tl["time_h"])
    c = np.asarray(tl["critical_period"])
    np.testing.assert_allclose(c[t >= 0], np.exp(-t[t >= 0] / 24 / 15), rtol=1e-9)
    assert np.min(tl["nmda_gate"]) < 1.0 and tl["nmda_gate"][-1] == 1.0  # gated only while the drug blocks
    veh = res.days["arms"]["adolescent, vehicle"]
    assert veh["attrs"]["age"] == "adolescent" and np.all(veh["nmda_gate"] == 1.0)
    assert res.days["experiment"]["age"] == "adolescent" and res.days["experiment"]["last_dose_h"] == 24.0
    names = [s.name for s in res.days["signatures"]]
    assert "hit and run: plasma below 5 % of peak (last dose)" in names
    # the E->I agents: their series, and an IPSC frequency in every drug-free check of both runs
    ei = np.asarray(tl["e_to_i_synapses_rel"])
    assert 0.5 < ei[0] < 0.7 and np.all(np.asarray(tl["pv_phenotype"]) <= 1.0)
    assert np.max(tl["interneuron_damage"]) > 0 and np.min(tl["nmda_interneuron"]) < 1.0
    assert np.all(np.asarray(res.days["checks"]["ipsc_frequency_hz"]) > 0)
    assert len(veh["checks"]["ipsc_frequency_hz"]) == len(res.days["checks"]["ipsc_frequency_hz"])
    assert np.all(np.asarray(veh["interneuron_damage"]) == 0.0)
