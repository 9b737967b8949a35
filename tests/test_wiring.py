"""E->I synapses as agents (plasticity.interneuron_wiring): pool, rules, damage, readouts, adolescent rows."""

from __future__ import annotations

import numpy as np
import pytest

from circuitsim.analysis.adolescence import adolescent_signatures, relative
from circuitsim.config import config_from_dict
from circuitsim.engine.response import weights_digest
from circuitsim.engine.wiring import ipsc_frequency_hz
from circuitsim.errors import UserInputError
from circuitsim.network.build import e_to_i_pairs, i_to_e_pairs
from circuitsim.network.connectivity import random_pairs
from circuitsim.network.inputs import CircuitSpec, SynapseWeights
from circuitsim.network.sample import FastSample
from circuitsim.plasticity import spines as sp
from circuitsim.plasticity.spines_reference import step_numpy
from circuitsim.plasticity.wiring import (
    e_to_i_pool,
    formation_scale,
    phenotype,
    step_damage,
    step_wiring,
    wiring_clock,
    wiring_streams,
)
from circuitsim.seeds import rng

SMALL = ["circuit.pyramidal.n=200", "circuit.interneuron.n=50", "circuit.e_to_i.p=0.2",
         "circuit.i_to_e.p=0.2", "plasticity.spines.burn_in=60 d"]


def _config(stage="adolescent", extra=()):
    data = {"dosing": {"species": "mouse", "doses": [{"amount": "20 mg/kg", "route": "intraperitoneal"}]},
            "plasticity": {"age": {"stage": stage}, "interneuron_wiring": {"synapses": {"burn_in": "60 d"}}}}
    return config_from_dict(data, [*SMALL, *extra])


def test_config_defaults_sources_and_bad_values():
    w = _config().plasticity.interneuron_wiring
    assert w.nmda_dependence == pytest.approx(0.73)  # Wang & Gao 2009: 73 % of juvenile FS cells
    assert w.damage.tau_d == pytest.approx(20.8) and w.damage.gain_per_d == pytest.approx(18.3)
    with pytest.raises(UserInputError, match="juvenile_fraction"):
        _config(extra=["plasticity.interneuron_wiring.juvenile_fraction=0"])
    with pytest.raises(UserInputError, match="tau"):
        _config(extra=["plasticity.interneuron_wiring.damage.tau=-1 d"])


def test_e_to_i_pairs_are_the_calibrated_ones_without_agents():
    cfg = config_from_dict({}, SMALL)
    spec = CircuitSpec.of(cfg)
    assert spec.e_to_i_slots == 0.0
    pre, post = e_to_i_pairs(spec)
    ref = random_pairs(200, 50, 0.2, rng(cfg.seed, "connectivity.e_to_i"), autapses=True)
    np.testing.assert_array_equal(pre, ref[0])
    np.testing.assert_array_equal(post, ref[1])
    slots = CircuitSpec.of(_config())
    assert slots.e_to_i_slots == 2.0 and len(e_to_i_pairs(slots)[0]) > 1.6 * len(pre)


def test_weights_digest_keeps_the_e_to_e_key_and_separates_e_to_i():
    w = np.linspace(0, 1, 7)
    assert weights_digest(w) == weights_digest(SynapseWeights(e_to_e=w))
    assert weights_digest(SynapseWeights(e_to_e=w, e_to_i=np.ones(3))) != weights_digest(w)
    assert weights_digest(SynapseWeights(e_to_e=w, e_to_i=np.ones(3))) != \
        weights_digest(SynapseWeights(e_to_e=w, e_to_i=np.full(3, 0.5)))


def test_pool_is_adult_in_adults_and_juvenile_in_adolescents():
    adult = e_to_i_pool(_config("adult"))
    assert adult.synapses_rel == 1.0 and adult.weight_rel == pytest.approx(1.0)
    # weights: healthy total = one per calibrated synapse
    assert adult.cp.synapse_weights().sum() == pytest.approx(adult.cp.pool.n_slots / 2.0, rel=1e-6)
    young = e_to_i_pool(_config())
    assert young.synapses_rel == pytest.approx(0.6, abs=0.03)
    assert "wiring.juvenile" in wiring_streams(_config())
    assert wiring_streams(_config("adult")) == ("wiring.burn_in", "wiring.experiment")
    assert young.cp.pool.n_slots == adult.cp.pool.n_slots


def test_damage_is_exact_and_the_phenotype_halves_at_one():
    d1 = step_damage(0.3, 0.7, 2.0, 18.3, 20.8)
    d2 = step_damage(step_damage(0.3, 0.7, 1.0, 18.3, 20.8), 0.7, 1.0, 18.3, 20.8)
    assert d1 == pytest.approx(d2, rel=1e-12)
    assert step_damage(0.0, 1.0, 1e4, 2.0, 3.0) == pytest.approx(6.0)  # steady state gain x tau
    assert step_damage(1.0, 0.0, 20.8, 18.3, 20.8) == pytest.approx(np.exp(-1.0))
    assert float(phenotype(1.0)) == pytest.approx(0.5) and float(phenotype(0.0)) == 1.0


def test_formation_needs_interneuron_nmda_and_is_withheld_by_damage_only_while_the_period_is_open():
    cfg = _config()
    age, w = cfg.plasticity.age, cfg.plasticity.interneuron_wiring
    assert formation_scale(age, w, 1.0, 1.0, 0.0) == 1.0
    blocked = formation_scale(age, w, 0.0, 0.0, 0.0)
    assert blocked == pytest.approx(1.0 - 0.73)
    assert formation_scale(age, w, 0.0, 1.0, 1.0) == pytest.approx(0.5)
    assert formation_scale(age, w, 0.0, 2.0, 0.0) == 1.0  # more than rest does not add
    adult = _config("adult")
    assert formation_scale(adult.plasticity.age, w, 0.0, 0.0, 5.0) == 1.0
    clock = wiring_clock(age, w, np.array([0.0, 1.0, 1000.0]))
    assert clock[1] > 12.0 * 0.9 and clock[2] - clock[1] < 1000.0 + 15.0 * 12.9


def test_numba_and_numpy_reference_step_the_same_e_to_i_synapses():
    cfg = _config()
    a, b = e_to_i_pool(cfg), e_to_i_pool(cfg)
    for k, x_i in enumerate([1.0, 0.2, 0.5, 1.3, 1.0, 0.0, 1.0, 1.0]):
        fa = step_wiring(a, cfg, k * 0.25, (k + 1) * 0.25, k, x_i, sp.step_numba)
        fb = step_wiring(b, cfg, k * 0.25, (k + 1) * 0.25, k, x_i, step_numpy)
        np.testing.assert_array_equal(fa[0], fb[0])
        np.testing.assert_array_equal(fa[1], fb[1])
    for name in ("state", "volume", "birth_d", "clock"):
        np.testing.assert_array_equal(getattr(a.cp.pool, name), getattr(b.cp.pool, name))
    assert a.damage == b.damage > 0


def test_blockade_in_adolescence_leaves_fewer_synapses_than_the_vehicle_and_none_fewer_in_adults():
    def follow(stage, x_i):
        cfg = _config(stage)
        state = e_to_i_pool(cfg)
        for k in range(27 * 4):  # 27 days, 6-h steps; the drug's hours: the first 2 h of each day
            x = x_i if (k % 4 == 0 and k < 14 * 4) else 1.0
            step_wiring(state, cfg, k * 0.25, (k + 1) * 0.25, k, x)
        return state

    vehicle, dosed = follow("adolescent", 1.0), follow("adolescent", 0.2)
    assert vehicle.synapses_rel > 0.85  # matured from 0.6 towards the adult number
    assert dosed.synapses_rel < vehicle.synapses_rel - 0.05
    assert dosed.damage > 1.0 and vehicle.damage == 0.0
    adult_vehicle, adult_dosed = follow("adult", 1.0), follow("adult", 0.2)
    assert adult_dosed.synapses_rel == adult_vehicle.synapses_rel  # same random numbers, same formation
    assert adult_dosed.damage > 1.0


def test_ipsc_frequency_sums_the_rates_of_each_cells_interneurons():
    cfg = config_from_dict({}, SMALL)
    rates = np.arange(50, dtype=float) / 10.0  # Hz over a 10-s window
    t, i = [], []
    for cell, r in enumerate(rates):
        n = int(round(r * 10))
        t += list(np.linspace(0.5, 9.5, n)) if n else []
        i += [cell] * n
    sample = FastSample(spikes={"interneuron": (np.array(t), np.array(i)), "pyramidal": (np.array([]), np.array([]))},
                        n_cells={"interneuron": 50, "pyramidal": 200}, trace_t_s=np.array([]), traces={},
                        duration_s=10.0, wall_build_s=0.0, wall_run_s=0.0, seeds={}, run_info={})
    pre, post = i_to_e_pairs(CircuitSpec.of(cfg))
    expected = np.bincount(post, weights=rates[pre], minlength=200).mean()
    assert ipsc_frequency_hz(cfg, sample, (0.0, 10.0)) == pytest.approx(expected)


def _checks(ei, ipsc, rate):
    t = np.array([0, 7, 42, 49, 56, 63, 70, 77, 84, 91, 97]) * 24.0
    return {"time_h": t, "e_to_i_synapses_rel": np.full(len(t), ei), "ipsc_frequency_hz": np.full(len(t), ipsc),
            "rate_pyramidal_hz": np.full(len(t), rate)}


def _days(adol, adult):
    return {"experiment": {"age": "adolescent"}, "checks": _checks(*adol),
            "arms": {"adolescent, vehicle": {"attrs": {"role": "control", "age": "adolescent"},
                                             "checks": _checks(0.98, 1000.0, 4.0)},
                     "adult, same schedule": {"attrs": {"role": "other", "age": "adult"}, "checks": _checks(*adult)},
                     "adult, vehicle": {"attrs": {"role": "control", "age": "adult"},
                                        "checks": _checks(1.0, 1100.0, 3.9)}}}


def test_adolescent_signatures_compare_each_window_with_the_age_matched_vehicle():
    sigs = {s.name: s for s in adolescent_signatures(_days((0.8, 900.0, 4.4), (1.0, 1100.0, 3.9)))}
    assert sigs["adolescence: E->I synapses at P95-125 vs vehicle"].measured == pytest.approx(0.8 / 0.98 - 1)
    assert sigs["adolescence: IPSC frequency onto pyramidal cells at P70-90 vs vehicle"].measured == \
        pytest.approx(-0.1)
    assert sigs["adolescence: drug-free pyramidal rate at P95-125 vs vehicle (hyperexcitable)"].measured == \
        pytest.approx(0.1)
    assert all(s.passed for s in sigs.values())
    fail = {s.name: s.passed for s in adolescent_signatures(_days((1.0, 1050.0, 3.9), (0.9, 1000.0, 3.9)))}
    assert not any(fail.values())
    assert adolescent_signatures({"experiment": {"age": "adult"}, "checks": {}}) == []
    # the window is days from the first dose at P28: P70-90 is days 42-62
    c = _checks(1.0, 1.0, 1.0)
    c["ipsc_frequency_hz"] = np.where(c["time_h"] / 24 <= 62, 2.0, 1.0)
    assert relative(c, _checks(1.0, 1.0, 1.0), "ipsc_frequency_hz", (70, 90)) == pytest.approx(1.0)
    assert relative(c, _checks(1.0, 1.0, 1.0), "ipsc_frequency_hz", (95, 125)) == pytest.approx(0.0)
