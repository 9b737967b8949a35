"""The lock of a sweep directory: one sweep at a time runs in it.

A sweep holds an exclusive :func:`fcntl.flock` on ``<dir>/sweep.lock`` from
before it looks at the directory (the manifest, finished points, stale
temporary files) until it ends, resume included. A second sweep started
into the same directory - a batch job queued again while the first still
runs - is refused with one line and touches nothing, so it can never delete
the first one's temporary files.

The kernel releases the lock when the last process holding it ends, kill -9
included: no stale lock is ever left to clean up. The local executor's
worker processes inherit the lock's descriptor (``pass_fds``), so a sweep
killed by kill -9 keeps its directory locked until its orphaned workers have
stopped too (within about a second: circuitsim.sweep.worker). The lock file
itself stays; it holds the process id and host of the last holder, for the
message.

``flock`` is advisory and local to one machine on some network file
systems (NFS before v4 emulates it per client): with the Dask executor the
lock guards against a second sweep started on the same machine.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import UserInputError

#: The lock file in a sweep directory.
LOCK_NAME = "sweep.lock"


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (process {text})" if text else ""


@contextmanager
def sweep_lock(directory: str | os.PathLike) -> Iterator[int]:
    """Hold the lock of the sweep directory `directory` (which must exist) for the block.

    Yields
    ------
    int
        The lock's file descriptor (close-on-exec; pass it to a child process
        with ``pass_fds`` to share the lock with it).

    Raises
    ------
    UserInputError
        When another process holds the lock: one line naming the directory.
        Nothing in the directory is changed.
    """
    directory = Path(directory)
    path = directory / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise UserInputError(
            f"--out: {str(directory)!r} is in use: another sweep holds it{_holder(path)}; "
            "wait until that sweep ends (rerun then to resume it) or use another directory") from None
    except BaseException:
        os.close(fd)
        raise
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} on {socket.gethostname()}\n".encode(), 0)
        yield fd
    finally:
        os.close(fd)  # releases the lock (unless a worker process still shares it)
