"""Atomic file writing: every file circuitsim writes appears complete or not at all.

One mechanism for every file (results, figures, NWB, the response cache,
sweep records): the content goes to a temporary file in the destination's
own directory, with a unique name from :func:`tempfile.mkstemp`
(``.<name>.<random>.tmp``), so that two processes writing the same output
never share one; the file is flushed and synced, then renamed over the
destination with :func:`os.replace`, which is atomic within one file system
(POSIX and Windows). On any error the temporary file is removed and the
error re-raised, so a file with the final name is always complete.

A foundation module: it imports nothing from circuitsim, and every stage may
use it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Suffix of every temporary file (a leftover of a killed process can be
#: recognised, and removed by whoever owns the directory).
TMP_SUFFIX = ".tmp"


def _fsync_file(path: Path) -> None:
    """Push a closed file's data to disk before the rename makes it visible."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A unique temporary path beside `path`; on success it becomes `path`.

    Write the content to the yielded path (any library that opens a file by
    name: h5py, matplotlib with an explicit ``format``, pynwb), close it and
    leave the block; the file is then synced and renamed over `path`. If the
    block raises, the temporary file is deleted and `path` is untouched.

    Parameters
    ----------
    path : str or PathLike
        The destination. Its directory must exist.

    Yields
    ------
    Path
        The temporary file (created empty, in `path`'s directory).
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _fsync_file(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` atomically (:func:`atomic_path`); return `path`."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write `text` (UTF-8, newlines as given) to `path` atomically; return `path`."""
    return write_bytes_atomic(path, text.encode("utf-8"))
