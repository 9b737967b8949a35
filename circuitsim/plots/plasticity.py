"""Figures of a plasticity experiment: the cascade, the spines over days, the circuit's firing.

Everything is read from the results file: ``/timeline`` (the cascade and
spine series on the experiment's time axis, hours from the first dose),
``/spines`` (daily snapshots per neuron) and ``/plasticity/checks`` (the
drug-free circuit with the spines of each moment).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from ..io.read import Results
from ._common import DRUG_COLOR, INTERNEURON_COLOR, PYRAMIDAL_COLOR, new_figure, save
from .pk import doses_of, mark_doses

CASCADE_STYLE = {
    "p_eef2": ("p-eEF2", "tab:gray"),
    "bdnf": ("BDNF", "tab:orange"),
    "trkb": ("TrkB activation", "tab:olive"),
    "mtorc1": ("mTORC1", "tab:green"),
    "synaptic_protein": ("synaptic protein", "tab:brown"),
}


def windowed(results: Results, t0_h: float, t1_h: float) -> Results:
    """`results` with its ``/timeline`` series cut to [t0_h, t1_h] (the other figures' time window)."""
    t = results.timeline["time_h"]
    sel = (t >= t0_h) & (t <= t1_h)
    return dataclasses.replace(results, timeline={k: np.asarray(v)[sel] for k, v in results.timeline.items()})


def cascade_figure(results: Results, path: str | Path, hours: float = 24.0) -> Path:
    """The signalling cascade over the first `hours` after the first dose (population means).

    Top: effective brain concentration. Middle: p-eEF2, BDNF, TrkB, mTORC1
    and synaptic protein relative to rest. Bottom: spine formation and
    elimination (% of present spines per day) and spine density.
    """
    tl = results.timeline
    t = tl["time_h"]
    sel = (t >= -0.5) & (t <= hours)
    fig = new_figure(8.0, 8.0)
    ax_c, ax_s, ax_sp = fig.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [1, 2, 1.5]})
    ax_c.plot(t[sel], tl["effective_um"][sel], color=DRUG_COLOR, lw=1.3)
    ax_c.set_ylabel("effective\nbrain (\u00b5M)")
    ax_c.set_ylim(bottom=0)
    for name, (label, color) in CASCADE_STYLE.items():
        ax_s.plot(t[sel], tl[name][sel], color=color, lw=1.3, label=label)
    ax_s.axhline(1.0, color="0.6", lw=0.8, ls=":")
    ax_s.set_ylabel("relative to rest")
    ax_s.legend(fontsize=7, ncols=3, loc="upper right", frameon=False)
    ax_sp.plot(t[sel], 100 * tl["spines_formed_per_day"][sel], color="tab:green", lw=1.1,
               label="formed (% of spines per day)")
    ax_sp.plot(t[sel], 100 * tl["spines_eliminated_per_day"][sel], color="tab:red", lw=1.1,
               label="eliminated (% per day)")
    ax_sp.set_ylabel("spine events\n(% per day)")
    twin = ax_sp.twinx()
    twin.plot(t[sel], tl["spine_density_rel"][sel], color="k", lw=1.2, label="spine density (right)")
    twin.set_ylabel("spine density\n(rel. healthy)")
    handles = ax_sp.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax_sp.legend(handles=handles, fontsize=7, loc="upper right", frameon=False)
    ax_sp.set_xlabel("time after the first dose (h)")
    ax_sp.set_xlim(-0.5, hours)
    mark_doses([ax_c, ax_s, ax_sp], [dz for dz in doses_of(results) if dz.start_h <= hours])
    fig.suptitle(f"{results.name}: signalling cascade, first {hours:g} h", fontsize=10)
    return save(fig, path)


def spines_figure(results: Results, path: str | Path) -> Path:
    """Spine density and mean volume over the whole experiment (days), by stress susceptibility."""
    tl = results.timeline
    t_d = tl["time_h"] / 24.0
    fig = new_figure(8.0, 6.5)
    ax_d, ax_v = fig.subplots(2, 1, sharex=True)
    ax_d.plot(t_d, tl["spine_density_rel"], color="k", lw=1.5, label="all pyramidal neurons")
    if np.any(results.days.get("susceptible", [])):
        ax_d.plot(t_d, tl["spine_density_rel_stressed"], color="tab:red", lw=1.1,
                  label="stress-susceptible neurons")
        ax_d.plot(t_d, tl["spine_density_rel_unstressed"], color="tab:blue", lw=1.1,
                  label="other neurons")
    ax_d.axhline(1.0, color="0.6", lw=0.8, ls=":")
    ax_d.set_ylabel("spine density\n(rel. healthy)")
    ax_d.legend(fontsize=7, frameon=False)
    ax_v.plot(t_d, tl["spine_volume_mean"], color="tab:brown", lw=1.3)
    ax_v.axhline(1.0, color="0.6", lw=0.8, ls=":")
    ax_v.set_ylabel("mean spine volume\n(rel. healthy)")
    ax_v.set_xlabel("time from the first dose (days)")
    for ax in (ax_d, ax_v):
        if t_d[0] < 0:
            ax.axvspan(t_d[0], 0.0, color="0.9", lw=0, zorder=0)
        for dz in doses_of(results):
            ax.axvline(dz.start_h / 24.0, color=DRUG_COLOR, lw=0.8, ls="--")
    if t_d[0] < 0:
        ax_d.text(t_d[0], 1.0, " stress", fontsize=7, va="bottom", color="0.4")
    fig.suptitle(f"{results.name}: spines over days", fontsize=10)
    return save(fig, path)


def firing_figure(results: Results, path: str | Path) -> Path:
    """The drug-free circuit's rates with the spines of each moment (before stress, at the dose, after)."""
    c = results.days["checks"]
    labels = c["label"]
    x = np.arange(len(labels))
    fig = new_figure(max(6.0, 0.7 * len(labels) + 2), 5.0)
    ax_e, ax_i = fig.subplots(2, 1, sharex=True)
    ax_e.bar(x, c["rate_pyramidal_hz"], color=PYRAMIDAL_COLOR)
    ax_e.set_ylabel("pyramidal\nrate (Hz)")
    ax_i.bar(x, c["rate_interneuron_hz"], color=INTERNEURON_COLOR)
    ax_i.set_ylabel("interneuron\nrate (Hz)")
    for ax, key in ((ax_e, "rate_pyramidal_hz"), (ax_i, "rate_interneuron_hz")):
        v = np.asarray(c[key])
        lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
        pad = max(0.05 * hi, 0.5 * (hi - lo) + 1e-9)
        ax.set_ylim(max(0.0, lo - pad), hi + pad)
    ax_i.set_xticks(x, [f"{lab}\n{d:.2f} spines" for lab, d in zip(labels, c["spine_density_rel"], strict=True)],
                    rotation=30, ha="right", fontsize=7)
    fig.suptitle(f"{results.name}: the drug-free circuit with the spines of each moment", fontsize=10)
    return save(fig, path)


__all__ = ["arms_figure", "cascade_figure", "firing_figure", "spines_figure", "windowed"]


def arms_figure(results: Results, path: str | Path) -> Path:
    """Every arm beside the experiment: spine density over days, synaptic protein, the glutamate surge."""
    arms = results.days["arms"]
    tl = results.timeline
    runs = {f"{results.name} (experiment)": (tl["time_h"], tl["spine_density_rel"], tl["synaptic_protein"],
                                              float(np.nanmax(tl["glutamate_rel"])))}
    for name, arm in arms.items():
        runs[name] = (arm["time_h"], arm["spine_density_rel"], arm["synaptic_protein"],
                      float(arm["attrs"].get("peak_glutamate_rel", np.nan)))
    sigs = results.days.get("signatures", [])
    fig = new_figure(9.0, 9.0 + 0.22 * len(sigs))
    ax_d, ax_p, ax_g, ax_t = fig.subplots(4, 1, gridspec_kw={"height_ratios": [2, 1.5, 1.2,
                                                                               0.1 + 0.12 * len(sigs)]})
    colors = [f"C{k % 10}" for k in range(len(runs))]
    for (name, (t, dens, prot, _g)), color in zip(runs.items(), colors, strict=True):
        ax_d.plot(t / 24.0, dens, color=color, lw=1.3, label=name)
        sel = (t >= -1) & (t <= 48)
        ax_p.plot(t[sel], prot[sel], color=color, lw=1.2)
    ax_d.axhline(1.0, color="0.6", lw=0.8, ls=":")
    ax_d.axvline(0.0, color=DRUG_COLOR, lw=0.8, ls="--")
    ax_d.set_ylabel("spine density\n(rel. healthy)")
    ax_d.set_xlabel("time from the dose (days)")
    ax_d.legend(fontsize=7, frameon=False, ncols=2)
    ax_p.axhline(1.0, color="0.6", lw=0.8, ls=":")
    ax_p.set_ylabel("synaptic protein\n(rel. rest)")
    ax_p.set_xlabel("time from the dose (h)")
    names = list(runs)
    ax_g.bar(np.arange(len(names)), [runs[n][3] for n in names], color=colors)
    ax_g.axhline(1.0, color="0.6", lw=0.8, ls=":")
    ax_g.set_ylabel("peak glutamate\n(rel. drug-free)")
    ax_g.set_xticks(np.arange(len(names)), names, rotation=20, ha="right", fontsize=7)
    # The signatures measured from this file (circuitsim.analysis.signatures), one row each.
    ax_t.axis("off")
    for k, x in enumerate(sigs):
        ax_t.text(0.0, 1.0 - (k + 0.5) / max(len(sigs), 1), f"{'PASS' if x.passed else 'FAIL'}",
                  color="tab:green" if x.passed else "tab:red", fontsize=7, fontweight="bold",
                  va="center", transform=ax_t.transAxes)
        ax_t.text(0.07, 1.0 - (k + 0.5) / max(len(sigs), 1),
                  f"{x.name}: {x.measured:.3g} {x.unit} (target {x.target})",
                  fontsize=7, va="center", transform=ax_t.transAxes)
    fig.suptitle(f"{results.name}: the experiment and its arms", fontsize=10)
    return save(fig, path)
