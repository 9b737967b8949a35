"""Days of plasticity in closed loop with the circuit: stress, a dose, the cascade, the spines.

The slow stage of DESIGN.md. Time 0 is the start of the dosing schedule; a
stress history (``plasticity.stress``) runs before it, from
-``stress.duration`` to 0; the experiment ends ``plasticity.days_after``
after 0. Steps: ``plasticity.slow_step`` during the stress history and
after the drug's window, ``plasticity.acute_step`` over the drug's window
(0 to ``timeline.horizon``); before them, the drug-free lead of early
imaging sessions (:mod:`circuitsim.engine.sessions`).

The loop, with the spine pool's volumes as the circuit's E->E weights
(:mod:`circuitsim.plasticity.pool`):

1. The healthy pool (burn-in at rest).
2. Stress: spines stepped with the neurons' stress levels, the cascade at
   rest (no drug, no change in drive).
3. The dose: the acute timeline (:func:`circuitsim.engine.acute.run_timeline`)
   of the circuit *with the spines present at the dose*, and from it each
   pyramidal neuron's drive at every sampled drug state
   (:mod:`circuitsim.engine.drives`).
4. The cascade (:mod:`circuitsim.plasticity.signalling`) per neuron with
   these drives and the interventions active at each step; the spines
   (:mod:`circuitsim.plasticity.spines`) with the synaptic protein (mean
   over the step) and no stress.
5. The circuit without drug, sampled with the current spines at the dose
   and then every ``plasticity.sample_every``: its firing over days
   (:mod:`circuitsim.engine.checks`).

Drives are relative to the drug-free circuit *with the same spines*, so the
cascade answers to the drug (and the interventions), not to the slow change
of baseline activity that the spines themselves cause (which would need
homeostatic mechanisms the model does not have).
"""

from __future__ import annotations

import copy
import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np

from ..config.schema import Config
from ..network.sample import ProgressFn
from ..pharmacology import pk
from ..pharmacology.schedules import Schedule
from ..plasticity import signalling as sig
from ..plasticity import spines as sp
from ..plasticity import spinogenesis as sg
from ..plasticity.age import adolescent_step
from ..plasticity.imaging import ImagingReadout
from ..plasticity.pool import CircuitPool, healthy_pool, spine_rules
from ..plasticity.wiring import e_to_i_pool, phenotype, step_wiring, wiring_streams
from ..seeds import int_seed
from .acute import Timeline, effective_um, run_timeline
from .checks import CircuitCheck, acute_check, check_inputs
from .drives import DriveTable, drive_table
from .helpers import HelperPool, resolve_workers
from .merge import merged_timeline
from .parallel import CheckQueue
from .probe import PROBE_STREAMS
from .rules import cascade_rules, inhibition, program_rules, stress_levels
from .sessions import LEAD_STREAM, NEURON_STREAM, ImagingSessions
from .timegrid import pre_dose_key, time_grid_h
from .wiring import WIRING_SERIES, circuit_weights

_H_PER_D = 24.0
_S_PER_H = 3600.0

#: Random streams of the slow stage (name under the master seed, seeds.py).
SPINE_STREAMS = ("spines.burn_in", "spines.experiment", "stress.susceptibility")

#: The slow-stage series and their units.
SLOW_UNITS = {
    "p_eef2": "1", "bdnf": "1", "trkb": "1", "mtorc1": "1", "synaptic_protein": "1",
    "spine_density_rel": "1", "spine_volume_mean": "1",
    "spine_density_rel_stressed": "1", "spine_density_rel_unstressed": "1",
    "spines_formed_per_day": "1/d", "spines_eliminated_per_day": "1/d",
    "ampa_drive": "1", "nmda_rest": "1",
    "critical_period": "1", "nmda_gate": "1",
}
#: Recorded besides, when plasticity.spinogenesis is set: the program G, mean over neurons.
PROGRAM_UNITS = {"spinogenic_program": "1"}


@dataclass(frozen=True)
class DaysResult:
    """The slow stage of one experiment (frozen: its arms and an arm's role are given with ``dataclasses.replace``)."""

    series: dict[str, np.ndarray]
    units: dict[str, str]
    acute: Timeline | None
    checks: list[CircuitCheck]
    snapshots_time_h: np.ndarray
    snapshot_density: np.ndarray        # (n_snapshots, n_neurons), present spines
    snapshot_volume: np.ndarray         # (n_snapshots, n_neurons), mean volume of present spines
    susceptible: np.ndarray             # bool per neuron
    pool_states: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    wall_slow_s: float = 0.0
    #: The acute timeline with every series on the experiment's grid (the file's /timeline).
    timeline: Timeline | None = None
    healthy_density: np.ndarray | None = None
    #: The arms run beside it (plasticity.arms), by name.
    arms: dict[str, DaysResult] = field(default_factory=dict)
    #: For an arm: its role and blockers (:func:`circuitsim.engine.arms.arm_role`).
    role: str = ""
    blockers: tuple[str, ...] = ()
    #: plasticity.age.stage of the run.
    age: str = "adult"
    #: Start of the last dose, h from the first.
    last_dose_h: float = 0.0
    #: Random streams used (name -> 31-bit seed, :func:`circuitsim.seeds.int_seed`).
    seeds: dict[str, int] = field(default_factory=dict)
    #: What imaging at plasticity.imaging.sessions sees (None without sessions).
    imaging: ImagingReadout | None = None

    @property
    def end_rate_pyramidal_hz(self) -> float:
        """The drug-free pyramidal rate with the spines at the end of the run."""
        return float(self.checks[-1].measures.rate_pyramidal_hz)


@dataclass
class ExperimentCache:
    """What the runs of one experiment (its own and its arms') share, held by the caller.

    ``healthy``: the healthy spine pools grown (:func:`circuitsim.plasticity.pool.healthy_pool`);
    ``at_dose``: the state at the dose of a stress history, by
    :func:`pre_dose_key`: arms that share the seed, circuit, spines,
    cascade, stress and the interventions active before the dose also
    share everything up to the dose, which is then computed once. Random
    numbers are counter-based (step, neuron, slot), so a restored run is
    bit-identical to one computed in full.
    """

    healthy: dict = field(default_factory=dict)
    at_dose: dict = field(default_factory=dict)
    #: Helper processes for the drug-free checks and the held-out staircases (``workers`` > 1);
    #: ended by :meth:`close`.
    helpers: HelperPool = field(default_factory=HelperPool)

    def close(self) -> None:
        """End the experiment's helper processes."""
        self.helpers.close()


def mean_volume(cp: CircuitPool) -> np.ndarray:
    """Mean volume of each neuron's present spines (0 for a neuron without any)."""
    dens, vol = cp.pool.stats()
    return np.divide(vol, dens, out=np.zeros_like(vol), where=dens > 0)


class _SlowRun:
    """The state of one slow-stage run between steps (:func:`run_days` drives it).

    One object per run: the spine pool, the cascade, the recorded series,
    snapshots and circuit checks, and the drives of the drug's window.
    """

    def __init__(self, config: Config, kernel, cache: ExperimentCache, progress: ProgressFn | None):
        p = config.plasticity
        self.config, self.kernel, self.cache, self.progress = config, kernel, cache, progress
        self.grid = time_grid_h(config)
        self.age = p.age
        self.cp = healthy_pool(config, kernel, start_d=float(self.age.spine_time_d(float(self.grid[0]) / _H_PER_D)),
                               memo=cache.healthy)
        n = self.n = self.cp.pool.n_neurons
        self.rules = spine_rules(p.spines)
        self.crules = cascade_rules(config)
        self.prules = program_rules(config)
        self.program = sg.ProgramState.at_rest(n)
        self.seed = int_seed(config.seed, "spines.experiment")
        # Steps before the stress history (imaging's lead) draw from their own stream.
        self.stress_start_h = -p.stress.duration_s / _S_PER_H if p.stress is not None else 0.0
        self.n_lead = int(np.count_nonzero(self.grid[:-1] < self.stress_start_h - 1e-9))
        self.lead_seed = int_seed(config.seed, LEAD_STREAM)
        self.sessions = ImagingSessions.of(config, self.cp.pool, self.age.adolescent) if p.imaging else None
        self.susceptible, self.stress_level = stress_levels(config, n)
        # Drug-free checks are readouts: with two workers they run beside the main line.
        self.checks = CheckQueue(resolve_workers(config.workers), cache.helpers, progress)
        self.pool_states = {"healthy": (self.cp.pool.state.copy(), self.cp.pool.volume.copy())}
        # plasticity.save_pools, in hours after the first dose, earliest first.
        self.pools_to_save = sorted(t / 3600.0 for t in self.config.plasticity.save_pools_s)
        self.horizon_h = config.timeline.horizon_s / _S_PER_H
        self.sample_every_h = p.sample_every_s / _S_PER_H
        self._exposure()
        self.state = sig.CascadeState.at_rest(n)
        self.healthy_total = max(float(self.cp.healthy_density.sum()), 1.0)
        self.stressed_total = max(float(self.cp.healthy_density[self.susceptible].sum()), 1.0)
        self.calm_total = max(float(self.cp.healthy_density[~self.susceptible].sum()), 1.0)
        # The E->I agents (plasticity.interneuron_wiring), None without them.
        self.wiring = (e_to_i_pool(config, kernel, memo=cache.healthy) if p.interneuron_wiring is not None
                       else None)
        self.x_i = 1.0
        self.units = {**SLOW_UNITS, **(PROGRAM_UNITS if self.prules is not None else {}),
                      **(WIRING_SERIES if self.wiring is not None else {})}
        self.rec = {k: np.empty(len(self.grid)) for k in self.units}
        self.snap_t: list[float] = []
        self.snap_d: list[np.ndarray] = []
        self.snap_v: list[np.ndarray] = []
        self.acute: Timeline | None = None
        self.table: DriveTable | None = None
        self.dosed = False
        self.next_check_h = 0.0
        self.openness = self.age.openness(self.grid / _H_PER_D)  # 0 for an adult
        # The scalars recorded at each step (rates of the last step, drives, gate).
        self.last_present = float(self.cp.pool.stats()[0].sum())
        self.formed_rate = self.eliminated_rate = 0.0
        self.a_mean, self.n_rest = 1.0, 1.0
        self.gate_mean = 1.0
        self.next_snap = float(self.grid[0])

    def _exposure(self) -> None:
        """PK on the step midpoints: the effective concentration and NBQX of each step."""
        d = self.config.dosing
        mids = 0.5 * (self.grid[:-1] + self.grid[1:])
        res = pk.simulate_pk(Schedule(doses=list(d.doses)), np.maximum(mids, 0.0), d.species,
                             d.body_weight_kg)
        self.eff = np.where(mids >= 0, effective_um(res, self.config), 0.0)
        self.nbqx = np.where(mids >= 0, res.brain_nbqx_um, 0.0)
        self.exposed = bool(np.any(self.eff > 0) or np.any(self.nbqx > 0))

    _SCALARS = ("last_present", "formed_rate", "eliminated_rate", "a_mean", "n_rest", "gate_mean",
                "next_snap")

    def save_at_dose(self, key: str, k: int) -> None:
        """Keep the state at the dose (step `k`) in the experiment's cache under `key`."""
        self.cache.at_dose[key] = {
            "k": k, "pool": self.cp.pool.copy(), "state": self.state.copy(), "program": self.program.copy(),
            "rec": {name: values[:k].copy() for name, values in self.rec.items()},
            "snap_t": list(self.snap_t), "snap_d": list(self.snap_d), "snap_v": list(self.snap_v),
            "checks": self.checks.pending(),  # copied when resolved (CheckQueue.results)
            "scalars": tuple(getattr(self, s) for s in self._SCALARS), "sessions": copy.copy(self.sessions),
            "wiring": self.wiring.copy() if self.wiring is not None else None}

    def restore_at_dose(self, saved: dict) -> int:
        """Continue from a state saved by :meth:`save_at_dose`; return its step."""
        k = saved["k"]
        self.cp.pool = saved["pool"].copy()
        self.state = saved["state"].copy()
        self.program = saved["program"].copy()
        for name, values in saved["rec"].items():
            self.rec[name][:k] = values
        self.snap_t, self.snap_d, self.snap_v = list(saved["snap_t"]), list(saved["snap_d"]), list(saved["snap_v"])
        self.checks.restore(saved["checks"])
        for name, value in zip(self._SCALARS, saved["scalars"], strict=True):
            setattr(self, name, value)
        self.sessions = copy.copy(saved["sessions"])
        self.wiring = saved["wiring"].copy() if saved["wiring"] is not None else None
        return k

    def streams(self) -> dict[str, int]:
        """The random streams this run drew from (name -> seed)."""
        p = self.config.plasticity
        names = [*SPINE_STREAMS[:2], *(["stress.susceptibility"] if p.stress is not None else []),
                 *([LEAD_STREAM] if self.n_lead else []),
                 *([NEURON_STREAM] if p.imaging is not None and p.imaging.neurons is not None else []),
                 *(PROBE_STREAMS if p.circuit_probe is not None else []),
                 *(wiring_streams(self.config) if self.wiring is not None else [])]
        return {name: int_seed(self.config.seed, name) for name in names}

    def record(self, k: int) -> None:
        """Write every slow-stage series at grid point `k`."""
        dens, vol = self.cp.pool.stats()
        n_present = dens.sum()
        rec, state = self.rec, self.state
        rec["p_eef2"][k] = state.p_eef2.mean()
        rec["bdnf"][k] = state.bdnf.mean()
        rec["trkb"][k] = state.trkb.mean()
        rec["mtorc1"][k] = state.mtorc1.mean()
        rec["synaptic_protein"][k] = state.synaptic_protein.mean()
        rec["spine_density_rel"][k] = n_present / self.healthy_total
        rec["spine_volume_mean"][k] = (vol.sum() / n_present / self.cp.healthy_volume_mean
                                       if n_present else 0.0)
        rec["spine_density_rel_stressed"][k] = dens[self.susceptible].sum() / self.stressed_total
        rec["spine_density_rel_unstressed"][k] = dens[~self.susceptible].sum() / self.calm_total
        rec["spines_formed_per_day"][k] = self.formed_rate
        rec["spines_eliminated_per_day"][k] = self.eliminated_rate
        rec["ampa_drive"][k] = self.a_mean
        rec["nmda_rest"][k] = self.n_rest
        rec["critical_period"][k] = self.openness[k]
        rec["nmda_gate"][k] = self.gate_mean
        if self.prules is not None:
            rec["spinogenic_program"][k] = self.program.program.mean()
        if self.wiring is not None:
            w = self.wiring
            rec["e_to_i_synapses_rel"][k] = w.synapses_rel
            rec["e_to_i_weight_rel"][k] = w.weight_rel
            rec["interneuron_damage"][k] = w.damage
            rec["pv_phenotype"][k] = float(phenotype(w.damage))
            rec["nmda_interneuron"][k] = self.x_i

    def dose(self) -> None:
        """The dose: the circuit with the spines of now, along the schedule (or a vehicle's check)."""
        self.dosed = True
        cp = self.cp
        self.pool_states["at dose"] = (cp.pool.state.copy(), cp.pool.volume.copy())
        label = "at dose (after stress)" if self.config.plasticity.stress is not None else "at dose"
        if self.exposed:
            self.acute = run_timeline(self.config, self.progress, weights=circuit_weights(cp, self.wiring),
                                      helpers=self.cache.helpers)
            nb = self.config.pharmacology.nbqx
            self.table = drive_table(self.acute, cp, nb.ic50_um, nb.hill_n)
            self.checks.append(acute_check(self.config, cp, label, self.acute, self.progress, self.wiring))
        else:  # a vehicle: no drug reaches the brain
            self.checks.submit(check_inputs(self.config, cp, self.wiring), label, 0.0)
        self.next_check_h = self.sample_every_h

    def observe(self, t0: float) -> None:
        """The drug-free circuit every ``sample_every`` after the drug's window; a daily snapshot."""
        if t0 >= self.next_check_h - 1e-9 and self.dosed and t0 >= self.horizon_h - 1e-9:
            self.checks.submit(check_inputs(self.config, self.cp, self.wiring), f"day {t0 / _H_PER_D:g}", t0)
            self.next_check_h = t0 + self.sample_every_h
        if t0 >= self.next_snap - 1e-9:
            self.snapshot(t0)
            self.next_snap = t0 + _H_PER_D
        while self.pools_to_save and t0 >= self.pools_to_save[0] - 1e-9:
            self.pool_states[f"day {self.pools_to_save.pop(0) / _H_PER_D:g}"] = (
                self.cp.pool.state.copy(), self.cp.pool.volume.copy())
        if self.sessions is not None:
            self.sessions.take(self.cp.pool, t0)

    def snapshot(self, t: float) -> None:
        """Every neuron's spine density and mean volume now."""
        self.snap_t.append(t)
        self.snap_d.append(self.cp.pool.density().astype(np.float32))
        self.snap_v.append(mean_volume(self.cp).astype(np.float32))

    def step(self, k: int) -> None:
        """Advance the cascade and the spines from grid point `k` to `k` + 1."""
        t0, t1 = float(self.grid[k]), float(self.grid[k + 1])
        dt_h = t1 - t0
        n, age = self.n, self.age
        in_window = self.table is not None and 0.0 <= t0 < self.horizon_h
        if in_window:
            amp, self.n_rest = self.table.at(float(self.eff[k]), float(self.nbqx[k]))
        else:
            amp, self.n_rest = np.ones(n), 1.0
        if self.wiring is not None:  # the E->I agents, on the interneurons' own NMDA-receptor activation
            self.x_i = self.table.interneuron_at(float(self.eff[k]), float(self.nbqx[k])) if in_window else 1.0
            step_wiring(self.wiring, self.config, t0 / _H_PER_D, t1 / _H_PER_D, k, self.x_i, self.kernel)
        self.a_mean = float(np.mean(amp))
        rules_now = self.crules
        if age.adolescent:  # immature translation while the critical period is open
            c_mid = float(age.openness(0.5 * (t0 + t1) / _H_PER_D))
            rules_now = dataclasses.replace(
                self.crules,
                translation_gain=self.crules.translation_gain * (1.0 - age.translation_immaturity * c_mid))
        new = sig.step_cascade(self.state, amp, self.n_rest, dt_h, rules_now,
                               inhibition(self.config, 0.5 * (t0 + t1)))
        protein = 0.5 * (self.state.synaptic_protein + new.synaptic_protein)
        self.state = new
        form_scale = None
        if self.prules is not None:
            program = sg.step_program(self.program, protein, dt_h, self.prules)
            form_scale = sg.formation_factor(self.program, program, self.prules)
            self.program = program
        stress = self.stress_level if self.stress_start_h - 1e-9 <= t0 and t1 <= 0.0 else np.zeros(n)
        # imaging's lead: its own stream; the experiment's steps are counted from its end
        seed, j = (self.lead_seed, k) if k < self.n_lead else (self.seed, k - self.n_lead)
        if age.adolescent:
            formed, eliminated, self.gate_mean = adolescent_step(
                self.cp, age, t0 / _H_PER_D, t1 / _H_PER_D, j, protein, stress, amp, self.n_rest, self.rules,
                seed, self.kernel, form_scale)
        else:
            formed, eliminated = self.kernel(self.cp.pool, t0 / _H_PER_D, dt_h / _H_PER_D, j, protein, stress,
                                             self.rules, seed, form_scale)
        present = max(float(formed.sum() - eliminated.sum() + self.last_present), 1.0)
        self.last_present = present
        self.formed_rate = formed.sum() / present / (dt_h / _H_PER_D)
        self.eliminated_rate = eliminated.sum() / present / (dt_h / _H_PER_D)


def run_days(config: Config, progress: ProgressFn | None = None, kernel=sp.step_numba,
             with_timeline: bool = True, cache: ExperimentCache | None = None) -> DaysResult:
    """The whole slow stage of `config` (needs ``plasticity`` and ``dosing``).

    `with_timeline`: also merge the acute timeline onto the experiment's grid
    (the results file's ``/timeline``; arms skip it). `cache`: shared by the
    runs of one experiment (its arms), see :class:`ExperimentCache`; a new
    one by default.
    """
    if config.plasticity is None or config.dosing is None:
        raise ValueError("run_days needs a config with plasticity and dosing sections")
    own = cache is None
    cache = ExperimentCache() if own else cache
    try:
        return _run_days(config, progress, kernel, with_timeline, cache)
    finally:
        if own:
            cache.close()


def _run_days(config: Config, progress: ProgressFn | None, kernel, with_timeline: bool,
              cache: ExperimentCache) -> DaysResult:
    """:func:`run_days` with the experiment's cache given."""
    t_wall = time.perf_counter()
    run = _SlowRun(config, kernel, cache, progress)
    grid, p = run.grid, config.plasticity
    key = pre_dose_key(config, grid, kernel)
    saved = run.cache.at_dose.get(key)
    k_start = 0
    if saved is not None:  # the same stress history was run by the experiment or an earlier arm
        k_start = run.restore_at_dose(saved)
    stressed = saved is None and p.stress is not None and p.stress.duration_s > 0
    for k in range(k_start, len(grid) - 1):
        t0 = float(grid[k])
        if stressed and k == run.n_lead:  # after imaging's lead, if any
            run.checks.submit(check_inputs(config, run.cp, run.wiring), "before stress", t0)
        if t0 >= 0.0 and not run.dosed:
            if saved is None and k > 0:
                run.save_at_dose(key, k)
            run.dose()
        run.observe(t0)
        run.record(k)
        run.step(k)
    run.record(len(grid) - 1)
    run.snapshot(float(grid[-1]))
    if run.sessions is not None:
        run.sessions.take(run.cp.pool, float(grid[-1]))
    run.checks.submit(check_inputs(config, run.cp, run.wiring), f"day {grid[-1] / _H_PER_D:g} (end)",
                      float(grid[-1]))
    checks = run.checks.results()
    run.pool_states["end"] = (run.cp.pool.state.copy(), run.cp.pool.volume.copy())
    for t in run.pools_to_save:  # asked for at the end of the run
        run.pool_states[f"day {t / _H_PER_D:g}"] = run.pool_states["end"]
    if not with_timeline:
        for c in checks:  # arms keep their measures only
            c.sample = c.analysis = c.config = None
    d = config.dosing
    return DaysResult(series={"time_h": grid, **run.rec}, units={"time_h": "h", **run.units}, acute=run.acute,
                      checks=checks, snapshots_time_h=np.array(run.snap_t),
                      snapshot_density=np.array(run.snap_d), snapshot_volume=np.array(run.snap_v),
                      susceptible=run.susceptible, pool_states=run.pool_states,
                      wall_slow_s=time.perf_counter() - t_wall,
                      timeline=(merged_timeline(config, grid, run.rec, run.units, run.acute, checks)
                                if with_timeline else None),
                      healthy_density=run.cp.healthy_density, age=run.age.stage,
                      last_dose_h=max((dz.start_h for dz in d.doses), default=0.0), seeds=run.streams(),
                      imaging=run.sessions.readout() if run.sessions is not None else None)
