"""Executors: where a sweep's points run.

``local`` runs N worker processes on this machine, driven by
:class:`concurrent.futures.ThreadPoolExecutor` (one thread per worker, each
owning its worker process); ``dask`` submits every point to an existing
Dask distributed scheduler, where each Dask worker thread owns a worker
process in the same way. Dask workers need circuitsim installed and the
sweep directory on a shared file system. Either way each finished point
goes to `finish` (on the calling thread for Dask, under a lock for local).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed

from ..errors import UserInputError
from .schedule import AffinityQueue
from .state import PointState
from .worker_process import close_thread_workers, run_point_job


def run_local(todo: list[PointState], jobs: dict, time_limit_s: float, log_dir: str, workers: int,
              finish: Callable[[PointState, dict], None], keep_fds: tuple[int, ...] = ()) -> None:
    """`workers` threads, each driving one worker process through the queue.

    The worker processes inherit `keep_fds` (the sweep directory's lock).

    With Brian2's Cython target the first point runs alone: it fills Brian2's
    shared on-disk Cython cache, which the other workers then only read
    (processes compiling the same code at once race: Brian2 issue #1154).
    """
    queue = AffinityQueue(todo)
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


def run_dask(todo: list[PointState], jobs: dict, time_limit_s: float, log_dir: str, scheduler: str | None,
             finish: Callable[[PointState, dict], None]) -> None:
    """Every point a task on the Dask scheduler at `scheduler`; each answer to `finish` as it comes."""
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
