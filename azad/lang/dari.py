"""Dari post-editing: Persian letter forms, then Afghan vocabulary for Iranian words.

The ``en→fa`` model writes Iranian Persian.  Post-editing, in this order:

1. letters: Arabic yeh ي and alef maksura ى → Persian yeh ی, Arabic kaf ك → Persian kaf ک;
   a doubled ZWNJ becomes one (ZWNJ itself is correct Dari spelling and is never removed);
2. digits, number separators and punctuation (:mod:`azad.lang.digits`);
3. the Dari lexicon (``azad/data/dari_lexicon.tsv``): whole Iranian words → Dari words.

Whole words only.  A word is a run of Arabic-script letters, combining marks and ZWNJ
(:data:`~azad.lang.common.ARABIC_WORD_CHAR`); an entry matches only where neither the
character before nor the one after continues the word, so استان changes in «استان هرات»
but not inside استانبول, بوستان or استان‌ها (which has its own entry).  Entries are tried
longest first, so استاندار becomes والی, not ولایتدار.  Inflected forms are entries of
their own, because the Dari form is not always the Iranian form with the same ending
(بیمارستانی → شفاخانه‌ای).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Final

from azad.errors import InputError
from azad.lang.common import (
    ARABIC_WORD_CHAR,
    ZWNJ,
    Postedit,
    Scan,
    Substitution,
    TextEdit,
    apply_text_edits,
    merge_digit_records,
)
from azad.lang.digits import bidi_edits, digit_edits, punctuation_edits
from azad.tsv import tsv_lines

LEXICON_COLUMNS: Final = ("iranian", "dari", "note")

_FOLDS: Final = {
    "\u064a": ("\u06cc", "Arabic yeh ي → Persian yeh ی"),
    "\u0649": ("\u06cc", "alef maksura ى → Persian yeh ی"),
    "\u0643": ("\u06a9", "Arabic kaf ك → Persian kaf ک"),
}
_FOLD_TABLE = str.maketrans({k: v for k, (v, _) in _FOLDS.items()})
_DOUBLE_ZWNJ = re.compile(f"{ZWNJ}{{2,}}")
_WORD_PHRASE = re.compile(f"{ARABIC_WORD_CHAR}+(?: {ARABIC_WORD_CHAR}+)*")


def fold_dari(text: str) -> str:
    """Arabic yeh, alef maksura and kaf as their Persian forms (everywhere in ``text``)."""
    return text.translate(_FOLD_TABLE)


def letter_edits(scan: Scan) -> list[TextEdit]:
    """Arabic letter forms → Persian forms, and doubled ZWNJ → one, outside isolates."""
    edits = [
        TextEdit(i, i + 1, _FOLDS[c][0], "letters", _FOLDS[c][1])
        for i, c in enumerate(scan.text)
        if c in _FOLDS and not scan.isolated[i]
    ]
    edits += [
        TextEdit(m.start(), m.end(), ZWNJ, "letters", "doubled zero-width non-joiner")
        for m in _DOUBLE_ZWNJ.finditer(scan.text)
        if scan.editable(m.start(), m.end(), latin_ok=True)
    ]
    return edits


@dataclass(frozen=True)
class LexiconEntry:
    """One row of the Dari lexicon: an Iranian Persian word (or inflected form, or phrase)
    and the Dari word that replaces it."""

    iranian: str
    dari: str
    note: str = ""
    line: int = 0
    """The line of the TSV file it came from (0 when built in code)."""


class Lexicon:
    """Whole-word Iranian → Dari replacements, longest entry first."""

    def __init__(self, entries: Iterable[LexiconEntry]) -> None:
        self.entries: tuple[LexiconEntry, ...] = tuple(entries)
        self._by_word = {e.iranian: e for e in self.entries}
        if len(self._by_word) != len(self.entries):
            raise ValueError("duplicate Iranian entries in the lexicon")
        words = sorted(self._by_word, key=lambda w: (-len(w), w))
        alternatives = "|".join(re.escape(w) for w in words)
        self._pattern: re.Pattern[str] | None = (
            re.compile(f"(?<!{ARABIC_WORD_CHAR})(?:{alternatives})(?!{ARABIC_WORD_CHAR})")
            if words
            else None
        )

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, iranian: str) -> LexiconEntry | None:
        return self._by_word.get(iranian)

    def edits(self, scan: Scan) -> list[TextEdit]:
        if self._pattern is None:
            return []
        edits: list[TextEdit] = []
        for m in self._pattern.finditer(scan.text):
            if scan.editable(m.start(), m.end(), latin_ok=True):
                entry = self._by_word[m.group()]
                reason = f"Dari vocabulary: {entry.note}" if entry.note else "Dari vocabulary"
                edits.append(TextEdit(m.start(), m.end(), entry.dari, "lexicon", reason))
        return edits


def load_lexicon(path: Path) -> Lexicon:
    """Read a Dari lexicon TSV; any problem is an :class:`InputError` naming file and line.

    Format: UTF-8, tab-separated, a header row ``iranian<TAB>dari<TAB>note``, then one
    entry per row (the note may be left out).  Blank lines and lines starting with ``#``
    are ignored.  Both columns are read with Dari letter forms (ي → ی, ك → ک), so an
    entry typed on an Arabic keyboard still matches.  Refused: an empty cell, an Iranian
    cell that is not Arabic-script words separated by single spaces, a repeated Iranian
    word, and a Dari word that the lexicon would change again (post-editing must give the
    same text when run twice).
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "lexicon file not found") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not valid UTF-8") from None
    return parse_lexicon(text, path)


def parse_lexicon(text: str, path: str | Path = "<lexicon>") -> Lexicon:
    """Parse lexicon TSV ``text`` (see :func:`load_lexicon`); ``path`` names it in errors."""
    entries: list[LexiconEntry] = []
    seen: dict[str, int] = {}
    header_seen = False
    for tsv in tsv_lines(text):
        number, cells = tsv.number, tsv.cells
        if cells is None:
            continue
        if not header_seen:
            names = tuple(c.lower() for c in cells)
            if names != LEXICON_COLUMNS:
                raise InputError(
                    path,
                    f"line {number}: the header must be {' TAB '.join(LEXICON_COLUMNS)}, "
                    f"found {' TAB '.join(cells)}",
                )
            header_seen = True
            continue
        if len(cells) not in (2, 3):
            raise InputError(path, f"line {number}: expected 2 or 3 tab-separated columns, "
                                   f"found {len(cells)}")  # fmt: skip
        iranian, dari = fold_dari(cells[0]), fold_dari(cells[1])
        note = cells[2] if len(cells) == 3 else ""
        if not iranian or not dari:
            raise InputError(path, f"line {number}: the iranian and dari cells must not be empty")
        if not _WORD_PHRASE.fullmatch(iranian):
            raise InputError(
                path,
                f"line {number}: {iranian!r} is not Persian words separated by single spaces",
            )
        if iranian in seen:
            raise InputError(path, f"line {number}: {iranian!r} is already on line {seen[iranian]}")
        seen[iranian] = number
        entries.append(LexiconEntry(iranian, dari, note, number))
    if not header_seen:
        raise InputError(path, f"no header row ({' TAB '.join(LEXICON_COLUMNS)})")
    lexicon = Lexicon(entries)
    _check_stable(lexicon, path)
    return lexicon


def _check_stable(lexicon: Lexicon, path: str | Path) -> None:
    # A Dari word that holds an Iranian entry as a whole word would be changed again on a
    # second run; so would an Iranian phrase built around a Dari word.
    for entry in lexicon.entries:
        hits = lexicon.edits(Scan(entry.dari))
        if hits:
            word = entry.dari[hits[0].start : hits[0].end]
            raise InputError(
                path,
                f"line {entry.line}: the Dari {entry.dari!r} contains {word!r}, which the "
                "lexicon would replace again",
            )
    targets = Lexicon(
        LexiconEntry(d, "-", "", 0) for d in sorted({e.dari for e in lexicon.entries})
    )
    for entry in lexicon.entries:
        if " " in entry.iranian:
            hits = targets.edits(Scan(entry.iranian))
            if hits:
                word = entry.iranian[hits[0].start : hits[0].end]
                raise InputError(
                    path,
                    f"line {entry.line}: the Iranian phrase {entry.iranian!r} contains the "
                    f"Dari word {word!r}; a second run could match it",
                )


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped with Azad Press (``azad/data/dari_lexicon.tsv``)."""
    source = resources.files("azad") / "data" / "dari_lexicon.tsv"
    with resources.as_file(source) as path:
        return load_lexicon(path)


def postprocess_dari(text: str, lexicon: Lexicon | None = None) -> Postedit:
    """Dari post-editing of MT output (see the module docstring).

    ``lexicon`` defaults to :func:`default_lexicon`; pass ``Lexicon([])`` for none.
    """
    if lexicon is None:
        lexicon = default_lexicon()
    records: list[Substitution] = []
    for step in (letter_edits, digit_edits, punctuation_edits, bidi_edits):
        text, new = apply_text_edits(text, step(Scan(text)))
        records += merge_digit_records(new)
    text, new = apply_text_edits(text, lexicon.edits(Scan(text)), per_occurrence=True)
    records += new
    return Postedit(text, records)
