"""A plain-text summary of a results file (what ``circuitsim info`` prints)."""

from __future__ import annotations

import math

import numpy as np

from ..errors import UserInputError
from .read import Results

# Provenance keys shown first, in this order; the rest follow alphabetically.
_PROVENANCE_FIRST = ("start_time", "end_time", "wall_time_s", "wall_build_s", "wall_run_s",
                     "host", "seed")


def _fmt(value: float, width: int, decimals: int) -> str:
    if value is None or math.isnan(value):
        return f"{'-':>{width}}"
    return f"{value:>{width}.{decimals}f}"


def _config_lines(results: Results) -> list[str]:
    try:
        cfg = results.config
    except UserInputError as exc:
        return [f"  (not shown: {exc})"]
    c = cfg.circuit
    return [
        f"  seed: {cfg.seed}",
        f"  cells: {c.pyramidal.n} pyramidal, {c.interneuron.n} interneuron"
        # From the spikes: a file written before the VTA has none, whatever the schema's default.
        + (f"; VTA {results.n_cells['vta_dopamine']} dopamine, {results.n_cells['vta_gaba']} GABA"
           if "vta_dopamine" in results.n_cells and "vta_gaba" in results.n_cells else "; no VTA"),
        f"  block model: {cfg.pharmacology.block_model}",
        f"  protocol: {len(cfg.protocol.epochs)} epochs, {cfg.protocol.duration_s:g} s, "
        f"wash_tau {cfg.protocol.wash_tau_s * 1e3:g} ms, baseline {cfg.protocol.baseline_epoch!r}",
        f"  dt: {c.dt_s * 1e3:g} ms, codegen: {cfg.codegen_target}",
    ]


def results_summary(results: Results) -> str:
    """Config summary, provenance and the per-epoch table of `results`, as text.

    Parameters
    ----------
    results : Results
        A results file read by :func:`circuitsim.io.read_results`.
    """
    lines = [f"results: {results.path}", f"layout version: {results.schema_version}", ""]
    lines.append("config")
    lines += _config_lines(results)
    lines += ["", "spikes"]
    for pop, (t, _ids) in results.spikes.items():
        lines.append(f"  {pop}: {len(t)} spikes from {results.n_cells[pop]} cells")
    lines += ["", "provenance"]
    prov = results.provenance
    keys = [k for k in _PROVENANCE_FIRST if k in prov] + sorted(set(prov) - set(_PROVENANCE_FIRST))
    width = max((len(k) for k in keys), default=0)
    for k in keys:
        v = prov[k]
        lines.append(f"  {k:<{width}}  {v:.3f}" if isinstance(v, float) else f"  {k:<{width}}  {v}")
    lines += ["", "epochs (steady state, after the transient and the wash-in)"]
    header = (f"  {'name':<14}{'start s':>8}{'from s':>8}{'stop s':>8}{'conc uM':>9}{'E Hz':>8}{'I Hz':>8}"
              f"{'CV E':>6}{'CV I':>6}{'glu rel':>8}{'block E':>8}{'block I':>8}"
              f"{'DA Hz':>7}{'VTA-I Hz':>9}{'DA rel':>7}")
    lines.append(header)
    for e in results.epochs:
        lines.append(
            f"  {e.name:<14}{e.start_s:>8.3g}{e.window_start_s:>8.3g}{e.stop_s:>8.3g}{e.concentration_um:>9.3g}"
            f"{_fmt(e.rate_pyramidal_hz, 8, 2)}{_fmt(e.rate_interneuron_hz, 8, 2)}"
            f"{_fmt(e.cv_pyramidal, 6, 2)}{_fmt(e.cv_interneuron, 6, 2)}"
            f"{_fmt(e.glutamate_rel, 8, 3)}{_fmt(e.block_pyramidal, 8, 3)}"
            f"{_fmt(e.block_interneuron, 8, 3)}"
            f"{_fmt(e.rate_vta_dopamine_hz, 7, 2)}{_fmt(e.rate_vta_gaba_hz, 9, 2)}"
            f"{_fmt(e.dopamine_rel, 7, 3)}"
        )
    if results.timeline is not None:
        lines += ["", *_timeline_lines(results)]
    if results.days:
        lines += ["", *days_lines(results)]
    return "\n".join(lines)


def _timeline_lines(results: Results) -> list[str]:
    """Peaks of the acute timeline and the interpolation check (dosing experiments)."""
    tl, info = results.timeline, results.timeline_info
    t = tl["time_h"]
    span = f"{t[-1]:g} h" if t[0] == 0 else f"{t[0]:g} to {t[-1]:g} h"
    lines = [f"timeline: {span} in {len(t)} steps; {len(info['doses']['start_h'])} dose(s), "
             f"monitoring {info['monitoring_h']:g} h; circuit responses from the cache: "
             f"{'yes' if info.get('cache_hit') else 'no'}"]
    for name, unit in (("plasma_ng_ml", "ng/mL"), ("brain_ng_ml", "ng/mL"), ("effective_um", "uM"),
                       ("block_interneuron", ""), ("rate_pyramidal_hz", "Hz"),
                       ("glutamate_rel", ""), ("dissociation", "")):
        if name in tl:
            k = int(tl[name].argmax())
            lines.append(f"  {'peak ' + name:<26}{tl[name][k]:>10.4g} {unit:<6} at {t[k]:.3g} h")
    k = int(tl["rate_interneuron_hz"].argmin())
    lines.append(f"  {'lowest rate_interneuron_hz':<26}{tl['rate_interneuron_hz'][k]:>10.4g} {'Hz':<6} at {t[k]:.3g} h")
    lines += per_dose_lines(results)
    sampling = info["sampling"]
    for name in ("rate_pyramidal_hz", "rate_interneuron_hz"):
        err = np.asarray(sampling.get(f"interpolation_error_{name}", []), dtype=float)
        if err.size:
            lines.append(f"  interpolation check, {name}: max |error| {np.nanmax(np.abs(err)) * 100:.2g} % "
                         f"at {err.size} held-out states")
    return lines


#: Per-dose columns: (timeline series, reduction, header, width, digits).
_PER_DOSE = (
    ("plasma_ng_ml", "max", "plasma ng/mL", 13, 1),
    ("effective_um", "max", "eff. uM", 9, 3),
    ("block_pyramidal", "max", "block E", 8, 3),
    ("block_interneuron", "max", "block I", 8, 3),
    ("rate_pyramidal_hz", "max", "max E Hz", 9, 2),
    ("rate_interneuron_hz", "min", "min I Hz", 9, 2),
    ("glutamate_rel", "max", "glu rel", 8, 3),
    ("dissociation", "max", "dissoc.", 8, 3),
)


def per_dose_lines(results: Results) -> list[str]:
    """One row per ketamine dose: its peaks from its start to the next dose's start.

    Compares the sessions of one schedule (e.g. the crossover of
    configs/enantiomers.yaml, S versus R versus racemic). NBQX doses are not
    sessions of their own; a window holds whatever overlaps it.
    """
    tl, doses = results.timeline, results.timeline_info.get("doses", {})
    t = tl["time_h"]
    starts = np.atleast_1d(np.asarray(doses.get("start_h", []), dtype=float))
    drugs = [str(d) for d in doses.get("drug", [])]
    keep = [k for k, d in enumerate(drugs) if d != "nbqx"]
    if len(keep) < 2:
        return []
    cols = [c for c in _PER_DOSE if c[0] in tl]
    lines = ["  per dose (from its start to the next dose's start):",
             f"    {'drug':<12}{'amount':<12}{'route':<14}{'start h':>8}"
             + "".join(f"{h:>{w}}" for _n, _r, h, w, _d in cols)]
    bounds = [*[starts[k] for k in keep], np.inf]
    for j, k in enumerate(keep):
        sel = (t >= bounds[j]) & (t < bounds[j + 1])
        row = (f"    {drugs[k]:<12}{str(doses['amount'][k]):<12}{str(doses['route'][k]):<14}"
               f"{starts[k]:>8.3g}")
        for name, how, _h, w, d in cols:
            v = tl[name][sel]
            row += _fmt(float(np.nanmax(v) if how == "max" else np.nanmin(v)) if v.size else float("nan"), w, d)
        lines.append(row)
    return lines


def _at(t: np.ndarray, y: np.ndarray, t_h: float) -> float:
    return float(np.interp(t_h, t, y)) if len(t) else float("nan")


def days_lines(results: Results) -> list[str]:
    """Spines and the cascade of a plasticity experiment, and of its arms (one row each)."""
    tl = results.timeline
    rows = {f"{results.name}": (tl["time_h"], tl, float(np.nanmax(tl["glutamate_rel"])))}
    for name, arm in results.days.get("arms", {}).items():
        rows[name] = (arm["time_h"], arm, float(arm["attrs"].get("peak_glutamate_rel", float("nan"))))
    end_h = float(tl["time_h"][-1])
    lines = ["spines (density relative to healthy; cascade peaks after the dose)",
             f"  {'run':<28}{'dose':>7}{'+24 h':>8}{f'+{end_h / 24:g} d':>8}{'protein':>9}"
             f"{'mTORC1':>8}{'p-eEF2':>8}{'glu peak':>9}"]
    for name, (t, s, glu) in rows.items():
        after = t >= 0
        lines.append(
            f"  {name[:27]:<28}{_at(t, s['spine_density_rel'], 0.0):>7.3f}"
            f"{_at(t, s['spine_density_rel'], 24.0):>8.3f}{_at(t, s['spine_density_rel'], end_h):>8.3f}"
            f"{np.max(s['synaptic_protein'][after]):>9.3f}{np.max(s['mtorc1'][after]):>8.3f}"
            f"{np.min(s['p_eef2'][after]):>8.3f}{glu:>9.3f}")
    c = results.days["checks"]
    lines.append("  drug-free circuit with the spines of each moment:")
    for k, label in enumerate(c["label"]):
        lines.append(f"    {label:<26}{c['time_h'][k] / 24:>7.2f} d  spines {c['spine_density_rel'][k]:.3f}"
                     f"  E {c['rate_pyramidal_hz'][k]:.3f} Hz  I {c['rate_interneuron_hz'][k]:.3f} Hz"
                     + probe_text(c, k))
    imaged = {results.name: results.days.get("imaging"),
              **{name: arm.get("imaging") for name, arm in results.days.get("arms", {}).items()}}
    for name, im in imaged.items():
        if im is not None:
            lines += imaging_lines(name, im)
    sigs = results.days.get("signatures", [])
    if sigs:
        lines.append(f"  signatures (issue 4 item 6; {sum(x.passed for x in sigs)} of {len(sigs)} pass):")
        for x in sigs:
            lines.append(f"    {'pass' if x.passed else 'FAIL'}  {x.name[:52]:<53}{x.measured:>9.3g} {x.unit:<17}"
                         f"target {x.target}")
    return lines


def probe_text(checks: dict, k: int) -> str:
    """The circuit probe's measures of check `k` (``plasticity.circuit_probe``; empty without them)."""
    if "correlation_pyramidal" not in checks:
        return ""
    return (f"  corr {checks['correlation_pyramidal'][k]:.4f}  sync {checks['synchrony_pyramidal'][k]:.2f}"
            f"  spread {checks['evoked_spread_pyramidal'][k]:.4f}")


def imaging_lines(name: str, im: dict) -> list[str]:
    """What imaging at the sessions saw (``/plasticity/imaging``): one row per interval between sessions."""
    d, ref = im["session_d"], int(im["attrs"]["reference"])
    lines = [f"  imaging of {name[:40]} ({im['attrs']['neurons']} neurons; density relative to day {d[ref]:g}):",
             f"    {'from d':>7}{'to d':>7}{'formed %':>10}{'elim. %':>9}{'density':>9}"
             + (f"{'pre-existing elim. %':>22}" if "preexisting_eliminated_pct" in im else "")]
    for k in range(len(d) - 1):
        pre = _fmt(im["preexisting_eliminated_pct"][k], 22, 1) if "preexisting_eliminated_pct" in im else ""
        lines.append(f"    {d[k]:>7g}{d[k + 1]:>7g}{_fmt(im['formed_pct'][k], 10, 1)}"
                     f"{_fmt(im['eliminated_pct'][k], 9, 1)}{_fmt(im['density_rel'][k + 1], 9, 3)}{pre}")
    return lines
