"""Keep untranslatable parts of an English sentence away from the MT model.

:func:`protect` replaces, in an English segment, the parts a model must not translate –
URLs, e-mail addresses, numbers, numeric dates, dates with month names, Latin acronyms
and glossary terms – by numbered placeholders; :func:`restore` puts them back into the
model's output, written the way the edition writes them:

* numbers in Eastern Arabic-Indic digits with ٫ and ٬ (and ٪);
* numeric dates (14.03.2025, 2025-03-14) in Eastern digits, with their separators, inside
  FSI … PDI so right-to-left layout cannot reverse their parts;
* "March 14, 2025" as ``۱۴ مارچ ۲۰۲۵`` with the Afghan month name;
* URLs, e-mail addresses and acronyms verbatim inside FSI … PDI;
* glossary terms as the glossary's Dari or Pashto form, or the English term inside
  FSI … PDI when the entry keeps it in Latin.

**Placeholder form: ``XZ1``, ``XZ2``, …** – two capital ASCII letters and a number.  Argos
(OPUS-MT) and NLLB models use SentencePiece vocabularies in which such a token splits
into Latin pieces the model has only seen in names and acronyms, which it copies into the
output rather than translating; nothing in it is a word, and it has no punctuation
(brackets, underscores, ``@``) that models drop, translate or re-space.  "XZ" begins
almost no English word or acronym.  Models do damage placeholders in two ways that
:func:`restore` tolerates: spaces inside (``XZ 1``, ``X Z1``) and digits rewritten as
Eastern or Arabic-Indic digits (``XZ۱``).  A placeholder the model dropped or repeated,
or one with an unknown number, is **flagged** on the result and not repaired: a missing
value stays missing, a repeated one is restored at each place.

Text that already looks like a placeholder is itself protected (restored verbatim), so
restoration never mistakes the author's text for a placeholder.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, Literal

from azad.glossary import Glossary, GlossaryEntry
from azad.lang.common import PLACEHOLDER_PATTERN, check_lang, isolate
from azad.lang.digits import localize_number, to_eastern_digits
from azad.lang.months import ENGLISH_MONTHS, gregorian_month

__all__ = [
    "PLACEHOLDER_PATTERN",
    "Protected",
    "ProtectedItem",
    "Restored",
    "placeholder",
    "protect",
    "render",
    "restore",
]

ItemKind = Literal["placeholder", "glossary", "url", "email", "date", "number", "acronym"]
# When two candidates cover the same text, the earlier kind wins.
_PRIORITY: Final[dict[str, int]] = {
    k: i
    for i, k in enumerate(("placeholder", "glossary", "url", "email", "date", "number", "acronym"))
}

PLACEHOLDER_PREFIX: Final = "XZ"


def placeholder(number: int) -> str:
    """The placeholder for item ``number`` (1-based)."""
    return f"{PLACEHOLDER_PREFIX}{number}"


@dataclass(frozen=True)
class ProtectedItem:
    """One protected part of the source."""

    number: int
    kind: ItemKind
    source: str
    """The text it replaced, as written in the English source."""
    entry: GlossaryEntry | None = None
    """The glossary entry, for ``kind == "glossary"``."""

    @property
    def placeholder(self) -> str:
        return placeholder(self.number)


@dataclass(frozen=True)
class Protected:
    """A source segment with placeholders, ready for the MT model."""

    text: str
    items: list[ProtectedItem]
    lang: str
    source: str


@dataclass(frozen=True)
class Restored:
    """The model's output with the protected values back in place."""

    text: str
    flags: list[str] = field(default_factory=list)
    """Problems for the reviewer: placeholders missing, repeated or unknown."""

    @property
    def ok(self) -> bool:
        return not self.flags


# --- detection ------------------------------------------------------------------------

_MONTH = "|".join(ENGLISH_MONTHS)
_HSPACE = r"[^\S\n]+"
_MONTH_DATE = re.compile(
    rf"(?<!\w)(?:"
    rf"(?P<m1>{_MONTH}){_HSPACE}(?P<d1>[0-9]{{1,2}}),?{_HSPACE}(?P<y1>[0-9]{{4}})"
    rf"|(?P<d2>[0-9]{{1,2}}){_HSPACE}(?P<m2>{_MONTH}),?{_HSPACE}(?P<y2>[0-9]{{4}})"
    rf"|(?P<m3>{_MONTH}){_HSPACE}(?P<y3>[0-9]{{4}})"
    rf"|(?P<m4>{_MONTH}){_HSPACE}(?P<d4>[0-9]{{1,2}})"
    rf")(?!\w)"
)
# Three or more groups of digits joined by the same . / or - : dates (14.03.2025,
# 2025-03-14), also versions and phone numbers, which read the same way.
_NUMERIC_SEQUENCE = re.compile(r"(?<!\w)[0-9]+([./-])[0-9]+(?:\1[0-9]+)+(?!\w)")
# 2021, 25, 3.5, 1,234,567.89, 10% – not glued to letters ("5th", "10km", "abc40").
_NUMBER = re.compile(
    r"(?<!\w)(?:[0-9]{1,3}(?:,[0-9]{3})++(?![0-9])|[0-9]++)(?:\.[0-9]++)?+%?(?!\w)"
)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"(?<![\w.+-])[A-Za-z0-9._%+-]+@{_LABEL}(?:\.{_LABEL})+(?![\w@-])")
_URL = re.compile(r"(?<![\w.@/-])(?:(?:https?|ftp)://|www\.)[^\s<>\"«»“”]+", re.IGNORECASE)
_DOMAIN = re.compile(
    rf"(?<![\w.@/-])(?:{_LABEL}\.)+"
    r"(?:com|org|net|gov|edu|int|mil|info|io|af|pk|ir|in|cn|tj|uz|tm|uk|eu)"
    r"(?![\w-])(?:/[^\s<>\"«»“”]*)?"
)
# Acronyms: two or more capitals, digits allowed (CPEC, F16A; not G20, which has one
# capital), an optional number after a hyphen (COVID-19) and a plural s (NGOs); or dotted
# (U.S., U.N.).
_ACRONYM = re.compile(
    r"(?<![\w.])(?:[A-Z](?:\.[A-Z])+\.?|[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*(?:-[0-9]+)?s?)(?!\w)"
)
# Roman numerals (World War II) and a few capitalised words MT should translate.
_NOT_ACRONYM = re.compile(r"[IVX]+|OK|AM|PM|A\.M\.|P\.M\.|TV")
# Three or more all-capital words in a row are a shouted heading, not acronyms.
_SHOUTED = re.compile(r"(?<!\w)[A-Z][A-Z0-9'’.&-]*(?:[^\S\n]+[A-Z][A-Z0-9'’.&-]*){2,}(?!\w)")
_TRAILING = ".,;:!?'\""
_CLOSERS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True, order=True)
class _Candidate:
    start: int
    neg_length: int  # so that, from one start, the longest candidate sorts first
    priority: int
    kind: ItemKind = field(compare=False)
    end: int = field(compare=False)
    entry: GlossaryEntry | None = field(compare=False, default=None)


def _trim_url(text: str, start: int, end: int) -> int:
    # "see www.afgazad.com." – the full stop is the sentence's; a closing bracket is the
    # URL's only if the URL opened it.
    while end > start:
        last = text[end - 1]
        unbalanced = last in _CLOSERS and text.count(_CLOSERS[last], start, end) < text.count(
            last, start, end
        )
        if last not in _TRAILING and not unbalanced:
            break
        end -= 1
    return end


def _candidates(text: str, glossary: Glossary | None, lang: str) -> Iterator[_Candidate]:
    def make(
        kind: ItemKind, start: int, end: int, entry: GlossaryEntry | None = None
    ) -> _Candidate:
        return _Candidate(start, -(end - start), _PRIORITY[kind], kind, end, entry)

    for m in PLACEHOLDER_PATTERN.finditer(text):
        yield make("placeholder", m.start(), m.end())
    if glossary is not None:
        for g in glossary.find(text, lang):
            yield make("glossary", g.start, g.end, g.entry)
    for pattern in (_URL, _DOMAIN):
        for m in pattern.finditer(text):
            end = _trim_url(text, m.start(), m.end())
            if end > m.start():
                yield make("url", m.start(), end)
    for m in _EMAIL.finditer(text):
        yield make("email", m.start(), m.end())
    for m in _MONTH_DATE.finditer(text):
        day = m.group("d1") or m.group("d2") or m.group("d4")
        if day is None or 1 <= int(day) <= 31:
            yield make("date", m.start(), m.end())
    for m in _NUMERIC_SEQUENCE.finditer(text):
        yield make("date", m.start(), m.end())
    for m in _NUMBER.finditer(text):
        yield make("number", m.start(), m.end())
    shouted = [(m.start(), m.end()) for m in _SHOUTED.finditer(text)]
    for m in _ACRONYM.finditer(text):
        if _NOT_ACRONYM.fullmatch(m.group()):
            continue
        if any(s <= m.start() and m.end() <= e for s, e in shouted):
            continue
        yield make("acronym", m.start(), m.end())


def protect(text: str, glossary: Glossary | None, lang: str) -> Protected:
    """Replace the untranslatable parts of English ``text`` by placeholders (module
    docstring).  ``lang`` is the target language: glossary entries without a form in it
    are left to the model."""
    check_lang(lang)
    chosen: list[_Candidate] = []
    pos = 0
    # Leftmost first, then longest, then by kind.  A candidate right after a Latin letter
    # or right before a digit is skipped: its placeholder would run into that character
    # ("aXZ1", "XZ15") and could not be found again.
    for cand in sorted(_candidates(text, glossary, lang)):
        if cand.start < pos:
            continue
        if cand.start > 0 and text[cand.start - 1].isascii() and text[cand.start - 1].isalpha():
            continue
        if cand.end < len(text) and text[cand.end].isdecimal():
            continue
        chosen.append(cand)
        pos = cand.end
    out: list[str] = []
    items: list[ProtectedItem] = []
    pos = 0
    for number, cand in enumerate(chosen, start=1):
        out.append(text[pos : cand.start])
        out.append(placeholder(number))
        items.append(ProtectedItem(number, cand.kind, text[cand.start : cand.end], cand.entry))
        pos = cand.end
    out.append(text[pos:])
    return Protected("".join(out), items, lang, text)


# --- restoration ----------------------------------------------------------------------


def render(item: ProtectedItem, lang: str) -> str:
    """How ``item`` is written in the ``lang`` edition."""
    if item.kind == "number":
        return localize_number(item.source)
    if item.kind == "date":
        m = _MONTH_DATE.fullmatch(item.source)
        if m is None:
            return isolate(to_eastern_digits(item.source))
        month_name = m.group("m1") or m.group("m2") or m.group("m3") or m.group("m4")
        month = gregorian_month(ENGLISH_MONTHS.index(month_name) + 1, lang)
        day = m.group("d1") or m.group("d2") or m.group("d4")
        year = m.group("y1") or m.group("y2") or m.group("y3")
        parts = [str(int(day))] if day else []
        parts.append(month)
        if year:
            parts.append(year)
        return to_eastern_digits(" ".join(parts))
    if item.kind == "glossary" and item.entry is not None and not item.entry.keep_latin:
        target = item.entry.target(lang)
        if target:
            return target
    return isolate(item.source)


def restore(translated: str, protected: Protected, lang: str) -> Restored:
    """Put the protected values back into ``translated`` (the model's output for
    ``protected.text``), flagging placeholders that are missing, repeated or unknown."""
    if check_lang(lang) != protected.lang:
        raise ValueError(f"protected for {protected.lang}, restored for {lang}")
    by_number = {item.number: item for item in protected.items}
    seen: Counter[int] = Counter()
    unknown: list[str] = []

    def put_back(m: re.Match[str]) -> str:
        number = int(m.group(1))  # int() reads Eastern and Arabic-Indic digits too
        item = by_number.get(number)
        if item is None:
            unknown.append(m.group())
            return m.group()
        seen[number] += 1
        return render(item, lang)

    text = PLACEHOLDER_PATTERN.sub(put_back, translated)
    flags: list[str] = []
    for item in protected.items:
        count = seen[item.number]
        if count == 0:
            flags.append(f"placeholder {item.number} ({item.source}) missing")
        elif count > 1:
            flags.append(f"placeholder {item.number} ({item.source}) appears {count} times")
    flags += [f"unknown placeholder {token!r}" for token in unknown]
    return Restored(text, flags)
