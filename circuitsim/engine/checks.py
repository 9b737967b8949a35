"""The drug-free circuit with the spines of one moment: the slow stage's view of firing over days."""

from __future__ import annotations

from dataclasses import dataclass

from ..config.schema import Config
from ..network.sample import FastSample, ProgressFn
from ..plasticity.pool import CircuitPool
from .measures import EpochMeasures, SampleAnalysis
from .response import measure
from .sampling import StaircasePlan, staircase_config

#: The one drug-free state of a check.
DRUG_FREE = StaircasePlan(names=("baseline",), concentrations_um=(0.0,), held_out=(False,))


@dataclass
class CircuitCheck:
    """A drug-free circuit sample with the spines of one moment.

    `time_h` from the first dose; `spine_density_rel` present spines over
    the healthy pool's; `sample`, `analysis` and `config` the run itself
    (kept for the experiment's own file, dropped for arms).
    """

    label: str
    time_h: float
    measures: EpochMeasures
    spine_density_rel: float
    sample: FastSample | None = None
    analysis: SampleAnalysis | None = None
    config: Config | None = None


def drug_free_check(config: Config, cp: CircuitPool, label: str, time_h: float,
                    progress: ProgressFn | None = None) -> CircuitCheck:
    """The circuit without drug, with the spines of now (cached by weights).

    The plasticity section stays in the sample's config: the circuit is
    built over the slot pool.
    """
    cfg = staircase_config(config, DRUG_FREE)
    sample, analysis, _hit = measure(cfg, config.timeline.sampling.cache, progress, cp.synapse_weights())
    density = float(cp.pool.present.sum()) / max(float(cp.healthy_density.sum()), 1.0)
    return CircuitCheck(label=label, time_h=time_h, measures=analysis.epochs[0],
                        spine_density_rel=density, sample=sample, analysis=analysis, config=cfg)
