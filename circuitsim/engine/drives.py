"""The cascade's inputs from the circuit: each pyramidal neuron's drive at every sampled drug state.

From the acute timeline's first staircases (its nodes, and the held-out
states that refinement made nodes), run with the spines present at the
dose: AMPA activation A_i = (1 - b_AMPA) sum_j w_ij nu_j / (the same
without drug) and resting NMDA signalling N = 1 - b_NMDA (the pyramidal
block). Along the schedule the drives are interpolated in concentration as
the population measures are (linearly in the effective concentration;
bilinearly with NBQX, :func:`circuitsim.engine.interpolation.bilinear_weights`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network.sample import FastSample
from ..pharmacology import pd
from ..plasticity.pool import CircuitPool
from .acute import Timeline
from .interpolation import bilinear_weights
from .measures import SampleAnalysis


def neuron_inputs(sample: FastSample, analysis: SampleAnalysis, cp: CircuitPool) -> np.ndarray:
    """Recurrent input sum_j w_ij nu_j of every pyramidal neuron in every epoch window, (n_epochs, n)."""
    t, ids = sample.spikes["pyramidal"]
    n = cp.pool.n_neurons
    w = cp.slot_weights()
    out = np.empty((len(analysis.epochs), n))
    for k, e in enumerate(analysis.epochs):
        sel = (t >= e.window_start_s) & (t < e.stop_s)
        rates = np.bincount(ids[sel].astype(np.int64), minlength=n) / max(e.stop_s - e.window_start_s, 1e-12)
        out[k] = np.bincount(cp.post, weights=w * rates[cp.pool.pre], minlength=n)
    return out


@dataclass(frozen=True)
class DriveTable:
    """Per-neuron drives at the sampled drug states, and how to interpolate them."""

    ketamine_um: np.ndarray      # (n_states,)
    nbqx_um: np.ndarray          # (n_states,)
    ampa: np.ndarray             # (n_states, n_neurons)
    nmda_rest: np.ndarray        # (n_states,)
    #: The interneurons' NMDA-receptor activation relative to rest, X_I =
    #: (1 - b_NMDA,I) nu_E / nu_E(drug-free): unblocked share times the
    #: pyramidal rate that drives them (n_states,).
    nmda_interneuron: np.ndarray | None = None

    def at(self, eff_um: float, nbqx_um: float) -> tuple[np.ndarray, float]:
        """(A per neuron, N) at one drug state, interpolated as the population measures are."""
        if len(np.unique(self.nbqx_um)) == 1:
            return self._along_ketamine(eff_um)
        return self._on_grid(eff_um, nbqx_um)

    def interneuron_at(self, eff_um: float, nbqx_um: float) -> float:
        """X_I at one drug state, interpolated as :meth:`at` interpolates the pyramidal drives."""
        if self.nmda_interneuron is None:
            raise ValueError("this drive table has no interneuron activation")
        table = DriveTable(self.ketamine_um, self.nbqx_um, self.ampa[:, :1], self.nmda_interneuron)
        return table.at(eff_um, nbqx_um)[1]

    def _along_ketamine(self, eff_um: float) -> tuple[np.ndarray, float]:
        """Linear in the effective concentration between the two states around it."""
        order = np.argsort(self.ketamine_um)
        x = self.ketamine_um[order]
        if len(x) == 1:
            return self.ampa[order[0]], float(self.nmda_rest[order[0]])
        j = int(np.clip(np.searchsorted(x, eff_um, side="right") - 1, 0, len(x) - 2))
        u = float(np.clip((eff_um - x[j]) / (x[j + 1] - x[j]), 0.0, 1.0))
        a0, a1 = self.ampa[order[j]], self.ampa[order[j + 1]]
        n0, n1 = self.nmda_rest[order[j]], self.nmda_rest[order[j + 1]]
        return (1 - u) * a0 + u * a1, float((1 - u) * n0 + u * n1)

    def _on_grid(self, eff_um: float, nbqx_um: float) -> tuple[np.ndarray, float]:
        """Bilinear over the (ketamine, NBQX) cell that holds the state."""
        kx = np.unique(self.ketamine_um)
        nx = np.unique(self.nbqx_um)
        a, b, u, v = (x.item() for x in bilinear_weights(eff_um, nbqx_um, kx, nx))
        corners = {}
        for da in (0, 1):
            for db in (0, 1):
                hit = np.flatnonzero(np.isclose(self.ketamine_um, kx[a + da], rtol=1e-9, atol=0)
                                     & np.isclose(self.nbqx_um, nx[b + db], rtol=1e-9, atol=0))
                if hit.size == 0:
                    raise RuntimeError("drive table lacks a corner of a visited cell")
                corners[da, db] = int(hit[0])
        wts = {(0, 0): (1 - u) * (1 - v), (1, 0): u * (1 - v), (0, 1): (1 - u) * v, (1, 1): u * v}
        amp = sum(wts[c] * self.ampa[k] for c, k in corners.items())
        nm = sum(wts[c] * self.nmda_rest[k] for c, k in corners.items())
        return amp, float(nm)


def _run_drives(sample: FastSample, analysis: SampleAnalysis, keep: list[int], cp: CircuitPool,
                nbqx_ic50_um: float, nbqx_hill_n: float) -> dict[str, np.ndarray]:
    """The drives at the epochs `keep` of one staircase run, relative to its own drug-free epoch (0)."""
    inputs = neuron_inputs(sample, analysis, cp)
    base = inputs[0]
    rel = np.divide(inputs, base, out=np.ones_like(inputs), where=base > 0)
    eps = [analysis.epochs[k] for k in keep]
    block_ampa = np.array([pd.ampa_block(e.nbqx_um, nbqx_ic50_um, nbqx_hill_n) for e in eps])
    rate0 = max(float(analysis.epochs[0].rate_pyramidal_hz), 1e-12)
    return {"ketamine_um": np.array([e.concentration_um for e in eps]),
            "nbqx_um": np.array([e.nbqx_um for e in eps]),
            "ampa": rel[keep] * (1.0 - block_ampa)[:, None],
            "nmda_rest": np.array([1.0 - e.block_pyramidal for e in eps]),
            "nmda_interneuron": np.array([(1.0 - e.block_interneuron) * e.rate_pyramidal_hz / rate0
                                          for e in eps])}


def drive_table(acute: Timeline, cp: CircuitPool, nbqx_ic50_um: float, nbqx_hill_n: float) -> DriveTable:
    """The drives at the nodes of the acute timeline's first round (held-out states left out).

    The first round's nodes are its nodes' staircase (``acute.sample``) and
    those of its held-out states that refinement made nodes (measured in
    ``acute.held_sample``; each run's drives relative to its own drug-free
    state, the same run up to the first step). Nodes that later refinement
    rounds measured are not in the table. `nbqx_ic50_um`, `nbqx_hill_n`: the
    AMPA block of NBQX (``pharmacology.nbqx``).
    """
    n_nodes = len(acute.analysis.epochs)
    first = [h for h, r in zip(acute.plan.held_out, acute.rounds, strict=True) if r == 0]
    parts = [_run_drives(acute.sample, acute.analysis, list(range(n_nodes)), cp, nbqx_ic50_um, nbqx_hill_n)]
    # Plan entries n_nodes.. of round 0 are the held-out run's epochs 1..; promoted ones are nodes now.
    promoted = [k - n_nodes + 1 for k, h in enumerate(first) if k >= n_nodes and not h]
    if promoted:
        parts.append(_run_drives(acute.held_sample, acute.held_analysis, promoted, cp, nbqx_ic50_um, nbqx_hill_n))
    return DriveTable(**{name: np.concatenate([p[name] for p in parts]) for name in parts[0]})
