"""Running a sweep: worker processes, the index, resume, time limits, local or Dask.

Layout of a sweep directory::

    <dir>/sweep.yaml            the resolved base config and the sweep block
    <dir>/sweep.lock            held (flock) while a sweep runs here (circuitsim.sweep.lock)
    <dir>/index.csv             one row per point: parameters, status, wall
                                times, key metrics, file (rewritten atomically)
    <dir>/points/<name>.h5      one results file per point, named from its
                                parameters (written atomically)
    <dir>/points/<name>.json    its record (metrics, wall times) or its error
    <dir>/logs/worker-*.log     each worker process's standard error

A point is finished when its results file exists: files are written to a
temporary name and renamed when complete, so a kill -9 at any moment
leaves either a complete file or none (a stale temporary file is removed
by the next run, which holds the directory's lock: never one of a sweep
still running). A rerun skips finished points and runs the others, failed ones
included. A failing point is recorded with its error and the sweep goes
on; a point still running after ``sweep.time_limit`` is stopped (its
worker's whole process group, simulation binary included) and recorded as
``timeout``.

Executors: ``local`` runs N worker processes on this machine, driven by
:class:`concurrent.futures.ThreadPoolExecutor` (one thread per worker, each
owning its worker process); ``dask`` submits every point to an existing
Dask distributed scheduler, where each Dask worker thread owns a worker
process in the same way. Dask workers need circuitsim installed and the
sweep directory on a shared file system.
"""

from __future__ import annotations

import csv
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import dump_config
from ..errors import UserInputError
from ..io.atomic import write_text_atomic
from .lock import sweep_lock
from .spec import Point, Sweep, canonical

STATUSES = ("done", "failed", "timeout", "pending")


# ------------------------------------------------------------------ workers
class WorkerProcess:
    """One ``python -m circuitsim.sweep.worker`` process, started on first use and reused."""

    def __init__(self, log_dir: Path, keep_fds: tuple[int, ...] = ()):
        self.log_dir = Path(log_dir)
        #: Descriptors the process inherits (the sweep directory's lock).
        self.keep_fds = tuple(keep_fds)
        self.proc: subprocess.Popen | None = None
        self.log_path: Path | None = None

    def start(self) -> subprocess.Popen:
        """Start the worker process (a new one; :meth:`run` starts one when needed)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        self.log_path = self.log_dir / f"worker-{os.getpid()}-{threading.get_ident()}-{time.time_ns()}.log"
        log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - owned by the process
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "circuitsim.sweep.worker"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                start_new_session=True, text=True, env=env, bufsize=1, pass_fds=self.keep_fds)
        finally:
            log.close()
        with _workers_lock:  # so that close_thread_workers ends it
            if self not in _all_workers:
                _all_workers.append(self)
        return self.proc

    def kill(self) -> None:
        """Stop the worker and everything it started (its process group)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        self.proc = None

    def close(self) -> None:
        """End the worker: close its input and wait briefly, then kill it."""
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def _log_tail(self) -> str:
        try:
            lines = [x for x in self.log_path.read_text(errors="replace").splitlines() if x.strip()]
        except (OSError, AttributeError):
            return ""
        return lines[-1] if lines else ""

    def run(self, job: dict, time_limit_s: float) -> dict:
        """Run one job; the answer dict (``status`` done, failed or timeout)."""
        proc = self.proc if self.proc is not None and self.proc.poll() is None else self.start()
        start = time.time()
        try:
            proc.stdin.write(json.dumps(job) + "\n")
            proc.stdin.flush()
        except OSError:
            self.kill()
            return {"status": "failed", "error": "the worker process could not be started", "record": {}}
        deadline = start + time_limit_s
        while True:
            remaining = deadline - time.time()
            if remaining <= 0:
                self.kill()
                return {"status": "timeout", "error": f"stopped after the time limit of {time_limit_s:g} s",
                        "record": {"wall_s": time.time() - start}}
            ready, _, _ = select.select([proc.stdout], [], [], min(remaining, 1.0))
            if ready:
                line = proc.stdout.readline()
                if not line:  # the worker died
                    code = proc.wait()
                    tail = self._log_tail()
                    self.kill()
                    return {"status": "failed",
                            "error": f"worker exited with status {code}" + (f": {tail}" if tail else ""),
                            "record": {"wall_s": time.time() - start}}
                return json.loads(line)


_local = threading.local()
_all_workers: list[WorkerProcess] = []
_workers_lock = threading.Lock()


def _thread_worker(log_dir: str, keep_fds: tuple[int, ...]) -> WorkerProcess:
    """This thread's worker (a Dask thread keeps its own across sweeps; each start registers it)."""
    w = getattr(_local, "worker", None)
    if w is None:
        w = WorkerProcess(Path(log_dir))
        _local.worker = w
    w.log_dir = Path(log_dir)  # the current sweep's logs
    w.keep_fds = tuple(keep_fds)
    return w


def run_point_job(job: dict, time_limit_s: float, log_dir: str, keep_fds: tuple[int, ...] = ()) -> dict:
    """Run one point in this thread's worker process (also the function Dask workers call).

    `keep_fds`: descriptors a newly started worker process inherits (the
    local executor passes the sweep directory's lock, so that the lock lasts
    as long as any process of the sweep).
    """
    return _thread_worker(log_dir, keep_fds).run(job, time_limit_s)


def close_thread_workers() -> None:
    """End every worker process this process started."""
    with _workers_lock:
        workers = list(_all_workers)
        _all_workers.clear()
    for w in workers:
        w.close()


# --------------------------------------------------------------------- state
@dataclass
class PointState:
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


def write_index(path: Path, sweep: Sweep, states: Iterable[PointState]) -> None:
    """The index table as CSV, rewritten atomically."""
    states = list(states)
    metric_names: list[str] = []
    for s in states:
        for k in s.record.get("metrics", {}):
            if k not in metric_names:
                metric_names.append(k)
    keys = [k for k in sweep.keys if k != "seed"]
    header = ["name", "status", "seed", *keys, "wall_s", "sim_s", "overhead_s", *metric_names,
              "path", "error"]
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for s in states:
        rec = s.record
        row = [s.point.name, s.status, s.point.seed, *[s.point.params.get(k, "") for k in keys]]
        row += [_num(rec.get("wall_s")), _num(rec.get("sim_s")), _num(rec.get("overhead_s"))]
        row += [_num(rec.get("metrics", {}).get(k)) for k in metric_names]
        row += [f"points/{rec['path']}" if s.status == "done" and rec.get("path") else "", s.error]
        w.writerow(row)
    write_text_atomic(path, buf.getvalue())


def _num(x: Any) -> str:
    if x is None:
        return ""
    try:
        return f"{float(x):.6g}"
    except (TypeError, ValueError):
        return str(x)


def read_index(directory: str | os.PathLike) -> list[dict[str, str]]:
    """The rows of ``<directory>/index.csv`` (one dict per point, values as text)."""
    path = Path(directory) / "index.csv"
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    except FileNotFoundError:
        raise UserInputError(f"SWEEP_DIR: {str(directory)!r} has no index.csv (not a sweep directory)") from None


def _resume_state(point: Point, points_dir: Path) -> PointState:
    """A point's state from what is on disk: done when its results file exists."""
    from .metrics import point_record, write_record

    h5 = points_dir / f"{point.name}.h5"
    js = points_dir / f"{point.name}.json"
    if not h5.exists():
        return PointState(point)
    try:
        record = json.loads(js.read_text(encoding="utf-8"))
        if record.get("status") == "done":
            return PointState(point, "done", "", record)
    except (OSError, ValueError):
        pass
    # Killed after the results file and before its record: rebuild the record from the file.
    try:
        record = point_record(h5, wall_s=float("nan"))
        write_record(js, record)
        return PointState(point, "done", "", record)
    except Exception:  # an unreadable file is not finished: run the point again
        h5.unlink(missing_ok=True)
        return PointState(point)


#: Files of a sweep directory written atomically by the sweep that holds it.
OWN_FILES = ("index.csv", "sweep.yaml")


def stale_temporaries(directory: Path) -> list[Path]:
    """Temporary files left in `directory` by a killed sweep.

    Every ``*.tmp`` in ``points/``, and the temporaries of :data:`OWN_FILES`
    (``<name>.tmp``, or ``.<name>.<random>.tmp`` from a unique-name writer);
    nothing else of a directory that may hold other files. Only the holder
    of the directory's lock may remove them: no other sweep is writing then.
    """
    found = list((directory / "points").glob("*.tmp"))
    for name in OWN_FILES:
        found += [*directory.glob(f"{name}.tmp"), *directory.glob(f".{name}.*.tmp")]
    return found


def prepare_directory(sweep: Sweep, directory: Path) -> None:
    """Check that the (locked) sweep directory holds this same sweep (resume), or start one in it."""
    (directory / "points").mkdir(exist_ok=True)
    (directory / "logs").mkdir(exist_ok=True)
    manifest = directory / "sweep.yaml"
    if manifest.exists():
        if manifest.read_text(encoding="utf-8") != sweep.text:
            raise UserInputError(
                f"--out: {str(directory)!r} holds another sweep (its sweep.yaml differs from this config); "
                "use another directory to start a new sweep")
    else:
        write_text_atomic(manifest, sweep.text)
    for stale in stale_temporaries(directory):
        stale.unlink(missing_ok=True)


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
    from ..engine.run import prepare_output_dir

    directory = prepare_output_dir(directory)
    with sweep_lock(directory) as lock_fd:
        return _run_locked(sweep, directory, workers, executor, scheduler, report, lock_fd)


def _run_locked(sweep: Sweep, directory: Path, workers: int, executor: str, scheduler: str | None,
                report: Callable[[PointState, dict[str, int]], None] | None, lock_fd: int) -> SweepOutcome:
    prepare_directory(sweep, directory)
    points_dir = directory / "points"
    index = directory / "index.csv"
    states = [_resume_state(p, points_dir) for p in sweep.points]
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
        _run_local(todo, jobs, sweep.time_limit_s, log_dir, max(1, int(workers)), finish, (lock_fd,))
    elif todo and executor == "dask":
        _run_dask(todo, jobs, sweep.time_limit_s, log_dir, scheduler, finish)
    write_index(index, sweep, states)
    return SweepOutcome(directory, index, {k: sum(s.status == k for s in states) for k in STATUSES}, states)


def circuit_group(point: Point) -> str:
    """Points with the same group run on the same circuit (seed, cells, synapses): the protocol,
    dosing and timeline may differ. A worker that keeps to one group reuses its compiled
    simulation (only a new seed or circuit recompiles, ~10 s on the default circuit)."""
    data = point.config.model_dump(by_alias=True, exclude={"protocol", "dosing", "timeline", "output",
                                                           "analysis"})
    return canonical(data)


class _AffinityQueue:
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


def _run_local(todo: list[PointState], jobs: dict, time_limit_s: float, log_dir: str, workers: int,
               finish: Callable[[PointState, dict], None], keep_fds: tuple[int, ...] = ()) -> None:
    """`workers` threads, each driving one worker process through the queue.

    The worker processes inherit `keep_fds` (the sweep directory's lock).

    With Brian2's Cython target the first point runs alone: it fills Brian2's
    shared on-disk Cython cache, which the other workers then only read
    (processes compiling the same code at once race: Brian2 issue #1154).
    """
    queue = _AffinityQueue(todo)
    lock = threading.Lock()
    errors: list[BaseException] = []
    warm = threading.Event()
    if not any(s.point.config.codegen_target == "cython" for s in todo):
        warm.set()

    def loop(first: bool) -> None:
        last = None
        try:
            if not first:
                while not warm.wait(0.5):
                    if queue.stopped:
                        return
            while (item := queue.take(last)) is not None:
                last, state = item
                answer = run_point_job(jobs[id(state)], time_limit_s, log_dir, keep_fds)
                warm.set()
                if queue.stopped:  # interrupted: the point stays unfinished
                    return
                with lock:
                    finish(state, answer)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            queue.stop()
        finally:
            warm.set()

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sweep") as pool:
        futures = [pool.submit(loop, k == 0) for k in range(min(workers, len(todo)))]
        try:
            for fut in as_completed(futures):
                fut.result()
        except BaseException:
            queue.stop()
            close_thread_workers()  # stops the running points too
            raise
        finally:
            queue.stop()
    close_thread_workers()
    if errors:
        raise errors[0]


def _run_dask(todo: list[PointState], jobs: dict, time_limit_s: float, log_dir: str, scheduler: str | None,
              finish: Callable[[PointState, dict], None]) -> None:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise UserInputError("--executor: dask needs the dask.distributed package "
                             "(pip install 'circuitsim[dask]')") from None
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise UserInputError(f"--scheduler: cannot connect to {scheduler!r}: {exc}") from None
    try:
        futures = {client.submit(run_point_job, jobs[id(s)], time_limit_s, log_dir, pure=False,
                                 key=f"circuitsim-point-{s.point.name}-{time.time_ns()}"): s for s in todo}
        try:
            for fut in dask_completed(futures):
                try:
                    answer = fut.result()
                except Exception as exc:  # the task itself failed on the worker
                    answer = {"status": "failed", "error": f"dask: {type(exc).__name__}: {exc}", "record": {}}
                finish(futures[fut], answer)
        except BaseException:
            client.cancel(list(futures))
            raise
        # Each Dask worker thread keeps a circuitsim worker process; end them.
        client.run(close_thread_workers)
    finally:
        client.close()
