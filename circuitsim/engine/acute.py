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
2. **Simulation.** Two ascending staircase runs of the circuit, one
   through the nodes and one through the held-out states, each from the
   drug-free state (:func:`~circuitsim.engine.sampling.split_held_out`):
   each state held for ``analysis.transient`` (settling after the step)
   plus ``sampling.window`` (measured), concentration steps (``wash_tau``
   0). One compiled program; the steps are small, so each settles within
   the transient. The held-out run is independent of the nodes' run, so
   with two workers it runs in a helper process beside it
   (:mod:`circuitsim.engine.helpers`; same results with one).
3. **Cache.** The sample is stored in the on-disk response cache
   (:mod:`circuitsim.engine.response`): a rerun with the same circuit
   simulates nothing, nor does another schedule whose peak falls on the
   same rung of the ladder.
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

import math
from dataclasses import dataclass

import numpy as np

from ..config import drugs
from ..config.schema import Config
from ..network.sample import FastSample, ProgressFn
from ..pharmacology import pd, pk
from ..pharmacology.acute import dissociation_index
from ..pharmacology.exposure import PKResult, um_to_ng_ml
from ..pharmacology.schedules import Schedule
from ..pharmacology.selectivity import site_ki_um
from . import interpolation as ip
from .helpers import Beside, HelperPool, resolve_workers
from .measures import SampleAnalysis
from .response import measure
from .sampling import (
    StaircasePlan,
    cell_centre,
    grid_axes,
    grid_plan,
    plan_states,
    refinement_plan,
    split_held_out,
    staircase_config,
    state_key,
    visited_cells,
)

#: Units of the timeline's series (PK series bring their own).
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


# ------------------------------------------------------------------- timeline
@dataclass(frozen=True)
class Timeline:
    """The acute timeline of a dosing experiment and how it was obtained.

    `series` on the timeline's time axis (``time_h``, h from the first
    dose), units in `units`; `plan` the states sampled (in simulation
    order, with their refinement `rounds`, 0 for the first staircase);
    `stair_config`, `sample` and `analysis` the first staircase's run (its
    nodes), `held_sample` and `held_analysis` that of its held-out states
    (None without them);
    `doses` one row per dose (``start_h``, ``duration_h``, ``amount``,
    ``route``, ``drug``); `monitoring_h` the config's ``timeline.monitoring``.
    """

    series: dict[str, np.ndarray]
    units: dict[str, str]
    plan: StaircasePlan
    stair_config: Config
    sample: FastSample
    analysis: SampleAnalysis
    interpolation_error: dict[str, np.ndarray]
    cache_hit: bool
    doses: list[dict]
    monitoring_h: float
    rounds: tuple[int, ...]
    held_sample: FastSample | None = None
    held_analysis: SampleAnalysis | None = None


def exposure(config: Config) -> PKResult:
    """The PK of `config.dosing` on the timeline grid."""
    tl = config.timeline
    n = int(math.floor(tl.horizon_s / tl.dt_s + 1e-9)) + 1
    t_h = np.arange(n) * tl.dt_s / 3600.0
    d = config.dosing
    return pk.simulate_pk(Schedule(doses=list(d.doses)), t_h, d.species, d.body_weight_kg)


def measure_states(config: Config, plan: StaircasePlan, progress: ProgressFn | None,
                   weights: np.ndarray | None, helpers: HelperPool):
    """The states of `plan` measured as two staircases: its nodes here, its held-out states beside.

    Returns the nodes' staircase config, sample and analysis, whether both
    came from the response cache, (epoch, held_out) of every state: the
    nodes' run first (its drug-free state included), then the held-out
    states (without their run's drug-free state, the reference of their
    relative measures), and the held-out run's sample and analysis (None
    without held-out states).
    """
    use_cache = config.timeline.sampling.cache
    nodes_plan, held_plan = split_held_out(plan)
    held_run = None
    if held_plan is not None:
        workers = resolve_workers(config.workers)
        held_run = Beside(workers, helpers, measure, staircase_config(config, held_plan), use_cache,
                          progress if workers <= 1 else None, weights)
    stair = staircase_config(config, nodes_plan)
    sample, analysis, hit = measure(stair, use_cache, progress, weights)
    states = [(e, h) for e, h in zip(analysis.epochs, nodes_plan.held_out, strict=True)]
    held = None
    if held_run is not None:
        held = held_run.result()
        hit = hit and held[2]
        states += [(e, True) for e in held[1].epochs[1:]]
    return stair, sample, analysis, hit, states, (held[0], held[1]) if held else (None, None)


def run_timeline(config: Config, progress: ProgressFn | None = None,
                 weights: np.ndarray | None = None, helpers: HelperPool | None = None) -> Timeline:
    """Exposure, circuit steady states (cached) and their interpolation along the timeline.

    Refinement (``timeline.sampling.refine`` rounds): a held-out state whose
    rate is off the interpolation by more than ``tolerance`` becomes a node
    (it was measured directly), and the midpoints on either side of it are
    measured in a further staircase (with its own drug-free state, the
    reference of ``glutamate_rel`` and ``dopamine_rel``) as the new held-out
    states. The reported errors are those of the final nodes at the final
    held-out states. `helpers`: the experiment's helper processes (a pool
    of its own, closed on return, when None).
    """
    if config.dosing is None:
        raise ValueError("run_timeline needs a config with a dosing section")
    if helpers is None:
        helpers = HelperPool()
        try:
            return run_timeline(config, progress, weights, helpers)
        finally:
            helpers.close()
    sp = config.timeline.sampling
    res = exposure(config)
    eff_um = effective_um(res, config)
    if res.has_nbqx:
        return run_grid(config, res, eff_um, progress, weights, helpers)
    plan = plan_states(float(eff_um.max()), config)
    stair, sample, analysis, hit, first, held_run = measure_states(config, plan, progress, weights, helpers)
    nodes = [e for e, h in first if not h]
    held = [e for e, h in first if h]
    present = present_quantities(nodes)
    states = [(e, h, 0) for e, h in first]
    for round_ in range(1, sp.refine + 1):
        errors = ip.held_out_errors(nodes, held, present) if held else {}
        worst = np.nanmax(np.abs(np.vstack([errors[q] for q in ip.REFINED_BY
                                            if q in errors])), axis=0) if held else np.zeros(0)
        bad = [e for e, w in zip(held, worst, strict=True) if w > sp.tolerance]
        if not bad:
            break
        nodes = sorted([*nodes, *bad], key=lambda e: e.concentration_um)
        held = [e for e in held if e not in bad]
        rplan = refinement_plan(nodes, [e.concentration_um for e in bad], round_)
        _s, ranalysis, rhit = measure(staircase_config(config, rplan), sp.cache, progress, weights)
        hit = hit and rhit
        new = [ranalysis.epochs[k] for k in rplan.held_out_indices]
        held = sorted([*held, *new], key=lambda e: e.concentration_um)
        states += [(e, True, round_) for e in new]
        states = [(e, False if any(e is b for b in bad) else h, r) for e, h, r in states]

    series, units = exposure_series(res, eff_um, config)
    for name in present:
        series[name] = ip.interpolate(eff_um, nodes, ip.CIRCUIT_QUANTITIES[name])
    errors = ip.held_out_errors(nodes, held, present) if held else {q: np.zeros(0) for q in present}

    final = StaircasePlan(tuple(e.name for e, _h, _r in states),
                          tuple(e.concentration_um for e, _h, _r in states),
                          tuple(h for _e, h, _r in states))
    return Timeline(series=series, units=units, plan=final, stair_config=stair, sample=sample,
                    analysis=analysis, interpolation_error=errors, cache_hit=hit,
                    doses=dose_table(config), monitoring_h=config.timeline.monitoring_s / 3600.0,
                    rounds=tuple(r for _e, _h, r in states), held_sample=held_run[0],
                    held_analysis=held_run[1])


def dose_table(config: Config) -> list[dict]:
    return [{"start_h": dz.start_h, "duration_h": dz.duration_h, "amount": dz.amount,
             "route": dz.route, "drug": drugs.label(dz.drug)} for dz in config.dosing.doses]


def effective_um(res: PKResult, config: Config) -> np.ndarray:
    """The racemic-equivalent brain concentration of every NMDA-channel blocker dosed.

    S and R with ``pharmacology.enantiomers``; any other drug's components
    with their drug file's affinity, or with the pyramidal potency its
    subunit IC50s give (:func:`~circuitsim.pharmacology.selectivity.site_ki_um`);
    summed by :func:`~circuitsim.pharmacology.pd.channel_site_equivalent_um`.
    """
    pc = config.pharmacology
    ki = pc.enantiomers
    others = [(x.brain_um, site_ki_um(x.nmda_ki_um, x.nmda_subunit_ic50_um, pc))
              for x in res.others if x.nmda_ki_um is not None]
    return pd.channel_site_equivalent_um(res.brain_s_um, res.brain_r_um, ki.ki_s_um, ki.ki_r_um, others)


def exposure_series(res: PKResult, eff_um: np.ndarray, config: Config) -> tuple[dict, dict]:
    """The timeline's exposure series (PK, effective concentration, dissociation) and units.

    The dissociation index with ``pharmacology.dissociation`` of `config`.
    """
    series: dict[str, np.ndarray] = {"time_h": np.asarray(res.time_h)}
    units = dict(TIMELINE_UNITS)
    for name, (values, unit) in res.timeline().items():
        series[name] = np.asarray(values)
        units[name] = unit
    series["effective_um"] = eff_um
    di = config.pharmacology.dissociation
    series["dissociation"] = dissociation_index(um_to_ng_ml(eff_um), di.c50_ng_ml, di.hill_n)
    return series, units


def present_quantities(epochs: list) -> list[str]:
    """The circuit quantities the sample has (the VTA ones only with the VTA)."""
    return [name for name, attr in ip.CIRCUIT_QUANTITIES.items()
            if not np.all(np.isnan([getattr(e, attr) for e in epochs]))]


def run_grid(config: Config, res: PKResult, eff_um: np.ndarray, progress: ProgressFn | None,
             weights: np.ndarray | None, helpers: HelperPool) -> Timeline:
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
                if state_key(kx[a + i], nx[b + j]) not in nodes]
        if sp.held_out:
            want += [(*cell_centre(a, b, kx, nx), True) for a, b in cells
                     if state_key(*cell_centre(a, b, kx, nx)) not in held]
        if want or first is None:
            plan = grid_plan(want, prefix=f"r{round_}_" if round_ else "")
            stair, sample, analysis, rhit, measured, held_run = measure_states(config, plan, progress,
                                                                               weights, helpers)
            hit = hit and rhit
            if first is None:
                first = (stair, sample, analysis, *held_run)
                present = present_quantities(analysis.epochs)
            for e, h in measured:
                if round_ and e.name == "baseline":
                    continue  # the reference of this round's relative measures only
                (held if h else nodes)[state_key(e.concentration_um, e.nbqx_um)] = e
                log.append((e, h, round_))
        grids = {name: ip.grid_values(nodes, kx, nx, ip.CIRCUIT_QUANTITIES[name]) for name in present}
        centres = [cell_centre(a, b, kx, nx) for a, b in cells] if sp.held_out else []
        errors = ip.grid_errors(grids, [held[state_key(*c)] for c in centres], kx, nx)
        if round_ == sp.refine or not centres:
            break
        worst = np.nanmax(np.abs(np.vstack([errors[q] for q in ip.REFINED_BY])),
                          axis=0)
        bad = [cell for cell, w in zip(cells, worst, strict=True) if w > sp.tolerance]
        if not bad:
            break
        kx, nx = ip.split_cells(bad, grids, kx, nx)

    stair, sample, analysis, held_sample, held_analysis = first
    series, units = exposure_series(res, eff_um, config)
    nb = config.pharmacology.nbqx
    series["block_ampa"] = pd.ampa_block(nbqx_um, nb.ic50_um, nb.hill_n)
    for name in present:
        series[name] = ip.bilinear(eff_um, nbqx_um, kx, nx, grids[name])
    final = StaircasePlan(names=tuple(e.name for e, _h, _r in log),
                          concentrations_um=tuple(e.concentration_um for e, _h, _r in log),
                          held_out=tuple(h for _e, h, _r in log),
                          nbqx_um=tuple(e.nbqx_um for e, _h, _r in log))
    return Timeline(series=series, units=units, plan=final, stair_config=stair, sample=sample,
                    analysis=analysis, interpolation_error=errors, cache_hit=hit,
                    doses=dose_table(config), monitoring_h=config.timeline.monitoring_s / 3600.0,
                    rounds=tuple(r for _e, _h, r in log), held_sample=held_sample,
                    held_analysis=held_analysis)


