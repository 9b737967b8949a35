"""The process that runs sweep points: ``python -m circuitsim.sweep.worker``.

One worker process runs many points, one after the other, so that Python,
Brian2 and Numba are imported once, not once per point. It reads one JSON
job per line on standard input and answers one JSON line per job on
standard output:

    job:    {"config": <resolved config, YAML>, "out": <points directory>}
    answer: {"status": "done"|"failed", "error": str, "record": {...}}

The record (:func:`circuitsim.sweep.metrics.point_record`) is also written
next to the results file as ``<name>.json`` (atomically, after the results
file is complete), so a sweep that is killed and resumed finds it there.

The worker is the leader of its own process group (the sweep starts it with
``start_new_session``), so the sweep can stop it, and any simulation binary
it started, with one signal when a point runs past its time limit. If the
sweep process dies (even by kill -9), a watchdog thread notices that the
worker has been re-parented and stops the group: no orphan keeps running.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import traceback


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os.killpg(os.getpgrp(), signal.SIGKILL)
        time.sleep(1.0)


def _run_job(job: dict) -> dict:
    import yaml

    from ..config import config_from_dict
    from ..errors import UserInputError
    from ..runner import run_experiment
    from .metrics import point_record, write_record

    start = time.time()
    try:
        config = config_from_dict(yaml.safe_load(job["config"]))
        path = run_experiment(config, job["out"], progress=False, figures=False)
        record = point_record(path, wall_s=time.time() - start)
        write_record(path.with_suffix(".json"), record)
        return {"status": "done", "error": "", "record": record}
    except UserInputError as exc:
        return {"status": "failed", "error": str(exc), "record": {"wall_s": time.time() - start}}
    except Exception as exc:  # a failing point is recorded, the worker goes on
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        traceback.print_exc(file=sys.stderr)
        return {"status": "failed", "error": last, "record": {"wall_s": time.time() - start}}


def main() -> int:
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    # Answers go to the real stdout; anything a library prints goes to stderr.
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    for line in sys.stdin:
        if not line.strip():
            continue
        answer = _run_job(json.loads(line))
        answers.write(json.dumps(answer) + "\n")
        answers.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
