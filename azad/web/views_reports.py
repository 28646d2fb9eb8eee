"""Editors' reports: ``/reports/post-edits``, how much translators changed the machine's
drafts before approval (:mod:`azad.review.postedits`), per engine package, language and
month. Editors and admins only."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from azad.review.actions import require_editor
from azad.review.postedits import PostEditRow, post_edit_report
from azad.settings import Language
from azad.web.common import chrome, render
from azad.web.pages import Chrome
from azad.web.security import require_session, workspace


@dataclass(frozen=True)
class PostEditsPage:
    chrome: Chrome
    rows: list[PostEditRow]
    languages: dict[str, Language]


async def post_edits(request: Request) -> Response:
    sess = require_session(request)
    require_editor(sess.user)
    ws = workspace(request)
    # Reads every approved translation: off the event loop.
    rows = await run_in_threadpool(post_edit_report, ws)
    return render("post_edits.html", PostEditsPage(chrome(request), rows, ws.settings.languages))
