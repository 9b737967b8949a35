"""Running a sweep: lock its directory, resume what is finished, run the rest, keep the index.

A rerun skips finished points and runs the others, failed ones included. A
failing point is recorded with its error and the sweep goes on; a point
still running after ``sweep.time_limit`` is stopped (its worker's whole
process group, simulation binary included) and recorded as ``timeout``.
The parts: the directory (:mod:`~circuitsim.sweep.directory`) and its lock
(:mod:`~circuitsim.sweep.lock`), the index (:mod:`~circuitsim.sweep.index`),
the executors (:mod:`~circuitsim.sweep.executors`) and their worker
processes (:mod:`~circuitsim.sweep.worker_process`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..config import dump_config
from ..errors import UserInputError
from .directory import prepare_directory, resume_state
from .executors import run_dask, run_local
from .index import write_index
from .lock import sweep_lock
from .spec import Sweep
from .state import STATUSES, PointState, Progress, SweepOutcome


def run_sweep(sweep: Sweep, directory: str | os.PathLike, *, workers: int = 1, executor: str = "local",
              scheduler: str | None = None, report: Callable[[PointState, dict[str, int]], None] | None = None,
              ) -> SweepOutcome:
    """Run every unfinished point of `sweep` into `directory`; return what each point ended as.

    Parameters
    ----------
    sweep : Sweep
    directory : path
        The sweep directory (created; a rerun into the same directory resumes).
    workers : int
        Local worker processes (``executor="local"``).
    executor : {"local", "dask"}
    scheduler : str, optional
        Address of the Dask scheduler (``executor="dask"``), e.g. ``tcp://host:8786``.
    report : callable or Progress, optional
        Called after each point with its state and the counts so far; a
        :class:`Progress` is also told when the sweep starts.

    Raises
    ------
    UserInputError
        A bad executor, or a directory that another sweep holds (its lock,
        :mod:`circuitsim.sweep.lock`) or that holds another sweep.
    """
    if executor not in ("local", "dask"):
        raise UserInputError(f"--executor: expected local or dask, got {executor!r}")
    if executor == "dask" and not scheduler:
        raise UserInputError("--scheduler: the dask executor needs the address of a running scheduler, "
                             "e.g. tcp://127.0.0.1:8786")
    from ..runner import prepare_output_dir

    directory = prepare_output_dir(directory)
    with sweep_lock(directory) as lock_fd:
        return _run_locked(sweep, directory, workers, executor, scheduler, report, lock_fd)


def _run_locked(sweep: Sweep, directory: Path, workers: int, executor: str, scheduler: str | None,
                report: Callable[[PointState, dict[str, int]], None] | None, lock_fd: int) -> SweepOutcome:
    """:func:`run_sweep` in its directory, whose lock (`lock_fd`) this process holds."""
    prepare_directory(sweep, directory)
    points_dir = directory / "points"
    index = directory / "index.csv"
    states = [resume_state(p, points_dir) for p in sweep.points]
    write_index(index, sweep, states)
    todo = [s for s in states if s.status != "done"]
    counts = {k: sum(s.status == k for s in states) for k in STATUSES}
    if isinstance(report, Progress):
        report.start(dict(counts))

    def finish(state: PointState, answer: dict) -> None:
        from .metrics import write_record

        state.ran_here = True
        state.status = answer.get("status", "failed")
        state.error = " ".join(str(answer.get("error", "")).split())
        state.record = answer.get("record", {}) or {}
        if state.status != "done":
            write_record(points_dir / f"{state.point.name}.json",
                         {"status": state.status, "error": state.error, **state.record})
        counts["pending"] -= 1
        counts[state.status] = counts.get(state.status, 0) + 1
        write_index(index, sweep, states)
        if report is not None:
            report(state, dict(counts))

    jobs = {id(s): {"config": dump_config(s.point.config), "out": str(points_dir)} for s in todo}
    log_dir = str(directory / "logs")
    if todo and executor == "local":
        run_local(todo, jobs, sweep.time_limit_s, log_dir, max(1, int(workers)), finish, (lock_fd,))
    elif todo and executor == "dask":
        run_dask(todo, jobs, sweep.time_limit_s, log_dir, scheduler, finish)
    write_index(index, sweep, states)
    return SweepOutcome(directory, index, {k: sum(s.status == k for s in states) for k in STATUSES}, states)
