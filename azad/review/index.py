"""The queue's status cache: what each PO file and review record says, without parsing
2,000 files per request.

For each article × language the cache keeps the counts and hash of its PO file and the
review record, keyed by the files' inode, modification time (ns) and size. A refresh only
``stat``s the files and re-reads those whose key changed. Every write in this project
replaces a file by renaming a new one over it (new inode), and a CAT tool that rewrites a
file in place changes its modification time, so edits made outside the app are picked up
by the next refresh. The status itself is derived at read time
(:func:`azad.queue.status.derive`), because claims expire with time.

The cache lives in the review database (so a restarted server need not re-read every file)
and, parsed, in this process's memory (so a request reads nothing but ``stat`` results).
The refresh also keeps the translation memory (approved and published segments) in step.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from azad.db.connection import connect, db_path, writing
from azad.errors import AzadError
from azad.model import Article
from azad.queue.record import ReviewRecord, now
from azad.queue.status import Counts, Status, counts_of, derive
from azad.queue.store import Queue, least_confident, stat_key
from azad.queue.units import Unit
from azad.workspace import Workspace, is_valid_slug


@dataclass(frozen=True)
class QueueRow:
    """One article × language of the queue."""

    slug: str
    lang_key: str
    title: str
    status: Status
    total: int
    reviewed: int
    rev: str
    """The content revision (what an approval names)."""
    in_sync: bool
    """The translation's units are exactly its English article's."""
    po_mtime: float
    record: ReviewRecord
    min_score: float | None = None
    """The model's lowest score among the translation's untouched machine drafts (None:
    no scored draft): the queue's "least confident first"."""

    @property
    def claimed_by(self) -> str | None:
        return self.record.claimed_by

    @property
    def age_s(self) -> float:
        """Seconds since the translation last changed."""
        return max(0.0, now().timestamp() - self.po_mtime)


@dataclass(frozen=True)
class _Entry:
    stat_key: str
    counts: Counts
    po_mtime: float
    record: ReviewRecord
    min_score: float | None = None


@dataclass
class _Memory:
    entries: dict[tuple[str, str], _Entry]
    titles: dict[str, tuple[str, str]]
    """slug → (stat key of source.json, title)"""


_memory: dict[Path, _Memory] = {}
_memory_lock = threading.Lock()


_ROWS = (
    "SELECT slug, lang, stat_key, total, unreviewed, rev, in_sync, po_sha256, po_mtime,"
    " record, min_score FROM status_cache"
)


def _entry_of(r: sqlite3.Row) -> _Entry:
    """The entry of one row of :data:`_ROWS`."""
    return _Entry(
        r[2],
        Counts(total=r[3], unreviewed=r[4], rev=r[5], in_sync=bool(r[6]), file_sha=r[7]),
        r[8],
        ReviewRecord.model_validate_json(r[9]),
        r[10],
    )


def _load_memory(conn: sqlite3.Connection) -> _Memory:
    entries = {(r[0], r[1]): _entry_of(r) for r in conn.execute(_ROWS)}
    titles = {
        r[0]: (r[1], r[2]) for r in conn.execute("SELECT slug, stat_key, title FROM title_cache")
    }
    return _Memory(entries, titles)


def refresh(ws: Workspace) -> list[QueueRow]:
    """Every article × language with a PO file, from the cache brought up to date."""
    root = str(ws.translations_dir)
    queue = Queue(ws)
    langs = list(ws.settings.languages)
    found: dict[tuple[str, str], str] = {}
    sources: dict[str, str] = {}
    try:
        with os.scandir(root) as it:
            dirs = sorted(e.name for e in it if e.is_dir() and is_valid_slug(e.name))
    except FileNotFoundError:
        dirs = []
    for slug in dirs:
        source_key = stat_key(str(queue.source_path(slug)))
        if source_key is None:
            continue
        sources[slug] = source_key
        for lang in langs:
            key = _key_of(queue, slug, lang, source_key)
            if key is not None:
                found[(slug, lang)] = key

    path = db_path(ws)
    # One refresh at a time updates this process's memory (and no reader sees it half
    # updated); the system calls above run in parallel.
    with _memory_lock:
        memory = _memory.get(path)
        if memory is None:
            with connect(ws) as conn:
                memory = _memory[path] = _load_memory(conn)
        return _update(ws, memory, found, sources)


def _key_of(queue: Queue, slug: str, lang: str, source_key: str | None) -> str | None:
    """What a row is valid for: the PO file, its record and the article (an English
    change voids approvals), as they are now; None without a PO file."""
    po_key = stat_key(str(queue.po_path(slug, lang)))
    if po_key is None or source_key is None:
        return None
    record_key = stat_key(str(queue.record_path(slug, lang)))
    return f"{po_key}|{record_key}|{source_key}"


def _update(
    ws: Workspace, memory: _Memory, found: dict[tuple[str, str], str], sources: dict[str, str]
) -> list[QueueRow]:
    entries, titles = memory.entries, memory.titles
    stale = [k for k, key in found.items() if k not in entries or entries[k].stat_key != key]
    gone = [k for k in entries if k not in found]
    stale_titles = [s for s, key in sources.items() if s not in titles or titles[s][0] != key]
    if stale or gone or stale_titles:
        # The files are read before the write transaction: the database's writers (every
        # save among them) wait for it, not for this page's reading of changed files.
        queue = Queue(ws)
        read = {key: _read_one(ws, *key, stat_key=found[key]) for key in stale}
        read_titles = {slug: _title(queue.source_path(slug)) for slug in stale_titles}
        with writing(ws) as conn:
            for slug, lang in gone:
                conn.execute("DELETE FROM status_cache WHERE slug = ? AND lang = ?", (slug, lang))
                conn.execute("DELETE FROM tm WHERE slug = ? AND lang = ?", (slug, lang))
            for (slug, lang), (entry, live) in list(read.items()):
                source_key = stat_key(str(queue.source_path(slug)))
                if _key_of(queue, slug, lang, source_key) != entry.stat_key:
                    # Written since it was read (its writer stores its own row): a row
                    # stored now would replace a newer one. The next refresh reads it.
                    del read[(slug, lang)]
                    continue
                _store(conn, slug, lang, entry, live)
            for slug, (title, text) in read_titles.items():
                conn.execute(
                    "INSERT OR REPLACE INTO title_cache (slug, stat_key, title) VALUES (?, ?, ?)",
                    (slug, sources[slug], title),
                )
                # The English, for the queue's search (what a translator remembers of it).
                conn.execute(
                    "INSERT OR REPLACE INTO article_text (slug, text) VALUES (?, ?)", (slug, text)
                )
        # Committed: now this process's memory.
        for key in gone:
            entries.pop(key, None)
        for key, (entry, _live) in read.items():
            entries[key] = entry
        for slug, (title, _text) in read_titles.items():
            titles[slug] = (sources[slug], title)
    rows = []
    for slug, lang in found:
        e = entries[(slug, lang)]
        rows.append(
            QueueRow(
                slug=slug,
                lang_key=lang,
                title=titles[slug][1],
                status=derive(e.counts, e.record),
                total=e.counts.total,
                reviewed=e.counts.total - e.counts.unreviewed,
                rev=e.counts.rev,
                in_sync=e.counts.in_sync,
                po_mtime=e.po_mtime,
                record=e.record,
                min_score=e.min_score,
            )
        )
    return rows


def _title(path: Path) -> tuple[str, str]:
    """The article's title and its English text."""
    try:
        article = Article.from_json(path.read_bytes())
    except (OSError, ValueError):
        return "(unreadable source.json)", ""
    return article.meta.title, "\n".join(english for _, english in article.units())


def _read_one(ws: Workspace, slug: str, lang: str, *, stat_key: str) -> tuple[_Entry, list[Unit]]:
    """The row of one translation, read from its files, and its live units."""
    queue = Queue(ws)
    try:
        mtime = queue.po_path(slug, lang).stat().st_mtime
        snap = queue.snapshot(slug, lang)
        counts, record = counts_of(snap), snap.record
        live = snap.file.live
    except (AzadError, OSError) as exc:
        # A damaged file shows in the queue as a translation with nothing in it rather
        # than taking the whole queue down; opening it names the problem.
        counts = Counts(total=0, unreviewed=0, rev=f"error: {exc}", in_sync=False, file_sha="")
        mtime, record, live = 0.0, ReviewRecord(), []
    return _Entry(stat_key, counts, mtime, record, least_confident(live)[0]), live


def _store(conn: sqlite3.Connection, slug: str, lang: str, entry: _Entry, live: list[Unit]) -> None:
    """Keep ``entry`` in the database, and the translation memory's rows of this
    translation (``live``: its live units) in step with its status."""
    stat_key, counts, mtime, record = entry.stat_key, entry.counts, entry.po_mtime, entry.record
    had_memory = _in_memory(conn, slug, lang)
    conn.execute(
        "INSERT OR REPLACE INTO status_cache (slug, lang, stat_key, total, unreviewed, rev,"
        " in_sync, po_sha256, po_mtime, record, min_score)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            slug,
            lang,
            stat_key,
            counts.total,
            counts.unreviewed,
            counts.rev,
            int(counts.in_sync),
            counts.file_sha,
            mtime,
            record.model_dump_json(),
            entry.min_score,
        ),
    )
    # The translation memory holds what editors approved: exactly the approved content.
    if had_memory:
        conn.execute("DELETE FROM tm WHERE slug = ? AND lang = ?", (slug, lang))
    if derive(counts, record) in _REMEMBERED:
        conn.executemany(
            "INSERT INTO tm (slug, lang, ctx, source, target) VALUES (?, ?, ?, ?, ?)",
            [(slug, lang, u.ctx, u.english, u.text) for u in live],
        )


_REMEMBERED = ("approved", "published")
"""The statuses whose content the translation memory holds."""


def _in_memory(conn: sqlite3.Connection, slug: str, lang: str) -> bool:
    """Whether the translation memory may hold rows of this translation: its stored row
    says it was approved (every save stores one). The memory is a full-text table, where
    deleting by slug reads every row (50 ms at 200,000 approved segments, inside the
    database's write lock): a save of a draft does not pay that. Without a stored row
    it holds none (rows are stored and deleted with their status row; migration 9 took
    away those an earlier migration left)."""
    row = conn.execute(_ROWS + " WHERE slug = ? AND lang = ?", (slug, lang)).fetchone()
    if row is None:
        return False
    try:
        entry = _entry_of(row)
    except ValueError:
        return True
    counts, record = entry.counts, entry.record
    return derive(counts, record) in _REMEMBERED


def row_after_write(
    ws: Workspace,
    slug: str,
    lang: str,
    counts: Counts,
    record: ReviewRecord,
    *,
    min_score: float | None,
    source_key: str | None,
) -> _Entry | None:
    """After a write of one translation (its lock held): its row of the cache, from what
    the writer has in hand, so that nothing is read again and no other file is looked at.
    ``source_key``: the article's stat key from before the writer read it (if the article
    changed since, the row's key does not match and the next refresh reads it again).
    Store it with :func:`store_row` in the writer's transaction, then hand it to
    :func:`remember_row`. (The files are looked at here, before the transaction: the
    database's other writers wait for a transaction, not for these system calls.)"""
    queue = Queue(ws)
    key = _key_of(queue, slug, lang, source_key)
    if key is None:
        return None
    return _Entry(key, counts, queue.po_path(slug, lang).stat().st_mtime, record, min_score)


def store_row(
    conn: sqlite3.Connection, slug: str, lang: str, entry: _Entry | None, live: list[Unit]
) -> None:
    """Keep :func:`row_after_write`'s row (``conn`` in the writer's transaction)."""
    if entry is not None:
        _store(conn, slug, lang, entry, live)


def remember_row(ws: Workspace, slug: str, lang: str, entry: _Entry | None) -> None:
    """This process's memory of the row :func:`store_row` stored. Called after the
    writer's transaction is committed: a refresh holds the memory's lock while it writes
    to the database, so waiting for that lock inside a write transaction would deadlock."""
    if entry is None or not _memory_lock.acquire(blocking=False):
        # A refresh in progress holds the lock (a page is being built): the writer does
        # not wait for it with the translation's lock held, which would queue every other
        # save of that file behind the page. The row in memory keeps its old stat key,
        # so the next refresh reads this translation again.
        return
    try:
        memory = _memory.get(db_path(ws))
        if memory is not None:
            memory.entries[(slug, lang)] = entry
    finally:
        _memory_lock.release()


def search(ws: Workspace, rows: list[QueueRow], query: str) -> list[QueueRow]:
    """The rows whose title, slug or English text holds ``query`` (case folded), in their
    order. The English comes from the cache the refresh keeps (``article_text``)."""
    needle = query.strip().casefold()
    if not needle:
        return rows
    with connect(ws) as conn:
        # SQLite's lower() folds ASCII only: the English is searched as it is, the
        # title and slug (below) with Python's casefold.
        in_text = {
            r[0]
            for r in conn.execute(
                "SELECT slug FROM article_text WHERE instr(lower(text), ?) > 0", (needle,)
            )
        }
    return [
        r
        for r in rows
        if r.slug in in_text or needle in r.title.casefold() or needle in r.slug.casefold()
    ]


def queue_rows(
    ws: Workspace, *, lang: str | None = None, status: str | None = None, slug: str | None = None
) -> list[QueueRow]:
    """The queue, oldest first (the translation that has waited longest since it last
    changed), optionally only one language, status or article."""
    rows = [
        r
        for r in refresh(ws)
        if (lang is None or r.lang_key == lang)
        and (status is None or r.status == status)
        and (slug is None or r.slug == slug)
    ]
    rows.sort(key=lambda r: (r.po_mtime, r.slug, r.lang_key))
    return rows
