"""What each person did, week by week: the people page and ``azad report people``.

Per person and ISO week (Monday to Sunday, UTC):

* **segments reviewed**: segments they saved as reviewed (the change log; a segment saved
  reviewed twice in a week counts once),
* **words**: the words (runs between white space) of those segments' reviewed texts, as
  last saved that week,
* **articles**: translations (article × language) they saved any segment of,
* **comments**: comments they wrote on segments,
* **send-backs**: translations they sent back (whole, or some of their segments; the
  review records' history).

One function computes the rows, so the page and the command line cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass

from azad.db.connection import connect
from azad.queue.store import Queue
from azad.workspace import Workspace


@dataclass(frozen=True)
class WeekRow:
    person: str
    week: str
    """ISO week, ``2026-W49``."""
    segments: int
    words: int
    articles: int
    comments: int
    send_backs: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def iso_week(at: str) -> str:
    """The ISO week of a timestamp (``2026-12-07T06:00:00+00:00`` → ``2026-W50``)."""
    stamp = dt.datetime.fromisoformat(at)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC)
    year, week, _ = stamp.isocalendar()
    return f"{year}-W{week:02d}"


def weekly(ws: Workspace, person: str | None = None) -> list[WeekRow]:
    """Rows per person and week, newest week first, then by person; only ``person``'s
    when given. Weeks without any activity have no row."""
    reviewed: dict[tuple[str, str], dict[tuple[str, str, str], str]] = defaultdict(dict)
    articles: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    comments: dict[tuple[str, str], int] = defaultdict(int)
    send_backs: dict[tuple[str, str], int] = defaultdict(int)
    where, args = ("WHERE by = ?", (person,)) if person else ("", ())
    with connect(ws) as conn:
        changes = conn.execute(
            f"SELECT by, at, slug, lang, ctx, new, new_fuzzy, via FROM changes {where} ORDER BY id",
            args,
        ).fetchall()
        talk = conn.execute(
            f"SELECT by, at FROM segment_comments {where} "
            f"{'AND' if where else 'WHERE'} kind = 'comment'",
            args,
        ).fetchall()
    for by, at, slug, lang, ctx, new, fuzzy, via in changes:
        if via == "send back":
            continue  # the editor's send-back, counted below, is no review
        key = (by, iso_week(at))
        articles[key].add((slug, lang))
        if not fuzzy and new:
            reviewed[key][(slug, lang, ctx)] = new  # the last saved text of the week
    for by, at in talk:
        comments[(by, iso_week(at))] += 1
    queue = Queue(ws)
    for slug, lang in queue.pairs():
        for event in queue.load_record(slug, lang).history:
            if event.action == "send back" and (person is None or event.by == person):
                send_backs[(event.by, iso_week(event.at.isoformat()))] += 1
    keys = set(articles) | set(comments) | set(send_backs)
    rows = [
        WeekRow(
            person=by,
            week=week,
            segments=len(reviewed[(by, week)]),
            words=sum(len(text.split()) for text in reviewed[(by, week)].values()),
            articles=len(articles[(by, week)]),
            comments=comments[(by, week)],
            send_backs=send_backs[(by, week)],
        )
        for by, week in keys
    ]
    rows.sort(key=lambda r: r.person)
    rows.sort(key=lambda r: r.week, reverse=True)
    return rows
