"""Progress of a sweep on standard error: a bar on a terminal, one line per point in a log."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .spec import Sweep
from .state import PointState, Progress


class _Bar(Progress):
    """A tqdm bar; its rate (ETA) counts only the points finished in this run."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def start(self, counts: dict[str, int]) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=self.total, unit="point", desc="sweep", file=sys.stderr, leave=True,
                        initial=self.total - counts["pending"])

    def __call__(self, state: PointState, counts: dict[str, int]) -> None:
        self.bar.update(1)
        self.bar.set_postfix(done=counts["done"], failed=counts["failed"] + counts["timeout"],
                             remaining=counts["pending"])

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _Lines(Progress):
    """One line per finished point, with the counts and an ETA from this run's points."""

    def __init__(self, total: int):
        self.total = total
        self.started = time.time()
        self.finished_here = 0

    def start(self, counts: dict[str, int]) -> None:
        self.started = time.time()

    def __call__(self, state: PointState, counts: dict[str, int]) -> None:
        self.finished_here += 1
        elapsed = time.time() - self.started
        left = counts["pending"]
        eta = elapsed / self.finished_here * left
        wall = state.record.get("wall_s")
        wall_text = f" in {wall:.1f} s" if isinstance(wall, (int, float)) else ""
        print(f"[{self.total - left}/{self.total}] {state.status} {state.point.name}{wall_text}"
              f"{': ' + state.error if state.error else ''} | done {counts['done']}, "
              f"failed {counts['failed'] + counts['timeout']}, remaining {left}, ETA {eta / 60:.1f} min",
              file=sys.stderr, flush=True)


class _Announced(Progress):
    """`inner`, after one line naming the sweep, once the sweep holds its directory."""

    def __init__(self, inner: Progress, header: str):
        self.inner = inner
        self.header = header

    def start(self, counts: dict[str, int]) -> None:
        print(self.header, file=sys.stderr, flush=True)
        self.inner.start(counts)

    def __call__(self, state: PointState, counts: dict[str, int]) -> None:
        self.inner(state, counts)


@contextmanager
def sweep_progress(sweep: Sweep, directory: Path, enabled: bool = True) -> Iterator[Progress | None]:
    """A reporter for :func:`circuitsim.sweep.run_sweep`: points done, failed, remaining and the ETA.

    On a terminal, a tqdm bar (its ETA from the points finished in this run);
    otherwise (batch jobs, logs) one line per finished point with the same
    counts and an ETA. Nothing is written before the sweep has started (holds
    its directory): a sweep refused at the start writes only its error.
    """
    if not enabled:
        yield None
        return
    total = len(sweep.points)
    inner: Progress = _Bar(total) if sys.stderr.isatty() else _Lines(total)
    try:
        yield _Announced(inner, f"sweep {sweep.name}: {total} points -> {directory}")
    finally:
        if isinstance(inner, _Bar):
            inner.close()
