"""Locks on files shared by processes, and waited for fairly by the threads of one.

A :class:`filelock.FileLock` serialises processes, but a thread that finds it taken
sleeps and tries again (every 50 ms), whoever else is waiting: under the review app's
load (20 translators saving, a few files shared) a save waited up to seconds behind
later arrivals, and the waiting, not the work, made save p95 1.1 s. So within a process
the threads queue first, in arrival order, on a :class:`FairLock` (a releasing thread
hands the lock to the next waiter at once); only the head of that queue takes the file
lock, which then waits only for other processes.
"""

from __future__ import annotations

import collections
import contextlib
import os
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout


class FairLock:
    """A lock granted in the order it was asked for, with a timeout. Not re-entrant, as a
    file lock is not (a second :class:`FileLock` of one path in one process waits for the
    first): a thread asking again for the lock it holds is an error, said at once."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._owner: int | None = None
        self._waiters: collections.deque[tuple[int, threading.Lock]] = collections.deque()

    def acquire(self, timeout: float = -1) -> bool:
        """Take the lock; False if ``timeout`` (seconds; negative: none) ran out first."""
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                raise RuntimeError("this thread already holds the lock")
            if self._owner is None:
                self._owner = me
                return True
            turn = threading.Lock()
            turn.acquire()
            waiter = (me, turn)
            self._waiters.append(waiter)
        # release() makes the first waiter the owner, then wakes it through its ``turn``.
        if turn.acquire(timeout=timeout if timeout >= 0 else -1):
            return True
        with self._mutex:
            if self._owner == me:  # handed over just as the wait ran out
                return True
            self._waiters.remove(waiter)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._owner != threading.get_ident():
                raise RuntimeError("FairLock released by a thread that does not hold it")
            if self._waiters:
                self._owner, turn = self._waiters.popleft()
                turn.release()
            else:
                self._owner = None


_locks: weakref.WeakValueDictionary[str, FairLock] = weakref.WeakValueDictionary()
_locks_mutex = threading.Lock()


def process_lock(path: str | Path) -> FairLock:
    """This process's queue for ``path`` (one object per path while anyone holds it)."""
    key = str(path)
    with _locks_mutex:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = FairLock()
        return lock


@contextlib.contextmanager
def held(path: str | Path, timeout: float = -1) -> Iterator[None]:
    """Hold the lock file ``path``: first in this process's queue for it, then against
    other processes. :class:`filelock.Timeout` when ``timeout`` seconds (negative: no
    limit) pass first."""
    deadline = time.monotonic() + timeout if timeout >= 0 else None
    mine = process_lock(path)  # referenced until the end: the queue outlives its users
    if not mine.acquire(timeout):
        raise Timeout(str(path))
    try:
        left = -1.0 if deadline is None else max(0.0, deadline - time.monotonic())
        with FileLock(str(path), timeout=left):
            yield
    finally:
        mine.release()


def _forget_in_child() -> None:
    # A forked child has only the forking thread: locks other threads held are not its.
    global _locks, _locks_mutex
    _locks = weakref.WeakValueDictionary()
    _locks_mutex = threading.Lock()


os.register_at_fork(after_in_child=_forget_in_child)
