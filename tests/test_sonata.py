"""The network in and out as SONATA: libsonata reads the export, export -> import -> the same spikes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import h5py
import numpy as np
import pytest
from conftest import undocumented_names

from circuitsim.cli import main
from circuitsim.config import config_from_dict
from circuitsim.errors import UserInputError
from circuitsim.io.sonata import export_network
from circuitsim.network.build import pathway_pairs
from circuitsim.network.inputs import CircuitSpec, DrugInput, SynapseWeights
from circuitsim.network.simulate import simulate_sample
from circuitsim.network.sonata import read_connectivity

libsonata = pytest.importorskip("libsonata")


@pytest.fixture
def tiny(tiny_overrides):
    return config_from_dict({}, [*tiny_overrides, "circuit.vta.enabled=false"])


def test_libsonata_reads_the_exported_network(tmp_path, tiny):
    path = export_network(tiny, tmp_path / "net")
    circuit = libsonata.CircuitConfig.from_file(str(path))
    assert circuit.node_populations == {"pyramidal", "interneuron"}
    assert circuit.node_population("pyramidal").size == 160 and circuit.node_population("interneuron").size == 40
    spec = CircuitSpec.of(tiny)
    for name in ("e_to_e", "e_to_i", "i_to_e", "i_to_i"):
        edges = circuit.edge_population(name)
        pre, post, delay = pathway_pairs(spec, name)
        sel = edges.select_all()
        assert edges.size == len(pre) > 0
        np.testing.assert_array_equal(edges.source_nodes(sel), pre)
        np.testing.assert_array_equal(edges.target_nodes(sel), post)
        np.testing.assert_allclose(edges.get_attribute("delay", sel), delay * 1e3)  # ms
        # The indices libsonata wrote answer "who projects onto cell 3".
        aff = edges.afferent_edges([3])
        np.testing.assert_array_equal(np.sort(edges.source_nodes(aff)), np.sort(pre[post == 3]))
    v = circuit.node_population("pyramidal").get_attribute("v_init", libsonata.Selection([0, 159]))
    assert np.all((v >= -55.0) & (v <= -50.0))  # mV, between reset and threshold
    types = (tmp_path / "net" / "network" / "node_types.csv").read_text().splitlines()
    assert types[0].split() == ["node_type_id", "pop_name", "model_type", "model_template", "dynamics_params"]
    cell = json.loads((tmp_path / "net" / "components" / "point_neuron_models" / "pyramidal.json").read_text())
    assert cell["c_m_f"] == pytest.approx(500e-12) and cell["adaptation_increment_a"] == pytest.approx(87e-12)


@pytest.mark.brian2
def test_export_import_run_gives_the_same_spikes(tmp_path, tiny):
    """A spine-slot pool with uneven weights: what is exported is what the imported run uses."""
    spec = CircuitSpec.of(tiny)
    rng = np.random.default_rng(3)
    n_ee = len(pathway_pairs(spec, "e_to_e")[0])
    weights = SynapseWeights(e_to_e=rng.uniform(0.0, 2.0, n_ee))
    path = export_network(tiny, tmp_path / "net", weights=weights)
    imported = config_from_dict({}, [f"{k}={v}" for k, v in _flat_overrides(tiny)] + [f"circuit.network={path}"])
    drug = DrugInput.of_protocol(tiny.protocol)
    device = _numpy_device(tiny)
    first = simulate_sample(spec, drug, weights, device=device)
    again = simulate_sample(CircuitSpec.of(imported), drug, None, device=device)
    assert CircuitSpec.of(imported).connectivity is not None
    for pop in ("pyramidal", "interneuron"):
        t0, i0 = first.spikes[pop]
        t1, i1 = again.spikes[pop]
        assert len(t0) > 50
        np.testing.assert_array_equal(t0, t1)
        np.testing.assert_array_equal(i0, i1)


def _flat_overrides(config):
    from conftest import TINY_OVERRIDES

    return [tuple(o.split("=", 1)) for o in (*TINY_OVERRIDES, "circuit.vta.enabled=false")]


def _numpy_device(config):
    from circuitsim.network.inputs import Device

    return Device.of(config)


def test_a_network_that_does_not_fit_the_config_is_one_line(tmp_path, tiny, tiny_overrides):
    path = export_network(tiny, tmp_path / "net")
    sets = [*tiny_overrides, "circuit.vta.enabled=false"]
    bigger = config_from_dict({}, [*sets, "circuit.pyramidal.n=161", f"circuit.network={path}"])
    with pytest.raises(UserInputError, match=r"^circuit\.pyramidal\.n: the network .* has 160 pyramidal cells"):
        CircuitSpec.of(bigger)
    with h5py.File(tmp_path / "net" / "network" / "edges.h5", "r+") as f:
        f["edges/e_to_e/0/delay"][0] = 2.5  # ms: beyond the pyramidal refractory period
    slow = config_from_dict({}, [*sets, f"circuit.network={path}"])
    with pytest.raises(UserInputError, match=r"^circuit\.network: e_to_e delays up to 2\.5 ms; expected below"):
        CircuitSpec.of(slow)
    with pytest.raises(UserInputError, match=r"^circuit\.network: cannot read"):
        read_connectivity(tmp_path / "missing.json")


@pytest.mark.brian2
def test_a_run_on_the_exported_network_is_the_run_on_the_drawn_one(tmp_path, tiny_overrides, monkeypatch):
    """circuitsim run, twice: the circuit drawn from the seed, and the same circuit read from its SONATA export."""
    from circuitsim.io import read_results

    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tmp_path / "cache"))
    sets = [a for o in (*tiny_overrides, "circuit.vta.enabled=false") for a in ("--set", o)]
    assert main(["export-sonata", *sets, "--out", str(tmp_path / "net")]) == 0
    net = tmp_path / "net" / "circuit_config.json"
    assert main(["run", *sets, "--out", str(tmp_path / "a"), "--no-progress", "--no-figures"]) == 0
    assert main(["run", *sets, "--set", f"circuit.network={net}", "--out", str(tmp_path / "b"),
                 "--no-progress", "--no-figures"]) == 0
    (a,) = (tmp_path / "a").rglob("*.h5")
    (b,) = (tmp_path / "b").rglob("*.h5")
    ra, rb = read_results(a), read_results(b)
    for pop in ("pyramidal", "interneuron"):
        assert len(ra.spikes[pop][0]) > 50
        for x, y in zip(ra.spikes[pop], rb.spikes[pop], strict=True):
            np.testing.assert_array_equal(x, y)
    assert rb.provenance["network_digest"] == CircuitSpec.of(rb.config).connectivity.digest
    assert undocumented_names(b) == []


def test_export_sonata_command_and_a_bad_network_through_run(tmp_path, capsys, tiny_overrides):
    sets = [a for o in (*tiny_overrides, "circuit.vta.enabled=false") for a in ("--set", o)]
    assert main(["export-sonata", *sets, "--out", str(tmp_path / "net")]) == 0
    out = capsys.readouterr().out.strip()
    assert out.endswith("circuit_config.json") and libsonata.CircuitConfig.from_file(out).node_populations
    (tmp_path / "empty.json").write_text(json.dumps({"networks": {"nodes": [], "edges": []}}))
    status = main(["run", *sets, "--set", f"circuit.network={tmp_path / 'empty.json'}",
                   "--out", str(tmp_path / "out"), "--no-progress", "--no-figures"])
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1, err
    assert "circuit.network:" in err and "expected node populations pyramidal and interneuron" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.h5"))


DOC = Path(__file__).resolve().parent.parent / "docs" / "sonata.md"


@pytest.mark.brian2
def test_the_documented_circuit_of_your_own_runs(tmp_path, tiny_overrides, monkeypatch, capsys):
    """docs/sonata.md's Python block writes a network from scratch; circuitsim runs on it."""
    from circuitsim.io import read_results

    (block,) = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CIRCUITSIM_CACHE_DIR", str(tmp_path / "cache"))
    exec(compile(block, "docs/sonata.md", "exec"), {})  # noqa: S102
    assert "pyramidal_to_interneuron" in capsys.readouterr().out
    sets = [a for o in (*tiny_overrides, "circuit.vta.enabled=false",
                        "circuit.network=my_circuit/circuit_config.json") for a in ("--set", o)]
    assert main(["run", *sets, "--out", "out", "--no-progress", "--no-figures"]) == 0
    (path,) = Path("out").rglob("*.h5")
    res = read_results(path)
    conn = CircuitSpec.of(res.config).connectivity
    assert len(conn.pathways["e_to_i"].pre) > 1.5 * len(conn.pathways["i_to_i"].pre)  # p 0.8 x 160 vs 0.5 x 40
    assert all(len(res.spikes[pop][0]) > 0 for pop in ("pyramidal", "interneuron"))


def test_a_node_set_of_the_network_chooses_the_recorded_cells(tmp_path, tiny):
    """recording.node_set: the named set of the network's node_sets_file, evaluated by libsonata per population."""
    from circuitsim.network.inputs import Recording

    path = export_network(tiny, tmp_path / "net")
    sets = {"few_pyramidal": {"population": "pyramidal", "node_id": [7, 1, 5]},
            "few_interneurons": {"population": "interneuron", "node_id": [0, 2]},
            "both": ["few_pyramidal", "few_interneurons"]}
    (tmp_path / "net" / "node_sets.json").write_text(json.dumps(sets))
    circuit_config = json.loads(Path(path).read_text())
    circuit_config["node_sets_file"] = "node_sets.json"
    Path(path).write_text(json.dumps(circuit_config))
    base = [f"{k}={v}" for k, v in _flat_overrides(tiny)] + [f"circuit.network={path}", "recording.variables=[v]"]
    rec = Recording.of(config_from_dict({}, [*base, "recording.node_set=both"]))
    assert {p: ids.tolist() for p, ids in rec.cells.items()} == {"pyramidal": [1, 5, 7], "interneuron": [0, 2]}
    rec = Recording.of(config_from_dict({}, [*base, "recording.node_set=few_pyramidal"]))
    assert list(rec.cells) == ["pyramidal"]  # a population the set leaves empty is not recorded
    with pytest.raises(UserInputError, match=r"^recording\.node_set: expected one of both, few_interneurons"):
        Recording.of(config_from_dict({}, [*base, "recording.node_set=nonesuch"]))
    with pytest.raises(UserInputError, match=r"^recording\.node_set: .* expected circuit\.network"):
        config_from_dict({}, ["recording.variables=[v]", "recording.node_set=both"])
    with pytest.raises(UserInputError, match=r"^recording\.fraction: give one of cells, fraction and node_set"):
        config_from_dict({}, [*base, "recording.node_set=both", "recording.fraction=0.5"])
