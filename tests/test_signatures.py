"""Item 6 of issue 4 measured from series: roles of arms and each signature's verdict (no circuit)."""

from __future__ import annotations

import numpy as np
import pytest

from circuitsim.analysis.signatures import plasticity_signatures
from circuitsim.config import config_from_dict
from circuitsim.engine.arms import arm_role

T = np.linspace(-24.0, 168.0, 961)


def _series(rise_24h: float, rise_end: float | None = None, plasma_half_life_h: float = 2.5,
            glutamate_peak: float = 3.0) -> dict[str, np.ndarray]:
    """A dose at 0: plasma decays, spine density ramps to `rise_24h` by 24 h, then to `rise_end`."""
    rise_end = rise_24h if rise_end is None else rise_end
    after = T >= 0
    dens = 0.84 + np.interp(T, [0, 24, 168], [0, rise_24h, rise_end])
    plasma = np.where(after, 185.0 * 0.5 ** (np.maximum(T, 0) / plasma_half_life_h), 0.0)
    glu = 1 + (glutamate_peak - 1) * np.where(after, np.exp(-np.maximum(T, 0)), 0.0)
    return {"time_h": T, "spine_density_rel": dens, "plasma_ng_ml": plasma, "glutamate_rel": glu}


def _arm(rise, role, blockers="", glu=1.0):
    return _series(rise), {"role": role, "blockers": blockers, "peak_glutamate_rel": glu}


def _verdicts(sigs):
    return {s.name: s.passed for s in sigs}


def test_all_signatures_pass_on_a_textbook_run():
    arms = {"vehicle": _arm(0.004, "vehicle"),
            "+ rapamycin": _arm(0.0, "blocker", "rapamycin", glu=2.9),
            "+ NBQX": _arm(0.006, "blocker", "nbqx", glu=2.8),
            "mimic": _arm(0.02, "mimic", "eef2k_inhibitor")}
    sigs = plasticity_signatures(_series(0.03, 0.035), arms)
    assert all(s.passed for s in sigs), [(s.name, s.measured) for s in sigs]
    by = {s.name: s for s in sigs}
    assert by["hit and run: plasma below 5 % of peak"].measured == pytest.approx(4.32 * 2.5, abs=0.3)
    assert by["spine increase at 24 h (over vehicle)"].measured == pytest.approx(0.026, abs=1e-9)
    assert by["+ NBQX: abolishes the 24-h increase"].measured == pytest.approx(0.002 / 0.026)
    assert by["+ rapamycin: glutamate surge intact"].measured == pytest.approx(0.95)


def test_each_failure_is_reported():
    arms = {"vehicle": _arm(0.004, "vehicle"),
            "+ NBQX": _arm(0.025, "blocker", "nbqx", glu=1.2),   # spines rise anyway, surge gone
            "+ ANA-12": _arm(0.004, "blocker", "trkb"),            # no surge check for ANA-12
            "mimic": _arm(0.005, "mimic", "eef2k_inhibitor")}
    v = _verdicts(plasticity_signatures(_series(0.03, -0.01, plasma_half_life_h=4.0), arms))
    assert v == {"hit and run: plasma below 5 % of peak": False,     # 4.32 x 4 h > 13 h
                 "hit and run: spines at day 7 above the dose": False,
                 "spine increase at 24 h (over vehicle)": True,
                 "+ NBQX: abolishes the 24-h increase": False,
                 "+ NBQX: glutamate surge intact": False,
                 "+ ANA-12: abolishes the 24-h increase": True,
                 "mimic: raises spines without the drug": False}


def test_without_a_vehicle_arm_only_hit_and_run_is_measured():
    names = [s.name for s in plasticity_signatures(_series(0.03), {})]
    assert names == ["hit and run: plasma below 5 % of peak", "hit and run: spines at day 7 above the dose"]


BASE = {"dosing": {"species": "rat", "doses": [{"amount": "10 mg/kg", "route": "intraperitoneal"}]},
        "plasticity": {"stress": {"duration": "21 d"}}}


@pytest.mark.parametrize("sets, role, blockers", [
    ([], "other", ()),
    (["dosing.doses.0.amount=0 mg/kg"], "vehicle", ()),
    (["dosing.doses.0.amount=0 mg/kg", "plasticity.stress=null"], "control", ()),
    (["plasticity.interventions=[{kind: rapamycin}]"], "blocker", ("rapamycin",)),
    (["dosing.doses=[{amount: 10 mg/kg, route: intraperitoneal, drug: nbqx}, "
      "{amount: 10 mg/kg, route: intraperitoneal, start: 10 min}]"], "blocker", ("nbqx",)),
    (["dosing.doses.0.amount=0 mg/kg", "plasticity.interventions=[{kind: eef2k_inhibitor}]"],
     "mimic", ("eef2k_inhibitor",)),
])
def test_arm_role_from_its_config(sets, role, blockers):
    assert arm_role(config_from_dict(BASE, sets)) == (role, blockers)
