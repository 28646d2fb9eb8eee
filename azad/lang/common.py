"""Shared pieces of the Dari and Pashto post-editing.

* the language tags the editions use;
* :class:`Substitution` and :class:`Postedit`, the record of what post-editing changed,
  which the reviewer sees;
* :class:`Scan`, which tells for every character of a text whether the typographic steps
  may touch it.  Three rules, the same for every step:

  - text inside a Unicode isolate (FSI/LRI/RLI … PDI) is verbatim: restoration puts URLs,
    e-mail addresses and acronyms there, and nothing may change them; so is a placeholder
    of :mod:`azad.mt.protect` (``XZ1``), when post-editing runs before restoration;
  - a *Latin word* (a run of non-space characters with a left-to-right letter and no
    right-to-left letter, such as ``COVID-19``, ``x.com/a?b=1`` or ``CO2``) keeps its
    digits and separators;
  - punctuation follows its *direction context*: the nearest strong letters before and
    after it in the paragraph (isolates are neutral and skipped, as in the Unicode
    Bidirectional Algorithm).

* :func:`apply_text_edits`, which applies non-overlapping edits and records them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Literal, NamedTuple

DARI: Final = "fa-AF"
PASHTO: Final = "ps-AF"
LANGUAGES: Final = (DARI, PASHTO)

ZWNJ: Final = "\u200c"
ZWJ: Final = "\u200d"
LRI: Final = "\u2066"
RLI: Final = "\u2067"
FSI: Final = "\u2068"
PDI: Final = "\u2069"
_ISOLATE_OPENERS = frozenset({LRI, RLI, FSI})

PLACEHOLDER_PATTERN: Final = re.compile(
    r"(?<![A-Za-z])X[\s\u200c\u200e\u200f]*Z[\s\u200c\u200e\u200f]*(\d+)"
)
"""A placeholder of :mod:`azad.mt.protect` (``XZ1``), also as MT models damage it: not
after a Latin letter (``MAXZ1`` is no placeholder), spaces, ZWNJ and bidi marks between
its parts, its number in any digits.  Defined here because post-editing may run before
restoration and must treat placeholders as verbatim, direction-neutral text."""


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of the edition languages (``fa-AF``, ``ps-AF``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown edition language {lang!r} (known: {', '.join(LANGUAGES)})")
    return lang


def isolate(text: str) -> str:
    """Wrap ``text`` in FSI … PDI so the bidi algorithm lays it out on its own.

    FSI (first strong isolate) takes its direction from the first strong letter inside:
    a URL or acronym runs left to right, and a run of digits and separators (no strong
    letter) also runs left to right, which is how numbers and dates are read.
    """
    return f"{FSI}{text}{PDI}"


SubstitutionKind = Literal["letters", "digits", "punctuation", "bidi", "lexicon"]


@dataclass(frozen=True)
class Substitution:
    """One change post-editing made, for the reviewer.

    Lexicon substitutions are recorded one per occurrence, with ``start`` (the offset of
    ``after`` in the post-edited text) so a review screen can highlight them.  Typographic
    changes (letters, punctuation, bidi isolation) are recorded once per distinct
    ``before`` → ``after`` pair with a ``count``, and digits once per script (``before``
    the distinct digits changed, ``0125`` → ``۰۱۲۵``), so a paragraph of numbers does not
    drown the word changes.
    """

    before: str
    after: str
    reason: str
    kind: SubstitutionKind = "lexicon"
    count: int = 1
    start: int | None = None


@dataclass(frozen=True)
class Postedit:
    """The post-edited text and what was changed to get it."""

    text: str
    substitutions: list[Substitution] = field(default_factory=list)


class TextEdit(NamedTuple):
    """Replace ``text[start:end]`` by ``after``; kind and reason go into the record."""

    start: int
    end: int
    after: str
    kind: SubstitutionKind
    reason: str


def apply_text_edits(
    text: str, edits: Iterable[TextEdit], *, per_occurrence: bool = False
) -> tuple[str, list[Substitution]]:
    """Apply non-overlapping edits to ``text``; return the new text and the records.

    ``per_occurrence`` records every edit with its offset in the new text; otherwise equal
    (kind, before, after, reason) edits are merged into one record with a count, in order
    of first appearance.
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    records: list[Substitution] = []
    merged: dict[tuple[str, str, str, str], int] = {}
    pos = 0
    out_len = 0
    for edit in ordered:
        if edit.start < pos:
            raise ValueError(f"overlapping edits at {edit.start}")
        before = text[edit.start : edit.end]
        gap = text[pos : edit.start]
        out.append(gap)
        out_len += len(gap)
        if before != edit.after:
            if per_occurrence:
                records.append(Substitution(before, edit.after, edit.reason, edit.kind, 1, out_len))
            else:
                key = (edit.kind, before, edit.after, edit.reason)
                merged[key] = merged.get(key, 0) + 1
        out.append(edit.after)
        out_len += len(edit.after)
        pos = edit.end
    out.append(text[pos:])
    for (kind, before, after, reason), count in merged.items():
        records.append(Substitution(before, after, reason, kind, count))  # type: ignore[arg-type]
    return "".join(out), records


def merge_digit_records(records: list[Substitution]) -> list[Substitution]:
    """One record per kind of digit change instead of one per digit: ``0125`` → ``۰۱۲۵``
    (the distinct digits changed, in order), with the total count."""
    merged: dict[str, tuple[dict[str, str], int]] = {}
    out: list[Substitution] = []
    for record in records:
        if record.kind != "digits":
            out.append(record)
            continue
        if record.reason not in merged:
            merged[record.reason] = ({}, 0)
            out.append(record)  # placeholder, replaced below
        pairs, count = merged[record.reason]
        pairs[record.before] = record.after
        merged[record.reason] = (pairs, count + record.count)
    for i, record in enumerate(out):
        if record.kind == "digits":
            pairs, count = merged[record.reason]
            before = "".join(sorted(pairs))
            out[i] = Substitution(
                before, "".join(pairs[b] for b in before), record.reason, "digits", count
            )
    return out


def strong_direction(char: str, *, letters_only: bool = True) -> str | None:
    """``L`` or ``R`` for a character of strong direction, else None.

    ``letters_only`` (post-editing): Arabic punctuation such as ؛ and ؟ is "AL" for the
    bidi algorithm, but counting it would let this module's own output change the context
    of a second run."""
    if letters_only and not unicodedata.category(char).startswith("L"):
        return None
    bidi = unicodedata.bidirectional(char)
    if bidi == "L":
        return "L"
    if bidi in ("R", "AL"):
        return "R"
    return None


def _is_paragraph_break(char: str) -> bool:
    return unicodedata.bidirectional(char) == "B"


def isolate_spans(text: str) -> list[tuple[int, int]]:
    """The isolates of ``text`` as ``(start, end)`` slices, controls included: each runs
    from an outermost FSI/LRI/RLI to its matching PDI (nested isolates inside it) or to
    the end of its paragraph, as in the Unicode Bidirectional Algorithm; a stray PDI is
    ordinary text.  The one reading of isolates that the editions' isolation, the
    typographic steps and the review checks share."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for i, char in enumerate(text):
        if _is_paragraph_break(char):
            if depth:
                spans.append((start, i))
            depth = 0
        elif char in _ISOLATE_OPENERS:
            if depth == 0:
                start = i
            depth += 1
        elif char == PDI and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    if depth:
        spans.append((start, len(text)))
    return spans


def outside_isolates(text: str) -> str:
    """``text`` with each isolate replaced by one space: what is left to check once the
    verbatim parts (URLs, names, restored placeholders) are set aside."""
    out: list[str] = []
    pos = 0
    for start, end in isolate_spans(text):
        out.append(text[pos:start])
        out.append(" ")
        pos = end
    out.append(text[pos:])
    return "".join(out)


class Scan:
    """Per-character facts about a text that the typographic steps need (see the module
    docstring).  Computed once per step in linear time."""

    def __init__(self, text: str) -> None:
        self.text = text
        n = len(text)
        isolated = [False] * n
        for start, end in isolate_spans(text):
            isolated[start:end] = [True] * (end - start)
        # Placeholders stand for text restored later (a number, a URL, a glossary term):
        # verbatim and neutral like isolated text.
        for m in PLACEHOLDER_PATTERN.finditer(text):
            isolated[m.start() : m.end()] = [True] * (m.end() - m.start())
        self.isolated = isolated

        # Latin words: maximal runs of editable, non-space characters with an L letter and
        # no R/AL letter.
        latin = [False] * n
        # In a Latin word and followed by a letter or digit of it: the "?" of "x.com/a?b",
        # not the "," closing "(ADB),".
        latin_inner = [False] * n
        i = 0
        while i < n:
            if isolated[i] or text[i].isspace():
                i += 1
                continue
            j = i
            has_l = has_r = False
            while j < n and not isolated[j] and not text[j].isspace():
                strong = strong_direction(text[j])
                has_l = has_l or strong == "L"
                has_r = has_r or strong == "R"
                j += 1
            if has_l and not has_r:
                seen_alnum = False
                for k in range(j - 1, i - 1, -1):
                    latin[k] = True
                    latin_inner[k] = seen_alnum
                    seen_alnum = seen_alnum or text[k].isalnum()
            i = j
        self.latin = latin
        self.latin_inner = latin_inner

        # Nearest strong direction before and after each character, within its paragraph,
        # looking only at text outside isolates.
        before: list[str | None] = [None] * n
        last: str | None = None
        for i, char in enumerate(text):
            before[i] = last
            if _is_paragraph_break(char):
                last = None
            elif not isolated[i]:
                last = strong_direction(char) or last
        after: list[str | None] = [None] * n
        last = None
        for i in range(n - 1, -1, -1):
            after[i] = last
            char = text[i]
            if _is_paragraph_break(char):
                last = None
            elif not isolated[i]:
                last = strong_direction(char) or last
        self.before = before
        self.after = after
        self._para_cache: list[bool] | None = None

    def editable(self, start: int, end: int, *, latin_ok: bool = False) -> bool:
        """Whether ``text[start:end]`` lies outside isolates (and outside Latin words unless
        ``latin_ok``)."""
        if any(self.isolated[start:end]):
            return False
        return latin_ok or not any(self.latin[start:end])

    def rtl_context(self, i: int) -> bool:
        """Whether punctuation at ``i`` belongs to right-to-left text: a right-to-left letter
        is the nearest strong letter on either side, or there is no strong letter at all
        (the editions are right-to-left).  Only punctuation between Latin letters, or
        between a Latin letter and the paragraph's edge, is Latin."""
        before, after = self.before[i], self.after[i]
        return "R" in (before, after) or (before is None and after is None)

    def paragraph_has_rtl(self, i: int) -> bool:
        """Whether the paragraph holding ``i`` has a right-to-left letter outside isolates."""
        return self._paragraph_rtl[i]

    @property
    def _paragraph_rtl(self) -> list[bool]:
        if self._para_cache is None:
            text, n = self.text, len(self.text)
            flags = [False] * n
            start = 0
            while start < n:
                end = start
                while end < n and not _is_paragraph_break(text[end]):
                    end += 1
                has_r = any(
                    not self.isolated[k] and strong_direction(text[k]) == "R"
                    for k in range(start, end)
                )
                for k in range(start, min(end + 1, n)):
                    flags[k] = has_r
                start = end + 1
            self._para_cache = flags
        return self._para_cache


def _arabic_word_chars() -> str:
    # Letters and combining marks of the Arabic-script blocks, plus ZWNJ and ZWJ: the
    # characters that continue a Persian or Pashto word.  Digits (Nd) and Arabic
    # punctuation (، ؛ ؟ ٪ ٫ ٬ ۔) end a word.
    blocks = [(0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
              (0xFE70, 0xFEFF)]  # fmt: skip
    codes = [
        c for lo, hi in blocks for c in range(lo, hi + 1)
        if unicodedata.category(chr(c))[0] in "LM"
    ]  # fmt: skip
    codes += [ord(ZWNJ), ord(ZWJ)]
    codes.sort()
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(f"\\u{codes[i]:04x}" if i == j else f"\\u{codes[i]:04x}-\\u{codes[j]:04x}")
        i = j + 1
    return "[" + "".join(parts) + "]"


ARABIC_WORD_CHAR: Final = _arabic_word_chars()
"""A regular-expression class matching one character that continues an Arabic-script
word (letters, combining marks, ZWNJ, ZWJ)."""
