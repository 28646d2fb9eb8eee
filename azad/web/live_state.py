"""What the live pages follow (:mod:`.live`): cheap stamps that say *whether* something
changed, and the state of one translation that says *what* the editor page shows of it.

Stamps are the ``stat`` of each translation's PO file, review record and English article
(every writer of the queue replaces files by renaming, and a CAT tool writing in place
changes the modification time), and, from the review database, each translation's count
and last id of comments and thread events and its dismissed warnings, read again only
when SQLite's ``PRAGMA data_version`` says another connection committed. So a change by
the web app, the command line, a flow or a CAT-tool import is seen alike, and a quiet
second costs a few thousand ``stat`` calls and one pragma.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cachetools import LRUCache

from azad.db.connection import connect
from azad.db.users import display_names
from azad.glossary import load_glossary
from azad.queue.status import status_of
from azad.queue.store import Queue, stat_key
from azad.queue.units import Unit
from azad.review import worklist
from azad.review.diff import diff_tokens
from azad.review.dismissals import dismissals, split
from azad.review.edits import last_change
from azad.review.qa import QAWarning
from azad.review.qa_results import glossary_version, warnings_for
from azad.review.talk import open_questions, threads
from azad.review.threads import Comment
from azad.web.editor_work import _warnings
from azad.web.templating import comment_json, when_text
from azad.workspace import Workspace, is_valid_slug

Key = tuple[str, str]
"""(slug, language key)"""


_paths: LRUCache[tuple[Path, str, str], tuple[str, str, str]] = LRUCache(maxsize=100_000)


def _paths_of(ws: Workspace, queue: Queue, slug: str, lang: str) -> tuple[str, str, str]:
    """The PO file, record and article of a translation as strings, from the queue (the
    one owner of those paths), remembered: building them with pathlib cost ten times
    the ``stat`` calls themselves."""
    key = (ws.root, slug, lang)
    found = _paths.get(key)
    if found is None:
        found = _paths[key] = (
            str(queue.po_path(slug, lang)),
            str(queue.record_path(slug, lang)),
            str(queue.source_path(slug)),
        )
    return found


def file_stamps(ws: Workspace, wanted: set[Key] | None) -> dict[Key, str]:
    """(slug, language) → the stat keys of its PO file, record and article; every
    translation of the queue when ``wanted`` is None."""
    queue = Queue(ws)
    if wanted is None:
        try:
            with os.scandir(ws.translations_dir) as it:
                slugs = [e.name for e in it if e.is_dir() and is_valid_slug(e.name)]
        except FileNotFoundError:
            slugs = []
        wanted = {(s, lang) for s in slugs for lang in ws.settings.languages}
    out: dict[Key, str] = {}
    sources: dict[str, str | None] = {}
    for slug, lang in wanted:
        po_path, record_path, source_path = _paths_of(ws, queue, slug, lang)
        po = stat_key(po_path)
        if po is None:
            continue
        if slug not in sources:
            sources[slug] = stat_key(source_path)
        out[(slug, lang)] = f"{po}|{stat_key(record_path)}|{sources[slug]}"
    return out


class TalkStamps:
    """Per translation, a stamp of its comments, thread events and dismissals; the
    database is queried again only after another connection committed."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._stamps: dict[Key, str] = {}

    def read(self) -> dict[Key, str]:
        if self._conn is None:
            with connect(self.ws):  # created and migrated on first use
                pass
            self._conn = sqlite3.connect(
                self.ws.root / self.ws.settings.review.database,
                timeout=5,
                check_same_thread=False,  # one tick at a time, from worker threads
            )
        version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        if version == self._version:
            return self._stamps
        stamps: dict[Key, str] = {}
        for sql in (
            "SELECT slug, lang, count(*), max(id) FROM segment_comments GROUP BY slug, lang",
            "SELECT slug, lang, count(*), max(id) FROM comment_events GROUP BY slug, lang",
            "SELECT slug, lang, count(*), max(at) FROM qa_dismissals GROUP BY slug, lang",
        ):
            for slug, lang, n, last in self._conn.execute(sql):
                stamps[(slug, lang)] = stamps.get((slug, lang), "") + f"{n}:{last};"
        self._version, self._stamps = version, stamps
        return stamps

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


@dataclass
class SegmentState:
    rev: str
    text: str
    state: str
    warnings: list[str]
    checks: list[str]
    comments: list[dict[str, Any]]
    unchanged: bool
    """Reviewed as the machine drafted it (the "unchanged from the machine" marker)."""
    diff_bases: dict[str, str] = field(default_factory=dict)
    """What the "Show what changed" rows compare the text with (:func:`worklist.
    diff_bases`); the word diffs are made only for the segments sent (:meth:`to_json`),
    not for every segment of a long article at every change."""

    def to_json(self, ctx: str) -> dict[str, Any]:
        return {
            "ctx": ctx,
            "rev": self.rev,
            "text": self.text,
            "state": self.state,
            "reviewed": self.state == "reviewed",
            "warnings": self.warnings,
            "checks": self.checks,
            "comments": self.comments,
            "unchanged": self.unchanged,
            "diffs": {
                kind: [t.to_json() for t in diff_tokens(base, self.text)]
                for kind, base in self.diff_bases.items()
            },
        }


@dataclass
class TranslationState:
    """What the editor page shows of a translation beyond one segment: status, counts,
    the QA summary and filter counts, open questions, and every segment's state."""

    slug: str
    lang: str
    summary: dict[str, Any]
    segments: dict[str, SegmentState] = field(default_factory=dict)
    _inputs: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    _parts: dict[str, _Part] = field(default_factory=dict, compare=False, repr=False)

    def changed_segments(
        self, ws: Workspace, before: TranslationState | None
    ) -> list[dict[str, Any]]:
        """The segments that differ from ``before``; a changed text says who saved it
        last and when (the change log), for the conflict panel of a page editing it. A
        segment's thread is sent only when it changed: the page draws a thread it is sent
        anew, and a button someone is pressing in it (resolve, reply) would go with it."""
        old = before.segments if before else {}
        code = ws.settings.languages[self.lang].code
        out = []
        for ctx, seg in self.segments.items():
            was = old.get(ctx)
            if was is seg or was == seg:  # (kept from the last look: the same object)
                continue
            data = seg.to_json(ctx)
            if was is not None and was.comments == seg.comments:
                del data["comments"]
            if was is None or was.rev != seg.rev:
                last = last_change(ws, self.slug, self.lang, ctx)
                data.update(
                    by=last.by if last else None,
                    at=last.at if last else None,
                    at_shown=when_text(last.at, code) if last else None,
                )
            out.append(data)
        return out


def translation_state(
    ws: Workspace, slug: str, lang: str, before: TranslationState | None = None
) -> TranslationState:
    """The translation's state now. With ``before`` (its state at the watcher's last
    look), a segment whose unit is the same object as then (a save replaces one unit of
    the parsed file and keeps the others), with the same thread, under the same glossary,
    dismissals, approval and display names, keeps its warnings, view and state from then:
    a save of one segment of a 20,000-segment article no longer checks and builds every
    segment again (~100 ms of the server's time at each save, taken from the next save)."""
    snap = Queue(ws).snapshot(slug, lang)
    current = status_of(snap)
    code = ws.settings.languages[lang].code
    units = snap.file.live
    approved = worklist.approved_content(ws, slug, lang, snap.record)
    found, talk = dismissals(ws, slug, lang), threads(ws, slug, lang, units)
    names = display_names(ws)
    glossary_key = glossary_version(ws.glossary_path)
    inputs = (code, glossary_key, found, approved, names)
    old = before._parts if before is not None and before._inputs == inputs else {}
    fresh = [u for u in units if (p := old.get(u.ctx)) is None or p.unit is not u]
    checked: dict[str, tuple[QAWarning, ...]] = {}
    if fresh:
        glossary = load_glossary(ws.glossary_path)
        # Every unit: the file's warnings as the editor page has them (remembered per
        # version of the file); else only the new units'.
        got = (
            _warnings(ws, snap, code, glossary)
            if len(fresh) == len(units)
            else warnings_for(ws, fresh, code, glossary, glossary_key)
        )
        checked = dict(zip((u.ctx for u in fresh), got, strict=True))
    views = []
    segments: dict[str, SegmentState] = {}
    parts: dict[str, _Part] = {}
    for u in units:
        thread = talk.get(u.ctx, [])
        part = old.get(u.ctx)
        if part is None or part.unit is not u or part.thread != thread:
            w = checked[u.ctx] if part is None or part.unit is not u else part.warnings
            active = list(w)
            if found:
                active, _ = split(u, w, found)
            view = worklist.view_of(u, active, thread, approved)
            part = _Part(
                u,
                w,
                thread,
                view,
                SegmentState(
                    u.rev,
                    u.text,
                    u.state,
                    [x.message for x in active],
                    [x.kind for x in active],
                    [comment_json(c, code, names) for c in thread],
                    worklist.unchanged_from_machine(u),
                    worklist.diff_bases(view, approved),
                ),
            )
        parts[u.ctx] = part
        views.append(part.view)
        segments[u.ctx] = part.state
    summary = {
        "slug": slug,
        "lang": lang,
        "status": current.status,
        "claimed_by": current.claimed_by,
        "reviewed": current.reviewed,
        "total": current.total,
        "content_rev": current.rev,
        **_counts(views, parts, old, before),
        "open_questions": open_questions(talk),
    }
    state = TranslationState(slug, lang, summary, segments)
    state._inputs, state._parts = inputs, parts
    return state


def _counts(
    views: list[worklist.SegmentView],
    parts: dict[str, _Part],
    old: dict[str, _Part],
    before: TranslationState | None,
) -> dict[str, dict[str, int]]:
    """The QA summary and filter counts: those of ``before`` with the segments built
    again taken out and put back as they are now, when few were (counting 20,000 views
    through every filter took ~25 ms at each look); else counted afresh."""
    gone = [p.view for ctx, p in old.items() if parts.get(ctx) is not p]
    new = [p.view for ctx, p in parts.items() if old.get(ctx) is not p]
    if before is None or not old or len(gone) + len(new) > len(views) // 4:
        return {
            "qa": worklist.check_counts(views),
            "filters": {f.name: n for f, n in worklist.filter_counts(views)},
        }
    qa = dict(before.summary["qa"])
    for sign, some in ((-1, gone), (1, new)):
        for kind, n in worklist.check_counts(some).items():
            qa[kind] = qa.get(kind, 0) + sign * n
    filters = dict(before.summary["filters"])
    for (f, n_gone), (_, n_new) in zip(
        worklist.filter_counts(gone), worklist.filter_counts(new), strict=True
    ):
        filters[f.name] += n_new - n_gone
    return {"qa": dict(sorted((k, n) for k, n in qa.items() if n)), "filters": filters}


@dataclass
class _Part:
    """What one segment's state was built from, and what was built (for the next look)."""

    unit: Unit
    warnings: tuple[QAWarning, ...]
    thread: list[Comment]
    view: worklist.SegmentView
    state: SegmentState
