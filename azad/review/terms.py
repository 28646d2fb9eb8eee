"""Editors add glossary terms from the editor page (:func:`azad.glossary.add_term` owns
the file: validated, locked, written atomically). The editor page, the QA checks and the
machine pipeline read the glossary afresh, so the term counts from the next page on."""

from __future__ import annotations

from azad.db.users import User
from azad.glossary import GlossaryEntry, add_term
from azad.review.actions import require_editor, require_lang
from azad.workspace import Workspace


def add_glossary_term(
    ws: Workspace, lang_key: str, user: User, english: str, form: str, note: str = ""
) -> GlossaryEntry:
    require_editor(user)
    require_lang(user, lang_key)
    code = ws.settings.languages[lang_key].code
    return add_term(ws.glossary_path, english, code, form, note)
