"""The events people are told about, and who is told (:mod:`azad.notify.inbox` records
and sends). Each is called after its change has committed and never raises.

* ``ready``: a save (in the app, or an import from a CAT tool) left every segment of a
  translation reviewed → editors.
* ``question``: a translator comments on a segment → editors (unless told ``reply``).
* ``reply``: a comment on a segment → everyone who commented there before.
* ``sent_back``, ``approved``, ``published``: → the translation's holder and the
  translators who claimed it once or saved segments of it.
* ``taken_over``: an editor takes a claim over → its holder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from azad.db.users import User
from azad.notify.inbox import commenters, editors, notify, workers
from azad.queue.store import Queue
from azad.workspace import Workspace

log = logging.getLogger("azad.notify")


def _safely(what: str, run: Callable[[], object]) -> None:
    try:
        run()
    except Exception:  # the change is committed; a notification never undoes or fails it
        log.exception("could not tell anyone about %s", what)


def comment_added(ws: Workspace, slug: str, lang_key: str, ctx: str, user: User, text: str) -> None:
    def run() -> None:
        earlier = commenters(ws, slug, lang_key, ctx)  # notify never tells the actor
        notify(ws, "reply", user.name, slug, lang_key, earlier, ctx=ctx, text=text)
        if not user.is_editor:
            asked = [n for n in editors(ws) if n not in earlier]
            notify(ws, "question", user.name, slug, lang_key, asked, ctx=ctx, text=text)

    _safely(f"a comment on {slug} ({lang_key}) {ctx}", run)


def _to_workers(event: str, ws: Workspace, slug: str, lang_key: str, by: str, text: str) -> None:
    def run() -> None:
        record = Queue(ws).load_record(slug, lang_key)
        claimants = [e.by for e in record.history if e.action == "claim"]
        who = workers(ws, slug, lang_key, record.claimed_by, claimants)
        notify(ws, event, by, slug, lang_key, who, text=text)

    _safely(f"{event} of {slug} ({lang_key})", run)


def sent_back(ws: Workspace, slug: str, lang_key: str, user: User, comment: str) -> None:
    _to_workers("sent_back", ws, slug, lang_key, user.name, comment)


def approved(ws: Workspace, slug: str, lang_key: str, user: User, comment: str) -> None:
    _to_workers("approved", ws, slug, lang_key, user.name, comment)


def published(ws: Workspace, slug: str, lang_key: str, by: str) -> None:
    _to_workers("published", ws, slug, lang_key, by, "")


def taken_over(ws: Workspace, slug: str, lang_key: str, user: User, holder: str | None) -> None:
    if holder:
        _safely(
            f"the claim on {slug} ({lang_key})",
            lambda: notify(ws, "taken_over", user.name, slug, lang_key, [holder]),
        )


def ready(ws: Workspace, slug: str, lang_key: str, by: str) -> None:
    _safely(
        f"{slug} ({lang_key}) ready for review",
        lambda: notify(ws, "ready", by, slug, lang_key, editors(ws)),
    )
