"""The circuit as a SONATA network: nodes, edges, their types and a circuit config.

:func:`export_network` writes the cortical circuit one config and seed
build (the same cells, pairs and delays as every sample of that config,
from the same named random streams: :func:`circuitsim.network.build.e_to_e_pairs`
and the others) in the SONATA layout that libsonata, BMTK and NEST's SONATA
reader take:

    <folder>/circuit_config.json
    <folder>/network/nodes.h5          /nodes/pyramidal, /nodes/interneuron
    <folder>/network/node_types.csv    one type per population
    <folder>/network/edges.h5          /edges/e_to_e, e_to_i, i_to_e, i_to_i (+ indices)
    <folder>/network/edge_types.csv    one type per pathway
    <folder>/components/point_neuron_models/<population>.json   cell parameters (SI)
    <folder>/components/synaptic_models/<pathway>.json          receptor parameters (SI)

Units: ``delay`` in ms (SONATA's), ``v_init`` in mV; ``syn_weight`` is
circuitsim's relative weight of the synapse (``w_syn``: 1 for a calibrated
synapse, the spine's scaled volume over a spine-slot pool, 0 for an empty
slot), multiplying the pathway's per-synapse conductances of its edge
type's dynamics parameters (``g_ampa_s``, ``g_nmda_s``, ``g_gaba_s``). The
VTA (a side branch) is not exported.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import h5py
import numpy as np

from ..atomic import atomic_path
from ..config.schema import Config
from ..engine.record import RunRecord
from ..errors import UserInputError
from ..network.build import e_to_e_pairs, pathway_pairs, pathway_weights
from ..network.connectivity import PATHWAYS
from ..network.groups import initial_voltage
from ..network.inputs import CircuitSpec, SynapseWeights
from ..network.sample import POPULATIONS
from ..plasticity.pool import slot_order, synapse_order, weight_scale

#: SONATA's magic number and the format version written.
MAGIC, VERSION = 0x0A7A, (0, 1)
NODE_TYPE_IDS = {"pyramidal": 100, "interneuron": 101}
EDGE_TYPE_IDS = {"e_to_e": 200, "e_to_i": 201, "i_to_e": 202, "i_to_i": 203}


def _si(model) -> dict:
    """The fields of a config section as numbers in their SI field units (``c_m_f``, ``tau_ampa_s``, ...)."""
    return {k: getattr(model, k) for k in type(model).model_fields}


def _cell_params(spec: CircuitSpec, pop: str) -> dict:
    p = getattr(spec.circuit, pop)
    return {"model": "circuitsim.lif_conductance_adaptation", "units": "SI (F, S, V, s, A)",
            **{k: v for k, v in _si(p).items() if k != "n"}}


def _synapse_params(spec: CircuitSpec, name: str) -> dict:
    pw = getattr(spec.circuit, name)
    rc = spec.circuit.receptors
    return {"model": "circuitsim.ampa_nmda_event" if name.startswith("e_") else "circuitsim.gaba_a",
            "units": "SI (S, V, s, mM)", "g_ampa_s": pw.g_ampa_s, "g_nmda_s": pw.g_nmda_s,
            "g_gaba_s": pw.g_gaba_s, "receptors": _si(rc)}


def export_network(config: Config, folder: str | Path, weights: SynapseWeights | None = None,
                   e_to_e_attributes: dict[str, np.ndarray] | None = None) -> Path:
    """Write `config`'s cortical circuit as a SONATA network into `folder`; return its circuit_config.json.

    `weights`: the E->E (and E->I) relative weights to write as ``syn_weight``
    (e.g. a day's spine-set weights), in the pair order of the network
    stage; default the circuit's own (:class:`~circuitsim.network.inputs.SynapseWeights`).
    `e_to_e_attributes`: more E->E edge attributes in that order (the
    spines' ``spine_state`` and ``spine_volume``, :func:`saved_spines`).
    The folder's previous ``network/`` and ``components/`` are replaced.
    """
    spec = CircuitSpec.of(config)
    weights = weights if weights is not None else SynapseWeights()
    folder = Path(folder)
    for sub in ("network", "components"):
        shutil.rmtree(folder / sub, ignore_errors=True)
    net, models, syns = folder / "network", folder / "components" / "point_neuron_models", \
        folder / "components" / "synaptic_models"
    for d in (net, models, syns):
        d.mkdir(parents=True, exist_ok=True)
    n = {pop: getattr(spec.circuit, pop).n for pop in POPULATIONS}

    _write_nodes(spec, net, models, n)
    _write_edges(spec, net, n, weights, e_to_e_attributes)
    with open(net / "edge_types.csv", "w", newline="") as fh:
        w = csv.writer(fh, delimiter=" ")
        w.writerow(["edge_type_id", "pathway", "model_template", "dynamics_params"])
        for name, type_id in EDGE_TYPE_IDS.items():
            template = "circuitsim:ampa_nmda_event" if name.startswith("e_") else "circuitsim:gaba_a"
            w.writerow([type_id, name, template, f"{name}.json"])
            (syns / f"{name}.json").write_text(json.dumps(_synapse_params(spec, name), indent=1))

    circuit = {
        "manifest": {"$BASE_DIR": "."},
        "components": {"point_neuron_models_dir": "$BASE_DIR/components/point_neuron_models",
                       "synaptic_models_dir": "$BASE_DIR/components/synaptic_models"},
        "networks": {
            "nodes": [{"nodes_file": "$BASE_DIR/network/nodes.h5",
                       "node_types_file": "$BASE_DIR/network/node_types.csv",
                       "populations": {pop: {"type": "point_neuron"} for pop in POPULATIONS}}],
            "edges": [{"edges_file": "$BASE_DIR/network/edges.h5",
                       "edge_types_file": "$BASE_DIR/network/edge_types.csv",
                       "populations": {name: {"type": "chemical"} for name in PATHWAYS}}],
        },
        "circuitsim": {"seed": config.seed, "dt_s": spec.circuit.dt_s,
                       "spine_slots": spec.spine_slots, "e_to_i_slots": spec.e_to_i_slots},
    }
    out = folder / "circuit_config.json"
    with atomic_path(out) as tmp:
        Path(tmp).write_text(json.dumps(circuit, indent=1))
    return out


def _write_nodes(spec: CircuitSpec, net: Path, models: Path, n: dict[str, int]) -> None:
    """nodes.h5 (``v_init`` in mV), node_types.csv and each population's parameters."""
    with atomic_path(net / "nodes.h5") as tmp, h5py.File(tmp, "w") as f:
        _root_attrs(f)
        for pop in POPULATIONS:
            g = f.create_group(f"nodes/{pop}")
            g["node_type_id"] = np.full(n[pop], NODE_TYPE_IDS[pop], dtype=np.int64)
            g["node_group_id"] = np.zeros(n[pop], dtype=np.int64)
            g["node_group_index"] = np.arange(n[pop], dtype=np.int64)
            g.create_group("0")["v_init"] = initial_voltage(spec.seed, pop, getattr(spec.circuit, pop)) * 1e3
    with open(net / "node_types.csv", "w", newline="") as fh:
        w = csv.writer(fh, delimiter=" ")
        w.writerow(["node_type_id", "pop_name", "model_type", "model_template", "dynamics_params"])
        for pop in POPULATIONS:
            w.writerow([NODE_TYPE_IDS[pop], pop, "point_neuron", "circuitsim:lif_conductance_adaptation",
                        f"{pop}.json"])
            (models / f"{pop}.json").write_text(json.dumps(_cell_params(spec, pop), indent=1))


def _write_edges(spec: CircuitSpec, net: Path, n: dict[str, int], weights: SynapseWeights,
                 e_to_e_attributes: dict[str, np.ndarray] | None) -> None:
    """edges.h5: each pathway's pairs, ``delay`` (ms), ``syn_weight`` and extra E->E attributes, with libsonata's indices."""
    with atomic_path(net / "edges.h5") as tmp:
        with h5py.File(tmp, "w") as f:
            _root_attrs(f)
            for name, (src, dst) in PATHWAYS.items():
                i, j, d = pathway_pairs(spec, name)
                w = pathway_weights(spec, name, len(i), weights)
                g = f.create_group(f"edges/{name}")
                g.create_dataset("source_node_id", data=i.astype(np.uint64)).attrs["node_population"] = src
                g.create_dataset("target_node_id", data=j.astype(np.uint64)).attrs["node_population"] = dst
                g["edge_type_id"] = np.full(len(i), EDGE_TYPE_IDS[name], dtype=np.int64)
                g["edge_group_id"] = np.zeros(len(i), dtype=np.int64)
                g["edge_group_index"] = np.arange(len(i), dtype=np.int64)
                grp = g.create_group("0")
                grp["delay"] = d * 1e3
                grp["syn_weight"] = np.ones(len(i)) if w is None else w
                extra = (e_to_e_attributes or {}) if name == "e_to_e" else {}
                for key, values in extra.items():
                    if len(values) != len(i):
                        raise ValueError(f"e_to_e attribute {key}: expected {len(i)} entries, got {len(values)}")
                    grp[key] = values
        _write_indices(tmp, n)


def saved_spines(results: RunRecord, label: str) -> tuple[SynapseWeights, dict[str, np.ndarray]]:
    """The E->E weights a plasticity run's saved spine pool sets, and its spines as edge attributes.

    `label`: a pool the results file saved (``/spines/pool/<label>``:
    ``healthy``, ``at dose``, ``end``, ``day <d>`` of ``plasticity.save_pools``). Returns the weights in the network
    stage's synapse order (volume x the pool's weight scale, as the run gave
    them to its circuit) and ``spine_state`` (0 empty slot, 1 young, 2
    stable) and ``spine_volume`` (relative) in the same order.
    """
    pools = results.days.get("pool", {}) if results.days else {}
    if label not in pools:
        have = ", ".join(pools) or "none (not a plasticity run)"
        raise UserInputError(f"--pool: expected a saved spine pool of the results ({have}), got {label!r}")
    config = results.config
    _pre, post = e_to_e_pairs(CircuitSpec.of(config))
    order = slot_order(post)
    if len(order) != len(pools[label]["volume"]):
        raise UserInputError(f"--pool: the saved pool has {len(pools[label]['volume'])} slots, the results' "
                             f"config {len(order)}; expected the same circuit")
    scale = weight_scale(pools["healthy"]["volume"], config.plasticity.spines.slots_per_synapse)
    volume = np.asarray(pools[label]["volume"])
    weights = synapse_order(volume.astype(np.float64) * scale, order)
    return SynapseWeights(e_to_e=weights), {"spine_state": synapse_order(np.asarray(pools[label]["state"]), order),
                                            "spine_volume": synapse_order(volume, order)}


def _root_attrs(f: h5py.File) -> None:
    f.attrs["magic"] = np.uint32(MAGIC)
    f.attrs["version"] = np.array(VERSION, dtype=np.uint32)


def _write_indices(path: Path, n: dict[str, int]) -> None:
    """libsonata's source -> target and target -> source indices of every edge population."""
    import libsonata

    for name, (src, dst) in PATHWAYS.items():
        libsonata.EdgePopulation.write_indices(str(path), name, n[src], n[dst])
