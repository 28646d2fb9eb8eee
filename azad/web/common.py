"""Helpers every view uses: rendering a page, reading the target of a URL, errors."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from azad.db.users import Session, display_names
from azad.errors import AzadError, InputError, disk_full
from azad.notify.inbox import unread
from azad.queue.articles import SOURCE_FILE
from azad.queue.status import StaleApproval
from azad.review.actions import Forbidden, require_lang
from azad.review.diff import diff_tokens
from azad.review.dismissals import StaleText
from azad.review.edits import Conflict, NotFound
from azad.web.limits import BodyTooLarge, too_large
from azad.web.pages import Chrome, ErrorPage
from azad.web.schemas import ConflictOut, DiffToken, TheirText, YourText
from azad.web.security import (
    CsrfError,
    LoginRequired,
    check_csrf,
    require_session,
    session,
    workspace,
)
from azad.web.templating import templates, when_text
from azad.workspace import Workspace, is_valid_slug

M = TypeVar("M", bound=BaseModel)


async def json_body(request: Request, model: type[M], expected: str, max_bytes: int) -> M:
    """The request's JSON body as ``model``: over ``max_bytes`` is a 413; malformed JSON,
    wrong types or nesting too deep get one answer naming ``expected``."""
    body = await request.body()
    if len(body) > max_bytes:
        raise too_large(max_bytes)
    try:
        return model.model_validate_json(body)
    except ValidationError:
        raise InputError("body", f"expected JSON {expected}") from None


STATUS_OF: list[tuple[type[AzadError], int]] = [
    (LoginRequired, 401),
    (CsrfError, 403),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (StaleApproval, 409),
    (StaleText, 409),
    (BodyTooLarge, 413),
    (InputError, 400),
    (AzadError, 400),
]


def render(name: str, page: Any, status: int = 200) -> HTMLResponse:
    return HTMLResponse(templates.get_template(name).render(page=page), status_code=status)


log = logging.getLogger("azad.web")


def chrome(request: Request, flash: str = "") -> Chrome:
    sess = session(request)
    ws = workspace(request)
    names: dict[str, str] = {}
    count = 0
    if sess:
        try:
            names, count = display_names(ws), unread(ws, sess.user.name)
        except (sqlite3.Error, OSError):  # a full disk: login names and no count, still a page
            log.warning("display names and the inbox count left out", exc_info=True)
    return Chrome(
        site_name=ws.settings.site.name,
        user=sess.user if sess else None,
        csrf=sess.csrf if sess else "",
        flash=flash or request.query_params.get("msg", "")[:300],
        flash_error=not flash and request.query_params.get("kind") == "error",
        names=names,
        unread=count,
    )


def _target(request: Request, sess: Session) -> tuple[Workspace, str, str]:
    """The workspace, slug and language of a ``/t/{slug}/{lang}`` URL, checked: a slug
    that is not a plain slug or an unknown language is a 404 (nothing path-like reaches
    the file system); a language the user does not work on is a 403."""
    ws = workspace(request)
    slug = request.path_params["slug"]
    lang = request.path_params["lang"]
    if not is_valid_slug(slug):
        raise NotFound("no such article")
    if not (ws.article_dir(slug) / SOURCE_FILE).is_file():
        raise NotFound(f"{slug}: no such article")
    if lang not in ws.settings.languages:
        raise NotFound("no such language")
    require_lang(sess.user, lang)
    return ws, slug, lang


Target = tuple[Session, Workspace, str, str]
"""The logged-in session, the workspace, the slug and the language key of a view on one
article × language."""


def target(request: Request) -> Target:
    """The preamble of every view on ``/t/{slug}/{lang}``: a session (else the login
    page, or 401 on the API), then the article and language, checked."""
    sess = require_session(request)
    return (sess, *_target(request, sess))


def write_target(request: Request, csrf: str | None) -> Target:
    """:func:`target` for a write: the CSRF token (the form's ``csrf`` field or the API's
    ``X-CSRF-Token`` header) is checked before the article is looked up."""
    sess = require_session(request)
    check_csrf(request, sess, csrf)
    return (sess, *_target(request, sess))


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def safe_next(value: str | None) -> str:
    """Only a path of this site: no scheme, no host, no ``//``."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


DISK_FULL = (
    "the server's disk is full: nothing was saved (your text stays here); "
    "save again once space has been freed"
)
DISK_FULL_PAGE = (
    "the server's disk is full: nothing was changed; try again once space has been freed"
)


def handle_disk_full(request: Request, exc: Exception) -> Response:
    """507 Insufficient Storage when a write found the disk full (every write is atomic:
    nothing half-written); any other OSError stays a 500."""
    if not disk_full(exc, request.app.state.workspace.root):
        raise exc
    if is_api(request):
        return JSONResponse({"error": DISK_FULL}, status_code=507)
    # No session lookup: the session is in SQLite, which a full disk may be what broke
    # (its write-ahead log cannot grow), and the error page must not fail the same way.
    # The settings were read at start-up; the template is in memory once rendered.
    frame = Chrome(site_name=workspace(request).settings.site.name, user=None)
    return render("error.html", ErrorPage(frame, 507, DISK_FULL_PAGE), status=507)


def _lang_code(request: Request) -> str:
    """The language code of the translation a request is about ("" if none)."""
    lang = workspace(request).settings.languages.get(str(request.path_params.get("lang", "")))
    return lang.code if lang else ""


def handle_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AzadError)
    code = next(c for cls, c in STATUS_OF if isinstance(exc, cls))
    if isinstance(exc, LoginRequired) and not is_api(request):
        return RedirectResponse("/login?next=" + quote(request.url.path), status_code=303)
    if is_api(request):
        body: dict[str, Any] = {"error": str(exc)}
        if isinstance(exc, Conflict):
            last = exc.last
            body = ConflictOut(
                error=str(exc),
                conflict=True,
                yours=YourText(text=exc.yours),
                current=TheirText(
                    text=exc.current.text,
                    rev=exc.current.rev,
                    state=exc.current.state,
                    reviewed=exc.current.reviewed,
                    by=last.by if last else None,
                    by_name=display_names(workspace(request)).get(last.by, last.by)
                    if last
                    else None,
                    at=last.at if last else None,
                    at_shown=when_text(last.at, _lang_code(request)) if last else None,
                    via=last.via if last else None,
                ),
                diff=[
                    DiffToken(op=t.op, text=t.text)
                    for t in diff_tokens(exc.current.text, exc.yours)
                ],
            ).model_dump()
        return JSONResponse(body, status_code=code)
    return render("error.html", ErrorPage(chrome(request), code, str(exc)), status=code)
