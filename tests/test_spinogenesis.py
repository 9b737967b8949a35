"""The slow spinogenic program: late onset, slow decay, formation only (issue 18, item 3)."""

from __future__ import annotations

import math

import numpy as np
from conftest import SHORT

from circuitsim.config import config_from_dict
from circuitsim.engine.slow import run_days
from circuitsim.plasticity import spinogenesis as sg

RULES = sg.ProgramRules(tau_rise_h=12.0, tau_decay_h=72.0, gain=10.0)


def _pulse(dt_h, hours=360.0, rules=RULES):
    """Protein 1.5 for the first 12 h, then at rest: the program's mean G at every step's end."""
    st = sg.ProgramState.at_rest(3)
    t, g = [], []
    for k in range(int(round(hours / dt_h))):
        s = 1.5 if k * dt_h < 12.0 else 1.0
        st = sg.step_program(st, np.full(3, s), dt_h, rules)
        t.append((k + 1) * dt_h)
        g.append(st.program[0])
    return np.array(t), np.array(g)


def test_at_rest_the_program_is_off():
    st = sg.ProgramState.at_rest(4)
    new = sg.step_program(st, np.ones(4), 2.0, RULES)
    assert np.all(new.program == 0) and np.all(sg.formation_factor(st, new, RULES) == 1.0)
    # protein below rest does not drive it either
    assert np.all(sg.step_program(st, np.full(4, 0.5), 2.0, RULES).program == 0)


def test_onset_is_late_and_decay_slow():
    t, g = _pulse(0.25)
    peak = g.max()
    t_peak = t[np.argmax(g)]
    assert g[np.searchsorted(t, 6.0)] < 0.2 * peak       # hardly anything by 6 h
    assert 24.0 < t_peak < 72.0                          # peak after the protein is back at rest
    # late on, the decay is the slow stage's: e-folding over tau_decay (the fast one has gone)
    a, b = np.searchsorted(t, 200.0), np.searchsorted(t, 272.0)
    assert abs(g[b] / g[a] - math.exp(-1.0)) < 0.05


def test_step_size_changes_the_program_by_little():
    t_fine, g_fine = _pulse(0.25)
    t_coarse, g_coarse = _pulse(2.0)
    fine_at = np.interp(t_coarse, t_fine, g_fine)
    assert np.max(np.abs(g_coarse - fine_at)) < 0.03 * g_fine.max()


def test_in_the_slow_stage_it_raises_formation_after_the_dose_only(tiny_overrides):
    """Same seed with and without the program: identical before the dose, more spines formed after it."""
    data = {**SHORT, "plasticity": {**SHORT["plasticity"], "stress": None, "days_after": "3 d"}}
    base = ("circuit.vta.enabled=false", "plasticity.spines.protein_formation_gain=0")
    off = run_days(config_from_dict(data, [*tiny_overrides, *base]), with_timeline=False)
    on = run_days(config_from_dict(data, [*tiny_overrides, *base, "plasticity.spinogenesis.gain=200"]),
                  with_timeline=False)
    t = on.series["time_h"]
    assert "spinogenic_program" in on.series and "spinogenic_program" not in off.series
    before = t <= 0
    np.testing.assert_array_equal(on.series["spine_density_rel"][before], off.series["spine_density_rel"][before])
    assert np.all(on.series["spinogenic_program"][before] == 0)
    late = t >= 24
    assert on.series["spines_formed_per_day"][late].mean() > 1.5 * off.series["spines_formed_per_day"][late].mean()
    assert on.series["spine_density_rel"][-1] > off.series["spine_density_rel"][-1]
