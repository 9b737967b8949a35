"""What the analysis adds to a simulated run before it is written: arm summaries and the signatures.

The engine returns what happened (:class:`circuitsim.engine.run.SimulatedRun`);
this module measures from it what the results file records besides: each
arm's summary (role, blockers, age, acute peaks, end rate;
:func:`arm_summary`) and the plasticity signatures measured from the
experiment's series (:func:`circuitsim.analysis.signatures.plasticity_signatures`),
exactly as they would be measured from the file (the same series and
attributes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engine.slow import DaysResult
from .signatures import Signature, plasticity_signatures


def acute_peaks(days: DaysResult) -> dict[str, float]:
    """The drug's circuit effect in an arm: peak glutamate and pyramidal rate of its acute timeline."""
    if days.acute is None:
        return {"peak_glutamate_rel": 1.0, "peak_rate_pyramidal_hz": float("nan")}
    s = days.acute.series
    return {"peak_glutamate_rel": float(np.nanmax(s["glutamate_rel"])),
            "peak_rate_pyramidal_hz": float(np.nanmax(s["rate_pyramidal_hz"]))}


def arm_summary(arm: DaysResult) -> dict[str, object]:
    """The attributes of ``/arms/<name>``: role, blockers (comma-separated), age, end rate, acute peaks."""
    out: dict[str, object] = dict(acute_peaks(arm))
    out.update(role=arm.role, blockers=",".join(arm.blockers), age=arm.age,
               end_rate_pyramidal_hz=arm.end_rate_pyramidal_hz)
    return out


@dataclass(frozen=True)
class Annotations:
    """The analysis of a plasticity run: arm name -> its summary, and the measured signatures."""

    arms: dict[str, dict[str, object]] = field(default_factory=dict)
    signatures: tuple[Signature, ...] = ()


def annotate(days: DaysResult | None) -> Annotations:
    """The :class:`Annotations` of a slow stage (empty without one)."""
    if days is None:
        return Annotations()
    arms = {name: arm_summary(arm) for name, arm in days.arms.items()}
    if days.timeline is None:
        return Annotations(arms=arms)
    signatures = plasticity_signatures(
        days.timeline.series,
        {name: (arm.series, arms[name]) for name, arm in days.arms.items()},
        {"age": days.age, "end_rate_pyramidal_hz": days.end_rate_pyramidal_hz, "last_dose_h": days.last_dose_h})
    return Annotations(arms=arms, signatures=tuple(signatures))
