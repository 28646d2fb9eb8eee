"""The review queue's files: where each lives, who may write it when, and how.

``translations/<slug>/`` holds the article (``source.json``, ``history/``, see
:mod:`azad.queue.articles`), one PO file per language (``<lang>.po``) and the editor's
record beside it (``<lang>.review.json``). Every reader and writer of these files goes
through :class:`Queue`: it builds the paths, holds the per-file lock (one writer at a
time across threads and processes), parses with the one parser and writes atomically,
and only when the bytes change.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cachetools import LRUCache, cached
from pydantic import ValidationError

from azad.errors import AzadError, InputError
from azad.fsutil import atomic_write_bytes, stat_key
from azad.locks import held
from azad.model import Article
from azad.queue.articles import SOURCE_FILE, ArticleStore
from azad.queue.parsed import ParsedFiles
from azad.queue.pofile import render_po, round_trips
from azad.queue.record import ReviewRecord
from azad.queue.units import TranslationFile, Unit, content_rev
from azad.workspace import Workspace

LOCK_TIMEOUT_S = 30
GATE_FILE = ".queue-gate.lock"


class NotFound(AzadError):
    """No such article, language file or segment (HTTP 404)."""


FileStamp = tuple[int, int, int] | None
"""A file's inode, modification time (ns) and size: every write here replaces the file (a
new inode), and a CAT tool writing in place changes its mtime or size."""


def file_stamp(path: Path) -> FileStamp:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class Snapshot:
    """One article × language as read together under its lock (``file`` is what its
    bytes parse to: nothing changes it)."""

    slug: str
    lang_key: str
    file: TranslationFile
    file_sha: str
    """SHA-256 of the PO file's bytes (what was read, exactly)."""
    record: ReviewRecord
    article: Article
    article_sha: str
    """SHA-256 of the stored article (``source.json``)."""
    data: bytes = field(default=b"", repr=False, compare=False)
    """The PO file's bytes as read (a writer compares what it renders with them)."""

    @property
    def rev(self) -> str:
        return self.derived.rev

    @property
    def in_sync(self) -> bool:
        return self.derived.in_sync

    @property
    def derived(self) -> Derived:
        """What the status needs of the file as read, remembered by the two hashes that
        decide it (the same bytes parse to the same units): a page of a 20,000-segment
        translation would otherwise hash and compare every unit on every view (~50 ms)."""
        return _derive(self)


@dataclass(frozen=True)
class Derived:
    rev: str
    in_sync: bool
    total: int
    unreviewed: tuple[str, ...]
    """Ids of the live units not reviewed (drafts, empty), in file order."""
    min_score: float | None = None
    """The model's lowest score among the untouched machine drafts (None: no scored
    draft): the queue's "least confident first"."""
    min_count: int = 0
    """How many untouched machine drafts have that score (a save that edits one of them
    need not look at every unit again unless it was the last)."""


_CACHED_FILES = 64
"""Articles (and their units and derived statuses, four per file) kept in this process."""


_DERIVED: LRUCache[tuple[str, str], Derived] = LRUCache(maxsize=4 * _CACHED_FILES)
_DERIVED_LOCK = threading.Lock()


@cached(_DERIVED, key=lambda snap: (snap.file_sha, snap.article_sha), lock=_DERIVED_LOCK)
def _derive(snap: Snapshot) -> Derived:
    live = snap.file.live
    least = least_confident(live)
    return Derived(
        rev=content_rev(snap.article_sha, live),
        in_sync=snap.file.in_sync(article_units(snap.article)),
        total=len(live),
        unreviewed=tuple(u.ctx for u in live if not u.reviewed),
        min_score=least[0],
        min_count=least[1],
    )


def least_confident(live: list[Unit]) -> tuple[float | None, int]:
    """The lowest score among the untouched machine drafts of ``live``, and how many
    have it (``(None, 0)``: no scored draft)."""
    scores = [
        u.provenance.score for u in live if u.is_machine_draft and u.provenance.score is not None
    ]
    if not scores:
        return None, 0
    low = min(scores)
    return low, scores.count(low)


def remember_derived(file_sha: str, article_sha: str, derived: Derived) -> None:
    """What a writer knows of the file it wrote (``file_sha``: the hash of its bytes), so
    that the next snapshot of it need not derive it again (a save of one segment of a
    20,000-segment translation would otherwise hash every unit twice)."""
    with _DERIVED_LOCK:  # the key is _derive's: (file_sha, article_sha)
        _DERIVED[(file_sha, article_sha)] = derived


class Queue:
    """The review queue of one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # ---- paths ---------------------------------------------------------------------
    def language_key(self, lang_key: str) -> str:
        if lang_key not in self.ws.settings.languages:
            configured = ", ".join(self.ws.settings.languages)
            raise InputError(lang_key, f"unknown language (configured: {configured})")
        return lang_key

    def po_path(self, slug: str, lang_key: str) -> Path:
        return self.ws.article_dir(slug) / f"{self.language_key(lang_key)}.po"

    def record_path(self, slug: str, lang_key: str) -> Path:
        return self.ws.article_dir(slug) / f"{self.language_key(lang_key)}.review.json"

    def source_path(self, slug: str) -> Path:
        return self.ws.article_dir(slug) / SOURCE_FILE

    def has(self, slug: str, lang_key: str) -> bool:
        return self.po_path(slug, lang_key).is_file()

    def require(self, slug: str, lang_key: str) -> Path:
        """The PO file of ``slug`` × ``lang_key``; :class:`NotFound` if there is none."""
        path = self.po_path(slug, lang_key)
        if not path.is_file():
            raise NotFound(f"{slug}: no {lang_key} translation")
        return path

    def pairs(self, slugs: list[str] | None = None) -> list[tuple[str, str]]:
        """(slug, language) of every translation file, article by article."""
        names = slugs if slugs is not None else ArticleStore(self.ws).slugs()
        return [(s, k) for s in names for k in self.ws.settings.languages if self.has(s, k)]

    @property
    def gate_path(self) -> Path:
        return self.ws.translations_dir / GATE_FILE

    @contextlib.contextmanager
    def locked(self, slug: str, lang_key: str, *, gate: bool = True) -> Iterator[None]:
        """Hold the translation's lock: the PO file and its record change together.
        ``gate=False`` only for the holder of :meth:`held_still`."""
        path = self.po_path(slug, lang_key)
        path.parent.mkdir(parents=True, exist_ok=True)
        if gate:
            # Through the gate first (taken and let go at once): a backup holds it while
            # it takes every translation's lock, which a stream of saves would starve.
            with held(self.gate_path, timeout=LOCK_TIMEOUT_S):
                pass
        with held(f"{path}.lock", timeout=LOCK_TIMEOUT_S):
            yield

    @contextlib.contextmanager
    def held_still(self) -> Iterator[None]:
        """Hold the gate: no new holder of a translation's lock until this ends (the
        caller then takes every lock it needs, waiting only for the current holders)."""
        self.ws.translations_dir.mkdir(parents=True, exist_ok=True)
        with held(self.gate_path, timeout=LOCK_TIMEOUT_S):
            yield

    # ---- reading ---------------------------------------------------------------------
    def read(self, slug: str, lang_key: str) -> TranslationFile:
        return self.read_bytes(slug, lang_key)[1]

    def read_bytes(self, slug: str, lang_key: str) -> tuple[bytes, TranslationFile]:
        path = self.require(slug, lang_key)
        data = path.read_bytes()
        return data, _parsed.get(data, path, self.ws.cache_dir)

    def read_optional(self, slug: str, lang_key: str) -> TranslationFile | None:
        path = self.po_path(slug, lang_key)
        if not path.is_file():
            return None
        return _parsed.get(path.read_bytes(), path, self.ws.cache_dir)

    def fingerprint(self, slug: str, lang_key: str) -> str:
        """SHA-256 of the PO file's bytes, or ``none`` when there is no file yet."""
        path = self.po_path(slug, lang_key)
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            return "none"

    def stamp(self, slug: str, lang_key: str) -> FileStamp:
        return file_stamp(self.po_path(slug, lang_key))

    def load_record(self, slug: str, lang_key: str) -> ReviewRecord:
        path = self.record_path(slug, lang_key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return ReviewRecord()
        try:
            return ReviewRecord.model_validate_json(data)
        except ValidationError as exc:
            raise InputError(path, f"damaged review record: {exc.errors()[0]['msg']}") from None

    def article(self, slug: str) -> tuple[Article, str]:
        """The stored article and the SHA-256 of its ``source.json``."""
        path = self.source_path(slug)
        # Known by the file's identity and version: a 20,000-segment article is 5 MB,
        # and reading and hashing it again was a tenth of each save's time. Every write of
        # source.json replaces the file (ArticleStore.save writes atomically: a new inode);
        # the key is taken before the read, so a file changed meanwhile is read again.
        key = stat_key(str(path))
        if key is None:
            raise NotFound(f"{slug}: no such article (see 'azad articles')")
        with _articles_lock:
            found = _articles.get(key)
        if found is not None:
            return found
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"{slug}: no such article (see 'azad articles')") from None
        sha = hashlib.sha256(data).hexdigest()
        found = (_parse_article(sha, data, path), sha)
        with _articles_lock:
            _articles[key] = found
        return found

    def snapshot(self, slug: str, lang_key: str) -> Snapshot:
        """The translation, its record and its article as they are now (take the lock
        around it when the answer decides a write)."""
        path = self.require(slug, lang_key)
        data = path.read_bytes()
        digest = _digest_of(path, data)  # once: the parse cache and the status both use it
        tf = _parsed.get(data, path, self.ws.cache_dir, digest=digest)
        article, article_sha = self.article(slug)
        return Snapshot(
            slug=slug,
            lang_key=lang_key,
            file=tf,
            file_sha=digest.hex(),
            record=self.load_record(slug, lang_key),
            article=article,
            article_sha=article_sha,
            data=data,
        )

    # ---- writing ---------------------------------------------------------------------
    def write(
        self, slug: str, lang_key: str, tf: TranslationFile, *, read: bytes | None = None
    ) -> bool:
        """Write ``tf`` atomically (the caller holds the lock); False, and nothing written,
        when the file already holds exactly these bytes. ``read``: the file's bytes as the
        caller read them under the same lock (compared instead of reading them again)."""
        return self.write_hashed(slug, lang_key, tf, read=read) is not None

    def write_hashed(
        self, slug: str, lang_key: str, tf: TranslationFile, *, read: bytes | None = None
    ) -> str | None:
        """:meth:`write`, answering the SHA-256 of the bytes written (None: unchanged,
        nothing written)."""
        path = self.po_path(slug, lang_key)
        data = render_po(tf)
        if read is None:
            with contextlib.suppress(FileNotFoundError):
                read = path.read_bytes()
        if read == data:
            return None
        atomic_write_bytes(path, data)
        digest = hashlib.sha256(data)
        _remember_written(path, data, digest.digest())
        if round_trips(tf):  # then tf is what parsing these bytes would give
            # The next read need not parse them.
            _parsed.put(data, tf, path, self.ws.cache_dir, digest=digest.digest())
        return digest.hexdigest()

    def save_record(self, slug: str, lang_key: str, record: ReviewRecord) -> bool:
        """Write the record atomically (the caller holds the lock), only if it changed."""
        path = self.record_path(slug, lang_key)
        data = (record.model_dump_json(indent=2) + "\n").encode("utf-8")
        with contextlib.suppress(FileNotFoundError):
            if path.read_bytes() == data:
                return False
        atomic_write_bytes(path, data)
        return True


_parsed = ParsedFiles()

# The bytes this process last wrote to each large PO file, and their SHA-256: a read that
# finds exactly these bytes (compared, all of them) needs no hash of its own. Hashing a
# 20,000-segment file's 6.4 MB took 4 ms of every save of it, and of every look at it.
_WRITTEN_MIN_BYTES = 256 * 1024
_written: LRUCache[str, tuple[bytes, bytes]] = LRUCache(maxsize=8)
_written_lock = threading.Lock()


def _remember_written(path: Path, data: bytes, digest: bytes) -> None:
    if len(data) >= _WRITTEN_MIN_BYTES:
        with _written_lock:
            _written[str(path)] = (data, digest)


def _digest_of(path: Path, data: bytes) -> bytes:
    """SHA-256 of ``data``, the bytes just read from ``path``."""
    if len(data) >= _WRITTEN_MIN_BYTES:
        with _written_lock:
            found = _written.get(str(path))
        if found is not None and found[0] == data:
            return found[1]
    return hashlib.sha256(data).digest()


# Stored articles (and the SHA-256 of their source.json) by the file's stat key.
_articles: LRUCache[str, tuple[Article, str]] = LRUCache(maxsize=_CACHED_FILES)
_articles_lock = threading.Lock()


def flush_caches() -> None:
    """Write the disk copies of parsed files that are waiting for their file to be quiet
    (a process writes them at exit anyway; benches call this before starting a server)."""
    _parsed.flush()


# Stored articles by the SHA-256 of source.json (parsing a 20,000-segment one takes
# ~0.3 s). Shared, so read-only: nothing in the project changes an Article it read. A
# damaged file raises, and nothing is remembered for it.
@cached(LRUCache(maxsize=_CACHED_FILES), key=lambda sha, data, path: sha, lock=threading.Lock())
def _parse_article(sha: str, data: bytes, path: Path) -> Article:
    try:
        return Article.from_json(data)
    except ValidationError as exc:
        raise InputError(path, f"damaged article file: {exc.errors()[0]['msg']}") from None


# By the article object's id, with the object itself kept beside its units: while the
# entry lives the id cannot be reused by another object, and the identity check below
# makes a stale id harmless anyway.
_units_of: LRUCache[int, tuple[Article, list[tuple[str, str]]]] = LRUCache(
    maxsize=4 * _CACHED_FILES
)
_units_lock = threading.Lock()


def article_units(article: Article) -> list[tuple[str, str]]:
    """``article.units()``, remembered per (cached, read-only) article object."""
    with _units_lock:
        found = _units_of.get(id(article))
    if found is not None and found[0] is article:
        return found[1]
    units = article.units()
    with _units_lock:
        _units_of[id(article)] = (article, units)
    return units


_EXCHANGE_NAME = re.compile(r"([a-z0-9-]+)/([A-Za-z0-9_-]+)\.po")


def exchange_name(slug: str, lang_key: str) -> str:
    """How an exported file names the translation it came from (XLIFF ``original``)."""
    return f"{slug}/{lang_key}.po"


def parse_exchange_name(name: str) -> tuple[str, str] | None:
    """(slug, language key) of an :func:`exchange_name`, or None."""
    m = _EXCHANGE_NAME.fullmatch(name)
    return (m.group(1), m.group(2)) if m else None
