"""circuitsim: how a short-lived NMDA-receptor blocker leaves a lasting mark on a cortical circuit.

The Python API (:mod:`circuitsim.api`): :func:`load_config`, :func:`run`,
:func:`open_results`; results objects have ``.plot()`` and ``.summary()``.
"""

from .api import load_config, open_results, run
from .version import __version__

__all__ = ["__version__", "load_config", "open_results", "run"]
