"""Config of the measurement: how measures are taken from the spikes, and the glutamate pool."""

from __future__ import annotations

from pydantic import Field

from .base import ConfigModel
from .fields import Quantity
from .units import TIME


class GlutamateConfig(ConfigModel):
    """Extracellular glutamate pool: dG/dt = q * (pyramidal spike rate) - G / tau_uptake.

    Clearance of spilled-over glutamate by transporters: time constant of the
    order of 10 ms (Diamond & Jahr 1997, J Neurosci 17:4672; Clements 1996).
    """

    tau_uptake_s: Quantity(TIME, gt="0 s", le="10 s") = Field("10 ms", alias="tau_uptake")


class AnalysisConfig(ConfigModel):
    """How measures are taken from the spikes."""

    # Skipped at the start of each epoch: the circuit settles within ~0.25 s
    # of a change (adaptation 144 ms, NMDA decay 100 ms; disinhibition figure
    # of the default run); the wash-in itself is skipped through settle_fraction.
    transient_s: Quantity(TIME, ge="0 s", le="1 h") = Field("0.3 s", alias="transient")
    # An epoch that changes the concentration is measured once the wash-in has
    # covered all but this fraction of its step (3.0 wash_tau for 0.05): the
    # steady state at the epoch's target, not the approach to it.
    settle_fraction: float = Field(0.05, gt=0, lt=1)
    # Population-rate bins: well below the 100 ms NMDA decay, long enough for
    # ~1 spike per bin per 100 pyramidal cells at 1 Hz.
    rate_bin_s: Quantity(TIME, gt="0 s", le="10 s") = Field("10 ms", alias="rate_bin")
    # Sampling of recorded state (block, open fraction): block changes over
    # >= 100 ms, so 5 ms resolves it at low memory cost.
    trace_dt_s: Quantity(TIME, gt="0 s", le="10 s") = Field("5 ms", alias="trace_dt")
    # A CV needs at least two intervals.
    cv_min_spikes: int = Field(3, ge=2)
