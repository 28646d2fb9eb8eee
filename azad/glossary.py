"""The workspace glossary: English names and terms with their fixed Dari and Pashto forms.

Editors keep it in ``translations/glossary/glossary.tsv`` (``Workspace.glossary_path``),
a UTF-8, tab-separated file::

    # comments start with #
    english	dari	pashto	keep_latin	note
    Kabul	کابل	کابل		capital
    Asian Development Bank	بانک انکشاف آسیایی	د آسیا پراختیايي بانک	no
    ADB			yes	acronym stays in Latin

* The header row is required; its columns may come in any order; ``english``, ``dari``
  and ``pashto`` are required, ``keep_latin`` and ``note`` optional.  Cells are not
  quoted: a cell is everything between two tabs, with outer spaces removed.
* ``keep_latin`` is ``yes``, ``no`` or empty (no): ``yes`` keeps the English term in
  Latin letters in both editions (acronyms, brand names).
* An entry without a target for a language (and not ``keep_latin``) is left to machine
  translation in that language.

Matching (:meth:`Glossary.find`) is **case-sensitive**, because the glossary is mostly
proper names and "Bank" is not "bank"; an entry written in lower case also matches with
its first letter capitalised, at the start of a sentence ("provincial council" matches
"Provincial council").  Terms match whole words only, any run of white space matches the
single space between a term's words, and the longest term wins ("Asian Development Bank"
before "Bank").
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from cachetools import LRUCache
from filelock import FileLock

from azad.errors import InputError
from azad.fsutil import atomic_write_text, stat_key
from azad.lang.common import DARI, check_lang
from azad.tsv import tsv_lines

GLOSSARY_COLUMNS: Final = ("english", "dari", "pashto", "keep_latin", "note")
_REQUIRED_COLUMNS: Final = ("english", "dari", "pashto")
_YES: Final = frozenset({"yes", "y", "true"})
_NO: Final = frozenset({"", "no", "n", "false"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class GlossaryEntry:
    """One glossary row."""

    english: str
    """The term as written in English sources (single spaces between words)."""
    dari: str = ""
    pashto: str = ""
    keep_latin: bool = False
    """Keep the English term, in Latin letters, in both editions."""
    note: str = ""

    def target(self, lang: str) -> str | None:
        """What the term becomes in ``lang``: the English term when ``keep_latin``, else
        the Dari or Pashto form; ``None`` when the entry has none (MT translates it)."""
        if self.keep_latin:
            return self.english
        value = self.dari if check_lang(lang) == DARI else self.pashto
        return value or None


@dataclass(frozen=True)
class Match:
    """A glossary term found in a text: ``text[start:end]`` is ``matched``."""

    start: int
    end: int
    matched: str
    entry: GlossaryEntry


@dataclass(frozen=True)
class Glossary:
    """The entries of a glossary, in file order, and the comment lines above its header."""

    entries: tuple[GlossaryEntry, ...] = ()
    preamble: tuple[str, ...] = ()
    """Comment lines before the header row, written back by :func:`save_glossary`.
    (Comments further down are not kept when the glossary is saved.)"""
    _index: dict[str, GlossaryEntry] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _patterns: dict[str | None, re.Pattern[str] | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for entry in self.entries:
            if not entry.english or _SPACE.sub(" ", entry.english).strip() != entry.english:
                raise ValueError(f"glossary term {entry.english!r} is empty or badly spaced")
            if entry.english in self._index:
                raise ValueError(f"glossary term {entry.english!r} appears twice")
            self._index[entry.english] = entry

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[GlossaryEntry]:
        return iter(self.entries)

    def get(self, term: str) -> GlossaryEntry | None:
        """The entry for ``term`` (as written in a text: spacing and a capitalised first
        letter of a lower-case entry are allowed)."""
        key = _SPACE.sub(" ", term).strip()
        entry = self._index.get(key)
        if entry is None and key[:1].isupper():
            entry = self._index.get(key[0].lower() + key[1:])
        return entry

    def target(self, term: str, lang: str) -> str | None:
        """What ``term`` becomes in ``lang`` (see :meth:`GlossaryEntry.target`); ``None``
        if the term is not in the glossary or has no form in ``lang``."""
        entry = self.get(term)
        return entry.target(lang) if entry else None

    def find(self, text: str, lang: str | None = None) -> list[Match]:
        """Non-overlapping glossary terms in ``text``, left to right, longest first.

        With ``lang``, only entries that have a form in that language (or keep Latin).
        """
        pattern = self._pattern(lang)
        if pattern is None:
            return []
        matches: list[Match] = []
        for m in pattern.finditer(text):
            entry = self.get(m.group())
            if entry is not None:
                matches.append(Match(m.start(), m.end(), m.group(), entry))
        return matches

    def _pattern(self, lang: str | None) -> re.Pattern[str] | None:
        if lang not in self._patterns:
            entries = [e for e in self.entries if lang is None or e.target(lang) is not None]
            alternatives = [
                _term_regex(e.english)
                for e in sorted(entries, key=lambda e: (-len(e.english), e.english))
            ]
            self._patterns[lang] = (
                re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)") if alternatives else None
            )
        return self._patterns[lang]

    def with_entry(self, entry: GlossaryEntry) -> Glossary:
        """A copy with ``entry`` added, or replacing the entry with the same English term."""
        entries = list(self.entries)
        for i, old in enumerate(entries):
            if old.english == entry.english:
                entries[i] = entry
                break
        else:
            entries.append(entry)
        return replace(self, entries=tuple(entries))

    def without(self, english: str) -> Glossary:
        """A copy without the entry for ``english`` (unchanged if there is none)."""
        return replace(self, entries=tuple(e for e in self.entries if e.english != english))


def _term_regex(term: str) -> str:
    words = [re.escape(w) for w in term.split(" ")]
    first = term[0]
    if first.islower() and first.upper() != first:
        # A lower-case entry also matches at the start of a sentence.
        rest = term.split(" ")[0][1:]
        words[0] = f"[{re.escape(first)}{re.escape(first.upper())}]{re.escape(rest)}"
    return r"\s+".join(words)


def load_glossary(path: Path) -> Glossary:
    """Read a glossary TSV (format in the module docstring); a missing file is an empty
    glossary.  Any problem is an :class:`InputError` naming the file and the line."""
    version = stat_key(str(path))
    if version is None:
        return Glossary()
    # A Glossary is immutable: one parse serves every reader of the same file version (the
    # review app checks segments against it on every request). Every write of the file
    # replaces it (a new inode), and a hand edit changes its mtime or size.
    key = (str(path), version)
    with _parsed_lock:
        found = _parsed.get(key)
    if found is None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return Glossary()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(path, "not valid UTF-8") from None
        found = parse_glossary(text, path)  # raises for a damaged file: nothing kept
        with _parsed_lock:
            _parsed[key] = found
    return found


_parsed: LRUCache[tuple[str, str], Glossary] = LRUCache(maxsize=8)
_parsed_lock = threading.Lock()


def parse_glossary(text: str, path: str | Path = "<glossary>") -> Glossary:
    """Parse glossary TSV ``text``; ``path`` names it in errors (see :func:`load_glossary`)."""
    preamble: list[str] = []
    columns: list[str] | None = None
    entries: list[GlossaryEntry] = []
    first_line: dict[str, int] = {}
    for tsv in tsv_lines(text):
        number, cells = tsv.number, tsv.cells
        if cells is None:
            if columns is None:
                preamble.append(tsv.text)
            continue
        if columns is None:
            columns = _check_header(cells, number, path)
            continue
        if len(cells) > len(columns):
            raise InputError(
                path,
                f"line {number}: {len(cells)} columns, but the header has {len(columns)} "
                f"({', '.join(columns)})",
            )
        row = dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True))
        english = _SPACE.sub(" ", row["english"]).strip()
        if not english:
            raise InputError(path, f"line {number}: the english cell is empty")
        if english in first_line:
            raise InputError(
                path,
                f"line {number}: {english!r} is already on line {first_line[english]}",
            )
        first_line[english] = number
        keep = row.get("keep_latin", "").lower()
        if keep not in _YES | _NO:
            raise InputError(
                path, f"line {number}: keep_latin must be yes, no or empty, not {keep!r}"
            )
        entries.append(
            GlossaryEntry(
                english=english,
                dari=row["dari"],
                pashto=row["pashto"],
                keep_latin=keep in _YES,
                note=row.get("note", ""),
            )
        )
    # A file with only comments (or nothing) has no header and is an empty glossary.
    return Glossary(tuple(entries), tuple(preamble))


def _check_header(cells: list[str], number: int, path: str | Path) -> list[str]:
    names = [c.lower() for c in cells]
    words = names[0].split() if len(names) == 1 else []
    if len(words) > 1 and all(w in GLOSSARY_COLUMNS for w in words):
        # An editor whose text editor turns tabs into spaces: name that, not the
        # "unknown column 'english    dari    pashto'" it would otherwise be.
        raise InputError(
            path, f"line {number}: the header's columns are separated by spaces, not tabs"
        )
    for name in names:
        if name not in GLOSSARY_COLUMNS:
            raise InputError(
                path,
                f"line {number}: unknown column {name!r} in the header "
                f"(columns: {', '.join(GLOSSARY_COLUMNS)})",
            )
        if names.count(name) > 1:
            raise InputError(path, f"line {number}: column {name!r} appears twice in the header")
    missing = [c for c in _REQUIRED_COLUMNS if c not in names]
    if missing:
        raise InputError(
            path, f"line {number}: the header lacks the column(s) {', '.join(missing)}"
        )
    return names


def dump_glossary(glossary: Glossary) -> str:
    """The TSV text of ``glossary`` (preamble, header with all five columns, one row per
    entry).  A cell holding a tab or a line break cannot be written: ``ValueError``."""
    lines = list(glossary.preamble)
    lines.append("\t".join(GLOSSARY_COLUMNS))
    for entry in glossary.entries:
        cells = [entry.english, entry.dari, entry.pashto, "yes" if entry.keep_latin else "no",
                 entry.note]  # fmt: skip
        for cell in cells:
            if any(c in cell for c in "\t\r\n"):
                raise ValueError(f"glossary cell {cell!r} holds a tab or a line break")
            if cell != cell.strip():
                raise ValueError(f"glossary cell {cell!r} has outer white space")
        if entry.english.lstrip().startswith("#"):
            raise ValueError(f"glossary term {entry.english!r} would read as a comment")
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def save_glossary(glossary: Glossary, path: Path) -> None:
    """Write ``glossary`` to ``path`` atomically (readers see the old file or the new)."""
    atomic_write_text(path, dump_glossary(glossary))


def clean_term(
    english: str, forms: dict[str, str], note: str = ""
) -> tuple[str, dict[str, str], str]:
    """A term, its forms (by name) and note as a glossary cell can hold them: runs of white
    space in the term and note made single, outer spaces removed; a tab, a line break or a
    control character, a term starting with ``#`` (it would read as a comment) or an
    over-long cell is an :class:`InputError`."""
    english = _SPACE.sub(" ", english).strip()
    forms = {name: form.strip() for name, form in forms.items()}
    note = _SPACE.sub(" ", note).strip()
    for name, cell in (("english", english), *forms.items(), ("note", note)):
        if any(c in cell for c in "\t\r\n") or any(ord(c) < 32 for c in cell):
            raise InputError(name, "holds a tab, a line break or a control character")
    if not english:
        raise InputError("english", "the English term is needed")
    if english.startswith("#"):
        raise InputError("english", "a term cannot start with # (it would read as a comment)")
    if len(english) > 200 or any(len(f) > 200 for f in forms.values()) or len(note) > 500:
        raise InputError("term", "too long for a glossary entry")
    return english, forms, note


def with_form(
    glossary: Glossary, english: str, lang: str, form: str, note: str = ""
) -> tuple[Glossary, GlossaryEntry]:
    """``glossary`` with ``english`` → ``form`` in ``lang`` (``fa-AF``/``ps-AF``), and the
    entry: a term already there gets the form only where it has none in ``lang``; a
    different form there is refused (:class:`InputError`), never replaced silently. The
    text is kept as typed (no letter folding: Pashto's letters are not Dari's)."""
    english, forms, note = clean_term(english, {"form": form}, note)
    form = forms["form"]
    if not form:
        raise InputError("term", "both the English term and its form are needed")
    dari = check_lang(lang) == DARI
    old = glossary.get(english)
    if old is not None and old.english == english:
        have = old.dari if dari else old.pashto
        if have and have != form:
            raise InputError(english, f"already in the glossary as {have}")
        entry = replace(
            old,
            dari=form if dari else old.dari,
            pashto=old.pashto if dari else form,
            note=old.note or note,
        )
    else:
        entry = GlossaryEntry(english, form if dari else "", "" if dari else form, note=note)
    return glossary.with_entry(entry), entry


def add_term(path: Path, english: str, lang: str, form: str, note: str = "") -> GlossaryEntry:
    """Add ``english`` → ``form`` in ``lang`` to the glossary at ``path`` (the rules of
    :func:`with_form`), under a lock (two editors adding at once both land) and
    atomically."""
    with FileLock(f"{path}.lock", timeout=30):
        glossary, entry = with_form(load_glossary(path), english, lang, form, note)
        path.parent.mkdir(parents=True, exist_ok=True)
        save_glossary(glossary, path)
    return entry
