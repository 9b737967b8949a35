"""Config of the circuit probe: what imaging and electrophysiology see in each drug-free check.

``plasticity.circuit_probe`` (absent: none, and nothing in the run or its
results file changes). With it, every drug-free circuit sample of the slow
stage (:mod:`circuitsim.engine.checks`) also reports

* the spontaneous co-activity of the pyramidal cells over the check's
  measured window: the mean pairwise correlation of spike counts and the
  synchrony index (:mod:`circuitsim.engine.coactivity`);
* the evoked spread: after the measured window, a brief conductance pulse
  to a fixed subset of pyramidal cells, repeated ``pulses`` times, and the
  extra spikes it evokes in the other pyramidal cells through the E->E
  synapses (the spines).

The arms are then sampled every ``plasticity.sample_every`` too (without
the probe only at the dose and at the end), so that every arm has the
daily series (docs/plasticity.md, "Circuit probe").
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import ConfigModel
from .fields import Quantity
from .units import CONDUCTANCE, TIME


class CircuitProbeConfig(ConfigModel):
    """Co-activity of the spontaneous firing and the spread of a brief stimulus, per drug-free check."""

    # Cells whose spike counts are correlated (all pairs): a fixed subset drawn
    # without replacement from the seed's stream "circuit_probe.cells", the
    # same in every check and arm; all pyramidal cells when the circuit has
    # fewer. 200 cells give 19,900 pairs, enough to average the noise of
    # single-pair correlations over a 1-s window (model choice; imaging
    # fields of view hold a few hundred cells).
    cells: int = Field(200, ge=2, le=1_000_000)
    # Spike-count bin. The counting window changes measured correlations
    # markedly (Cohen & Kohn 2011, Nat Neurosci 14:811, abstract), so it is
    # fixed: 50 ms, a model choice between the time scale of one synaptic
    # response (AMPA 2 ms, membrane 20 ms) and the 100 ms NMDA decay that
    # paces the recurrent co-activation, giving 20 bins in the 1-s window of
    # a check (timeline.sampling.window).
    bin_s: Quantity(TIME, gt="0 s", le="10 s") = Field("50 ms", alias="bin")
    # The stimulated cells: this fraction of the pyramidal cells (at least
    # one), drawn from the stream "circuit_probe.stimulus" (model choice:
    # 5 %, a small group, as in an optogenetic or microstimulation probe,
    # whose spread is carried by the E->E synapses rather than by its own
    # size).
    stimulated_fraction: float = Field(0.05, gt=0, lt=1)
    # Pulses after the measured window (0: no stimulus, spontaneous
    # measures only); one every `interval`, the first one `interval` after
    # the end of the window. 8 pulses: the response averaged over 8 x 950
    # non-stimulated cells of the reduced circuit (model choice, ~2.4 s of
    # extra simulation per check).
    pulses: int = Field(8, ge=0, le=1000)
    # 300 ms: the recurrent response and the disynaptic inhibition are over
    # within the NMDA decay (100 ms); adaptation (144 ms) has decayed to
    # exp(-2) of its jump by the next pulse (model choice).
    interval_s: Quantity(TIME, gt="0 s", le="10 s") = Field("300 ms", alias="interval")
    # The pulse: one AMPA conductance jump of this size in each stimulated
    # cell (decaying with receptors.tau_ampa). Sized to make the cell fire:
    # the charge g tau_ampa (E_exc - V) = 100 nS x 2 ms x 55 mV = 11 pC on
    # 0.5 nF is a ~22 mV depolarisation from a mean potential ~5-10 mV
    # below threshold (model choice).
    g_pulse_s: Quantity(CONDUCTANCE, gt="0 S", le="10 uS") = Field("100 nS", alias="g_pulse")
    # Extra spikes are counted in [t, t + response_window) of each pulse t:
    # 20 ms, about the pyramidal membrane time constant (0.5 nF / 25 nS),
    # by which the monosynaptic and the next recurrent spikes have arrived
    # and disynaptic inhibition has set in (model choice).
    response_window_s: Quantity(TIME, gt="0 s", le="1 s") = Field("20 ms", alias="response_window")
    # ... less the same cells' spikes in [t - baseline_window, t), scaled to
    # the response window (the pre-pulse baseline; 100 ms, five response
    # windows, for a less noisy baseline; model choice).
    baseline_window_s: Quantity(TIME, gt="0 s", le="10 s") = Field("100 ms", alias="baseline_window")

    @model_validator(mode="after")
    def _windows_fit_the_interval(self) -> CircuitProbeConfig:
        need = self.response_window_s + self.baseline_window_s
        if need > self.interval_s * (1 + 1e-12):
            raise ValueError(f"interval: expected at least response_window + baseline_window "
                             f"({need * 1e3:g} ms), got {self.interval_s * 1e3:g} ms")
        return self
