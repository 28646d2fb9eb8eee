"""A save reads its translation once and answers from what it has in hand (issue 23):
one read of the PO file (no re-read to compare bytes, no snapshot for the claim), no look
at any other translation, the queue's row of that translation updated alone; and writes
by another process still show on the next page. Nothing is written when nothing changed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from test_review_support import SALANG, add_users, make_queue
from test_web import as_user

from azad.db.connection import db_path
from azad.queue.store import Queue, _derive
from azad.review import index
from azad.review.edits import Edit, apply_edits, read_segments
from azad.review.index import queue_rows
from azad.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    make_queue(workspace)
    add_users(workspace)
    queue_rows(workspace)  # the cache warm, as in a running app
    return workspace


def test_nothing_is_written_when_nothing_changed(ws: Workspace) -> None:
    queue = Queue(ws)
    path = queue.po_path(SALANG, "dari")
    before = path.stat()
    with queue.locked(SALANG, "dari"):
        snap = queue.snapshot(SALANG, "dari")
        # With the bytes the caller read, and without (then the file is read to compare).
        assert queue.write(SALANG, "dari", snap.file, read=snap.data) is False
        assert queue.write(SALANG, "dari", snap.file) is False
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    # A save that changes nothing writes nothing either.
    unit = read_segments(ws, SALANG, "dari")[1]
    report = apply_edits(
        ws, SALANG, "dari", [Edit(unit.ctx, unit.text, unit.rev, False)], by="dara", via="web"
    )
    assert not report.written and report.count("unchanged") == 1
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def test_a_save_reads_its_file_once_and_no_other_translation(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = Queue(ws)
    po = queue.po_path(SALANG, "dari")
    others = {str(queue.po_path(s, k)) for s, k in queue.pairs() if (s, k) != (SALANG, "dari")}
    reads: list[str] = []
    stats: list[str] = []
    real_read, real_stat = Path.read_bytes, os.stat

    def read_bytes(self: Path) -> bytes:
        reads.append(str(self))
        return real_read(self)

    def stat(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        stats.append(os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(os, "stat", stat)
    c, csrf = as_user(ws, "dara")  # a translator: the first save claims the translation
    reads.clear()
    stats.clear()
    unit = read_segments(ws, SALANG, "dari")[1]
    reads.clear()
    r = c.post(
        f"/api/t/{SALANG}/dari/segments/{unit.ctx}",
        json={"text": "متن تازه", "rev": unit.rev, "reviewed": True},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    assert reads.count(str(po)) == 1, reads
    assert not others & set(stats), sorted(others & set(stats))
    monkeypatch.undo()
    body = r.json()
    assert body["outcome"] == "saved" and body["claimed_by"] is None
    # The answer is what the file and the queue say now.
    assert Queue(ws).load_record(SALANG, "dari").claimed_by == "dara"
    (row,) = queue_rows(ws, slug=SALANG, lang="dari")
    assert (row.status, row.reviewed, row.rev) == (
        body["status"],
        body["reviewed_count"],
        body["content_rev"],
    )
    assert row.claimed_by == "dara"


@pytest.mark.slow  # a subprocess
def test_a_write_by_another_process_shows_on_the_next_page(ws: Workspace) -> None:
    before = {(r.slug, r.lang_key): r for r in queue_rows(ws)}
    unit = read_segments(ws, SALANG, "pashto")[0]
    script = (
        "import sys; from azad.workspace import Workspace;"
        "from azad.review.edits import Edit, apply_edits;"
        "ws = Workspace(__import__('pathlib').Path(sys.argv[1]));"
        f"apply_edits(ws, {SALANG!r}, 'pashto', [Edit({unit.ctx!r}, 'متن بل', {unit.rev!r})],"
        " by='pasha', via='cli')"
    )
    subprocess.run([sys.executable, "-c", script, str(ws.root)], check=True, cwd=ROOT)
    c, _ = as_user(ws, "eddie")
    page = c.get("/").text
    after = {(r.slug, r.lang_key): r for r in queue_rows(ws)}
    row = after[(SALANG, "pashto")]
    assert row.reviewed == before[(SALANG, "pashto")].reviewed + 1
    assert row.rev != before[(SALANG, "pashto")].rev
    assert f"{row.reviewed}/{row.total}" in page or str(row.reviewed) in page


def test_a_save_never_waits_for_the_queue_page(ws: Workspace) -> None:
    """A page's refresh holds the queue's memory lock while it reads files and writes to
    the database. A save neither waits for that lock inside its transaction (each would
    wait for the other: the deadlock bench/load.py found) nor with the translation's lock
    held (every other save of that file would queue behind the page): it completes while
    the refresh runs, and the refresh's write to the database goes through."""
    unit = read_segments(ws, SALANG, "dari")[1]
    with index._memory_lock:  # a refresh in progress
        saving = threading.Thread(
            target=apply_edits,
            args=(ws, SALANG, "dari", [Edit(unit.ctx, "متن تازه", unit.rev, False)]),
            kwargs={"by": "dara", "via": "web"},
        )
        saving.start()
        saving.join(10)
        assert not saving.is_alive()  # done while the page is still being built
        conn = sqlite3.connect(db_path(ws), timeout=2, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM status_cache WHERE slug = 'none'")
            conn.execute("COMMIT")
        finally:
            conn.close()
    assert read_segments(ws, SALANG, "dari")[1].text == "متن تازه"
    # The queue shows the save (its row's old stat key makes the refresh read it again).
    (row,) = queue_rows(ws, slug=SALANG, lang="dari")
    assert row.rev == Queue(ws).snapshot(SALANG, "dari").rev


@pytest.mark.parametrize("reviewed", [False, True])
def test_what_a_save_remembers_of_its_file_is_what_reading_it_gives(
    ws: Workspace, reviewed: bool
) -> None:
    """A save hands the status of the file it wrote to the next read (no second hash of
    every unit): the same as deriving it from the file read back. The segment edited is
    the least confident machine draft, so the queue's "least confident first" moves."""
    queue = Queue(ws)
    with queue.locked(SALANG, "dari"):  # the model's scores on three drafts
        tf = queue.read(SALANG, "dari")
        drafts = [u for u in tf.live if u.is_machine_draft][:3]
        for u, score in zip(drafts, (-0.9, -0.2, -0.5), strict=True):
            tf.replace_unit(replace(u, provenance=replace(u.provenance, score=score)))
        queue.write(SALANG, "dari", tf)
    before = queue.snapshot(SALANG, "dari").derived
    assert before.min_score == -0.9
    target = drafts[0]
    unit = next(u for u in read_segments(ws, SALANG, "dari") if u.ctx == target.ctx)
    apply_edits(
        ws, SALANG, "dari", [Edit(unit.ctx, "متن تازه", unit.rev, reviewed)], by="dara", via="web"
    )
    snap = queue.snapshot(SALANG, "dari")
    remembered = snap.derived
    assert remembered == _derive.__wrapped__(snap)  # type: ignore[attr-defined]
    assert remembered.min_score != before.min_score
    assert len(remembered.unreviewed) == len(before.unreviewed) - reviewed
    (row,) = queue_rows(ws, slug=SALANG, lang="dari")
    assert (row.min_score, row.rev) == (remembered.min_score, remembered.rev)
    # Back to a draft (or a draft again): still what reading the file gives.
    unit = next(u for u in read_segments(ws, SALANG, "dari") if u.ctx == target.ctx)
    apply_edits(
        ws, SALANG, "dari", [Edit(unit.ctx, "متن دیگر", unit.rev, False)], by="dara", via="web"
    )
    snap = queue.snapshot(SALANG, "dari")
    assert snap.derived == _derive.__wrapped__(snap)  # type: ignore[attr-defined]
    assert len(snap.derived.unreviewed) == len(before.unreviewed)


def test_the_least_confident_score_a_save_remembers_is_the_files(ws: Workspace) -> None:
    """A save keeps the lowest draft score and how many drafts have it, so it looks at
    every unit again only when it edited the last of them; a confirmed machine draft sent
    back to draft unchanged is an untouched draft again. After every save, what the save
    remembered is what deriving it from the file gives."""
    queue = Queue(ws)
    with queue.locked(SALANG, "dari"):
        tf = queue.read(SALANG, "dari")
        drafts = [u for u in tf.live if u.is_machine_draft][:3]
        for u, score in zip(drafts, (-0.9, -0.9, -0.5), strict=True):
            tf.replace_unit(replace(u, provenance=replace(u.provenance, score=score)))
        queue.write(SALANG, "dari", tf)
    a, b, _ = (u.ctx for u in drafts)

    def save(ctx: str, text: str | None, reviewed: bool) -> tuple[float | None, int]:
        unit = next(u for u in read_segments(ws, SALANG, "dari") if u.ctx == ctx)
        edit = Edit(ctx, unit.text if text is None else text, unit.rev, reviewed)
        apply_edits(ws, SALANG, "dari", [edit], by="dara", via="web")
        snap = queue.snapshot(SALANG, "dari")
        assert snap.derived == _derive.__wrapped__(snap)  # type: ignore[attr-defined]
        (row,) = queue_rows(ws, slug=SALANG, lang="dari")
        assert row.min_score == snap.derived.min_score
        return snap.derived.min_score, snap.derived.min_count

    assert save(a, None, True) == (-0.9, 1)  # the machine's text confirmed
    assert save(b, "متن تازه", False) == (-0.5, 1)  # the last at -0.9 edited
    assert save(a, None, False) == (-0.9, 1)  # confirmed, then back to draft unchanged


def test_a_save_between_a_refresh_reading_and_storing_keeps_its_row(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The queue's refresh reads changed files before its write transaction (saves wait
    for the transaction, not for the reading). A save landing in between stores its own
    row: the refresh must not replace it with the older one it read."""
    queue = Queue(ws)
    unit = read_segments(ws, SALANG, "dari")[1]
    # Touched from outside, so that the next refresh reads the file again.
    po = queue.po_path(SALANG, "dari")
    st = po.stat()
    os.utime(po, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    real_read_one = index._read_one
    saved: list[str] = []

    def read_then_save(ws_: Workspace, slug: str, lang: str, *, stat_key: str):  # type: ignore[no-untyped-def]
        found = real_read_one(ws_, slug, lang, stat_key=stat_key)
        if (slug, lang) == (SALANG, "dari") and not saved:
            report = apply_edits(
                ws, SALANG, "dari", [Edit(unit.ctx, "در میان", unit.rev)], by="dara", via="web"
            )
            saved.append(report.rev_after)
        return found

    monkeypatch.setattr(index, "_read_one", read_then_save)
    queue_rows(ws)
    monkeypatch.undo()
    assert saved
    conn = sqlite3.connect(db_path(ws))
    try:
        stored = conn.execute(
            "SELECT rev, stat_key FROM status_cache WHERE slug = ? AND lang = 'dari'", (SALANG,)
        ).fetchone()
    finally:
        conn.close()
    source_key = index.stat_key(str(queue.source_path(SALANG)))
    assert stored == (saved[0], index._key_of(queue, SALANG, "dari", source_key))
    (row,) = queue_rows(ws, slug=SALANG, lang="dari")
    assert row.rev == saved[0] == queue.snapshot(SALANG, "dari").rev


def test_a_read_trusts_no_remembered_hash_for_other_bytes(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save remembers the bytes it wrote and their hash, so that the next read of a
    large file need not hash it again; the next read must find exactly those bytes.
    A CAT tool's rewrite in place, even of the same length, is hashed afresh."""
    import hashlib

    from azad.queue import store

    monkeypatch.setattr(store, "_WRITTEN_MIN_BYTES", 0)  # the example files are small
    unit = read_segments(ws, SALANG, "dari")[1]
    report = apply_edits(ws, SALANG, "dari", [Edit(unit.ctx, "الف", unit.rev)], by="d", via="web")
    queue = Queue(ws)
    path = queue.po_path(SALANG, "dari")
    data = path.read_bytes()
    assert queue.snapshot(SALANG, "dari").file_sha == hashlib.sha256(data).hexdigest()
    assert queue.snapshot(SALANG, "dari").rev == report.rev_after
    changed = data.replace("الف".encode(), "بپت".encode(), 1)  # the same length
    assert len(changed) == len(data) and changed != data
    with path.open("r+b") as fh:  # in place, as a CAT tool may
        fh.write(changed)
    snap = queue.snapshot(SALANG, "dari")
    assert snap.file_sha == hashlib.sha256(changed).hexdigest()
    assert snap.file.unit(unit.ctx).text == "بپت"  # type: ignore[union-attr]
