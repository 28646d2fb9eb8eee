"""Notifications: who is told what, in the app's inbox and by e-mail.

A change (a comment, a send-back, an approval …) is made and committed first; then
:func:`notify` records one inbox row per recipient and queues one e-mail per recipient
who has an address and wants it (``outbox``), in one short transaction. It never raises:
a notification that cannot be recorded is logged and the change stands. The e-mails are
sent by :mod:`azad.notify.mailer`, in the background, with retries.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from azad.db.connection import connect, writing
from azad.notify import mailer
from azad.notify.prefs import EVENTS
from azad.workspace import Workspace

log = logging.getLogger("azad.notify")

SUBJECTS = {
    "ready": "ready for review",
    "question": "a question",
    "reply": "a reply to your comment",
    "sent_back": "sent back to you",
    "approved": "approved",
    "published": "published",
    "taken_over": "your claim was taken over",
}
INBOX_PAGE = 100


@dataclass(frozen=True)
class Note:
    """One inbox row."""

    id: int
    event: str
    at: str
    actor: str
    slug: str
    lang: str
    ctx: str
    text: str
    read: bool

    @property
    def what(self) -> str:
        return SUBJECTS.get(self.event, self.event)

    @property
    def link(self) -> str:
        return f"/t/{self.slug}/{self.lang}" + (f"#seg-{self.ctx}" if self.ctx else "")


def notify(
    ws: Workspace,
    event: str,
    actor: str,
    slug: str,
    lang_key: str,
    recipients: Iterable[str],
    *,
    ctx: str = "",
    text: str = "",
) -> int:
    """Tell ``recipients`` (never the actor) about ``event``; how many were told. Never
    raises: the change it reports on is already committed."""
    try:
        told = _record(ws, event, actor, slug, lang_key, recipients, ctx, text)
    except Exception:  # a full disk, a locked database: the change stands regardless
        log.exception("could not record the %s notification of %s (%s)", event, slug, lang_key)
        return 0
    if told:
        mailer.wake(ws)  # the sender goes for the new mail now
    return told


def _record(
    ws: Workspace,
    event: str,
    actor: str,
    slug: str,
    lang_key: str,
    recipients: Iterable[str],
    ctx: str,
    text: str,
) -> int:
    assert event in EVENTS, event
    wanted = [r for r in dict.fromkeys(recipients) if r and r != actor]
    if not wanted:
        return 0
    at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    email_on = ws.settings.notify.enabled
    lang = ws.settings.languages.get(lang_key)
    told = 0
    with writing(ws) as conn:
        names = dict(
            conn.execute("SELECT name, display FROM display_names WHERE script = 'Latn'").fetchall()
        )
        for name in wanted:
            row = conn.execute("SELECT email FROM users WHERE name = ?", (name,)).fetchone()
            if row is None:
                continue  # a PO file's translator who has no account
            off = {
                r[0]
                for r in conn.execute(
                    "SELECT channel FROM notify_prefs WHERE name = ? AND event = ? AND enabled = 0",
                    (name, event),
                )
            }
            if "app" not in off:
                conn.execute(
                    "INSERT INTO notifications (recipient, event, at, actor, slug, lang, ctx,"
                    " text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (name, event, at, actor, slug, lang_key, ctx, text[:2000]),
                )
                told += 1
            if email_on and row[0] and "email" not in off:
                who = names.get(actor, actor)
                where = f"{slug} ({lang.name if lang else lang_key})"
                subject = f"[Azad Press] {where}: {SUBJECTS[event]}"
                body = _body(ws, event, who, where, slug, lang_key, ctx, text)
                conn.execute(
                    "INSERT INTO outbox (recipient, address, subject, body, created, next_try)"
                    " VALUES (?, ?, ?, ?, ?, 0)",
                    (name, row[0], subject, body, at),
                )
                told += 1
    return told


def _body(
    ws: Workspace, event: str, who: str, where: str, slug: str, lang: str, ctx: str, text: str
) -> str:
    lines = [f"{who}: {SUBJECTS[event]} — {where}" + (f", segment {ctx}" if ctx else "")]
    if text:
        lines += ["", text]
    base = ws.settings.notify.app_url.rstrip("/")
    if base:
        lines += ["", f"{base}/t/{slug}/{lang}" + (f"#seg-{ctx}" if ctx else "")]
    lines += ["", "You can choose which notifications you get on your page in the review app."]
    return "\n".join(lines) + "\n"


# --- who is told ------------------------------------------------------------------------


def editors(ws: Workspace) -> list[str]:
    with connect(ws) as conn:
        rows = conn.execute("SELECT name FROM users WHERE role IN ('editor', 'admin')")
        return [r[0] for r in rows.fetchall()]


def workers(
    ws: Workspace, slug: str, lang_key: str, holder: str | None, claimants: Iterable[str] = ()
) -> list[str]:
    """The people a translation is theirs: who holds it now, and the translators who
    claimed it once (a claim ends when the translation is fully reviewed, approved or
    sent back, so the holder alone misses them) or saved segments of it."""
    claimed = list(dict.fromkeys(claimants))
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT DISTINCT c.by FROM changes c JOIN users u ON u.name = c.by "
            "WHERE c.slug = ? AND c.lang = ? AND u.role = 'translator'",
            (slug, lang_key),
        ).fetchall()
        marks = ",".join("?" * len(claimed))
        translators = {
            r[0]
            for r in conn.execute(
                f"SELECT name FROM users WHERE role = 'translator' AND name IN ({marks})",
                claimed,
            )
        }
    ordered = [holder, *(n for n in claimed if n in translators), *(r[0] for r in rows)]
    return list(dict.fromkeys(n for n in ordered if n))


def commenters(ws: Workspace, slug: str, lang_key: str, ctx: str) -> list[str]:
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT DISTINCT by FROM segment_comments WHERE slug = ? AND lang = ? AND ctx = ?",
            (slug, lang_key, ctx),
        ).fetchall()
    return [r[0] for r in rows]


# --- the inbox --------------------------------------------------------------------------


def unread(ws: Workspace, name: str) -> int:
    with connect(ws) as conn:
        row = conn.execute(
            "SELECT count(*) FROM notifications WHERE recipient = ? AND read_at IS NULL", (name,)
        ).fetchone()
    return int(row[0])


def inbox(ws: Workspace, name: str, limit: int = INBOX_PAGE) -> list[Note]:
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT id, event, at, actor, slug, lang, ctx, text, read_at IS NOT NULL "
            "FROM notifications WHERE recipient = ? ORDER BY id DESC LIMIT ?",
            (name, limit),
        ).fetchall()
    return [Note(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8])) for r in rows]


def mark_read(ws: Workspace, name: str, ids: Sequence[int] = ()) -> None:
    """Mark ``ids`` (all, if none are given) of ``name``'s notifications read."""
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with writing(ws) as conn:
        if ids:
            conn.executemany(
                "UPDATE notifications SET read_at = ? WHERE recipient = ? AND id = ? "
                "AND read_at IS NULL",
                [(at, name, i) for i in ids],
            )
        else:
            conn.execute(
                "UPDATE notifications SET read_at = ? WHERE recipient = ? AND read_at IS NULL",
                (at, name),
            )
