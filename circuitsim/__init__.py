"""circuitsim: how a short-lived NMDA-receptor blocker leaves a lasting mark on a cortical circuit.

The Python API (:mod:`circuitsim.api`): :func:`load_config`, :func:`run`,
:func:`open_results`; results objects have ``.plot()`` and ``.summary()``.
"""

__version__ = "0.1.0"

from .api import load_config, open_results, run  # noqa: E402

__all__ = ["__version__", "load_config", "open_results", "run"]
