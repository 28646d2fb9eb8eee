"""Form actions on an article × language: claim, release, approve, send back, publish.
Each checks the CSRF token, calls :mod:`azad.review.actions` (which checks the role) and
redirects back to the editor page with a message."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from azad.db.users import User
from azad.errors import AzadError
from azad.publish import submit
from azad.queue.status import StaleApproval
from azad.review import actions
from azad.review.actions import Forbidden
from azad.review.edits import NotFound
from azad.review.shown import changes_since
from azad.web.common import chrome, render, write_target
from azad.web.pages import StalePage
from azad.workspace import Workspace

MAX_COMMENT = 4000

Action = Callable[[Workspace, str, str, User, str, str], str]
"""(workspace, slug, language, user, comment, the content revision the page showed)"""


def _claim(ws: Workspace, slug: str, lang: str, user: User, comment: str, rev: str) -> str:
    actions.claim(ws, slug, lang, user)
    return "You hold this translation now."


def _release(ws: Workspace, slug: str, lang: str, user: User, comment: str, rev: str) -> str:
    actions.release(ws, slug, lang, user)
    return "Released."


def _approve(ws: Workspace, slug: str, lang: str, user: User, comment: str, rev: str) -> str:
    actions.approve(ws, slug, lang, user, rev, comment)
    return "Approved."


def _approve_anyway(ws: Workspace, slug: str, lang: str, user: User, comment: str, rev: str) -> str:
    """Approve, the editor having ticked that the open questions may stay open."""
    actions.approve(ws, slug, lang, user, rev, comment, ignore_open_questions=True)
    return "Approved (with open questions)."


def _send_back(ws: Workspace, slug: str, lang: str, user: User, comment: str, rev: str) -> str:
    actions.send_back(ws, slug, lang, user, comment)
    return "Sent back to the translators."


def _publish(ws: Workspace, slug: str, lang: str, user: User, comment: str, rev: str) -> str:
    run, new = actions.publish_translation(ws, slug, lang, user)
    where = (
        f"to Prefect (deployment {submit.DEPLOYMENT}, flow run {run.flow_run_name})"
        if run.via == "deployment"
        else "(running in the review app)"
    )
    if not new:
        return f"A publish run for this translation is still under way: {run.label}"
    return f"Publish flow submitted {where}; its state shows below."


ACTIONS: dict[str, Action] = {
    "claim": _claim,
    "release": _release,
    "approve": _approve,
    "send-back": _send_back,
    "publish": _publish,
}


async def action(request: Request) -> Response:
    form = await request.form()
    sess, ws, slug, lang = write_target(request, str(form.get("csrf", "")))
    name = request.path_params["action"]
    run = ACTIONS.get(name)
    if run is None:
        return Response("no such action", status_code=404)
    comment = str(form.get("comment", ""))[:MAX_COMMENT]
    rev = str(form.get("rev", ""))[:64]
    if name == "approve" and form.get("ignore_open_questions"):
        run = _approve_anyway
    try:
        message = await run_in_threadpool(run, ws, slug, lang, sess.user, comment, rev)
    except StaleApproval as exc:
        changes = await run_in_threadpool(changes_since, ws, slug, lang, exc.seen)
        language = ws.settings.languages[lang]
        page = StalePage(chrome(request), slug, lang, language, str(exc), changes)
        return render("stale.html", page, status=409)
    except (Forbidden, NotFound):
        raise  # a role or a target that does not exist: the error page, as for any URL
    except AzadError as exc:
        # Refused as the translation stands (not reviewed, nothing to send back, already
        # claimed…): back to the article, the reason in a banner.
        return RedirectResponse(
            f"/t/{slug}/{lang}?msg={quote(str(exc)[:300])}&kind=error", status_code=303
        )
    return RedirectResponse(f"/t/{slug}/{lang}?msg={quote(message)}", status_code=303)
