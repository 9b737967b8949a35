"""The acute timeline: drug exposure over hours, the circuit sampled where it is needed.

The adiabatic coupling of DESIGN.md. The circuit settles within a second
(its slowest time constants: adaptation 144 ms, NMDA 100 ms) while the brain
concentration changes over minutes, so at every moment of the timeline the
circuit is in the steady state of the current concentration. Both block
models take one concentration (the racemic-equivalent, NMDA-weighted brain
concentration of S and R, :func:`~circuitsim.pharmacology.pk.racemic_equivalent_um`),
so that steady state is a function of that one number. The policy:

1. **States.** ``timeline.sampling.nodes`` concentrations: 0 and log-spaced
   from ``lowest`` up to ``headroom`` x the schedule's peak, rounded up to
   a rung of a ladder of ratio 2^(1/4) (:func:`quantised_top`), so the
   whole range the timeline visits is covered, densest at low
   concentrations where the block changes fastest in relative terms; with
   ``held_out`` also the geometric midpoints between neighbours (for the
   first interval, half the lowest node).
2. **Simulation.** One ascending staircase run of the circuit: each state
   held for ``analysis.transient`` (settling after the step) plus
   ``sampling.window`` (measured), concentration steps (``wash_tau`` 0).
   One compiled program, one run; the steps are small, so each settles
   within the transient.
3. **Cache.** The sample is stored under
   ``$CIRCUITSIM_CACHE_DIR/responses/<key>.npz``, ``key`` a hash of
   everything that determines it (the staircase config: circuit,
   pharmacology, analysis, seed, code target and threads; circuitsim and
   Brian2 versions; a hash of the circuit's source files). A rerun with the same circuit simulates nothing, nor
   does another schedule whose peak falls on the same rung of the ladder.
4. **Interpolation.** Every timeline quantity is the piecewise-linear
   interpolation, in concentration, of its steady-state value at the nodes
   (monotone between nodes, no overshoot). The held-out midpoints are never
   used for it: the relative error of the interpolation at them is reported
   (``interpolation_error``) and tested.

Acute side effects computed from concentration directly: the dissociation
index (:mod:`circuitsim.pharmacology.acute`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..analysis.measures import SampleAnalysis, analyse
from ..config import config_from_dict, dump_config
from ..config.schema import Config
from ..network.circuit import FastSample, ProgressFn, simulate_sample
from ..network.standalone import cache_root, resolve_threads
from ..pharmacology import pk
from ..pharmacology.acute import dissociation_index

#: Quantities interpolated from the circuit's steady states: timeline name ->
#: EpochMeasures attribute.
CIRCUIT_QUANTITIES = {
    "rate_pyramidal_hz": "rate_pyramidal_hz",
    "rate_interneuron_hz": "rate_interneuron_hz",
    "glutamate_rel": "glutamate_rel",
    "block_pyramidal": "block_pyramidal",
    "block_interneuron": "block_interneuron",
    "rate_vta_dopamine_hz": "rate_vta_dopamine_hz",
    "rate_vta_gaba_hz": "rate_vta_gaba_hz",
    "dopamine_rel": "dopamine_rel",
}

TIMELINE_UNITS = {
    "time_h": "h",
    "effective_um": "uM",
    "block_pyramidal": "1",
    "block_interneuron": "1",
    "rate_pyramidal_hz": "Hz",
    "rate_interneuron_hz": "Hz",
    "glutamate_rel": "1",
    "rate_vta_dopamine_hz": "Hz",
    "rate_vta_gaba_hz": "Hz",
    "dopamine_rel": "1",
    "dissociation": "1",
}


@dataclass(frozen=True)
class StaircasePlan:
    """The states the circuit is sampled at, in simulation order."""

    names: tuple[str, ...]
    concentrations_um: tuple[float, ...]
    held_out: tuple[bool, ...]

    @property
    def node_indices(self) -> list[int]:
        return [k for k, h in enumerate(self.held_out) if not h]

    @property
    def held_out_indices(self) -> list[int]:
        return [k for k, h in enumerate(self.held_out) if h]


#: The top node is rounded up to ``lowest * LADDER**k``: schedules whose peaks
#: differ by less than this factor (19 %) share their nodes, hence their
#: cached circuit responses (a dose sweep reuses them).
LADDER = 2.0 ** 0.25


def quantised_top(top_um: float, lowest_um: float) -> float:
    """`top_um` rounded up to the next rung ``lowest_um * LADDER**k`` (k >= 1)."""
    k = max(1, math.ceil(math.log(top_um / lowest_um) / math.log(LADDER) - 1e-9))
    return lowest_um * LADDER**k


def plan_states(peak_um: float, config: Config) -> StaircasePlan:
    """Node (and held-out) concentrations for a schedule whose effective concentration peaks at `peak_um`."""
    sp = config.timeline.sampling
    top = quantised_top(max(peak_um * sp.headroom, 2.0 * sp.lowest_um), sp.lowest_um)
    nonzero = np.geomspace(sp.lowest_um, top, sp.nodes - 1)
    nodes = np.concatenate([[0.0], nonzero])
    names, conc, held = [], [], []
    for k, c in enumerate(nodes):
        if sp.held_out and k > 0:
            lo = nodes[k - 1]
            mid = c / 2.0 if lo == 0 else math.sqrt(lo * c)
            names.append(f"mid_{k - 1}")
            conc.append(float(mid))
            held.append(True)
        names.append("baseline" if k == 0 else f"node_{k}")
        conc.append(float(c))
        held.append(False)
    return StaircasePlan(tuple(names), tuple(conc), tuple(held))


def staircase_config(config: Config, plan: StaircasePlan) -> Config:
    """`config` with its protocol replaced by the staircase of `plan` (and no dosing)."""
    hold_s = config.analysis.transient_s + config.timeline.sampling.window_s
    data = json.loads(json.dumps(_plain(config)))
    data.pop("dosing", None)
    data["protocol"] = {
        "epochs": [{"name": n, "duration": f"{hold_s!r} s", "concentration": f"{c!r} uM"}
                   for n, c in zip(plan.names, plan.concentrations_um, strict=True)],
        "wash_tau": "0 s",
        "baseline_epoch": "baseline",
    }
    return config_from_dict(data, [])


def _plain(config: Config) -> dict:
    import yaml

    return yaml.safe_load(dump_config(config))


# ---------------------------------------------------------------------- cache
def response_key(stair: Config) -> str:
    """Hash of everything that determines the staircase sample."""
    import brian2

    from .. import __version__

    data = _plain(stair)
    data.pop("output", None)
    data.pop("timeline", None)
    blob = json.dumps({"config": data, "threads": resolve_threads(stair.threads),
                       "circuitsim": __version__, "brian2": brian2.__version__,
                       "code": _code_fingerprint()},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def _code_fingerprint() -> str:
    """Hash of the source that produces a sample (the circuit and the drug input).

    Part of the cache key, so that a changed circuit never reuses responses
    simulated by the old one, even without a version bump.
    """
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted([*root.joinpath("network").glob("*.py"),
                        root / "pharmacology" / "bath.py", root / "pharmacology" / "pd.py"]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _cache_path(key: str) -> Path:
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
    meta = {"n_cells": sample.n_cells, "duration_s": sample.duration_s,
            "wall_build_s": sample.wall_build_s, "wall_run_s": sample.wall_run_s,
            "seeds": sample.seeds, "run_info": sample.run_info}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_sample(path: Path) -> FastSample | None:
    """The sample stored at `path`, or None if it is missing or unreadable."""
    try:
        with np.load(path) as z:
            meta = json.loads(bytes(z["meta"]).decode())
            spikes = {}
            for pop in meta["n_cells"]:
                spikes[pop] = (z[f"spikes_t__{pop}"].copy(), z[f"spikes_i__{pop}"].copy())
            traces = {k.split("__", 1)[1]: z[k].copy() for k in z.files if k.startswith("trace__")}
            return FastSample(spikes=spikes, n_cells=meta["n_cells"], trace_t_s=z["trace_t_s"].copy(),
                              traces=traces, duration_s=meta["duration_s"],
                              wall_build_s=meta["wall_build_s"], wall_run_s=meta["wall_run_s"],
                              seeds=meta["seeds"], run_info=meta["run_info"])
    except (OSError, KeyError, ValueError):
        return None


# ------------------------------------------------------------------- timeline
@dataclass(frozen=True)
class Timeline:
    """The acute timeline of a dosing experiment and how it was obtained."""

    series: dict[str, np.ndarray]
    units: dict[str, str]
    plan: StaircasePlan
    stair_config: Config
    sample: FastSample
    analysis: SampleAnalysis
    interpolation_error: dict[str, np.ndarray]
    cache_hit: bool
    doses: list[dict] = field(default_factory=list)
    monitoring_h: float = 2.0


def exposure(config: Config) -> pk.PKResult:
    """The PK of `config.dosing` on the timeline grid."""
    tl = config.timeline
    n = int(math.floor(tl.horizon_s / tl.dt_s + 1e-9)) + 1
    t_h = np.arange(n) * tl.dt_s / 3600.0
    d = config.dosing
    return pk.simulate_pk(pk.Schedule(doses=list(d.doses)), t_h, d.species, d.body_weight_kg)


def run_timeline(config: Config, progress: ProgressFn | None = None) -> Timeline:
    """Exposure, circuit steady states (cached) and their interpolation along the timeline."""
    if config.dosing is None:
        raise ValueError("run_timeline needs a config with a dosing section")
    res = exposure(config)
    eff_um = pk.racemic_equivalent_um(res.brain_s_um, res.brain_r_um)
    plan = plan_states(float(eff_um.max()), config)
    stair = staircase_config(config, plan)
    path = _cache_path(response_key(stair))
    sample = load_sample(path) if config.timeline.sampling.cache else None
    hit = sample is not None
    if sample is None:
        sample = simulate_sample(stair, progress=progress)
        if config.timeline.sampling.cache:
            save_sample(path, sample)
    analysis = analyse(stair, sample.spikes, sample.n_cells, sample.trace_t_s, sample.traces)
    nodes = [analysis.epochs[k] for k in plan.node_indices]
    x_nodes = np.array([e.concentration_um for e in nodes])

    series: dict[str, np.ndarray] = {"time_h": np.asarray(res.time_h)}
    units = dict(TIMELINE_UNITS)
    for name, (values, unit) in res.timeline().items():
        series[name] = np.asarray(values)
        units[name] = unit
    series["effective_um"] = eff_um
    for name, attr in CIRCUIT_QUANTITIES.items():
        y = np.array([getattr(e, attr) for e in nodes])
        if np.all(np.isnan(y)):  # a quantity the circuit does not have (no VTA)
            continue
        series[name] = np.interp(eff_um, x_nodes, y)
    series["dissociation"] = dissociation_index(pk.um_to_ng_ml(eff_um))

    errors: dict[str, np.ndarray] = {}
    for name, attr in CIRCUIT_QUANTITIES.items():
        if name not in series:
            continue
        y = np.array([getattr(e, attr) for e in nodes])
        measured = np.array([getattr(analysis.epochs[k], attr) for k in plan.held_out_indices])
        at = np.array([analysis.epochs[k].concentration_um for k in plan.held_out_indices])
        predicted = np.interp(at, x_nodes, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            errors[name] = (predicted - measured) / np.abs(measured)

    doses = [{"start_h": dz.start_h, "duration_h": dz.duration_h, "amount": dz.amount,
              "route": dz.route, "drug": dz.drug} for dz in config.dosing.doses]
    return Timeline(series=series, units=units, plan=plan, stair_config=stair, sample=sample,
                    analysis=analysis, interpolation_error=errors, cache_hit=hit, doses=doses,
                    monitoring_h=config.timeline.monitoring_s / 3600.0)
