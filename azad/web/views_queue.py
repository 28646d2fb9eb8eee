"""The queue: every article × language the user may see, with status and progress,
oldest first (or least progress, or least confident first), filtered by language, status
and a search of titles, slugs and English text, a page at a time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from azad.queue.status import STATUSES
from azad.review.index import QueueRow, queue_rows, search
from azad.review.ready import ready_for, ready_for_approval
from azad.review.talk import comment_counts
from azad.web.common import chrome, render
from azad.web.pages import QueuePage
from azad.web.security import require_session, workspace

PAGE_SIZE = 100


def _by_progress(r: QueueRow) -> tuple[float, float]:
    return (r.reviewed / r.total if r.total else 1.0, r.po_mtime)


def _by_confidence(r: QueueRow) -> tuple[bool, float, float]:
    return (r.min_score is None, r.min_score or 0.0, r.po_mtime)


SORTS: dict[str, tuple[str, Callable[[QueueRow], Any] | None]] = {
    "age": ("oldest first", None),  # queue_rows' own order
    "progress": ("least progress first", _by_progress),
    "confidence": ("least confident first", _by_confidence),
}


def queue(request: Request) -> Response:
    sess = require_session(request)
    ws = workspace(request)
    visible = {k: v for k, v in ws.settings.languages.items() if sess.user.can_edit(k)}
    lang = request.query_params.get("lang", "")
    status = request.query_params.get("status", "")
    sort = request.query_params.get("sort", "age")
    q = request.query_params.get("q", "")[:200]
    # A bad filter is a link someone followed (or typed): show the queue and say what was
    # ignored, rather than an error page.
    notices = []
    if lang and lang not in visible:
        known = ws.settings.languages.get(lang)
        what = f"{known.name} is not one of your languages" if known else "unknown language"
        notices.append(f"{what} ({lang[:40]}): showing all of yours")
        lang = ""
    if status and status not in STATUSES:
        notices.append(f"unknown status ({status[:40]}): showing every status")
        status = ""
    if sort not in SORTS:
        notices.append(f"unknown order ({sort[:40]}): oldest first")
        sort = "age"
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    view = request.query_params.get("view", "")
    if view not in ("", "mine"):
        notices.append(f"unknown view ({view[:40]}): showing every translation")
        view = ""
    rows = [r for r in queue_rows(ws, lang=lang or None) if r.lang_key in visible]
    if q.strip():
        rows = search(ws, rows, q)
    mine = sum(1 for r in rows if ready_for(sess.user, r))
    if view == "mine":
        rows = [r for r in rows if ready_for(sess.user, r)]
    counts = Counter(r.status for r in rows)
    if status:
        rows = [r for r in rows if r.status == status]
    key = SORTS[sort][1]
    if key is not None:
        rows = sorted(rows, key=key)
    elif sess.user.is_editor:
        # An editor's work first: what is ready for approval (stable: oldest first within).
        rows = sorted(rows, key=lambda r: not ready_for_approval(r))
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(page, pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render(
        "queue.html",
        QueuePage(
            chrome=chrome(request),
            rows=shown,
            languages=visible,
            statuses=STATUSES,
            lang=lang,
            status=status,
            page=page,
            pages=pages,
            total=len(rows),
            counts={s: counts.get(s, 0) for s in STATUSES},
            comments=comment_counts(ws),
            q=q,
            sort=sort,
            sorts={k: label for k, (label, _) in SORTS.items()},
            notice="; ".join(notices),
            view=view,
            ready=mine,
            ready_label="ready for approval" if sess.user.is_editor else "ready for me",
            live_fallback_s=ws.settings.review.live_fallback_s,
        ),
    )
