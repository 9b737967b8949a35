"""The order in which the local executor hands out points: each worker keeps to the circuit it has built."""

from __future__ import annotations

import threading

from .spec import Point, canonical
from .state import PointState


def circuit_group(point: Point) -> str:
    """Points with the same group run on the same circuit (seed, cells, synapses): the protocol,
    dosing and timeline may differ. A worker that keeps to one group reuses its compiled
    simulation (only a new seed or circuit recompiles, ~10 s on the default circuit)."""
    data = point.config.model_dump(by_alias=True, exclude={"protocol", "dosing", "timeline", "output",
                                                           "analysis"})
    return canonical(data)


class AffinityQueue:
    """The unfinished points, handed to workers so that each keeps to the circuit it has built.

    A worker asks for its next point with the group of its last one: it gets
    the next point of that group if there is one; otherwise the first point
    of the group with the most points left that no worker is on; otherwise it
    shares the group with the most points left, if it has at least
    :attr:`STEAL_MIN` (a switch costs a recompile, which a short point would
    not repay). Only the order of work depends on this; every point's result
    depends on its config alone.
    """

    STEAL_MIN = 3

    def __init__(self, states: list[PointState]):
        self.lock = threading.Lock()
        self.groups: dict[str, list[PointState]] = {}
        for s in states:
            self.groups.setdefault(circuit_group(s.point), []).append(s)
        self.busy: dict[str, int] = {}
        self.stopped = False

    def take(self, last: str | None) -> tuple[str, PointState] | None:
        with self.lock:
            if self.stopped:
                return None
            if last is not None:
                self.busy[last] = self.busy.get(last, 1) - 1
                if self.groups.get(last):
                    self.busy[last] += 1
                    return last, self.groups[last].pop(0)
            left = [(g, pts) for g, pts in self.groups.items() if pts]
            if not left:
                return None
            free = [(g, pts) for g, pts in left if not self.busy.get(g)]
            g, pts = max(free or left, key=lambda gp: len(gp[1]))
            if not free and len(pts) < self.STEAL_MIN:
                return None
            self.busy[g] = self.busy.get(g, 0) + 1
            return g, pts.pop(0)

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
