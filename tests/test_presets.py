"""plasticity.preset: a calibrated parameter set under the config's own values."""

from __future__ import annotations

import pytest

from circuitsim.cli import main
from circuitsim.config import config_from_dict, load_config
from circuitsim.config.presets import PLASTICITY_PRESETS
from circuitsim.engine.arms import arm_configs

NAME = "mouse_frontal_imaged"


def test_the_preset_fills_what_the_config_does_not_set():
    preset = PLASTICITY_PRESETS[NAME]
    cfg = load_config("phoumthipphavong_2016", [f"plasticity.preset={NAME}", "plasticity.spines.site_bias=2"])
    s = cfg.plasticity.spines
    assert s.k_elim_per_d == pytest.approx(2.5) and s.stable_factor == preset["spines"]["stable_factor"]
    assert s.site_bias == 2.0  # the config's own value wins
    assert cfg.plasticity.spinogenesis.gain == preset["spinogenesis"]["gain"]
    # a key given by its field name counts as set, as one given by its alias
    by_name = config_from_dict({"dosing": {"species": "mouse",
                                            "doses": [{"amount": "1 mg/kg", "route": "intraperitoneal"}]},
                                "plasticity": {"preset": NAME, "spines": {"stable_factor": 0.2}}})
    assert by_name.plasticity.spines.stable_factor == 0.2
    # the program can be switched off under a preset
    off = load_config("phoumthipphavong_2016", [f"plasticity.preset={NAME}", "plasticity.spinogenesis=null"])
    assert off.plasticity.spinogenesis is None


def test_without_a_preset_the_defaults_stand():
    cfg = load_config("phoumthipphavong_2016", ["plasticity.preset=null"])
    assert cfg.plasticity.spines.k_form_per_d == pytest.approx(0.02) and cfg.plasticity.spinogenesis is None


def test_an_arm_keeps_the_values_of_its_experiment():
    """Arms are built from the dumped config, where every value is explicit."""
    cfg = load_config("phoumthipphavong_2016", [f"plasticity.preset={NAME}", "plasticity.spines.site_bias=3"])
    arm = arm_configs(cfg)["saline"]
    assert arm.plasticity.spines.model_dump() == cfg.plasticity.spines.model_dump()
    assert arm.plasticity.spinogenesis.model_dump() == cfg.plasticity.spinogenesis.model_dump()


def test_an_unknown_preset_is_one_line_and_exit_2(tmp_path, capsys):
    rc = main(["run", "phoumthipphavong_2016", "--set", "plasticity.preset=rat", "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1
    assert "plasticity.preset" in err[0] and NAME in err[0] and "'rat'" in err[0]
    assert not list(tmp_path.iterdir())
