"""The on-disk response cache: a staircase's circuit sample, stored under a hash of what determines it.

``$CIRCUITSIM_CACHE_DIR/responses/<key>.npz``, ``key`` a hash of everything
that determines the sample (the staircase config: circuit, pharmacology,
analysis, seed, code target and threads; circuitsim and Brian2 versions; a
hash of the circuit's source files; the E->E weights when the spines set
them). A rerun with the same circuit simulates nothing, nor does another
schedule whose peak falls on the same rung of the ladder
(:data:`circuitsim.engine.sampling.LADDER`). Entries are written
atomically; a damaged entry is recomputed, never trusted.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from ..config.schema import Config
from ..network.inputs import CircuitSpec, Device, DrugInput, Stimulus, SynapseWeights
from ..network.sample import FastSample, ProgressFn, Recorded
from ..network.simulate import simulate_sample
from ..network.standalone import cache_root, resolve_threads
from ..version import __version__
from .measures import SampleAnalysis, analyse
from .probe import until


def response_key(stair: Config) -> str:
    """Hash of everything that determines the staircase sample.

    The config without its run options (:meth:`~circuitsim.config.schema.Config.science_dict`),
    of which the code target and the resolved thread count are added back
    (spike trains depend on them). Of the slow stage only the slot pool
    shapes the circuit (the weights enter the key separately,
    :func:`measure`); the timeline section only chose the staircase, which
    is the protocol.
    """
    import brian2

    data = stair.science_dict()
    data.pop("timeline", None)
    # An imported network counts by its content (the path only names it);
    # without one, the key is the one from before the key existed.
    network = data["circuit"].pop("network", None)
    if network is not None:
        data["network_digest"] = CircuitSpec.of(stair).connectivity.digest
    # The composition enters only through the blocker, which is left out
    # for ketamine (the only blocker before drug files had profiles).
    data["pharmacology"].pop("composition")
    if stair.pharmacology.blocker.is_ketamine:
        data["pharmacology"].pop("blocker")
    # Likewise a recording that records nothing.
    if not data["recording"]["variables"]:
        data.pop("recording")
    plasticity = data.pop("plasticity", None)
    if plasticity is not None:
        data["spine_slots_per_synapse"] = stair.plasticity.spines.slots_per_synapse
        if stair.plasticity.interneuron_wiring is not None:  # E->I agents: a slot pool for E->I as well
            data["e_to_i_slots_per_synapse"] = stair.plasticity.interneuron_wiring.synapses.slots_per_synapse
    blob = json.dumps({"config": data, "codegen_target": stair.codegen_target,
                       "threads": resolve_threads(stair.threads),
                       "circuitsim": __version__, "brian2": brian2.__version__,
                       "code": code_fingerprint()},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def code_fingerprint() -> str:
    """Hash of the source that produces a sample (the circuit and the drug input).

    Part of the cache key, so that a changed circuit never reuses responses
    simulated by the old one, even without a version bump. The mean-field
    model (``network/meanfield.py``) produces no sample and is left out.
    """
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    network = [p for p in root.joinpath("network").glob("*.py") if p.name != "meanfield.py"]
    for path in sorted([*network, root / "pharmacology" / "bath.py", root / "pharmacology" / "pd.py"]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_path(key: str) -> Path:
    """Where the entry `key` is stored."""
    return cache_root() / "responses" / f"{key}.npz"


def save_sample(path: Path, sample: FastSample) -> None:
    """Write `sample` to `path` atomically (temporary file in the same directory, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {"trace_t_s": sample.trace_t_s}
    for pop, (t, ids) in sample.spikes.items():
        arrays[f"spikes_t__{pop}"] = t
        arrays[f"spikes_i__{pop}"] = ids
    for name, v in sample.traces.items():
        arrays[f"trace__{name}"] = v
    for pop, rec in sample.recordings.items():
        arrays[f"rec_t__{pop}"] = rec.t_s
        arrays[f"rec_ids__{pop}"] = rec.ids
        for var, values in rec.values.items():
            arrays[f"rec__{pop}__{var}"] = values
    meta = {"n_cells": sample.n_cells, "duration_s": sample.duration_s,
            "wall_build_s": sample.wall_build_s, "wall_run_s": sample.wall_run_s,
            "seeds": sample.seeds, "run_info": sample.run_info}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)


def load_sample(path: Path) -> FastSample | None:
    """The sample stored at `path`, or None if it is missing or unreadable."""
    try:
        with np.load(path) as z:
            meta = json.loads(bytes(z["meta"]).decode())
            spikes = {}
            for pop in meta["n_cells"]:
                spikes[pop] = (z[f"spikes_t__{pop}"].copy(), z[f"spikes_i__{pop}"].copy())
            traces = {k.split("__", 1)[1]: z[k].copy() for k in z.files if k.startswith("trace__")}
            recordings = {}
            for key in z.files:
                if key.startswith("rec_t__"):
                    pop = key.split("__", 1)[1]
                    values = {k.split("__")[2]: z[k].copy() for k in z.files if k.startswith(f"rec__{pop}__")}
                    recordings[pop] = Recorded(t_s=z[key].copy(), ids=z[f"rec_ids__{pop}"].copy(), values=values)
            return FastSample(spikes=spikes, n_cells=meta["n_cells"], trace_t_s=z["trace_t_s"].copy(),
                              traces=traces, duration_s=meta["duration_s"],
                              wall_build_s=meta["wall_build_s"], wall_run_s=meta["wall_run_s"],
                              seeds=meta["seeds"], run_info=meta["run_info"], recordings=recordings)
    except (OSError, KeyError, ValueError):
        return None


def measure(stair: Config, use_cache: bool, progress: ProgressFn | None,
             weights: np.ndarray | SynapseWeights | None = None,
             stimulus: Stimulus | None = None) -> tuple[FastSample, SampleAnalysis, bool]:
    """The staircase `stair` simulated (or read from the response cache) and analysed.

    `weights`: the E->E weights (spine state), or a SynapseWeights with the
    E->I weights too, to simulate with; part of the cache key.
    `stimulus`: the circuit probe's pulses after the protocol (part of the
    key); the sample returned runs until its end, the analysis is of the
    protocol only (:func:`circuitsim.engine.probe.until`).
    """
    key = response_key(stair)
    if weights is not None:
        key = hashlib.sha256((key + weights_digest(weights)).encode()).hexdigest()[:20]
    if stimulus is not None:
        key = hashlib.sha256((key + stimulus_digest(stimulus)).encode()).hexdigest()[:20]
    path = cache_path(key)
    sample = load_sample(path) if use_cache else None
    hit = sample is not None
    if sample is None:
        sample = simulate_sample(CircuitSpec.of(stair), DrugInput.of_protocol(stair.protocol), weights,
                                 device=Device.of(stair), progress=progress, stimulus=stimulus)
        if use_cache:
            save_sample(path, sample)
    part = until(sample, stair.protocol.duration_s)
    return sample, analyse(stair, part.spikes, part.n_cells, part.trace_t_s, part.traces), hit


def weights_digest(weights: np.ndarray | SynapseWeights) -> str:
    """Hash of the weights (float64 bytes; E->E weights alone hash as their array does)."""
    w = SynapseWeights.of(weights)
    h = hashlib.sha256(b"" if w.e_to_e is None else np.ascontiguousarray(w.e_to_e, dtype=np.float64).tobytes())
    if w.e_to_i is not None:
        h.update(b"e_to_i")
        h.update(np.ascontiguousarray(w.e_to_i, dtype=np.float64).tobytes())
    return h.hexdigest()[:20]




def stimulus_digest(stimulus: Stimulus) -> str:
    """Hash of a stimulus (cells, pulse times, pulse size, end)."""
    h = hashlib.sha256(np.ascontiguousarray(stimulus.cells, dtype=np.int64).tobytes())
    h.update(np.ascontiguousarray(stimulus.times_s, dtype=np.float64).tobytes())
    h.update(np.array([stimulus.g_pulse_s, stimulus.stop_s], dtype=np.float64).tobytes())
    return h.hexdigest()[:20]
