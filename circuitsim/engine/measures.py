"""Measures taken from a fast sample: population rates, ISI CV, glutamate, per-epoch summaries.

Everything here is computed from spikes and recorded traces, so that the same
functions work on a sample in memory and on a results file read back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..config.schema import Config
from ..network.dopamine import dopamine_pool
from ..network.glutamate import glutamate_pool
from ..network.sample import POPULATIONS, VTA_POPULATIONS
from ..pharmacology.bath import measure_windows_s
from ..pharmacology.pd import ampa_block

#: Units of the traces the analysis adds to the recorded ones.
ANALYSIS_UNITS = {
    "rate_pyramidal_hz": "Hz",
    "rate_interneuron_hz": "Hz",
    "glutamate_rel": "1",
    "rate_vta_dopamine_hz": "Hz",
    "rate_vta_gaba_hz": "Hz",
    "dopamine_um": "uM",
    "dopamine_rel": "1",
}


def population_rate(spike_times_s: np.ndarray, n_cells: int, t_grid_s: np.ndarray) -> np.ndarray:
    """Population rate (Hz per cell) in bins [t_k, t_k + dt) of the uniform grid `t_grid_s`."""
    dt = float(t_grid_s[1] - t_grid_s[0])
    edges = np.append(t_grid_s, t_grid_s[-1] + dt)
    counts, _ = np.histogram(spike_times_s, bins=edges)
    return counts / (max(n_cells, 1) * dt)


def mean_rate(spike_times_s, n_cells: int, t0: float, t1: float) -> float:
    """Mean firing rate (Hz per cell) over [t0, t1)."""
    k = np.count_nonzero((spike_times_s >= t0) & (spike_times_s < t1))
    return k / (max(n_cells, 1) * (t1 - t0))


def mean_isi_cv(spike_times_s, ids, t0: float, t1: float, min_spikes: int = 3) -> float:
    """Mean over cells (with >= `min_spikes` spikes in [t0, t1)) of the ISI coefficient of variation.

    NaN when no cell fires enough.
    """
    sel = (spike_times_s >= t0) & (spike_times_s < t1)
    t, i = spike_times_s[sel], ids[sel]
    if len(t) == 0:
        return float("nan")
    order = np.lexsort((t, i))
    t, i = t[order], i[order]
    isi = np.diff(t)
    same = i[1:] == i[:-1]
    isi, cell = isi[same], i[1:][same]
    if len(isi) == 0:
        return float("nan")
    counts = np.bincount(cell)
    ok = counts >= (min_spikes - 1)
    s1 = np.bincount(cell, weights=isi)
    s2 = np.bincount(cell, weights=isi**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = s1 / counts
        var = s2 / counts - m**2
        cv = np.sqrt(np.maximum(var, 0)) / m
    cv = cv[ok & (counts > 0)]
    return float(np.mean(cv)) if len(cv) else float("nan")


@dataclass(frozen=True)
class EpochMeasures:
    """Steady-state measures of one epoch, taken over [window_start_s, stop_s).

    The window starts after the analysis transient and after the wash-in has
    settled (:func:`circuitsim.pharmacology.bath.measure_windows_s`).
    """

    name: str
    start_s: float
    stop_s: float
    window_start_s: float
    concentration_um: float
    rate_pyramidal_hz: float
    rate_interneuron_hz: float
    cv_pyramidal: float
    cv_interneuron: float
    glutamate_rel: float
    block_pyramidal: float
    block_interneuron: float
    # The VTA (``circuit.vta``); NaN without it (disabled, or a file written before it).
    rate_vta_dopamine_hz: float
    rate_vta_gaba_hz: float
    dopamine_rel: float
    # NBQX (AMPA antagonist) target concentration and the AMPA block it gives;
    # 0 without NBQX (also for files written before it).
    nbqx_um: float = 0.0
    block_ampa: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SampleAnalysis:
    """Binned traces on one time axis and the per-epoch summary."""

    time_s: np.ndarray
    traces: dict[str, np.ndarray]
    epochs: list[EpochMeasures]

    def epoch(self, name: str) -> EpochMeasures:
        for e in self.epochs:
            if e.name == name:
                return e
        raise KeyError(name)


def in_window(t: np.ndarray, dt: float, start: float, stop: float) -> np.ndarray:
    """Samples of `t` (step `dt`) in [start, stop), with half a sample of slack at both ends.

    The window edges are sums of epoch durations and carry rounding error,
    which would otherwise take in the sample at `stop` (the next state's) or
    drop the one at `start`.
    """
    return (t >= start - 0.5 * dt) & (t < stop - 0.5 * dt)


@dataclass(frozen=True)
class ReleasePools:
    """Extracellular glutamate and dopamine on a fine grid (1 ms, well below the uptake times).

    ``dopamine_um`` is NaN without the VTA.
    """

    time_s: np.ndarray
    dt_s: float
    glutamate: np.ndarray
    dopamine_um: np.ndarray


def release_pools(config: Config, spikes: dict[str, tuple[np.ndarray, np.ndarray]],
                  n_cells: dict[str, int]) -> ReleasePools:
    """The glutamate pool from the pyramidal spikes, the dopamine pool from the dopamine cells'."""
    duration = config.protocol.duration_s
    fine_dt = min(1e-3, config.analysis.rate_bin_s)
    fine = np.arange(int(round(duration / fine_dt))) * fine_dt
    glu = glutamate_pool(spikes["pyramidal"][0], n_cells["pyramidal"], fine, config.glutamate.tau_uptake_s)
    da = np.full(len(fine), np.nan)
    if "vta_dopamine" in spikes:
        dp = config.circuit.vta.dopamine_pool
        da = dopamine_pool(spikes["vta_dopamine"][0], n_cells["vta_dopamine"], fine,
                           dp.release_per_spike_um, dp.tau_uptake_s)
    return ReleasePools(time_s=fine, dt_s=fine_dt, glutamate=glu, dopamine_um=da)


def analyse(
    config: Config,
    spikes: dict[str, tuple[np.ndarray, np.ndarray]],
    n_cells: dict[str, int],
    trace_t_s: np.ndarray,
    recorded: dict[str, np.ndarray],
) -> SampleAnalysis:
    """Population rates, glutamate and block on a common grid, and per-epoch means.

    The grid is ``analysis.rate_bin`` wide. Glutamate and dopamine are
    reported relative to their means over the baseline epoch's window. The VTA
    traces and measures (``rate_vta_*_hz``, ``dopamine_um``,
    ``dopamine_rel``) are NaN when `spikes` has no VTA populations.
    """
    a = config.analysis
    duration = config.protocol.duration_s
    # Whole bins only: a protocol that is not a multiple of the bin drops its
    # last partial bin (the epoch means below use the spikes themselves).
    grid = np.arange(int(np.floor(duration / a.rate_bin_s + 1e-9))) * a.rate_bin_s
    centres = grid + a.rate_bin_s / 2
    traces: dict[str, np.ndarray] = {}
    for pop in POPULATIONS:
        traces[f"rate_{pop}_hz"] = population_rate(spikes[pop][0], n_cells[pop], grid)
    for pop in VTA_POPULATIONS:
        traces[f"rate_{pop}_hz"] = (population_rate(spikes[pop][0], n_cells[pop], grid)
                                    if pop in spikes else np.full(len(grid), np.nan))
    pools = release_pools(config, spikes, n_cells)
    per_bin = int(round(a.rate_bin_s / pools.dt_s))
    n_bins = len(grid)
    glu = pools.glutamate[: n_bins * per_bin].reshape(n_bins, per_bin).mean(axis=1)
    for name, values in recorded.items():
        traces[name] = np.interp(centres, trace_t_s, values)

    windows = measure_windows_s(config.protocol, a.transient_s, a.settle_fraction, config.pharmacology.block_tau_s)
    base = next(w for w in windows if w[0] == config.protocol.baseline_epoch)
    base_sel = in_window(pools.time_s, pools.dt_s, base[4], base[2])
    glu_base = float(pools.glutamate[base_sel].mean()) if base_sel.any() else float("nan")
    traces["glutamate_rel"] = glu / glu_base if glu_base > 0 else np.full(n_bins, np.nan)
    da_base = float(pools.dopamine_um[base_sel].mean()) if base_sel.any() else float("nan")
    da = pools.dopamine_um[: n_bins * per_bin].reshape(n_bins, per_bin).mean(axis=1)
    traces["dopamine_um"] = da
    traces["dopamine_rel"] = da / da_base if da_base > 0 else np.full(n_bins, np.nan)
    trace_dt = float(np.median(np.diff(trace_t_s))) if len(trace_t_s) > 1 else pools.dt_s
    epochs = [epoch_measures(config, spec, window, spikes, n_cells, pools, (glu_base, da_base),
                             trace_t_s, trace_dt, recorded)
              for window, spec in zip(windows, config.protocol.epochs, strict=True)]
    return SampleAnalysis(time_s=grid, traces=traces, epochs=epochs)


def epoch_measures(config: Config, spec, window: tuple, spikes: dict[str, tuple[np.ndarray, np.ndarray]],
                   n_cells: dict[str, int], pools: ReleasePools, baselines: tuple[float, float],
                   trace_t_s: np.ndarray, trace_dt: float, recorded: dict[str, np.ndarray]) -> EpochMeasures:
    """The means of one epoch over its steady-state window.

    `window` is ``(name, start, stop, concentration, window start)`` of
    :func:`circuitsim.pharmacology.bath.measure_windows_s`; `spec` the
    protocol's epoch; `baselines` the glutamate and dopamine means over the
    baseline window (their reference).
    """
    name, t0, t1, conc, s0 = window
    glu_base, da_base = baselines
    a, nb = config.analysis, config.pharmacology.nbqx
    fsel = in_window(pools.time_s, pools.dt_s, s0, t1)
    tsel = in_window(trace_t_s, trace_dt, s0, t1)
    g = float(pools.glutamate[fsel].mean()) / glu_base if glu_base > 0 else float("nan")
    d = float(pools.dopamine_um[fsel].mean()) / da_base if da_base > 0 else float("nan")

    def vta_rate(pop: str) -> float:
        return mean_rate(spikes[pop][0], n_cells[pop], s0, t1) if pop in spikes else float("nan")

    def block(pop: str) -> float:
        return float(np.mean(recorded[f"block_{pop}"][tsel])) if tsel.any() else float("nan")

    return EpochMeasures(
        name=name, start_s=t0, stop_s=t1, window_start_s=s0, concentration_um=conc,
        rate_pyramidal_hz=mean_rate(spikes["pyramidal"][0], n_cells["pyramidal"], s0, t1),
        rate_interneuron_hz=mean_rate(spikes["interneuron"][0], n_cells["interneuron"], s0, t1),
        cv_pyramidal=mean_isi_cv(*spikes["pyramidal"], s0, t1, a.cv_min_spikes),
        cv_interneuron=mean_isi_cv(*spikes["interneuron"], s0, t1, a.cv_min_spikes),
        glutamate_rel=g, block_pyramidal=block("pyramidal"), block_interneuron=block("interneuron"),
        rate_vta_dopamine_hz=vta_rate("vta_dopamine"), rate_vta_gaba_hz=vta_rate("vta_gaba"),
        dopamine_rel=d, nbqx_um=spec.nbqx_um,
        block_ampa=float(ampa_block(spec.nbqx_um, nb.ic50_um, nb.hill_n)),
    )
