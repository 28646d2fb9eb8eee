"""OpenAPI entries of the people, inbox and glossary pages (issue 25), merged into
:data:`azad.web.openapi.OPERATIONS`."""

from __future__ import annotations

from typing import Any

from azad.web.openapi_parts import (
    COOKIE,
    HTML,
    HTML_ERRORS,
    LANG,
    LOGIN_REDIRECT,
    TEXT,
    TOO_LARGE_HTML,
    form_body,
    path_param,
    query_param,
    response,
)

NAME = {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,31}$"}
CSRF = {"csrf": {"type": "string"}}
GLOSSARY_LANG = path_param("lang", LANG, "a language key of azad.toml (dari, pashto)")
PERSON = path_param("name", NAME, "a login name")
DONE = {"303": response("done, refused (the reason in a banner), or no session")}


def _page(summary: str, *params: dict[str, Any]) -> dict[str, Any]:
    return {
        "summary": summary,
        "security": COOKIE,
        "parameters": list(params),
        "responses": {"200": response("the page", HTML), **LOGIN_REDIRECT, **HTML_ERRORS},
    }


def _write(summary: str, params: list[dict[str, Any]], fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "summary": summary,
        "security": COOKIE,
        "parameters": params,
        "requestBody": form_body(["csrf"], {**CSRF, **fields}),
        "responses": {**DONE, **HTML_ERRORS, **TOO_LARGE_HTML},
    }


STRING = {"type": "string"}
FORMAT = {"type": "string", "enum": ["tsv", "tbx"]}

OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/glossary/{lang}"): _page(
        "The glossary of a language: terms, search, editors' forms, recent changes",
        GLOSSARY_LANG,
        query_param("q", {"type": "string", "maxLength": 200}, "search English, form, note"),
        query_param("edit", STRING, "the term whose edit form to show (editors)"),
    ),
    ("GET", "/glossary/{lang}/export.{fmt}"): {
        "summary": "The glossary as TSV (every language) or TBX (English and the language)",
        "security": COOKIE,
        "parameters": [
            GLOSSARY_LANG,
            path_param("fmt", {"type": "string", "enum": ["tsv", "tbx"]}),
        ],
        "responses": {
            "200": response(
                "the file", "text/tab-separated-values; charset=utf-8", "application/x-tbx+xml"
            ),
            **LOGIN_REDIRECT,
            **HTML_ERRORS,
            "404": response("no such language or format", HTML, TEXT),
        },
    },
    ("POST", "/glossary/{lang}/save"): _write(
        "Add or edit a term (editors); `original`: the term being edited",
        [GLOSSARY_LANG],
        {f: STRING for f in ("english", "form", "keep_latin", "note", "original")},
    ),
    ("POST", "/glossary/{lang}/delete"): _write(
        "Delete a term (editors)", [GLOSSARY_LANG], {"english": STRING}
    ),
    ("POST", "/glossary/{lang}/import"): {
        **_write("Import a .tsv or .tbx file (editors)", [GLOSSARY_LANG], {}),
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["csrf", "file"],
                        "properties": {**CSRF, "file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        },
    },
    ("GET", "/people"): {
        **_page("Everyone's names, roles and e-mail (editors; others: to their own page)"),
        "responses": {
            "200": response("the page", HTML),
            "303": response("a translator: to their own page; no session: to /login"),
            **HTML_ERRORS,
        },
    },
    ("GET", "/people/{name}"): _page(
        "A person's activity per week, profile and notifications (themselves or editors)",
        PERSON,
    ),
    ("POST", "/people/{name}/profile"): _write(
        "Set a person's display names and e-mail (themselves or editors)",
        [PERSON],
        {"latin": STRING, "arabic": STRING, "email": STRING},
    ),
    ("POST", "/people/{name}/notifications"): _write(
        "Choose your notifications: a checked `event:channel` field each (yourself only)",
        [PERSON],
        {},
    ),
    ("GET", "/inbox"): _page("Your notifications, newest first"),
    ("POST", "/inbox/read"): _write("Mark all your notifications read", [], {}),
}
