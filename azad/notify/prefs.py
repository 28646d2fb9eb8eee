"""What each person is told, and how: every event by e-mail and in the app unless they
chose otherwise on their page (``notify_prefs``: one row per event × channel they set)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from azad.db.connection import connect, writing
from azad.workspace import Workspace

EVENTS: Final[dict[str, str]] = {
    "ready": "A translation is ready for review (editors)",
    "question": "A translator asks a question on a segment (editors)",
    "reply": "A reply to your comment",
    "sent_back": "Your translation is sent back",
    "approved": "Your translation is approved",
    "published": "Your translation is published",
    "taken_over": "Your claim is taken over",
}
CHANNELS: Final[dict[str, str]] = {"app": "In the app", "email": "By e-mail"}


def preferences(ws: Workspace, name: str) -> dict[tuple[str, str], bool]:
    """(event, channel) → whether ``name`` gets it (on unless they turned it off)."""
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT event, channel, enabled FROM notify_prefs WHERE name = ?", (name,)
        ).fetchall()
    chosen = {(r[0], r[1]): bool(r[2]) for r in rows}
    return {(e, c): chosen.get((e, c), True) for e in EVENTS for c in CHANNELS}


def choose(ws: Workspace, name: str, enabled: Iterable[tuple[str, str]]) -> None:
    """``name`` gets exactly the (event, channel) pairs in ``enabled``."""
    on = set(enabled)
    with writing(ws) as conn:
        conn.executemany(
            "INSERT INTO notify_prefs (name, event, channel, enabled) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name, event, channel) DO UPDATE SET enabled = excluded.enabled",
            [(name, e, c, int((e, c) in on)) for e in EVENTS for c in CHANNELS],
        )
