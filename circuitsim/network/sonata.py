"""A SONATA network as the cortical circuit's synapses: reading one with libsonata.

:func:`read_connectivity` takes a ``circuit_config.json`` (the layout
:func:`circuitsim.io.sonata.export_network` writes, or any SONATA
point-neuron circuit whose node populations are called ``pyramidal`` and
``interneuron``) and returns its synapses per cortical pathway, found by
their source and target node populations, in the file's edge order:

* ``delay`` (ms, required) becomes each synapse's delay;
* ``syn_weight`` (optional) becomes circuitsim's relative weight ``w_syn``
  of an excitatory synapse (the pathway's conductances multiply it); the
  inhibitory pathways carry no weight in circuitsim and must have none
  other than 1.

The cells' models and parameters stay circuitsim's (the config's
``circuit`` section), as do the external drive and the VTA: what a network
file replaces is who connects to whom, with which delay and weight.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import numpy as np

from ..errors import UserInputError
from .connectivity import PATHWAYS, Connectivity, Pathway


def read_connectivity(path: str | Path) -> tuple[Connectivity, dict[str, int]]:
    """(synapses per pathway, cells per population) of the SONATA circuit config at `path`.

    Raises
    ------
    UserInputError
        One line naming the file and what is missing or wrong.
    """
    import libsonata

    p = Path(path).expanduser().resolve()
    where = f"circuit.network: {str(p)!r}"
    try:
        circuit = libsonata.CircuitConfig.from_file(str(p))
    except OSError as err:
        raise UserInputError(f"circuit.network: cannot read {str(p)!r} ({err.strerror})") from None
    except (libsonata.SonataError, RuntimeError, ValueError) as err:
        if not p.is_file():
            raise UserInputError(f"circuit.network: cannot read {str(p)!r} (no such file)") from None
        raise UserInputError(f"{where} is not a SONATA circuit config ({' '.join(str(err).split())})") from None
    # Read again only when a file of the network changed.
    files = sorted({str(p), *(str(p.parent / f) for f in _network_files(json.loads(circuit.expanded_json)))})
    stamps = tuple((f, Path(f).stat().st_mtime_ns if Path(f).exists() else 0) for f in files)
    return _read(str(p), stamps)


def node_set_ids(path: str | Path, name: str, population: str) -> np.ndarray:
    """Node ids of `population` in the node set `name` of the SONATA circuit config at `path` (its ``node_sets_file``).

    Raises
    ------
    UserInputError
        One line naming ``recording.node_set`` and what is missing.
    """
    import libsonata

    circuit = libsonata.CircuitConfig.from_file(str(Path(path).expanduser().resolve()))
    if not circuit.node_sets_path:
        raise UserInputError(f"recording.node_set: the network {str(path)!r} names no node_sets_file; "
                             f"expected one that defines {name!r}")
    try:
        sets = libsonata.NodeSets.from_file(circuit.node_sets_path)
    except (OSError, libsonata.SonataError, RuntimeError, ValueError) as err:
        raise UserInputError(f"recording.node_set: cannot read node sets {circuit.node_sets_path!r} "
                             f"({' '.join(str(err).split())})") from None
    if name not in sets.names:
        raise UserInputError(f"recording.node_set: expected one of {', '.join(sorted(sets.names))}, got {name!r}")
    return np.asarray(sets.materialize(name, circuit.node_population(population)).flatten(), dtype=np.int64)


def _network_files(expanded: dict) -> list[str]:
    nets = expanded.get("networks", {})
    return [entry[key] for kind, key in (("nodes", "nodes_file"), ("edges", "edges_file"))
            for entry in nets.get(kind, []) if key in entry]


@functools.lru_cache(maxsize=8)
def _read(path: str, stamps: tuple) -> tuple[Connectivity, dict[str, int]]:  # noqa: ARG001 - the cache key
    import libsonata

    where = f"circuit.network: {path!r}"
    circuit = libsonata.CircuitConfig.from_file(path)
    missing = {"pyramidal", "interneuron"} - set(circuit.node_populations)
    if missing:
        raise UserInputError(f"{where}: expected node populations pyramidal and interneuron, "
                             f"got {sorted(circuit.node_populations)}")
    n = {pop: circuit.node_population(pop).size for pop in ("pyramidal", "interneuron")}
    found: dict[tuple[str, str], str] = {}
    for name in sorted(circuit.edge_populations):
        edges = circuit.edge_population(name)
        key = (edges.source, edges.target)
        if key in found:
            raise UserInputError(f"{where}: edge populations {found[key]} and {name} both connect "
                                 f"{key[0]} to {key[1]}; expected one per pathway")
        found[key] = name
    digest = hashlib.sha256()
    pathways = {}
    for pathway, key in PATHWAYS.items():
        if key not in found:
            empty = np.zeros(0)
            pathways[pathway] = Pathway(pre=empty, post=empty, delay_s=empty)
            continue
        edges = circuit.edge_population(found[key])
        sel = edges.select_all()
        if "delay" not in edges.attribute_names:
            raise UserInputError(f"{where}: edge population {found[key]} has no delay attribute (ms)")
        pre = np.asarray(edges.source_nodes(sel), dtype=np.int64)
        post = np.asarray(edges.target_nodes(sel), dtype=np.int64)
        delay_s = np.asarray(edges.get_attribute("delay", sel), dtype=float) * 1e-3
        weight = (np.asarray(edges.get_attribute("syn_weight", sel), dtype=float)
                  if "syn_weight" in edges.attribute_names else None)
        if pathway.startswith("i_") and weight is not None and np.any(weight != 1.0):
            raise UserInputError(f"{where}: edge population {found[key]} ({pathway}) has syn_weight other "
                                 f"than 1; expected 1 (an inhibitory synapse's strength is circuit.{pathway}.g_gaba)")
        if pathway.startswith("i_"):
            weight = None
        if np.any(delay_s <= 0) or not np.all(np.isfinite(delay_s)):
            raise UserInputError(f"{where}: edge population {found[key]}: expected delays > 0 ms")
        pathways[pathway] = Pathway(pre=pre, post=post, delay_s=delay_s, weight=weight)
        for arr in (pre, post, delay_s, weight if weight is not None else np.zeros(0)):
            digest.update(np.ascontiguousarray(arr).tobytes())
        digest.update(pathway.encode())
    digest.update(repr(sorted(n.items())).encode())
    return Connectivity(pathways=pathways, digest=digest.hexdigest()[:16]), n
