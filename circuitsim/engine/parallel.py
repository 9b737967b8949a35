"""The slow stage's drug-free checks of one run, in order, here or in helper processes.

A drug-free check (:mod:`circuitsim.engine.checks`) is a readout: the days
engine does not use its result until the run ends, so it can run in another
process while the main one steps the spines and runs the acute timelines
that do feed back. :class:`CheckQueue` takes the checks of one run in order
and returns them in that order; with one worker it runs each at once, in
this process, with more it hands them to the experiment's helper processes
(:class:`~circuitsim.engine.helpers.HelperPool`). The results do not depend
on the number of workers (:mod:`circuitsim.engine.helpers`).
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import Future

from ..network.sample import ProgressFn
from .checks import CheckInputs, CircuitCheck, run_check
from .helpers import HelperPool


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
            self._items.append(self.helpers.submit(self.workers, run_check, inputs, label, time_h, None))

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
