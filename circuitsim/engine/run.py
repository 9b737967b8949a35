"""Run one experiment end to end: simulate, analyse, write the results file and figures."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..analysis.measures import analyse
from ..config.schema import Config
from ..errors import UserInputError
from ..io.results import read_results, write_results
from ..network.sample import ProgressFn
from ..network.simulate import simulate_sample
from .provenance import run_provenance, utc_now


def results_path(config: Config, out_dir: str | os.PathLike | None = None) -> Path:
    """Where the results of `config` go: ``<out_dir or output.directory>/<output.name>.h5``."""
    directory = Path(out_dir) if out_dir is not None else Path(config.output.directory)
    return directory / f"{config.output.name}.h5"


def prepare_output_dir(directory: str | os.PathLike) -> Path:
    """Create `directory` if needed and check that files can be written in it.

    Raises
    ------
    UserInputError
        Naming ``--out`` / ``output.directory`` if it cannot be created or written.
    """
    directory = Path(directory)
    where = f"--out/output.directory: cannot write results to {str(directory)!r}"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # The only reliable write test is writing (os.access ignores ACLs, read-only mounts).
        with tempfile.TemporaryFile(dir=directory):
            pass
    except FileExistsError:
        raise UserInputError(f"{where}: it exists and is not a directory") from None
    except NotADirectoryError:
        raise UserInputError(f"{where}: a parent is not a directory") from None
    except OSError as exc:
        raise UserInputError(f"{where}: {exc.strerror or exc}") from None
    return directory


@contextmanager
def _progress_bar(total_s: float, enabled: bool) -> Iterator[ProgressFn | None]:
    """A tqdm bar on stderr counting simulated seconds (None when disabled or not a TTY)."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(total=total_s, unit="s", desc="simulating", file=sys.stderr, leave=False,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} s "
                          "simulated [{elapsed}<{remaining}]")

    def report(sim_s: float, total: float) -> None:
        bar.update(min(sim_s, total) - bar.n)

    try:
        yield report
    finally:
        bar.close()


def run_experiment(
    config: Config,
    out_dir: str | os.PathLike | None = None,
    *,
    progress: bool = True,
    figures: bool | None = None,
) -> Path:
    """Simulate `config`, analyse it and write ``<out_dir>/<output.name>.h5`` (plus figures).

    Parameters
    ----------
    config : Config
        The experiment.
    out_dir : str or PathLike, optional
        Output directory (created if needed); default ``config.output.directory``.
    progress : bool
        Show a progress bar (simulated seconds) on standard error if it is a terminal.
    figures : bool, optional
        Write ``<name>_disinhibition.png`` (and ``<name>_dose_response.png`` when
        the protocol spans at least 3 concentrations) next to the results file;
        default ``config.output.figures``.

    Returns
    -------
    Path
        The results file.

    Raises
    ------
    UserInputError
        If the output directory cannot be created or written (checked before
        simulating, so no time is lost).
    """
    if config.plasticity is not None and config.dosing is None:
        raise UserInputError("plasticity: a plasticity experiment needs a dosing section "
                             "(a dose of 0 mg/kg for a drug-free control)")
    if config.plasticity is not None and config.plasticity.arms:
        from .days import arm_configs

        arm_configs(config)  # every arm's overrides are checked before anything runs
    path = results_path(config, out_dir)
    prepare_output_dir(path.parent)
    start = utc_now()
    timeline = None
    days = None
    if config.plasticity is not None and config.dosing is not None:
        from .days import run_days

        with _progress_bar(0.0, False) as report:
            days = run_days(config, progress=report)
            if config.plasticity.arms:
                from .days import run_arms

                days.arms = run_arms(config, progress=report)
        timeline = days.timeline
        sample, analysis = timeline.sample, timeline.analysis
    elif config.dosing is not None:
        from .timeline import plan_states, run_timeline

        # The progress bar counts the staircase's simulated seconds (shown
        # only when the circuit's responses are not in the cache).
        n_states = len(plan_states(1.0, config).names)
        hold = config.analysis.transient_s + config.timeline.sampling.window_s
        with _progress_bar(n_states * hold, progress) as report:
            timeline = run_timeline(config, progress=report)
        sample, analysis = timeline.sample, timeline.analysis
    else:
        with _progress_bar(config.protocol.duration_s, progress) as report:
            sample = simulate_sample(config, progress=report)
        analysis = analyse(config, sample.spikes, sample.n_cells, sample.trace_t_s, sample.traces)
    provenance = run_provenance(config, sample.seeds, start, utc_now(),
                                sample.wall_build_s, sample.wall_run_s, sample.run_info)
    if timeline is not None:
        provenance["response_cache_hit"] = timeline.cache_hit
    try:
        write_results(path, config, sample, analysis, provenance, timeline=timeline, days=days)
    except OSError as exc:
        raise UserInputError(
            f"--out/output.directory: cannot write {str(path)!r}: {exc.strerror or exc}"
        ) from None
    if figures if figures is not None else config.output.figures:
        from ..plots import write_figures

        write_figures(read_results(path), path.parent, config.output.name)
    return path
