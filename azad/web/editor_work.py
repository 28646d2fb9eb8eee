"""The editor page's segments: filtered, sorted and paged from the URL's query
(:mod:`azad.review.worklist`), with glossary hits and translation-memory matches looked up
for the shown page only, so a 20,000-segment article costs a page of lookups."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator
from pathlib import Path

from cachetools import LRUCache, cached
from starlette.requests import Request

from azad.errors import InputError
from azad.glossary import Glossary, load_glossary
from azad.queue.store import Snapshot
from azad.review import worklist
from azad.review.chips import chips_for
from azad.review.dismissals import Dismissed, dismissals, split
from azad.review.edits import notes_of
from azad.review.qa import QAWarning
from azad.review.qa_results import glossary_version, warnings_for
from azad.review.talk import threads
from azad.review.worklist import SegmentView
from azad.translation_memory import lookup
from azad.web.pages import Paragraph, SegmentRow, WorkList
from azad.workspace import Workspace


@cached(LRUCache(maxsize=64), key=lambda snap: snap.article_sha, lock=threading.Lock())
def _kinds(snap: Snapshot) -> dict[str, str]:
    """Block id → what the block is (``paragraph``, ``h2``…), remembered by the stored
    article's hash."""
    blocks = snap.article.blocks
    kinds = {b.id: (b.kind if b.kind != "heading" else f"h{b.level or 2}") for b in blocks}
    kinds.update(title="h1", subtitle="h2")  # the renderer's ids for the title's entries
    return kinds


# By the workspace, the file's bytes and the glossary's: at most a few long articles are
# open at once, and each entry holds a warning list per unit.
_warnings_of: LRUCache[tuple[Path, str, str, str], list[tuple[QAWarning, ...]]] = LRUCache(
    maxsize=8
)
_warnings_lock = threading.Lock()


def _warnings(
    ws: Workspace, snap: Snapshot, lang_code: str, glossary: Glossary
) -> list[tuple[QAWarning, ...]]:
    """Every live unit's QA warnings (:mod:`azad.review.qa_results`), remembered for the
    file's bytes and the glossary's: the filter bar counts them on every view, and even
    looking 20,000 results up by their hash costs ~50 ms."""
    gkey = glossary_version(ws.glossary_path)
    key = (ws.root, snap.file_sha, lang_code, gkey)
    with _warnings_lock:
        found = _warnings_of.get(key)
    if found is None:
        found = warnings_for(ws, snap.file.live, lang_code, glossary, gkey)
        with _warnings_lock:
            _warnings_of[key] = found
    return found


def _page_number(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused: a page of a 20,000-segment article makes
    tens of thousands of small acyclic objects, and each automatic collection they set
    off walks every object of the process (the caches of parsed files included), which
    more than doubled the page's time. Nothing made here forms a cycle."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build(
    request: Request, ws: Workspace, snap: Snapshot
) -> tuple[list[Paragraph], WorkList, dict[str, int]]:
    """The shown page's paragraphs, the filter bar and the QA summary (over every segment
    of the translation, not only the shown page; warnings dismissed for exactly a
    segment's text are shown apart and counted nowhere)."""
    lang_key = snap.lang_key
    lang = ws.settings.languages[lang_key]
    units = snap.file.live
    glossary = load_glossary(ws.glossary_path)
    warnings = _warnings(ws, snap, lang.code, glossary)
    approved = worklist.approved_content(ws, snap.slug, lang_key, snap.record)
    found, talk = dismissals(ws, snap.slug, lang_key), threads(ws, snap.slug, lang_key, units)
    views: list[SegmentView] = []
    dismissed: dict[str, list[Dismissed]] = {}
    for u, w in zip(units, warnings, strict=True):
        active = list(w)
        if found:
            active, dismissed[u.ctx] = split(u, w, found)
        thread = talk.get(u.ctx, [])
        views.append(worklist.view_of(u, active, thread, approved))
    notice = []
    name = request.query_params.get("filter", "")
    try:
        chosen = worklist.find_filter(name)
    except InputError:
        chosen, name = None, ""
        notice.append("an unknown filter was ignored: showing all segments")
    sort = request.query_params.get("sort", "")
    if sort not in worklist.SORTS:
        sort = ""
        notice.append("an unknown sort was ignored: article order")
    q = request.query_params.get("q", "").strip()[: worklist.MAX_QUERY]
    found_q = worklist.search_filter(q)
    kept = [
        v for v in views if (chosen is None or chosen.keep(v)) and (found_q is None or found_q(v))
    ]
    page = worklist.page_of(worklist.sort_views(kept, sort), _page_number(request))

    shown = page.views
    matches = lookup(ws, [v.unit.english for v in shown], lang_key, exclude_slug=snap.slug)
    kinds = _kinds(snap)
    paragraphs: list[Paragraph] = []
    for view, tm in zip(shown, matches, strict=True):
        seg = view.unit
        hits = [
            (m.matched, m.entry.target(lang.code) or "")
            for m in glossary.find(seg.english, lang.code)
        ]
        block_id = seg.ctx.split(".", 1)[0]
        if not paragraphs or paragraphs[-1].block_id != block_id:
            paragraphs.append(Paragraph(block_id, kinds.get(block_id, "paragraph"), []))
        paragraphs[-1].rows.append(
            SegmentRow(
                seg,
                list(view.warnings),
                hits,
                tm,
                notes_of(seg),
                talk.get(seg.ctx, []),
                dismissed.get(seg.ctx, []),
                chips=chips_for(seg.english, lang.code, glossary),
                diffs=worklist.diff_bases(view, approved),
            )
        )
    work = WorkList(
        base=f"/t/{snap.slug}/{lang_key}",
        filter=name,
        sort=sort,
        page=page.number,
        pages=page.pages,
        matching=page.matching,
        total=len(views),
        filters=[(f.name, f.label, n) for f, n in worklist.filter_counts(views)],
        checks=worklist.check_counts(views),
        sorts=[(k, label) for k, (label, _) in worklist.SORTS.items()],
        notice="; ".join(notice),
        first=(page.number - 1) * worklist.PAGE_SIZE,
        shown=len(shown),
        q=q,
    )
    return paragraphs, work, work.checks
