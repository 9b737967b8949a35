"""Co-activity of spike trains and the spread of a stimulus: pure functions of spike times and cell ids.

What imaging and electrophysiology see of a circuit beside its rate:

* :func:`mean_pairwise_correlation`: the mean Pearson correlation of the
  spike counts of every pair of a set of cells, in bins of a fixed width;
* :func:`synchrony_index`: the variance of the cells' summed count over the
  sum of their single-cell variances (1 for independent cells, the number
  of cells for identical ones);
* :func:`evoked_spread`: the extra spikes per non-stimulated cell in a
  short window after each pulse of a stimulus, less the pre-pulse baseline.

Spike times in s, cell ids 0-based, as in
:class:`~circuitsim.network.sample.FastSample`.
"""

from __future__ import annotations

import numpy as np


def spike_counts(times_s: np.ndarray, ids: np.ndarray, cells: np.ndarray, t0: float, t1: float,
                 bin_s: float) -> np.ndarray:
    """Spike counts of `cells` (rows, in the order given) in whole bins of `bin_s` from `t0` up to `t1`.

    A last partial bin is dropped, so that every bin has the same width.
    Returns an (n_cells, n_bins) float64 array (no bins: n_bins = 0).
    """
    n_bins = int(np.floor((t1 - t0) / bin_s + 1e-9))
    cells = np.asarray(cells, dtype=np.int64)
    out = np.zeros((len(cells), n_bins))
    if n_bins == 0 or len(cells) == 0:
        return out
    row = np.full(int(max(cells.max(), np.max(ids, initial=0))) + 1, -1, dtype=np.int64)
    row[cells] = np.arange(len(cells))
    ids = np.asarray(ids, dtype=np.int64)
    times_s = np.asarray(times_s, dtype=np.float64)
    keep = (times_s >= t0) & (times_s < t0 + n_bins * bin_s) & (row[ids] >= 0)
    b = np.minimum(((times_s[keep] - t0) / bin_s).astype(np.int64), n_bins - 1)
    np.add.at(out, (row[ids[keep]], b), 1.0)
    return out


def mean_pairwise_correlation(counts: np.ndarray) -> float:
    """Mean Pearson correlation of the rows of `counts` over all pairs of rows that vary.

    A cell whose count is the same in every bin (e.g. silent) has no
    correlation and its pairs are left out. NaN when fewer than two cells
    vary or there are fewer than two bins.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[1] < 2:
        return float("nan")
    varying = counts[counts.var(axis=1) > 0]
    k = len(varying)
    if k < 2:
        return float("nan")
    r = np.corrcoef(varying)
    return float((r.sum() - np.trace(r)) / (k * (k - 1)))


def synchrony_index(counts: np.ndarray) -> float:
    """Var(sum over cells of the count) / sum over cells of Var(count), over the bins (columns).

    Equal to 1 + (sum of the pairwise covariances) / (sum of the variances):
    1 for independent cells, the number of cells for identical ones, below 1
    for anticorrelated ones. It is N chi^2, chi^2 the synchrony measure of
    Golomb (2007, Scholarpedia 2:1347: the variance of the population
    average over the mean single-cell variance) applied to spike counts. NaN
    when no cell varies or there are fewer than two bins.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[1] < 2:
        return float("nan")
    single = float(counts.var(axis=1).sum())
    if single <= 0:
        return float("nan")
    return float(counts.sum(axis=0).var() / single)


def evoked_spread(times_s: np.ndarray, ids: np.ndarray, n_cells: int, stimulated: np.ndarray,
                  pulses_s: np.ndarray, response_s: float, baseline_s: float) -> float:
    """Extra spikes per non-stimulated cell after a pulse, averaged over the pulses.

    For each pulse time t: the spikes of the cells not in `stimulated` (of
    ``n_cells``) in [t, t + `response_s`), less their spikes in
    [t - `baseline_s`, t) scaled by `response_s` / `baseline_s`, divided
    by the number of those cells. Units: spikes per cell per pulse.
    NaN without pulses or without non-stimulated cells.
    """
    mask = np.ones(n_cells, dtype=bool)
    mask[np.asarray(stimulated, dtype=np.int64)] = False
    n_other = int(mask.sum())
    pulses_s = np.asarray(pulses_s, dtype=np.float64)
    if n_other == 0 or len(pulses_s) == 0:
        return float("nan")
    t = np.sort(np.asarray(times_s, dtype=np.float64)[mask[np.asarray(ids, dtype=np.int64)]])

    def count(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.searchsorted(t, b, side="left") - np.searchsorted(t, a, side="left")

    after = count(pulses_s, pulses_s + response_s)
    before = count(pulses_s - baseline_s, pulses_s)
    extra = after - before * (response_s / baseline_s)
    return float(np.mean(extra) / n_other)
