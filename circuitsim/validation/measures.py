"""The measures of the validation suite: each signature computed from a results file.

Nothing is taken from the engine's internals: any results file of the same
experiments is measured the same way (docs/validation.md).
"""

from __future__ import annotations

import numpy as np

from ..analysis.adolescence import adolescent_signatures
from ..analysis.calibration import mean_response_time
from ..analysis.signatures import Signature, plasticity_signatures
from ..io.read import Results
from ..pharmacology import pk
from ..pharmacology.parameters import resolve_body_weight, route_absorption
from ..pharmacology.presets import species_pk


def _epochs_by_concentration(res: Results):
    base = res.epoch(res.baseline_epoch)
    drug = [e for e in res.epochs if e.name != res.baseline_epoch]
    return base, sorted(drug, key=lambda e: e.concentration_um)


def inverted_u(res: Results) -> list[Signature]:
    """Signature 1: sub-anaesthetic block raises glutamate (and pyramidal firing); anaesthetic lowers both.

    Every drug epoch at <= 2 uM is sub-anaesthetic (the clinical brain
    concentration is ~0.8 uM), the highest concentration (>= 5 uM)
    anaesthetic. Glutamate is the pyramidal rate's steady state
    (``G = r_E tau``, :mod:`circuitsim.network.glutamate`): one row each,
    measured on glutamate, the quantity Moghaddam et al. 1997 measured.
    The bands are the calibration targets (docs/calibration.md).
    """
    _, drug = _epochs_by_concentration(res)
    sub = [e for e in drug if e.concentration_um <= 2.0]
    top = drug[-1]
    glu_sub = max(e.glutamate_rel for e in sub)
    anaesthetic = top.concentration_um >= 5.0
    return [
        Signature("1 inverted U: glutamate (= pyramidal rate), sub-anaesthetic (peak at <= 2 uM)", glu_sub,
                  "x baseline", ">= 1.3", "Moghaddam et al. 1997; calibration target (docs/calibration.md)",
                  glu_sub >= 1.3),
        Signature(f"1 inverted U: glutamate (= pyramidal rate) at {top.concentration_um:g} uM (anaesthetic)",
                  top.glutamate_rel, "x baseline", "< 1", "Moghaddam et al. 1997 (down at anaesthetic doses)",
                  anaesthetic and top.glutamate_rel < 1.0),
    ]


#: Unbound fraction of ketamine in plasma used to turn the model's plasma-equivalent
#: concentration into an unbound one: human values are 0.47 (Lombardo et al. 2018
#: compilation), >= 0.53 (Dayton et al. 1983, Eur J Clin Pharmacol 24:825, abstract:
#: "bound as much as 47 %") and 0.55-0.57 (esketamine label, 43-45 % bound); 0.53 is
#: the middle of that range. No rat value could be read.
UNBOUND_FRACTION = 0.53
#: 50 % NMDA-receptor occupancy ([3H]MK-801, rat) at 1420 nM unbound plasma ketamine,
#: 95 % CI 990-2140 nM (Shaffer et al. 2014, Neuropharmacology; abstract read).
OCCUPANCY_EC50_UM = (1.42, 0.99, 2.14)


def occupancy_potency(res: Results) -> list[Signature]:
    """Unbound plasma ketamine at half pyramidal NMDA block, against the in-vivo occupancy potency.

    From the wash-in file's sub-anaesthetic epoch: the mean block b over its
    steady-state window at the window's mean concentration c (the recorded
    trace: the wash-in is still within 5 % of its target there) gives the
    half-block concentration c (1/b - 1)^(1/n) (Hill model), a
    plasma-equivalent concentration (docs/pharmacokinetics.md), times
    :data:`UNBOUND_FRACTION`. Nothing in the model was fitted to it.
    """
    _, drug = _epochs_by_concentration(res)
    e = next(e for e in drug if e.concentration_um <= 2.0)
    t = np.asarray(res.time_ms, float) / 1000.0
    window = (t >= e.window_start_s) & (t < e.stop_s)
    c = float(np.mean(np.asarray(res.timeseries["concentration_um"], float)[window]))
    n = res.config.pharmacology.hill.hill_n
    half = c * (1.0 / e.block_pyramidal - 1.0) ** (1.0 / n) * UNBOUND_FRACTION
    mid, lo, hi = OCCUPANCY_EC50_UM
    return [Signature("1 unbound plasma ketamine at half pyramidal NMDA block", half, "uM",
                      f"{lo:g}-{hi:g} (EC50 {mid:g})",
                      "Shaffer et al. 2014 (rat, in-vivo occupancy); fu 0.53 (human)", lo <= half <= hi)]


def interneurons_first(res: Results) -> list[Signature]:
    """Signature 2: interneuron firing falls before pyramidal firing rises.

    Over the first drug epoch's wash-in, the mean response time of each
    population's rate (:func:`circuitsim.analysis.calibration.mean_response_time`:
    the integral of the fraction of the change not yet covered, from the
    start of the wash-in to its steady-state window; robust to bin noise,
    docs/calibration.md). Needs a wash-in the circuit can follow (the
    calibration protocol's 2 s).
    """
    t = np.asarray(res.time_ms, float) / 1000.0
    base, (drug, *_) = _epochs_by_concentration(res)
    ts = res.timeseries
    r_i = mean_response_time(t, np.asarray(ts["rate_interneuron_hz"], float), drug.start_s, drug.window_start_s,
                             base.rate_interneuron_hz, drug.rate_interneuron_hz)
    r_e = mean_response_time(t, np.asarray(ts["rate_pyramidal_hz"], float), drug.start_s, drug.window_start_s,
                             base.rate_pyramidal_hz, drug.rate_pyramidal_hz)
    falls = drug.rate_interneuron_hz < base.rate_interneuron_hz
    rises = drug.rate_pyramidal_hz > base.rate_pyramidal_hz
    lead = r_e - r_i
    return [Signature(f"2 interneurons first: lead of the interneuron fall at {drug.concentration_um:g} uM",
                      lead, "s", "> 0 (I falls, E rises)", "Homayoun & Moghaddam 2007",
                      bool(falls and rises and lead > 0))]


def _session_peaks(res: Results):
    tl = res.timeline
    t = np.asarray(tl["time_h"], float)
    doses = res.timeline_info.get("doses", {})
    starts = np.asarray(doses.get("start_h", []), float)
    drugs = [str(d) for d in doses.get("drug", [])]
    out = []
    for k, (s, drug) in enumerate(zip(starts, drugs, strict=True)):
        end = starts[k + 1] if k + 1 < len(starts) else t[-1]
        sel = (t >= s) & (t < end)
        i = np.flatnonzero(sel)[np.argmax(np.asarray(tl["block_pyramidal"])[sel])]
        out.append((drug, i))
    return out


def enantiomer_potency(res: Results) -> list[Signature]:
    """Signature 6: S-ketamine blocks ~4-5x more than R-ketamine at equal concentration.

    From the enantiomers crossover: at each session's peak, the block b and
    the brain concentration c give, for the Hill model with coefficient n,
    a concentration of half block c (1/b - 1)^(1/n); the ratio R/S of these
    is the potency ratio, measured on the pyramidal block (one site with
    the same affinities in every population: the interneuron block gives
    the same ratio).
    """
    tl = res.timeline
    n = res.config.pharmacology.hill.hill_n
    peaks = dict(_session_peaks(res))
    b = np.asarray(tl["block_pyramidal"], float)

    def half(drug: str, col: str) -> float:
        i = peaks[drug]
        return float(tl[col][i]) * (1.0 / b[i] - 1.0) ** (1.0 / n)

    ratio = half("arketamine", "brain_r_um") / half("esketamine", "brain_s_um")
    return [Signature("6 S- vs R-ketamine potency (pyramidal block; the interneurons' is the same ratio)",
                      ratio, "x", "4-5", "Ebert et al. 1997 (Ki 0.3 vs 1.4 uM)", 4.0 <= ratio <= 5.0)]


def nasal_bioavailability(res: Results) -> list[Signature]:
    """Signature 6: intranasal exposure is scaled by bioavailability: F = AUC x CL / dose."""

    cfg = res.config
    dose = cfg.dosing.doses[0]
    species = species_pk(cfg.dosing.species)
    weight = resolve_body_weight(species, cfg.dosing.body_weight_kg)
    disp = pk.disposition(species, weight, "S")
    t = np.asarray(res.timeline["time_h"], float)
    plasma_mg_l = np.asarray(res.timeline["plasma_s_ng_ml"], float) / 1000.0
    auc = float(np.trapezoid(plasma_mg_l, t))
    # Left after the horizon: the terminal phase, extrapolated with the last two samples' slope.
    k = float(np.log(plasma_mg_l[-2] / plasma_mg_l[-1]) / (t[-1] - t[-2]))
    auc += plasma_mg_l[-1] / k if k > 0 else 0.0
    f = auc * disp.cl_l_per_h / dose.amount_mg(weight)
    label = route_absorption(dose, species)[0]  # the F the run was given
    return [Signature("6 intranasal exposure scaled by bioavailability (F from AUC)", f, "1",
                      f"{label:g} +- 0.02", "Spravato label (esketamine nasal F ~48 %)", abs(f - label) <= 0.02)]


def dissociation_tracks(res: Results) -> list[Signature]:
    """Signature 7: dissociation and dopamine track concentration (peak lag minutes, gone in hours)."""
    tl = res.timeline
    t = np.asarray(tl["time_h"], float)
    conc = np.asarray(tl["effective_um"], float)
    t_c = float(t[np.argmax(conc)])
    out = []
    for col, label in (("dissociation", "dissociation"), ("dopamine_rel", "dopamine")):
        if col not in tl:
            continue
        x = np.asarray(tl[col], float)
        excess = x - (1.0 if col == "dopamine_rel" else 0.0)
        lag_min = (float(t[np.argmax(excess)]) - t_c) * 60.0
        out.append(Signature(f"7 {label}: peak lag after the concentration peak", lag_min, "min",
                             "|lag| <= 15", "Luckenbaugh et al. 2014; Kokkinou et al. 2018",
                             abs(lag_min) <= 15.0))
        if col == "dissociation":
            peak = float(excess.max())
            gone = t[(t > t[np.argmax(excess)]) & (excess < 0.1 * peak)]
            back_h = float(gone.min() - t_c) if gone.size else float("inf")
            out.append(Signature("7 dissociation: below 10 % of its peak, after the infusion's end", back_h,
                                 "h", "<= 2.5", "Luckenbaugh et al. 2014 (resolves within ~2 h)", back_h <= 2.5))
    return out


def adolescence(res: Results) -> list[Signature]:
    """Issue 19's rows: the adolescent readouts of the file (:mod:`circuitsim.analysis.adolescence`)."""
    return [Signature("19 " + s.name, s.measured, s.unit, s.target, s.source, s.passed)
            for s in adolescent_signatures(res.days)]


def days_signatures(res: Results) -> list[Signature]:
    """Signatures 3, 4, 5 and 7 (spines) from a plasticity file with its arms."""
    tl = res.timeline
    arms = {name: (arm, arm["attrs"]) for name, arm in res.days.get("arms", {}).items()}
    out = [Signature("3/4 " + s.name, s.measured, s.unit, s.target, s.source, s.passed)
           for s in plasticity_signatures(tl, arms, res.days.get("experiment"))]
    t = np.asarray(tl["time_h"], float)
    d = np.asarray(tl["spine_density_rel"], float)
    at_dose = float(np.interp(0.0, t, d))
    out.append(Signature("5 stress: spine density lost before the dose", 1.0 - at_dose, "of healthy",
                         "0.12-0.20", "Radley et al. 2004 (-16 %)", 0.12 <= 1.0 - at_dose <= 0.20))
    s_gain = float(np.interp(24.0, t, tl["spine_density_rel_stressed"]) - np.interp(0.0, t, tl["spine_density_rel_stressed"]))
    u_gain = float(np.interp(24.0, t, tl["spine_density_rel_unstressed"])
                   - np.interp(0.0, t, tl["spine_density_rel_unstressed"]))
    out.append(Signature("5 rescue: 24-h gain on stressed minus unstressed neurons", s_gain - u_gain, "of healthy",
                         "> 0", "Moda-Sava et al. 2019", s_gain > u_gain))
    rise24 = float(np.interp(24.0, t, d)) - at_dose
    after = t >= 0
    half_h = float(t[after][np.argmax(d[after] - at_dose >= 0.5 * rise24)]) if rise24 > 0 else float("inf")
    out.append(Signature("7 spines track the cascade: half of the 24-h rise reached at", half_h, "h",
                         ">= 4", "Li et al. 2010 (synaptic proteins from ~2 h, spines by 24 h)", half_h >= 4.0))
    return out + rescue_share(res) + rescue_sites(res)


#: Share of the stress loss that one dose gives back over vehicle by 24 h: "about half
#: of those spines" grown back after 12 h, the press account (WIRED, 2019) of Moda-Sava
#: et al. 2019, whose abstract says only "selectively rescuing eliminated spines".
#: The spinogenic program's gain is calibrated on it (plasticity.preset, mouse 10 mg/kg
#: i.p.; experiments/calibration/rescue.py). Band: +-0.1 (model choice).
RESCUE_SHARE_24H = 0.5


def vehicle_arm(res: Results) -> dict | None:
    """The arm with role ``vehicle`` (stress without drug; without stress an arm is a "control"), if any."""
    return next((a for a in res.days.get("arms", {}).values() if a.get("attrs", {}).get("role") == "vehicle"), None)


def rescue_share(res: Results) -> list[Signature]:
    """Signature 5, its size: (drug - vehicle) / (1 - density at the dose) at 24 h, densities of healthy."""
    tl = res.timeline
    vehicle = vehicle_arm(res)
    if vehicle is None or res.config.plasticity is None or res.config.plasticity.stress is None:
        return []
    t, d = np.asarray(tl["time_h"], float), np.asarray(tl["spine_density_rel"], float)
    tv, dv = np.asarray(vehicle["time_h"], float), np.asarray(vehicle["spine_density_rel"], float)
    lost = 1.0 - float(np.interp(0.0, t, d))
    share = float(np.interp(24.0, t, d) - np.interp(24.0, tv, dv)) / lost if lost > 0 else float("nan")
    lo, hi = RESCUE_SHARE_24H - 0.1, RESCUE_SHARE_24H + 0.1
    return [Signature("5 rescue share: stress loss given back over vehicle at 24 h", share, "of the loss",
                      f"{lo:.1f}-{hi:.1f}", "Moda-Sava et al. 2019 (press account: about half)", lo <= share <= hi)]


def rescue_sites(res: Results) -> list[Signature]:
    """Signature 5: new spines land where stress removed spines, more often than chance.

    From the spine pool states the file stores (``/spines/pool``): a slot is
    *stress-emptied* when it held a spine in the healthy pool and is empty at
    the dose; a spine is *new* when its slot is empty at the dose and holds
    a spine at the end of the run. The measure is the share of new spines
    in stress-emptied slots divided by the share of stress-emptied slots
    among the slots empty at the dose: 1 is chance. Empty list without the
    three pool states (or without a stress history).
    """
    pool = res.days.get("pool", {})
    plasticity = res.config.plasticity
    if not {"healthy", "at dose", "end"} <= set(pool) or plasticity is None or plasticity.stress is None:
        return []
    held, at_dose, end = (np.asarray(pool[k]["state"]) != 0 for k in ("healthy", "at dose", "end"))
    emptied = held & ~at_dose
    new = end & ~at_dose
    if not new.any() or not emptied.any():
        return []
    enrichment = float((new & emptied).sum() / new.sum()) / float(emptied.sum() / (~at_dose).sum())
    day = float(np.asarray(res.timeline["time_h"], float)[-1]) / 24.0
    return [Signature(f"5 rescue sites: new spines (dose to day {day:g}) in stress-emptied slots, x chance",
                      enrichment, "x chance", "> 1 (direction only)", "Moda-Sava et al. 2019", enrichment > 1.0)]


#: Plasma ketamine after 10 mg racemic i.v.: geometric mean Cmax 296 ng/mL (geometric
#: SD factor 1.71), Tmax 2 min, n = 9 (Pharmacotherapy 2022;42(4):298-310, Table 6,
#: PMC9118341; the table gives no injection duration).
BOLUS_CMAX_NG_ML, BOLUS_GSD, BOLUS_N, BOLUS_TMAX_MIN = 296.0, 1.71, 9, 2.0


def human_bolus(res: Results) -> list[Signature]:
    """Plasma racemic ketamine 2 min after 10 mg i.v. against the measured geometric mean.

    Band: the geometric mean x/÷ GSD^(2/sqrt(n)), the log-scale
    counterpart of mean +- 2 SEM.
    """
    tl = res.timeline
    c = float(np.interp(BOLUS_TMAX_MIN / 60.0, np.asarray(tl["time_h"], float),
                        np.asarray(tl["plasma_ng_ml"], float)))
    f = BOLUS_GSD ** (2.0 / np.sqrt(BOLUS_N))
    lo, hi = BOLUS_CMAX_NG_ML / f, BOLUS_CMAX_NG_ML * f
    return [Signature("6 human plasma at 2 min after 10 mg i.v. (racemic)", c, "ng/mL", f"{lo:.0f}-{hi:.0f}",
                      "Pharmacotherapy 2022 Table 6 (geometric mean 296, GSD 1.71, n = 9)", lo <= c <= hi)]


#: Moghaddam et al. 1997 (J Neurosci 17:2921; abstract read): prefrontal glutamate rose
#: after 10, 20 and 30 mg/kg ketamine, did not change after 50 mg/kg and fell after
#: 200 mg/kg. Only the directions could be read.
MOGHADDAM_DIRECTIONS = {10.0: "up", 20.0: "up", 30.0: "up", 50.0: "no change", 200.0: "down"}
#: The microdialysis window averaged (h after the dose), and the band around drug-free
#: that counts as "no change" (model choice: the source gives directions only).
DOSE_SERIES_WINDOW_H, NO_CHANGE_BAND = 2.0, 0.1


def rat_dose_series(res: Results) -> list[Signature]:
    """Glutamate, mean over 0-2 h after one i.p. dose in the rat, against the published direction."""
    tl = res.timeline
    t = np.asarray(tl["time_h"], float)
    sel = (t >= 0) & (t <= DOSE_SERIES_WINDOW_H)
    glu = float(np.trapezoid(np.asarray(tl["glutamate_rel"], float)[sel], t[sel]) / DOSE_SERIES_WINDOW_H)
    dose = res.config.dosing.doses[0].amount_mg(1.0)  # mg per kg
    published = MOGHADDAM_DIRECTIONS[round(dose, 6)]
    lo, hi = 1.0 - NO_CHANGE_BAND, 1.0 + NO_CHANGE_BAND
    target, ok = {"up": (f"> {hi:g} (up)", glu > hi), "down": (f"< {lo:g} (down)", glu < lo),
                  "no change": (f"{lo:g}-{hi:g} (no change)", lo <= glu <= hi)}[published]
    return [Signature(f"1 rat dose series: glutamate 0-2 h after {dose:g} mg/kg i.p.", glu, "x drug-free",
                      target, "Moghaddam et al. 1997 (direction only)", ok)]
