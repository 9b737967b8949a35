"""The translation cascade: rest is a fixed point, the delays follow the chain, interventions cut links."""

from __future__ import annotations

import numpy as np
import pytest

from circuitsim.plasticity.signalling import (
    NONE,
    VARIABLES,
    CascadeRules,
    CascadeState,
    Inhibition,
    step_cascade,
)

#: Test rules: time constants in the published ranges (module docstring), gains of order 1.
RULES = CascadeRules(tau_p_eef2_h=10 / 60, tau_bdnf_h=0.5, tau_trkb_h=5 / 60, tau_mtorc1_h=15 / 60,
                     tau_protein_h=6.0, ampa_kinase_gain=1.0, translation_gain=2.0,
                     release_exponent=1.0, trkb_half_activation=1.0, protein_gain=1.0)


def _course(ampa, nmda, hours=24.0, dt_h=1 / 60, inhibition=NONE, rules=RULES):
    """Traces of every variable for a drive given as functions of time (h)."""
    state = CascadeState.at_rest(1)
    t = np.arange(0, hours + 1e-9, dt_h)
    out = {v: np.empty(len(t)) for v in VARIABLES}
    for k, tk in enumerate(t):
        for v in VARIABLES:
            out[v][k] = getattr(state, v)[0]
        state = step_cascade(state, ampa(tk), nmda(tk), dt_h, rules, inhibition)
    return t, out


def _ketamine_like(t):
    """A 40-min block of resting NMDA (to 0.8) with an AMPA surge (x2), then rest."""
    on = t < 40 / 60
    return (2.0 if on else 1.0), (0.8 if on else 1.0)


def _drive():
    return (lambda t: _ketamine_like(t)[0]), (lambda t: _ketamine_like(t)[1])


def test_rest_is_a_fixed_point():
    state = CascadeState.at_rest(5)
    for _ in range(100):
        state = step_cascade(state, 1.0, 1.0, 0.1, RULES)
    for v in VARIABLES:
        assert np.allclose(getattr(state, v), 1.0, atol=1e-12), v


def test_the_cascade_unfolds_in_order():
    t, c = _course(*_drive())
    assert c["p_eef2"].min() < 0.7
    t_min_p = t[np.argmin(c["p_eef2"])]
    peaks = [t[np.argmax(c[v])] for v in ("bdnf", "trkb", "mtorc1", "synaptic_protein")]
    assert t_min_p <= peaks[0] <= peaks[1] <= peaks[2] <= peaks[3]
    # p-eEF2 covers most of its fall within 30 min (tau 10 min)
    fall = 1.0 - c["p_eef2"].min()
    assert 1.0 - c["p_eef2"][np.searchsorted(t, 0.5)] > 0.9 * fall
    # synaptic protein still rising at 2 h and back towards rest by a day
    assert c["synaptic_protein"][np.searchsorted(t, 2.0)] > 1.0
    assert c["synaptic_protein"].max() > c["synaptic_protein"][-1] > 1.0


def test_step_size_converges():
    _, fine = _course(*_drive(), hours=6, dt_h=1 / 600)
    _, coarse = _course(*_drive(), hours=6, dt_h=1 / 60)
    for v in VARIABLES:
        a, b = fine[v][::10], coarse[v]
        assert np.max(np.abs(a - b)) < 0.01 * max(np.max(np.abs(a - 1)), 1e-9), v


@pytest.mark.parametrize("cut", ["eef2k_is_mimicked", "trkb", "mtor", "synthesis", "bdnf_knockout"])
def test_each_cut_removes_the_protein_increase(cut):
    _, control = _course(*_drive())
    rise = control["synaptic_protein"].max() - 1.0
    if cut == "eef2k_is_mimicked":
        # an eEF2 kinase inhibitor alone, no drug: protein rises without ketamine
        _, c = _course(lambda t: 1.0, lambda t: 1.0, inhibition=Inhibition(eef2k=0.5))
        assert c["synaptic_protein"].max() - 1.0 > 0.2 * rise
        return
    _, c = _course(*_drive(), inhibition=Inhibition(**{cut: 1.0}))
    assert c["synaptic_protein"].max() - 1.0 < 0.05 * rise


def test_nbqx_upstream_blunts_the_cascade_through_ampa():
    """With the AMPA surge removed (NBQX), NMDA block alone translates less BDNF."""
    _, control = _course(*_drive())
    _, no_ampa = _course(lambda t: 1.0, _drive()[1])
    assert no_ampa["bdnf"].max() - 1 < control["bdnf"].max() - 1
