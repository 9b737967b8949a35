"""The results file: round trip, SONATA layout read by libsonata, units, atomic writing."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

import circuitsim.atomic as atomic
from circuitsim.config import dump_config
from circuitsim.errors import UserInputError
from circuitsim.io import RESULTS_SCHEMA_VERSION, read_results, write_results
from circuitsim.io import write as results_module

# Times go through s -> ms (x 1e3) on the way in and back through the file;
# one rounding of a float64 product: relative error < 1e-15.
TIME_RTOL = 1e-15
POPS = ("pyramidal", "interneuron")


@pytest.fixture
def written(tmp_path, synthetic, provenance):
    config, sample, analysis = synthetic
    path = write_results(tmp_path / "run.h5", config, sample, analysis, provenance)
    return path, config, sample, analysis


def _sorted_spikes(times_s, ids):
    order = np.lexsort((ids, times_s))
    return times_s[order] * 1e3, ids[order]


def test_round_trip(written, provenance):
    path, config, sample, analysis = written
    res = read_results(path)
    assert res.schema_version == RESULTS_SCHEMA_VERSION
    assert list(res.spikes) == list(POPS)
    for pop in POPS:
        t_ms, ids = _sorted_spikes(*sample.spikes[pop])
        np.testing.assert_allclose(res.spikes[pop][0], t_ms, rtol=TIME_RTOL)
        np.testing.assert_array_equal(res.spikes[pop][1], ids)
        assert res.n_cells[pop] == sample.n_cells[pop]
    np.testing.assert_allclose(res.time_ms, analysis.time_s * 1e3, rtol=TIME_RTOL)
    assert set(res.timeseries) == set(analysis.traces)
    for name, values in analysis.traces.items():
        np.testing.assert_array_equal(res.timeseries[name], values)
    assert [e.name for e in res.epochs] == [e.name for e in analysis.epochs]
    for got, want in zip(res.epochs, analysis.epochs, strict=True):
        for key, value in want.as_dict().items():
            if key == "name":
                continue
            np.testing.assert_allclose(getattr(got, key), value, rtol=TIME_RTOL, equal_nan=True)
    assert res.baseline_epoch == "baseline"
    assert res.config_text == dump_config(config)
    # Quantities are written with 12 significant digits: compare the resolved text.
    assert dump_config(res.config) == dump_config(config)
    assert res.provenance == provenance
    assert res.name == "run"


def test_spikes_sorted_by_time_with_ties_by_id(written):
    res = read_results(written[0])
    for pop in POPS:
        t, ids = res.spikes[pop]
        assert np.all(np.diff(t) >= 0)
        ties = np.diff(t) == 0
        assert np.all(np.diff(ids.astype(np.int64))[ties] > 0)


def test_libsonata_reads_both_populations(written):
    libsonata = pytest.importorskip("libsonata")
    path, _config, sample, _analysis = written
    reader = libsonata.SpikeReader(str(path))
    assert sorted(reader.get_population_names()) == sorted(POPS)
    for pop in POPS:
        population = reader[pop]
        assert population.sorting == "by_time"
        assert population.time_units == "ms"
        got = population.get()
        t_ms, ids = _sorted_spikes(*sample.spikes[pop])
        assert len(got) == len(t_ms)
        got_ids = np.array([g[0] for g in got])
        got_t = np.array([g[1] for g in got])
        np.testing.assert_allclose(got_t, t_ms, rtol=TIME_RTOL)
        np.testing.assert_array_equal(got_ids, ids)


def test_layout_dtypes_and_units(written):
    path = written[0]
    with h5py.File(path, "r") as f:
        assert f.attrs["magic"] == 0x0A7A
        assert f.attrs["magic"].dtype == np.uint32
        np.testing.assert_array_equal(f.attrs["version"], [0, 1])
        assert f.attrs["version"].dtype == np.uint32
        assert f.attrs["circuitsim_schema_version"] == 1
        for pop in POPS:
            g = f["spikes"][pop]
            mapping = h5py.check_enum_dtype(g.attrs.get_id("sorting").dtype)
            assert mapping == {"none": 0, "by_id": 1, "by_time": 2}
            assert g.attrs["sorting"] == 2
            assert g["timestamps"].dtype == np.float64
            assert g["timestamps"].attrs["units"] == "ms"
            assert g["node_ids"].dtype == np.uint64
        ts = f["timeseries"]
        for name in ("time_ms", "rate_pyramidal_hz", "rate_interneuron_hz", "glutamate_rel",
                     "block_pyramidal", "block_interneuron", "concentration_um"):
            assert name in ts
        expected = {"time_ms": "ms", "rate_pyramidal_hz": "Hz", "glutamate_rel": "1",
                    "concentration_um": "uM", "block_interneuron": "1", "g_nmda_pyramidal_ns": "nS"}
        for name, units in expected.items():
            assert ts[name].attrs["units"] == units
        for name, d in ts.items():
            assert d.attrs["units"] not in ("", "unknown"), name
            assert d.shape == ts["time_ms"].shape
        ep = f["epochs"]
        n = len(ep["name"])
        for name, d in ep.items():
            assert d.shape == (n,), name
            if name != "name":
                assert "units" in d.attrs, name
        assert ep["start_ms"].attrs["units"] == "ms"
        assert ep["concentration_um"].attrs["units"] == "uM"
        assert f["config"].shape == ()
        assert h5py.check_string_dtype(f["config"].dtype) is not None
        for key in ("circuitsim_version", "brian2_version", "numpy_version", "numba_version",
                    "h5py_version", "seed", "host", "start_time", "end_time", "wall_time_s"):
            assert key in f["provenance"].attrs


@pytest.mark.parametrize("fail_in", [(results_module, "_write_epochs"), (results_module, "_write_provenance"),
                                     (atomic, "_fsync_file")])
def test_failed_write_leaves_nothing(tmp_path, synthetic, provenance, monkeypatch, fail_in):
    config, sample, analysis = synthetic

    def boom(*args, **kwargs):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(*fail_in, boom)
    with pytest.raises(RuntimeError, match="simulated crash"):
        write_results(tmp_path / "run.h5", config, sample, analysis, provenance)
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_previous_file(tmp_path, synthetic, provenance, monkeypatch):
    config, sample, analysis = synthetic
    path = write_results(tmp_path / "run.h5", config, sample, analysis, provenance)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(results_module, "_write_timeseries", boom)
    with pytest.raises(RuntimeError):
        write_results(path, config, sample, analysis, provenance)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.h5"]


def test_unwritable_directory_raises_oserror(tmp_path, synthetic, provenance):
    config, sample, analysis = synthetic
    with pytest.raises(OSError):
        write_results(tmp_path / "missing" / "run.h5", config, sample, analysis, provenance)
    assert list(tmp_path.iterdir()) == []


def _one_line_error(path, match):
    with pytest.raises(UserInputError, match=match) as info:
        read_results(path)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("results: ")


def test_read_missing_file(tmp_path):
    _one_line_error(tmp_path / "nope.h5", "no such file")


def test_read_directory(tmp_path):
    _one_line_error(tmp_path, "is a directory")


def test_read_text_file(tmp_path):
    p = tmp_path / "notes.h5"
    p.write_text("not hdf5\n")
    _one_line_error(p, "not an HDF5 file")


def test_read_foreign_hdf5(tmp_path):
    p = tmp_path / "foreign.h5"
    with h5py.File(p, "w") as f:
        f["x"] = np.arange(3)
    _one_line_error(p, "not a circuitsim results file")


def test_read_plain_sonata_spike_file(tmp_path):
    p = tmp_path / "spikes.h5"
    with h5py.File(p, "w") as f:
        f.attrs["magic"] = np.uint32(0x0A7A)
        f.create_group("spikes/default")
    _one_line_error(p, "not a circuitsim results file")


def test_read_newer_layout(written):
    path = written[0]
    with h5py.File(path, "a") as f:
        f.attrs["circuitsim_schema_version"] = np.uint32(RESULTS_SCHEMA_VERSION + 1)
    _one_line_error(path, "layout version")


def test_read_damaged_file(written):
    path = written[0]
    with h5py.File(path, "a") as f:
        del f["epochs"]
    _one_line_error(path, "incomplete or damaged")


def test_read_file_with_odd_magic(written):
    path = written[0]
    with h5py.File(path, "a") as f:
        f.attrs["magic"] = np.array([1, 2], dtype=np.uint32)
    _one_line_error(path, "not a circuitsim results file")
