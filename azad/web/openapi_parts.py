"""The building blocks of the review app's OpenAPI document (:mod:`.openapi`): media
types, path and query parameters, request bodies and the responses many operations share."""

from __future__ import annotations

from typing import Any

from azad.web.schemas import (
    CheckOut,
    CheckRequest,
    CommentRequest,
    CommentsOut,
    ConflictOut,
    DismissOut,
    DismissRequest,
    ErrorOut,
    SavedOut,
    SegmentOut,
    ThreadActionRequest,
    openapi_schema_of,
)

JSON = "application/json"
HTML = "text/html"
TEXT = "text/plain"
FORM = "application/x-www-form-urlencoded"

SLUG = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80}
LANG = {"type": "string", "pattern": "^[a-z]+$", "maxLength": 32}
CTX = {"type": "string", "pattern": "^[a-z0-9]+(\\.[a-z0-9]+)*$", "maxLength": 64}


def path_param(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "path", "required": True, "schema": schema}
    if description:
        param["description"] = description
    return param


def query_param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


TARGET = [
    path_param("slug", SLUG, "the article's slug"),
    path_param("lang", LANG, "a language key of azad.toml (dari, pashto)"),
]


def _content(*types: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {t: ({"schema": schema} if schema else {}) for t in types}


def form_body(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    """A required form-encoded request body with these fields."""
    schema = {"type": "object", "required": required, "properties": properties}
    return {"required": True, "content": {FORM: {"schema": schema}}}


def response(description: str, *types: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description}
    if types:
        out["content"] = _content(*types, schema=schema)
    return out


ERROR_JSON = openapi_schema_of(ErrorOut)
SEGMENT = openapi_schema_of(SegmentOut)
SAVED = openapi_schema_of(SavedOut)
CONFLICT = openapi_schema_of(ConflictOut)
COMMENT_IN, COMMENTS = openapi_schema_of(CommentRequest), openapi_schema_of(CommentsOut)
THREAD_IN = openapi_schema_of(ThreadActionRequest)
CHECK_IN, CHECK = openapi_schema_of(CheckRequest), openapi_schema_of(CheckOut)
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
LOGIN_REDIRECT = {"303": response("no session: redirect to /login?next=…")}
HTML_ERRORS = {
    "400": response("bad input", HTML),
    "403": response("not one of the user's languages, or not an editor", HTML),
    "404": response("no such article, language, segment, font or format", HTML, TEXT),
}
API_ERRORS = {
    "400": response("bad input", JSON, schema=ERROR_JSON),
    "401": response("no session", JSON, schema=ERROR_JSON),
    "403": response(
        "missing or wrong CSRF token, or not the user's language", JSON, schema=ERROR_JSON
    ),
    "404": response("no such article, language or segment", JSON, TEXT),
}
TOO_LARGE_HTML = {"413": response("request body over the limit", HTML)}
TOO_LARGE_JSON = {"413": response("request body over the limit", JSON, schema=ERROR_JSON)}
COOKIE: list[dict[str, list[str]]] = [{"session": []}]
