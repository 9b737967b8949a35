"""The one atomic writer: unique temporary names, nothing partial on failure."""

from __future__ import annotations

import pytest

from circuitsim.atomic import TMP_SUFFIX, atomic_path, write_text_atomic


def test_text_lands_complete(tmp_path):
    target = tmp_path / "a.txt"
    write_text_atomic(target, "one")
    write_text_atomic(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_failure_leaves_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_two_writers_of_one_file_get_distinct_temporaries(tmp_path):
    """Two processes writing the same output never share a temporary file (the old fixed
    ``<name>.tmp`` did: one's rename could publish the other's half-written file)."""
    target = tmp_path / "results.h5"
    with atomic_path(target) as first, atomic_path(target) as second:
        assert first != second
        assert first.parent == second.parent == tmp_path
        assert first.name.endswith(TMP_SUFFIX) and second.name.endswith(TMP_SUFFIX)
        first.write_text("first")
        second.write_text("second")
    assert target.read_text() == "first"  # the outer block finishes last
