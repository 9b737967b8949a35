"""Progress of a sweep on standard error: a bar on a terminal, one line per point in a log."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .run import PointState
from .spec import Sweep

Report = Callable[[PointState, dict[str, int]], None]


@contextmanager
def sweep_progress(sweep: Sweep, directory: Path, enabled: bool = True) -> Iterator[Report | None]:
    """A reporter for :func:`circuitsim.sweep.run_sweep`: points done, failed, remaining and the ETA.

    On a terminal, a tqdm bar (its ETA from the points finished in this run);
    otherwise (batch jobs, logs) one line per finished point with the same
    counts and an ETA.
    """
    if not enabled:
        yield None
        return
    total = len(sweep.points)
    start = time.time()
    finished_here = 0
    print(f"sweep {sweep.name}: {total} points -> {directory}", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="point", desc="sweep", file=sys.stderr, leave=True)
        first = True

        def report(state: PointState, counts: dict[str, int]) -> None:
            nonlocal first
            if first:  # points finished by an earlier run do not count towards the rate (ETA)
                bar.n = bar.initial = total - counts["pending"] - 1
                first = False
            bar.update(1)
            bar.set_postfix(done=counts["done"], failed=counts["failed"] + counts["timeout"],
                            remaining=counts["pending"])

        try:
            yield report
        finally:
            bar.close()
        return

    def report(state: PointState, counts: dict[str, int]) -> None:
        nonlocal finished_here
        finished_here += 1
        elapsed = time.time() - start
        left = counts["pending"]
        eta = elapsed / finished_here * left
        wall = state.record.get("wall_s")
        wall_text = f" in {wall:.1f} s" if isinstance(wall, (int, float)) else ""
        print(f"[{total - left}/{total}] {state.status} {state.point.name}{wall_text}"
              f"{': ' + state.error if state.error else ''} | done {counts['done']}, "
              f"failed {counts['failed'] + counts['timeout']}, remaining {left}, ETA {eta / 60:.1f} min",
              file=sys.stderr, flush=True)

    yield report
