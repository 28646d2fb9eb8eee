"""Atomic file writes: a reader of the file sees the old content or the new, never half."""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import threading
import time
from pathlib import Path

from cachetools import TTLCache

STALE_TEMP_S = 3600
"""Age past which a temporary file beside its target is a leftover: a writer killed
between creating it and renaming it (SIGKILL, power loss). No write takes this long."""


def stage_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new temporary file beside ``path`` (fsynced, with the mode a new
    file gets under the umask) and return it; the caller renames it onto ``path``.

    Leftover temporary files of ``path`` older than :data:`STALE_TEMP_S` are removed (the
    folder looked in at most every :data:`SWEEP_EVERY_S` by this process), so interrupted
    writes do not pile up; a younger one may belong to a writer still at work."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(path)
    # Created with mode 0666 for the kernel to apply the umask, as to any new file (mkstemp
    # makes files private, and reading the umask means setting it process-wide, which
    # races with other threads); O_EXCL makes the random name ours alone.
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    The temporary file is fsynced before the rename and the folder after it, so a crash
    leaves either the previous file or the new one, never a truncated mix.
    """
    tmp = stage_bytes(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


SWEEP_EVERY_S = 60.0
"""A folder's leftover temporary files are looked for at most this often by one process:
listing a folder on every save of a busy translation cost a twentieth of the save."""
_swept: TTLCache[str, bool] = TTLCache(maxsize=4096, ttl=SWEEP_EVERY_S)
_swept_lock = threading.Lock()


def _remove_stale_temps(path: Path) -> None:
    with _swept_lock:
        if str(path.parent) in _swept:
            return
        _swept[str(path.parent)] = True
    cutoff = time.time() - STALE_TEMP_S
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if stale.stat().st_mtime < cutoff:
                stale.unlink()


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def fsync_dir(folder: Path) -> None:
    # Without this the rename itself may not survive a power loss on some file systems.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class FileCache:
    """A folder of derived files named by a key (a digest of what they are made from),
    the ``keep`` most recently used kept: what is slow to make and the same in every
    process (parsed PO files, font subsets).  A cache only: a failed read or write costs
    the work again, never the caller's operation (a full disk degrades no feature)."""

    def __init__(self, cache_dir: Path, name: str, suffix: str, keep: int) -> None:
        """``cache_dir``: a workspace's (``Workspace.cache_dir``); ``name``: the folder in it."""
        self.workspace = cache_dir.parent.parent
        self.folder = cache_dir / name
        self.suffix = suffix
        self.keep = keep

    def path(self, key: str) -> Path:
        return self.folder / f"{key}{self.suffix}"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def get(self, key: str) -> bytes | None:
        path = self.path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):
            path.touch()  # recently used: kept by the pruning
        return data

    def put(self, key: str, data: bytes) -> None:
        if not self.workspace.is_dir():
            return  # the workspace is gone (a test's, say): nothing to make again
        with contextlib.suppress(OSError):
            atomic_write_bytes(self.path(key), data)
            self._prune()

    def _prune(self) -> None:
        def used(p: Path) -> float:
            try:
                return p.stat().st_mtime
            except OSError:  # pruned by another process meanwhile
                return 0.0

        copies = sorted(self.folder.glob(f"*{self.suffix}"), key=used, reverse=True)
        for old in copies[self.keep :]:
            old.unlink(missing_ok=True)


def stat_key(path: str) -> str | None:
    """A file's identity and version as a string, for caches keyed by it (string paths:
    with thousands of files per refresh, pathlib's overhead costs more than the calls)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"
