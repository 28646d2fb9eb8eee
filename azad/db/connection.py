"""The review database: one SQLite file under the workspace (``[review] database``).

It holds what is not translation content: accounts and sessions, failed logins (rate
limit), the change log of every segment, and caches derived from the PO files (queue
status, translation memory) that are rebuilt from the files whenever these change. The
translations themselves live only in the PO files.

Connections are short-lived (one per operation, any thread); WAL lets readers go on
while one writer commits, and a busy timeout serialises writers.

The schema is versioned with ``PRAGMA user_version``: :data:`MIGRATIONS` brings a database
of any earlier version (0: the first schema, which had no version) up to
:data:`SCHEMA_VERSION`, each step in one transaction.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from azad.errors import AzadError, disk_full
from azad.locks import FairLock
from azad.workspace import Workspace

SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    langs TEXT NOT NULL DEFAULT '',
    pw_hash TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures(key, at);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL,
    lang TEXT NOT NULL,
    ctx TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    action TEXT NOT NULL,
    old TEXT NOT NULL,
    new TEXT NOT NULL,
    old_fuzzy INTEGER NOT NULL,
    new_fuzzy INTEGER NOT NULL,
    base_rev TEXT NOT NULL,
    via TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_segment ON changes(slug, lang, ctx, id);
CREATE TABLE IF NOT EXISTS status_cache (
    slug TEXT NOT NULL,
    lang TEXT NOT NULL,
    stat_key TEXT NOT NULL,
    total INTEGER NOT NULL,
    unreviewed INTEGER NOT NULL,
    po_sha256 TEXT NOT NULL,
    po_mtime REAL NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (slug, lang)
);
CREATE TABLE IF NOT EXISTS title_cache (
    slug TEXT PRIMARY KEY,
    stat_key TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS tm USING fts5(
    slug UNINDEXED, lang UNINDEXED, ctx UNINDEXED, source, target UNINDEXED,
    tokenize = 'unicode61'
);
"""

# Version 2: the queue's status cache keys on content revisions (an approval names one,
# not the PO file's hash) and knows whether a translation matches its English article;
# snapshots keep the content an editor was shown, so a refused approval can say what
# changed since.
MIGRATION_V2 = """
DROP TABLE IF EXISTS status_cache;
CREATE TABLE status_cache (
    slug TEXT NOT NULL,
    lang TEXT NOT NULL,
    stat_key TEXT NOT NULL,
    total INTEGER NOT NULL,
    unreviewed INTEGER NOT NULL,
    rev TEXT NOT NULL,
    in_sync INTEGER NOT NULL,
    po_sha256 TEXT NOT NULL,
    po_mtime REAL NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (slug, lang)
);
CREATE TABLE IF NOT EXISTS snapshots (
    slug TEXT NOT NULL,
    lang TEXT NOT NULL,
    rev TEXT NOT NULL,
    units TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (slug, lang, rev)
);
"""

# Version 3: translators and editors talk per segment (comments, and the editor's note when
# a segment is sent back), and a translator may dismiss a QA warning. Both are keyed by the
# segment's English (its hash) as well as its id, so after the English is re-segmented a
# comment or a dismissal never lands on another sentence; a dismissal also names the hash
# of the exact text it was made on, so changing the text brings the warning back.
MIGRATION_V3 = """
CREATE TABLE IF NOT EXISTS segment_comments (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL,
    lang TEXT NOT NULL,
    ctx TEXT NOT NULL,
    english_sha TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    role TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS segment_comments_key ON segment_comments(slug, lang, english_sha);
CREATE TABLE IF NOT EXISTS qa_dismissals (
    slug TEXT NOT NULL,
    lang TEXT NOT NULL,
    ctx TEXT NOT NULL,
    english_sha TEXT NOT NULL,
    text_sha TEXT NOT NULL,
    check_name TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (slug, lang, english_sha, text_sha, check_name)
);
"""

# Version 4 (issue 14, finding work): the queue searches the English of its articles
# (article_text, filled with the title cache) and sorts by the model's lowest score of a
# translation's machine drafts (status_cache.min_score). Both caches are emptied so that
# the next refresh fills the new columns.
MIGRATION_V4 = """
ALTER TABLE status_cache ADD COLUMN min_score REAL;
CREATE TABLE IF NOT EXISTS article_text (
    slug TEXT PRIMARY KEY,
    text TEXT NOT NULL
);
DELETE FROM status_cache;
DELETE FROM title_cache;
"""

# Version 5: QA warnings remembered by the hash of what they were computed from (checks'
# code, language, glossary, English, text), so a restarted app does not check a
# 20,000-segment article again before showing it (azad.review.qa_results).
MIGRATION_V5 = """
CREATE TABLE IF NOT EXISTS qa_results (
    id INTEGER PRIMARY KEY,
    key BLOB NOT NULL UNIQUE,
    warnings TEXT NOT NULL
);
"""

# Version 6: "snapshot" names one thing only (the queue's consistent read of a
# translation); the table of what editors' pages showed is named for what it holds.
MIGRATION_V6 = """
ALTER TABLE snapshots RENAME TO shown_content;
"""

# Version 7: threads (issue 24): a comment may answer another (``parent``: the thread's
# first comment), a thread is resolved or open, and a comment may be edited or deleted
# by its author; every edit, deletion, resolution and reopening is a row of
# ``comment_events`` (an edit keeps the text before it, a deletion the deleted text).
MIGRATION_V7 = """
ALTER TABLE segment_comments ADD COLUMN parent INTEGER REFERENCES segment_comments(id);
ALTER TABLE segment_comments ADD COLUMN edited_at TEXT;
ALTER TABLE segment_comments ADD COLUMN deleted_at TEXT;
ALTER TABLE segment_comments ADD COLUMN resolved_at TEXT;
ALTER TABLE segment_comments ADD COLUMN resolved_by TEXT;
CREATE TABLE IF NOT EXISTS comment_events (
    id INTEGER PRIMARY KEY,
    comment_id INTEGER NOT NULL REFERENCES segment_comments(id),
    slug TEXT NOT NULL,
    lang TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    action TEXT NOT NULL,
    old_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS comment_events_comment ON comment_events(comment_id);
"""

# Version 8 (issue 25, working together): people have an e-mail address and display
# names, one per script (``Latn``; ``Arab`` for the Dari and Pashto editions); every change
# of the glossary is in its history (who, when, the entry before and after); notifications
# live in an in-app inbox and an e-mail outbox (retried with backoff by a background
# sender), each person choosing per event and channel which they get.
MIGRATION_V8 = """
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
CREATE TABLE IF NOT EXISTS display_names (
    name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    script TEXT NOT NULL,
    display TEXT NOT NULL,
    PRIMARY KEY (name, script)
);
CREATE TABLE IF NOT EXISTS glossary_history (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    action TEXT NOT NULL,
    english TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notifications (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    event TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    slug TEXT NOT NULL,
    lang TEXT NOT NULL,
    ctx TEXT NOT NULL,
    text TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX IF NOT EXISTS notifications_recipient ON notifications(recipient, read_at, id);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL,
    sent TEXT,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(sent, next_try);
CREATE TABLE IF NOT EXISTS notify_prefs (
    name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    event TEXT NOT NULL,
    channel TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    PRIMARY KEY (name, event, channel)
);
"""

# Version 9: the translation memory holds rows only of translations whose cached status
# row says they are approved (azad.review.index._in_memory relies on it, so that a save
# need not search the whole memory for rows to delete). Version 4 emptied the status
# cache without the memory: rows it left behind go now, and come back from the files
# at the next refresh if their translation is still approved.
MIGRATION_V9 = """
DELETE FROM tm WHERE NOT EXISTS (
    SELECT 1 FROM status_cache s WHERE s.slug = tm.slug AND s.lang = tm.lang
);
"""

MIGRATIONS: tuple[str, ...] = (
    SCHEMA_V1,
    MIGRATION_V2,
    MIGRATION_V3,
    MIGRATION_V4,
    MIGRATION_V5,
    MIGRATION_V6,
    MIGRATION_V7,
    MIGRATION_V8,
    MIGRATION_V9,
)
"""``MIGRATIONS[n]`` takes a database from version ``n`` to ``n + 1``."""
SCHEMA_VERSION = len(MIGRATIONS)

BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another (then: "database is locked")."""

_ready: set[Path] = set()
_write_locks: dict[Path, FairLock] = {}
"""Per database file: this process's queue of writers (see :func:`writing`)."""
_ready_lock = threading.Lock()


def db_path(ws: Workspace) -> Path:
    return ws.root / ws.settings.review.database


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _init(path: Path) -> None:
    with _ready_lock:
        if path in _ready and path.is_file():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = _connect(path)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                migrate(conn)
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            if disk_full(exc, path.parent):
                # Not a damaged database: a full disk (the write-ahead log cannot grow).
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path)) from None
            raise AzadError(f"{path}: not a usable review database ({exc})") from None
        _ready.add(path)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to :data:`SCHEMA_VERSION`; return the version it had.

    Each step runs with its version bump in one transaction (``BEGIN IMMEDIATE`` also
    keeps two processes from migrating at once). A database newer than this code is
    refused rather than written to."""
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if found > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"schema version {found} is newer than this Azad Press ({SCHEMA_VERSION})"
        )
    for version in range(found, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current == version:  # another process may have migrated meanwhile
                for statement in _statements(MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return found


def _statements(script: str) -> list[str]:
    # executescript() commits first; these must run inside the migration's transaction.
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s]


@contextlib.contextmanager
def writing(ws: Workspace) -> Iterator[sqlite3.Connection]:
    """A connection in a write transaction (``BEGIN IMMEDIATE``), committed at the end,
    rolled back on an error. The threads of this process queue for it in arrival order
    (:class:`azad.locks.FairLock`): SQLite's own busy handler lets a waiter sleep up to
    100 ms at a time, however soon the writer before it is done, and under the review
    app's load (20 translators saving) that sleeping, not the writing, made save p95 a
    second. Writers in other processes (the CLI, flows) still wait through the busy
    timeout."""
    path = db_path(ws)
    mine = _write_locks.get(path)
    if mine is None:
        with _ready_lock:
            mine = _write_locks.setdefault(path, FairLock())
    with connect(ws) as conn:
        if not mine.acquire(BUSY_TIMEOUT_S):
            raise sqlite3.OperationalError("database is locked")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        finally:
            mine.release()


@contextlib.contextmanager
def connect(ws: Workspace) -> Iterator[sqlite3.Connection]:
    """A connection to the workspace's review database (created on first use).

    Each thread keeps its last connection for its next use: opening one (and setting it
    up) was a third of a save's time in the review app, which makes several calls per
    request. A connection goes back only as it came: no transaction open (one left open
    is rolled back), and after no error; it is opened again when the database file was
    replaced (a restore) or in a forked child."""
    path = db_path(ws)
    ident = _file_identity(path)
    if ident is None or path not in _ready:  # (a set's membership needs no lock)
        _init(path)
        ident = _file_identity(path)
    kept: _Kept | None = getattr(_kept, "conn", None)
    _kept.conn = None
    if kept is not None and kept.fits(path, ident):
        conn = kept.take()
    else:
        if kept is not None:
            kept.retire()
        conn = _connect(path)
    mine = _Kept(path, ident, conn)
    try:
        yield conn
    except BaseException:
        mine.retire()
        raise
    if conn.in_transaction:
        conn.rollback()
    if getattr(_kept, "conn", None) is None:
        _kept.conn = mine
    else:  # a use nested in another: the inner one's connection is kept already
        mine.retire()


class _Kept:
    """A thread's connection between two uses, and what it was opened on. (Closing one
    whose file was deleted or replaced since is safe: SQLite sees that the file moved
    and neither checkpoints nor deletes the write-ahead log that now has its name.)"""

    def __init__(self, path: Path, ident: tuple[int, int] | None, conn: sqlite3.Connection):
        self.pid = os.getpid()
        self.path = path
        self.ident = ident
        self.conn: sqlite3.Connection | None = conn

    def fits(self, path: Path, ident: tuple[int, int] | None) -> bool:
        return self.conn is not None and (self.pid, self.path, self.ident) == (
            os.getpid(),
            path,
            ident,
        )

    def take(self) -> sqlite3.Connection:
        conn, self.conn = self.conn, None
        assert conn is not None
        return conn

    def retire(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        if self.pid == os.getpid():
            conn.close()
        else:  # inherited by a forked child: the parent's, never touched here
            _inherited.append(conn)

    def __del__(self) -> None:  # the thread ended
        with contextlib.suppress(Exception):  # (at interpreter exit, modules may be gone)
            self.retire()


_kept = threading.local()
_inherited: list[sqlite3.Connection] = []
"""Connections a forked child inherited (closing one could release the parent's locks
on the database): kept unused until the child exits."""


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)
