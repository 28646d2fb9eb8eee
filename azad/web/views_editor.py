"""The editor page of one article × language, a segment's history, the preview and the
downloads for CAT tools."""

from __future__ import annotations

from urllib.parse import quote

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from azad.publish import submit
from azad.queue.record import ReviewRecord
from azad.queue.status import status_of, translation_status
from azad.queue.store import Queue
from azad.review.chips import charbar
from azad.review.controls import controls_for
from azad.review.edits import NotFound, history, read_segments
from azad.review.exchange import Format, export_text
from azad.review.index import queue_rows
from azad.review.shown import remember
from azad.review.talk import open_questions, threads
from azad.web import editor_work
from azad.web.common import chrome, render, target
from azad.web.pages import EditorPage, HistoryPage
from azad.web.preview import font_file, preview_html
from azad.web.security import inline_style_csp, require_session, workspace
from azad.workspace import Workspace


def editor(request: Request) -> Response:
    sess, ws, slug, lang_key = target(request)
    # Refreshing the queue's cache also brings the translation memory up to date.
    if not queue_rows(ws, slug=slug, lang=lang_key):
        raise NotFound(f"{slug}: no {lang_key} translation")
    with editor_work.gc_paused():
        # One read: the segments shown, the status and the revision Approve sends agree.
        snap = Queue(ws).snapshot(slug, lang_key)
        current = status_of(snap)
        paragraphs, work, qa_summary = editor_work.build(request, ws, snap)
    lang = ws.settings.languages[lang_key]
    article = snap.article
    run = submit.latest(ws, slug, lang_key)
    page = EditorPage(
        chrome=chrome(request),
        slug=slug,
        title=article.meta.title,
        lang_key=lang_key,
        lang=lang,
        status=current.status,
        claimed_by=current.claimed_by,
        record=current.record,
        paragraphs=paragraphs,
        total=current.total,
        reviewed=current.reviewed,
        qa_summary=qa_summary,
        rev=current.rev,
        in_sync=current.in_sync,
        publish_run=run,
        editions=_edition_links(ws, current.record),
        charbar=charbar(lang.code),
        work=work,
        controls=controls_for(sess.user, current, run),
        open_questions=open_questions(threads(ws, slug, lang_key, snap.file.live)),
        live_fallback_s=ws.settings.review.live_fallback_s,
    )
    response = render("editor.html", page)
    if sess.user.is_editor:
        # Only an editor's page can approve, so only it keeps what it showed (for a
        # refused approval to say what changed since). Kept once the page is sent: the
        # approval itself checks the revision, and the first view of a 20,000-segment
        # translation would otherwise wait for megabytes of SQLite writes (40–300 ms).
        response.background = BackgroundTask(remember, ws, slug, lang_key, snap.rev, snap.file.live)
    return response


def _edition_links(ws: Workspace, record: ReviewRecord) -> list[tuple[str, str]]:
    """Where readers download the published files (``files`` are relative to the
    workspace, e.g. ``output/dari/slug.pdf``)."""
    if record.published is None:
        return []
    out = ws.output_dir.resolve()
    links = []
    for name in record.published.files:
        path = (ws.root / name).resolve()
        if path.is_relative_to(out):
            rel = path.relative_to(out).as_posix()
            links.append((path.suffix.lstrip(".").upper(), "/editions/" + quote(rel)))
    return links


def segment_history(request: Request) -> Response:
    _, ws, slug, lang_key = target(request)
    ctx = request.path_params["ctx"]
    found = [s for s in read_segments(ws, slug, lang_key) if s.ctx == ctx]
    if not found:
        raise NotFound(f"{slug} ({lang_key}): no segment {ctx}")
    page = HistoryPage(
        chrome(request),
        slug,
        lang_key,
        ws.settings.languages[lang_key],
        found[0],
        history(ws, slug, lang_key, ctx),
    )
    return render("history.html", page)


def preview(request: Request) -> Response:
    """The edition as the renderer builds it (:mod:`azad.web.preview`), with the CSP its
    inline stylesheet and fonts need: only this response gets it."""
    _, ws, slug, lang_key = target(request)
    html = preview_html(ws, slug, lang_key)
    return HTMLResponse(html, headers={"content-security-policy": inline_style_csp(html)})


FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


def preview_font(request: Request) -> Response:
    """A font of the styles folder, for the preview's @font-face rules; by file name, and
    only the fonts the styles use."""
    require_session(request)
    path = font_file(workspace(request), request.path_params["name"])
    if path is None or path.suffix not in FONT_TYPES:
        raise NotFound("no such font")
    return Response(
        path.read_bytes(),
        media_type=FONT_TYPES[path.suffix],
        # The fonts change only with the styles folder; a day's cache spares the preview
        # a megabyte per reload.
        headers={"cache-control": "private, max-age=86400"},
    )


def publish_status(request: Request) -> Response:
    """The latest publish run of the translation (``run``: null when this process has
    submitted none) and the translation's status, for the editor page to poll."""
    _, ws, slug, lang_key = target(request)
    run = submit.latest(ws, slug, lang_key)
    current = translation_status(ws, slug, lang_key)
    return JSONResponse(
        {"run": run.to_json() if run else None, "status": current.status},
    )


MEDIA = {"xliff": ("application/x-xliff+xml", "xlf"), "po": ("text/x-gettext-translation", "po")}


def export(request: Request) -> Response:
    _, ws, slug, lang_key = target(request)
    fmt = request.path_params["fmt"]
    if fmt not in MEDIA:
        raise NotFound("no such format")
    media, ext = MEDIA[fmt]
    fmt_: Format = "xliff" if fmt == "xliff" else "po"
    return Response(
        export_text(ws, slug, lang_key, fmt_),
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{slug}.{lang_key}.{ext}"'},
    )
