"""The drug-free circuit with the spines of one moment: the slow stage's view of firing over days."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config.schema import Config
from ..network.inputs import SynapseWeights
from ..network.sample import FastSample, ProgressFn
from ..plasticity.pool import CircuitPool
from ..plasticity.wiring import WiringState
from .acute import Timeline
from .measures import EpochMeasures, SampleAnalysis
from .probe import ProbeMeasures, probe_measures, probe_stimulus, until
from .response import measure
from .sampling import StaircasePlan, staircase_config
from .wiring import WiringMeasures, agent_measures, circuit_weights, wiring_measures

#: The one drug-free state of a check.
DRUG_FREE = StaircasePlan(names=("baseline",), concentrations_um=(0.0,), held_out=(False,))


@dataclass
class CircuitCheck:
    """A drug-free circuit sample with the spines of one moment.

    `time_h` from the first dose; `spine_density_rel` present spines over
    the healthy pool's; `sample`, `analysis` and `config` the run itself
    (kept for the experiment's own file, dropped for arms; the sample up to
    the end of the protocol, without the probe's stimulus); `probe` the
    circuit probe's measures (None without ``plasticity.circuit_probe``);
    `wiring` the E->I agents' (None without ``plasticity.interneuron_wiring``).
    """

    label: str
    time_h: float
    measures: EpochMeasures
    spine_density_rel: float
    sample: FastSample | None = None
    analysis: SampleAnalysis | None = None
    config: Config | None = None
    probe: ProbeMeasures | None = None
    wiring: WiringMeasures | None = None


@dataclass(frozen=True)
class CheckInputs:
    """What a drug-free check needs from the moment it is taken (plain data: it may go to another process).

    `config` the check's sample config (:func:`staircase_config` of the
    drug-free state), `weights` the synapse weights the agents set,
    `use_cache` the experiment's response-cache switch, `density` present
    over healthy spines, `wiring` the E->I agents' measures that need no
    circuit (their IPSC frequency is filled from the sample), None without
    agents.
    """

    config: Config
    weights: np.ndarray | SynapseWeights
    use_cache: bool
    density: float
    wiring: WiringMeasures | None = None


def density_rel(cp: CircuitPool) -> float:
    """Present spines over the healthy pool's."""
    return float(cp.pool.present.sum()) / max(float(cp.healthy_density.sum()), 1.0)


def check_inputs(config: Config, cp: CircuitPool, wiring: WiringState | None = None) -> CheckInputs:
    """The inputs of a drug-free check with the spines (and E->I agents, `wiring`) of now."""
    return CheckInputs(config=staircase_config(config, DRUG_FREE), weights=circuit_weights(cp, wiring),
                       use_cache=config.timeline.sampling.cache, density=density_rel(cp),
                       wiring=agent_measures(wiring) if wiring is not None else None)


def run_check(inputs: CheckInputs, label: str, time_h: float, progress: ProgressFn | None = None) -> CircuitCheck:
    """Simulate (or find cached) the drug-free circuit of `inputs` and measure it.

    The plasticity section stays in the sample's config: the circuit is
    built over the slot pool.
    """
    cfg = inputs.config
    stimulus = probe_stimulus(cfg)
    sample, analysis, _hit = measure(cfg, inputs.use_cache, progress, inputs.weights, stimulus)
    e = analysis.epochs[0]
    window = (e.window_start_s, e.stop_s)
    probe = (probe_measures(cfg, sample, window, stimulus) if cfg.plasticity.circuit_probe is not None
             else None)
    wiring = wiring_measures(cfg, sample, window, inputs.wiring) if inputs.wiring is not None else None
    return CircuitCheck(label=label, time_h=time_h, measures=e, spine_density_rel=inputs.density,
                        sample=until(sample, cfg.protocol.duration_s), analysis=analysis, config=cfg,
                        probe=probe, wiring=wiring)


def drug_free_check(config: Config, cp: CircuitPool, label: str, time_h: float,
                    progress: ProgressFn | None = None, wiring: WiringState | None = None) -> CircuitCheck:
    """The circuit without drug, with the spines (and the E->I agents, `wiring`) of now (cached by weights)."""
    return run_check(check_inputs(config, cp, wiring), label, time_h, progress)


def acute_check(config: Config, cp: CircuitPool, label: str, acute: Timeline,
                progress: ProgressFn | None = None, wiring: WiringState | None = None) -> CircuitCheck:
    """The check at a dose: the drug-free first state of the dose's acute timeline.

    With the circuit probe, its measures are those of a drug-free check with
    the same spines (the acute sample has no stimulus).
    """
    density = density_rel(cp)
    probe = (drug_free_check(config, cp, label, 0.0, progress, wiring).probe
             if config.plasticity.circuit_probe is not None else None)
    e = acute.analysis.epochs[0]
    measures = (wiring_measures(acute.stair_config, acute.sample, (e.window_start_s, e.stop_s),
                                agent_measures(wiring)) if wiring is not None else None)
    return CircuitCheck(label, 0.0, e, density, acute.sample, acute.analysis, acute.stair_config, probe=probe,
                        wiring=measures)
