"""Exact translation-memory matches for machine drafting: the approved segments of one
language, by their English.

Translation runs (:mod:`azad.translate`) look each new or changed sentence up here before
the model is asked; a sentence an editor has approved elsewhere becomes the draft (still
a draft: a translator confirms it in its new context). Built once per run: every
article's record is ``stat``-ed, and only translations that are approved or published now
are read, each parsed once per process while its PO file, record and article stay the
same (a cache keyed by their inode, mtime and size, as the review app's status cache is).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from azad.errors import AzadError
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


# (translations dir, slug, lang) → (stat keys, hits of that translation)
_cache: dict[tuple[str, str, str], tuple[str, list[MemoryHit]]] = {}
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
