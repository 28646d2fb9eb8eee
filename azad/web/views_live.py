"""Live pages (:mod:`.live`) and checks while typing.

* ``GET /api/events``: the queue page's stream; an event ``queue`` ``{"slug", "lang"}``
  whenever a translation of one of the user's languages changed.
* ``GET /api/t/{slug}/{lang}/events``: the editor page's stream; an event
  ``translation`` with the status, counts, QA summary, filter counts, open questions and
  the segments that changed (text, revision, state, warnings, comments).

Both stream (``text/event-stream``) for a client that accepts it (``EventSource`` does);
anyone else gets the state once as JSON, which is how a page polls when the server has
no stream left for it (503, Retry-After). Streams need a session, like every page.

* ``POST /api/t/{slug}/{lang}/segments/{ctx}/check`` ``{"text"}``: the QA warnings a
  text being typed would get (nothing is saved; warnings dismissed for exactly that text
  stay dismissed).
"""

from __future__ import annotations

import dataclasses
import hashlib

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from azad.glossary import load_glossary
from azad.review.dismissals import dismissals, split
from azad.review.qa import check_segment
from azad.review.talk import live_unit
from azad.web.common import json_body, target, write_target
from azad.web.live import Busy, events, hub_of
from azad.web.live_state import file_stamps, translation_state
from azad.web.schemas import CheckOut, CheckRequest
from azad.web.security import SESSION_COOKIE, require_session, workspace

STREAM_HEADERS = {"cache-control": "no-store", "x-accel-buffering": "no"}


def _wants_stream(request: Request) -> bool:
    return "text/event-stream" in request.headers.get("accept", "")


def _busy(exc: Busy, retry_s: float) -> Response:
    """No stream left: the page polls (this JSON's ``retry_after``, and the header)."""
    retry = max(1, round(retry_s))
    return JSONResponse(
        {"error": str(exc), "retry_after": retry},
        status_code=503,
        headers={"retry-after": str(retry), "cache-control": "no-store"},
    )


async def queue_events(request: Request) -> Response:
    sess = require_session(request)
    ws = workspace(request)
    visible = {k for k in ws.settings.languages if sess.user.can_edit(k)}
    if not _wants_stream(request):
        stamps = await run_in_threadpool(file_stamps, ws, None)
        seen = sorted(f"{k[0]}/{k[1]}={v}" for k, v in stamps.items() if k[1] in visible)
        version = hashlib.sha256("\n".join(seen).encode()).hexdigest()[:16]
        return JSONResponse({"version": version}, headers={"cache-control": "no-store"})
    hub = hub_of(request.app)
    try:
        sub = await hub.subscribe(sess.user, request.cookies.get(SESSION_COOKIE, ""), None)
    except Busy as exc:
        return _busy(exc, ws.settings.review.live_fallback_s)
    hello = {"langs": sorted(visible)}
    return StreamingResponse(
        events(hub, sub, hello), media_type="text/event-stream", headers=STREAM_HEADERS
    )


async def translation_events(request: Request) -> Response:
    sess, ws, slug, lang_key = target(request)
    if not _wants_stream(request):
        state = await run_in_threadpool(translation_state, ws, slug, lang_key)
        body = {**state.summary, "revs": {ctx: s.rev for ctx, s in state.segments.items()}}
        return JSONResponse(body, headers={"cache-control": "no-store"})
    hub = hub_of(request.app)
    token = request.cookies.get(SESSION_COOKIE, "")
    try:
        sub = await hub.subscribe(sess.user, token, (slug, lang_key))
    except Busy as exc:
        return _busy(exc, ws.settings.review.live_fallback_s)
    return StreamingResponse(
        events(hub, sub, {"slug": slug, "lang": lang_key}),
        media_type="text/event-stream",
        headers=STREAM_HEADERS,
    )


async def check_text(request: Request) -> Response:
    """The warnings ``text`` would get in segment ``ctx`` (nothing written)."""
    _, ws, slug, lang_key = write_target(request, request.headers.get("x-csrf-token"))
    ctx = request.path_params["ctx"]
    data = await json_body(request, CheckRequest, '{"text": str}', 64_000)

    def run() -> CheckOut:
        unit = live_unit(ws, slug, lang_key, ctx)
        typed = dataclasses.replace(unit, text=data.text)
        code = ws.settings.languages[lang_key].code
        warnings = check_segment(unit.english, data.text, code, load_glossary(ws.glossary_path))
        active, _ = split(typed, warnings, dismissals(ws, slug, lang_key))
        return CheckOut(
            ctx=ctx, warnings=[w.message for w in active], checks=[w.kind for w in active]
        )

    return JSONResponse((await run_in_threadpool(run)).model_dump())
