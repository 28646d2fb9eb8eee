"""Finding work inside one translation: filters, sorts and pages of its segments.

The editor page shows one page of an article's segments (:data:`PAGE_SIZE`), chosen by a
filter and ordered by a sort, all three in the URL (``?filter=check:numbers&sort=
confidence&page=2``), so a link to a filtered page can be shared and the save API stays
what it was: one segment by its id.

A filter is one entry of :data:`FILTERS`: a name, a label and a predicate over a
:class:`SegmentView` (the unit, its QA warnings, its comment count and whether it changed
since the approval). ``check:<kind>`` filters by a QA check; ``q`` searches the English and
the translation (:func:`search_filter`), within the filter. Counting every filter costs
one pass over the views; the warnings come from :mod:`azad.review.qa_results`, which
checks a segment once per English, text, language, glossary and checks' version.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from azad.db.connection import connect
from azad.errors import InputError
from azad.queue.record import ReviewRecord
from azad.queue.units import Unit
from azad.review.qa import QAWarning
from azad.review.shown import shown
from azad.review.threads import Comment
from azad.workspace import Workspace

PAGE_SIZE = 200


class SegmentView(NamedTuple):
    """What the filters see of a segment (a named tuple: 20,000 of them are made per
    page view of a long article, and a frozen dataclass costs several times more)."""

    unit: Unit
    warnings: tuple[QAWarning, ...] = ()
    comments: int = 0
    """Comments on the segment (translator ↔ editor); 0 where nobody commented."""
    changed: bool = False
    """The segment differs from the content the last approval (or publication) covered."""
    sent_back: bool = False
    """An editor sent the segment back and nobody has confirmed it since (a draft with a
    send-back note in its thread)."""

    @property
    def score(self) -> float | None:
        """The model's score of the segment's machine draft, where there is one."""
        return self.unit.provenance.score


Predicate = Callable[[SegmentView], bool]


def unchanged_from_machine(unit: Unit) -> bool:
    """Confirmed (reviewed) with the machine's draft as it was: the editor's "unchanged
    from the machine" marker. The file keeps the machine's text once a translator changes
    it (:attr:`Provenance.draft`), so a text changed and changed back counts as unchanged."""
    prov = unit.provenance
    return unit.reviewed and prov.is_machine and (not prov.draft or prov.draft == unit.text)


@dataclass(frozen=True)
class Filter:
    name: str
    label: str
    keep: Predicate


FILTERS: dict[str, Filter] = {
    f.name: f
    for f in (
        Filter("untranslated", "untranslated", lambda v: v.unit.state == "untranslated"),
        Filter("machine", "machine draft", lambda v: v.unit.is_machine_draft),
        # A person's draft: not what the machine wrote, not yet confirmed (machine drafts
        # have their own count, so the two add up with reviewed and untranslated).
        Filter(
            "draft",
            "needs editing",
            lambda v: v.unit.state == "draft" and not v.unit.is_machine_draft,
        ),
        Filter("sent-back", "sent back", lambda v: v.sent_back),
        Filter("reviewed", "reviewed", lambda v: v.unit.reviewed),
        Filter("comments", "with comments", lambda v: v.comments > 0),
        Filter("changed", "changed since approval", lambda v: v.changed),
        Filter("unchanged", "unchanged from the machine", lambda v: unchanged_from_machine(v.unit)),
    )
}
CHECK_PREFIX = "check:"


def find_filter(name: str) -> Filter | None:
    """The filter called ``name`` (``""``: none); ``check:<kind>`` keeps segments with a
    warning of that kind. :class:`InputError` for an unknown name."""
    if not name:
        return None
    if name in FILTERS:
        return FILTERS[name]
    if name.startswith(CHECK_PREFIX) and 0 < len(name) - len(CHECK_PREFIX) <= 40:
        kind = name[len(CHECK_PREFIX) :]
        return Filter(name, f"failing “{kind}”", lambda v: any(w.kind == kind for w in v.warnings))
    raise InputError("filter", f"unknown filter {name[:40]!r}")


MAX_QUERY = 200


def _searchable(text: str) -> str:
    # Case and ZWNJ do not matter to someone looking for a word (کتابها finds کتاب‌ها).
    return unicodedata.normalize("NFC", text).replace("\u200c", "").casefold()


def search_filter(query: str) -> Predicate | None:
    """Keeps segments whose English or translation contains ``query`` (case, ZWNJ and
    surrounding spaces ignored); None for an empty query."""
    needle = _searchable(query.strip()[:MAX_QUERY])
    if not needle:
        return None
    return lambda v: needle in _searchable(v.unit.english) or needle in _searchable(v.unit.text)


def filter_counts(views: Sequence[SegmentView]) -> list[tuple[Filter, int]]:
    """Every fixed filter with the number of segments it keeps (QA checks: see
    :func:`check_counts`)."""
    return [(f, sum(1 for v in views if f.keep(v))) for f in FILTERS.values()]


def check_counts(views: Sequence[SegmentView]) -> dict[str, int]:
    """Segments with each kind of QA warning (what the page's QA summary links)."""
    counts: dict[str, int] = {}
    for v in views:
        for kind in {w.kind for w in v.warnings}:
            counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))


def _by_confidence(v: SegmentView) -> tuple[bool, float]:
    score = v.score
    return (score is None, score if score is not None else 0.0)


SORTS: dict[str, tuple[str, Callable[[SegmentView], tuple[bool, float]] | None]] = {
    "": ("article order", None),
    "confidence": ("least confident first", _by_confidence),
}


def sort_views(views: list[SegmentView], sort: str) -> list[SegmentView]:
    if sort not in SORTS:
        raise InputError("sort", f"unknown sort {sort[:40]!r}")
    key = SORTS[sort][1]
    return views if key is None else sorted(views, key=key)  # stable: article order within


@dataclass(frozen=True)
class Page:
    views: list[SegmentView]
    number: int
    pages: int
    matching: int
    """Segments the filter keeps (over every page)."""


def page_of(views: Sequence[SegmentView], number: int, size: int = PAGE_SIZE) -> Page:
    pages = max(1, -(-len(views) // size))
    number = min(max(1, number), pages)
    return Page(list(views[(number - 1) * size : number * size]), number, pages, len(views))


# ---- changed since approval -----------------------------------------------------------------


def approved_content(
    ws: Workspace, slug: str, lang_key: str, record: ReviewRecord
) -> dict[str, tuple[str, str, str]] | None:
    """Segment id → (English, text, state) as the last approval (or publication, if
    newer) covered it, from the content the editor was shown; None when there is
    no approval or its content was never shown here."""
    stamps = [s for s in (record.approved, record.published) if s is not None]
    if not stamps:
        return None
    rev = max(stamps, key=lambda s: s.at).rev
    with connect(ws) as conn:
        return shown(conn, slug, lang_key, rev)


def changed_since(unit: Unit, approved: dict[str, tuple[str, str, str]] | None) -> bool:
    if approved is None:
        return False
    return approved.get(unit.ctx) != (unit.english, unit.text, unit.state)


def view_of(
    unit: Unit,
    warnings: Sequence[QAWarning],
    thread: Sequence[Comment],
    approved: dict[str, tuple[str, str, str]] | None,
) -> SegmentView:
    """What the filters see of ``unit``: its active warnings, its thread (``kind`` "send
    back" while still a draft: sent back), whether it changed since the approval. The
    editor page and its live updates both build their views here, so their counts agree."""
    return SegmentView(
        unit,
        tuple(warnings),
        len(thread),
        changed_since(unit, approved),
        unit.state == "draft" and any(c.kind == "send back" for c in thread),
    )


def approved_text(
    ctx: str, changed: bool, approved: dict[str, tuple[str, str, str]] | None
) -> str | None:
    """The text the last approval covered, for a segment that changed since."""
    if not changed or approved is None or ctx not in approved:
        return None
    return approved[ctx][1]


def diff_bases(
    view: SegmentView, approved: dict[str, tuple[str, str, str]] | None
) -> dict[str, str]:
    """What the segment's text is shown against under "Show what changed": ``machine``
    (the machine's draft, once a person changed it) and ``approved`` (the approved text,
    once the segment changed since). The page renders these rows and its live updates
    send them again, so both show the same rows."""
    unit = view.unit
    out: dict[str, str] = {}
    draft = unit.provenance.draft
    if draft and draft != unit.text:
        out["machine"] = draft
    was = approved_text(unit.ctx, view.changed, approved)
    if was is not None:
        out["approved"] = was
    return out
