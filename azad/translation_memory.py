"""The translation memory: the approved and published segments of every article, for
the translator (exact matches, :func:`approved_memory`) and the review app (fuzzy
matches, :func:`lookup`; TMX export, :func:`export_tmx`).

Exact: translation runs (:mod:`azad.services.translate`) look each new or changed sentence
up before the model is asked; a sentence an editor has approved elsewhere becomes the draft
(still a draft: a translator confirms it in its new context). Built once per run: every
article's record is ``stat``-ed, and only translations that are approved or published now
are read, each parsed once per process while its PO file, record and article stay the
same (a cache keyed by their inode, mtime and size, as the review app's status cache is).

Fuzzy: the rows are kept by the queue's cache refresh (:mod:`azad.review.index`) in an
SQLite FTS5 table, so a lookup asks the full-text index for a few candidates sharing words
with the English and scores only those (difflib ratio), instead of comparing against every
approved sentence. Callers refresh that cache first when they need the newest approvals.
TMX export goes through translate-toolkit.
"""

from __future__ import annotations

import difflib
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from cachetools import LRUCache
from translate.storage.tmx import tmxfile

from azad.db.connection import connect
from azad.errors import AzadError
from azad.fsutil import atomic_write_bytes
from azad.queue.status import counts_of, derive
from azad.queue.store import Queue, stat_key
from azad.workspace import Workspace, is_valid_slug


@dataclass(frozen=True)
class MemoryHit:
    """An approved translation of one English sentence."""

    english: str
    text: str
    slug: str
    lang_key: str
    ctx: str
    approved_at: str
    """ISO time of the approval (or publication) it comes from: the newest one wins."""

    @property
    def ref(self) -> str:
        """``slug/lang#ctx``: what a unit's provenance names as its source."""
        return f"{self.slug}/{self.lang_key}#{self.ctx}"


@dataclass(frozen=True)
class ApprovedMemory:
    """English sentence → its newest approved translation, for one language."""

    lang_key: str
    exact: dict[str, MemoryHit]

    def get(self, english: str) -> MemoryHit | None:
        return self.exact.get(english)

    def __len__(self) -> int:
        return len(self.exact)


# (translations dir, slug, lang) → (the stat keys of its files, its hits).
_cache: LRUCache[tuple[str, str, str], tuple[str, list[MemoryHit]]] = LRUCache(maxsize=4096)
_cache_lock = threading.Lock()


def approved_memory(ws: Workspace, lang_key: str) -> ApprovedMemory:
    """The approved segments of ``lang_key`` across the workspace's articles."""
    queue = Queue(ws)
    root = str(ws.translations_dir)
    try:
        with os.scandir(root) as it:
            slugs = sorted(e.name for e in it if e.is_dir() and is_valid_slug(e.name))
    except FileNotFoundError:
        slugs = []
    exact: dict[str, MemoryHit] = {}
    for slug in slugs:
        record_key = stat_key(str(queue.record_path(slug, lang_key)))
        if record_key is None:
            continue  # never approved: no record yet
        key = "|".join(
            (
                record_key,
                stat_key(str(queue.po_path(slug, lang_key))) or "",
                stat_key(str(queue.source_path(slug))) or "",
            )
        )
        cache_key = (root, slug, lang_key)
        with _cache_lock:
            cached = _cache.get(cache_key)
        if cached is None or cached[0] != key:
            cached = (key, _hits(queue, slug, lang_key))
            with _cache_lock:
                _cache[cache_key] = cached
        for hit in cached[1]:
            known = exact.get(hit.english)
            if known is None or hit.approved_at > known.approved_at:
                exact[hit.english] = hit
    return ApprovedMemory(lang_key, exact)


def _hits(queue: Queue, slug: str, lang_key: str) -> list[MemoryHit]:
    """The reviewed units of this translation if it is approved or published as it is
    now; nothing otherwise (a translation changed since its approval is not memory)."""
    try:
        snap = queue.snapshot(slug, lang_key)
    except (AzadError, OSError):
        return []  # unreadable: the queue shows the problem; memory does without it
    status = derive(counts_of(snap), snap.record)
    stamp = snap.record.published if status == "published" else snap.record.approved
    if status not in ("approved", "published") or stamp is None:
        return []
    at = stamp.at.isoformat()
    return [
        MemoryHit(u.english, u.text, slug, lang_key, u.ctx, at)
        for u in snap.file.live
        if u.reviewed and u.text
    ]


# ---- fuzzy matches and TMX (the review app) --------------------------------------------

_WORD = re.compile(r"\w{2,}")
_CANDIDATES = 30


@dataclass(frozen=True)
class TMMatch:
    source: str
    target: str
    score: float
    """1.0 for the same English; otherwise difflib's similarity ratio."""
    slug: str
    ctx: str

    @property
    def exact(self) -> bool:
        return self.score >= 1.0

    @property
    def percent(self) -> int:
        return int(self.score * 100)


def lookup(
    ws: Workspace,
    english: list[str],
    lang_key: str,
    *,
    exclude_slug: str,
    limit: int = 3,
) -> list[list[TMMatch]]:
    """Best matches for each English sentence among other articles' approved segments.

    The caller refreshes the cache first if it needs the newest approvals (the editor
    page does, through the queue refresh)."""
    min_score = ws.settings.review.tm_min_similarity
    out: list[list[TMMatch]] = []
    with connect(ws) as conn:
        for sentence in english:
            words = list(dict.fromkeys(w.lower() for w in _WORD.findall(sentence)))
            if not words:
                out.append([])
                continue
            query = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
            rows = conn.execute(
                "SELECT slug, ctx, source, target FROM tm WHERE tm MATCH ? AND lang = ? "
                "AND slug != ? ORDER BY rank LIMIT ?",
                (f"source: ({query})", lang_key, exclude_slug, _CANDIDATES),
            ).fetchall()
            found: dict[tuple[str, str], TMMatch] = {}
            for slug, ctx, source, target in rows:
                score = (
                    1.0
                    if source == sentence
                    else difflib.SequenceMatcher(None, source, sentence).ratio()
                )
                if score >= min_score and (source, target) not in found:
                    found[(source, target)] = TMMatch(source, target, score, slug, ctx)
            out.append(sorted(found.values(), key=lambda m: -m.score)[:limit])
    return out


def export_tmx(ws: Workspace, dest: Path, lang_keys: list[str]) -> int:
    """Write the approved segments of ``lang_keys`` as TMX (English source); return how
    many translation units were written. The caller refreshes the queue's cache first."""
    store = tmxfile(sourcelanguage="en")
    seen: set[tuple[str, str, str]] = set()
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT lang, source, target FROM tm ORDER BY slug, lang, rowid"
        ).fetchall()
    codes = {key: ws.settings.languages[key].code for key in lang_keys}
    for lang, source, target in rows:
        if lang not in codes or not target or (lang, source, target) in seen:
            continue
        seen.add((lang, source, target))
        store.addtranslation(source, "en", target, codes[lang])
    atomic_write_bytes(dest, bytes(store))
    return len(seen)
