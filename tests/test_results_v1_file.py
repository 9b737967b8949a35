"""A results file of layout version 1, kept in tests/data, must stay readable."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from circuitsim.io import read_results

V1_FILE = Path(__file__).parent / "data" / "results_v1.h5"


def test_read_kept_v1_file():
    res = read_results(V1_FILE)
    assert res.schema_version == 1
    assert [e.name for e in res.epochs] == ["baseline", "c0.3uM", "c0.8uM", "c5uM"]
    assert [e.concentration_um for e in res.epochs] == [0.0, 0.3, 0.8, 5.0]
    assert all(np.isnan(e.window_start_s) for e in res.epochs)  # written before the window was stored
    assert res.n_cells == {"pyramidal": 20, "interneuron": 5}
    assert {pop: len(t) for pop, (t, _ids) in res.spikes.items()} == {"pyramidal": 800,
                                                                       "interneuron": 200}
    assert res.spikes["pyramidal"][1].dtype == np.uint64
    assert res.units["rate_pyramidal_hz"] == "Hz"
    assert res.units["concentration_um"] == "uM"
    assert len(res.time_ms) == 40
    assert res.provenance["seed_dynamics"] == 12345
    assert "protocol:" in res.config_text
