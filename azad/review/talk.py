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
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal

from azad.db.connection import connect, writing
from azad.db.users import User
from azad.errors import AzadError, InputError
from azad.queue import status as state
from azad.queue.store import Queue
from azad.queue.units import Unit
from azad.review import events
from azad.review.actions import Forbidden, require_editor, require_lang
from azad.review.edits import Edit as SegmentEdit
from azad.review.edits import NotFound, apply_edits
from azad.review.threads import Comment as Comment
from azad.review.threads import Kind
from azad.review.threads import open_question_count as open_question_count
from azad.review.threads import open_questions as open_questions
from azad.review.threads import text_sha as text_sha
from azad.review.threads import thread_json as thread_json
from azad.review.threads import threads as threads
from azad.workspace import Workspace

MAX_COMMENT = 4000


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


def add_comment(
    ws: Workspace,
    slug: str,
    lang_key: str,
    ctx: str,
    user: User,
    text: str,
    reply_to: int | None = None,
) -> None:
    """``user`` comments on segment ``ctx`` (any user who works on the language), or
    answers comment ``reply_to`` of that segment (in its thread; a reply reopens a
    resolved thread, since it asks something again)."""
    require_lang(user, lang_key)
    text = _clean(text)
    unit = live_unit(ws, slug, lang_key, ctx)
    with writing(ws) as conn:
        if reply_to is None:
            insert_comments(conn, slug, lang_key, [unit], user, "comment", text)
        else:
            _reply(conn, slug, lang_key, unit, user, text, reply_to)
    events.comment_added(ws, slug, lang_key, ctx, user, text)


def _reply(
    conn: sqlite3.Connection,
    slug: str,
    lang_key: str,
    unit: Unit,
    user: User,
    text: str,
    reply_to: int,
) -> None:
    """Comment ``text`` in the thread of comment ``reply_to``; a resolved thread reopens."""
    root = _root_of(conn, slug, lang_key, unit, reply_to)
    conn.execute(
        "INSERT INTO segment_comments (slug, lang, ctx, english_sha, at, by, role, kind,"
        " text, parent) VALUES (?, ?, ?, ?, ?, ?, ?, 'comment', ?, ?)",
        (
            slug,
            lang_key,
            unit.ctx,
            text_sha(unit.english),
            now_iso(),
            user.name,
            user.role,
            text,
            root,
        ),
    )
    if conn.execute("SELECT resolved_at FROM segment_comments WHERE id = ?", (root,)).fetchone()[0]:
        _event(conn, root, slug, lang_key, user, "reopen")
        conn.execute(
            "UPDATE segment_comments SET resolved_at = NULL, resolved_by = NULL WHERE id = ?",
            (root,),
        )


SQLITE_MAX_INT = 2**63 - 1
"""The largest INTEGER SQLite stores (a row id is one)."""

ThreadAction = Literal["edit", "delete", "resolve", "reopen"]


def _root_of(conn: sqlite3.Connection, slug: str, lang_key: str, unit: Unit, cid: int) -> int:
    """The first comment of the thread holding comment ``cid`` of ``unit``'s sentence."""
    if not 0 < cid <= SQLITE_MAX_INT:  # no such row, and SQLite cannot even take the number
        raise NotFound(f"{slug} ({lang_key}): no comment {cid} on {unit.ctx}")
    row = conn.execute(
        "SELECT id, parent FROM segment_comments WHERE id = ? AND slug = ? AND lang = ?"
        " AND english_sha = ?",
        (cid, slug, lang_key, text_sha(unit.english)),
    ).fetchone()
    if row is None:
        raise NotFound(f"{slug} ({lang_key}): no comment {cid} on {unit.ctx}")
    return int(row[1] if row[1] is not None else row[0])


def _event(
    conn: sqlite3.Connection,
    cid: int,
    slug: str,
    lang_key: str,
    user: User,
    action: ThreadAction,
    old_text: str = "",
) -> None:
    conn.execute(
        "INSERT INTO comment_events (comment_id, slug, lang, at, by, action, old_text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (cid, slug, lang_key, now_iso(), user.name, action, old_text),
    )


def change_comment(
    ws: Workspace,
    slug: str,
    lang_key: str,
    ctx: str,
    cid: int,
    user: User,
    action: ThreadAction,
    text: str = "",
) -> None:
    """Edit or delete one's own comment ``cid`` (the text before is kept in
    ``comment_events``; the page shows "edited" or "deleted"), or resolve or reopen the
    thread it belongs to (anyone on the language). Each is recorded with who and when."""
    require_lang(user, lang_key)
    unit = live_unit(ws, slug, lang_key, ctx)
    with writing(ws) as conn:
        root = _root_of(conn, slug, lang_key, unit, cid)
        by, old, deleted = conn.execute(
            "SELECT by, text, deleted_at FROM segment_comments WHERE id = ?", (cid,)
        ).fetchone()
        if action in ("edit", "delete"):
            if by != user.name:
                raise Forbidden("only its author may edit or delete a comment")
            if deleted:
                raise InputError("comment", "was deleted")
            if action == "edit":
                new = _clean(text)
                if new == old:
                    return
                conn.execute(
                    "UPDATE segment_comments SET text = ?, edited_at = ? WHERE id = ?",
                    (new, now_iso(), cid),
                )
            else:
                conn.execute(
                    "UPDATE segment_comments SET text = '', deleted_at = ? WHERE id = ?",
                    (now_iso(), cid),
                )
            _event(conn, cid, slug, lang_key, user, action, old)
            return
        resolved = action == "resolve"
        conn.execute(
            "UPDATE segment_comments SET resolved_at = ?, resolved_by = ? WHERE id = ?",
            (now_iso() if resolved else None, user.name if resolved else None, root),
        )
        _event(conn, root, slug, lang_key, user, action)


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
    with writing(ws) as conn:
        insert_comments(conn, slug, lang_key, units, user, "send back", comment)
    done = state.send_back(ws, slug, lang_key, user.name, comment, segments=wanted)
    events.sent_back(ws, slug, lang_key, user, comment)
    return done
