"""The glossary page of a language (``/glossary/{lang}``): the terms with their form in the
language, a search, and for editors add, edit, delete and import; TSV and TBX downloads;
the newest changes (:mod:`azad.review.glossary_edits` records each).

Translators of the language may read and download it; every write is an editor's, carries
the session's CSRF token and comes back to the page with what happened in a banner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from azad.db.users import Session, User
from azad.errors import AzadError, InputError
from azad.glossary import GlossaryEntry, load_glossary
from azad.review import glossary_edits, glossary_files
from azad.review.actions import Forbidden, require_editor, require_lang
from azad.review.edits import NotFound
from azad.review.glossary_edits import HistoryRow
from azad.settings import Language
from azad.web.common import chrome, render
from azad.web.pages import Chrome
from azad.web.security import check_csrf, require_session, workspace
from azad.workspace import Workspace

MAX_SHOWN = 500
FORMATS = {"tsv": "text/tab-separated-values; charset=utf-8", "tbx": "application/x-tbx+xml"}


@dataclass(frozen=True)
class GlossaryRow:
    entry: GlossaryEntry
    form: str


@dataclass(frozen=True)
class GlossaryPage:
    chrome: Chrome
    lang_key: str
    lang: Language
    languages: dict[str, Language]
    q: str
    rows: list[GlossaryRow]
    total: int
    matching: int
    editing: GlossaryRow | None
    history: list[HistoryRow]
    field: str


def _lang(request: Request, sess: Session) -> tuple[Workspace, str, str]:
    """The workspace, language key and its form's field (``dari``/``pashto``) of the URL."""
    ws = workspace(request)
    lang = request.path_params["lang"]
    if lang not in ws.settings.languages:
        raise NotFound("no such language")
    require_lang(sess.user, lang)
    field = "dari" if ws.settings.languages[lang].code == "fa-AF" else "pashto"
    return ws, lang, field


def _matches(entry: GlossaryEntry, form: str, q: str) -> bool:
    q = q.casefold()
    return any(q in text.casefold() for text in (entry.english, form, entry.note))


async def page(request: Request) -> Response:
    sess = require_session(request)
    ws, lang, field = _lang(request, sess)
    q = request.query_params.get("q", "")[:200].strip()
    edit = request.query_params.get("edit", "")

    def build() -> GlossaryPage:
        glossary = load_glossary(ws.glossary_path)
        rows = [GlossaryRow(e, e.target(ws.settings.languages[lang].code) or "") for e in glossary]
        found = [r for r in rows if not q or _matches(r.entry, r.form, q)]
        editing = next((r for r in rows if r.entry.english == edit), None)
        return GlossaryPage(
            chrome(request),
            lang,
            ws.settings.languages[lang],
            ws.settings.languages,
            q,
            found[:MAX_SHOWN],
            len(rows),
            len(found),
            editing if sess.user.is_editor else None,
            glossary_edits.history(ws, limit=30),
            field,
        )

    return render("glossary.html", await run_in_threadpool(build))


def _back(lang: str, message: str, error: bool = False, **query: str) -> RedirectResponse:
    params = {**query, "msg": message[:300], **({"kind": "error"} if error else {})}
    return RedirectResponse(f"/glossary/{quote(lang)}?{urlencode(params)}", status_code=303)


Write = Callable[[Workspace, str, str, User, FormData], str]
"""(workspace, language key, its form's field, the editor, the form) → what was done."""


async def _write(request: Request, run: Write) -> Response:
    """A write: the session, its CSRF token, an editor on the language; ``run(ws, lang,
    field, user, form)`` says what it did. Refusals of the input come back as a banner."""
    sess = require_session(request)
    form = await request.form()
    check_csrf(request, sess, str(form.get("csrf", "")))
    ws, lang, field = _lang(request, sess)
    require_editor(sess.user)
    try:
        message = await run_in_threadpool(run, ws, lang, field, sess.user, form)
    except (Forbidden, NotFound):
        raise
    except AzadError as exc:
        return _back(lang, str(exc), error=True)
    return _back(lang, message)


def _text(form: FormData, name: str, limit: int = 600) -> str:
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


async def save(request: Request) -> Response:
    def run(ws: Workspace, lang: str, field: str, user: User, form: FormData) -> str:
        original = _text(form, "original")
        entry = glossary_edits.save_term(
            ws,
            lang,
            user,
            english=_text(form, "english"),
            form=_text(form, "form"),
            keep_latin=_text(form, "keep_latin") == "yes",
            note=_text(form, "note"),
            original=original,
        )
        return f"Saved {entry.english}." if original else f"Added {entry.english}."

    return await _write(request, run)


async def delete(request: Request) -> Response:
    def run(ws: Workspace, lang: str, field: str, user: User, form: FormData) -> str:
        english = _text(form, "english")
        glossary_edits.delete_term(ws, user, english)
        return f"Deleted {english}."

    return await _write(request, run)


async def import_file(request: Request) -> Response:
    sess = require_session(request)
    form = await request.form()
    check_csrf(request, sess, str(form.get("csrf", "")))
    ws, lang, field = _lang(request, sess)
    require_editor(sess.user)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _back(lang, "choose a TSV or TBX file to import", error=True)
    name = upload.filename[:200]
    data = await upload.read(glossary_files.MAX_IMPORT_BYTES + 1)

    def run() -> str:
        if len(data) > glossary_files.MAX_IMPORT_BYTES:
            raise InputError(name, "too large for a glossary")
        if name.lower().endswith(".tbx"):
            entries = glossary_files.import_tbx(data, name, field)
            fields: tuple[str, ...] = (field, "keep_latin", "note")
        elif name.lower().endswith((".tsv", ".txt")):
            entries = glossary_files.import_tsv(data, name)
            fields = ("dari", "pashto", "keep_latin", "note")
        else:
            raise InputError(name, "not a .tsv or .tbx file")
        done = glossary_edits.import_entries(ws, sess.user, entries, fields)
        return (
            f"Imported {name}: {done.added} added, {done.changed} changed, "
            f"{done.unchanged} unchanged."
        )

    try:
        message = await run_in_threadpool(run)
    except AzadError as exc:
        return _back(lang, str(exc), error=True)
    return _back(lang, message)


async def export(request: Request) -> Response:
    sess = require_session(request)
    ws, lang, field = _lang(request, sess)
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        return Response("no such format", status_code=404)
    glossary = load_glossary(ws.glossary_path)
    code = ws.settings.languages[lang].code
    if fmt == "tsv":
        body, filename = glossary_files.export_tsv(glossary), "glossary.tsv"
    else:
        body, filename = glossary_files.export_tbx(glossary, field, code), f"glossary-{code}.tbx"
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
