"""Translators and editors talking about one segment: comments, and sending segments back.

A comment belongs to a sentence, not to a position: it is stored with the segment's id
*and* the hash of its English, and shown only under a live segment with that English
(:func:`threads`), preferring the same id, else the one segment the sentence moved to.
So after the English is edited or re-segmented a comment never appears under another
sentence; it stays in the database (the change log keeps the old text too).

Sending segments back (:func:`send_back_segments`) goes through the one save path
(:func:`azad.review.edits.apply_edits`, under the translation's lock, logged): each
segment keeps its text and becomes a draft ("needs editing"); the editor's comment is
recorded under each, and the record says the translation was sent back (which voids an
approval: the content changed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from azad.db.connection import connect
from azad.db.users import User
from azad.errors import AzadError, InputError
from azad.queue import status as state
from azad.queue.store import Queue
from azad.queue.units import Unit
from azad.review import events
from azad.review.actions import require_editor, require_lang
from azad.review.edits import Edit as SegmentEdit
from azad.review.edits import NotFound, apply_edits
from azad.workspace import Workspace

MAX_COMMENT = 4000
Kind = Literal["comment", "send back"]


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Comment:
    ctx: str
    """The segment's id when the comment was written."""
    english_sha: str
    at: str
    by: str
    role: str
    kind: Kind
    text: str


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise InputError("comment", "is empty")
    if len(text) > MAX_COMMENT:
        raise InputError("comment", f"longer than {MAX_COMMENT} characters")
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise InputError("comment", "contains a control character")
    return text


def live_unit(ws: Workspace, slug: str, lang_key: str, ctx: str) -> Unit:
    found = Queue(ws).read(slug, lang_key).unit(ctx)
    if found is None:
        raise NotFound(f"{slug} ({lang_key}): no segment {ctx}")
    return found


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def insert_comments(
    conn: sqlite3.Connection,
    slug: str,
    lang_key: str,
    units: Iterable[Unit],
    user: User,
    kind: Kind,
    text: str,
) -> None:
    """The same comment on each of ``units``, in the caller's transaction."""
    at = now_iso()
    conn.executemany(
        "INSERT INTO segment_comments (slug, lang, ctx, english_sha, at, by, role, kind, text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (slug, lang_key, u.ctx, text_sha(u.english), at, user.name, user.role, kind, text)
            for u in units
        ],
    )


def add_comment(ws: Workspace, slug: str, lang_key: str, ctx: str, user: User, text: str) -> None:
    """``user`` comments on segment ``ctx`` (any user who works on the language)."""
    require_lang(user, lang_key)
    text = _clean(text)
    unit = live_unit(ws, slug, lang_key, ctx)
    with connect(ws) as conn, conn:
        insert_comments(conn, slug, lang_key, [unit], user, "comment", text)
    events.comment_added(ws, slug, lang_key, ctx, user, text)


def threads(
    ws: Workspace, slug: str, lang_key: str, units: Sequence[Unit]
) -> dict[str, list[Comment]]:
    """Segment id → its comments, oldest first, for the live ``units``: a comment shows
    under the segment with its id and English, else under the one segment that now has
    its English (the sentence moved); nowhere if its English is gone or ambiguous."""
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT ctx, english_sha, at, by, role, kind, text FROM segment_comments"
            " WHERE slug = ? AND lang = ? ORDER BY id",
            (slug, lang_key),
        ).fetchall()
    if not rows:
        return {}  # no hashing of a long article's English for nothing
    by_english: dict[str, list[str]] = {}
    for u in units:
        by_english.setdefault(text_sha(u.english), []).append(u.ctx)
    out: dict[str, list[Comment]] = {}
    for r in rows:
        comment = Comment(r[0], r[1], r[2], r[3], r[4], r[5], r[6])
        holders = by_english.get(comment.english_sha, [])
        if comment.ctx in holders:
            out.setdefault(comment.ctx, []).append(comment)
        elif len(holders) == 1:
            out.setdefault(holders[0], []).append(comment)
    return out


def comment_counts(ws: Workspace) -> Counter[tuple[str, str]]:
    """(slug, language) → how many comments its segments have (the queue's column; one
    query, no PO file read: comments on sentences since removed count too)."""
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT slug, lang, count(*) FROM segment_comments GROUP BY slug, lang"
        ).fetchall()
    return Counter({(r[0], r[1]): int(r[2]) for r in rows})


def claim_warning(holder: str | None, user: str) -> str:
    """What a save into a translation someone else holds tells the one saving."""
    if holder is None or holder == user:
        return ""
    return (
        f"claimed by {holder}: your text was saved, but {holder} is working on this "
        "translation; talk to them (an editor can take the claim over)"
    )


def send_back_segments(
    ws: Workspace, slug: str, lang_key: str, ctxs: Sequence[str], user: User, comment: str
) -> state.TranslationStatus:
    """An editor sends segments ``ctxs`` back: each becomes a draft with its text kept,
    the comment is recorded under each, and the record says it was sent back."""
    require_editor(user)
    require_lang(user, lang_key)
    comment = _clean(comment)
    wanted = list(dict.fromkeys(c for c in ctxs if c))
    if not wanted:
        raise InputError("segments", "choose the segments to send back")
    tf = Queue(ws).read(slug, lang_key)
    units = []
    for ctx in wanted:
        unit = tf.unit(ctx)
        if unit is None:
            raise NotFound(f"{slug} ({lang_key}): no segment {ctx}")
        units.append(unit)
    edits = [SegmentEdit(u.ctx, u.text, u.rev, reviewed=False) for u in units if u.reviewed]
    report = apply_edits(ws, slug, lang_key, edits, by=user.name, via="send back")
    changed = [r.ctx for r in report.results if r.outcome == "conflict"]
    if changed:
        raise AzadError(
            f"{slug} ({lang_key}): {', '.join(changed)} changed while you sent it back; "
            "look at it again"
        )
    with connect(ws) as conn, conn:
        insert_comments(conn, slug, lang_key, units, user, "send back", comment)
    done = state.send_back(ws, slug, lang_key, user.name, comment, segments=wanted)
    events.sent_back(ws, slug, lang_key, user, comment)
    return done
