from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from cachetools import TTLCache

from azad import fsutil


def test_atomic_write_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "file.txt"
    fsutil.atomic_write_text(target, "one")
    fsutil.atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["file.txt"]


def test_new_files_get_the_umask_mode_not_a_private_one(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fsutil.atomic_write_bytes(tmp_path / "x", b"data")
    finally:
        os.umask(old)
    assert (tmp_path / "x").stat().st_mode & 0o777 == 0o644


def test_a_failed_write_keeps_the_previous_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file.txt"
    fsutil.atomic_write_text(target, "previous")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(fsutil.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        fsutil.atomic_write_text(target, "new")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_leftover_temporary_files_are_removed_once_stale(tmp_path: Path) -> None:
    # What a writer killed between writing its temporary file and the rename leaves.
    target = tmp_path / "dari.po"
    old = tmp_path / ".dari.po.abc123.tmp"
    young = tmp_path / ".dari.po.def456.tmp"  # perhaps a writer still at work
    other = tmp_path / ".source.json.abc123.tmp"
    for leftover in (old, young, other):
        leftover.write_text("half")
    two_hours_ago = old.stat().st_mtime - 2 * fsutil.STALE_TEMP_S
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))
    fsutil.atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert not old.exists()
    assert young.exists() and other.exists()


def test_a_folder_is_swept_again_once_its_interval_has_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process looks for leftovers in a folder at most once per interval (not on every
    save); a leftover that turns up later goes with a write after the interval."""
    monkeypatch.setattr(fsutil, "_swept", TTLCache(maxsize=16, ttl=0.2))
    target = tmp_path / "dari.po"
    fsutil.atomic_write_text(target, "first")
    old = tmp_path / ".dari.po.abc123.tmp"
    old.write_text("half")
    two_hours_ago = old.stat().st_mtime - 2 * fsutil.STALE_TEMP_S
    os.utime(old, (two_hours_ago, two_hours_ago))
    fsutil.atomic_write_text(target, "second")
    assert old.exists()  # within the interval: the folder is not listed again
    time.sleep(0.3)
    fsutil.atomic_write_text(target, "third")
    assert not old.exists() and target.read_text() == "third"
