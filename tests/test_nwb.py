"""NWB export: the units table, pharmacology and config, checked with the NWB Inspector."""

from __future__ import annotations

import numpy as np
import pytest

from circuitsim.cli import main
from circuitsim.io import read_results

pynwb = pytest.importorskip("pynwb")
nwbinspector = pytest.importorskip("nwbinspector")


def test_export_nwb_passes_the_inspector_and_keeps_every_spike(tmp_path, capsys, tiny_overrides):
    sets = [a for o in tiny_overrides for a in ("--set", o)]
    assert main(["run", *sets, "--out", str(tmp_path), "--no-progress", "--no-figures"]) == 0
    h5 = tmp_path / "tiny.h5"
    capsys.readouterr()
    assert main(["export-nwb", str(h5)]) == 0
    nwb_path = tmp_path / "tiny.nwb"
    assert capsys.readouterr().out.strip() == str(nwb_path)
    assert not list(tmp_path.glob("*.partial.nwb"))
    bad = [m for m in nwbinspector.inspect_nwbfile(nwbfile_path=str(nwb_path))
           if m.importance.name in ("CRITICAL", "BEST_PRACTICE_VIOLATION", "ERROR")]
    assert bad == [], [(m.check_function_name, m.message) for m in bad]
    res = read_results(h5)
    with pynwb.NWBHDF5IO(str(nwb_path), "r") as io:
        f = io.read()
        units = f.units.to_dataframe()
        assert "racemic ketamine" in f.pharmacology
        assert f.source_script == res.config_text or "seed: 1" in f.source_script
        for pop, (times_ms, ids) in res.spikes.items():
            mine = units[units.population == pop]
            assert len(mine) == len(np.unique(ids))
            got = np.sort(np.concatenate(mine.spike_times.to_list()))
            np.testing.assert_allclose(got, np.sort(times_ms) / 1000.0)
        assert "rate_pyramidal_hz" in f.processing["misc"].data_interfaces
        assert f.subject.species == "Rattus norvegicus"
    # one results file, one identifier
    again = tmp_path / "again.nwb"
    assert main(["export-nwb", str(h5), "--out", str(again)]) == 0
    with pynwb.NWBHDF5IO(str(nwb_path), "r") as a, pynwb.NWBHDF5IO(str(again), "r") as b:
        assert a.read().identifier == b.read().identifier


def test_export_nwb_of_a_missing_file_is_one_line(tmp_path, capsys):
    assert main(["export-nwb", str(tmp_path / "nope.h5")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err
