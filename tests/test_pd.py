"""Block models and Mg2+ unblock against their closed forms."""

import numpy as np
import pytest

from circuitsim.config import Config
from circuitsim.pharmacology.pd import hill_block, mg_unblock, trapping_steady_state, trapping_step

# Formulas are evaluated independently here (math, not the module) so the tests can fail.
REL = 1e-12  # pure float arithmetic: agreement to rounding
#: The Mg2+ constants of the config (circuit.receptors): K and slope of Jahr & Stevens (1990).
RC = Config().circuit.receptors


def test_config_holds_jahr_stevens_constants():
    assert (RC.mg_mm, RC.mg_k_mm, RC.mg_slope_per_mv) == (1.0, 3.57, 0.062)


@pytest.mark.parametrize("v_mv", [-100.0, -70.0, -50.0, -20.0, 0.0, 20.0])
def test_mg_unblock_jahr_stevens(v_mv):
    expected = 1.0 / (1.0 + np.exp(-0.062 * v_mv) * 1.0 / 3.57)
    assert mg_unblock(v_mv, 1.0, RC.mg_k_mm, RC.mg_slope_per_mv) == pytest.approx(expected, rel=REL)


def test_mg_unblock_limits():
    assert mg_unblock(-70.0, 0.0, RC.mg_k_mm, RC.mg_slope_per_mv) == 1.0
    v = np.linspace(-100, 40, 50)
    assert np.all(np.diff(mg_unblock(v, RC.mg_mm, RC.mg_k_mm, RC.mg_slope_per_mv)) > 0), \
        "depolarisation relieves the Mg2+ block"
    # Half unblock where [Mg] exp(-0.062 V) = 3.57 mM: V = ln(1/3.57)/0.062 = -20.5 mV at 1 mM.
    assert mg_unblock(np.log(1 / 3.57) / 0.062, RC.mg_mm, RC.mg_k_mm, RC.mg_slope_per_mv) == pytest.approx(0.5, rel=REL)


@pytest.mark.parametrize("n", [0.8, 1.0, 1.5])
def test_hill_block_formula(n):
    c = np.array([0.0, 0.1, 0.8, 2.0, 5.2, 10.0, 100.0])
    ic50 = 2.0
    expected = c**n / (c**n + ic50**n)
    np.testing.assert_allclose(hill_block(c, ic50, n), expected, rtol=REL)
    assert hill_block(ic50, ic50, n) == pytest.approx(0.5)


def test_hill_block_rejects_negative():
    with pytest.raises(ValueError):
        hill_block(-1.0, 2.0, 1.0)


def test_trapping_steady_state_closed_form():
    k_on, k_off = 3.0, 0.4
    for c, o in [(0.8, 0.05), (0.8, 0.3), (10.0, 0.1), (0.0, 0.5)]:
        b = trapping_steady_state(c, o, k_on, k_off)
        # Binding equals unbinding at steady state.
        assert k_on * c * o * (1 - b) == pytest.approx(k_off * b, rel=1e-12, abs=1e-15)


def test_trapping_step_converges_to_steady_state_and_is_exact():
    k_on, k_off, c, o = 3.0, 0.4, 0.8, 0.2
    b_inf = trapping_steady_state(c, o, k_on, k_off)
    # Many small exact steps equal one big one (the solution is exact, not Euler).
    b = 0.0
    for _ in range(1000):
        b = trapping_step(b, c, o, k_on, k_off, 0.01)
    assert b == pytest.approx(trapping_step(0.0, c, o, k_on, k_off, 10.0), rel=1e-10)
    assert trapping_step(0.0, c, o, k_on, k_off, 1e4) == pytest.approx(b_inf, rel=1e-12)


def test_trapping_block_is_use_dependent():
    """More channel opening, more block: the selectivity the model exists for."""
    low = trapping_steady_state(0.8, 0.05, 3.0, 0.4)
    high = trapping_steady_state(0.8, 0.3, 3.0, 0.4)
    assert high > 2 * low
