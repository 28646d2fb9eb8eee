"""Editors change the glossary (the glossary page, the editor page's "add a term", imports),
and every change is in its history: who, when, the entry before and after.

:mod:`azad.glossary` owns the file's format; here every change is made under the file's
lock, from the file as it is then (two editors at once both land), and written atomically
inside the database transaction that records it, so a failed write leaves no history row
and a refused history row leaves the file as it was. The QA checks, the editor page and
the machine pipeline read the glossary afresh, and remembered QA results are keyed by its
content (:mod:`azad.review.qa_results`), so a change counts from the next page on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from filelock import FileLock

from azad.db.connection import connect, writing
from azad.db.users import User
from azad.errors import AzadError, InputError
from azad.glossary import (
    Glossary,
    GlossaryEntry,
    clean_term,
    load_glossary,
    save_glossary,
    with_form,
)
from azad.review.actions import require_editor, require_lang
from azad.workspace import Workspace

Diff = tuple[GlossaryEntry | None, GlossaryEntry | None]
"""One entry before and after a change (``None``: not there)."""
HISTORY_PAGE = 200


def _json(entry: GlossaryEntry | None) -> str:
    return json.dumps(dataclasses.asdict(entry), ensure_ascii=False) if entry else ""


def _entry(text: str) -> GlossaryEntry | None:
    return GlossaryEntry(**json.loads(text)) if text else None


Change = Callable[[Glossary], tuple[Glossary, list[Diff]]]


def _apply(ws: Workspace, user: User, action: str, change: Change) -> list[Diff]:
    """Run ``change`` on the glossary as it is under its lock; write the result and its
    history rows together (nothing is written when nothing changed)."""
    require_editor(user)
    path = ws.glossary_path
    with FileLock(f"{path}.lock", timeout=30):
        new, diffs = change(load_glossary(path))
        diffs = [(b, a) for b, a in diffs if b != a]
        if not diffs:
            return []
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with writing(ws) as conn:
            conn.executemany(
                "INSERT INTO glossary_history (at, by, action, english, before, after) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (at, user.name, action, (a or b).english, _json(b), _json(a))  # type: ignore[union-attr]
                    for b, a in diffs
                ],
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            # Inside the transaction: a write that fails (disk full) rolls the rows back.
            save_glossary(new, path)
    return diffs


def _form_field(ws: Workspace, lang_key: str) -> str:
    return "dari" if ws.settings.languages[lang_key].code == "fa-AF" else "pashto"


def add_form(
    ws: Workspace, lang_key: str, user: User, english: str, form: str, note: str = ""
) -> GlossaryEntry:
    """The editor page's "add a term": ``english`` → ``form`` in the language (an existing
    different form is refused, see :func:`azad.glossary.with_form`)."""
    require_lang(user, lang_key)
    code = ws.settings.languages[lang_key].code
    added: list[GlossaryEntry] = []

    def change(g: Glossary) -> tuple[Glossary, list[Diff]]:
        new, entry = with_form(g, english, code, form, note)
        added.append(entry)
        return new, [(next((e for e in g if e.english == entry.english), None), entry)]

    _apply(ws, user, "add", change)
    return added[0]


def _terms(g: Glossary) -> set[str]:
    return {e.english for e in g}


def save_term(
    ws: Workspace,
    lang_key: str,
    user: User,
    *,
    english: str,
    form: str,
    keep_latin: bool,
    note: str,
    original: str = "",
) -> GlossaryEntry:
    """Add or edit a term from the glossary page of a language: its English (renaming
    ``original`` when given and different), its form in the language, keep-in-Latin and the
    note; the other language's form stays as it was. Renaming onto another existing term
    is refused."""
    require_lang(user, lang_key)
    english, forms, note = clean_term(english, {"form": form}, note)
    field = _form_field(ws, lang_key)
    saved: list[GlossaryEntry] = []

    def change(g: Glossary) -> tuple[Glossary, list[Diff]]:
        old_key = original.strip() or english
        before = next((e for e in g if e.english == old_key), None)
        if original.strip() and before is None:
            raise AzadError(f"{old_key}: no such term (someone may have removed it)")
        if not original.strip() and before is not None:
            raise InputError(english, "is already in the glossary (edit it there)")
        if old_key != english and english in _terms(g):
            raise InputError(english, "is already in the glossary")
        base = before or GlossaryEntry(english)
        after = dataclasses.replace(
            base, english=english, keep_latin=keep_latin, note=note, **{field: forms["form"]}
        )
        entries = [after if e.english == old_key else e for e in g]
        if before is None:
            entries.append(after)
        saved.append(after)
        return dataclasses.replace(g, entries=tuple(entries)), [(before, after)]

    _apply(ws, user, "edit" if original.strip() else "add", change)
    return saved[0]


def delete_term(ws: Workspace, user: User, english: str) -> None:
    def change(g: Glossary) -> tuple[Glossary, list[Diff]]:
        before = next((e for e in g if e.english == english), None)
        if before is None:
            raise AzadError(f"{english}: no such term")
        return g.without(english), [(before, None)]

    _apply(ws, user, "delete", change)


@dataclass(frozen=True)
class ImportResult:
    added: int
    changed: int
    unchanged: int


def import_entries(
    ws: Workspace, user: User, entries: Iterable[GlossaryEntry], fields: tuple[str, ...]
) -> ImportResult:
    """Merge imported entries: a new term is added; an existing one takes the imported
    ``fields`` (``dari``, ``pashto``, ``keep_latin``, ``note``) where the import has a
    value (an empty cell never erases a form). Each change is a history row."""
    imported = list(entries)
    counts = {"added": 0, "changed": 0, "unchanged": 0}

    def change(g: Glossary) -> tuple[Glossary, list[Diff]]:
        diffs: list[Diff] = []
        for entry in imported:
            before = next((e for e in g if e.english == entry.english), None)
            if before is None:
                after = entry
            else:
                values = {f: getattr(entry, f) for f in fields if getattr(entry, f)}
                after = dataclasses.replace(before, **values)
            key = "added" if before is None else "changed" if after != before else "unchanged"
            counts[key] += 1
            g = g.with_entry(after)
            diffs.append((before, after))
        return g, diffs

    _apply(ws, user, "import", change)
    return ImportResult(**counts)


@dataclass(frozen=True)
class HistoryRow:
    at: str
    by: str
    action: str
    english: str
    before: GlossaryEntry | None
    after: GlossaryEntry | None


def history(ws: Workspace, english: str = "", limit: int = HISTORY_PAGE) -> list[HistoryRow]:
    """The newest changes first (of one term, if ``english`` is given)."""
    where, args = ("WHERE english = ?", [english]) if english else ("", [])
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT at, by, action, english, before, after FROM glossary_history "
            f"{where} ORDER BY id DESC LIMIT ?",
            [*args, limit],
        ).fetchall()
    return [HistoryRow(r[0], r[1], r[2], r[3], _entry(r[4]), _entry(r[5])) for r in rows]
