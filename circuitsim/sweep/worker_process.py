"""The sweep's side of a worker process: start it, send it a point, enforce the time limit, stop it.

Each thread that runs points (a thread of the local executor, or a Dask
worker thread) owns one :class:`WorkerProcess`, a ``python -m
circuitsim.sweep.worker`` process started on first use and reused for the
points that follow (:func:`run_point_job`). The worker is the leader of its
own process group, so a point past its time limit is stopped with its
simulation binary by one signal; :func:`close_thread_workers` ends every
worker this process started.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..engine.helpers import WORKERS_ENV


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
        # The sweep runs its points side by side: one process per point.
        env[WORKERS_ENV] = "1"
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
