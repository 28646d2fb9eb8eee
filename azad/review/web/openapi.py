"""The review app's HTTP interface as an OpenAPI 3.0 document, served at ``/openapi.json``.

For CAT-tool integrators (the JSON segment API, the XLIFF/PO downloads) and for the
schemathesis run in ``tests/test_schemathesis.py``. The document is built from the route
table itself: :func:`openapi_schema` walks :data:`azad.review.web.app.ROUTES` and looks
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
from azad.review.web.schemas import (
    CommentRequest,
    CommentsOut,
    ConflictOut,
    DismissOut,
    DismissRequest,
    ErrorOut,
    SavedOut,
    SaveRequest,
    SegmentOut,
    openapi_schema_of,
)

JSON = "application/json"
HTML = "text/html"
TEXT = "text/plain"
FORM = "application/x-www-form-urlencoded"

SLUG = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80}
LANG = {"type": "string", "pattern": "^[a-z]+$", "maxLength": 32}
CTX = {"type": "string", "pattern": "^[a-z0-9]+(\\.[a-z0-9]+)*$", "maxLength": 64}


def _path(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "path", "required": True, "schema": schema}
    if description:
        param["description"] = description
    return param


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


TARGET = [
    _path("slug", SLUG, "the article's slug"),
    _path("lang", LANG, "a language key of azad.toml (dari, pashto)"),
]


def _content(*types: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {t: ({"schema": schema} if schema else {}) for t in types}


def _form_body(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    """A required form-encoded request body with these fields."""
    schema = {"type": "object", "required": required, "properties": properties}
    return {"required": True, "content": {FORM: {"schema": schema}}}


def _resp(description: str, *types: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description}
    if types:
        out["content"] = _content(*types, schema=schema)
    return out


ERROR_JSON = openapi_schema_of(ErrorOut)
SEGMENT = openapi_schema_of(SegmentOut)
SAVED = openapi_schema_of(SavedOut)
CONFLICT = openapi_schema_of(ConflictOut)
COMMENT_IN, COMMENTS = openapi_schema_of(CommentRequest), openapi_schema_of(CommentsOut)
DISMISS_IN, DISMISS = openapi_schema_of(DismissRequest), openapi_schema_of(DismissOut)
CSRF_HEADER = {
    "name": "X-CSRF-Token",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "description": "the session's token (the page's csrf-token meta element)",
}

# Answers every page shares: HTML views redirect an anonymous request to the login page
# (303); errors are an HTML page (or Starlette's plain text for an unmatched path).
LOGIN_REDIRECT = {"303": _resp("no session: redirect to /login?next=…")}
HTML_ERRORS = {
    "400": _resp("bad input", HTML),
    "403": _resp("not one of the user's languages, or not an editor", HTML),
    "404": _resp("no such article, language, segment, font or format", HTML, TEXT),
}
API_ERRORS = {
    "400": _resp("bad input", JSON, schema=ERROR_JSON),
    "401": _resp("no session", JSON, schema=ERROR_JSON),
    "403": _resp(
        "missing or wrong CSRF token, or not the user's language", JSON, schema=ERROR_JSON
    ),
    "404": _resp("no such article, language or segment", JSON, TEXT),
}
TOO_LARGE_HTML = {"413": _resp("request body over the limit", HTML)}
TOO_LARGE_JSON = {"413": _resp("request body over the limit", JSON, schema=ERROR_JSON)}
COOKIE: list[dict[str, list[str]]] = [{"session": []}]

OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/login"): {
        "summary": "The login form (sets the form's CSRF cookie)",
        "security": [],
        "parameters": [_query("next", {"type": "string"}, "where to go after logging in")],
        "responses": {"200": _resp("the form", HTML), "303": _resp("logged in already")},
    },
    ("POST", "/login"): {
        "summary": "Log in: a new session cookie, and a redirect to `next`",
        "security": [],
        "requestBody": _form_body(
            ["csrf", "name", "password"],
            {
                "csrf": {"type": "string", "description": "the form's token"},
                "name": {"type": "string"},
                "password": {"type": "string"},
                "next": {"type": "string"},
            },
        ),
        "responses": {
            "303": _resp("logged in"),
            "400": _resp("bad input", HTML),
            "401": _resp("wrong name or password", HTML),
            "403": _resp("the form's token is missing or wrong", HTML),
            "429": _resp("too many failed logins lately", HTML),
            **TOO_LARGE_HTML,
        },
    },
    ("POST", "/logout"): {
        "summary": "End the session",
        "security": COOKIE,
        "requestBody": _form_body(["csrf"], {"csrf": {"type": "string"}}),
        "responses": {"303": _resp("to the login page"), **HTML_ERRORS, **TOO_LARGE_HTML},
    },
    ("GET", "/"): {
        "summary": "The queue: the user's translations, oldest first",
        "security": COOKIE,
        "parameters": [
            _query("lang", LANG, "only this language"),
            _query(
                "status",
                {"type": "string", "enum": list(STATUSES)},
                "only this status",
            ),
            _query("page", {"type": "integer", "minimum": 1}, "page of 100 rows"),
            _query("q", {"type": "string"}, "search: title, slug or English text"),
            _query(
                "sort",
                {"type": "string", "enum": ["age", "progress", "confidence"]},
                "oldest first, least progress first or least confident first",
            ),
            _query("msg", {"type": "string"}, "a message to show"),
        ],
        "responses": {"200": _resp("the queue", HTML), **LOGIN_REDIRECT, **HTML_ERRORS},
    },
    ("GET", "/t/{slug}/{lang}"): {
        "summary": "The editor page of an article in a language",
        "security": COOKIE,
        "parameters": [
            *TARGET,
            _query(
                "filter",
                {"type": "string"},
                "untranslated, machine, draft, reviewed, comments, changed or check:KIND",
            ),
            _query("sort", {"type": "string", "enum": ["", "confidence"]}, "segment order"),
            _query("page", {"type": "integer", "minimum": 1}, "page of 200 segments"),
            _query("msg", {"type": "string"}, "a message to show"),
            _query("kind", {"type": "string", "enum": ["error"]}, "the message is a refusal"),
        ],
        "responses": {"200": _resp("the page", HTML), **LOGIN_REDIRECT, **HTML_ERRORS},
    },
    ("GET", "/t/{slug}/{lang}/preview"): {
        "summary": "The edition as the renderer builds it, drafts included",
        "security": COOKIE,
        "parameters": TARGET,
        "responses": {"200": _resp("the preview", HTML), **LOGIN_REDIRECT, **HTML_ERRORS},
    },
    ("GET", "/preview-fonts/{name}"): {
        "summary": "A font of the styles folder, for the preview",
        "security": COOKIE,
        "parameters": [
            _path("name", {"type": "string", "pattern": "^[A-Za-z0-9._-]+$", "maxLength": 100})
        ],
        "responses": {
            "200": _resp("the font", "font/ttf", "font/otf", "font/woff", "font/woff2"),
            **LOGIN_REDIRECT,
            **HTML_ERRORS,
        },
    },
    ("GET", "/t/{slug}/{lang}/publish-status"): {
        "summary": "The latest publish run of the translation, and its status",
        "security": COOKIE,
        "parameters": TARGET,
        "responses": {
            "200": _resp(
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
        "parameters": [*TARGET, _path("fmt", {"type": "string", "enum": ["xliff", "po"]})],
        "responses": {
            "200": _resp("the file", "application/x-xliff+xml", "text/x-gettext-translation"),
            **LOGIN_REDIRECT,
            **HTML_ERRORS,
        },
    },
    ("GET", "/t/{slug}/{lang}/history/{ctx}"): {
        "summary": "Every change of one segment",
        "security": COOKIE,
        "parameters": [*TARGET, _path("ctx", CTX, "the segment's id (title, b3.s2)")],
        "responses": {"200": _resp("the history", HTML), **LOGIN_REDIRECT, **HTML_ERRORS},
    },
    ("POST", "/t/{slug}/{lang}/{action}"): {
        "summary": "Claim, release, approve, send back or publish; back to the editor page",
        "security": COOKIE,
        "parameters": [
            *TARGET,
            _path(
                "action",
                {
                    "type": "string",
                    "enum": ["claim", "release", "approve", "send-back", "publish"],
                },
                "approve, send-back and publish: editors only",
            ),
        ],
        "requestBody": _form_body(
            ["csrf"],
            {"csrf": {"type": "string"}, "comment": {"type": "string", "maxLength": 4000}},
        ),
        "responses": {"303": _resp("done, or no session"), **HTML_ERRORS, **TOO_LARGE_HTML},
    },
    ("GET", "/api/t/{slug}/{lang}/segments/{ctx}"): {
        "summary": "One segment",
        "security": COOKIE,
        "parameters": [*TARGET, _path("ctx", CTX)],
        "responses": {"200": _resp("the segment", JSON, schema=SEGMENT), **API_ERRORS},
    },
    ("POST", "/api/t/{slug}/{lang}/segments/{ctx}"): {
        "summary": "Save one segment against the revision it was read at",
        "security": COOKIE,
        "parameters": [
            *TARGET,
            _path("ctx", CTX),
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
            "200": _resp("saved (or unchanged)", JSON, schema=SAVED),
            "409": _resp("changed since `rev`: both texts", JSON, schema=CONFLICT),
            **API_ERRORS,
            **TOO_LARGE_JSON,
        },
    },
    **{
        ("POST", f"/api/t/{{slug}}/{{lang}}/segments/{{ctx}}/{name}"): {
            "summary": summary,
            "security": COOKIE,
            "parameters": [*TARGET, _path("ctx", CTX), CSRF_HEADER],
            "requestBody": {"required": True, "content": {JSON: {"schema": request}}},
            "responses": {
                "200": _resp(done, JSON, schema=answer),
                "409": _resp("the segment changed since `rev`", JSON, schema=ERROR_JSON),
                **API_ERRORS,
                **TOO_LARGE_JSON,
            },
        }
        for name, summary, request, done, answer in (
            ("comments", "Comment on a segment", COMMENT_IN, "its comments", COMMENTS),
            ("dismiss", "Dismiss a QA warning for the text", DISMISS_IN, "its warnings", DISMISS),
        )
    },
    **{
        ("POST", f"/t/{{slug}}/{{lang}}/{suffix}"): {
            "summary": summary + " (editors); back to the editor page, with the reason if refused",
            "security": COOKIE,
            "parameters": TARGET,
            "requestBody": _form_body(
                ["csrf"], {"csrf": {"type": "string"}, **{f: {"type": "string"} for f in fields}}
            ),
            "responses": {"303": _resp("done or refused, or no session"), **HTML_ERRORS},
        }
        for suffix, summary, fields in (
            ("segments/send-back", "Send segments (`ctx`, repeated) back", ["ctx", "comment"]),
            ("claim/take-over", "Take the claim over from its holder", []),
            ("glossary/add", "Add a glossary term", ["english", "form", "note"]),
        )
    },
    ("GET", "/static/{path}"): {
        "summary": "The app's stylesheet and scripts",
        "security": [],
        "parameters": [_path("path", {"type": "string"})],
        "responses": {
            "200": _resp("the file"),
            "304": _resp("not modified"),
            "404": _resp("no such file", TEXT),
        },
    },
    ("GET", "/editions"): {
        "summary": "To /editions/",
        "security": [],
        "responses": {"308": _resp("to /editions/")},
    },
    ("GET", "/editions/{path}"): {
        "summary": "The readers' catalog and published editions (public, read-only)",
        "security": [],
        "parameters": [_path("path", {"type": "string"}, "a file of output/; '' is the index")],
        "responses": {
            "200": _resp("the file"),
            "304": _resp("not modified"),
            "404": _resp("not a public file", TEXT),
        },
    },
    ("GET", "/openapi.json"): {
        "summary": "This document",
        "security": [],
        "responses": {"200": _resp("OpenAPI 3.0", JSON)},
    },
    ("GET", "/reports/post-edits"): {
        "summary": "Editors' report: how much machine drafts were changed before approval",
        "security": COOKIE,
        "responses": {"200": _resp("the report page", HTML), **LOGIN_REDIRECT, **HTML_ERRORS},
    },
    ("GET", "/favicon.ico"): {
        "summary": "The app's icon",
        "security": [],
        "responses": {"200": _resp("the icon", "image/vnd.microsoft.icon")},
    },
}

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
