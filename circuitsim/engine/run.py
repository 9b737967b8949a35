"""The engine's entry: simulate one experiment, from its config to a typed record of what happened.

Three kinds of experiment, by the config's sections:

* a bath protocol (no ``dosing``): one fast sample of the circuit over the
  protocol's epochs (:func:`circuitsim.network.simulate.simulate_sample`);
* a dosing experiment: the acute timeline (:func:`circuitsim.engine.acute.run_timeline`);
* a plasticity experiment (``dosing`` and ``plasticity``): the slow stage
  (:func:`circuitsim.engine.slow.run_days`) and its arms
  (:func:`circuitsim.engine.arms.run_arms`), sharing one
  :class:`~circuitsim.engine.slow.ExperimentCache`.

The engine writes no file and draws nothing: :func:`simulate` returns a
:class:`SimulatedRun`; analysis, the results file and the figures are made
from it above (:mod:`circuitsim.runner`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from ..config.schema import Config
from ..errors import UserInputError
from ..network.sample import FastSample, ProgressFn
from ..network.simulate import simulate_config
from ..pharmacology.selectivity import dosed_blocker
from .acute import Timeline, run_timeline
from .arms import arm_configs, run_arms
from .measures import SampleAnalysis, analyse
from .sampling import plan_states
from .slow import DaysResult, ExperimentCache, run_days


@dataclass(frozen=True)
class SimulatedRun:
    """What the engine made of one config.

    Attributes
    ----------
    config : Config
        The experiment.
    sample, analysis : FastSample, SampleAnalysis
        The fast sample stored in the file's ``/spikes``, ``/timeseries`` and
        ``/epochs`` (for a dosing experiment: the timeline's first staircase).
    timeline : Timeline or None
        A dosing experiment's timeline (a plasticity experiment's, merged on
        its grid).
    days : DaysResult or None
        A plasticity experiment's slow stage, its arms in ``days.arms``.
    seeds : dict
        Every random stream used: name -> the seed it was given.
    start, end : datetime
        Wall-clock start and end (UTC).
    """

    config: Config
    sample: FastSample
    analysis: SampleAnalysis
    timeline: Timeline | None
    days: DaysResult | None
    seeds: dict[str, int]
    start: datetime
    end: datetime


def check_runnable(config: Config) -> None:
    """Refuse, before anything runs, what cannot run: a plasticity experiment without dosing, bad arms.

    Raises
    ------
    UserInputError
        One line naming the section (``plasticity``, ``plasticity.arms.<k>.set``).
    """
    if config.plasticity is not None and config.dosing is None:
        raise UserInputError("plasticity: a plasticity experiment needs a dosing section "
                             "(a dose of 0 mg/kg for a drug-free control)")
    if config.dosing is not None:
        dosed_blocker(config.dosing.doses, config.pharmacology)  # one blocker per run
    if config.plasticity is not None and config.plasticity.arms:
        for arm in arm_configs(config).values():  # every arm's overrides are checked before anything runs
            dosed_blocker(arm.dosing.doses, arm.pharmacology)


def simulated_seconds(config: Config) -> float:
    """The circuit time a run of `config` simulates when nothing is cached (0: not known in advance)."""
    if config.plasticity is not None:
        return 0.0
    if config.dosing is not None:
        n_states = len(plan_states(1.0, config).names)
        return n_states * (config.analysis.transient_s + config.timeline.sampling.window_s)
    return config.protocol.duration_s


def simulate(config: Config, progress: ProgressFn | None = None) -> SimulatedRun:
    """Run `config` through the stages its sections ask for.

    Parameters
    ----------
    config : Config
        The experiment (:func:`check_runnable` is applied first).
    progress : callable, optional
        ``progress(simulated_s, total_s)`` while the circuit runs.
    """
    check_runnable(config)
    start = datetime.now(UTC)
    timeline = days = None
    if config.plasticity is not None:
        cache = ExperimentCache()
        try:
            days = run_days(config, progress=progress, cache=cache)
            if config.plasticity.arms:
                days = replace(days, arms=run_arms(config, progress=progress, cache=cache))
        finally:
            cache.close()
        timeline = days.timeline
        sample, analysis = timeline.sample, timeline.analysis
    elif config.dosing is not None:
        timeline = run_timeline(config, progress=progress)
        sample, analysis = timeline.sample, timeline.analysis
    else:
        sample = simulate_config(config, progress=progress)
        analysis = analyse(config, sample.spikes, sample.n_cells, sample.trace_t_s, sample.traces)
    seeds = dict(sample.seeds)
    if days is not None:
        seeds.update(days.seeds)
        for arm in days.arms.values():
            seeds.update(arm.seeds)
    return SimulatedRun(config=config, sample=sample, analysis=analysis, timeline=timeline, days=days,
                        seeds=seeds, start=start, end=datetime.now(UTC))
