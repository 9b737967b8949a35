"""The acute timeline: drug exposure over hours, the circuit sampled where it is needed.

The adiabatic coupling of DESIGN.md. The circuit settles within a second
(its slowest time constants: adaptation 144 ms, NMDA 100 ms) while the brain
concentration changes over minutes, so at every moment of the timeline the
circuit is in the steady state of the current concentration. Both block
models take one concentration (the racemic-equivalent, NMDA-weighted brain
concentration of S and R, :func:`~circuitsim.pharmacology.pd.racemic_equivalent_um`),
so that steady state is a function of that one number. The policy:

1. **States.** 0 and concentrations log-spaced (``per_decade`` per decade)
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
4. **Refinement.** Where a held-out state shows an interpolation error of
   a rate above ``tolerance``, it becomes a node and the states on either
   side of it are measured as new held-out states, up to ``refine`` rounds
   (:func:`run_timeline`).
5. **Interpolation.** Every timeline quantity is the piecewise-linear
   interpolation, in concentration, of its steady-state value at the nodes
   (monotone between nodes, no overshoot). The held-out midpoints are never
   used for it: the relative error of the interpolation at them is reported
   (:func:`interpolation_error`: relative to the simulated value, or to a
   tenth of the drug-free value where the simulated one is smaller) and
   tested.

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
from ..config import config_from_dict
from ..config.schema import Config
from ..network.circuit import FastSample, ProgressFn, simulate_sample
from ..network.standalone import cache_root, resolve_threads
from ..pharmacology import pd, pk
from ..pharmacology.acute import dissociation_index
from ..pharmacology.schedules import Schedule

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
    "block_ampa": "1",
}


@dataclass(frozen=True)
class StaircasePlan:
    """The states the circuit is sampled at, in simulation order.

    ``nbqx_um`` is empty for a schedule without NBQX (all states at 0).
    """

    names: tuple[str, ...]
    concentrations_um: tuple[float, ...]
    held_out: tuple[bool, ...]
    nbqx_um: tuple[float, ...] = ()

    @property
    def nbqx(self) -> tuple[float, ...]:
        """The NBQX concentration of every state (zeros without NBQX)."""
        return self.nbqx_um or (0.0,) * len(self.names)

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


def node_axis(peak_um: float, lowest_um: float, config: Config) -> np.ndarray:
    """0 and log-spaced nodes from `lowest_um` up to the quantised top over `peak_um`."""
    sp = config.timeline.sampling
    top = quantised_top(max(peak_um * sp.headroom, 2.0 * lowest_um), lowest_um)
    n_nonzero = max(2, math.ceil(sp.per_decade * math.log10(top / lowest_um) - 1e-9) + 1)
    return np.concatenate([[0.0], np.geomspace(lowest_um, top, n_nonzero)])


def _midpoint(lo: float, hi: float) -> float:
    """The held-out state between nodes: geometric mean, or half of `hi` above 0."""
    return float(hi) / 2.0 if lo == 0 else math.sqrt(float(lo) * float(hi))


def plan_states(peak_um: float, config: Config) -> StaircasePlan:
    """Node (and held-out) concentrations for a schedule whose effective concentration peaks at `peak_um`."""
    sp = config.timeline.sampling
    nodes = node_axis(peak_um, sp.lowest_um, config)
    names, conc, held = [], [], []
    for k, c in enumerate(nodes):
        if sp.held_out and k > 0:
            mid = _midpoint(nodes[k - 1], c)
            names.append(f"mid_{k - 1}")
            conc.append(float(mid))
            held.append(True)
        names.append("baseline" if k == 0 else f"node_{k}")
        conc.append(float(c))
        held.append(False)
    return StaircasePlan(tuple(names), tuple(conc), tuple(held))


def _cells(x: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Index a of the cell [axis[a], axis[a+1]] that holds each of `x`."""
    return np.clip(np.searchsorted(axis, x, side="right") - 1, 0, len(axis) - 2)


def grid_axes(eff_um: np.ndarray, nbqx_um: np.ndarray, config: Config) -> tuple[np.ndarray, np.ndarray]:
    """The first nodes of the ketamine (effective) and the NBQX axis (:func:`node_axis`)."""
    sp = config.timeline.sampling
    return (node_axis(float(np.max(eff_um)), sp.lowest_um, config),
            node_axis(float(np.max(nbqx_um)), sp.lowest_nbqx_um, config))


def visited_cells(eff_um: np.ndarray, nbqx_um: np.ndarray, kx: np.ndarray,
                  nx: np.ndarray) -> list[tuple[int, int]]:
    """The grid cells (a, b) the schedule passes through."""
    return sorted(set(zip(_cells(eff_um, kx).tolist(), _cells(nbqx_um, nx).tolist(), strict=True)))


def cell_centre(a: int, b: int, kx: np.ndarray, nx: np.ndarray) -> tuple[float, float]:
    """(ketamine, NBQX) of the held-out state of cell (a, b)."""
    return float(_midpoint(kx[a], kx[a + 1])), float(_midpoint(nx[b], nx[b + 1]))


def grid_plan(states: list[tuple[float, float, bool]], prefix: str = "") -> StaircasePlan:
    """A staircase of (ketamine, NBQX, held_out) states, after the drug-free baseline.

    The order is a snake through the rows of equal NBQX (ascending; ketamine
    ascending in even rows, descending in odd ones), so consecutive states are
    neighbours wherever the states are contiguous.
    """
    rest = sorted({st for st in states if st[:2] != (0.0, 0.0)})
    rows = sorted({n for _k, n, _h in rest})
    direction = {row: (1 if r % 2 == 0 else -1) for r, row in enumerate(rows)}
    rest.sort(key=lambda st: (st[1], direction[st[1]] * st[0]))
    ordered = [(0.0, 0.0, False), *rest]
    names = ["baseline", *(f"{prefix}{'mid' if h else 'node'}_{j}" for j, (_k, _n, h) in enumerate(rest))]
    return StaircasePlan(names=tuple(names), concentrations_um=tuple(k for k, _n, _h in ordered),
                         held_out=tuple(h for *_, h in ordered),
                         nbqx_um=tuple(n for _k, n, _h in ordered))


def bilinear(x: np.ndarray, y: np.ndarray, kx: np.ndarray, nx: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Bilinear interpolation of `grid` (values at corners kx[a], nx[b]; NaN where not sampled)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    a, b = _cells(x, kx), _cells(y, nx)
    u = np.clip((x - kx[a]) / (kx[a + 1] - kx[a]), 0.0, 1.0)
    v = np.clip((y - nx[b]) / (nx[b + 1] - nx[b]), 0.0, 1.0)
    return ((1 - u) * (1 - v) * grid[a, b] + u * (1 - v) * grid[a + 1, b]
            + (1 - u) * v * grid[a, b + 1] + u * v * grid[a + 1, b + 1])


def staircase_config(config: Config, plan: StaircasePlan) -> Config:
    """`config` with its protocol replaced by the staircase of `plan` (and no dosing)."""
    hold_s = config.analysis.transient_s + config.timeline.sampling.window_s
    data = _plain(config)
    data.pop("dosing", None)
    data["protocol"] = {
        "epochs": [{"name": n, "duration": f"{hold_s!r} s", "concentration": f"{c!r} uM",
                    **({"nbqx": f"{b!r} uM"} if b > 0 else {})}
                   for n, c, b in zip(plan.names, plan.concentrations_um, plan.nbqx, strict=True)],
        "wash_tau": "0 s",
        "baseline_epoch": "baseline",
    }
    return config_from_dict(data, [])


def _plain(config: Config) -> dict:
    """The config as plain data (YAML keys, JSON types): what ``yaml.safe_load(dump_config(config))``
    gives, without the YAML round trip (~300x faster; the same mapping, so the response keys built
    from it are unchanged)."""
    return config.model_dump(mode="json", by_alias=True)


# ---------------------------------------------------------------------- cache
def response_key(stair: Config) -> str:
    """Hash of everything that determines the staircase sample."""
    import brian2

    from .. import __version__

    data = _plain(stair)
    data.pop("output", None)
    data.pop("timeline", None)
    # Of the slow stage only the slot pool shapes the circuit (its weights
    # enter the key separately, _measure).
    plasticity = data.pop("plasticity", None)
    if plasticity is not None:
        data["spine_slots_per_synapse"] = stair.plasticity.spines.slots_per_synapse
    blob = json.dumps({"config": data, "threads": resolve_threads(stair.threads),
                       "circuitsim": __version__, "brian2": brian2.__version__,
                       "code": _code_fingerprint()},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def _code_fingerprint() -> str:
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
    #: Refinement round of each state of `plan` (0: the first staircase).
    rounds: tuple[int, ...] = ()


#: Below this fraction of its drug-free value a quantity's interpolation error
#: is taken relative to that fraction instead (a silenced population's rate
#: is near 0, where a relative error means nothing).
ERROR_FLOOR = 0.1


def interpolation_error(predicted, measured, baseline: float) -> np.ndarray:
    """(predicted - measured) / max(|measured|, ERROR_FLOOR |baseline|)."""
    predicted = np.asarray(predicted, dtype=float)
    measured = np.asarray(measured, dtype=float)
    scale = np.maximum(np.abs(measured), ERROR_FLOOR * abs(baseline))
    with np.errstate(divide="ignore", invalid="ignore"):
        return (predicted - measured) / scale


def exposure(config: Config) -> pk.PKResult:
    """The PK of `config.dosing` on the timeline grid."""
    tl = config.timeline
    n = int(math.floor(tl.horizon_s / tl.dt_s + 1e-9)) + 1
    t_h = np.arange(n) * tl.dt_s / 3600.0
    d = config.dosing
    return pk.simulate_pk(Schedule(doses=list(d.doses)), t_h, d.species, d.body_weight_kg)


def _measure(stair: Config, use_cache: bool, progress: ProgressFn | None,
             weights: np.ndarray | None = None) -> tuple[FastSample, SampleAnalysis, bool]:
    """The staircase `stair` simulated (or read from the response cache) and analysed.

    `weights`: the E->E weights (spine state) to simulate with; part of the cache key.
    """
    key = response_key(stair)
    if weights is not None:
        key = hashlib.sha256((key + weights_digest(weights)).encode()).hexdigest()[:20]
    path = _cache_path(key)
    sample = load_sample(path) if use_cache else None
    hit = sample is not None
    if sample is None:
        sample = simulate_sample(stair, progress=progress, e_to_e_weights=weights)
        if use_cache:
            save_sample(path, sample)
    return sample, analyse(stair, sample.spikes, sample.n_cells, sample.trace_t_s, sample.traces), hit


def weights_digest(weights: np.ndarray) -> str:
    """Hash of a weight array (its float64 bytes)."""
    return hashlib.sha256(np.ascontiguousarray(weights, dtype=np.float64).tobytes()).hexdigest()[:20]


def _interpolate(at, nodes: list, attr: str) -> np.ndarray:
    """A circuit quantity at concentrations `at`, from its values at the staircase's nodes.

    Linear in concentration, except NMDA-receptor block: that is linear in
    log-odds against log concentration (see :func:`_block_interpolate`).
    """
    x = np.array([e.concentration_um for e in nodes])
    y = np.array([getattr(e, attr) for e in nodes])
    if attr.startswith("block_"):
        return _block_interpolate(np.asarray(at, dtype=float), x, y)
    return np.interp(at, x, y)


_LOGIT_EPS = 1e-9


def _block_interpolate(at: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Block between nodes: straight lines of logit(block) against log(concentration).

    The Hill law is such a line (logit b = n (ln c - ln IC50)), so for the
    Hill block model this is exact at every concentration; linear
    interpolation of a concave curve reads low between nodes (about 1-2 % at
    the antidepressant peak). Below the first nonzero node the first segment
    is extended (block -> 0 as c -> 0); above the last node the last value
    is held, as :func:`numpy.interp` does. Falls back to linear interpolation
    where fewer than two nonzero nodes have a block strictly between 0 and 1.
    """
    ok = (x > 0) & np.isfinite(y) & (y > _LOGIT_EPS) & (y < 1.0 - _LOGIT_EPS)
    if ok.sum() < 2:
        return np.interp(at, x, y)
    lx = np.log(x[ok])
    ly = np.log(y[ok]) - np.log1p(-y[ok])
    out = np.interp(at, x, y)
    pos = at > 0
    la = np.log(np.where(pos, at, 1.0))
    z = np.interp(la, lx, ly)
    below = pos & (la < lx[0])
    slope = (ly[1] - ly[0]) / (lx[1] - lx[0])
    if slope > 0:  # a rising first segment: extend it towards 0 (else keep numpy's line to the 0 node)
        z = np.where(below, ly[0] + slope * (la - lx[0]), z)
    else:
        pos = pos & ~below
    inside = pos & (la <= lx[-1])  # at <= 0 keeps numpy's value, the block at the 0 node
    return np.where(inside, 1.0 / (1.0 + np.exp(-z)), out)


def _held_out_errors(nodes: list, held: list, present: list[str]) -> dict[str, np.ndarray]:
    baseline = nodes[0]
    out = {}
    for name in present:
        attr = CIRCUIT_QUANTITIES[name]
        at = np.array([e.concentration_um for e in held])
        measured = np.array([getattr(e, attr) for e in held])
        out[name] = interpolation_error(_interpolate(at, nodes, attr), measured, getattr(baseline, attr))
    return out


def _refinement_plan(nodes: list, bad: list[float], round_: int) -> StaircasePlan:
    """A staircase of the new held-out states around the promoted nodes `bad` (0 uM first)."""
    xs = sorted(e.concentration_um for e in nodes)
    mids = set()
    for b in bad:
        k = xs.index(b)
        for lo, hi in ((xs[k - 1], b), (b, xs[k + 1] if k + 1 < len(xs) else None)):
            if hi is None:
                continue
            mids.add(hi / 2.0 if lo == 0 else math.sqrt(lo * hi))
    mids = sorted(mids)
    names = ("baseline", *(f"r{round_}_mid_{j}" for j in range(len(mids))))
    return StaircasePlan(names, (0.0, *mids), (False, *([True] * len(mids))))


def run_timeline(config: Config, progress: ProgressFn | None = None,
                 weights: np.ndarray | None = None) -> Timeline:
    """Exposure, circuit steady states (cached) and their interpolation along the timeline.

    Refinement (``timeline.sampling.refine`` rounds): a held-out state whose
    rate is off the interpolation by more than ``tolerance`` becomes a node
    (it was measured directly), and the midpoints on either side of it are
    measured in a further staircase (with its own drug-free state, the
    reference of ``glutamate_rel`` and ``dopamine_rel``) as the new held-out
    states. The reported errors are those of the final nodes at the final
    held-out states.
    """
    if config.dosing is None:
        raise ValueError("run_timeline needs a config with a dosing section")
    sp = config.timeline.sampling
    res = exposure(config)
    eff_um = pd.racemic_equivalent_um(res.brain_s_um, res.brain_r_um,
                                      config.pharmacology.enantiomers.ki_s_um,
                                      config.pharmacology.enantiomers.ki_r_um)
    if res.has_nbqx:
        return _run_grid(config, res, eff_um, progress, weights)
    plan = plan_states(float(eff_um.max()), config)
    stair = staircase_config(config, plan)
    sample, analysis, hit = _measure(stair, sp.cache, progress, weights)
    nodes = [analysis.epochs[k] for k in plan.node_indices]
    held = [analysis.epochs[k] for k in plan.held_out_indices]
    present = _present(nodes)
    states = [(e, h, 0) for e, h in zip(analysis.epochs, plan.held_out, strict=True)]
    for round_ in range(1, sp.refine + 1):
        errors = _held_out_errors(nodes, held, present) if held else {}
        worst = np.nanmax(np.abs(np.vstack([errors[q] for q in ("rate_pyramidal_hz", "rate_interneuron_hz")
                                            if q in errors])), axis=0) if held else np.zeros(0)
        bad = [e for e, w in zip(held, worst, strict=True) if w > sp.tolerance]
        if not bad:
            break
        nodes = sorted([*nodes, *bad], key=lambda e: e.concentration_um)
        held = [e for e in held if e not in bad]
        rplan = _refinement_plan(nodes, [e.concentration_um for e in bad], round_)
        _s, ranalysis, rhit = _measure(staircase_config(config, rplan), sp.cache, progress, weights)
        hit = hit and rhit
        new = [ranalysis.epochs[k] for k in rplan.held_out_indices]
        held = sorted([*held, *new], key=lambda e: e.concentration_um)
        states += [(e, True, round_) for e in new]
        states = [(e, False if any(e is b for b in bad) else h, r) for e, h, r in states]

    series, units = _exposure_series(res, eff_um, config.pharmacology.dissociation.c50_ng_ml,
                                     config.pharmacology.dissociation.hill_n)
    for name in present:
        series[name] = _interpolate(eff_um, nodes, CIRCUIT_QUANTITIES[name])
    errors = _held_out_errors(nodes, held, present) if held else {q: np.zeros(0) for q in present}

    final = StaircasePlan(tuple(e.name for e, _h, _r in states),
                          tuple(e.concentration_um for e, _h, _r in states),
                          tuple(h for _e, h, _r in states))
    return Timeline(series=series, units=units, plan=final, stair_config=stair, sample=sample,
                    analysis=analysis, interpolation_error=errors, cache_hit=hit,
                    doses=_doses(config), monitoring_h=config.timeline.monitoring_s / 3600.0,
                    rounds=tuple(r for _e, _h, r in states))


def _doses(config: Config) -> list[dict]:
    return [{"start_h": dz.start_h, "duration_h": dz.duration_h, "amount": dz.amount,
             "route": dz.route, "drug": dz.drug} for dz in config.dosing.doses]


def _exposure_series(res: pk.PKResult, eff_um: np.ndarray, c50_ng_ml: float,
                     hill_n: float) -> tuple[dict, dict]:
    """The timeline's exposure series (PK, effective concentration, dissociation) and units.

    `c50_ng_ml`, `hill_n`: config ``pharmacology.dissociation``.
    """
    series: dict[str, np.ndarray] = {"time_h": np.asarray(res.time_h)}
    units = dict(TIMELINE_UNITS)
    for name, (values, unit) in res.timeline().items():
        series[name] = np.asarray(values)
        units[name] = unit
    series["effective_um"] = eff_um
    series["dissociation"] = dissociation_index(pk.um_to_ng_ml(eff_um), c50_ng_ml, hill_n)
    return series, units


def _present(epochs: list) -> list[str]:
    """The circuit quantities the sample has (the VTA ones only with the VTA)."""
    return [name for name, attr in CIRCUIT_QUANTITIES.items()
            if not np.all(np.isnan([getattr(e, attr) for e in epochs]))]


def _run_grid(config: Config, res: pk.PKResult, eff_um: np.ndarray,
              progress: ProgressFn | None, weights: np.ndarray | None = None) -> Timeline:
    """The timeline of a schedule with NBQX: a (ketamine, NBQX) grid where the schedule goes.

    The steady state then depends on two concentrations. Each axis has its
    nodes as in the one-drug case (:func:`grid_axes`); of the grid only the
    cells the schedule passes through are sampled (their four corners and,
    with ``held_out``, their centres, :func:`cell_centre`), and values are
    interpolated bilinearly within a cell. Refinement: where a centre's rate
    is off by more than ``tolerance``, the cell is split along the axis over
    which its corners change more (the centre's coordinate becomes a node of
    that axis), and the states the finer grid lacks are measured in a further
    staircase, up to ``refine`` rounds.
    """
    sp = config.timeline.sampling
    nbqx_um = res.brain_nbqx_um
    kx, nx = grid_axes(eff_um, nbqx_um, config)
    nodes: dict[tuple[float, float], object] = {}
    held: dict[tuple[float, float], object] = {}
    log: list[tuple[object, bool, int]] = []
    first = None
    hit = True
    present: list[str] = []
    for round_ in range(sp.refine + 1):
        cells = visited_cells(eff_um, nbqx_um, kx, nx)
        want = [(float(kx[a + i]), float(nx[b + j]), False)
                for a, b in cells for i in (0, 1) for j in (0, 1)
                if _state_key(kx[a + i], nx[b + j]) not in nodes]
        if sp.held_out:
            want += [(*cell_centre(a, b, kx, nx), True) for a, b in cells
                     if _state_key(*cell_centre(a, b, kx, nx)) not in held]
        if want or first is None:
            plan = grid_plan(want, prefix=f"r{round_}_" if round_ else "")
            stair = staircase_config(config, plan)
            sample, analysis, rhit = _measure(stair, sp.cache, progress, weights)
            hit = hit and rhit
            if first is None:
                first = (stair, sample, analysis)
                present = _present(analysis.epochs)
            for e, h in zip(analysis.epochs, plan.held_out, strict=True):
                if round_ and e.name == "baseline":
                    continue  # the reference of this round's relative measures only
                (held if h else nodes)[_state_key(e.concentration_um, e.nbqx_um)] = e
                log.append((e, h, round_))
        grids = {name: _grid_values(nodes, kx, nx, CIRCUIT_QUANTITIES[name]) for name in present}
        centres = [cell_centre(a, b, kx, nx) for a, b in cells] if sp.held_out else []
        errors = _grid_errors(grids, [held[_state_key(*c)] for c in centres], kx, nx)
        if round_ == sp.refine or not centres:
            break
        worst = np.nanmax(np.abs(np.vstack([errors[q] for q in ("rate_pyramidal_hz", "rate_interneuron_hz")])),
                          axis=0)
        bad = [cell for cell, w in zip(cells, worst, strict=True) if w > sp.tolerance]
        if not bad:
            break
        kx, nx = _split(bad, grids, kx, nx)

    stair, sample, analysis = first
    series, units = _exposure_series(res, eff_um, config.pharmacology.dissociation.c50_ng_ml,
                                     config.pharmacology.dissociation.hill_n)
    nb = config.pharmacology.nbqx
    series["block_ampa"] = pd.ampa_block(nbqx_um, nb.ic50_um, nb.hill_n)
    for name in present:
        series[name] = bilinear(eff_um, nbqx_um, kx, nx, grids[name])
    final = StaircasePlan(names=tuple(e.name for e, _h, _r in log),
                          concentrations_um=tuple(e.concentration_um for e, _h, _r in log),
                          held_out=tuple(h for _e, h, _r in log),
                          nbqx_um=tuple(e.nbqx_um for e, _h, _r in log))
    return Timeline(series=series, units=units, plan=final, stair_config=stair, sample=sample,
                    analysis=analysis, interpolation_error=errors, cache_hit=hit,
                    doses=_doses(config), monitoring_h=config.timeline.monitoring_s / 3600.0,
                    rounds=tuple(r for _e, _h, r in log))


def _grid_values(nodes: dict, kx: np.ndarray, nx: np.ndarray, attr: str) -> np.ndarray:
    """The measured `attr` at every grid corner (NaN where the grid was not sampled)."""
    grid = np.full((len(kx), len(nx)), np.nan)
    for a, k in enumerate(kx):
        for b, n in enumerate(nx):
            e = nodes.get(_state_key(k, n))
            if e is not None:
                grid[a, b] = getattr(e, attr)
    return grid


def _state_key(ketamine_um: float, nbqx_um: float) -> tuple[float, float]:
    """A state's concentrations to 10 significant digits (they pass through the config's text)."""
    return float(f"{ketamine_um:.10g}"), float(f"{nbqx_um:.10g}")


def _grid_errors(grids: dict[str, np.ndarray], held: list, kx: np.ndarray,
                 nx: np.ndarray) -> dict[str, np.ndarray]:
    """Interpolation error of every quantity at the held-out states `held`."""
    x = np.array([e.concentration_um for e in held])
    y = np.array([e.nbqx_um for e in held])
    out = {}
    for name, grid in grids.items():
        measured = [getattr(e, CIRCUIT_QUANTITIES[name]) for e in held]
        out[name] = interpolation_error(bilinear(x, y, kx, nx, grid), measured, grid[0, 0])
    return out


def _split(bad: list[tuple[int, int]], grids: dict[str, np.ndarray], kx: np.ndarray,
           nx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The axes with each cell of `bad` split along the axis its rates change more over."""
    new_k, new_n = set(kx.tolist()), set(nx.tolist())
    for a, b in bad:
        dk = dn = 0.0
        for q in ("rate_pyramidal_hz", "rate_interneuron_hz"):
            g = grids[q] / max(abs(grids[q][0, 0]), 1e-9)
            dk += abs(g[a + 1, b] - g[a, b]) + abs(g[a + 1, b + 1] - g[a, b + 1])
            dn += abs(g[a, b + 1] - g[a, b]) + abs(g[a + 1, b + 1] - g[a + 1, b])
        k_mid, n_mid = cell_centre(a, b, kx, nx)
        if dk >= dn:
            new_k.add(k_mid)
        else:
            new_n.add(n_mid)
    return np.array(sorted(new_k)), np.array(sorted(new_n))
