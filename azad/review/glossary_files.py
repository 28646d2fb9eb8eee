"""The glossary as files to exchange: TSV (the workspace's own format, every language) and
TBX (TermBase eXchange, English and one language, through translate-toolkit's
``translate.storage.tbx``), for terminology tools and other newsrooms.

In TBX a term kept in Latin letters is written with the English term as its form (what
the edition prints); reading one back, a form equal to the English term is keep-in-Latin.
The note is the term's ``<note>``. A term without a form in the language is written with
an empty form, so an export lists every term and a round trip keeps every one.
"""

from __future__ import annotations

from translate.storage.tbx import tbxfile

from azad.errors import InputError
from azad.glossary import Glossary, GlossaryEntry, clean_term, dump_glossary, parse_glossary

MAX_IMPORT_BYTES = 5_000_000


def export_tsv(glossary: Glossary) -> bytes:
    return dump_glossary(glossary).encode()


def import_tsv(data: bytes, name: str) -> list[GlossaryEntry]:
    """The entries of a glossary TSV (one clear error naming ``name`` and the line)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(name, "not valid UTF-8") from None
    return list(parse_glossary(text, name))


def export_tbx(glossary: Glossary, field: str, lang_code: str) -> bytes:
    """English → ``lang_code`` (``field``: ``dari`` or ``pashto``) as TBX."""
    store = tbxfile(sourcelanguage="en", targetlanguage=lang_code)
    for entry in glossary:
        unit = store.addsourceunit(entry.english)
        unit.target = entry.english if entry.keep_latin else getattr(entry, field)
        if entry.note:
            unit.addnote(entry.note)
    return bytes(store)


def import_tbx(data: bytes, name: str, field: str) -> list[GlossaryEntry]:
    """The terms of a TBX file as entries with their form in ``field``."""
    try:
        store = tbxfile.parsestring(data)
    except Exception as exc:  # lxml's and the toolkit's errors alike: one line
        raise InputError(name, f"not a TBX file ({str(exc).splitlines()[0][:200]})") from None
    entries: dict[str, GlossaryEntry] = {}
    for number, unit in enumerate(store.units, 1):
        english = unit.source or ""
        form = unit.target or ""
        note = " ".join(unit.getnotes().split())
        try:
            english, forms, note = clean_term(english, {"form": form}, note)
        except InputError as exc:
            raise InputError(name, f"term {number}: {exc}") from None
        if english in entries:
            raise InputError(name, f"term {number}: {english!r} appears twice")
        keep = forms["form"] == english
        entries[english] = GlossaryEntry(
            english, keep_latin=keep, note=note, **{field: "" if keep else forms["form"]}
        )
    return list(entries.values())
