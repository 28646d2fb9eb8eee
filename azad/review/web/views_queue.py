"""The queue: every article × language the user may see, with status and progress,
oldest first, filtered by language and status, a page at a time."""

from __future__ import annotations

from collections import Counter

from starlette.requests import Request
from starlette.responses import Response

from azad.errors import InputError
from azad.queue.status import STATUSES
from azad.review.index import queue_rows
from azad.review.talk import comment_counts
from azad.review.web.common import chrome, render
from azad.review.web.pages import QueuePage
from azad.review.web.security import require_session, workspace

PAGE_SIZE = 100


def queue(request: Request) -> Response:
    sess = require_session(request)
    ws = workspace(request)
    visible = {k: v for k, v in ws.settings.languages.items() if sess.user.can_edit(k)}
    lang = request.query_params.get("lang", "")
    status = request.query_params.get("status", "")
    if lang and lang not in visible:
        raise InputError(lang, "unknown language, or not one of yours")
    if status and status not in STATUSES:
        raise InputError(status, "unknown status")
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        raise InputError("page", "not a number") from None
    rows = [r for r in queue_rows(ws, lang=lang or None) if r.lang_key in visible]
    counts = Counter(r.status for r in rows)
    if status:
        rows = [r for r in rows if r.status == status]
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
        ),
    )
