"""A second process for the circuit samples that nothing waits for: the slow stage's drug-free checks.

A drug-free check (:mod:`circuitsim.engine.checks`) is a readout: the days
engine does not use its result until the run ends, so it can run in another
process while the main one steps the spines and runs the acute timelines
that do feed back. :class:`CheckQueue` takes the checks of one run in order
and returns them in that order; with one worker it runs each at once, in
this process, with more it hands them to a pool of ``workers - 1`` helper
processes (:class:`HelperPool`, one per experiment, held by its
:class:`~circuitsim.engine.slow.ExperimentCache`). Every check is the same
deterministic simulation in either case (same config, weights and seed,
its own build directory), so the results do not depend on the number of
workers (tests/test_parallel.py).

Workers: the config's ``workers`` if > 0, else ``$CIRCUITSIM_WORKERS``,
else 2 when this process may use two cores or more (1 otherwise). A sweep's
worker processes run their points with one worker each (their cores are
already taken by the sweep).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

from ..network.sample import ProgressFn
from ..network.standalone import positive_int_env, usable_cores
from .checks import CheckInputs, CircuitCheck, run_check

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
    """Helper processes for one experiment's checks (held by its :class:`~circuitsim.engine.slow.ExperimentCache`).

    Forked on first use, ended by :meth:`close`. Forked rather than spawned:
    a spawned helper re-imports the user's ``__main__``, which re-runs any
    script that calls :func:`circuitsim.run_experiment` without an
    ``if __name__ == "__main__"`` guard. A check is submitted outside any
    Brian2 device context, and the helper enters its own (a build slot of
    its own, :mod:`circuitsim.network.standalone`).
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._size = 0

    def submit(self, n: int, fn, *args) -> Future:
        """Run ``fn(*args)`` in one of `n` helper processes."""
        if self._pool is None or self._size < n:
            self.close()
            self._pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"))
            self._size = n
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        """End the helper processes (waiting for what they run)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class CheckQueue:
    """The drug-free checks of one run, in order; run here (one worker) or in helper processes."""

    def __init__(self, workers: int, helpers: HelperPool, progress: ProgressFn | None = None):
        self.workers = workers
        self.helpers = helpers
        self.progress = progress
        self._items: list[CircuitCheck | Future] = []

    def __len__(self) -> int:
        return len(self._items)

    def submit(self, inputs: CheckInputs, label: str, time_h: float) -> None:
        """Queue a check (with one worker: run it now, reporting progress)."""
        if self.workers <= 1:
            self._items.append(run_check(inputs, label, time_h, self.progress))
        else:
            self._items.append(self.helpers.submit(self.workers - 1, run_check, inputs, label, time_h, None))

    def append(self, check: CircuitCheck) -> None:
        """A check that is already done (one measured on the main line, e.g. at a dose)."""
        self._items.append(check)

    def results(self) -> list[CircuitCheck]:
        """Every check so far, in order (waits for those still running); copies, the caller's to change."""
        return [dataclasses.replace(c.result() if isinstance(c, Future) else c) for c in self._items]

    def pending(self) -> list[CircuitCheck | Future]:
        """Every check so far as it stands (done or running), for :meth:`restore`; waits for none."""
        return list(self._items)

    def restore(self, items: list[CircuitCheck | Future]) -> None:
        """Start again from `items` (:meth:`pending` of a state saved at a dose)."""
        self._items = list(items)
