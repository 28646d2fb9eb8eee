"""The context of each page: one dataclass per template, built by the views.

Templates see only these objects (``page``), so what a page can show is typed and checked
by mypy and the tests, as Datasette does with its view contexts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from azad.db.users import User
from azad.publish.submit import PublishRun
from azad.queue.record import ReviewRecord
from azad.queue.status import Status
from azad.queue.units import Unit
from azad.review import worklist
from azad.review.chips import CharKey, Chip
from azad.review.controls import Controls
from azad.review.dismissals import Dismissed
from azad.review.edits import Change
from azad.review.index import QueueRow
from azad.review.qa import QAWarning
from azad.review.shown import ChangedSegment
from azad.review.talk import Comment
from azad.review.worklist import unchanged_from_machine
from azad.settings import Language
from azad.translation_memory import TMMatch


@dataclass(frozen=True)
class WorkList:
    """The filter bar and pager of the editor page."""

    base: str
    """The editor page's path (``/t/slug/lang``)."""
    filter: str
    sort: str
    page: int
    pages: int
    matching: int
    total: int
    filters: list[tuple[str, str, int]]
    """(name, label, segments kept) of every fixed filter."""
    checks: dict[str, int]
    """QA check → segments failing it."""
    sorts: list[tuple[str, str]]
    notice: str = ""
    """Why a part of the query was ignored (an unknown filter or sort)."""
    first: int = 0
    """Index (from 0) of the first shown segment among the matching ones."""
    shown: int = 0
    q: str = ""
    """What the segments are searched for (English or translation; "" for all)."""

    def url(self, **changes: str | int) -> str:
        """This page's URL with ``changes`` to its query (empty values left out)."""
        query: dict[str, str | int] = {
            "filter": self.filter,
            "q": self.q,
            "sort": self.sort,
            "page": self.page,
        }
        query.update(changes)
        if query.get("page") == 1:
            query.pop("page")
        kept = {k: v for k, v in query.items() if v not in ("", None)}
        return self.base + ("?" + urlencode(kept) if kept else "")

    @property
    def filter_label(self) -> str:
        found = worklist.FILTERS.get(self.filter)
        if found:
            return found.label
        if self.filter.startswith(worklist.CHECK_PREFIX):
            return f"failing the “{self.filter[len(worklist.CHECK_PREFIX) :]}” check"
        return "all segments"


@dataclass(frozen=True)
class Chrome:
    """What every page's frame shows: the site and the user (None on the login page)."""

    site_name: str
    user: User | None
    csrf: str = ""
    flash: str = ""
    flash_error: bool = False
    """The flash says why an action was refused (shown as an alert)."""
    names: dict[str, str] = field(default_factory=dict)
    """Display names (Latin script) by login name: the ``person`` filter shows these."""
    unread: int = 0
    """The user's unread notifications (the header's inbox link)."""


@dataclass(frozen=True)
class LoginPage:
    chrome: Chrome
    csrf: str
    next: str
    error: str = ""
    name: str = ""


@dataclass(frozen=True)
class ErrorPage:
    chrome: Chrome
    status: int
    message: str


@dataclass(frozen=True)
class QueuePage:
    chrome: Chrome
    rows: list[QueueRow]
    languages: dict[str, Language]
    statuses: tuple[str, ...]
    lang: str
    status: str
    page: int
    pages: int
    total: int
    counts: dict[str, int]
    comments: dict[tuple[str, str], int] = field(default_factory=dict)
    """(slug, language) → comments on its segments."""
    q: str = ""
    """The search: title, slug or English text."""
    sort: str = "age"
    sorts: dict[str, str] = field(default_factory=dict)
    notice: str = ""
    """What of the query was ignored, and why."""
    view: str = ""
    """``mine``: only what is ready for this user (:mod:`azad.review.ready`)."""
    ready: int = 0
    """Translations ready for this user among those searched."""
    ready_label: str = "ready for me"
    live_fallback_s: float = 10

    def url(self, **changes: str | int) -> str:
        """The queue's URL with this page's query and ``changes`` (empty values left out)."""
        query: dict[str, str | int] = {
            "view": self.view,
            "lang": self.lang,
            "status": self.status,
            "q": self.q,
            "sort": self.sort,
            "page": self.page,
        }
        query.update(changes)
        if query.get("sort") == "age":
            query.pop("sort")
        if query.get("page") == 1:
            query.pop("page")
        kept = {k: v for k, v in query.items() if v not in ("", None)}
        return "/" + ("?" + urlencode(kept) if kept else "")


@dataclass(frozen=True)
class SegmentRow:
    segment: Unit
    warnings: list[QAWarning]
    glossary: list[tuple[str, str]]
    """(English term, its form in the language) found in the English."""
    tm: list[TMMatch]
    notes: list[str] = field(default_factory=list)
    thread: list[Comment] = field(default_factory=list)
    """Comments on the segment (and editors' send-back notes), oldest first."""
    dismissed: list[Dismissed] = field(default_factory=list)
    """QA warnings dismissed for exactly this text (not in ``warnings``)."""
    chips: list[Chip] = field(default_factory=list)
    """What the English holds that can be inserted with one click (:mod:`azad.review.chips`)."""
    diffs: dict[str, str] = field(default_factory=dict)
    """What "Show what changed" compares the text with (:func:`worklist.diff_bases`):
    ``machine`` (the machine's draft) and ``approved`` (the approved text)."""

    @property
    def comments(self) -> int:
        return sum(1 for c in self.thread if c.deleted_at is None)

    @property
    def unchanged(self) -> bool:
        """Reviewed as the machine drafted it."""
        return unchanged_from_machine(self.segment)

    def replies(self, parent: Comment) -> list[Comment]:
        return [c for c in self.thread if c.parent == parent.id]

    @property
    def sent_back(self) -> Comment | None:
        """The latest send-back note, while the segment still needs editing."""
        notes = [c for c in self.thread if c.kind == "send back"]
        return notes[-1] if notes and self.segment.state == "draft" else None


@dataclass(frozen=True)
class Paragraph:
    block_id: str
    kind: str
    rows: list[SegmentRow]

    @property
    def label(self) -> str:
        """The block's heading on the editor page (one per block, so a screen reader can
        jump from block to block): ``b3: paragraph``, ``b4: heading (level 2)``."""
        if self.block_id in ("title", "subtitle"):
            return self.block_id.capitalize()
        if self.block_id == "note":
            return "Note about the author"
        if self.kind[:1] == "h" and self.kind[1:].isdigit():
            what = f"heading (level {self.kind[1:]})"
        else:
            what = {"quote": "quotation"}.get(self.kind, self.kind)
        return f"{self.block_id}: {what}"


@dataclass(frozen=True)
class EditorPage:
    chrome: Chrome
    slug: str
    title: str
    lang_key: str
    lang: Language
    status: Status
    claimed_by: str | None
    record: ReviewRecord
    paragraphs: list[Paragraph]
    total: int
    reviewed: int
    qa_summary: dict[str, int]
    rev: str = ""
    """The content revision shown: what the Approve button approves."""
    in_sync: bool = True
    """False when the English changed since the translation was last brought up to date."""
    can_edit: bool = True
    publish_run: PublishRun | None = None
    """The latest publish run this process submitted for the translation."""
    editions: list[tuple[str, str]] = field(default_factory=list)
    """(format, URL under /editions/) of the published files."""
    charbar: list[CharKey] = field(default_factory=list)
    """The character bar's buttons (:func:`azad.review.chips.charbar`)."""
    work: WorkList | None = None
    """The filter bar and pager of the shown segments (:mod:`.editor_work`)."""
    controls: Controls | None = None
    """Which of Approve, Send back and Publish can succeed now (:mod:`.controls`)."""
    open_questions: int = 0
    """Comment threads under the segments nobody has resolved."""
    live_fallback_s: float = 10
    """How often the page polls when the server has no live stream for it."""

    @property
    def percent(self) -> int:
        return int(100 * self.reviewed / self.total) if self.total else 100


@dataclass(frozen=True)
class HistoryPage:
    chrome: Chrome
    slug: str
    lang_key: str
    lang: Language
    segment: Unit
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class StalePage:
    """An approval refused because the content changed since the editor's page showed it."""

    chrome: Chrome
    slug: str
    lang_key: str
    lang: Language
    message: str
    changes: list[ChangedSegment]
