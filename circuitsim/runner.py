"""One experiment end to end: simulate, analyse, write the results file, draw the figures.

The one path from config to figure, in the package order of
docs/architecture.md: the engine simulates (:func:`circuitsim.engine.simulate`)
and records (:func:`circuitsim.engine.records.to_record`), the analysis
annotates the record (:func:`circuitsim.analysis.annotate.annotate`), io
writes it (:func:`circuitsim.io.write_record`), and the figures are drawn
from the file as written (:func:`circuitsim.plots.write_figures`). The API and
the CLI call :func:`run_experiment`; sweeps and ``circuitsim validate`` do
too.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .analysis.annotate import annotate
from .config.schema import Config
from .engine import check_runnable, simulate
from .engine.provenance import run_provenance
from .engine.records import to_record
from .engine.run import simulated_seconds
from .errors import UserInputError
from .io import read_results, write_record
from .network.sample import ProgressFn


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
def progress_bar(total_s: float, enabled: bool) -> Iterator[ProgressFn | None]:
    """A tqdm bar on stderr counting simulated seconds (None when disabled, unknown or not a TTY)."""
    if not enabled or total_s <= 0 or not sys.stderr.isatty():
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
        Write the figures the file supports next to it
        (:func:`circuitsim.plots.write_figures`); default ``config.output.figures``.

    Returns
    -------
    Path
        The results file.

    Raises
    ------
    UserInputError
        If the config cannot run or the output directory cannot be created or
        written (both checked before simulating, so no time is lost).
    """
    check_runnable(config)
    path = results_path(config, out_dir)
    prepare_output_dir(path.parent)
    with progress_bar(simulated_seconds(config), progress) as report:
        run = simulate(config, progress=report)
    sample = run.sample
    provenance = run_provenance(config, run.seeds, run.start, run.end,
                                sample.wall_build_s, sample.wall_run_s, sample.run_info)
    if run.timeline is not None:
        provenance["response_cache_hit"] = run.timeline.cache_hit
    record = annotate(to_record(config, sample, run.analysis, provenance, run.timeline, run.days))
    try:
        write_record(path, record)
    except OSError as exc:
        raise UserInputError(
            f"--out/output.directory: cannot write {str(path)!r}: {exc.strerror or exc}"
        ) from None
    if figures if figures is not None else config.output.figures:
        from .plots import write_figures  # matplotlib: only when figures are asked for

        write_figures(read_results(path), path.parent, config.output.name)
    return path
