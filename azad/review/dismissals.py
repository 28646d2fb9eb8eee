"""Dismissed QA warnings: a translator says a check is wrong for this segment.

A dismissal names the check (:attr:`azad.review.qa.QAWarning.kind`), who and when, and
the hashes of the segment's English and of the exact text it was made on: it covers that
text only, so once the text changes the warning comes back. Dismissed warnings stay on
the page ("dismissed by X", for the editor to see) but count in no failing-check total.
Anyone working on the language can bring a dismissed warning back (an editor who
disagrees, a translator who clicked by mistake); the segment's thread then says who
restored whose dismissal, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from azad.db.connection import connect, writing
from azad.db.users import User
from azad.errors import AzadError, InputError
from azad.queue.units import Unit
from azad.review.actions import require_lang
from azad.review.qa import QAWarning
from azad.review.talk import insert_comments, live_unit, now_iso, text_sha
from azad.workspace import Workspace


class StaleText(AzadError):
    """The segment's text changed since the page showed it (HTTP 409)."""


@dataclass(frozen=True)
class Dismissed:
    warning: QAWarning
    by: str
    at: str


Key = tuple[str, str, str]
"""(English hash, text hash, check)"""


def _key(unit: Unit, check: str) -> Key:
    return (text_sha(unit.english), text_sha(unit.text), check)


def dismissals(ws: Workspace, slug: str, lang_key: str) -> dict[Key, tuple[str, str]]:
    """Every dismissal of one translation: key → (by, at)."""
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT english_sha, text_sha, check_name, by, at FROM qa_dismissals"
            " WHERE slug = ? AND lang = ?",
            (slug, lang_key),
        ).fetchall()
    return {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}


def split(
    unit: Unit, warnings: Sequence[QAWarning], found: dict[Key, tuple[str, str]]
) -> tuple[list[QAWarning], list[Dismissed]]:
    """``warnings`` of ``unit`` as (still standing, dismissed for exactly this text)."""
    active: list[QAWarning] = []
    dismissed: list[Dismissed] = []
    for w in warnings:
        hit = found.get(_key(unit, w.kind))
        if hit is None:
            active.append(w)
        else:
            dismissed.append(Dismissed(w, *hit))
    return active, dismissed


def dismiss(
    ws: Workspace,
    slug: str,
    lang_key: str,
    ctx: str,
    rev: str,
    check: str,
    user: User,
    warnings_of: Sequence[QAWarning] | None = None,
) -> Unit:
    """``user`` dismisses the warning ``check`` of segment ``ctx`` as it is at revision
    ``rev`` (:class:`StaleText` if it changed since; :class:`InputError` if the segment
    has no such warning now). ``warnings_of``: the segment's current warnings (computed by
    the caller, who knows the glossary)."""
    require_lang(user, lang_key)
    unit = live_unit(ws, slug, lang_key, ctx)
    if unit.rev != rev:
        raise StaleText(f"{ctx}: the segment changed since you loaded it; look at it again")
    if warnings_of is not None and check not in {w.kind for w in warnings_of}:
        raise InputError("check", f"{ctx} has no {check!r} warning to dismiss")
    english, text, name = _key(unit, check)
    with writing(ws) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO qa_dismissals (slug, lang, ctx, english_sha, text_sha,"
            " check_name, by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (slug, lang_key, ctx, english, text, name, user.name, now_iso()),
        )
    return unit


def restore(
    ws: Workspace, slug: str, lang_key: str, ctx: str, rev: str, check: str, user: User
) -> Unit:
    """``user`` brings back the dismissed warning ``check`` of segment ``ctx`` as it is at
    revision ``rev`` (:class:`StaleText` if it changed since; :class:`InputError` if no
    such warning is dismissed for its text)."""
    require_lang(user, lang_key)
    unit = live_unit(ws, slug, lang_key, ctx)
    if unit.rev != rev:
        raise StaleText(f"{ctx}: the segment changed since you loaded it; look at it again")
    english, text, name = _key(unit, check)
    where = "slug = ? AND lang = ? AND english_sha = ? AND text_sha = ? AND check_name = ?"
    args = (slug, lang_key, english, text, name)
    with writing(ws) as conn:
        row = conn.execute(f"SELECT by FROM qa_dismissals WHERE {where}", args).fetchone()
        if row is None:
            raise InputError("check", f"{ctx} has no dismissed {check!r} warning to restore")
        conn.execute(f"DELETE FROM qa_dismissals WHERE {where}", args)
        note = f"Restored the “{check}” warning that {row[0]} had dismissed."
        insert_comments(conn, slug, lang_key, [unit], user, "comment", note)
    return unit
