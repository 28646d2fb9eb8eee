"""Talking about segments and checks on the editor page.

JSON (the editor page's script, like saves; ``X-CSRF-Token`` header):

* ``POST /api/t/{slug}/{lang}/segments/{ctx}/comments`` ``{"text", "reply_to"}``:
  comment on a segment, or answer a comment in its thread.
* ``POST /api/t/{slug}/{lang}/segments/{ctx}/comments/{id}`` ``{"action", "text"}``:
  edit or delete your own comment, resolve or reopen a thread (each recorded).

Both answer the segment's comments and the translation's open questions.
* ``POST /api/t/{slug}/{lang}/segments/{ctx}/dismiss`` ``{"check", "rev"}``: dismiss a
  QA warning for the segment's text at ``rev`` (409 if it changed since).
* ``POST /api/t/{slug}/{lang}/segments/{ctx}/restore`` ``{"check", "rev"}``: bring a
  dismissed warning back; the segment's thread records who did, and answers with it.

Forms (editors; ``csrf`` field), which go back to the editor page with a message, the
reason included when the action is refused:

* ``POST /t/{slug}/{lang}/segments/send-back``: ``ctx`` (one or more) and ``comment``;
* ``POST /t/{slug}/{lang}/claim/take-over``: take the claim over from its holder;
* ``POST /t/{slug}/{lang}/glossary/add``: ``english``, ``form``, ``note``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from azad.db.users import User, display_names
from azad.errors import AzadError
from azad.glossary import load_glossary
from azad.queue import status as state
from azad.review import events
from azad.review.actions import Forbidden, require_editor
from azad.review.dismissals import dismiss, dismissals, restore, split
from azad.review.edits import NotFound
from azad.review.qa import check_segment
from azad.review.talk import (
    add_comment,
    change_comment,
    live_unit,
    open_question_count,
    send_back_segments,
    threads,
)
from azad.review.terms import add_glossary_term
from azad.web.common import json_body, write_target
from azad.web.schemas import (
    CommentOut,
    CommentRequest,
    CommentsOut,
    DismissedOut,
    DismissOut,
    DismissRequest,
    ThreadActionRequest,
)
from azad.web.templating import comment_json
from azad.workspace import Workspace

MAX_BODY = 16_000
FORM_TEXT = 4000


async def comment(request: Request) -> Response:
    sess, ws, slug, lang_key = write_target(request, request.headers.get("x-csrf-token"))
    ctx = request.path_params["ctx"]
    data = await json_body(request, CommentRequest, '{"text": str}', MAX_BODY)

    def run() -> CommentsOut:
        add_comment(ws, slug, lang_key, ctx, sess.user, data.text, reply_to=data.reply_to)
        return _comments_out(ws, slug, lang_key, ctx)

    return JSONResponse((await run_in_threadpool(run)).model_dump())


async def thread_action(request: Request) -> Response:
    """Edit or delete one's own comment, or resolve or reopen its thread."""
    sess, ws, slug, lang_key = write_target(request, request.headers.get("x-csrf-token"))
    ctx = request.path_params["ctx"]
    try:
        cid = int(request.path_params["cid"])
    except ValueError:
        raise NotFound("no such comment") from None
    expected = '{"action": "edit"|"delete"|"resolve"|"reopen", "text": str}'
    data = await json_body(request, ThreadActionRequest, expected, MAX_BODY)

    def run() -> CommentsOut:
        change_comment(ws, slug, lang_key, ctx, cid, sess.user, data.action, data.text)
        return _comments_out(ws, slug, lang_key, ctx)

    return JSONResponse((await run_in_threadpool(run)).model_dump())


def _comments_out(ws: Workspace, slug: str, lang_key: str, ctx: str) -> CommentsOut:
    return CommentsOut(
        ctx=ctx,
        comments=_thread(ws, slug, lang_key, ctx),
        open_questions=open_question_count(ws, slug, lang_key),
    )


def _thread(ws: Workspace, slug: str, lang_key: str, ctx: str) -> list[CommentOut]:
    """The segment's comments as the API answers them, oldest first."""
    unit = live_unit(ws, slug, lang_key, ctx)
    names = display_names(ws)
    code = ws.settings.languages[lang_key].code
    return [
        CommentOut.model_validate(comment_json(c, code, names))
        for c in threads(ws, slug, lang_key, [unit]).get(ctx, [])
    ]


async def dismiss_check(request: Request) -> Response:
    return await _check_action(request, restoring=False)


async def restore_check(request: Request) -> Response:
    return await _check_action(request, restoring=True)


async def _check_action(request: Request, *, restoring: bool) -> Response:
    """Dismiss a QA warning of a segment, or bring a dismissed one back; the answer is the
    segment's warnings as they stand then (and, for a restore, its thread, which says so)."""
    sess, ws, slug, lang_key = write_target(request, request.headers.get("x-csrf-token"))
    ctx = request.path_params["ctx"]
    data = await json_body(request, DismissRequest, '{"check": str, "rev": str}', MAX_BODY)

    def run() -> DismissOut:
        code = ws.settings.languages[lang_key].code
        glossary = load_glossary(ws.glossary_path)
        unit = live_unit(ws, slug, lang_key, ctx)
        warnings = check_segment(unit.english, unit.text, code, glossary)
        if restoring:
            unit = restore(ws, slug, lang_key, ctx, data.rev, data.check, sess.user)
        else:
            unit = dismiss(ws, slug, lang_key, ctx, data.rev, data.check, sess.user, warnings)
        active, dismissed = split(unit, warnings, dismissals(ws, slug, lang_key))
        names = display_names(ws)
        return DismissOut(
            ctx=ctx,
            warnings=[w.message for w in active],
            checks=[w.kind for w in active],
            dismissed=[
                DismissedOut(
                    check=d.warning.kind,
                    message=d.warning.message,
                    by=d.by,
                    by_name=names.get(d.by, d.by),
                    at=d.at,
                )
                for d in dismissed
            ],
            comments=_thread(ws, slug, lang_key, ctx) if restoring else None,
        )

    return JSONResponse((await run_in_threadpool(run)).model_dump(exclude_none=True))


FormAction = Callable[[Workspace, str, str, User, FormData], str]


def _send_back(ws: Workspace, slug: str, lang: str, user: User, form: FormData) -> str:
    ctxs = [str(c)[:64] for c in form.getlist("ctx")][:10_000]
    send_back_segments(ws, slug, lang, ctxs, user, str(form.get("comment", ""))[:FORM_TEXT])
    n = len(set(ctxs))
    return f"Sent back {n} segment{'s' if n != 1 else ''}: {', '.join(dict.fromkeys(ctxs))}."


def _take_over(ws: Workspace, slug: str, lang: str, user: User, form: FormData) -> str:
    require_editor(user)
    holder = state.translation_status(ws, slug, lang).claimed_by
    state.take_over(ws, slug, lang, user.name, hours=ws.settings.review.claim_hours)
    events.taken_over(ws, slug, lang, user, holder)
    return f"You hold this translation now (taken over from {holder})."


def _glossary_add(ws: Workspace, slug: str, lang: str, user: User, form: FormData) -> str:
    entry = add_glossary_term(
        ws,
        lang,
        user,
        str(form.get("english", ""))[:FORM_TEXT],
        str(form.get("form", ""))[:FORM_TEXT],
        str(form.get("note", ""))[:FORM_TEXT],
    )
    return f"Added to the glossary: {entry.english}."


async def _form_action(request: Request, run: FormAction) -> Response:
    form = await request.form()
    sess, ws, slug, lang = write_target(request, str(form.get("csrf", "")))
    try:
        message = await run_in_threadpool(run, ws, slug, lang, sess.user, form)
    except Forbidden:
        raise
    except AzadError as exc:
        # A refused action goes back to the article, saying why.
        message = f"Not done: {exc}"
    return RedirectResponse(f"/t/{slug}/{lang}?msg={quote(message[:300])}", status_code=303)


async def send_back(request: Request) -> Response:
    return await _form_action(request, _send_back)


async def take_over(request: Request) -> Response:
    return await _form_action(request, _take_over)


async def glossary_add(request: Request) -> Response:
    return await _form_action(request, _glossary_add)
