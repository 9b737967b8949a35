"""Days of plasticity in closed loop with the circuit: stress, a dose, the cascade, the spines.

The slow stage of DESIGN.md. Time 0 is the start of the dosing schedule; a
stress history (``plasticity.stress``) runs before it, from
-``stress.duration`` to 0; the experiment ends ``plasticity.days_after``
after 0. Steps: ``plasticity.slow_step`` during the stress history and
after the drug's window, ``plasticity.acute_step`` over the drug's window
(0 to ``timeline.horizon``).

The loop, with the spine pool's volumes as the circuit's E->E weights
(:mod:`circuitsim.plasticity.pool`):

1. The healthy pool (burn-in at rest).
2. Stress: spines stepped with the neurons' stress levels, the cascade at
   rest (no drug, no change in drive).
3. The dose: the acute timeline (:func:`circuitsim.engine.timeline.run_timeline`)
   of the circuit *with the spines present at the dose*; from its first
   staircase, each pyramidal neuron's drive at every sampled drug state:
   AMPA activation A_i = (1 - b_AMPA) sum_j w_ij nu_j / (the same without
   drug), resting NMDA signalling N = 1 - b_NMDA (the pyramidal block).
   Along the schedule the drives are interpolated in concentration as the
   population measures are (linearly in the effective concentration;
   bilinearly with NBQX).
4. The cascade (:mod:`circuitsim.plasticity.signalling`) per neuron with
   these drives and the interventions active at each step; the spines
   (:mod:`circuitsim.plasticity.spines`) with the synaptic protein (mean
   over the step) and no stress.
5. The circuit without drug, sampled with the current spines at the dose
   and then every ``plasticity.sample_every``: its firing over days.

Drives are relative to the drug-free circuit *with the same spines*, so the
cascade answers to the drug (and the interventions), not to the slow change
of baseline activity that the spines themselves cause (which would need
homeostatic mechanisms the model does not have).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from dataclasses import dataclass, field

import numpy as np

from ..analysis.measures import EpochMeasures, SampleAnalysis
from ..analysis.signatures import arm_role
from ..config import config_from_dict
from ..config.plasticity import INTERVENTION_TARGET
from ..config.schema import Config
from ..network.circuit import FastSample, ProgressFn
from ..pharmacology import pd, pk
from ..pharmacology.schedules import Schedule
from ..plasticity import signalling as sig
from ..plasticity import spines as sp
from ..plasticity.pool import CircuitPool, healthy_pool, spine_rules
from ..seeds import int_seed, rng
from . import timeline as tlm

_H_PER_D = 24.0
_S_PER_H = 3600.0

#: The slow-stage series and their units.
SLOW_UNITS = {
    "p_eef2": "1", "bdnf": "1", "trkb": "1", "mtorc1": "1", "synaptic_protein": "1",
    "spine_density_rel": "1", "spine_volume_mean": "1",
    "spine_density_rel_stressed": "1", "spine_density_rel_unstressed": "1",
    "spines_formed_per_day": "1/d", "spines_eliminated_per_day": "1/d",
    "ampa_drive": "1", "nmda_rest": "1",
    "critical_period": "1", "nmda_gate": "1",
}


def cascade_rules(config: Config) -> sig.CascadeRules:
    s = config.plasticity.signalling
    return sig.CascadeRules(
        tau_p_eef2_h=s.tau_p_eef2_s / _S_PER_H, tau_bdnf_h=s.tau_bdnf_s / _S_PER_H,
        tau_trkb_h=s.tau_trkb_s / _S_PER_H, tau_mtorc1_h=s.tau_mtorc1_s / _S_PER_H,
        tau_protein_h=s.tau_protein_s / _S_PER_H, ampa_kinase_gain=s.ampa_kinase_gain,
        translation_gain=s.translation_gain, release_exponent=s.release_exponent,
        trkb_half_activation=s.trkb_half_activation, protein_gain=s.protein_gain)


@dataclass
class CircuitCheck:
    """A drug-free circuit sample with the spines of one moment."""

    label: str
    time_h: float
    measures: EpochMeasures
    spine_density_rel: float
    sample: FastSample | None = None
    analysis: SampleAnalysis | None = None
    config: Config | None = None


@dataclass
class DaysResult:
    """The slow stage of one experiment."""

    series: dict[str, np.ndarray]
    units: dict[str, str]
    acute: tlm.Timeline | None
    checks: list[CircuitCheck]
    snapshots_time_h: np.ndarray
    snapshot_density: np.ndarray        # (n_snapshots, n_neurons), present spines
    snapshot_volume: np.ndarray         # (n_snapshots, n_neurons), mean volume of present spines
    susceptible: np.ndarray             # bool per neuron
    pool_states: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    wall_slow_s: float = 0.0
    #: The acute timeline with every series on the experiment's grid (the file's /timeline).
    timeline: tlm.Timeline | None = None
    healthy_density: np.ndarray | None = None
    #: The arms run beside it (plasticity.arms), by name.
    arms: dict[str, DaysResult] = field(default_factory=dict)
    #: For an arm: its role and blockers (:func:`circuitsim.analysis.signatures.arm_role`).
    role: str = ""
    blockers: tuple[str, ...] = ()
    #: plasticity.age.stage of the run.
    age: str = "adult"
    #: Start of the last dose, h from the first.
    last_dose_h: float = 0.0

    @property
    def end_rate_pyramidal_hz(self) -> float:
        """The drug-free pyramidal rate with the spines at the end of the run."""
        return float(self.checks[-1].measures.rate_pyramidal_hz)


# --------------------------------------------------------------------- drives
def neuron_inputs(sample: FastSample, analysis: SampleAnalysis, cp: CircuitPool) -> np.ndarray:
    """Recurrent input sum_j w_ij nu_j of every pyramidal neuron in every epoch window, (n_epochs, n)."""
    t, ids = sample.spikes["pyramidal"]
    n = cp.pool.n_neurons
    w = cp.slot_weights()
    out = np.empty((len(analysis.epochs), n))
    for k, e in enumerate(analysis.epochs):
        sel = (t >= e.window_start_s) & (t < e.stop_s)
        rates = np.bincount(ids[sel].astype(np.int64), minlength=n) / max(e.stop_s - e.window_start_s, 1e-12)
        out[k] = np.bincount(cp.post, weights=w * rates[cp.pool.pre], minlength=n)
    return out


@dataclass(frozen=True)
class DriveTable:
    """Per-neuron drives at the sampled drug states, and how to interpolate them."""

    ketamine_um: np.ndarray      # (n_states,)
    nbqx_um: np.ndarray          # (n_states,)
    ampa: np.ndarray             # (n_states, n_neurons)
    nmda_rest: np.ndarray        # (n_states,)

    def at(self, eff_um: float, nbqx_um: float) -> tuple[np.ndarray, float]:
        """(A per neuron, N) at one drug state, interpolated as the population measures are."""
        kx = np.unique(self.ketamine_um)
        nx = np.unique(self.nbqx_um)
        if len(nx) == 1:
            order = np.argsort(self.ketamine_um)
            x = self.ketamine_um[order]
            j = int(np.clip(np.searchsorted(x, eff_um, side="right") - 1, 0, max(len(x) - 2, 0)))
            if len(x) == 1:
                return self.ampa[order[0]], float(self.nmda_rest[order[0]])
            u = float(np.clip((eff_um - x[j]) / (x[j + 1] - x[j]), 0.0, 1.0))
            a0, a1 = self.ampa[order[j]], self.ampa[order[j + 1]]
            n0, n1 = self.nmda_rest[order[j]], self.nmda_rest[order[j + 1]]
            return (1 - u) * a0 + u * a1, float((1 - u) * n0 + u * n1)
        a = int(np.clip(np.searchsorted(kx, eff_um, side="right") - 1, 0, len(kx) - 2))
        b = int(np.clip(np.searchsorted(nx, nbqx_um, side="right") - 1, 0, len(nx) - 2))
        u = float(np.clip((eff_um - kx[a]) / (kx[a + 1] - kx[a]), 0.0, 1.0))
        v = float(np.clip((nbqx_um - nx[b]) / (nx[b + 1] - nx[b]), 0.0, 1.0))
        corners = {}
        for da in (0, 1):
            for db in (0, 1):
                hit = np.flatnonzero(np.isclose(self.ketamine_um, kx[a + da], rtol=1e-9, atol=0)
                                     & np.isclose(self.nbqx_um, nx[b + db], rtol=1e-9, atol=0))
                if hit.size == 0:
                    raise RuntimeError("drive table lacks a corner of a visited cell")
                corners[da, db] = int(hit[0])
        wts = {(0, 0): (1 - u) * (1 - v), (1, 0): u * (1 - v), (0, 1): (1 - u) * v, (1, 1): u * v}
        amp = sum(wts[c] * self.ampa[k] for c, k in corners.items())
        nm = sum(wts[c] * self.nmda_rest[k] for c, k in corners.items())
        return amp, float(nm)


def drive_table(acute: tlm.Timeline, cp: CircuitPool, config: Config) -> DriveTable:
    """The drives at the nodes of the acute timeline's first staircase (held-out states left out)."""
    analysis, sample = acute.analysis, acute.sample
    first = [h for h, r in zip(acute.plan.held_out, acute.rounds, strict=True) if r == 0]
    inputs = neuron_inputs(sample, analysis, cp)
    base = inputs[0]
    rel = np.divide(inputs, base, out=np.ones_like(inputs), where=base > 0)
    keep = [k for k, h in enumerate(first) if not h]
    eps = [analysis.epochs[k] for k in keep]
    nb = config.pharmacology.nbqx
    block_ampa = np.array([pd.ampa_block(e.nbqx_um, nb.ic50_um, nb.hill_n) for e in eps])
    return DriveTable(
        ketamine_um=np.array([e.concentration_um for e in eps]),
        nbqx_um=np.array([e.nbqx_um for e in eps]),
        ampa=rel[keep] * (1.0 - block_ampa)[:, None],
        nmda_rest=np.array([1.0 - e.block_pyramidal for e in eps]))


# ------------------------------------------------------------------ the circuit
def drug_free_check(config: Config, cp: CircuitPool, label: str, time_h: float,
                    progress: ProgressFn | None = None) -> CircuitCheck:
    """The circuit without drug, with the spines of now (cached by weights)."""
    a = config.analysis
    data = tlm._plain(config)
    data.pop("dosing", None)  # the plasticity section stays: the circuit is built over the slot pool
    hold = a.transient_s + config.timeline.sampling.window_s
    data["protocol"] = {"epochs": [{"name": "baseline", "duration": f"{hold!r} s"}],
                        "wash_tau": "0 s", "baseline_epoch": "baseline"}
    cfg = config_from_dict(data, [])
    sample, analysis, _hit = tlm._measure(cfg, config.timeline.sampling.cache, progress,
                                          cp.synapse_weights())
    density = float(cp.pool.present.sum()) / max(float(cp.healthy_density.sum()), 1.0)
    return CircuitCheck(label=label, time_h=time_h, measures=analysis.epochs[0],
                        spine_density_rel=density, sample=sample, analysis=analysis, config=cfg)


# ------------------------------------------------------------------------ steps
def time_grid_h(config: Config) -> np.ndarray:
    """Step boundaries (h): stress history, the drug's window, the days after."""
    p = config.plasticity
    slow = p.slow_step_s / _S_PER_H
    fast = p.acute_step_s / _S_PER_H
    horizon = config.timeline.horizon_s / _S_PER_H
    end = p.days_after * _H_PER_D
    stress = p.stress.duration_s / _S_PER_H if p.stress is not None else 0.0
    parts = []
    if stress > 0:
        parts.append(np.linspace(-stress, 0.0, int(math.ceil(stress / slow - 1e-9)) + 1)[:-1])
    window = min(horizon, end)
    parts.append(np.linspace(0.0, window, int(math.ceil(window / fast - 1e-9)) + 1))
    if end > window:
        parts.append(np.linspace(window, end, int(math.ceil((end - window) / slow - 1e-9)) + 1)[1:])
    return np.concatenate(parts)


def _inhibition(config: Config, t_h: float) -> sig.Inhibition:
    values = dict.fromkeys(sig.INHIBITIONS, 0.0)
    for iv in config.plasticity.interventions:
        t0 = iv.start_s / _S_PER_H
        if t0 <= t_h < t0 + iv.duration_s / _S_PER_H:
            key = INTERVENTION_TARGET[iv.kind]
            values[key] = max(values[key], iv.inhibition)
    return sig.Inhibition(**values)


def run_days(config: Config, progress: ProgressFn | None = None,
             kernel=sp.step_numba, with_timeline: bool = True) -> DaysResult:
    """The whole slow stage of `config` (needs ``plasticity`` and ``dosing``).

    `with_timeline`: also merge the acute timeline onto the experiment's grid
    (the results file's ``/timeline``; arms skip it).
    """
    import time

    if config.plasticity is None or config.dosing is None:
        raise ValueError("run_days needs a config with plasticity and dosing sections")
    p = config.plasticity
    t_wall = time.perf_counter()
    grid = time_grid_h(config)
    age = p.age
    cp = healthy_pool(config, kernel, start_d=float(age.spine_time_d(float(grid[0]) / _H_PER_D)))
    n = cp.pool.n_neurons
    rules = spine_rules(p.spines)
    crules = cascade_rules(config)
    seed = int_seed(config.seed, "spines.experiment")
    if p.stress is not None:
        susceptible = rng(config.seed, "stress.susceptibility").random(n) < p.stress.susceptible
        stress_level = np.where(susceptible, p.stress.level, 0.0)
    else:
        susceptible = np.zeros(n, dtype=bool)
        stress_level = np.zeros(n)
    checks: list[CircuitCheck] = []
    pool_states = {"healthy": (cp.pool.state.copy(), cp.pool.volume.copy())}
    if p.stress is not None and p.stress.duration_s > 0:
        checks.append(drug_free_check(config, cp, "before stress", float(grid[0]), progress))

    # PK on the step midpoints (and the acute timeline on its own grid).
    mids = 0.5 * (grid[:-1] + grid[1:])
    d = config.dosing
    res = pk.simulate_pk(Schedule(doses=list(d.doses)), np.maximum(mids, 0.0), d.species,
                         d.body_weight_kg)
    eff = np.where(mids >= 0, pd.racemic_equivalent_um(
        res.brain_s_um, res.brain_r_um, config.pharmacology.enantiomers.ki_s_um,
        config.pharmacology.enantiomers.ki_r_um), 0.0)
    nbqx = np.where(mids >= 0, res.brain_nbqx_um, 0.0)
    horizon_h = config.timeline.horizon_s / _S_PER_H

    state = sig.CascadeState.at_rest(n)
    healthy_total = max(float(cp.healthy_density.sum()), 1.0)
    rec = {k: np.empty(len(grid)) for k in SLOW_UNITS}
    stressed_total = max(float(cp.healthy_density[susceptible].sum()), 1.0)
    calm_total = max(float(cp.healthy_density[~susceptible].sum()), 1.0)
    snap_t, snap_d, snap_v = [], [], []
    acute = None
    table = None
    dosed = False
    exposed = bool(np.any(eff > 0) or np.any(nbqx > 0))
    next_check_h = 0.0
    sample_every_h = p.sample_every_s / _S_PER_H
    formed_rate = eliminated_rate = 0.0
    a_mean, n_rest = 1.0, 1.0
    gate_mean = 1.0
    openness = age.openness(grid / _H_PER_D)  # the critical period at every grid time (0 for an adult)
    last_present = float(cp.pool.stats()[0].sum())

    def record(k: int) -> None:
        dens, vol = cp.pool.stats()
        n_present = dens.sum()
        rec["p_eef2"][k] = state.p_eef2.mean()
        rec["bdnf"][k] = state.bdnf.mean()
        rec["trkb"][k] = state.trkb.mean()
        rec["mtorc1"][k] = state.mtorc1.mean()
        rec["synaptic_protein"][k] = state.synaptic_protein.mean()
        rec["spine_density_rel"][k] = n_present / healthy_total
        rec["spine_volume_mean"][k] = (vol.sum() / n_present / cp.healthy_volume_mean
                                       if n_present else 0.0)
        rec["spine_density_rel_stressed"][k] = dens[susceptible].sum() / stressed_total
        rec["spine_density_rel_unstressed"][k] = dens[~susceptible].sum() / calm_total
        rec["spines_formed_per_day"][k] = formed_rate
        rec["spines_eliminated_per_day"][k] = eliminated_rate
        rec["ampa_drive"][k] = a_mean
        rec["nmda_rest"][k] = n_rest
        rec["critical_period"][k] = openness[k]
        rec["nmda_gate"][k] = gate_mean

    next_snap = grid[0]
    k_start = 0
    memo_key = _pre_dose_key(config, grid, kernel)
    saved = _AT_DOSE.get(memo_key)
    if saved is not None:  # the same 21 days were run by the experiment or an earlier arm
        k_start = saved["k"]
        cp.pool = saved["pool"].copy()
        state = saved["state"].copy()
        for name, values in saved["rec"].items():
            rec[name][:k_start] = values
        snap_t, snap_d, snap_v = list(saved["snap_t"]), list(saved["snap_d"]), list(saved["snap_v"])
        checks = [dataclasses.replace(c) for c in saved["checks"]]
        (last_present, formed_rate, eliminated_rate, a_mean, n_rest, gate_mean,
         next_snap) = saved["scalars"]
    for k in range(k_start, len(grid) - 1):
        t0, t1 = float(grid[k]), float(grid[k + 1])
        if t0 >= 0.0 and not dosed:
            if saved is None and k > 0:
                _AT_DOSE.clear()  # one experiment at a time
                _AT_DOSE[memo_key] = {
                    "k": k, "pool": cp.pool.copy(), "state": state.copy(),
                    "rec": {name: values[:k].copy() for name, values in rec.items()},
                    "snap_t": list(snap_t), "snap_d": list(snap_d), "snap_v": list(snap_v),
                    "checks": [dataclasses.replace(c) for c in checks],
                    "scalars": (last_present, formed_rate, eliminated_rate, a_mean, n_rest,
                                gate_mean, next_snap)}
            # The dose: the circuit with the spines of now, along the schedule.
            dosed = True
            pool_states["at dose"] = (cp.pool.state.copy(), cp.pool.volume.copy())
            label = "at dose (after stress)" if p.stress is not None else "at dose"
            if exposed:
                acute = tlm.run_timeline(config, progress, weights=cp.synapse_weights())
                table = drive_table(acute, cp, config)
                checks.append(CircuitCheck(label, 0.0, acute.analysis.epochs[0],
                                           float(cp.pool.present.sum()) / healthy_total,
                                           acute.sample, acute.analysis, acute.stair_config))
            else:  # a vehicle: no drug reaches the brain
                checks.append(drug_free_check(config, cp, label, 0.0, progress))
            next_check_h = sample_every_h
        if t0 >= next_check_h - 1e-9 and dosed and t0 >= horizon_h - 1e-9:
            checks.append(drug_free_check(config, cp, f"day {t0 / _H_PER_D:g}", t0, progress))
            next_check_h = t0 + sample_every_h
        if t0 >= next_snap - 1e-9:
            snap_t.append(t0)
            snap_d.append(cp.pool.density().astype(np.float32))
            snap_v.append(_mean_volume(cp).astype(np.float32))
            next_snap = t0 + _H_PER_D
        record(k)
        dt_h = t1 - t0
        if table is not None and 0.0 <= t0 < horizon_h:
            amp, n_rest = table.at(float(eff[k]), float(nbqx[k]))
        else:
            amp, n_rest = np.ones(n), 1.0
        a_mean = float(np.mean(amp))
        rules_now = crules
        if age.adolescent:  # immature translation while the critical period is open
            c_mid = float(age.openness(0.5 * (t0 + t1) / _H_PER_D))
            rules_now = dataclasses.replace(
                crules, translation_gain=crules.translation_gain * (1.0 - age.translation_immaturity * c_mid))
        new = sig.step_cascade(state, amp, n_rest, dt_h, rules_now, _inhibition(config, 0.5 * (t0 + t1)))
        protein = 0.5 * (state.synaptic_protein + new.synaptic_protein)
        state = new
        stress = stress_level if t1 <= 0.0 else np.zeros(n)
        if age.adolescent:
            formed, eliminated, gate_mean = adolescent_step(
                cp, age, t0 / _H_PER_D, t1 / _H_PER_D, k, protein, stress, amp, n_rest, rules, seed, kernel)
        else:
            formed, eliminated = kernel(cp.pool, t0 / _H_PER_D, dt_h / _H_PER_D, k, protein, stress,
                                        rules, seed)
        present = max(float(formed.sum() - eliminated.sum() + last_present), 1.0)
        last_present = present
        formed_rate = formed.sum() / present / (dt_h / _H_PER_D)
        eliminated_rate = eliminated.sum() / present / (dt_h / _H_PER_D)
    record(len(grid) - 1)
    snap_t.append(float(grid[-1]))
    snap_d.append(cp.pool.density().astype(np.float32))
    snap_v.append(_mean_volume(cp).astype(np.float32))
    checks.append(drug_free_check(config, cp, f"day {grid[-1] / _H_PER_D:g} (end)", float(grid[-1]),
                                  progress))
    pool_states["end"] = (cp.pool.state.copy(), cp.pool.volume.copy())
    if not with_timeline:
        for c in checks:  # arms keep their measures only
            c.sample = c.analysis = c.config = None
    series = {"time_h": grid, **rec}
    units = {"time_h": "h", **SLOW_UNITS}
    return DaysResult(series=series, units=units, acute=acute, checks=checks,
                      snapshots_time_h=np.array(snap_t), snapshot_density=np.array(snap_d),
                      snapshot_volume=np.array(snap_v), susceptible=susceptible,
                      pool_states=pool_states, wall_slow_s=time.perf_counter() - t_wall,
                      timeline=merged_timeline(config, grid, rec, acute, checks) if with_timeline else None,
                      healthy_density=cp.healthy_density, age=age.stage,
                      last_dose_h=max((dz.start_h for dz in d.doses), default=0.0))


def adolescent_step(cp: CircuitPool, age, t0_d: float, t1_d: float, k: int, protein, stress,
                     amp: np.ndarray, n_rest: float, rules: sp.SpineRules, seed: int, kernel):
    """One spine step in an adolescent (:class:`circuitsim.config.plasticity.AgeConfig`).

    The kernel runs on spine time (the turnover factor's integral). While
    the critical period is open (c > 0), with X_i = N A_i the neuron's
    NMDA-receptor activation over the step: the elimination hazard is
    scaled by max(1 + p c (X_i - 1), 0), formation and young-spine
    maturation by the gate g_i = 1 - d c (1 - min(X_i, 1)).
    Returns (formed, eliminated, mean gate).
    """
    s0, s1 = (float(x) for x in age.spine_time_d(np.array([t0_d, t1_d])))
    c = float(age.openness(0.5 * (t0_d + t1_d)))
    x = n_rest * np.asarray(amp, dtype=float)
    gate = 1.0 - age.nmda_dependence * c * (1.0 - np.minimum(x, 1.0))
    prune = np.maximum(1.0 + age.pruning * c * (x - 1.0), 0.0)
    form_scale = elim_scale = None
    if np.any(gate < 1.0):
        sp.delay_maturation(cp.pool, (s1 - s0) * (1.0 - gate))
        form_scale = gate
    if np.any(prune != 1.0):
        elim_scale = prune
    formed, eliminated = kernel(cp.pool, s0, s1 - s0, k, protein, stress, rules, seed, form_scale, elim_scale)
    return formed, eliminated, float(gate.mean())


#: The state at the dose of the last experiment run in this process, by
#: :func:`_pre_dose_key`: the arms of an experiment that share its seed,
#: circuit, spines, cascade, stress and the interventions active before the
#: dose also share everything up to the dose (the stress history), which is
#: then computed once. Random numbers are counter-based (step, neuron,
#: slot), so a restored run is bit-identical to one computed in full.
_AT_DOSE: dict[str, dict] = {}


def _pre_dose_key(config: Config, grid: np.ndarray, kernel) -> str:
    """What determines a run up to its first dose (the drug and what follows it do not)."""
    data = config.model_dump(mode="json", by_alias=True, exclude={"dosing", "timeline", "output"})
    plast = data["plasticity"]
    for key in ("arms", "days_after", "sample_every", "interventions"):
        plast.pop(key, None)
    pre = [float(t) for t in grid if t <= 0.0]
    # Interventions enter as the inhibitions applied at each step before the dose.
    applied = [dataclasses.astuple(_inhibition(config, 0.5 * (a + b))) for a, b in zip(pre[:-1], pre[1:], strict=True)]
    blob = json.dumps({"config": data, "grid": pre, "inhibitions": applied,
                       "kernel": getattr(kernel, "__name__", str(kernel))}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def merged_timeline(config: Config, grid: np.ndarray, slow: dict[str, np.ndarray],
                    acute: tlm.Timeline, checks: list[CircuitCheck]) -> tlm.Timeline:
    """Every series on the experiment's grid: PK, the circuit and the slow stage.

    PK in closed form at the grid times (0 before the first dose). The
    circuit's quantities: while the drug acts (0 to ``timeline.horizon``),
    the acute timeline's, interpolated in time from its finer grid; before
    and after, the drug-free samples with the spines of their moment
    (:class:`CircuitCheck`), linear in time between them.
    """
    d = config.dosing
    res = pk.simulate_pk(Schedule(doses=list(d.doses)), np.maximum(grid, 0.0), d.species,
                         d.body_weight_kg)
    eff = pd.racemic_equivalent_um(res.brain_s_um, res.brain_r_um,
                                   config.pharmacology.enantiomers.ki_s_um,
                                   config.pharmacology.enantiomers.ki_r_um)
    series, units = tlm._exposure_series(res, eff, config.pharmacology.dissociation.c50_ng_ml,
                                         config.pharmacology.dissociation.hill_n)
    before = grid < 0
    for name in list(series):
        if name != "time_h":
            series[name] = np.where(before, 0.0, series[name])
    series["time_h"] = grid
    if res.has_nbqx:
        nb = config.pharmacology.nbqx
        series["block_ampa"] = np.where(before, 0.0, pd.ampa_block(res.brain_nbqx_um, nb.ic50_um, nb.hill_n))
    horizon_h = config.timeline.horizon_s / _S_PER_H
    at_dose_check = next(c for c in checks if c.time_h == 0.0)
    if acute is None:  # a vehicle: the drug-free sample at the dose stands for the staircase
        plan = tlm.StaircasePlan(("baseline",), (0.0,), (False,))
        acute = tlm.Timeline(series={"time_h": np.array([0.0])}, units={}, plan=plan,
                             stair_config=at_dose_check.config, sample=at_dose_check.sample,
                             analysis=at_dose_check.analysis, interpolation_error={}, cache_hit=False,
                             doses=tlm._doses(config), monitoring_h=config.timeline.monitoring_s / _S_PER_H,
                             rounds=(0,))
        for name, attr in tlm.CIRCUIT_QUANTITIES.items():
            v = getattr(at_dose_check.measures, attr)
            if not np.isnan(v):
                acute.series[name] = np.array([v])
    t_acute = acute.series["time_h"]
    in_window = (grid >= 0) & (grid <= min(horizon_h, float(t_acute[-1])))
    check_t = np.array([c.time_h for c in checks])
    order = np.argsort(check_t, kind="stable")
    # Glutamate and dopamine are relative to the drug-free state at the dose
    # (as in the acute timeline); a drug-free sample's own value is 1 by
    # definition, so between samples they follow the rate that releases them
    # (the pools are linear in the release rate: glutamate.py, dopamine.py).
    at_dose = at_dose_check.measures
    proxy = {"glutamate_rel": "rate_pyramidal_hz", "dopamine_rel": "rate_vta_dopamine_hz"}
    for name, attr in tlm.CIRCUIT_QUANTITIES.items():
        if name not in acute.series:
            continue
        src = proxy.get(name, attr)
        values = np.array([getattr(checks[k].measures, src) for k in order], dtype=float)
        if name in proxy:
            ref = getattr(at_dose, src)
            values = values / ref if ref > 0 else np.full_like(values, np.nan)
        free = np.interp(grid, check_t[order], values)
        series[name] = np.where(in_window, np.interp(grid, t_acute, acute.series[name]), free)
        units[name] = acute.units.get(name, tlm.TIMELINE_UNITS.get(name, "1"))
    for name, values in slow.items():
        series[name] = values
        units[name] = SLOW_UNITS[name]
    return tlm.Timeline(series=series, units=units, plan=acute.plan, stair_config=acute.stair_config,
                        sample=acute.sample, analysis=acute.analysis,
                        interpolation_error=acute.interpolation_error, cache_hit=acute.cache_hit,
                        doses=acute.doses, monitoring_h=acute.monitoring_h, rounds=acute.rounds)


def _mean_volume(cp: CircuitPool) -> np.ndarray:
    """Mean volume of each neuron's present spines (0 for a neuron without any)."""
    dens, vol = cp.pool.stats()
    return np.divide(vol, dens, out=np.zeros_like(vol), where=dens > 0)


# ------------------------------------------------------------------------- arms
def arm_configs(config: Config) -> dict[str, Config]:
    """The config of each arm: the experiment without its arms, with the arm's overrides.

    Raises
    ------
    UserInputError
        Naming the arm (``plasticity.arms.<k>``) and the bad override.
    """
    from ..errors import UserInputError

    out = {}
    for k, arm in enumerate(config.plasticity.arms):
        data = tlm._plain(config)
        data["plasticity"]["arms"] = []
        try:
            out[arm.name] = config_from_dict(data, arm.set)
        except UserInputError as exc:
            raise UserInputError(f"plasticity.arms.{k}.set ({arm.name}): {exc}") from None
        if out[arm.name].dosing is None:
            raise UserInputError(f"plasticity.arms.{k}.set ({arm.name}): an arm needs a dosing section")
    return out


def run_arms(config: Config, progress: ProgressFn | None = None) -> dict[str, DaysResult]:
    """Every arm of `config`, each with its circuit sampled at the dose and at the end only."""
    out = {}
    for name, cfg in arm_configs(config).items():
        data = tlm._plain(cfg)
        data["plasticity"]["sample_every"] = f"{cfg.plasticity.days_after_s!r} s"
        out[name] = run_days(config_from_dict(data, []), progress, with_timeline=False)
        out[name].role, out[name].blockers = arm_role(cfg)
    return out


def acute_peaks(days: DaysResult) -> dict[str, float]:
    """The drug's circuit effect in an arm: peak glutamate and pyramidal rate of its acute timeline."""
    if days.acute is None:
        return {"peak_glutamate_rel": 1.0, "peak_rate_pyramidal_hz": float("nan")}
    s = days.acute.series
    return {"peak_glutamate_rel": float(np.nanmax(s["glutamate_rel"])),
            "peak_rate_pyramidal_hz": float(np.nanmax(s["rate_pyramidal_hz"]))}
