"""The review app's HTTP interface as an OpenAPI 3.0 document, served at ``/openapi.json``.

For CAT-tool integrators (the JSON segment API, the XLIFF/PO downloads) and for the
schemathesis run in ``tests/test_schemathesis.py``. The document is built from the route
table itself: :func:`openapi_schema` walks :data:`azad.web.app.ROUTES` and looks
each ``(method, path)`` up in :data:`OPERATIONS`, so a route without an entry here makes
the schema fail to build (``tests/test_schemathesis.py`` checks that), and an entry
without a route is never published.

It is public, like ``/static/``: it holds no workspace data (no slug, language or user
name), only what the code and the editor page's script already show, and an integrator
reads it before having a session.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from starlette.routing import BaseRoute, Mount, Route

from azad.queue.status import STATUSES
from azad.web.openapi_parts import (
    API_ERRORS,
    CHECK,
    CHECK_IN,
    COMMENT_IN,
    COMMENTS,
    CONFLICT,
    COOKIE,
    CSRF_HEADER,
    CTX,
    DISMISS,
    DISMISS_IN,
    ERROR_JSON,
    HTML,
    HTML_ERRORS,
    JSON,
    LANG,
    LOGIN_REDIRECT,
    SAVED,
    SEGMENT,
    TARGET,
    TEXT,
    THREAD_IN,
    TOO_LARGE_HTML,
    TOO_LARGE_JSON,
    form_body,
    path_param,
    query_param,
    response,
)
from azad.web.openapi_people import OPERATIONS as PEOPLE_OPERATIONS
from azad.web.schemas import (
    SaveRequest,
    openapi_schema_of,
)

OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/login"): {
        "summary": "The login form (sets the form's CSRF cookie)",
        "security": [],
        "parameters": [query_param("next", {"type": "string"}, "where to go after logging in")],
        "responses": {"200": response("the form", HTML), "303": response("logged in already")},
    },
    ("POST", "/login"): {
        "summary": "Log in: a new session cookie, and a redirect to `next`",
        "security": [],
        "requestBody": form_body(
            ["csrf", "name", "password"],
            {
                "csrf": {"type": "string", "description": "the form's token"},
                "name": {"type": "string"},
                "password": {"type": "string"},
                "next": {"type": "string"},
            },
        ),
        "responses": {
            "303": response("logged in"),
            "400": response("bad input", HTML),
            "401": response("wrong name or password", HTML),
            "403": response("the form's token is missing or wrong", HTML),
            "429": response("too many failed logins lately", HTML),
            **TOO_LARGE_HTML,
        },
    },
    ("POST", "/logout"): {
        "summary": "End the session",
        "security": COOKIE,
        "requestBody": form_body(["csrf"], {"csrf": {"type": "string"}}),
        "responses": {"303": response("to the login page"), **HTML_ERRORS, **TOO_LARGE_HTML},
    },
    ("GET", "/"): {
        "summary": "The queue: the user's translations, oldest first",
        "security": COOKIE,
        "parameters": [
            query_param("lang", LANG, "only this language"),
            query_param(
                "status",
                {"type": "string", "enum": list(STATUSES)},
                "only this status",
            ),
            query_param("page", {"type": "integer", "minimum": 1}, "page of 100 rows"),
            query_param("q", {"type": "string"}, "search: title, slug or English text"),
            query_param(
                "sort",
                {"type": "string", "enum": ["age", "progress", "confidence"]},
                "oldest first, least progress first or least confident first",
            ),
            query_param("msg", {"type": "string"}, "a message to show"),
        ],
        "responses": {"200": response("the queue", HTML), **LOGIN_REDIRECT, **HTML_ERRORS},
    },
    ("GET", "/t/{slug}/{lang}"): {
        "summary": "The editor page of an article in a language",
        "security": COOKIE,
        "parameters": [
            *TARGET,
            query_param(
                "filter",
                {"type": "string"},
                "untranslated, machine, draft, sent-back, reviewed, comments, changed or "
                "check:KIND",
            ),
            query_param(
                "q",
                {"type": "string", "maxLength": 200},
                "search: segments whose English or translation contains it",
            ),
            query_param("sort", {"type": "string", "enum": ["", "confidence"]}, "segment order"),
            query_param("page", {"type": "integer", "minimum": 1}, "page of 200 segments"),
            query_param("msg", {"type": "string"}, "a message to show"),
            query_param("kind", {"type": "string", "enum": ["error"]}, "the message is a refusal"),
        ],
        "responses": {"200": response("the page", HTML), **LOGIN_REDIRECT, **HTML_ERRORS},
    },
    ("GET", "/t/{slug}/{lang}/preview"): {
        "summary": "The edition as the renderer builds it, drafts included",
        "security": COOKIE,
        "parameters": TARGET,
        "responses": {"200": response("the preview", HTML), **LOGIN_REDIRECT, **HTML_ERRORS},
    },
    ("GET", "/preview-fonts/{name}"): {
        "summary": "A font of the styles folder, for the preview",
        "security": COOKIE,
        "parameters": [
            path_param("name", {"type": "string", "pattern": "^[A-Za-z0-9._-]+$", "maxLength": 100})
        ],
        "responses": {
            "200": response("the font", "font/ttf", "font/otf", "font/woff", "font/woff2"),
            **LOGIN_REDIRECT,
            **HTML_ERRORS,
        },
    },
    ("GET", "/t/{slug}/{lang}/publish-status"): {
        "summary": "The latest publish run of the translation, and its status",
        "security": COOKIE,
        "parameters": TARGET,
        "responses": {
            "200": response(
                "run (null when none) and status",
                JSON,
                schema={
                    "type": "object",
                    "required": ["run", "status"],
                    "properties": {
                        "run": {"type": "object", "nullable": True},
                        "status": {"type": "string"},
                    },
                },
            ),
            **LOGIN_REDIRECT,
            **HTML_ERRORS,
        },
    },
    ("GET", "/t/{slug}/{lang}/export.{fmt}"): {
        "summary": "The translation for a CAT tool: XLIFF 1.2 or PO",
        "security": COOKIE,
        "parameters": [*TARGET, path_param("fmt", {"type": "string", "enum": ["xliff", "po"]})],
        "responses": {
            "200": response("the file", "application/x-xliff+xml", "text/x-gettext-translation"),
            **LOGIN_REDIRECT,
            **HTML_ERRORS,
        },
    },
    ("GET", "/t/{slug}/{lang}/history/{ctx}"): {
        "summary": "Every change of one segment",
        "security": COOKIE,
        "parameters": [*TARGET, path_param("ctx", CTX, "the segment's id (title, b3.s2)")],
        "responses": {"200": response("the history", HTML), **LOGIN_REDIRECT, **HTML_ERRORS},
    },
    ("POST", "/t/{slug}/{lang}/{action}"): {
        "summary": "Claim, release, approve, send back or publish; back to the editor page",
        "security": COOKIE,
        "parameters": [
            *TARGET,
            path_param(
                "action",
                {
                    "type": "string",
                    "enum": ["claim", "release", "approve", "send-back", "publish"],
                },
                "approve, send-back and publish: editors only",
            ),
        ],
        "requestBody": form_body(
            ["csrf"],
            {"csrf": {"type": "string"}, "comment": {"type": "string", "maxLength": 4000}},
        ),
        "responses": {"303": response("done, or no session"), **HTML_ERRORS, **TOO_LARGE_HTML},
    },
    ("GET", "/api/t/{slug}/{lang}/segments/{ctx}"): {
        "summary": "One segment",
        "security": COOKIE,
        "parameters": [*TARGET, path_param("ctx", CTX)],
        "responses": {"200": response("the segment", JSON, schema=SEGMENT), **API_ERRORS},
    },
    ("POST", "/api/t/{slug}/{lang}/segments/{ctx}"): {
        "summary": "Save one segment against the revision it was read at",
        "security": COOKIE,
        "parameters": [
            *TARGET,
            path_param("ctx", CTX),
            {
                "name": "X-CSRF-Token",
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
                "description": "the session's token (the page's csrf-token meta element)",
            },
        ],
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": openapi_schema_of(SaveRequest)}},
        },
        "responses": {
            "200": response("saved (or unchanged)", JSON, schema=SAVED),
            "409": response("changed since `rev`: both texts", JSON, schema=CONFLICT),
            **API_ERRORS,
            **TOO_LARGE_JSON,
        },
    },
    **{
        ("POST", f"/api/t/{{slug}}/{{lang}}/segments/{{ctx}}/{name}"): {
            "summary": summary,
            "security": COOKIE,
            "parameters": [*TARGET, path_param("ctx", CTX), CSRF_HEADER],
            "requestBody": {"required": True, "content": {JSON: {"schema": request}}},
            "responses": {
                "200": response(done, JSON, schema=answer),
                "409": response("the segment changed since `rev`", JSON, schema=ERROR_JSON),
                **API_ERRORS,
                **TOO_LARGE_JSON,
            },
        }
        for name, summary, request, done, answer in (
            ("comments", "Comment on a segment", COMMENT_IN, "its comments", COMMENTS),
            ("dismiss", "Dismiss a QA warning for the text", DISMISS_IN, "its warnings", DISMISS),
            ("restore", "Bring back a dismissed QA warning", DISMISS_IN, "its warnings", DISMISS),
        )
    },
    **{
        ("POST", f"/t/{{slug}}/{{lang}}/{suffix}"): {
            "summary": summary + " (editors); back to the editor page, with the reason if refused",
            "security": COOKIE,
            "parameters": TARGET,
            "requestBody": form_body(
                ["csrf"], {"csrf": {"type": "string"}, **{f: {"type": "string"} for f in fields}}
            ),
            "responses": {"303": response("done or refused, or no session"), **HTML_ERRORS},
        }
        for suffix, summary, fields in (
            ("segments/send-back", "Send segments (`ctx`, repeated) back", ["ctx", "comment"]),
            ("claim/take-over", "Take the claim over from its holder", []),
            ("glossary/add", "Add a glossary term", ["english", "form", "note"]),
        )
    },
    ("POST", "/api/t/{slug}/{lang}/segments/{ctx}/comments/{cid}"): {
        "summary": "Edit or delete your own comment; resolve or reopen its thread",
        "security": COOKIE,
        "parameters": [
            *TARGET,
            path_param("ctx", CTX),
            path_param(
                "cid", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, "the comment's id"
            ),
            CSRF_HEADER,
        ],
        "requestBody": {"required": True, "content": {JSON: {"schema": THREAD_IN}}},
        "responses": {
            "200": response("the segment's comments", JSON, schema=COMMENTS),
            **API_ERRORS,
            **TOO_LARGE_JSON,
        },
    },
    ("POST", "/api/t/{slug}/{lang}/segments/{ctx}/check"): {
        "summary": "The QA warnings a text being typed would get (nothing is saved)",
        "security": COOKIE,
        "parameters": [*TARGET, path_param("ctx", CTX), CSRF_HEADER],
        "requestBody": {"required": True, "content": {JSON: {"schema": CHECK_IN}}},
        "responses": {
            "200": response("its warnings", JSON, schema=CHECK),
            **API_ERRORS,
            **TOO_LARGE_JSON,
        },
    },
    ("GET", "/api/t/{slug}/{lang}/events"): {
        "summary": "The editor page's live stream (Accept: text/event-stream), else the "
        "translation's state once",
        "security": COOKIE,
        "parameters": TARGET,
        "responses": {
            "200": response(
                "events `translation` (status, counts, changed segments), or the state",
                "text/event-stream",
                JSON,
            ),
            "503": response("no stream left: poll after Retry-After", JSON, schema=ERROR_JSON),
            **API_ERRORS,
        },
    },
    ("GET", "/api/events"): {
        "summary": "The queue page's live stream (Accept: text/event-stream), else a "
        "version of the visible queue",
        "security": COOKIE,
        "responses": {
            "200": response(
                "events `queue` ({slug, lang} changed), or {version}", "text/event-stream", JSON
            ),
            "503": response("no stream left: poll after Retry-After", JSON, schema=ERROR_JSON),
            "401": response("no session", JSON, schema=ERROR_JSON),
        },
    },
    ("GET", "/static/{path}"): {
        "summary": "The app's stylesheet and scripts",
        "security": [],
        "parameters": [path_param("path", {"type": "string"})],
        "responses": {
            "200": response("the file"),
            "304": response("not modified"),
            "404": response("no such file", TEXT),
        },
    },
    ("GET", "/editions"): {
        "summary": "To /editions/",
        "security": [],
        "responses": {"308": response("to /editions/")},
    },
    ("GET", "/editions/search"): {
        "summary": "Search the editions (OPDS acquisition feed; opensearch.xml describes it)",
        "security": [],
        "parameters": [
            {
                "name": "q",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "maxLength": 200},
                "description": "words that title, author or first paragraph must hold",
            }
        ],
        "responses": {"200": response("an OPDS acquisition feed")},
    },
    ("GET", "/editions/{path}"): {
        "summary": "The readers' catalog and published editions (public, read-only)",
        "security": [],
        "parameters": [
            path_param("path", {"type": "string"}, "a file of output/; '' is the index")
        ],
        "responses": {
            "200": response("the file"),
            "304": response("not modified"),
            "404": response("not a public file", TEXT),
        },
    },
    ("GET", "/openapi.json"): {
        "summary": "This document",
        "security": [],
        "responses": {"200": response("OpenAPI 3.0", JSON)},
    },
    ("GET", "/reports/post-edits"): {
        "summary": "Editors' report: how much machine drafts were changed before approval",
        "security": COOKIE,
        "responses": {"200": response("the report page", HTML), **LOGIN_REDIRECT, **HTML_ERRORS},
    },
    ("GET", "/healthz"): {
        "summary": "Health: one ok/failing word per component (database, disk, models, "
        "prefect where a Prefect API is configured); nothing else",
        "security": [],
        "responses": {
            "200": response("every component ok", JSON),
            "503": response("a component is failing", JSON),
        },
    },
    ("GET", "/favicon.ico"): {
        "summary": "The app's icon",
        "security": [],
        "responses": {"200": response("the icon", "image/vnd.microsoft.icon")},
    },
}
OPERATIONS.update(PEOPLE_OPERATIONS)

_CONVERTER = re.compile(r"\{(\w+)(:\w+)?\}")


def route_operations(routes: Sequence[BaseRoute]) -> Iterator[tuple[str, str]]:
    """``(method, path template)`` of every route, as the app's routing sees them: a
    mount of static files as ``GET <mount>/{path}``, HEAD (Starlette adds it to GET)
    left out, converters dropped (``{path:path}`` → ``{path}``)."""
    for route in routes:
        if isinstance(route, Route):
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    yield method, _CONVERTER.sub(r"{\1}", route.path)
        elif isinstance(route, Mount):
            yield "GET", route.path + "/{path}"
        else:  # pragma: no cover - the table has no other kind
            raise TypeError(f"no OpenAPI mapping for {route!r}")


def openapi_schema(routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """The OpenAPI document of ``routes``; ``KeyError`` for a route without an entry in
    :data:`OPERATIONS`."""
    paths: dict[str, dict[str, Any]] = {}
    for method, path in route_operations(routes):
        operation = OPERATIONS[(method, path)]
        paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Azad Press review app",
            "version": "1",
            "description": (
                "The translators' and editors' web app. Every operation but the login "
                "page, the static files, the readers' editions and this document needs "
                "the session cookie `azad_session` (from POST /login). Writes need the "
                "session's CSRF token: the `csrf` form field, or the `X-CSRF-Token` "
                "header of the JSON API; the token is the `csrf-token` meta element of "
                "every page. A request whose `Origin` names another site is refused."
            ),
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "azad_session"}
            }
        },
        "security": COOKIE,
    }
