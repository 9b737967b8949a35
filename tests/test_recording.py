"""Recording chosen in the config: cell variables written as SONATA soma reports that libsonata reads."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import undocumented_names

from circuitsim.cli import main
from circuitsim.config import config_from_dict
from circuitsim.io import read_results
from circuitsim.io.reports import report_path
from circuitsim.network.groups import initial_voltage

libsonata = pytest.importorskip("libsonata")


@pytest.mark.brian2
def test_recorded_variables_become_sonata_reports(tmp_path, tiny_overrides, monkeypatch):
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tmp_path / "cache"))
    sets = [*tiny_overrides, "circuit.vta.enabled=false", "recording.variables=[v, g_nmda, block]",
            "recording.fraction=0.1", "recording.interval=2 ms"]
    args = [a for o in sets for a in ("--set", o)]
    assert main(["run", *args, "--out", str(tmp_path / "out"), "--no-progress", "--no-figures"]) == 0
    (path,) = (tmp_path / "out").rglob("tiny.h5")
    res = read_results(path)
    assert set(res.reports) == {"v", "g_nmda", "block"} and undocumented_names(path) == []
    cfg = config_from_dict({}, sets)
    duration_ms = cfg.protocol.duration_s * 1e3
    for pop, n in (("pyramidal", 160), ("interneuron", 40)):
        reader = libsonata.SomaReportReader(str(report_path(path, "v")))[pop]
        ids = np.asarray(reader.get_node_ids())
        assert len(ids) == round(0.1 * n) and ids[0] == 0 and ids[-1] == n - 1
        assert reader.times == pytest.approx((0.0, duration_ms, 2.0)) and reader.time_units == "ms"
        assert reader.data_units == "mV"
        frame = reader.get()
        data = np.asarray(frame.data)
        assert data.shape == (round(duration_ms / 2.0), len(ids))
        # The first sample is the initial potential the network stage drew (mV).
        v0 = initial_voltage(cfg.seed, pop, getattr(cfg.circuit, pop))[ids] * 1e3
        np.testing.assert_allclose(data[0], v0.astype(np.float32), rtol=1e-6)
        assert data.min() > -80.0 and data.max() < -40.0  # between E_inh and above threshold: spikes reset
        block = np.asarray(libsonata.SomaReportReader(str(report_path(path, "block")))[pop].get().data)
        assert block.min() >= 0.0 and block.max() > 0.05  # the second epoch applies the drug
    # The cached response keeps them: a second run finds the sample and writes the same reports.
    assert main(["run", *args, "--out", str(tmp_path / "again"), "--no-progress", "--no-figures"]) == 0
    (again,) = (tmp_path / "again").rglob("tiny.h5")
    second = read_results(again).reports
    assert set(second) == set(res.reports)
    for var in res.reports:
        for pop in res.reports[var]:
            for x, y in zip(res.reports[var][pop], second[var][pop], strict=True):
                np.testing.assert_array_equal(x, y)
    # The docs' example read (docs/results.md, "Reports").
    frame = libsonata.SomaReportReader(str(report_path(path, "v")))["pyramidal"].get(
        node_ids=libsonata.Selection([0]))
    assert np.asarray(frame.data).shape[1] == 1


def test_reports_round_trip_through_the_results_file(tmp_path):
    import dataclasses

    from conftest import synthetic_run

    from circuitsim.engine.provenance import run_provenance, utc_now
    from circuitsim.engine.records import to_record
    from circuitsim.io import write_record
    from circuitsim.network.sample import Recorded

    config, sample, analysis = synthetic_run()
    t = np.arange(50) * 1e-3  # the default recording.interval
    rec = Recorded(t_s=t, ids=np.array([0, 3, 7]), values={"v": np.full((50, 3), -0.06), "block": np.zeros((50, 3))})
    sample = dataclasses.replace(sample, recordings={"pyramidal": rec})
    now = utc_now()
    record = to_record(config, sample, analysis, run_provenance(config, {}, now, now, 0.0, 0.0))
    path = write_record(tmp_path / "r.h5", record)
    back = read_results(path)
    assert back == record
    ids, step_ms, data = back.reports["v"]["pyramidal"]
    assert step_ms == 1.0 and data.dtype == np.float32 and np.allclose(data, -60.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.h5", "r_report_block.h5", "r_report_v.h5"]
