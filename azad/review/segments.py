"""Reading and saving the segments of one PO file, with revisions and a change log.

A segment's *revision* is a short hash of what a translator sees of it (English,
translation, fuzzy flag), so it needs no counter anywhere: an edit made outside the app
(Poedit, OmegaT, a merge) changes it just as a save here does. Every save names the
revision it started from; if the segment has changed since, the save is refused
(:class:`Conflict`, HTTP 409), and the refused text is still written to the change log,
so nothing a translator typed is lost.

Each save runs under the PO file's lock: re-read, compare, change, write atomically, and
log (who, when, old, new) in the same database transaction, which is rolled back if the
file could not be written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import polib

from azad.errors import AzadError, InputError
from azad.po import load_po, locked, po_path, save_po
from azad.review.db import connect
from azad.workspace import Workspace

MAX_TEXT = 10_000
DRAFT_TEXT = "machine draft text: "
NEW_DRAFT = "new machine draft: "
ENGINE_NOTE = "machine draft: "


class NotFound(AzadError):
    """No such article, language file or segment (HTTP 404)."""


class Conflict(AzadError):
    """The segment changed since the revision the save started from (HTTP 409)."""

    def __init__(self, ctx: str, yours: str, current: Segment) -> None:
        self.ctx = ctx
        self.yours = yours
        self.current = current
        super().__init__(
            f"{ctx}: changed by someone else since you loaded it; your text was kept in the "
            "segment's history"
        )


def segment_rev(entry: polib.POEntry) -> str:
    return rev_of(entry.msgid, entry.msgstr, is_fuzzy(entry))


def rev_of(english: str, text: str, fuzzy: bool) -> str:
    data = "\0".join((english, text, "f" if fuzzy else ""))
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def is_fuzzy(entry: polib.POEntry) -> bool:
    return "fuzzy" in entry.flags


def machine_draft(entry: polib.POEntry) -> str | None:
    """The machine's translation of the segment, as far as the file tells it."""
    lines = entry.comment.splitlines() if entry.comment else []
    for prefix in (NEW_DRAFT, DRAFT_TEXT):
        for line in lines:
            if line.startswith(prefix):
                return line[len(prefix) :]
    if is_fuzzy(entry) and any(line.startswith(ENGINE_NOTE) for line in lines):
        return entry.msgstr  # an untouched draft
    return None


@dataclass(frozen=True)
class Segment:
    """One entry of a PO file as the editor shows it."""

    ctx: str
    english: str
    text: str
    fuzzy: bool
    rev: str
    draft: str | None
    notes: list[str]
    """Comments of the entry: the engine's, QA flags, a translator's."""
    previous_english: str | None

    @property
    def reviewed(self) -> bool:
        return bool(self.text) and not self.fuzzy

    @classmethod
    def of(cls, entry: polib.POEntry) -> Segment:
        notes = [n for n in (entry.comment or "").splitlines() if not n.startswith(DRAFT_TEXT)]
        notes += (entry.tcomment or "").splitlines()
        return cls(
            ctx=entry.msgctxt or "",
            english=entry.msgid,
            text=entry.msgstr,
            fuzzy=is_fuzzy(entry),
            rev=segment_rev(entry),
            draft=machine_draft(entry),
            notes=notes,
            previous_english=entry.previous_msgid or None,
        )


def po_file(ws: Workspace, slug: str, lang_key: str) -> Path:
    """The PO file of ``slug`` × ``lang_key``; slug and language are checked first."""
    if lang_key not in ws.settings.languages:
        raise InputError(
            lang_key, f"unknown language (configured: {', '.join(ws.settings.languages)})"
        )
    path = po_path(ws.article_dir(slug), lang_key)
    if not path.is_file():
        raise NotFound(f"{slug}: no {lang_key} translation")
    return path


def read_segments(ws: Workspace, slug: str, lang_key: str) -> list[Segment]:
    catalog = load_po(po_file(ws, slug, lang_key))
    return [Segment.of(e) for e in catalog if not e.obsolete]


@dataclass(frozen=True)
class Edit:
    """A proposed new text for one segment, and the revision it was made against."""

    ctx: str
    text: str
    base_rev: str
    reviewed: bool = True
    """Clear the fuzzy flag (the translator is done with the segment)."""


Outcome = Literal["saved", "unchanged", "conflict"]


@dataclass
class EditResult:
    ctx: str
    outcome: Outcome
    segment: Segment
    """The segment as it is now in the file."""
    yours: str = ""


@dataclass
class SaveReport:
    results: list[EditResult] = field(default_factory=list)
    written: bool = False
    total: int = 0
    """Segments of the file after the save, and how many of them are reviewed."""
    reviewed: int = 0

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
    ws: Workspace, slug: str, lang_key: str, edits: Sequence[Edit], *, by: str, via: str
) -> SaveReport:
    """Apply ``edits`` to one PO file under its lock, one atomic write for all of them.

    An edit whose base revision is stale is not applied (outcome ``conflict``) unless the
    segment already holds exactly that text; the others still are. ``via`` says where the
    edit came from (``web``, ``import:xliff``…) in the change log."""
    path = po_file(ws, slug, lang_key)
    edits = [Edit(e.ctx, _clean(e.text), e.base_rev, e.reviewed) for e in edits]
    report = SaveReport()
    with locked(path):
        catalog = load_po(path)
        by_ctx = {e.msgctxt: e for e in catalog if not e.obsolete}
        rows: list[tuple[object, ...]] = []
        at = now_iso()
        for edit in edits:
            entry = by_ctx.get(edit.ctx)
            if entry is None:
                raise NotFound(f"{slug} ({lang_key}): no segment {edit.ctx}")
            fuzzy = not edit.reviewed
            edit = replace(edit, text=_newlines_like(edit.text, entry.msgid))
            if entry.msgstr == edit.text and is_fuzzy(entry) == fuzzy:
                report.results.append(EditResult(edit.ctx, "unchanged", Segment.of(entry)))
                continue
            old, old_fuzzy, rev = entry.msgstr, is_fuzzy(entry), segment_rev(entry)
            if rev != edit.base_rev:
                rows.append(
                    (
                        slug,
                        lang_key,
                        edit.ctx,
                        at,
                        by,
                        "conflict",
                        old,
                        edit.text,
                        old_fuzzy,
                        fuzzy,
                        edit.base_rev,
                        via,
                    )
                )
                report.results.append(
                    EditResult(edit.ctx, "conflict", Segment.of(entry), yours=edit.text)
                )
                continue
            _remember_draft(entry)
            entry.msgstr = edit.text
            if fuzzy and not old_fuzzy:
                entry.flags.append("fuzzy")
            elif not fuzzy and old_fuzzy:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None  # as Poedit does once a translation is confirmed
            rows.append(
                (
                    slug,
                    lang_key,
                    edit.ctx,
                    at,
                    by,
                    "save",
                    old,
                    edit.text,
                    old_fuzzy,
                    fuzzy,
                    edit.base_rev,
                    via,
                )
            )
            report.results.append(EditResult(edit.ctx, "saved", Segment.of(entry)))
        live = [e for e in catalog if not e.obsolete]
        report.total = len(live)
        report.reviewed = sum(1 for e in live if e.msgstr and not is_fuzzy(e))
        if report.count("saved"):
            catalog.metadata["PO-Revision-Date"] = dt.datetime.now(dt.UTC).strftime(
                "%Y-%m-%d %H:%M+0000"
            )
            catalog.metadata["Last-Translator"] = by
        with connect(ws) as conn, conn:
            _log(conn, rows)
            # The file is written inside the transaction: if writing fails, nothing is
            # logged as saved; if it succeeds and the commit fails, the text is safe.
            if report.count("saved"):
                report.written = save_po(path, catalog)
    return report


def _remember_draft(entry: polib.POEntry) -> None:
    # Before a translator's first change overwrites the machine draft, keep it as a comment
    # so it can always be shown beside the edit (and CAT tools show it too).
    draft = machine_draft(entry)
    lines = entry.comment.splitlines() if entry.comment else []
    if draft is not None and not any(ln.startswith((NEW_DRAFT, DRAFT_TEXT)) for ln in lines):
        lines.append(DRAFT_TEXT + draft.replace("\n", " "))
        entry.comment = "\n".join(lines)


def _log(conn: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    conn.executemany(
        "INSERT INTO changes (slug, lang, ctx, at, by, action, old, new, old_fuzzy, new_fuzzy,"
        " base_rev, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def save_segment(
    ws: Workspace,
    slug: str,
    lang_key: str,
    ctx: str,
    text: str,
    base_rev: str,
    *,
    by: str,
    reviewed: bool = True,
    via: str = "web",
) -> Segment:
    """Save one segment; :class:`Conflict` if it changed since ``base_rev``."""
    report = apply_edits(ws, slug, lang_key, [Edit(ctx, text, base_rev, reviewed)], by=by, via=via)
    (result,) = report.results
    if result.outcome == "conflict":
        raise Conflict(ctx, text, result.segment)
    return result.segment


@dataclass(frozen=True)
class Change:
    """One line of a segment's history."""

    at: str
    by: str
    action: str
    """``save`` or ``conflict`` (a refused save: its text is ``new``)."""
    old: str
    new: str
    old_fuzzy: bool
    new_fuzzy: bool
    via: str


def history(ws: Workspace, slug: str, lang_key: str, ctx: str) -> list[Change]:
    """Every save and refused save of one segment, oldest first."""
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT at, by, action, old, new, old_fuzzy, new_fuzzy, via FROM changes "
            "WHERE slug = ? AND lang = ? AND ctx = ? ORDER BY id",
            (slug, lang_key, ctx),
        ).fetchall()
    return [Change(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6]), r[7]) for r in rows]
