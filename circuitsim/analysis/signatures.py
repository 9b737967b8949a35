"""The plasticity signatures of SCIENCE.md (issue 4, item 6), measured from a results file's series.

Every value is computed from what a results file holds: ``/timeline``
(plasma, glutamate and spine density on the experiment's time axis, hours
from the first dose) and ``/arms/<name>`` (each arm's series, its role and
its acute peaks). Nothing is taken from the engine's internals, so the same
function checks a file written today or read back later.

The arms' roles come from their configs (:func:`circuitsim.engine.arms.arm_role`): ``control``
(no stress, no drug), ``vehicle`` (stress, no drug), ``blocker`` (the drug
plus an intervention or NBQX), ``mimic`` (an eEF2 kinase inhibitor without
the drug).

Bands and why (each a definition, not a fit):

* **Hit and run, plasma**: plasma ketamine last above 5 % of its peak at
  most 13 h after the dose (SCIENCE.md stage 8: about five half-lives in
  humans).
* **Hit and run, spines**: spine density at the end of the run (day 7 in
  the headline) above its value at the dose.
* **Spine increase at 24 h**: the rise of spine density over the first
  24 h minus the vehicle arm's rise (spontaneous recovery after stress),
  at least 0.01 of the healthy density. 0.01 is a model choice for "an
  increase", far outside seed noise: at the reduced scale the rise over
  vehicle measured 0.0253-0.0273 over seeds 1-4 (s.d. 0.0009) in
  configs/occlusion.yaml (docs/plasticity.md).
* **A blocker abolishes the increase**: its 24-h rise over vehicle is at
  most 20 % of the drug's (an 80 % reduction: a model choice for
  "abolishes"; Li et al. 2010 saw no increase with rapamycin).
* **NBQX and rapamycin leave the surge intact**: the arm's peak glutamate
  excess (peak - 1) at least 80 % of the drug's.
* **The eEF2 kinase inhibitor alone raises spines**: its 24-h rise over
  vehicle at least 0.01 (as above).
* **Adolescent vulnerability**: :mod:`circuitsim.analysis.adolescence`
  (from the drug-free checks, not the series).

With repeated doses the plasma signature is timed from the last dose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

#: Minimum 24-h rise of spine density over vehicle that counts as an increase (healthy = 1).
MIN_RISE = 0.01
#: A blocker abolishes the increase when its rise over vehicle is at most this fraction of the drug's.
ABOLISHED_FRACTION = 0.2
#: The surge is intact when the arm's glutamate excess is at least this fraction of the drug's.
SURGE_KEPT_FRACTION = 0.8
#: Plasma must be below 5 % of its peak by this time after the first dose, h.
PLASMA_GONE_BY_H = 13.0
PLASMA_GONE_FRACTION = 0.05

#: Interventions whose arm must leave the glutamate surge intact (downstream of it), besides NBQX.
SURGE_INTACT = ("rapamycin", "nbqx")


@dataclass(frozen=True)
class Signature:
    """One checked signature: what was measured, the band, the source, and the verdict."""

    name: str
    measured: float
    unit: str
    target: str
    source: str
    passed: bool


def _at(t: np.ndarray, y: np.ndarray, h: float) -> float:
    return float(np.interp(h, np.asarray(t, float), np.asarray(y, float)))


def _rise(series: Mapping[str, np.ndarray], hours: float = 24.0) -> float:
    t, d = series["time_h"], series["spine_density_rel"]
    return _at(t, d, hours) - _at(t, d, 0.0)


def plasticity_signatures(timeline: Mapping[str, np.ndarray],
                          arms: Mapping[str, tuple[Mapping[str, np.ndarray], Mapping]],
                          experiment: Mapping | None = None) -> list[Signature]:
    """Item 6 of issue 4, measured.

    Parameters
    ----------
    timeline : mapping
        The experiment's ``/timeline`` series: ``time_h``, ``plasma_ng_ml``,
        ``glutamate_rel``, ``spine_density_rel``.
    arms : mapping
        Arm name -> (its series, its attributes: ``role``, ``blockers``
        (comma-separated), ``peak_glutamate_rel``, and, when stored,
        ``age`` and ``end_rate_pyramidal_hz``).
    experiment : mapping, optional
        The experiment's own attributes: ``age``, ``end_rate_pyramidal_hz``
        (drug-free, at the end), ``last_dose_h`` (start of its last dose).

    Returns
    -------
    list of Signature
        Only the signatures the run can measure: the blockers need their
        arms, the rise over vehicle needs a vehicle arm.
    """
    out: list[Signature] = []
    experiment = experiment or {}
    t = np.asarray(timeline["time_h"], float)
    plasma = np.asarray(timeline["plasma_ng_ml"], float)
    after = t >= 0
    last_dose_h = float(experiment.get("last_dose_h", 0.0))
    since = t >= last_dose_h
    if np.nanmax(plasma[since], initial=0.0) > 0:
        peak = float(np.nanmax(plasma[since]))
        above = since & (plasma > PLASMA_GONE_FRACTION * peak)
        last = float(t[above].max())
        # The sample after the last one above 5 % is the first below: report that time.
        later = t[t > last]
        gone_h = float(later.min()) - last_dose_h if later.size else float("inf")
        name = "hit and run: plasma below 5 % of peak" + (" (last dose)" if last_dose_h > 0 else "")
        out.append(Signature(name, gone_h, "h",
                             f"<= {PLASMA_GONE_BY_H:g} h", "SCIENCE.md stage 8 (~5 half-lives)",
                             gone_h <= PLASMA_GONE_BY_H))
    dens = timeline["spine_density_rel"]
    end_h = float(t[-1])
    gain_end = _at(t, dens, end_h) - _at(t, dens, 0.0)
    out.append(Signature(f"hit and run: spines at day {end_h / 24:g} above the dose", gain_end, "healthy",
                         "> 0", "Phoumthipphavong et al. 2016; Li et al. 2010", gain_end > 0))

    by_role: dict[str, list[str]] = {}
    for name, (_, attrs) in arms.items():
        by_role.setdefault(str(attrs.get("role", "other")), []).append(name)
    vehicle = by_role.get("vehicle", [])
    if not vehicle:
        return out
    base = _rise(arms[vehicle[0]][0])
    drug_rise = _rise(timeline) - base
    out.append(Signature("spine increase at 24 h (over vehicle)", drug_rise, "healthy",
                         f">= {MIN_RISE:g}", "Li et al. 2010; Moda-Sava et al. 2019", drug_rise >= MIN_RISE))
    glu = float(np.nanmax(np.asarray(timeline["glutamate_rel"], float)[after]))
    for name in by_role.get("blocker", []):
        series, attrs = arms[name]
        rel = (_rise(series) - base) / drug_rise if drug_rise > 0 else float("nan")
        out.append(Signature(f"{name}: abolishes the 24-h increase", rel, "of drug's rise",
                             f"<= {ABOLISHED_FRACTION:g}", "SCIENCE.md item 10; Li 2010, Autry 2011, Maeng 2008",
                             bool(rel <= ABOLISHED_FRACTION)))
        blockers = str(attrs.get("blockers", "")).split(",")
        if any(b in SURGE_INTACT for b in blockers):
            kept = (float(attrs.get("peak_glutamate_rel", np.nan)) - 1.0) / (glu - 1.0) if glu > 1 else np.nan
            out.append(Signature(f"{name}: glutamate surge intact", kept, "of drug's excess",
                                 f">= {SURGE_KEPT_FRACTION:g}", "SCIENCE.md item 10", bool(kept >= SURGE_KEPT_FRACTION)))
    for name in by_role.get("mimic", []):
        rise = _rise(arms[name][0]) - base
        out.append(Signature(f"{name}: raises spines without the drug", rise, "healthy",
                             f">= {MIN_RISE:g}", "Autry et al. 2011", rise >= MIN_RISE))
    return out
