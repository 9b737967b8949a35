"""The Python API: load a config, run it, open its results (for notebooks and scripts).

>>> import circuitsim
>>> config = circuitsim.load_config("default", overrides=["seed=2"])   # doctest: +SKIP
>>> results = circuitsim.run(config, "results")                       # doctest: +SKIP
>>> results.plot()                                                    # doctest: +SKIP
[PosixPath('results/default_disinhibition.png')]

Everything the command line does is here: ``circuitsim run CONFIG --set
KEY=VALUE --out DIR`` is ``circuitsim.run(circuitsim.load_config(CONFIG,
[KEY=VALUE]), DIR)``, and sweeps are :func:`circuitsim.sweep.load_sweep` and
:func:`circuitsim.sweep.run_sweep`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .config import load_config as load_packaged_or_file
from .io import Results, read_results, results_summary

__all__ = ["RunResults", "load_config", "open_results", "run"]


@dataclass(frozen=True, eq=False)
class RunResults(Results):
    """A results file read back (:class:`circuitsim.io.Results`), with its figures and summary.

    ``.plot()`` and ``.summary()`` live here, at the top of the package
    order (docs/architecture.md), so that the reader knows nothing of
    figures.
    """

    def plot(self, out_dir: str | os.PathLike | None = None) -> list[Path]:
        """Write every figure this file supports (as ``circuitsim plot``); return their paths.

        Parameters
        ----------
        out_dir : str or PathLike, optional
            An existing directory; default the file's own.
        """
        from .plots import write_figures

        return write_figures(self, out_dir)

    def summary(self) -> str:
        """The text ``circuitsim info`` prints: config, provenance, per-epoch (and timeline) tables."""
        return results_summary(self)


def _with_helpers(results: Results) -> RunResults:
    return RunResults(**{f: getattr(results, f) for f in Results.__dataclass_fields__})


def load_config(path: str | os.PathLike | None = None,
                overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Load and validate an experiment config.

    Parameters
    ----------
    path : str or PathLike, optional
        A YAML file, or the name of a packaged config (``"default"``,
        ``"dose_response"``, ``"clinical_infusion"``, ``"stress_ketamine_7d"``,
        ...). None: the packaged default experiment.
    overrides : sequence of str
        ``"dotted.key=value"`` assignments, as ``--set`` on the command line
        (``"protocol.epochs.1.concentration=10 uM"``).

    Returns
    -------
    Config
        Validated and frozen, every default filled in, quantities in SI units.

    Raises
    ------
    circuitsim.errors.UserInputError
        One line naming the bad key and the value expected.
    """
    return load_packaged_or_file(None if path is None else str(path), overrides)


def run(config: Config | str | os.PathLike | None = None, out_dir: str | os.PathLike | None = None, *,
        overrides: list[str] | tuple[str, ...] = (), progress: bool = False,
        figures: bool | None = None) -> RunResults:
    """Run an experiment and return its results, read back from the file it wrote.

    Parameters
    ----------
    config : Config, str or PathLike, optional
        A config from :func:`load_config`, or what :func:`load_config` takes
        (a path or a packaged name; None for the default experiment).
    out_dir : str or PathLike, optional
        Where ``<output.name>.h5`` (and the figures) go; default the config's
        ``output.directory``.
    overrides : sequence of str
        ``"dotted.key=value"`` assignments, applied when `config` is a path or
        name (for a :class:`Config` already loaded, pass them to
        :func:`load_config`).
    progress : bool
        Show a progress bar on a terminal.
    figures : bool, optional
        Write the figures next to the file (default: ``output.figures``).

    Returns
    -------
    RunResults
        The results file, read back (:func:`open_results`).
    """
    from .runner import run_experiment

    if not isinstance(config, Config):
        config = load_config(config, overrides)
    elif overrides:
        raise ValueError("overrides apply to a config path or name; pass them to load_config for a Config")
    path = run_experiment(config, out_dir, progress=progress, figures=figures)
    return open_results(path)


def open_results(path: str | os.PathLike) -> RunResults:
    """Read a results file (``.h5``) written by ``circuitsim run`` or :func:`run`.

    Parameters
    ----------
    path : str or PathLike

    Returns
    -------
    RunResults
        Spikes (SONATA layout), binned traces, per-epoch measures, the
        timeline and the slow stage when present, the config and provenance;
        ``results.plot()`` draws its figures and ``results.summary()`` prints
        what ``circuitsim info`` prints (docs/results.md).
    """
    return _with_helpers(read_results(Path(path)))
