"""run_experiment and its helpers: output directory, provenance, a tiny end-to-end run."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from circuitsim.config import config_from_dict
from circuitsim.engine.provenance import iso_utc, run_provenance
from circuitsim.errors import UserInputError
from circuitsim.io import read_results
from circuitsim.runner import prepare_output_dir, results_path, run_experiment
from circuitsim.seeds import int_seed

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_results_path_default_and_override(tmp_path):
    cfg = config_from_dict({}, ["output.directory=some/dir", "output.name=abc"])
    assert results_path(cfg) == Path("some/dir/abc.h5")
    assert results_path(cfg, tmp_path) == tmp_path / "abc.h5"


def test_prepare_output_dir_creates_nested(tmp_path):
    d = prepare_output_dir(tmp_path / "a" / "b")
    assert d.is_dir()
    assert list(d.iterdir()) == []


def test_prepare_output_dir_refuses_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("")
    with pytest.raises(UserInputError, match="--out/output.directory"):
        prepare_output_dir(f)
    with pytest.raises(UserInputError, match="--out/output.directory"):
        prepare_output_dir(f / "below")


def test_run_refuses_unwritable_out_before_simulating(tmp_path, monkeypatch):
    import circuitsim.engine.run as run_module

    def never(*args, **kwargs):
        raise AssertionError("simulated although the output directory is unusable")

    monkeypatch.setattr(run_module, "simulate_config", never)
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    with pytest.raises(UserInputError, match="--out"):
        run_experiment(config_from_dict({}), blocker)


def test_provenance():
    cfg = config_from_dict({}, ["seed=7"])
    start = datetime(2025, 1, 31, 12, 0, 0, tzinfo=UTC)
    prov = run_provenance(cfg, {"dynamics": 99}, start, start + timedelta(seconds=2.5), 0.5, 1.5)
    for key in ("circuitsim_version", "brian2_version", "numpy_version", "numba_version",
                "h5py_version", "python_version", "host"):
        assert isinstance(prov[key], str) and prov[key]
    assert prov["seed"] == 7
    assert prov["seed_dynamics"] == 99
    assert prov["start_time"] == "2025-01-31T12:00:00.000Z"
    assert ISO_UTC.match(prov["end_time"])
    assert prov["wall_time_s"] == 2.5
    assert (prov["wall_build_s"], prov["wall_run_s"]) == (0.5, 1.5)


def test_iso_utc_converts_to_utc():
    t = datetime(2025, 1, 31, 13, 0, 0, 123456, tzinfo=UTC).astimezone()
    assert iso_utc(t) == "2025-01-31T13:00:00.123Z"


@pytest.mark.brian2
def test_run_experiment_tiny(tmp_path, tiny_config):
    path = run_experiment(tiny_config, tmp_path / "out", progress=False, figures=True)
    assert path == tmp_path / "out" / "tiny.h5"
    assert sorted(p.name for p in path.parent.iterdir()) == ["tiny.h5", "tiny_disinhibition.png"]
    res = read_results(path)
    assert res.n_cells == {"pyramidal": 160, "interneuron": 40, "vta_dopamine": 100, "vta_gaba": 50}
    assert all(len(t) > 0 for t, _ids in res.spikes.values())
    assert "unknown" not in res.units.values()
    assert res.provenance["start_time"] <= res.provenance["end_time"]
    assert res.provenance["wall_run_s"] > 0
    # Every random stream the build drew from is recorded, each with its seed.
    pathways = ("e_to_e", "e_to_i", "i_to_e", "i_to_i", "pfc_to_vta_dopamine")
    streams = {"seed_dynamics", *(f"seed_connectivity_{p}" for p in pathways),
               *(f"seed_delays_{p}" for p in pathways),
               *(f"seed_initial_state_{p}" for p in ("pyramidal", "interneuron", "vta_dopamine", "vta_gaba"))}
    assert streams <= set(res.provenance)
    assert res.provenance["seed_connectivity_e_to_i"] == int_seed(tiny_config.seed, "connectivity.e_to_i")
    # The block follows the concentration: none at baseline, some under the drug.
    assert res.epoch("baseline").block_interneuron == 0
    assert res.epoch("ketamine").block_interneuron > 0


@pytest.mark.slow
def test_cli_default_run_writes_results_and_figure(tmp_path):
    """``circuitsim run`` with no CONFIG: the packaged default experiment, full size."""
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("circuitsim")
    proc = subprocess.run([str(exe), "run", "--out", str(tmp_path), "--no-progress"],
                          capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stderr
    path = Path(proc.stdout.splitlines()[-1])
    assert path == tmp_path / "default.h5"
    assert (tmp_path / "default_disinhibition.png").is_file()
    assert read_results(path).epoch("ketamine").concentration_um == 0.8
