"""The circuit probe of a drug-free check: its cells, its stimulus, its measures (``plasticity.circuit_probe``).

A check with the probe runs the drug-free sample as without it, then, after
the measured window, the stimulus (:func:`probe_stimulus`). The sample up to
the end of the protocol (:func:`until`) is the check's sample as without the
probe, spike for spike: the stimulus draws no random numbers and starts
after it. :func:`probe_measures` takes the co-activity of the spontaneous
firing over the check's measured window and the evoked spread from the
rest (:mod:`circuitsim.engine.coactivity`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..config.probe import CircuitProbeConfig
from ..config.schema import Config
from ..network.inputs import Stimulus
from ..network.sample import FastSample
from ..seeds import rng
from .coactivity import evoked_spread, mean_pairwise_correlation, spike_counts, synchrony_index

#: The probe's random streams: the correlated cells, the stimulated cells.
PROBE_STREAMS = ("circuit_probe.cells", "circuit_probe.stimulus")

#: The probe's columns of a check (ProbeMeasures attribute -> unit).
PROBE_UNITS = {"correlation_pyramidal": "1", "synchrony_pyramidal": "1",
               "evoked_spread_pyramidal": "spikes per cell per pulse"}


@dataclass(frozen=True)
class ProbeMeasures:
    """What the probe measured in one check (docs/results.md, ``/plasticity/checks``).

    ``correlation_pyramidal``: mean pairwise correlation of spike counts of
    the probe's cells over the measured window (1); ``synchrony_pyramidal``:
    their synchrony index (1); ``evoked_spread_pyramidal``: extra spikes per
    non-stimulated pyramidal cell per pulse (NaN without pulses).
    """

    correlation_pyramidal: float
    synchrony_pyramidal: float
    evoked_spread_pyramidal: float

    @classmethod
    def missing(cls) -> ProbeMeasures:
        return cls(float("nan"), float("nan"), float("nan"))


def probe_cells(seed: int, n_pyramidal: int, probe: CircuitProbeConfig) -> np.ndarray:
    """The cells whose counts are correlated: ``probe.cells`` of the pyramidal cells (all if fewer), sorted."""
    if probe.cells >= n_pyramidal:
        return np.arange(n_pyramidal)
    return np.sort(rng(seed, PROBE_STREAMS[0]).choice(n_pyramidal, probe.cells, replace=False))


def stimulated_cells(seed: int, n_pyramidal: int, probe: CircuitProbeConfig) -> np.ndarray:
    """The stimulated cells: ``probe.stimulated_fraction`` of the pyramidal cells (at least one), sorted."""
    k = min(n_pyramidal, max(1, int(round(probe.stimulated_fraction * n_pyramidal))))
    return np.sort(rng(seed, PROBE_STREAMS[1]).choice(n_pyramidal, k, replace=False))


def probe_stimulus(config: Config) -> Stimulus | None:
    """The stimulus of a check of `config` (a drug-free staircase), or None without pulses or probe.

    Pulse k (from 1) at the end of the protocol plus k ``interval``; the
    sample ends ``response_window`` after the last one.
    """
    probe = config.plasticity.circuit_probe if config.plasticity is not None else None
    if probe is None or probe.pulses == 0:
        return None
    end = config.protocol.duration_s
    times = end + probe.interval_s * np.arange(1, probe.pulses + 1)
    return Stimulus(cells=stimulated_cells(config.seed, config.circuit.pyramidal.n, probe), times_s=times,
                    g_pulse_s=probe.g_pulse_s, stop_s=float(times[-1] + probe.response_window_s))


def until(sample: FastSample, t_s: float) -> FastSample:
    """`sample` cut at `t_s`: spikes and trace samples before it, ``duration_s`` = `t_s`."""
    if sample.duration_s <= t_s:
        return sample
    spikes = {pop: (t[t < t_s], i[t < t_s]) for pop, (t, i) in sample.spikes.items()}
    keep = sample.trace_t_s < t_s - 1e-12
    recordings = {}
    for pop, rec in sample.recordings.items():
        k = rec.t_s < t_s - 1e-12
        recordings[pop] = dataclasses.replace(rec, t_s=rec.t_s[k], values={v: a[k] for v, a in rec.values.items()})
    return dataclasses.replace(sample, spikes=spikes, trace_t_s=sample.trace_t_s[keep],
                               traces={k: v[keep] for k, v in sample.traces.items()}, duration_s=t_s,
                               recordings=recordings)


def probe_measures(config: Config, sample: FastSample, window: tuple[float, float],
                   stimulus: Stimulus | None) -> ProbeMeasures:
    """The probe's measures of a check: co-activity over `window` (s, s), the spread of `stimulus`.

    `sample`: the whole run, stimulus included.
    """
    probe = config.plasticity.circuit_probe
    t, ids = sample.spikes["pyramidal"]
    n = sample.n_cells["pyramidal"]
    counts = spike_counts(t, ids, probe_cells(config.seed, n, probe), window[0], window[1], probe.bin_s)
    spread = float("nan")
    if stimulus is not None:
        spread = evoked_spread(t, ids, n, stimulus.cells, stimulus.times_s, probe.response_window_s,
                               probe.baseline_window_s)
    return ProbeMeasures(correlation_pyramidal=mean_pairwise_correlation(counts),
                         synchrony_pyramidal=synchrony_index(counts), evoked_spread_pyramidal=spread)
