"""Translators' saves: segments of one translation, with revisions and a change log.

A segment's *revision* (:attr:`azad.queue.units.Unit.rev`) is a short hash of what a
translator sees of it (English, translation, draft or reviewed), so it needs no counter
anywhere: an edit made outside the app (Poedit, OmegaT, a merge) changes it just as a save
here does. Every save names the revision it started from; if the segment has changed
since, the save is refused (:class:`Conflict`, HTTP 409), and the refused text is still
written to the change log, so nothing a translator typed is lost.

Each save runs under the translation's lock (:class:`azad.queue.store.Queue`): re-read,
compare, change, write atomically, and log (who, when, old, new) in the same database
transaction, which is rolled back if the file could not be written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from azad.db.connection import connect, writing
from azad.errors import AzadError, InputError
from azad.queue.status import Counts, derive, record_after_save
from azad.queue.store import (
    Derived,
    NotFound,
    Queue,
    least_confident,
    remember_derived,
    stat_key,
)
from azad.queue.units import Unit, content_rev
from azad.review.index import remember_row, row_after_write, store_row
from azad.workspace import Workspace

MAX_TEXT = 10_000

__all__ = ["Conflict", "Edit", "NotFound", "SaveReport", "apply_edits", "read_segments"]


@dataclass(frozen=True)
class Change:
    """One line of a segment's history."""

    at: str
    by: str
    action: str
    """``save`` or ``conflict`` (a refused save: its text is ``new``)."""
    old: str
    new: str
    old_draft: bool
    new_draft: bool
    via: str


class Conflict(AzadError):
    """The segment changed since the revision the save started from (HTTP 409)."""

    def __init__(self, ctx: str, yours: str, current: Unit, last: Change | None = None) -> None:
        self.ctx = ctx
        self.yours = yours
        self.current = current
        self.last = last
        """The change log's last save of the segment: who changed it, when."""
        super().__init__(
            f"{ctx}: changed by someone else since you loaded it; your text was kept in the "
            "segment's history"
        )


def notes_of(unit: Unit) -> list[str]:
    """What the editor shows of a unit's comments: where its draft came from, the machine
    pipeline's flags, other notes and the translator's comment."""
    prov = unit.provenance
    out = []
    if prov.is_machine:
        test = " (test model: not a translation)" if prov.test_model else ""
        out.append(" ".join(filter(None, ["machine draft:", prov.engine, prov.package])) + test)
    elif prov.origin == "memory":
        out.append(f"translation memory: {prov.memory}")
    if prov.suggestion:
        out.append(
            f"earlier translation of a similar sentence ({prov.suggestion_english}): "
            + prov.suggestion
        )
    out += [f"qa: {q}" for q in unit.qa]
    out += [f"lexicon: {s}" for s in unit.substitutions]
    out += list(unit.notes)
    out += unit.translator_comment.splitlines()
    return out


def read_segments(ws: Workspace, slug: str, lang_key: str) -> list[Unit]:
    """The live units of ``slug`` × ``lang_key`` (language and slug checked first)."""
    return Queue(ws).read(slug, lang_key).live


@dataclass(frozen=True)
class Edit:
    """A proposed new text for one segment, and the revision it was made against."""

    ctx: str
    text: str
    base_rev: str
    reviewed: bool = True
    """Confirm the segment (the translator is done with it); else save it as a draft."""


Outcome = Literal["saved", "unchanged", "conflict"]


@dataclass
class EditResult:
    ctx: str
    outcome: Outcome
    segment: Unit
    """The segment as it is now in the file."""
    yours: str = ""


@dataclass
class SaveReport:
    results: list[EditResult] = field(default_factory=list)
    written: bool = False
    total: int = 0
    """Segments of the file after the save, and how many of them are reviewed."""
    reviewed: int = 0
    rev_before: str = ""
    """The content revision before and after the save (both read under the lock), so a
    page that showed ``rev_before`` knows it has seen everything in ``rev_after``."""
    rev_after: str = ""
    after: list[Unit] = field(default_factory=list)
    """The live units after the save (what ``rev_after`` covers)."""
    holder: str | None = None
    """Who held the translation (claimed it) before the save."""
    status: str = ""
    """The translation's status after the save."""

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)


# Control characters other than tab and newline have no place in a translation, and
# gettext's tools refuse some (U+0004 separates msgctxt from msgid in compiled catalogs).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        raise InputError("text", f"contains the control character U+{ord(bad.group()):04X}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which JSON's \ud800 escapes can carry
        raise InputError("text", "contains an unpaired surrogate (not valid Unicode)") from None
    if len(text) > MAX_TEXT:
        raise InputError("text", f"longer than {MAX_TEXT} characters")
    return text


def _newlines_like(text: str, english: str) -> str:
    """``text`` starting and ending with a newline exactly where the English does: gettext
    (msgfmt --check) refuses a file where they differ, and a stray newline typed at the end
    of a text area is never meant as content."""
    if not text:
        return text
    body = text.strip("\n")
    return (
        ("\n" if english.startswith("\n") else "") + body + ("\n" if english.endswith("\n") else "")
    )


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def apply_edits(
    ws: Workspace,
    slug: str,
    lang_key: str,
    edits: Sequence[Edit],
    *,
    by: str,
    via: str,
    claim_hours: float | None = None,
) -> SaveReport:
    """Apply ``edits`` to one translation under its lock, one atomic write for all of them.

    An edit whose base revision is stale is not applied (outcome ``conflict``) unless the
    segment already holds exactly that text and state; the others still are. ``via`` says
    where the edit came from (``web``, ``import:xliff``…) in the change log. With
    ``claim_hours``, a save into a translation nobody holds claims it for ``by``.

    The file is read and parsed once (a snapshot under the lock); the rendered bytes are
    compared with the bytes read (nothing is written when nothing changed); the queue's
    row of this translation is updated from what is in hand (:func:`index.row_after_write`)."""
    queue = Queue(ws)
    queue.require(slug, lang_key)
    edits = [Edit(e.ctx, _clean(e.text), e.base_rev, e.reviewed) for e in edits]
    report = SaveReport()
    with queue.locked(slug, lang_key):
        source_key = stat_key(str(queue.source_path(slug)))  # before the article is read
        snap = queue.snapshot(slug, lang_key)
        tf = snap.file
        report.rev_before = snap.rev
        report.holder = snap.record.claimed_by
        rows: list[tuple[object, ...]] = []
        replaced: list[tuple[Unit, Unit]] = []
        at = now_iso()
        for edit in edits:
            unit = tf.unit(edit.ctx)
            if unit is None:
                raise NotFound(f"{slug} ({lang_key}): no segment {edit.ctx}")
            text = _newlines_like(edit.text, unit.english)
            new = unit.with_text(text, "reviewed" if edit.reviewed else "draft")
            if new.text == unit.text and new.state == unit.state:
                report.results.append(EditResult(edit.ctx, "unchanged", unit))
                continue
            stale = unit.rev != edit.base_rev
            rows.append(
                (
                    slug,
                    lang_key,
                    edit.ctx,
                    at,
                    by,
                    "conflict" if stale else "save",
                    unit.text,
                    new.text,
                    unit.state == "draft",
                    new.state == "draft",
                    edit.base_rev,
                    via,
                )
            )
            if stale:
                report.results.append(EditResult(edit.ctx, "conflict", unit, yours=new.text))
                continue
            tf.replace_unit(new)
            replaced.append((unit, new))
            report.results.append(EditResult(edit.ctx, "saved", new))
        saved = report.count("saved")
        live = tf.live
        report.after = live
        record = snap.record
        # A save changes texts and states, never a segment's English or id.
        rev = content_rev(snap.article_sha, live) if saved else report.rev_before
        derived = _derived_after(snap.derived, live, replaced, rev)
        sha = None
        if saved:
            tf.metadata["PO-Revision-Date"] = dt.datetime.now(dt.UTC).strftime(
                "%Y-%m-%d %H:%M+0000"
            )
            tf.metadata["Last-Translator"] = by
            # The file (and the claim) first, then the log: the database's write lock is
            # held for a few inserts, not for an fsync of the file, so other writers (this
            # file's next save among them) wait less. If writing the file fails, nothing is
            # logged as saved; if the log cannot be written after it, the text is safe in
            # the file (as when a commit fails).
            sha = queue.write_hashed(slug, lang_key, tf, read=snap.data)
            report.written = sha is not None
        if sha is not None:
            remember_derived(sha, snap.article_sha, derived)
        report.rev_after = derived.rev
        report.total = derived.total
        report.reviewed = derived.total - len(derived.unreviewed)
        counts = Counts(
            total=report.total,
            unreviewed=report.total - report.reviewed,
            rev=report.rev_after,
            in_sync=derived.in_sync,
            file_sha=sha or snap.file_sha,
        )
        row = None
        if saved:
            # The claim: a translator's first save takes it; the save that completes the
            # translation (web, CAT import) ends it. A save into a translation that was
            # already complete changes nothing: an editor who claimed it to look it over
            # and corrects a word still holds it.
            done = derived.in_sync and not derived.unreviewed
            after = record_after_save(
                record,
                by,
                claim_hours=claim_hours,
                completed=sha is not None and done and bool(snap.derived.unreviewed),
                work_left=not done,
            )
            if after is not None:
                queue.save_record(slug, lang_key, after)
                record = after
            row = row_after_write(
                ws,
                slug,
                lang_key,
                counts,
                record,
                min_score=derived.min_score,
                source_key=source_key,
            )
        if rows:
            with writing(ws) as conn:
                _log(conn, rows)
                if saved:
                    store_row(conn, slug, lang_key, row, live)
        remember_row(ws, slug, lang_key, row)  # committed: now this process's memory
        report.status = derive(counts, record)
    return report


def _derived_after(
    before: Derived, live: list[Unit], replaced: list[tuple[Unit, Unit]], rev: str
) -> Derived:
    """What the status needs of the file after a save, from what it was before and the
    units the save replaced: a save changes texts and states, never a unit's id, English
    or order, so the units are walked again only when a unit went back to draft, or the
    save edited the last of the least confident drafts."""
    unreviewed = before.unreviewed
    if any(old.reviewed and not new.reviewed for old, new in replaced):
        unreviewed = tuple(u.ctx for u in live if not u.reviewed)  # back to draft: in order
    elif now_reviewed := [new.ctx for old, new in replaced if new.reviewed and not old.reviewed]:
        # Usually one id out of up to 20,000: found by tuple.index (a scan in C) and cut
        # out by slicing, not by a Python loop over every id.
        for ctx in now_reviewed:
            with contextlib.suppress(ValueError):
                i = unreviewed.index(ctx)
                unreviewed = unreviewed[:i] + unreviewed[i + 1 :]
    low, count = _least_after(before, live, replaced)
    return Derived(
        rev=rev,
        in_sync=before.in_sync,
        total=len(live),
        unreviewed=unreviewed,
        min_score=low,
        min_count=count,
    )


def _least_after(
    before: Derived, live: list[Unit], replaced: list[tuple[Unit, Unit]]
) -> tuple[float | None, int]:
    """:func:`least_confident` after a save, from the count before it: drafts at the
    lowest score that the save edited leave it, and a reviewed machine draft sent back
    to draft unchanged is an untouched machine draft again."""
    low, count = before.min_score, before.min_count
    for old, new in replaced:
        if low is not None and old.is_machine_draft and old.provenance.score == low:
            count -= 1
        score = new.provenance.score
        if new.is_machine_draft and score is not None and not old.is_machine_draft:
            if low is None or score < low:
                low, count = score, 1
            elif score == low:
                count += 1
    if low is not None and count <= 0:
        return least_confident(live)  # the save edited the last of them: look again
    return low, count


def _log(conn: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    conn.executemany(
        "INSERT INTO changes (slug, lang, ctx, at, by, action, old, new, old_fuzzy, new_fuzzy,"
        " base_rev, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _changes(ws: Workspace, slug: str, lang_key: str, ctx: str, *, last_save: bool) -> list[Change]:
    query = (
        "SELECT at, by, action, old, new, old_fuzzy, new_fuzzy, via FROM changes "
        "WHERE slug = ? AND lang = ? AND ctx = ?"
        + (" AND action = 'save' ORDER BY id DESC LIMIT 1" if last_save else " ORDER BY id")
    )
    with connect(ws) as conn:
        rows = conn.execute(query, (slug, lang_key, ctx)).fetchall()
    return [Change(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6]), r[7]) for r in rows]


def history(ws: Workspace, slug: str, lang_key: str, ctx: str) -> list[Change]:
    """Every save and refused save of one segment, oldest first."""
    return _changes(ws, slug, lang_key, ctx, last_save=False)


def last_change(ws: Workspace, slug: str, lang_key: str, ctx: str) -> Change | None:
    """The segment's latest save (web, CAT import or a run): who changed it last, when."""
    found = _changes(ws, slug, lang_key, ctx, last_save=True)
    return found[0] if found else None
