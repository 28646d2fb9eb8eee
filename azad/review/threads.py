"""A segment's comments as threads: who wrote what under which sentence, the replies, and
which questions are still open (what the editor page counts and an approval warns of).

A comment is stored with the segment's id *and* the hash of its English (:func:`threads`
shows it only under a live segment with that English); a reply names the thread's first
comment (``parent``); a thread is resolved or open; edits and deletions by the author
keep the text before in ``comment_events`` (:mod:`azad.review.talk` writes them all).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from azad.db.connection import connect
from azad.queue.store import Queue
from azad.queue.units import Unit
from azad.workspace import Workspace

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
    id: int = 0
    parent: int | None = None
    """The thread's first comment, for a reply; None: this comment starts a thread."""
    edited_at: str | None = None
    deleted_at: str | None = None
    resolved_at: str | None = None
    """For a thread's first comment: when the thread was resolved (None: open)."""
    resolved_by: str | None = None

    @property
    def is_open_question(self) -> bool:
        """A thread of comments (not a send-back note) nobody has resolved."""
        return (
            self.parent is None
            and self.kind == "comment"
            and self.resolved_at is None
            and self.deleted_at is None
        )


def thread_json(c: Comment) -> dict[str, object]:
    """A comment as the page's script and the JSON API get it."""
    return {
        "id": c.id,
        "parent": c.parent,
        "at": c.at,
        "by": c.by,
        "role": c.role,
        "kind": c.kind,
        "text": c.text,
        "edited_at": c.edited_at,
        "deleted_at": c.deleted_at,
        "resolved_at": c.resolved_at,
        "resolved_by": c.resolved_by,
    }


def open_questions(talk: dict[str, list[Comment]]) -> int:
    """Open threads over the segments of ``talk`` (:func:`threads`)."""
    return sum(1 for thread in talk.values() for c in thread if c.is_open_question)


def threads(
    ws: Workspace, slug: str, lang_key: str, units: Sequence[Unit]
) -> dict[str, list[Comment]]:
    """Segment id → its comments, oldest first, for the live ``units``: a comment shows
    under the segment with its id and English, else under the one segment that now has
    its English (the sentence moved); nowhere if its English is gone or ambiguous."""
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT ctx, english_sha, at, by, role, kind, text, id, parent, edited_at,"
            " deleted_at, resolved_at, resolved_by FROM segment_comments"
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
        comment = Comment(*r)
        holders = by_english.get(comment.english_sha, [])
        if comment.ctx in holders:
            out.setdefault(comment.ctx, []).append(comment)
        elif len(holders) == 1:
            out.setdefault(holders[0], []).append(comment)
    return out


def open_question_count(ws: Workspace, slug: str, lang_key: str) -> int:
    """Open threads under the translation's live segments (what an approval warns of)."""
    units = Queue(ws).read(slug, lang_key).live
    return open_questions(threads(ws, slug, lang_key, units))
