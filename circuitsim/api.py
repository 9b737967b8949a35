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
from pathlib import Path

from .config import Config
from .config import load_config as _load_config
from .io.results import Results, read_results

__all__ = ["load_config", "open_results", "run"]


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
    return _load_config(None if path is None else str(path), overrides)


def run(config: Config | str | os.PathLike | None = None, out_dir: str | os.PathLike | None = None, *,
        overrides: list[str] | tuple[str, ...] = (), progress: bool = False,
        figures: bool | None = None) -> Results:
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
    Results
        The results file, read back (:func:`open_results`).
    """
    from .engine import run_experiment

    if not isinstance(config, Config):
        config = load_config(config, overrides)
    elif overrides:
        raise ValueError("overrides apply to a config path or name; pass them to load_config for a Config")
    path = run_experiment(config, out_dir, progress=progress, figures=figures)
    return read_results(path)


def open_results(path: str | os.PathLike) -> Results:
    """Read a results file (``.h5``) written by ``circuitsim run`` or :func:`run`.

    Parameters
    ----------
    path : str or PathLike

    Returns
    -------
    Results
        Spikes (SONATA layout), binned traces, per-epoch measures, the
        timeline and the slow stage when present, the config and provenance;
        ``results.plot()`` draws its figures and ``results.summary()`` prints
        what ``circuitsim info`` prints (docs/results.md).
    """
    return read_results(Path(path))
