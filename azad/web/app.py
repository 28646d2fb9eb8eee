"""The review app: its route table, and :func:`create_app`.

Every route but the login page, the static files, the readers' editions (``/editions/``,
public and read-only), the OpenAPI document (``/openapi.json``, :mod:`.openapi`) and the
health answer (``/healthz``) needs
a session; views check the language and role of the user
(:func:`azad.web.common.target`, :mod:`azad.review.actions`).
``tests/test_security_matrix.py`` holds the expected answer of every route to every role:
a new route needs a row there, and an entry in :data:`.openapi.OPERATIONS`.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import anyio.to_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from azad.errors import AzadError
from azad.health.components import healthz as health_words
from azad.notify import mailer
from azad.publish.submit import PublishFlow, use_flow
from azad.queue.store import flush_caches
from azad.web import (
    views_actions,
    views_api,
    views_auth,
    views_editions,
    views_editor,
    views_glossary,
    views_live,
    views_people,
    views_queue,
    views_reports,
    views_talk,
)
from azad.web.common import handle_disk_full, handle_error
from azad.web.limits import BodyLimit
from azad.web.live import Hub
from azad.web.openapi import openapi_schema
from azad.web.security import SecurityHeaders
from azad.workspace import Workspace

STATIC = Path(__file__).resolve().parent / "static"
T = "/t/{slug}/{lang}"


def openapi_json(request: Request) -> Response:
    """The app's OpenAPI document, built from the route table (public: no workspace data)."""
    return JSONResponse(openapi_schema(request.app.routes))


async def healthz(request: Request) -> Response:
    """Public health answer for monitors and load balancers: 200 when every component is
    ok, else 503; one ok/failing word per component and nothing else (no versions, paths
    or names: ``azad doctor`` tells the operator the details)."""
    words = await run_in_threadpool(health_words, request.app.state.workspace)
    status = 200 if all(w == "ok" for w in words.values()) else 503
    return JSONResponse(words, status_code=status, headers={"Cache-Control": "no-store"})


def favicon(request: Request) -> Response:
    """The icon browsers and crawlers ask for at ``/favicon.ico`` (public, cached)."""
    return FileResponse(
        STATIC / "favicon.ico",
        media_type="image/vnd.microsoft.icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )


ROUTES = [
    Route("/login", views_auth.login_form, methods=["GET"]),
    Route("/login", views_auth.login, methods=["POST"]),
    Route("/logout", views_auth.logout, methods=["POST"]),
    Route("/", views_queue.queue, methods=["GET"]),
    Route(T, views_editor.editor, methods=["GET"]),
    Route(T + "/preview", views_editor.preview, methods=["GET"]),
    Route("/preview-fonts/{name}", views_editor.preview_font, methods=["GET"]),
    Route(T + "/publish-status", views_editor.publish_status, methods=["GET"]),
    Route(T + "/export.{fmt}", views_editor.export, methods=["GET"]),
    Route(T + "/history/{ctx}", views_editor.segment_history, methods=["GET"]),
    Route(T + "/segments/send-back", views_talk.send_back, methods=["POST"]),
    Route(T + "/claim/take-over", views_talk.take_over, methods=["POST"]),
    Route(T + "/glossary/add", views_talk.glossary_add, methods=["POST"]),
    Route(T + "/{action}", views_actions.action, methods=["POST"]),
    Route("/api" + T + "/segments/{ctx}", views_api.get_segment, methods=["GET"]),
    Route("/api" + T + "/segments/{ctx}", views_api.save_segment, methods=["POST"]),
    Route("/api" + T + "/segments/{ctx}/comments", views_talk.comment, methods=["POST"]),
    Route(
        "/api" + T + "/segments/{ctx}/comments/{cid}", views_talk.thread_action, methods=["POST"]
    ),
    Route("/api" + T + "/segments/{ctx}/check", views_live.check_text, methods=["POST"]),
    Route("/api" + T + "/events", views_live.translation_events, methods=["GET"]),
    Route("/api/events", views_live.queue_events, methods=["GET"]),
    Route("/api" + T + "/segments/{ctx}/dismiss", views_talk.dismiss_check, methods=["POST"]),
    Route("/api" + T + "/segments/{ctx}/restore", views_talk.restore_check, methods=["POST"]),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
    # Public: the readers' catalog and editions (output/), no session looked at.
    Route("/editions", views_editions.editions_root, methods=["GET"]),
    Route("/editions/search", views_editions.search, methods=["GET"]),
    Route("/editions/{path:path}", views_editions.edition_file, methods=["GET"]),
    Route("/openapi.json", openapi_json, methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/reports/post-edits", views_reports.post_edits, methods=["GET"]),
    Route("/glossary/{lang}", views_glossary.page, methods=["GET"]),
    Route("/glossary/{lang}/export.{fmt}", views_glossary.export, methods=["GET"]),
    Route("/glossary/{lang}/save", views_glossary.save, methods=["POST"]),
    Route("/glossary/{lang}/delete", views_glossary.delete, methods=["POST"]),
    Route("/glossary/{lang}/import", views_glossary.import_file, methods=["POST"]),
    Route("/people", views_people.people, methods=["GET"]),
    Route("/people/{name}", views_people.person, methods=["GET"]),
    Route("/people/{name}/profile", views_people.profile, methods=["POST"]),
    Route("/people/{name}/notifications", views_people.notifications, methods=["POST"]),
    Route("/inbox", views_people.inbox, methods=["GET"]),
    Route("/inbox/read", views_people.inbox_read, methods=["POST"]),
]


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    # The e-mail outbox is sent by a background thread (none without [notify] server).
    mailer.start(app.state.workspace)
    # The threads that run the views (and the live streams' reads): fewer than the
    # library's 40, so that a request holding a lock is not one of forty taking turns.
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = app.state.workspace.settings.review.request_threads
    yield
    app.state.live.close()  # (live.Server ends the streams earlier, before draining)
    await run_in_threadpool(mailer.stop, app.state.workspace)
    # uvicorn ends by raising again the signal that stopped it (SIGTERM from a service
    # manager), so atexit handlers never run: the parses' disk copies are written here,
    # for the restarted app to open long articles without parsing them.
    await run_in_threadpool(flush_caches)


def create_app(ws: Workspace, publish_flow: PublishFlow | None = None) -> Starlette:
    """The app serving ``ws``'s review queue; ``publish_flow`` (the ``publish_editions``
    flow) is what the Publish button runs in the app's process when no deployment of it
    is served."""
    ws.settings  # noqa: B018 -- read the settings now: a broken azad.toml fails at start
    app = Starlette(
        routes=ROUTES,
        lifespan=_lifespan,
        middleware=[
            # X-Forwarded-For / -Proto believed only from [review] trusted_proxies (none by
            # default); uvicorn's own, so the rightmost untrusted hop is the client.
            Middleware(ProxyHeadersMiddleware, trusted_hosts=ws.settings.review.trusted_proxies),
            Middleware(SecurityHeaders),
            Middleware(BodyLimit),
        ],
        exception_handlers={
            AzadError: handle_error,
            OSError: handle_disk_full,
            sqlite3.OperationalError: handle_disk_full,
        },
    )
    app.state.workspace = ws
    app.state.live = Hub(ws)
    if publish_flow is not None:
        use_flow(ws, publish_flow)
    return app
