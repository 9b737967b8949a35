"""``circuitsim validate``: SCIENCE.md's signatures, each measured from results files.

The suite runs five experiments (packaged configs) and measures every
signature from the files they write (epochs, binned traces, the timeline,
the slow stage), never from the engine's internals:

=====================  ==============================  ==============================
experiment             config                          signatures
=====================  ==============================  ==============================
wash-in                ``default``, the calibration    1 inverted U, 2 interneurons
                       protocol (0.8 and 10 uM)        first
enantiomers            ``enantiomers``                 6 S- vs R-ketamine potency
nasal esketamine       ``esketamine_nasal``            6 exposure scaled by F
clinical infusion      ``clinical_infusion``           7 dissociation, dopamine track
                                                       concentration (minutes)
stress and rescue      ``stress_ketamine_7d`` (arms)   3 hit and run, 4 blockers,
                                                       5 stress then rescue, 7 spines
                                                       track the cascade (hours)
=====================  ==============================  ==============================

Scale. By default the circuit is reduced to 1000 pyramidal cells and 250
interneurons with connection probabilities scaled up (x4) so that every
neuron keeps the calibrated circuit's number of inputs (400 from each
population; the VTA's cortical input likewise): "reduced but faithful".
``full=True`` runs the configs as they are (4000 + 1000 cells) over 5 seeds;
a signature passes only if it passes for every seed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .analysis.calibration import REDUCED_CIRCUIT, calibration_protocol, mean_response_time
from .analysis.signatures import Signature, plasticity_signatures
from .io.read import Results, read_results


@dataclass(frozen=True)
class Experiment:
    """One run of the suite: a packaged config, extra overrides, the measures it feeds."""

    name: str
    config: str
    overrides: tuple[str, ...]
    measure: Callable[[Results], list[Signature]]


# ------------------------------------------------------------------ measures
def _epochs_by_concentration(res: Results):
    base = res.epoch(res.baseline_epoch)
    drug = [e for e in res.epochs if e.name != res.baseline_epoch]
    return base, sorted(drug, key=lambda e: e.concentration_um)


def inverted_u(res: Results) -> list[Signature]:
    """Signature 1: sub-anaesthetic block raises pyramidal firing and glutamate; anaesthetic lowers both.

    Every drug epoch at <= 2 uM is sub-anaesthetic (the clinical brain
    concentration is ~0.8 uM), the highest concentration (>= 5 uM) anaesthetic.
    """
    base, drug = _epochs_by_concentration(res)
    sub = [e for e in drug if e.concentration_um <= 2.0]
    top = drug[-1]
    glu_sub = max(e.glutamate_rel for e in sub)
    rate_sub = max(e.rate_pyramidal_hz for e in sub) / base.rate_pyramidal_hz
    top_rate = top.rate_pyramidal_hz / base.rate_pyramidal_hz
    src = "Moghaddam et al. 1997; Homayoun & Moghaddam 2007"
    anaesthetic = top.concentration_um >= 5.0
    return [
        Signature("1 inverted U: glutamate, sub-anaesthetic (peak at <= 2 uM)", glu_sub, "x baseline", "> 1",
                  src, glu_sub > 1.0),
        Signature("1 inverted U: pyramidal rate, sub-anaesthetic (peak at <= 2 uM)", rate_sub, "x baseline",
                  "> 1", src, rate_sub > 1.0),
        Signature(f"1 inverted U: glutamate at {top.concentration_um:g} uM (anaesthetic)", top.glutamate_rel,
                  "x baseline", "< 1", "Moghaddam et al. 1997 (down at anaesthetic doses)",
                  anaesthetic and top.glutamate_rel < 1.0),
        Signature(f"1 inverted U: pyramidal rate at {top.concentration_um:g} uM (anaesthetic)", top_rate,
                  "x baseline", "< 1", "SCIENCE.md stage 4", anaesthetic and top_rate < 1.0),
    ]


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
    is the potency ratio, measured on the pyramidal and interneuron block.
    """
    tl = res.timeline
    n = res.config.pharmacology.hill.hill_n
    peaks = dict(_session_peaks(res))
    out = []
    for pop in ("pyramidal", "interneuron"):
        b = np.asarray(tl[f"block_{pop}"], float)

        def half(drug: str, col: str, b=b) -> float:
            i = peaks[drug]
            return float(tl[col][i]) * (1.0 / b[i] - 1.0) ** (1.0 / n)

        ratio = half("arketamine", "brain_r_um") / half("esketamine", "brain_s_um")
        out.append(Signature(f"6 S- vs R-ketamine potency ({pop} block)", ratio, "x", "4-5",
                             "Ebert et al. 1997 (Ki 0.3 vs 1.4 uM)", 4.0 <= ratio <= 5.0))
    return out


def nasal_bioavailability(res: Results) -> list[Signature]:
    """Signature 6: intranasal exposure is scaled by bioavailability: F = AUC x CL / dose."""
    from .pharmacology import pk
    from .pharmacology.parameters import resolve_body_weight, route_absorption
    from .pharmacology.presets import species_pk

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
    return out


def _wash_in(res: Results) -> list[Signature]:
    return inverted_u(res) + interneurons_first(res)


EXPERIMENTS = (
    Experiment("wash-in", "default", (*calibration_protocol(), "output.figures=false"), _wash_in),
    Experiment("enantiomers", "enantiomers", ("output.figures=false",), enantiomer_potency),
    Experiment("nasal esketamine", "esketamine_nasal", ("output.figures=false",), nasal_bioavailability),
    Experiment("clinical infusion", "clinical_infusion", ("output.figures=false",), dissociation_tracks),
    Experiment("stress and rescue", "stress_ketamine_7d", ("output.figures=false", "circuit.vta.enabled=false"),
               days_signatures),
)


@dataclass
class Row:
    """One signature over the seeds run: every value, the band, source and verdict."""

    name: str
    values: list[float]
    unit: str
    target: str
    source: str
    passed: bool


def run_validation(out_dir: str | os.PathLike, *, full: bool = False, seeds: tuple[int, ...] | None = None,
                   experiments: tuple[Experiment, ...] = EXPERIMENTS,
                   report: Callable[[str], None] | None = None) -> list[Row]:
    """Run the suite into `out_dir` (one folder per seed) and measure every signature from the files.

    Parameters
    ----------
    out_dir : path
        Where the results files go (``seed-<n>/<config>.h5``).
    full : bool
        Default scale (the configs as they are) instead of the reduced circuit.
    seeds : tuple of int, optional
        Default ``(1,)``, or ``(1, 2, 3, 4, 5)`` with `full`.
    report : callable, optional
        Called with a line of text before each run.
    """
    from .config import load_config
    from .runner import run_experiment

    seeds = seeds or ((1, 2, 3, 4, 5) if full else (1,))
    rows: dict[str, Row] = {}
    for seed in seeds:
        folder = Path(out_dir) / f"seed-{seed}"
        for exp in experiments:
            # Reduced: a quarter of the cells at four times the connection
            # probability, so every neuron keeps its number of inputs.
            sets = [*([] if full else REDUCED_CIRCUIT), *exp.overrides, f"seed={seed}"]
            if report is not None:
                report(f"seed {seed}: {exp.name} ({exp.config}{'' if full else ', reduced circuit'})")
            cfg = load_config(exp.config, sets)
            path = run_experiment(cfg, folder, progress=False, figures=False)
            for s in exp.measure(read_results(path)):
                row = rows.setdefault(s.name, Row(s.name, [], s.unit, s.target, s.source, True))
                row.values.append(float(s.measured))
                row.passed = row.passed and bool(s.passed)
    return list(rows.values())


def format_table(rows: list[Row]) -> str:
    """The validation table: signature, measured (mean, and range over seeds), target, source, verdict."""
    lines = [f"{'signature':<62} {'measured':>16} {'unit':<16} {'target':<22} {'result':<6} source"]
    for r in rows:
        v = np.asarray(r.values, float)
        measured = f"{v.mean():.3g}" if v.size == 1 else f"{v.mean():.3g} ({v.min():.3g} to {v.max():.3g})"
        lines.append(f"{r.name[:62]:<62} {measured:>16} {r.unit[:16]:<16} {r.target[:22]:<22} "
                     f"{'pass' if r.passed else 'FAIL':<6} {r.source}")
    n_pass = sum(r.passed for r in rows)
    lines.append(f"{n_pass} of {len(rows)} signatures pass")
    return "\n".join(lines)
