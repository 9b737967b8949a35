"""Helper processes for circuit samples that can run beside the main line.

Two kinds of sample are independent of what the main process does next:
the slow stage's drug-free checks (readouts, :mod:`circuitsim.engine.parallel`)
and the held-out staircase of an acute timeline (it checks the nodes'
interpolation and is measured from its own drug-free state,
:mod:`circuitsim.engine.acute`). With two workers or more they run in a
pool of ``workers`` helper processes (:class:`HelperPool`, one per
experiment); with one they run here. The pool has as many processes as
workers, not one fewer: between doses the main process only steps the
spines (a small share of a core) and waits, so the checks may take every
core; while it runs a staircase, one process more than cores shares them. Every sample is the same deterministic
simulation either way (same config, weights and seed, its own build
directory), so results do not depend on the number of workers
(tests/test_parallel.py).

Workers: the config's ``workers`` if > 0, else ``$CIRCUITSIM_WORKERS``,
else 2 when this process may use two cores or more (1 otherwise). A sweep's
worker processes run their points with one worker each (their cores are
already taken by the sweep).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

from ..network.standalone import positive_int_env, usable_cores

WORKERS_ENV = "CIRCUITSIM_WORKERS"


def resolve_workers(configured: int) -> int:
    """Processes for independent circuit samples: `configured` if > 0, else ``$CIRCUITSIM_WORKERS``, else min(2, cores)."""
    if configured > 0:
        return configured
    n = positive_int_env(WORKERS_ENV)
    if n is not None:
        return n
    return min(2, usable_cores())


class HelperPool:
    """Helper processes for one experiment's samples (held by its :class:`~circuitsim.engine.slow.ExperimentCache`).

    Forked on first use, ended by :meth:`close`. Forked rather than spawned:
    a spawned helper re-imports the user's ``__main__``, which re-runs any
    script that calls :func:`circuitsim.run_experiment` without an
    ``if __name__ == "__main__"`` guard. A sample is submitted outside any
    Brian2 device context, and the helper enters its own (a build slot of
    its own, :mod:`circuitsim.network.standalone`).
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, n: int, fn, *args) -> Future:
        """Run ``fn(*args)`` in one of `n` helper processes (the pool's size is that of its first call)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"))
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        """End the helper processes (waiting for what they run)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class Beside:
    """``fn(*args)``, started in a helper process now (`workers` >= 2) or run here when its result is asked for."""

    def __init__(self, workers: int, helpers: HelperPool, fn, *args):
        self._future = helpers.submit(workers, fn, *args) if workers > 1 else None
        self._call = (fn, args)

    def result(self):
        """The value of the call (waits for the helper, or runs it now)."""
        if self._future is not None:
            return self._future.result()
        fn, args = self._call
        return fn(*args)
