"""What a sweep knows of its points while it runs, what it reports, and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .spec import Point

#: The statuses of a point in the index.
STATUSES = ("done", "failed", "timeout", "pending")


@dataclass
class PointState:
    """One point of a running sweep: its status, error and record (metrics, wall times)."""

    point: Point
    status: str = "pending"
    error: str = ""
    record: dict[str, Any] = field(default_factory=dict)
    #: Whether this run (not an earlier one) ran the point.
    ran_here: bool = False


class Progress:
    """What :func:`run_sweep` reports as it goes; subclass it (circuitsim.sweep.progress).

    A plain callable ``report(state, counts)`` is told of each point only;
    a :class:`Progress` also learns when the sweep has started.
    """

    def start(self, counts: dict[str, int]) -> None:
        """The sweep holds its directory; `counts` of each status (finished points from earlier runs)."""

    def __call__(self, state: PointState, counts: dict[str, int]) -> None:
        """A point has finished: its state and the counts so far."""


@dataclass
class SweepOutcome:
    """What a sweep run left: the directory, its index and the count of each status."""

    directory: Path
    index: Path
    counts: dict[str, int]
    states: list[PointState]

    @property
    def ok(self) -> bool:
        return self.counts.get("done", 0) == len(self.states)

    def overhead_line(self) -> str:
        """Mean simulation and overhead per point over the points this run finished ('' if none)."""
        recs = [s.record for s in self.states if s.status == "done" and s.ran_here
                and isinstance(s.record.get("sim_s"), (int, float))]
        if not recs:
            return ""
        sim = sum(r["sim_s"] for r in recs) / len(recs)
        over = sum(r["overhead_s"] for r in recs) / len(recs)
        return (f"per point ({len(recs)} run now): simulation {sim:.2f} s, overhead {over:.2f} s "
                f"({over / sim:.0%} of the simulation; building, compiling, analysing, writing)")
