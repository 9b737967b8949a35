"""The packaged experiments load, and configs/ points at them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from circuitsim.config import Config, load_config, packaged_config_path

REPO = Path(__file__).resolve().parent.parent


def test_default_experiment():
    cfg = load_config()
    assert cfg.output.name == "default"
    assert [(e.name, e.duration_s, e.concentration_um) for e in cfg.protocol.epochs] == [
        ("baseline", 1.0, 0.0), ("ketamine", 6.5, 0.8)]
    assert cfg.pharmacology.block_model == "trapping"
    assert cfg.protocol.baseline_epoch == "baseline"
    assert cfg.protocol.wash_tau_s == 1.0
    assert not cfg.circuit.vta.enabled  # the cortex-only quick start (under a minute cold)


def test_dose_response_experiment():
    cfg = load_config("dose_response")
    assert cfg.output.name == "dose_response"
    assert [e.concentration_um for e in cfg.protocol.epochs] == [0, 0.1, 0.3, 0.8, 2, 5, 10, 30]
    assert all(e.duration_s == 5.0 for e in cfg.protocol.epochs[1:])  # the trapping block settles in 3.2 s
    assert cfg.protocol.wash_tau_s == 0.2
    assert cfg.protocol.epochs[3].name == "c0.8uM"


@pytest.mark.parametrize("name", ["default", "dose_response"])
def test_packaged_configs_leave_the_circuit_to_the_schema(name):
    """Only protocol, output and the VTA switch are written, so calibrated defaults always apply."""
    data = yaml.safe_load(packaged_config_path(name).read_text())
    assert set(data) <= {"protocol", "output", "circuit"}
    assert data.get("circuit", {}) in ({}, {"vta": {"enabled": False}})
    cfg = load_config(name)
    default = Config().circuit
    expected = default.model_copy(update={"vta": default.vta.model_copy(update={"enabled": cfg.circuit.vta.enabled})})
    assert cfg.circuit == expected
    assert cfg.pharmacology == Config().pharmacology


@pytest.mark.parametrize("name", ["default", "dose_response"])
def test_configs_dir_links_to_packaged(name):
    link = REPO / "configs" / f"{name}.yaml"
    if not link.exists():
        pytest.skip("not a source checkout")
    assert link.is_symlink()
    assert link.resolve() == packaged_config_path(name).resolve()


def test_enantiomers_crossover_and_nbqx_experiments():
    cfg = load_config("enantiomers")
    assert [(d.drug, d.amount, d.start_h) for d in cfg.dosing.doses] == [
        ("racemic", "0.5 mg/kg", 0.0), ("esketamine", "0.5 mg/kg", 48.0), ("arketamine", "0.5 mg/kg", 96.0)]
    assert cfg.timeline.horizon_s == 108 * 3600
    nbqx = load_config("nbqx_ketamine")
    assert [d.drug for d in nbqx.dosing.doses] == ["nbqx", "racemic"] and nbqx.dosing.species == "mouse"
    for name in ("enantiomers", "nbqx_ketamine"):
        link = REPO / "configs" / f"{name}.yaml"
        if link.exists():
            assert link.resolve() == packaged_config_path(name).resolve()


def _all_configs():
    from circuitsim.config.load import PACKAGED

    return [*PACKAGED, *sorted(str(p) for p in (REPO / "experiments").glob("*/config.yaml"))]


@pytest.mark.parametrize("name", _all_configs())
def test_every_packaged_and_experiment_config_loads_with_its_arms(name):
    """Each config, and each of its arms' overrides, is valid; packaged ones are linked from configs/."""
    from circuitsim.engine.arms import arm_configs
    from circuitsim.sweep.spec import load_sweep

    if name.startswith("sweep_"):
        assert load_sweep(name).points
        return
    cfg = load_config(name)
    if cfg.plasticity is not None:
        assert set(arm_configs(cfg)) == {a.name for a in cfg.plasticity.arms}
    link = REPO / "configs" / f"{name}.yaml"
    if "/" not in name and (REPO / "configs").is_dir():
        assert link.resolve() == packaged_config_path(name).resolve()


def test_adolescent_experiment():
    cfg = load_config("adolescent_ketamine")
    assert cfg.plasticity.age.adolescent and cfg.dosing.species == "mouse"
    assert [d.start_h for d in cfg.dosing.doses] == [24.0 * k for k in range(14)]
    from circuitsim.engine.arms import arm_configs

    arms = arm_configs(cfg)
    assert arms["adult, vehicle"].plasticity.age.stage == "adult"
    assert arms["adolescent, vehicle"].plasticity.age.adolescent
    assert arms["adult, same schedule"].dosing.doses == cfg.dosing.doses
    assert cfg.plasticity.interneuron_wiring is not None and cfg.plasticity.days_after == pytest.approx(97.0)
