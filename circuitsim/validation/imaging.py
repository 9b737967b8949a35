"""Validation measures of imaged spine turnover: formation windows and the single-dose imaging study.

Each measure reads a results file's imaging readout (``/plasticity/imaging``
and its arms') or its slow-stage series (``/timeline``, the arms'), never the
engine's internals.
"""

from __future__ import annotations

import numpy as np

from ..analysis.signatures import Signature
from ..io.read import Results
from .measures import vehicle_arm

#: Ketamine minus saline in the per-dendrite data that Phoumthipphavong et al. 2016
#: released (github.com/Kwan-Lab/phoumthipphavong2016, spine_summary.m, commit 5261d77),
#: summarised per mouse and then over mice (mean, SE of the difference; 8 + 8 mice
#: for the interval -1 to +1 d, 3 + 2 for +1 to +3 d) by
#: experiments/imaging_schedule/released_data.py, which reproduces the saline numbers
#: quoted in issue 18 (12.9 +- 1.2, 14.4 +- 1.1, 22.6 +- 1.9, 19.6 +- 1.4 %). NOT the
#: paper's figures, which could not be read. Formation as the change from each
#: mouse's first interval (the released script's baseline), % points; elimination as
#: is, % points; density at day 3 relative to day -1.
RELEASED = {
    "formation -1 to 1": (5.54, 6.50), "formation 1 to 3": (10.27, 9.23),
    "elimination -1 to 1": (0.18, 3.53), "elimination 1 to 3": (12.32, 2.96), "density day 3": (0.067, 0.065),
}
RELEASED_SOURCE = "Phoumthipphavong et al. 2016 (released data, re-analysed; abstract for the direction)"


def _interval(im: dict, end_d: float) -> int:
    """Index of the interval between sessions that ends at day `end_d`."""
    d = np.asarray(im["session_d"], float)
    k = int(np.argmin(np.abs(d - end_d)))
    if abs(d[k] - end_d) > 1e-6 or k == 0:
        raise ValueError(f"imaging: no interval ending at day {end_d:g} (sessions {list(d)})")
    return k - 1


def _imaged_vehicle(res: Results) -> dict | None:
    """The imaging readout of the first arm that has one (the vehicle of the imaging configs)."""
    return next((a.get("imaging") for a in res.days.get("arms", {}).values() if a.get("imaging") is not None), None)


def _pp(im: dict, vehicle: dict, key: str, end_d: float) -> float:
    """The drug's `key` minus the vehicle's over the interval ending at day `end_d`."""
    k = _interval(im, end_d)
    return float(im[key][k] - vehicle[key][k])


def _ratio(im: dict, vehicle: dict, key: str, end_d: float) -> float:
    """The drug's `key` over the vehicle's over the interval ending at day `end_d`."""
    k = _interval(im, end_d)
    return float(im[key][k] / vehicle[key][k])


def single_dose_imaging(res: Results) -> list[Signature]:
    """The drug against its vehicle arm at the imaging sessions of ``phoumthipphavong_2016``.

    The model's vehicle is stationary (same seed, no drug), so the drug's
    formed % minus the vehicle's is the published change from baseline of
    ketamine minus that of saline. Bands: the released data's mean +- 2 SE,
    cut at 0 where the abstract gives the direction ("elevated spine
    formation rate"; density "higher ... for up to 2 weeks"). The abstract
    says density rose "not by changes in the spine elimination rate"; the
    released data show elimination unchanged over days -1 to 1 but higher
    over days 1 to 3 (3 and 2 mice): both are rows. Beside them, issue 18's
    own test: the spines eliminated after the dose, drug over vehicle,
    within 10 %.
    """
    im, vehicle = res.days.get("imaging"), _imaged_vehicle(res)
    if im is None or vehicle is None:
        return []
    out = []
    for label, key, end_d, data in (("formation, days -1 to 1", "formed_pct", 1.0, RELEASED["formation -1 to 1"]),
                                    ("formation, days 1 to 3", "formed_pct", 3.0, RELEASED["formation 1 to 3"])):
        v = _pp(im, vehicle, key, end_d)
        hi = data[0] + 2 * data[1]
        out.append(Signature(f"18 imaging: {label}, drug minus vehicle", v, "% points",
                             f"0-{hi:.1f} (data {data[0]:.1f} +- {data[1]:.1f})", RELEASED_SOURCE, 0.0 < v <= hi))
    for label, end_d in (("-1 to 1", 1.0), ("1 to 3", 3.0)):
        m, se = RELEASED[f"elimination {label}"]
        v = _pp(im, vehicle, "eliminated_pct", end_d)
        out.append(Signature(f"18 imaging: elimination, days {label}, drug minus vehicle", v, "% points",
                             f"{m - 2 * se:.1f} to {m + 2 * se:.1f} (data {m:.1f} +- {se:.1f})",
                             "Phoumthipphavong et al. 2016 (released data, re-analysed)",
                             m - 2 * se <= v <= m + 2 * se))
    d = np.asarray(im["session_d"], float)
    m, se = RELEASED["density day 3"]
    k3 = int(np.argmin(np.abs(d - 3.0)))
    v = float(im["density_rel"][k3] - vehicle["density_rel"][k3])
    out.append(Signature("18 imaging: density at day 3 (of day -1), drug minus vehicle", v, "of day -1",
                         f"0-{m + 2 * se:.3f} (data {m:.3f} +- {se:.3f})", RELEASED_SOURCE, 0.0 < v <= m + 2 * se))
    post = d[:-1] >= -1.0 - 1e-9
    ratio = float(np.sum(im["eliminated"][post]) / max(np.sum(vehicle["eliminated"][post]), 1))
    out.append(Signature(f"18 imaging: spines eliminated from day -1 to {d[-1]:g}, drug over vehicle", ratio,
                         "x vehicle", "0.9-1.1", "Phoumthipphavong et al. 2016 (abstract: elimination unchanged)",
                         0.9 <= ratio <= 1.1))
    pre = _preexisting_lost(im, vehicle, post)
    if pre is not None:
        out.append(Signature(f"18 imaging: pre-existing spines (seen at day -1) eliminated by day {d[-1]:g}, "
                             "drug over vehicle", pre, "x vehicle", "0.9-1.1",
                             "Phoumthipphavong et al. 2016 (abstract: elimination rate unchanged)",
                             0.9 <= pre <= 1.1))
    k_last = len(d) - 1
    dens = float(im["spines"][k_last] / max(vehicle["spines"][k_last], 1))
    out.append(Signature(f"18 imaging: spine density at day {d[-1]:g}, drug over vehicle", dens, "x vehicle",
                         "> 1 (direction only: no size read)",
                         "Phoumthipphavong et al. 2016 (abstract: higher for up to 2 weeks)", dens > 1.0))
    return out


def _preexisting_lost(im: dict, vehicle: dict, intervals: np.ndarray) -> float | None:
    """Pre-existing spines (seen at the reference session) lost over `intervals`, the drug's over the vehicle's.

    None for a readout without the pre-existing columns (older files).
    """
    if "preexisting_eliminated" not in im or "preexisting_eliminated" not in vehicle:
        return None
    lost = np.sum(np.asarray(im["preexisting_eliminated"])[intervals])
    return float(lost / max(np.sum(np.asarray(vehicle["preexisting_eliminated"])[intervals]), 1))


def _rate_ratio(res: Results, arm: dict, a_h: float, b_h: float) -> float:
    """Spines formed per day over [a_h, b_h), the drug's over the arm's (series on the slow grid)."""
    t = np.asarray(res.timeline["time_h"], float)
    ta = np.asarray(arm["time_h"], float)
    f = np.asarray(res.timeline["spines_formed_per_day"], float)
    fa = np.asarray(arm["spines_formed_per_day"], float)
    grid = np.linspace(a_h, b_h, 61)
    return float(np.mean(np.interp(grid, t, f)) / np.mean(np.interp(grid, ta, fa)))


def formation_windows(res: Results) -> list[Signature]:
    """Formation over the vehicle arm in the windows of Moda-Sava et al. 2019 (one dose after stress).

    Not up at 3-6 h, up at 12-24 h (as quoted by a later abstract; the
    source gives no size). Bands: "not up" is below 1.1 (the 10 % of the
    elimination check), "up" at least 1.5 (model choices).
    """
    vehicle = vehicle_arm(res)
    if vehicle is None or "spines_formed_per_day" not in res.timeline:
        return []
    early = _rate_ratio(res, vehicle, 3.0, 6.0)
    late = _rate_ratio(res, vehicle, 12.0, 24.0)
    source = "Moda-Sava et al. 2019 (as quoted in a later abstract)"
    return [Signature("18 formation window: 3-6 h after the dose, over vehicle", early, "x vehicle", "< 1.1",
                      source, early < 1.1),
            Signature("18 formation window: 12-24 h after the dose, over vehicle", late, "x vehicle", ">= 1.5",
                      source, late >= 1.5)]


def repeated_dose_windows(res: Results) -> list[Signature]:
    """Imaged formation over vehicle after 5 daily doses, 6-24 h and 72-132 h (Pryazhnikov et al. 2018).

    Formed % between the sessions at 6 and 24 h and at 72 and 132 h,
    drug over vehicle. Bands: "not up" below 1.1, "up" at least 1.5 (model
    choices; the abstract says "significantly higher at 72-132 h ... (but
    not at 6-24 h)", no size read). Beside them the elimination of
    pre-existing spines (seen at the baseline session, the reference) from
    the session at 6 h to the last, drug over vehicle, within 10 % (the
    abstract: "remained unchanged"; their definition of pre-existing could
    not be read).
    """
    im, vehicle = res.days.get("imaging"), _imaged_vehicle(res)
    if im is None or vehicle is None:
        return []
    source = "Pryazhnikov et al. 2018 (abstract)"
    early, late = _ratio(im, vehicle, "formed_pct", 1.0), _ratio(im, vehicle, "formed_pct", 5.5)
    out = [Signature("18 repeated doses: formation 6-24 h after the first, over vehicle", early, "x vehicle",
                     "< 1.1", source, early < 1.1),
           Signature("18 repeated doses: formation 72-132 h after the first, over vehicle", late, "x vehicle",
                     ">= 1.5", source, late >= 1.5)]
    d = np.asarray(im["session_d"], float)
    after = d[:-1] >= 0.0  # the intervals from the first session after the first dose
    pre = _preexisting_lost(im, vehicle, after)
    if pre is not None and after.any():
        first_h = 24 * d[:-1][after][0]
        out.append(Signature(f"18 repeated doses: elimination of pre-existing spines, {first_h:g} h to {24 * d[-1]:g} h, "
                             "over vehicle", pre, "x vehicle", "0.9-1.1",
                             f"{source}: \"the rate of elimination of pre-existing spines remained unchanged\"",
                             0.9 <= pre <= 1.1))
    return out
