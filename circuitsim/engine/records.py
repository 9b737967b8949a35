"""From what the engine simulated to its :class:`~circuitsim.engine.record.RunRecord`.

Every array is converted here, once, to what the results file stores
(docs/results.md): spike times to ms and sorted by time (ties by id), ids
to uint64, epoch bounds to ms, spine snapshots to float32. The writer then
stores the record as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..config import dump_config
from ..config.schema import Config
from ..network.sample import TRACE_UNITS, FastSample
from ..plasticity.imaging import ImagingReadout
from .acute import Timeline
from .checks import CircuitCheck
from .measures import ANALYSIS_UNITS, SampleAnalysis
from .probe import PROBE_UNITS, ProbeMeasures
from .record import EPOCH_UNITS, REPORT_UNITS, RunRecord
from .slow import DaysResult
from .wiring import WIRING_UNITS, WiringMeasures

#: Per-check columns of /plasticity/checks: EpochMeasures attribute -> unit.
CHECK_COLUMNS = {"rate_pyramidal_hz": "Hz", "rate_interneuron_hz": "Hz", "cv_pyramidal": "1",
                 "rate_vta_dopamine_hz": "Hz", "rate_vta_gaba_hz": "Hz"}
#: Columns of /plasticity/imaging (ImagingReadout attribute -> unit); its attributes: reference, neurons.
IMAGING_UNITS = {"session_d": "d", "time_h": "h", "spines": "1", "formed": "1", "eliminated": "1",
                 "formed_pct": "%", "eliminated_pct": "%", "density_rel": "1", "preexisting": "1",
                 "preexisting_eliminated": "1", "preexisting_eliminated_pct": "%"}


def trace_units(name: str) -> str:
    """Unit of the trace `name` (``"1"`` for dimensionless; ``"unknown"`` if none is known)."""
    if name in ANALYSIS_UNITS:
        return ANALYSIS_UNITS[name]
    if name in TRACE_UNITS:
        return TRACE_UNITS[name]
    return "unknown"


def spike_table(sample: FastSample) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """population -> (times in ms, node ids as uint64), sorted by time, ties by id."""
    out = {}
    for pop, (times_s, ids) in sample.spikes.items():
        times_ms = np.asarray(times_s, dtype=np.float64) * 1e3
        ids = np.asarray(ids)
        if ids.size and ids.min() < 0:
            raise ValueError(f"spikes of {pop!r} have negative cell ids")
        order = np.lexsort((ids, times_ms))  # the last key is the primary one
        out[pop] = (times_ms[order], ids[order].astype(np.uint64))
    return out


def report_table(sample: FastSample, interval_s: float) -> dict[str, dict[str, tuple]]:
    """variable -> population -> (node ids, step in ms, values (times, cells) as float32 in :data:`REPORT_UNITS`).

    `interval_s`: the recording interval (``recording.interval``), the reports' step.
    """
    out: dict[str, dict[str, tuple]] = {}
    for pop, rec in sample.recordings.items():
        for var, values in rec.values.items():
            _unit, factor = REPORT_UNITS[var]
            out.setdefault(var, {})[pop] = (np.asarray(rec.ids, dtype=np.uint64), interval_s * 1e3,
                                            (np.asarray(values) * factor).astype(np.float32))
    return out


def epoch_table(analysis: SampleAnalysis) -> dict[str, Any]:
    """The ``/epochs`` columns of an analysed sample (bounds in ms)."""
    eps = analysis.epochs
    table: dict[str, Any] = {"name": [e.name for e in eps]}
    for col, attr in (("start_ms", "start_s"), ("stop_ms", "stop_s"), ("window_start_ms", "window_start_s")):
        table[col] = np.array([getattr(e, attr) for e in eps], dtype=float) * 1e3
    for col in EPOCH_UNITS:
        table[col] = np.array([getattr(e, col) for e in eps], dtype=np.float64)
    return table


def timeline_parts(timeline: Timeline) -> tuple[dict, dict, dict]:
    """(series, units, info) of ``/timeline``: info holds its attributes, ``doses`` and ``sampling``."""
    n = len(timeline.series["time_h"])
    series = {}
    for name, values in timeline.series.items():
        series[name] = np.asarray(values, dtype=np.float64)
        if series[name].shape != (n,):
            raise ValueError(f"timeline series {name!r} has shape {series[name].shape}, time axis ({n},)")
    doses: dict[str, Any] = {col: np.array([x[col] for x in timeline.doses], dtype=np.float64)
                             for col in ("start_h", "duration_h")}
    doses.update({col: [str(x[col]) for x in timeline.doses] for col in ("amount", "route", "drug")})
    plan = timeline.plan
    sampling: dict[str, Any] = {
        "epoch": list(plan.names), "held_out": np.array(plan.held_out, dtype=bool),
        "round": np.array(timeline.rounds or [0] * len(plan.names), dtype=np.int64),
        "concentration_um": np.array(plan.concentrations_um)}
    if any(plan.nbqx_um):
        sampling["nbqx_um"] = np.array(plan.nbqx_um)
    for name, err in timeline.interpolation_error.items():
        sampling[f"interpolation_error_{name}"] = np.asarray(err, dtype=np.float64)
    info = {"monitoring_h": float(timeline.monitoring_h), "cache_hit": bool(timeline.cache_hit),
            "doses": doses, "sampling": sampling}
    return series, {name: timeline.units[name] for name in series}, info


def check_table(checks: list[CircuitCheck]) -> dict[str, Any]:
    """The drug-free circuit samples of a run (label, time, spine density, rates; the probe's measures)."""
    table: dict[str, Any] = {
        "label": [ch.label for ch in checks],
        "time_h": np.array([ch.time_h for ch in checks], dtype=np.float64),
        "spine_density_rel": np.array([ch.spine_density_rel for ch in checks], dtype=np.float64)}
    for col in CHECK_COLUMNS:
        table[col] = np.array([getattr(ch.measures, col) for ch in checks], dtype=np.float64)
    if any(ch.probe is not None for ch in checks):  # plasticity.circuit_probe: its columns (PROBE_UNITS)
        probes = [ch.probe or ProbeMeasures.missing() for ch in checks]
        for col in PROBE_UNITS:
            table[col] = np.array([getattr(p, col) for p in probes], dtype=np.float64)
    if any(ch.wiring is not None for ch in checks):  # plasticity.interneuron_wiring: its columns (WIRING_UNITS)
        wirings = [ch.wiring or WiringMeasures.missing() for ch in checks]
        for col in WIRING_UNITS:
            table[col] = np.array([getattr(w, col) for w in wirings], dtype=np.float64)
    return table


def acute_peaks(days: DaysResult) -> dict[str, float]:
    """The drug's circuit effect in a run: peak glutamate and pyramidal rate of its acute timeline."""
    if days.acute is None:
        return {"peak_glutamate_rel": 1.0, "peak_rate_pyramidal_hz": float("nan")}
    s = days.acute.series
    return {"peak_glutamate_rel": float(np.nanmax(s["glutamate_rel"])),
            "peak_rate_pyramidal_hz": float(np.nanmax(s["rate_pyramidal_hz"]))}


def imaging_part(readout: ImagingReadout) -> dict[str, Any]:
    """``/plasticity/imaging``: the columns of :data:`IMAGING_UNITS` and ``attrs`` (reference, neurons)."""
    out: dict[str, Any] = {col: np.asarray(getattr(readout, col)) for col in IMAGING_UNITS}
    out["attrs"] = {"reference": int(readout.reference), "neurons": int(readout.neurons)}
    return out


def arm_part(arm: DaysResult) -> dict[str, Any]:
    """``/arms/<name>``: the arm's slow series, their units, its attributes and its checks."""
    out: dict[str, Any] = {k: np.asarray(v, dtype=np.float64) for k, v in arm.series.items()}
    out["units"] = {k: arm.units[k] for k in arm.series}
    out["attrs"] = {**acute_peaks(arm), "role": arm.role, "blockers": ",".join(arm.blockers),
                    "age": arm.age, "end_rate_pyramidal_hz": float(arm.end_rate_pyramidal_hz)}
    out["checks"] = check_table(arm.checks)
    if arm.imaging is not None:
        out["imaging"] = imaging_part(arm.imaging)
    return out


def days_part(days: DaysResult) -> dict[str, Any]:
    """``/spines``, ``/plasticity`` (checks; signatures empty until the analysis adds them) and ``/arms``."""
    checks = check_table(days.checks)
    rates = checks["rate_pyramidal_hz"]
    imaging = {"imaging": imaging_part(days.imaging)} if days.imaging is not None else {}
    return {
        "time_h": np.asarray(days.snapshots_time_h, dtype=np.float64),
        "density": np.asarray(days.snapshot_density, dtype=np.float32),
        "volume_mean": np.asarray(days.snapshot_volume, dtype=np.float32),
        "susceptible": np.asarray(days.susceptible, dtype=bool),
        "healthy_density": np.asarray(days.healthy_density, dtype=np.float32),
        "pool": {label: {"state": np.asarray(state, dtype=np.uint8), "volume": np.asarray(volume, dtype=np.float32)}
                 for label, (state, volume) in days.pool_states.items()},
        "checks": checks,
        "experiment": {"age": days.age, "last_dose_h": float(days.last_dose_h),
                       "end_rate_pyramidal_hz": float(rates[-1]) if len(rates) else float("nan")},
        "signatures": [],
        "arms": {name: arm_part(arm) for name, arm in days.arms.items()},
        **imaging,
    }


def provenance_part(provenance: Mapping[str, Any]) -> dict[str, Any]:
    """The provenance as stored: str, int, float or bool values (None as "")."""
    out = {}
    for key, value in provenance.items():
        value = "" if value is None else value
        if isinstance(value, np.generic):
            value = value.item()
        if not isinstance(value, str | int | float | bool):
            raise TypeError(f"provenance {key!r}: expected str, int, float or bool, got {value!r}")
        out[key] = value
    return out


def to_record(config: Config, sample: FastSample, analysis: SampleAnalysis, provenance: Mapping[str, Any],
              timeline: Timeline | None = None, days: DaysResult | None = None) -> RunRecord:
    """The record of a run from its parts (:class:`circuitsim.engine.run.SimulatedRun` holds them).

    Parameters
    ----------
    config : Config
        The run's config (stored as its YAML text).
    sample, analysis : FastSample, SampleAnalysis
        The fast sample of ``/spikes``, ``/timeseries`` and ``/epochs`` (a
        dosing experiment's: its timeline's first staircase).
    provenance : mapping
        Versions, seeds, host, times (:func:`circuitsim.engine.provenance.run_provenance`).
    timeline : Timeline, optional
        A dosing experiment's timeline.
    days : DaysResult, optional
        A plasticity experiment's slow stage and arms (signatures empty:
        the analysis adds them, :func:`circuitsim.analysis.annotate.annotate`).
    """
    time_ms = np.asarray(analysis.time_s, dtype=np.float64) * 1e3
    traces = {}
    for name, values in analysis.traces.items():
        traces[name] = np.asarray(values, dtype=np.float64)
        if traces[name].shape != time_ms.shape:
            raise ValueError(f"trace {name!r} has shape {traces[name].shape}, time axis {time_ms.shape}")
    baseline = (timeline.stair_config.protocol.baseline_epoch if timeline is not None
                else config.protocol.baseline_epoch)
    series, units, info = timeline_parts(timeline) if timeline is not None else (None, {}, {})
    return RunRecord(
        config_text=dump_config(config), provenance=provenance_part(provenance),
        spikes=spike_table(sample), n_cells={pop: int(n) for pop, n in sample.n_cells.items()},
        time_ms=time_ms, timeseries=traces, units={name: trace_units(name) for name in traces},
        epoch_table=epoch_table(analysis), baseline_epoch=baseline,
        timeline=series, timeline_units=units, timeline_info=info,
        days=days_part(days) if days is not None else {}, reports=report_table(sample, config.recording.interval_s))
