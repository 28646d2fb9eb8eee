"""What an editor was shown, so that a refused approval can say what changed since.

The editor page records the content it shows under its content revision
(:attr:`azad.queue.store.Snapshot.rev`) in the review database; the Approve button sends
that revision back. When the translation or the English changed in between,
:func:`azad.review.actions.approve` refuses it, and :func:`changes_since` lists the segments
that differ from what the editor saw, with who changed each and when.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from azad.db.connection import connect, writing
from azad.queue.units import Unit
from azad.review.edits import last_change, now_iso, read_segments
from azad.workspace import Workspace


def remember(ws: Workspace, slug: str, lang_key: str, rev: str, units: list[Unit]) -> None:
    """Keep the content shown under ``rev`` (once per revision: a page shown again costs
    one lookup, not a dump of every segment)."""
    remember_change(ws, slug, lang_key, "", rev, [], units)  # no base: kept whole


MAX_DELTAS = 50
"""Shown contents stored as changes to an earlier one, at most this many in a row (then a whole
one): resolving one costs a query per link."""


def remember_change(
    ws: Workspace,
    slug: str,
    lang_key: str,
    rev_before: str,
    rev_after: str,
    changed: list[Unit],
    after: list[Unit],
) -> None:
    """Keep the content under ``rev_after`` after an editor's save: as the ``changed``
    units over the content kept for ``rev_before`` when there is one (a save of one segment of
    a 20,000-segment article stores one segment, not all of them), else whole."""
    with writing(ws) as conn:
        after_kept = conn.execute(
            "SELECT 1 FROM shown_content WHERE slug = ? AND lang = ? AND rev = ?",
            (slug, lang_key, rev_after),
        ).fetchone()
        if after_kept:
            return
        base = conn.execute(
            "SELECT units FROM shown_content WHERE slug = ? AND lang = ? AND rev = ?",
            (slug, lang_key, rev_before),
        ).fetchone()
        depth = _depth(base[0]) + 1 if base else MAX_DELTAS + 1
        if depth > MAX_DELTAS:
            data: object = [[u.ctx, u.english, u.text, u.state] for u in after]
        else:
            rows = [[u.ctx, u.english, u.text, u.state] for u in changed]
            data = {"base": rev_before, "depth": depth, "units": rows}
        conn.execute(
            "INSERT OR IGNORE INTO shown_content (slug, lang, rev, units, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (slug, lang_key, rev_after, json.dumps(data, ensure_ascii=False), now_iso()),
        )


def _depth(stored: str) -> int:
    return int(json.loads(stored).get("depth", 0)) if stored.startswith("{") else 0


def shown(
    conn: sqlite3.Connection, slug: str, lang_key: str, rev: str
) -> dict[str, tuple[str, str, str]] | None:
    """Segment id → (English, text, state) as kept under ``rev`` (changes resolved over
    their base), in the file's order; None when it was never kept."""
    changes: list[list[list[str]]] = []
    for _ in range(MAX_DELTAS + 2):
        row = conn.execute(
            "SELECT units FROM shown_content WHERE slug = ? AND lang = ? AND rev = ?",
            (slug, lang_key, rev),
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        if isinstance(data, list):
            out = {ctx: (english, text, state) for ctx, english, text, state in data}
            for units in reversed(changes):
                out.update({ctx: (english, text, state) for ctx, english, text, state in units})
            return out
        changes.append(data["units"])
        rev = data["base"]
    return None


def was_shown(ws: Workspace, slug: str, lang_key: str, rev: str) -> bool:
    """Whether content under ``rev`` was ever kept here (shown on an editor page, saved by
    an editor or approved): only then can :func:`changes_since` say what changed."""
    with connect(ws) as conn:
        return (
            conn.execute(
                "SELECT 1 FROM shown_content WHERE slug = ? AND lang = ? AND rev = ?",
                (slug, lang_key, rev),
            ).fetchone()
            is not None
        )


@dataclass(frozen=True)
class ChangedSegment:
    ctx: str
    english: str
    before: str
    """The text the editor saw ("" if the segment was not there)."""
    before_state: str
    now: str
    now_state: str
    by: str | None
    at: str | None


def changes_since(ws: Workspace, slug: str, lang_key: str, seen_rev: str) -> list[ChangedSegment]:
    """The segments that differ from what was shown under ``seen_rev`` (empty when that
    revision was never shown here, e.g. a revision typed on the command line)."""
    with connect(ws) as conn:
        seen = shown(conn, slug, lang_key, seen_rev)
    if seen is None:
        return []
    out = []
    current = read_segments(ws, slug, lang_key)
    for unit in current:
        english, text, state = seen.pop(unit.ctx, ("", "", ""))
        if (english, text, state) != (unit.english, unit.text, unit.state):
            last = last_change(ws, slug, lang_key, unit.ctx)
            out.append(
                ChangedSegment(
                    unit.ctx,
                    unit.english,
                    text,
                    state,
                    unit.text,
                    unit.state,
                    last.by if last else None,
                    last.at if last else None,
                )
            )
    for ctx, (english, text, state) in seen.items():
        out.append(ChangedSegment(ctx, english, text, state, "", "removed", None, None))
    return out
