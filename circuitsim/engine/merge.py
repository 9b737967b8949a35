"""The experiment's /timeline: PK, the circuit and the slow stage on one time axis."""

from __future__ import annotations

import numpy as np

from ..config.schema import Config
from ..pharmacology import pd, pk
from ..pharmacology.schedules import Schedule
from .acute import TIMELINE_UNITS, Timeline, dose_table, effective_um, exposure_series
from .checks import DRUG_FREE, CircuitCheck
from .interpolation import CIRCUIT_QUANTITIES

_S_PER_H = 3600.0


def merged_timeline(config: Config, grid: np.ndarray, slow: dict[str, np.ndarray], slow_units: dict[str, str],
                    acute: Timeline | None, checks: list[CircuitCheck]) -> Timeline:
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
    eff = effective_um(res, config)
    series, units = exposure_series(res, eff, config)
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
        acute = Timeline(series={"time_h": np.array([0.0])}, units={}, plan=DRUG_FREE,
                             stair_config=at_dose_check.config, sample=at_dose_check.sample,
                             analysis=at_dose_check.analysis, interpolation_error={}, cache_hit=False,
                             doses=dose_table(config), monitoring_h=config.timeline.monitoring_s / _S_PER_H,
                             rounds=(0,))
        for name, attr in CIRCUIT_QUANTITIES.items():
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
    for name, attr in CIRCUIT_QUANTITIES.items():
        if name not in acute.series:
            continue
        src = proxy.get(name, attr)
        values = np.array([getattr(checks[k].measures, src) for k in order], dtype=float)
        if name in proxy:
            ref = getattr(at_dose, src)
            values = values / ref if ref > 0 else np.full_like(values, np.nan)
        free = np.interp(grid, check_t[order], values)
        series[name] = np.where(in_window, np.interp(grid, t_acute, acute.series[name]), free)
        units[name] = acute.units.get(name, TIMELINE_UNITS.get(name, "1"))
    for name, values in slow.items():
        series[name] = values
        units[name] = slow_units[name]
    return Timeline(series=series, units=units, plan=acute.plan, stair_config=acute.stair_config,
                        sample=acute.sample, analysis=acute.analysis,
                        interpolation_error=acute.interpolation_error, cache_hit=acute.cache_hit,
                        doses=acute.doses, monitoring_h=acute.monitoring_h, rounds=acute.rounds,
                        held_sample=acute.held_sample, held_analysis=acute.held_analysis)


