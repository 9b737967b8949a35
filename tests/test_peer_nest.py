"""benchmarks/peer_nest.py imports, parses --help and maps the cells onto iaf_bw_2001 (no simulation).

Skipped without NEST (the optional ``peer`` dependency group).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from conftest import load_script, script_help

pytest.importorskip("nest")

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "peer_nest.py"


@pytest.fixture(scope="module")
def peer():
    return load_script(SCRIPT, "_benchmark_peer_nest")


def test_help(peer, monkeypatch, capsys):
    assert "--threads" in script_help(peer, SCRIPT, monkeypatch, capsys)


def test_cell_params_in_nest_units(peer):
    from circuitsim.config.circuit import CircuitConfig

    cc = CircuitConfig()
    e = peer.cell_params(cc.pyramidal, cc.receptors)
    i = peer.cell_params(cc.interneuron, cc.receptors)
    assert e["C_m"] == pytest.approx(500.0) and i["C_m"] == pytest.approx(200.0)
    assert e["g_L"] == pytest.approx(25.0) and i["g_L"] == pytest.approx(20.0)
    assert (e["V_th"], e["V_reset"], e["t_ref"]) == pytest.approx((-50.0, -55.0, 2.0))
    # alpha giving circuitsim's single-spike NMDA increment a = 0.63 (Brunel-Wang 0.5 /ms).
    assert 1 - math.exp(-e["alpha"] * e["tau_rise_NMDA"]) == pytest.approx(0.63)
    import nest

    assert set(e) <= set(nest.GetDefaults("iaf_bw_2001"))
