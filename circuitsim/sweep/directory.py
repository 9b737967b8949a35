"""A sweep directory: its layout, the check that it holds this sweep, and what a resume finds in it.

Layout::

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
still running).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..atomic import write_text_atomic
from ..errors import UserInputError
from .spec import Point, Sweep
from .state import PointState

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


def resume_state(point: Point, points_dir: Path) -> PointState:
    """A point's state from what is on disk: done when its results file exists."""
    # h5py and the results reader, imported only when a sweep resumes.
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
