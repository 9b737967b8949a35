"""Validation rows of imaged turnover, measured from a results file's imaging readout."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from circuitsim.validation import imaging as I
from circuitsim.validation.kinds import classify

SESSIONS = np.array([-3.0, -1.0, 1.0, 3.0, 5.0, 10.0, 15.0])


def _readout(formed, eliminated, spines):
    spines = np.asarray(spines, float)
    return {"session_d": SESSIONS, "formed_pct": np.asarray(formed, float),
            "eliminated_pct": np.asarray(eliminated, float), "spines": spines,
            "eliminated": np.asarray(eliminated, float) * spines[:-1] / 100.0,
            "density_rel": spines / spines[1]}


def _result(drug, vehicle):
    return SimpleNamespace(days={"imaging": drug, "arms": {"saline": {"imaging": vehicle}}})


VEHICLE = _readout([15] * 6, [15] * 6, [1000] * 7)


def test_a_drug_that_matches_the_released_data_passes_the_size_rows():
    drug = _readout([15, 20.5, 25.3, 16, 15, 15], [15, 15.2, 27.3, 15, 15, 15],
                    [1000, 1000, 1053, 1067, 1070, 1050, 1040])
    rows = {r.name: r for r in I.single_dose_imaging(_result(drug, VEHICLE))}
    f = rows["18 imaging: formation, days -1 to 1, drug minus vehicle"]
    assert f.measured == pytest.approx(5.5) and f.passed
    assert rows["18 imaging: elimination, days 1 to 3, drug minus vehicle"].passed
    assert rows["18 imaging: density at day 3 (of day -1), drug minus vehicle"].measured == pytest.approx(0.067)
    assert rows["18 imaging: spine density at day 15, drug over vehicle"].passed
    for name in rows:  # the day-15 density: the program's decay was chosen for it
        assert classify(name).kind == ("calibrated" if "density at day 15" in name else "predicted"), name


def test_no_effect_fails_the_formation_rows_and_a_large_loss_fails_elimination():
    same = I.single_dose_imaging(_result(VEHICLE, VEHICLE))
    rows = {r.name: r for r in same}
    assert not rows["18 imaging: formation, days -1 to 1, drug minus vehicle"].passed
    assert not rows["18 imaging: spine density at day 15, drug over vehicle"].passed
    assert rows["18 imaging: spines eliminated from day -1 to 15, drug over vehicle"].passed  # 1.0
    lossy = _readout([15, 20, 25, 16, 15, 15], [15, 30, 40, 30, 30, 30], [1000, 1000, 1000, 950, 900, 850, 800])
    rows = {r.name: r for r in I.single_dose_imaging(_result(lossy, VEHICLE))}
    assert not rows["18 imaging: elimination, days -1 to 1, drug minus vehicle"].passed
    assert not rows["18 imaging: spines eliminated from day -1 to 15, drug over vehicle"].passed


def test_without_an_imaged_vehicle_there_are_no_rows():
    assert I.single_dose_imaging(SimpleNamespace(days={"imaging": VEHICLE, "arms": {}})) == []


def _with_cohort(readout, lost):
    return {**readout, "preexisting_eliminated": np.asarray(lost, float)}


def test_pre_existing_elimination_is_its_own_row_counted_from_the_reference():
    name = "18 imaging: pre-existing spines (seen at day -1) eliminated by day 15, drug over vehicle"
    # older files have no pre-existing columns: no row
    assert name not in {r.name for r in I.single_dose_imaging(_result(VEHICLE, VEHICLE))}
    vehicle = _with_cohort(VEHICLE, [0, 100, 60, 40, 50, 30])
    # the interval before the reference (day -3 to -1) is not counted: 280 lost against 280
    same = _with_cohort(VEHICLE, [999, 100, 60, 40, 50, 30])
    row = {r.name: r for r in I.single_dose_imaging(_result(same, vehicle))}[name]
    assert row.measured == pytest.approx(1.0) and row.passed and classify(name).kind == "predicted"
    more = _with_cohort(VEHICLE, [0, 100, 90, 60, 50, 30])  # 330 of 280
    assert not {r.name: r for r in I.single_dose_imaging(_result(more, vehicle))}[name].passed


def test_repeated_doses_count_pre_existing_elimination_from_the_first_session_after_the_dose():
    sessions = np.array([-2.0, 0.25, 1.0, 3.0, 5.5])

    def readout(formed, lost):
        return {"session_d": sessions, "formed_pct": np.asarray(formed, float),
                "preexisting_eliminated": np.asarray(lost, float)}

    vehicle = readout([16, 8, 15, 17], [160, 26, 43, 45])
    drug = readout([16, 8.5, 30, 35], [500, 24, 39, 41])  # 104 of 114 from 6 h on: 0.912
    rows = {r.name: r for r in I.repeated_dose_windows(_result(drug, vehicle))}
    row = rows["18 repeated doses: elimination of pre-existing spines, 6 h to 132 h, over vehicle"]
    assert row.measured == pytest.approx(104 / 114) and row.passed
    assert classify(row.name).kind == "predicted"
    assert classify("18 repeated doses: formation 6-24 h after the first, over vehicle").kind == "calibrated"
    assert rows["18 repeated doses: formation 6-24 h after the first, over vehicle"].passed  # 1.06
