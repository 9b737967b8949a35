"""The command line: ``circuitsim run | sweep | plot | info | validate | export-nwb``.

Thin by design: each command parses its arguments and calls one public
function (:func:`circuitsim.config.load_config`,
:func:`circuitsim.runner.run_experiment`, :func:`circuitsim.plots.write_figures`,
:func:`circuitsim.io.results_summary`). A user mistake - a
:class:`~circuitsim.errors.UserInputError`, a file that cannot be read or
written, a bad command line - becomes exactly one line ``error: <message>`` on
standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from .errors import UserInputError

#: Exit status for user mistakes (as for command-line usage errors).
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="circuitsim")
def cli() -> None:
    """Simulate how ketamine's NMDA-receptor block changes a cortical E/I circuit."""


@cli.command()
@click.argument("config", required=False)
@click.option("--set", "overrides", multiple=True, metavar="DOTTED.KEY=VALUE",
              help="Override one config key (YAML value, units as in the config); repeatable.")
@click.option("--out", "out_dir", metavar="DIR",
              help="Output directory (default: output.directory of the config).")
@click.option("--no-figures", is_flag=True, help="Do not write figures.")
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar.")
def run(config: str | None, overrides: tuple[str, ...], out_dir: str | None,
        no_figures: bool, no_progress: bool) -> None:
    """Run the experiment CONFIG (default: the packaged default) and write its results.

    The path of the results file is the last line of standard output.
    """
    from .config import load_config
    from .runner import run_experiment

    cfg = load_config(config, overrides)
    path = run_experiment(cfg, out_dir, progress=not no_progress,
                          figures=False if no_figures else None)
    click.echo(str(path))


@cli.command()
@click.argument("config")
@click.option("--set", "overrides", multiple=True, metavar="DOTTED.KEY=VALUE",
              help="Override one config key, sweep keys included (sweep.time_limit=10 min); repeatable.")
@click.option("--out", "out_dir", metavar="DIR",
              help="Sweep directory (default: <output.directory>/<output.name>); rerun to resume.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local worker processes.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address (with --executor dask).")
@click.option("--no-figures", is_flag=True, help="Do not draw the sweep figures at the end.")
@click.option("--no-progress", is_flag=True, help="Do not show progress.")
def sweep(config: str, overrides: tuple[str, ...], out_dir: str | None, workers: int, executor: str,
          scheduler: str | None, no_figures: bool, no_progress: bool) -> int:
    """Run every point of the sweep CONFIG (a config with a sweep: block).

    One results file per point and an index (index.csv) in the sweep
    directory, its path the last line of standard output. Exit status 0 when
    every point succeeded, 1 when some failed or timed out (see the index).
    """
    from .sweep import load_sweep, run_sweep
    from .sweep.progress import sweep_progress

    sw = load_sweep(config, overrides)
    directory = Path(out_dir) if out_dir is not None else Path(sw.base.output.directory) / sw.name
    with sweep_progress(sw, directory, enabled=not no_progress) as report:
        outcome = run_sweep(sw, directory, workers=workers, executor=executor, scheduler=scheduler,
                            report=report)
    if not no_figures and outcome.counts["done"]:
        from .sweep.figures import sweep_figures

        for path in sweep_figures(directory):
            click.echo(str(path))
    c = outcome.counts
    click.echo(f"{c['done']} done, {c['failed']} failed, {c['timeout']} timed out of {len(outcome.states)} "
               f"points", err=True)
    line = outcome.overhead_line()
    if line:
        click.echo(line, err=True)
    click.echo(str(directory))
    return 0 if outcome.ok else 1


@cli.command()
@click.argument("results")
@click.option("--out", "out_dir", metavar="DIR",
              help="Directory for the figures (default: next to RESULTS).")
def plot(results: str, out_dir: str | None) -> None:
    """Draw the figures of RESULTS (a results file, or a sweep directory); print their paths."""
    from .runner import prepare_output_dir

    if Path(results).is_dir():
        from .sweep import read_index

        read_index(results)  # a clear error when it is not a sweep directory
        directory = prepare_output_dir(out_dir) if out_dir is not None else None
        from .sweep.figures import sweep_figures

        for path in sweep_figures(results, directory):
            click.echo(str(path))
        return
    from .io import read_results

    res = read_results(results)
    directory = prepare_output_dir(out_dir) if out_dir is not None else None
    from .plots import write_figures  # matplotlib: only once the input is known to be good

    for path in write_figures(res, directory):
        click.echo(str(path))


@cli.command()
@click.option("--full", is_flag=True, help="Default scale over 5 seeds (instead of the reduced circuit, seed 1).")
@click.option("--seeds", metavar="N[,N...]", help="Seeds to run (default 1, or 1-5 with --full).")
@click.option("--out", "out_dir", metavar="DIR", default="results/validate", show_default=True,
              help="Where the results files of the suite go.")
def validate(full: bool, seeds: str | None, out_dir: str) -> int:
    """Run SCIENCE.md's signature suite and print a table; exit 0 only if every predicted row passes.

    Each signature is measured from the results files the suite writes
    (circuitsim.validation). Every row is printed with its kind
    (constructed, calibrated, predicted); calibrated and constructed rows
    do not change the exit status.
    """
    from .runner import prepare_output_dir
    from .validation import exit_status, format_table, run_validation

    chosen = None
    if seeds:
        try:
            chosen = tuple(int(x) for x in seeds.split(","))
        except ValueError:
            raise UserInputError(f"--seeds: expected integers separated by commas, got {seeds!r}") from None
    prepare_output_dir(out_dir)
    rows = run_validation(out_dir, full=full, seeds=chosen,
                          report=lambda line: click.echo(line, err=True))
    click.echo(format_table(rows))
    return exit_status(rows)


@cli.command("export-nwb")
@click.argument("results")
@click.option("--out", "out_path", metavar="PATH", help="NWB file to write (default: RESULTS with .nwb).")
def export_nwb(results: str, out_path: str | None) -> None:
    """Export the results file RESULTS to NWB (units table, pharmacology, config); print its path."""
    from .io.nwb import export_nwb as export

    click.echo(str(export(results, out_path)))


@cli.command("export-sonata")
@click.argument("config", required=False)
@click.option("--set", "overrides", multiple=True, metavar="DOTTED.KEY=VALUE",
              help="Override a config value (repeatable).")
@click.option("--out", "out_dir", metavar="DIR", required=True,
              help="Folder for circuit_config.json, network/ and components/.")
@click.option("--from-results", "results", metavar="RESULTS",
              help="A plasticity run's results file: its circuit, with the spines of --pool as E->E weights.")
@click.option("--pool", default="end", show_default=True, metavar="LABEL",
              help="With --from-results: the saved spine pool (healthy, at dose, end, "
                   "or 'day <d>' of plasticity.save_pools).")
def export_sonata(config: str | None, overrides: tuple[str, ...], out_dir: str, results: str | None,
                  pool: str) -> None:
    """Write the cortical circuit of CONFIG (default: the packaged default), or of a run's RESULTS, as a SONATA network; print its circuit config."""
    from .config import load_config
    from .io import read_results
    from .io.sonata import export_network, saved_spines

    if results is None:
        click.echo(str(export_network(load_config(config, overrides), out_dir)))
        return
    if config is not None or overrides:
        raise UserInputError("--from-results: the circuit is the results file's; expected no CONFIG or --set, "
                             f"got {config or ''} {' '.join(overrides)}".rstrip())
    res = read_results(results)
    weights, spines = saved_spines(res, pool)
    click.echo(str(export_network(res.config, out_dir, weights=weights, e_to_e_attributes=spines)))


@cli.command()
@click.argument("results")
def info(results: str) -> None:
    """Print the config summary, provenance and per-epoch table of RESULTS."""
    from .io import read_results, results_summary

    click.echo(results_summary(read_results(results)))


def _fail(message: str, status: int = EXIT_USER_ERROR) -> int:
    # One line, whatever the message contains.
    line = " ".join(str(message).split())
    click.echo(f"error: {line}", err=True)
    return status


#: What a command reports in one line instead of a traceback (besides click's own errors).
_USER_FACING = (UserInputError, click.exceptions.Abort, KeyboardInterrupt, OSError)


def _fail_for(exc: BaseException) -> int:
    """One line for a user mistake, an unusable path or an interrupt; the exit status."""
    if isinstance(exc, (click.exceptions.Abort, KeyboardInterrupt)):
        return _fail("interrupted", EXIT_INTERRUPTED)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}")
    return _fail(str(exc))


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``circuitsim`` command; returns (and exits with) the exit status."""
    try:
        result = cli.main(args=argv, prog_name="circuitsim", standalone_mode=False)
        status = result if isinstance(result, int) else 0
    except click.exceptions.UsageError as exc:
        status = _fail(exc.format_message(), exc.exit_code)
    except click.ClickException as exc:
        status = _fail(exc.format_message(), EXIT_USER_ERROR)
    except _USER_FACING as exc:
        status = _fail_for(exc)
    if argv is None:
        sys.exit(status)
    return status


def run_script(entry: Callable[[], object]) -> None:
    """Run a script's `entry` (e.g. an experiment's ``main``) with the CLI's error contract.

    A :class:`UserInputError` or an unwritable path becomes one line
    ``error: ...`` on standard error and exit status 2 (no traceback); an
    interrupt exits with 130. Anything else is a bug and keeps its traceback.
    An integer that `entry` returns is the exit status.
    """
    try:
        status = entry()
    except _USER_FACING as exc:
        sys.exit(_fail_for(exc))
    if isinstance(status, int):
        sys.exit(status)


if __name__ == "__main__":
    main()
