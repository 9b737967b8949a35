"""Named sets of spine and plasticity parameters, calibrated together (``plasticity.preset``).

A preset fills every key it names that the config does not set itself: the
config's own values win. Each value says where it comes from. The
calibrations are measured by the scripts in experiments/calibration/ and
recorded in docs/plasticity.md ("Turnover presets").
"""

from __future__ import annotations

from typing import Any

#: Preset name -> the plasticity section's values (the config's keys and units).
PLASTICITY_PRESETS: dict[str, dict[str, Any]] = {
    # Young-adult mouse frontal cortex, imaged. Turnover calibrated on the
    # saline group of Phoumthipphavong et al. 2016 (eNeuro; mouse medial
    # frontal cortex, n = 8, 2-day intervals; numbers as quoted in issue 18:
    # formed 12.9 +- 1.2 and 14.4 +- 1.1 %, eliminated 22.6 +- 1.9 and
    # 19.6 +- 1.4 % of spines): with these rates the model turns over 15.0 %
    # formed and 15.0 % eliminated per 2 days at rest (between the published
    # formation and elimination; at steady state it cannot net-prune), slot
    # occupancy 0.59 (experiments/calibration/turnover.py).
    "mouse_frontal_imaged": {
        "spines": {
            # calibrated (above); the imaged turnover is set mainly by
            # k_elim x stable_factor (docs/plasticity.md)
            "k_form": "0.2 /d",
            "k_elim": "2.5 /d",
            "stable_factor": 0.05,
            # numerical: at these rates the burn-in must use the experiment's
            # 2-h step, or the first imaged interval is off steady state
            "burn_in_step": "2 h",
            # calibrated: 21 days of stress give -16 % spine density at the
            # dose, 0.840 of healthy (Radley et al. 2004; reduced circuit,
            # seed 1, experiments/calibration/stress_loss.py)
            "stress_elimination_gain": 0.43,
            # formation follows the slow program below, not the protein
            # itself: formation is not up at 3-6 h after a dose (Moda-Sava et
            # al. 2019, as quoted by a later abstract; SCIENCE.md Revisions)
            "protein_formation_gain": 0.0,
            # model choice, no number readable: "selectively rescuing
            # eliminated spines" (Moda-Sava et al. 2019, abstract); new spines
            # "within a distance of two micrometres from spines that were
            # eliminated" after fear extinction (Lai et al., Nature, abstract).
            # A lost site is taken 5x as readily as another empty slot, and
            # remembered over weeks (longer than the 21-day stress history).
            "site_bias": 4.0,
            "site_memory": "30 d",
        },
        # Time constants from the windows (SpinogenesisConfig); the gain is
        # calibrated: one dose (mouse, 10 mg/kg i.p.) after 21 days of
        # stress gives back half of the stress loss over vehicle at 24 h,
        # "about half of those spines" after 12 h in the press account
        # (WIRED 2019) of Moda-Sava et al. 2019. Default circuit, seed 1
        # (experiments/calibration/rescue.py --full): gain 30 gave 0.445,
        # 36 gave 0.523; 34 interpolates to 0.50. With 34 and the final site
        # memory (stable spines only): 0.487 (validate's mouse run, reduced
        # circuit) and 0.50 (the human headline, default circuit).
        "spinogenesis": {"tau_rise": "12 h", "tau_decay": "3 d", "gain": 34.0},
    },
}


def with_preset(data: Any, sections: dict[str, type]) -> Any:
    """The plasticity section `data` (a mapping) with its preset's values under its own.

    `sections`: the models of the nested sections a preset fills (name ->
    pydantic model), whose keys the config may give by field name or by
    alias; they are compared by alias.
    """
    if not isinstance(data, dict) or data.get("preset") is None:
        return data
    name = data["preset"]
    if name not in PLASTICITY_PRESETS:
        raise ValueError(f"preset: expected one of {sorted(PLASTICITY_PRESETS)}, got {name!r}")
    data = dict(data)
    for section, model in sections.items():
        if isinstance(data.get(section), dict):
            aliases = {n: f.alias for n, f in model.model_fields.items() if f.alias}
            data[section] = {aliases.get(k, k): v for k, v in data[section].items()}
    return _merged(PLASTICITY_PRESETS[name], data)


def _merged(under: dict, over: dict) -> dict:
    out = dict(over)
    for key, value in under.items():
        if key not in out:
            out[key] = value
        elif isinstance(value, dict) and isinstance(out[key], dict):
            out[key] = _merged(value, out[key])
    return out
