"""The PO syntax of the review queue: bytes ↔ :class:`~azad.queue.units.TranslationFile`.

The one parser and the one serialiser of the project's PO files (polib underneath), and
the only place that knows how a unit's state and provenance are spelled in PO:

* ``msgctxt`` is the segment id, ``msgid`` the English, ``msgstr`` the translation;
* the ``fuzzy`` flag marks a draft (not yet reviewed), as Poedit, OmegaT and Weblate read
  it; ``#| msgid`` the English a draft was written for;
* extracted comments (``#.``) carry the provenance as one JSON line
  (``provenance: {"origin": "machine", …}``), the machine pipeline's QA flags
  (``qa: …``) and lexicon substitutions (``lexicon: …``); other lines are kept as notes.
  Files written before provenance was structured say ``machine draft: ENGINE`` and keep
  the machine's text in ``machine draft text:`` / ``new machine draft:`` lines; they are
  read as the same provenance.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib

from azad.errors import InputError
from azad.queue.units import Provenance, TranslationFile, Unit, UnitMemo, state_of

PLURAL_FORMS = {
    # CLDR: Persian and Pashto both have "one" (n = 1, Persian also 0) and "other".
    "fa-AF": "nplurals=2; plural=(n > 1);",
    "ps-AF": "nplurals=2; plural=(n != 1);",
}
_DRAFT_FLAG = "fuzzy"
_PROVENANCE = "provenance: "
_QA = "qa: "
_LEXICON = "lexicon: "
# The spellings of files written before provenance was structured.
_OLD_DRAFT_TEXT = ("machine draft text: ", "new machine draft: ")
_OLD_ENGINE = "machine draft: "


class _PoText(str):
    """The text of a PO file, which polib splits into lines at ``\\n`` only.

    polib splits the text it is given with :meth:`str.splitlines`, which also breaks at
    U+2028, U+2029, U+0085 and U+001C–U+001E. polib writes these raw inside quoted strings
    (PO has no escape for them), so a translation or English sentence holding one (pasted
    from a PDF or a word processor) came back mangled, without an error. gettext ends
    lines at ``\\n`` only; so does this (``\\r\\n`` and ``\\r`` are ``\\n`` already)."""

    def splitlines(self, keepends: bool = False) -> list[str]:  # type: ignore[override]
        lines = self.split("\n")
        last = lines.pop()
        if keepends:
            lines = [line + "\n" for line in lines]
        return [*lines, last] if last else lines


def parse_po(data: bytes, name: Path | str) -> TranslationFile:
    """Parse a PO file's bytes; a damaged file is an :class:`InputError` naming ``name``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(name, "not valid UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        catalog = polib.pofile(_PoText(text), wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise InputError(name, f"not a valid PO file: {exc}") from None
    try:
        units = [_unit(entry) for entry in catalog]
    except ValueError as exc:
        raise InputError(name, f"damaged provenance comment: {exc}") from None
    return TranslationFile(
        header=catalog.header or "", metadata=dict(catalog.metadata), units=units
    )


_PREFIXES = (_PROVENANCE, _QA, _LEXICON, *_OLD_DRAFT_TEXT, _OLD_ENGINE)


def _provenance(first: str, rest: list[str]) -> Provenance:
    """The provenance JSON starting with ``first``, taking continuation lines from ``rest``
    while it does not parse: tools that wrap extracted comments (polib and scripts built on
    it wrap at 78 columns, as xgettext does) split the one line, dropping the space where
    they broke it or breaking after a hyphen."""
    text = first
    while True:
        try:
            return Provenance.from_json(text)
        except ValueError:
            if not rest or not rest[0] or rest[0].startswith(_PREFIXES):
                raise
            more = rest.pop(0)
            text += more if text.endswith("-") else " " + more


def _unit(entry: polib.POEntry) -> Unit:
    prov = Provenance()
    qa: list[str] = []
    subs: list[str] = []
    notes: list[str] = []
    old_draft = ""
    lines = (entry.comment or "").split("\n")
    while lines:
        line = lines.pop(0)
        if not line:
            continue
        if line.startswith(_PROVENANCE):
            prov = _provenance(line[len(_PROVENANCE) :], lines)
        elif line.startswith(_QA):
            qa.append(line[len(_QA) :])
        elif line.startswith(_LEXICON):
            subs.append(line[len(_LEXICON) :])
        elif line.startswith(_OLD_DRAFT_TEXT):
            old_draft = old_draft or line.split(": ", 1)[1]
        elif line.startswith(_OLD_ENGINE):
            engine, _, package = line[len(_OLD_ENGINE) :].partition(" ")
            prov = Provenance(
                origin="machine", engine=engine, package=package, test_model="test model" in line
            )
        else:
            notes.append(line)
    if old_draft:
        prov = Provenance(**{**prov.__dict__, "draft": old_draft})
    draft_flag = _DRAFT_FLAG in entry.flags
    return Unit(
        ctx=entry.msgctxt or "",
        english=entry.msgid,
        text=entry.msgstr,
        state=state_of(entry.msgstr, draft_flag),
        provenance=prov,
        previous_english=entry.previous_msgid or "",
        qa=tuple(qa),
        substitutions=tuple(subs),
        notes=tuple(notes),
        translator_comment=entry.tcomment or "",
        extra_flags=tuple(f for f in entry.flags if f != _DRAFT_FLAG),
        obsolete=bool(entry.obsolete),
    )


def render_po(tf: TranslationFile) -> bytes:
    """The PO text of ``tf``: long lines unwrapped (one segment, one line, easy diffs)."""
    catalog = polib.POFile(wrapwidth=0)
    # Comments are lines (see _comment_lines). polib also writes a header line starting
    # with "," or ":" (a title) as "#,…" or "#:…", which it then reads as flags or
    # references, or not at all: a space keeps it text.
    catalog.header = "\n".join(
        " " + line if line[:1] in (",", ":") else line
        for line in _comment_lines(tf.header).split("\n")
    )
    catalog.metadata = dict(tf.metadata)
    # What polib's POFile.__str__ writes (header and metadata, then the live entries,
    # then the obsolete ones, joined by newlines), with each entry's text remembered: a
    # save of one segment of a 20,000-segment file renders one entry, not 20,000.
    # Each entry is remembered encoded: UTF-8 of the joined text is the join of the
    # entries' UTF-8, and a save then encodes one entry, not the whole 6 MB file.
    parts = [str(catalog).encode("utf-8")]
    parts += _entry_bytes.many(u for u in tf.units if not u.obsolete)
    parts += _entry_bytes.many(u for u in tf.units if u.obsolete)
    parts.append(b"")
    return b"\n".join(parts)


# The file's wrap width (0: long lines unwrapped).
_entry_bytes: UnitMemo[bytes] = UnitMemo(lambda unit: _entry(unit).__unicode__(0).encode("utf-8"))


_FLAG = re.compile(r"[A-Za-z0-9_-]+")


def round_trips(tf: TranslationFile) -> bool:
    """Whether :func:`parse_po` of :func:`render_po`'s bytes gives ``tf`` back exactly
    (conservatively: False for anything the PO syntax or polib changes on the way, such
    as white space at the ends of comment lines, a title starting with "," or obsolete
    entries' comments). Only then may a writer remember ``tf`` as the parse of what it
    wrote (:mod:`azad.queue.store`)."""
    header = tf.header.split("\n")
    if any(
        not line or line[:1] in (",", ":") or line != line.strip() or "\r" in line
        for line in header
    ):
        return False
    for key, value in tf.metadata.items():
        both = key + value
        if "\n" in both or "\r" in both or value != value.strip() or key != key.strip():
            return False
    seen_obsolete = False
    for u in tf.units:
        if u.obsolete:
            seen_obsolete = True
        elif seen_obsolete:
            return False  # written after the live ones: read back in another order
    return all(_unit_round_trips.many(tf.units))


def _entry(unit: Unit) -> polib.POEntry:
    comments = list(unit.notes)
    if unit.provenance != Provenance():
        comments.append(_PROVENANCE + unit.provenance.to_json())
    comments += [_QA + q for q in unit.qa]
    comments += [_LEXICON + s for s in unit.substitutions]
    flags = list(unit.extra_flags)
    if unit.state == "draft":
        flags.append(_DRAFT_FLAG)
    return polib.POEntry(
        msgctxt=unit.ctx or None,
        msgid=unit.english,
        msgstr=unit.text,
        flags=flags,
        comment=_comment_lines("\n".join(comments)),
        tcomment=_comment_lines(unit.translator_comment),
        previous_msgid=unit.previous_english or None,
        obsolete=unit.obsolete,
    )


def _comment_lines(text: str) -> str:
    """A comment as PO lines that every reader reads back as they were written.

    polib writes a carriage return in a comment raw: read back, it ends the line and leaves
    a line without "#" (an unreadable file); a machine draft kept as a comment can hold one
    (a CAT tool's msgstr "…\\r\\n…"). And gettext's tools (msgfmt, msgmerge) join a line
    ending in a backslash with the next one, so a comment ending in "\\" swallowed the
    entry's msgctxt; a space after it, which polib drops again on reading, prevents that.
    """
    if not text or not ("\r" in text or "\\\n" in text or text.endswith("\\")):
        return text
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line + " " if line.endswith("\\") else line for line in lines)


def has_live_context(data: bytes, ctx: str) -> bool:
    """Whether the PO text ``data`` has a live (not obsolete) entry with ``msgctxt`` ``ctx``
    (a plain identifier): a look at the bytes, for the cheap "anything to do?" question,
    without parsing the file."""
    needle = re.escape(f'msgctxt "{ctx}"'.encode())
    return re.search(rb"^" + needle + rb"\r?$", data, re.MULTILINE) is not None


def new_file(lang_code: str, title: str, metadata: dict[str, str]) -> TranslationFile:
    """An empty translation file with the queue's header."""
    meta = {
        "Project-Id-Version": "Azad Press",
        "Language": lang_code.replace("-", "_"),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS.get(lang_code, "nplurals=2; plural=(n != 1);"),
    }
    meta.update(metadata)
    header = f"{title}\nAzad Press review queue: edit msgstr, clear the fuzzy flag when done."
    return TranslationFile(header=header, metadata=meta, units=[])


def _unit_trips(u: Unit) -> bool:
    if not u.english or u.state != state_of(u.text, u.state == "draft"):
        return False
    if u.obsolete:
        if u.provenance != Provenance() or u.qa or u.substitutions or u.notes:
            return False
        if u.previous_english or u.extra_flags:
            return False
    for line in (*u.notes, *u.qa, *u.substitutions):
        if not line or line != line.strip() or "\n" in line or "\r" in line:
            return False
    if any(n.startswith((_PROVENANCE, _QA, _LEXICON, _OLD_ENGINE)) for n in u.notes):
        return False
    if any(n.startswith(_OLD_DRAFT_TEXT) for n in u.notes):
        return False
    tc = u.translator_comment
    if "\r" in tc or tc.startswith("\n") or any(x != x.strip() for x in tc.split("\n")):
        return False
    return all(_FLAG.fullmatch(f) and f != _DRAFT_FLAG for f in u.extra_flags)


_unit_round_trips: UnitMemo[bool] = UnitMemo(_unit_trips)
