"""Editors add glossary terms from the editor page (:mod:`azad.review.glossary_edits`:
validated, locked, written atomically, recorded in the glossary's history). The editor
page, the QA checks and the machine pipeline read the glossary afresh, so the term counts
from the next page on."""

from __future__ import annotations

from azad.db.users import User
from azad.glossary import GlossaryEntry
from azad.review.glossary_edits import add_form
from azad.workspace import Workspace


def add_glossary_term(
    ws: Workspace, lang_key: str, user: User, english: str, form: str, note: str = ""
) -> GlossaryEntry:
    return add_form(ws, lang_key, user, english, form, note)
