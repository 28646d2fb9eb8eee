"""The JSON API the editor page's script uses: read and save one segment.

A save is ``POST /api/t/{slug}/{lang}/segments/{ctx}`` with ``{"text", "rev",
"reviewed"}`` and the ``X-CSRF-Token`` header. It answers 200 with the segment's new
revision, or 409 with both texts (the one in the file and the one sent) when the segment
changed since ``rev``.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from azad.glossary import load_glossary
from azad.queue.units import Unit
from azad.review.dismissals import dismissals, split
from azad.review.edits import NotFound, read_segments
from azad.review.qa import check_segment
from azad.review.saving import save_segment as save_one
from azad.review.talk import claim_warning, threads
from azad.web.common import json_body, target, write_target
from azad.web.schemas import SavedOut, SaveRequest, SegmentOut
from azad.workspace import Workspace

MAX_BODY = 64_000


def _segment_out(ws: Workspace, slug: str, lang_key: str, seg: Unit) -> SegmentOut:
    code = ws.settings.languages[lang_key].code
    warnings = check_segment(seg.english, seg.text, code, load_glossary(ws.glossary_path))
    warnings, _ = split(seg, warnings, dismissals(ws, slug, lang_key))
    return SegmentOut(
        ctx=seg.ctx,
        english=seg.english,
        text=seg.text,
        rev=seg.rev,
        state=seg.state,
        reviewed=seg.reviewed,
        warnings=[w.message for w in warnings],
        checks=[w.kind for w in warnings],
        comments=len(threads(ws, slug, lang_key, [seg]).get(seg.ctx, [])),
    )


def get_segment(request: Request) -> Response:
    _, ws, slug, lang_key = target(request)
    ctx = request.path_params["ctx"]
    for seg in read_segments(ws, slug, lang_key):
        if seg.ctx == ctx:
            return JSONResponse(_segment_out(ws, slug, lang_key, seg).model_dump())
    raise NotFound(f"no segment {ctx}")


async def save_segment(request: Request) -> Response:
    sess, ws, slug, lang_key = write_target(request, request.headers.get("x-csrf-token"))
    ctx = request.path_params["ctx"]
    expected = '{"text": str, "rev": str, "reviewed": bool}'
    data = await json_body(request, SaveRequest, expected, MAX_BODY)
    text, rev, reviewed = data.text, data.rev, data.reviewed

    def save() -> dict[str, Any]:
        done = save_one(ws, slug, lang_key, sess.user, ctx, text, rev, reviewed=reviewed)
        report, result, holder = done.report, done.result, done.holder
        return SavedOut(
            **_segment_out(ws, slug, lang_key, result.segment).model_dump(),
            outcome="saved" if result.outcome == "saved" else "unchanged",
            total=report.total,
            reviewed_count=report.reviewed,
            status=report.status,
            content_rev_before=report.rev_before,
            content_rev=report.rev_after,
            claimed_by=holder,
            warning=claim_warning(holder, sess.user.name),
        ).model_dump()

    return JSONResponse(await run_in_threadpool(save))
