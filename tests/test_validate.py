"""circuitsim validate: measures on real (tiny) results files, the table, the CLI's errors; the suite itself is slow."""

from __future__ import annotations

import math

import numpy as np
import pytest

from circuitsim import validation as V
from circuitsim.analysis.calibration import calibration_protocol
from circuitsim.cli import main
from circuitsim.config import load_config
from circuitsim.io import read_results
from circuitsim.runner import run_experiment


def test_wash_in_measures_come_from_the_file(tmp_path, tiny_overrides):
    """Signatures 1 and 2 on a tiny circuit: every value finite and read from /epochs and /timeseries."""
    sets = [*tiny_overrides, *calibration_protocol(baseline_s=0.5, wash_tau_s=0.1, window_s=0.3,
                                                   transient_s=0.1, block_tau_s=0.0),  # the tiny circuit's Hill block
            "output.figures=false"]
    path = run_experiment(load_config("default", sets), tmp_path, progress=False, figures=False)
    res = read_results(path)
    sigs = V.inverted_u(res) + V.interneurons_first(res) + V.occupancy_potency(res)
    assert [s.name[:2] for s in sigs] == ["1 ", "1 ", "2 ", "1 "]
    assert all(math.isfinite(s.measured) for s in sigs)
    clinical = res.epoch("clinical")
    assert sigs[0].measured == pytest.approx(clinical.glutamate_rel)  # the only epoch at <= 2 uM
    assert sigs[1].measured == pytest.approx(res.epoch("anaesthetic").glutamate_rel)
    # Hill block inverted at the window's concentration: the pyramidal IC50 (plasma-equivalent) x fu.
    ic50 = res.config.pharmacology.hill.ic50_pyramidal_um
    assert sigs[3].measured == pytest.approx(ic50 * V.measures.UNBOUND_FRACTION, rel=0.02)
    assert all(V.classify(s.name).kind in V.KINDS for s in sigs)


def test_table_and_verdict_over_seeds():
    rows = [V.Row("a", [1.0, 2.0], "x", "> 0", "src", True, "predicted"),
            V.Row("b", [0.5], "s", "> 1", "src", False, "calibrated")]
    text = V.format_table(rows)
    assert "1.5 +- 0.71 (1 to 2)" in text and "FAIL" in text
    assert "predicted: 1 of 1 pass" in text and "calibrated: 0 of 1 pass" in text
    assert "constructed: 0 of 0 pass" in text
    assert text.endswith("1 of 2 signatures pass; the exit status follows the 1 predicted rows")
    assert text.splitlines()[1].startswith("predicted ")


def test_exit_status_follows_the_predicted_rows_only():
    def row(kind, passed):
        return V.Row(kind, [1.0], "x", "-", "src", passed, kind)

    assert V.exit_status([row("predicted", True), row("calibrated", False), row("constructed", False)]) == 0
    assert V.exit_status([row("predicted", True), row("predicted", False), row("calibrated", True)]) == 1
    assert V.exit_status([row("calibrated", True), row("constructed", True)]) == 1  # nothing tested
    assert V.exit_status([]) == 1


def test_every_row_has_a_kind_and_a_reason():
    names = ["1 inverted U: glutamate (= pyramidal rate), sub-anaesthetic (peak at <= 2 uM)",
             "1 inverted U: glutamate (= pyramidal rate) at 10 uM (anaesthetic)",
             "2 interneurons first: lead of the interneuron fall at 0.8 uM",
             "1 unbound plasma ketamine at half pyramidal NMDA block",
             "6 S- vs R-ketamine potency (pyramidal block; the interneurons' is the same ratio)",
             "6 intranasal exposure scaled by bioavailability (F from AUC)",
             "6 human plasma at 2 min after 10 mg i.v. (racemic)",
             "7 dissociation: peak lag after the concentration peak",
             "7 dissociation: below 10 % of its peak, after the infusion's end",
             "7 dopamine: peak lag after the concentration peak",
             "3/4 hit and run: plasma below 5 % of peak", "3/4 hit and run: spines at day 7 above the dose",
             "3/4 spine increase at 24 h (over vehicle)", "3/4 + ANA-12: abolishes the 24-h increase",
             "3/4 + rapamycin: glutamate surge intact",
             "3/4 eEF2K inhibitor, no ketamine: raises spines without the drug",
             "5 stress: spine density lost before the dose",
             "5 rescue: 24-h gain on stressed minus unstressed neurons",
             "7 spines track the cascade: half of the 24-h rise reached at",
             "5 rescue sites: new spines (dose to day 7) in stress-emptied slots, x chance",
             "5 rescue share: stress loss given back over vehicle at 24 h",
             "18 formation window: 3-6 h after the dose, over vehicle",
             "18 repeated doses: formation 72-132 h after the first, over vehicle",
             "18 imaging: formation, days -1 to 1, drug minus vehicle"]
    kinds = [V.classify(n) for n in names]
    assert [k.kind for k in kinds] == [
        "calibrated", "calibrated", "calibrated", "predicted", "constructed", "constructed", "predicted",
        "constructed", "calibrated", "constructed", "constructed", "calibrated", "calibrated", "constructed",
        "constructed", "constructed", "calibrated", "predicted", "predicted", "constructed",
        "calibrated", "calibrated", "calibrated", "predicted"]
    assert all(k.basis for k in kinds)
    with pytest.raises(ValueError, match="has no kind"):
        V.classify("8 a row nobody classified")


def test_the_nbqx_arm_is_left_out_of_the_stress_experiment():
    exp = next(e for e in V.EXPERIMENTS if e.name == "stress and rescue")
    cfg = exp.config_for(list(exp.overrides))
    names = [a.name for a in cfg.plasticity.arms]
    assert "+ NBQX" not in names and "+ rapamycin" in names and len(names) == 7
    # run as the rodent studies ran it: mouse, 10 mg/kg i.p., 7 days
    assert cfg.dosing.species == "mouse" and cfg.plasticity.days_after == pytest.approx(7.0)


def test_bad_seeds_are_one_line_exit_2(capsys, tmp_path):
    assert main(["validate", "--seeds", "one", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: --seeds: expected integers separated by commas, got 'one'"


@pytest.mark.slow
def test_the_reduced_suite_passes(tmp_path):
    rows = V.run_validation(tmp_path)
    assert rows and all(r.kind in V.KINDS for r in rows)
    assert all(r.passed for r in rows if r.kind != "predicted"), V.format_table(rows)


def test_rat_dose_series_reads_the_direction_of_each_dose():
    """The 0-2 h mean of glutamate against Moghaddam's direction for that dose (+-10 % is no change)."""
    from types import SimpleNamespace

    t = np.linspace(0.0, 3.0, 181)

    def res(dose, level):
        cfg = load_config("rodent_ip", [f"dosing.doses.0.amount={dose} mg/kg"])
        glu = np.where(t <= 2.0, level, 1.0)
        return SimpleNamespace(config=cfg, timeline={"time_h": t, "glutamate_rel": glu})

    up, = V.rat_dose_series(res(10, 1.5))
    assert up.passed and up.measured == pytest.approx(1.5) and "after 10 mg/kg" in up.name
    assert not V.rat_dose_series(res(50, 0.67))[0].passed  # published: no change
    assert V.rat_dose_series(res(50, 1.05))[0].passed
    assert V.rat_dose_series(res(200, 0.2))[0].passed
    assert V.classify(V.rat_dose_series(res(200, 0.2))[0].name).kind == "calibrated"
    assert V.classify(up.name).kind == "predicted"


def test_rescue_sites_count_new_spines_in_stress_emptied_slots_against_chance():
    """Share of new spines in slots stress emptied, over the share of such slots among the empty ones."""
    from types import SimpleNamespace

    # 8 slots: 0-3 held a spine when healthy and are empty at the dose (stress-emptied),
    # 4-5 were empty throughout until the dose, 6-7 hold a spine all along.
    healthy = np.array([1, 1, 1, 1, 0, 0, 2, 2], np.uint8)
    at_dose = np.array([0, 0, 0, 0, 0, 0, 2, 2], np.uint8)
    cfg = load_config("stress_ketamine_7d")

    def res(end):
        pool = {"healthy": {"state": healthy}, "at dose": {"state": at_dose}, "end": {"state": np.array(end, np.uint8)}}
        return SimpleNamespace(config=cfg, days={"pool": pool}, timeline={"time_h": np.array([0.0, 168.0])})

    # New spines in slots 0, 1 (emptied) and 4 (not): 2/3 against a chance of 4/6.
    at_chance, = V.rescue_sites(res([1, 1, 0, 0, 1, 0, 2, 2]))
    assert at_chance.measured == pytest.approx(1.0) and not at_chance.passed
    # Only in emptied slots: (2/2) / (4/6) = 1.5.
    selective, = V.rescue_sites(res([1, 1, 0, 0, 0, 0, 2, 2]))
    assert selective.measured == pytest.approx(1.5) and selective.passed and "day 7" in selective.name
    assert V.classify(selective.name).kind == "constructed"  # site_bias > 0 builds it in
    # No new spine: no row.
    assert V.rescue_sites(res([0, 0, 0, 0, 0, 0, 2, 2])) == []
