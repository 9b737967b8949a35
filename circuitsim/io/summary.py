"""A plain-text summary of a results file (what ``circuitsim info`` prints)."""

from __future__ import annotations

import math

from ..errors import UserInputError
from .results import Results

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
        f"  cells: {c.pyramidal.n} pyramidal, {c.interneuron.n} interneuron",
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
              f"{'CV E':>6}{'CV I':>6}{'glu rel':>8}{'block E':>8}{'block I':>8}")
    lines.append(header)
    for e in results.epochs:
        lines.append(
            f"  {e.name:<14}{e.start_s:>8.3g}{e.window_start_s:>8.3g}{e.stop_s:>8.3g}{e.concentration_um:>9.3g}"
            f"{_fmt(e.rate_pyramidal_hz, 8, 2)}{_fmt(e.rate_interneuron_hz, 8, 2)}"
            f"{_fmt(e.cv_pyramidal, 6, 2)}{_fmt(e.cv_interneuron, 6, 2)}"
            f"{_fmt(e.glutamate_rel, 8, 3)}{_fmt(e.block_pyramidal, 8, 3)}"
            f"{_fmt(e.block_interneuron, 8, 3)}"
        )
    return "\n".join(lines)
