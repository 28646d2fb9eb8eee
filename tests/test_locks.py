"""Fair waiting: the threads of a process get a lock in the order they asked for it, and
a file lock still keeps other processes out (azad.locks); the database's writers of one
process queue the same way (azad.db.connection.writing), and a thread's kept connection
never carries a transaction or a replaced database file into its next use."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from filelock import Timeout

from azad.backup import backup, restore
from azad.db.connection import connect, db_path, writing
from azad.locks import FairLock, held
from azad.workspace import Workspace


def _wait_until(check: object, what: str) -> None:
    deadline = time.monotonic() + 10
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.001)


def test_waiting_threads_get_the_lock_in_the_order_they_asked() -> None:
    lock = FairLock()
    lock.acquire()
    order: list[int] = []
    threads = []
    for n in range(8):

        def take(n: int = n) -> None:
            lock.acquire()
            order.append(n)
            lock.release()

        t = threading.Thread(target=take)
        t.start()
        threads.append(t)
        # Each one is queued before the next asks: the arrival order is known.
        _wait_until(lambda n=n: len(lock._waiters) == n + 1, f"waiter {n}")
    lock.release()
    for t in threads:
        t.join(10)
    assert order == list(range(8))


def test_a_wait_that_times_out_leaves_the_queue_and_the_next_one_is_served() -> None:
    lock = FairLock()
    lock.acquire()
    got: list[bool] = []
    impatient = threading.Thread(target=lambda: got.append(lock.acquire(timeout=0.05)))
    impatient.start()
    impatient.join(10)
    assert got == [False]
    assert not lock._waiters
    taken = threading.Event()

    def patient() -> None:
        lock.acquire()
        taken.set()
        lock.release()

    t = threading.Thread(target=patient)
    t.start()
    _wait_until(lambda: len(lock._waiters) == 1, "the patient waiter")
    lock.release()
    assert taken.wait(10)
    t.join(10)
    assert lock.acquire(timeout=0)  # free again
    lock.release()


def test_asking_again_for_a_held_lock_is_an_error_not_a_deadlock() -> None:
    lock = FairLock()
    lock.acquire()
    with pytest.raises(RuntimeError, match="already holds"):
        lock.acquire()
    lock.release()
    with pytest.raises(RuntimeError, match="does not hold"):
        lock.release()


def test_a_held_file_lock_keeps_another_process_out(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    ready_r, ready_w = os.pipe()
    done_r, done_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child holds the lock until told to let go
        try:
            with held(path, timeout=10):
                os.write(ready_w, b"1")
                os.read(done_r, 1)
        finally:
            os._exit(0)
    try:
        assert os.read(ready_r, 1) == b"1"
        with pytest.raises(Timeout), held(path, timeout=0.2):
            pass
    finally:
        os.write(done_w, b"1")
        os.waitpid(pid, 0)
    with held(path, timeout=10):  # free once the child let go
        pass


def test_a_thread_waiting_for_a_file_lock_held_in_its_process_gets_it_next(
    tmp_path: Path,
) -> None:
    path = tmp_path / "y.lock"
    events: list[str] = []
    first_in = threading.Event()
    let_go = threading.Event()

    def first() -> None:
        with held(path, timeout=10):
            events.append("first")
            first_in.set()
            let_go.wait(10)

    def second() -> None:
        with held(path, timeout=10):
            events.append("second")

    a = threading.Thread(target=first)
    a.start()
    assert first_in.wait(10)
    b = threading.Thread(target=second)
    b.start()
    time.sleep(0.05)
    assert events == ["first"]  # shut out while the first holds it
    let_go.set()
    a.join(10)
    b.join(10)
    assert events == ["first", "second"]


def _workspace(tmp_path: Path) -> Workspace:
    from azad.cli import run

    assert run(["init", str(tmp_path / "ws")]) == 0
    return Workspace((tmp_path / "ws").resolve())


def test_writing_commits_at_the_end_and_rolls_back_on_an_error(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    with writing(ws) as conn:
        conn.execute("INSERT INTO login_failures (key, at) VALUES ('a', 1)")
    with pytest.raises(ZeroDivisionError), writing(ws) as conn:
        conn.execute("INSERT INTO login_failures (key, at) VALUES ('b', 2)")
        raise ZeroDivisionError
    with connect(ws) as conn:
        keys = [r[0] for r in conn.execute("SELECT key FROM login_failures")]
    assert keys == ["a"]


def test_a_transaction_left_open_is_not_carried_into_the_next_use(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    with connect(ws) as conn:
        conn.execute("INSERT INTO login_failures (key, at) VALUES ('forgotten', 1)")
        assert conn.in_transaction  # no commit: the caller forgot it
    with connect(ws) as conn:
        assert not conn.in_transaction
        assert conn.execute("SELECT count(*) FROM login_failures").fetchone()[0] == 0
    # ...and the write lock it took is free for another connection at once.
    other = sqlite3.connect(db_path(ws), timeout=0)
    try:
        other.execute("INSERT INTO login_failures (key, at) VALUES ('other', 2)")
        other.commit()
    finally:
        other.close()


def test_a_workspace_restored_in_place_is_read_from_its_restored_database(
    tmp_path: Path,
) -> None:
    """A restore into a deleted workspace's folder, with this thread's connection to the
    old database still kept: the next use must read the restored file, and setting the
    old connection aside must not harm the new database's write-ahead log."""
    ws = _workspace(tmp_path)
    with writing(ws) as conn:
        conn.execute("INSERT INTO login_failures (key, at) VALUES ('backed up', 1)")
    archive = backup(ws, tmp_path / "ws.tar.gz").path
    with writing(ws) as conn:
        conn.execute("INSERT INTO login_failures (key, at) VALUES ('after the backup', 2)")
    shutil.rmtree(ws.root)
    restore(archive, ws.root)
    restored = Workspace(ws.root)
    # Another connection (a thread, the flows' process) writes to the restored database
    # and stays open: its row lives in the write-ahead log until a checkpoint.
    other = sqlite3.connect(db_path(restored))
    try:
        other.execute("PRAGMA journal_mode = WAL")
        other.execute("INSERT INTO login_failures (key, at) VALUES ('elsewhere', 3)")
        other.commit()
        with connect(restored) as conn:  # this thread's old connection is set aside now
            keys = [r[0] for r in conn.execute("SELECT key FROM login_failures ORDER BY at")]
        assert keys == ["backed up", "elsewhere"]
        fresh = sqlite3.connect(db_path(restored))
        try:
            found = [r[0] for r in fresh.execute("SELECT key FROM login_failures ORDER BY at")]
        finally:
            fresh.close()
        assert found == ["backed up", "elsewhere"]
    finally:
        other.close()
