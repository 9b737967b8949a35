"""The experiment config: the top-level :class:`Config`, assembled from its sections.

Each section is a module of this package, and every default lives there,
once, with the source of its number beside it: circuit.py (cells,
receptors, pathways, the VTA), pharmacology.py (drug action at receptors),
protocol.py (bath epochs), dosing.py (doses), timeline.py (the dosing time
axis and its sampling), plasticity.py (the slow stage), measurement.py
(analysis, glutamate) and run_options.py (output; how to run, not what).
YAML writes quantities with units ("100 ms"); once loaded every value is an
SI float (concentrations in uM) whose unit is in the attribute name. The YAML
key is the attribute name without that suffix (``tau_nmda_decay_s`` is
written ``tau_nmda_decay: 100 ms``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import ConfigModel
from .circuit import CircuitConfig
from .dosing import DosingConfig
from .measurement import AnalysisConfig, GlutamateConfig
from .pharmacology import PharmacologyConfig
from .plasticity import PlasticityConfig
from .protocol import ProtocolConfig
from .recording import RecordingConfig
from .run_options import RUN_OPTION, OutputConfig, science_dict
from .timeline import TimelineConfig

SCHEMA_VERSION = 1


class Config(ConfigModel):
    """A complete experiment."""

    schema_version: Literal[1] = SCHEMA_VERSION
    seed: int = Field(1, ge=0, le=2**32 - 1)
    circuit: CircuitConfig = CircuitConfig()
    pharmacology: PharmacologyConfig = PharmacologyConfig()
    protocol: ProtocolConfig = ProtocolConfig()
    dosing: DosingConfig | None = None
    timeline: TimelineConfig = TimelineConfig()
    # The slow stage (signalling, spines, stress, interventions over days);
    # absent: the experiment stops at the acute timeline. It needs a dosing
    # section (checked when the experiment runs: the circuit samples of a
    # plasticity experiment are bath protocols over its spine-slot pool).
    plasticity: PlasticityConfig | None = None
    glutamate: GlutamateConfig = GlutamateConfig()
    analysis: AnalysisConfig = AnalysisConfig()
    # Cell variables recorded as SONATA reports (none by default).
    recording: RecordingConfig = RecordingConfig()
    # ---- run options (circuitsim.config.run_options): how to run, not what.
    output: OutputConfig = Field(OutputConfig(), json_schema_extra=RUN_OPTION)
    # How Brian2 runs the circuit. "cython" and "numpy" are Brian2's runtime
    # mode: Python drives the time loop and calls one compiled (Cython) or
    # vectorised (NumPy) code object per step and object, about 13 us of
    # Python overhead each, which caps the default circuit at ~0.26 simulated
    # s per wall s. "cpp_standalone" (default) generates the whole simulation,
    # loop included, as one C++ program, compiled into a build directory
    # cached per circuit structure (circuitsim.network.standalone): the first
    # run of a structure compiles for ~30-50 s, a new seed recompiles a few
    # files (~5-10 s), an identical rerun nothing. Measured on the default
    # circuit, 1 thread: 0.45-0.56 simulated s per wall s, and with one thread
    # the same spikes as cython and numpy. "numpy" needs no compiler (tests).
    codegen_target: Literal["cpp_standalone", "cython", "numpy"] = Field(
        "cpp_standalone", json_schema_extra=RUN_OPTION)
    # OpenMP threads of the cpp_standalone target (ignored by the others).
    # 0: $CIRCUITSIM_THREADS if set, else 1 (two threads were unreliable on a
    # shared 2-core machine, see circuitsim.network.standalone.resolve_threads).
    # Spike trains depend on the thread count (one random stream per thread;
    # with 1 thread they equal the cython and numpy targets'), and the count
    # used is stored in the provenance as ``threads``. Marked a run option all
    # the same: 0 leaves the count to $CIRCUITSIM_THREADS, so the config
    # cannot tell it; a key that must tell thread counts apart adds the
    # resolved count (circuitsim.network.standalone.resolve_threads).
    threads: int = Field(0, ge=0, le=1024, json_schema_extra=RUN_OPTION)
    # Processes for circuit samples that run independently of the main line
    # (the slow stage's drug-free checks, a timeline's held-out staircase;
    # circuitsim.engine.helpers): 0 means
    # $CIRCUITSIM_WORKERS if set, else 2 where two cores are usable, else 1.
    # Results do not depend on it (each sample is the same deterministic run).
    workers: int = Field(0, ge=0, le=64, json_schema_extra=RUN_OPTION)

    def science_dict(self) -> dict:
        """The config as a JSON-ready mapping without its run options (:func:`~circuitsim.config.run_options.science_dict`)."""
        return science_dict(self)

    @model_validator(mode="after")
    def _doses_within_the_horizon(self) -> Config:
        """Every dose of a dosing experiment is given (infusions finished) within the horizon."""
        if self.dosing is None:
            return self
        horizon = self.timeline.horizon_s
        for k, dose in enumerate(self.dosing.doses):
            end = dose.start_s + dose.duration_s
            if end > horizon:
                key = "duration" if dose.duration_s > 0 and dose.start_s < horizon else "start"
                raise ValueError(
                    f"dosing.doses.{k}.{key}: the dose ends at {end / 3600:.4g} h, after "
                    f"timeline.horizon; expected it to end by {horizon / 3600:.4g} h, "
                    f"got start {dose.start_s / 3600:.4g} h and duration {dose.duration_s / 3600:.4g} h")
        return self

    @model_validator(mode="after")
    def _epochs_leave_a_window(self) -> Config:
        """Every epoch must leave a steady-state window after transient and wash-in."""
        transient = self.analysis.transient_s
        settle = self.protocol.settle_times_s(self.analysis.settle_fraction, self.pharmacology.block_tau_s, transient)
        for k, (epoch, wait) in enumerate(zip(self.protocol.epochs, settle, strict=True)):
            need = transient + wait
            if epoch.duration_s <= need:
                raise ValueError(
                    f"protocol.epochs.{k}.duration: epoch {epoch.name!r} must outlast "
                    f"analysis.transient plus its wash-in settling (protocol.wash_tau x "
                    f"ln(1/analysis.settle_fraction), and the trapping block's); expected more than {need:.3g} s, "
                    f"got {epoch.duration_s:.3g} s")
        return self

    @model_validator(mode="after")
    def _recording_fits_the_circuit(self) -> Config:
        """Recorded cells exist, their variables exist, and the interval is a whole number of steps."""
        rec, cc = self.recording, self.circuit
        steps = rec.interval_s / cc.dt_s
        if abs(steps - round(steps)) > 1e-6 or round(steps) < 1:
            raise ValueError(f"recording.interval: expected a whole number of steps of circuit.dt "
                             f"({cc.dt_s * 1e3:g} ms), got {rec.interval_s * 1e3:g} ms")
        if rec.node_set is not None and cc.network is None:
            raise ValueError("recording.node_set: a node set selects nodes of a SONATA network; expected "
                             "circuit.network (export one with circuitsim export-sonata), got none")
        for pop in rec.populations:
            p = getattr(cc, pop)
            if rec.cells is not None and max(rec.cells) >= p.n:
                raise ValueError(f"recording.cells: expected ids below circuit.{pop}.n ({p.n}), "
                                 f"got {max(rec.cells)}")
            if "w_adapt" in rec.variables and p.adaptation_increment_a == 0:
                raise ValueError(f"recording.variables: {pop} cells have no adaptation current "
                                 f"(circuit.{pop}.adaptation_increment is 0), got w_adapt")
        return self

    @model_validator(mode="after")
    def _imaged_neurons_exist(self) -> Config:
        """Imaging samples no more pyramidal neurons than the circuit has."""
        imaging = self.plasticity.imaging if self.plasticity is not None else None
        if imaging is not None and imaging.neurons is not None and imaging.neurons > self.circuit.pyramidal.n:
            raise ValueError(f"plasticity.imaging.neurons: expected at most circuit.pyramidal.n "
                             f"({self.circuit.pyramidal.n}), got {imaging.neurons}")
        return self
