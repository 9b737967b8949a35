"""The adolescent-vulnerability readouts of a results file, against the studies' adult time points.

What the studies measured after adolescent exposure, and the model's
counterpart, each from a results file with E->I agents
(``plasticity.interneuron_wiring``) and an adolescent drug-free arm:

* E->PV synapses persisting into adulthood (PubMed 38901224, 2024,
  abstract: "reduced density of excitatory synapses on parvalbumin (PV)
  neurons persisting into adulthood"): the E->I synapses present in the
  drug-free checks of a window, over the age-matched vehicle's, minus 1;
* IPSC frequency onto layer-V pyramidal cells, reduced at P70-90 and
  P95-125 after MK-801 at P35-40 (J Neurosci, PMC7326362, Fig. 1 legend):
  the checks' IPSC frequency (:mod:`circuitsim.engine.wiring`) in the same
  windows, over the vehicle's, minus 1;
* adult hyperexcitability (PubMed 38901224): the drug-free pyramidal rate
  over the vehicle's, minus 1;
* the same schedule in adults (PMC7326362 Fig. 1b: adult exposure at
  P75-80 left the IPSC frequency like saline's): the adult arm's IPSC
  frequency and E->I synapses over the adult vehicle's.

Windows are days from the first dose, with the first dose at P28
(:data:`FIRST_DOSE_P`): P70-90 is days 42-62, P95-125 days 67-97. Bands:
the sizes of these studies could not be read (only legends and abstracts),
so the adolescent rows test the direction (< 0, or > 0 for the rate), and
the adult rows test "like vehicle" as within :data:`ADULT_SAME` of it (a
model choice). Nothing here is fitted to (experiments/adolescent_vulnerability).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .signatures import Signature

#: Postnatal day of the first dose in the packaged adolescent experiment (Nagy et al. 2015: 4 weeks).
FIRST_DOSE_P = 28
#: The adult windows of PMC7326362 (postnatal days).
WINDOWS_P = ((70, 90), (95, 125))
#: Within this fraction of the vehicle: "like vehicle" (model choice).
ADULT_SAME = 0.02

SOURCE_IPSC = "J Neurosci PMC7326362, Fig. 1 (direction; Hz not readable)"
SOURCE_PV = "PubMed 38901224 (direction; abstract, no numbers)"


def window_mean(checks: Mapping, column: str, p_window: tuple[int, int]) -> float:
    """Mean of a check column over the checks in the postnatal window `p_window` (NaN without one)."""
    t_d = np.asarray(checks["time_h"], float) / 24.0
    lo, hi = (p - FIRST_DOSE_P for p in p_window)
    sel = (t_d >= lo - 1e-6) & (t_d <= hi + 1e-6)
    return float(np.mean(np.asarray(checks[column], float)[sel])) if sel.any() else float("nan")


def relative(checks: Mapping, reference: Mapping, column: str, p_window: tuple[int, int]) -> float:
    """`column` over `p_window` in `checks` over the same in `reference`, minus 1."""
    return window_mean(checks, column, p_window) / window_mean(reference, column, p_window) - 1.0


def adolescent_signatures(days: Mapping) -> list[Signature]:
    """The readouts above from a results file's ``days`` (its checks, arms and experiment attributes).

    Empty unless the run is adolescent, has E->I agents and an adolescent
    drug-free arm.
    """
    experiment = days.get("experiment") or {}
    checks = days.get("checks") or {}
    if str(experiment.get("age", "adult")) != "adolescent" or "ipsc_frequency_hz" not in checks:
        return []
    arms = days.get("arms", {})
    free = {str(a["attrs"].get("age", "adult")): name for name, a in arms.items()
            if a["attrs"].get("role") in ("control", "vehicle")}
    if "adolescent" not in free:
        return []
    veh = arms[free["adolescent"]]["checks"]
    out = []
    early, late = (f"P{a}-{b}" for a, b in WINDOWS_P)
    d = relative(checks, veh, "e_to_i_synapses_rel", WINDOWS_P[1])
    out.append(Signature(f"adolescence: E->I synapses at {late} vs vehicle", d, "relative", "< 0", SOURCE_PV, d < 0))
    for (a, b), label in zip(WINDOWS_P, (early, late), strict=True):
        d = relative(checks, veh, "ipsc_frequency_hz", (a, b))
        out.append(Signature(f"adolescence: IPSC frequency onto pyramidal cells at {label} vs vehicle", d,
                             "relative", "< 0", SOURCE_IPSC, d < 0))
    d = relative(checks, veh, "rate_pyramidal_hz", WINDOWS_P[1])
    out.append(Signature(f"adolescence: drug-free pyramidal rate at {late} vs vehicle (hyperexcitable)", d,
                         "relative", "> 0", SOURCE_PV, d > 0))
    adult = [name for name, a in arms.items()
             if str(a["attrs"].get("age", "adult")) == "adult" and a["attrs"].get("role") == "other"]
    if "adult" in free and adult:
        arm, ref = arms[adult[0]]["checks"], arms[free["adult"]]["checks"]
        for column, label in (("ipsc_frequency_hz", "IPSC frequency"), ("e_to_i_synapses_rel", "E->I synapses")):
            d = relative(arm, ref, column, WINDOWS_P[1])
            out.append(Signature(f"adult exposure: {label} {late}-equivalent vs adult vehicle", d, "relative",
                                 f"within +-{ADULT_SAME:g}", "J Neurosci PMC7326362, Fig. 1b",
                                 abs(d) <= ADULT_SAME))
    return out
