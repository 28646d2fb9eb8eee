"""The post-edit report: how much translators changed the machine's drafts before an
editor approved them, per engine package, language and month of approval.

For every translation that is approved or published as it is now, each live unit is:

* a *machine* unit (provenance ``machine``): the machine's own draft is kept in the
  provenance when a translator changed it (``Provenance.draft``), else the approved text
  *is* the draft, accepted unchanged;
* a *memory* unit (provenance ``memory``): drafted from an approved segment elsewhere;
* anything else (a person's translation from scratch, a CAT tool's import).

Per group: chrF (sacrebleu's ``CHRF``, corpus level: the drafts against the approved texts,
0 to 100, higher = less post-editing), the character edit rate (rapidfuzz's Levenshtein
distance summed over the segments, divided by the approved texts' total length), the share
of machine drafts approved unchanged and the share of the group's segments that came from
the translation memory. Memory units carry no engine, so a translation's memory units count
in the group of the package that drafted most of its machine units.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from rapidfuzz.distance import Levenshtein
from sacrebleu.metrics import CHRF

from azad.errors import AzadError
from azad.queue.record import ReviewRecord
from azad.queue.store import Queue
from azad.queue.units import Unit
from azad.review.index import queue_rows
from azad.workspace import Workspace

NO_ENGINE = "(no machine drafts)"


@dataclass
class _Group:
    drafts: list[str] = field(default_factory=list)
    approved: list[str] = field(default_factory=list)
    memory: int = 0
    segments: int = 0
    translations: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class PostEditRow:
    package: str
    """Engine package and version (``translate-en_fa 1.9``), a test model marked as such."""
    lang_key: str
    month: str
    """Month of the approval, ``YYYY-MM`` (UTC)."""
    translations: int
    segments: int
    """Live segments of those translations."""
    machine: int
    """Segments drafted by the machine."""
    chrf: float | None
    """chrF of the machine drafts against the approved texts, 0–100 (None: no drafts)."""
    edit_rate: float | None
    """Character edits (Levenshtein) per character of approved text."""
    unchanged: float | None
    """Share of machine drafts approved exactly as drafted."""
    from_memory: float
    """Share of the segments drafted from the translation memory."""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _approval_month(record: ReviewRecord) -> str:
    stamp = record.approved or record.published
    return stamp.at.strftime("%Y-%m") if stamp is not None else "?"


def _package(unit: Unit) -> str:
    prov = unit.provenance
    name = prov.package or prov.engine
    if prov.test_model:
        # Test-model packages describe themselves at length ("… (test model: output is
        # not a translation)"): one short mark in the report.
        name = name.split(" (test model", 1)[0] + " (test model)"
    return name


def post_edit_report(ws: Workspace, lang_key: str | None = None) -> list[PostEditRow]:
    """The report's rows, by package, language and month (newest month first)."""
    queue = Queue(ws)
    groups: dict[tuple[str, str, str], _Group] = {}
    for row in queue_rows(ws, lang=lang_key):
        if row.status not in ("approved", "published"):
            continue
        try:
            snap = queue.snapshot(row.slug, row.lang_key)
        except (AzadError, OSError):
            continue  # the queue page names the problem
        units = snap.file.live
        machine = [u for u in units if u.provenance.is_machine]
        packages = Counter(_package(u) for u in machine)
        main = packages.most_common(1)[0][0] if packages else NO_ENGINE
        month = _approval_month(snap.record)
        for unit in units:
            package = _package(unit) if unit.provenance.is_machine else main
            group = groups.setdefault((package, row.lang_key, month), _Group())
            group.segments += 1
            group.translations.add(row.slug)
            if unit.provenance.is_machine:
                group.drafts.append(unit.provenance.draft or unit.text)
                group.approved.append(unit.text)
            elif unit.provenance.origin == "memory":
                group.memory += 1
    rows = [_row(key, group) for key, group in groups.items()]
    rows.sort(key=lambda r: (r.month, r.lang_key, r.package))
    rows.sort(key=lambda r: r.month, reverse=True)
    return rows


def _row(key: tuple[str, str, str], group: _Group) -> PostEditRow:
    package, lang, month = key
    n = len(group.drafts)
    chrf = edit_rate = unchanged = None
    if n:
        chrf = CHRF().corpus_score(group.drafts, [group.approved]).score
        pairs = list(zip(group.drafts, group.approved, strict=True))
        edit_rate = sum(Levenshtein.distance(d, a) for d, a in pairs) / max(
            1, sum(len(a) for a in group.approved)
        )
        unchanged = sum(d == a for d, a in pairs) / n
    return PostEditRow(
        package=package,
        lang_key=lang,
        month=month,
        translations=len(group.translations),
        segments=group.segments,
        machine=n,
        chrf=chrf,
        edit_rate=edit_rate,
        unchanged=unchanged,
        from_memory=group.memory / group.segments if group.segments else 0.0,
    )
