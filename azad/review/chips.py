"""What a translator can insert into a segment with one click: the parts of its English
that the machine pipeline would carry over rather than translate.

They are found by the same code that protects them from the model
(:func:`azad.mt.protect.protect`: glossary terms and names, URLs, e-mail addresses,
numbers, dates, acronyms) and written the way the edition writes them
(:func:`azad.mt.protect.render`): a number in Eastern Arabic-Indic digits with ٬ and ٫, a
date with the Afghan month name, a glossary term in its Dari or Pashto form, a URL or
acronym inside FSI … PDI so right-to-left text cannot reverse it. A chip inserts exactly
what a machine draft would have had at that place, so the QA checks agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from azad.glossary import Glossary
from azad.lang.common import FSI, PDI, check_lang
from azad.lang.digits import (
    ARABIC_COMMA,
    ARABIC_QUESTION_MARK,
    ARABIC_SEMICOLON,
    CLOSE_QUOTE,
    EASTERN_DIGITS,
    OPEN_QUOTE,
)
from azad.mt.protect import protect, render

KIND_LABELS = {
    "glossary": "glossary term",
    "url": "web address",
    "email": "e-mail address",
    "date": "date",
    "number": "number",
    "acronym": "acronym",
}


@dataclass(frozen=True)
class Chip:
    kind: str
    """One of :data:`KIND_LABELS`."""
    source: str
    """The text as the English has it."""
    text: str
    """What is inserted (may hold FSI … PDI)."""

    @property
    def label(self) -> str:
        """What the button shows: the inserted text without its invisible isolates."""
        return self.text.replace(FSI, "").replace(PDI, "")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def accessible_name(self) -> str:
        """The button's name for a screen reader: what it inserts and where it comes from."""
        if self.label == self.source:
            return f"Insert {self.kind_label} {self.source}"
        return f"Insert {self.kind_label} {self.source} as {self.label}"


def chips_for(english: str, lang_code: str, glossary: Glossary | None) -> list[Chip]:
    """The insertable parts of ``english`` for a ``lang_code`` (``fa-AF``, ``ps-AF``)
    translation, in the order of the English, each text once."""
    out: list[Chip] = []
    seen: set[str] = set()
    for item in protect(english, glossary, lang_code).items:
        if item.kind == "placeholder":  # the author's own "XZ1": nothing to insert
            continue
        text = render(item, lang_code)
        if text in seen:
            continue
        seen.add(text)
        out.append(Chip(item.kind, item.source, text))
    return out


@dataclass(frozen=True)
class CharKey:
    """A button of the character bar."""

    char: str
    label: str
    """What the button shows (a name for an invisible character)."""
    name: str
    """Its accessible name; it begins with the visible label (WCAG 2.5.3, label in name),
    so "ZWNJ" spoken to a voice control program presses it."""
    shortcut: str = ""
    """``aria-keyshortcuts`` form (``Alt+Z``), handled by ``charbar.js``."""

    @property
    def invisible(self) -> bool:
        return self.label != self.char


_MARKS = (
    CharKey("\u200c", "ZWNJ", "ZWNJ (zero-width non-joiner)", "Alt+Z"),
    CharKey("\u061c", "ALM", "ALM (Arabic letter mark)", "Alt+M"),
    CharKey("\u200f", "RLM", "RLM (right-to-left mark)", "Alt+R"),
    CharKey("\u200e", "LRM", "LRM (left-to-right mark)", "Alt+L"),
    CharKey(ARABIC_COMMA, ARABIC_COMMA, "Arabic comma"),
    CharKey(ARABIC_SEMICOLON, ARABIC_SEMICOLON, "Arabic semicolon"),
    CharKey(ARABIC_QUESTION_MARK, ARABIC_QUESTION_MARK, "Arabic question mark"),
    CharKey(OPEN_QUOTE, OPEN_QUOTE, "Opening quotation mark"),
    CharKey(CLOSE_QUOTE, CLOSE_QUOTE, "Closing quotation mark"),
)


def charbar(lang_code: str) -> list[CharKey]:
    """The character bar of a ``lang_code`` editor: the marks and punctuation of the
    language, then its digits. Dari and Pashto both write Eastern Arabic-Indic digits
    ۰–۹ (U+06F0–U+06F9, ``languages.md``), the ones the editions use."""
    check_lang(lang_code)
    digits = [CharKey(d, d, f"Digit {i} ({d})") for i, d in enumerate(EASTERN_DIGITS)]
    return [*_MARKS, *digits]
