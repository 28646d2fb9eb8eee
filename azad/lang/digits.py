"""Digits, number separators, punctuation and quotation marks of Dari and Pashto text.

Conventions (``languages.md``): Eastern Arabic-Indic digits ۰–۹ (U+06F0–U+06F9), decimal
separator ٫ (U+066B), comma ، , semicolon ؛ , question mark ؟ , quotation marks « ».

Choices made here:

* **Thousands separator: kept, as ٬ (U+066C).**  CLDR's Persian and Pashto number formats
  with Eastern digits group thousands with ٬, and keeping the author's grouping keeps large
  numbers readable (۲۵٬۰۰۰٬۰۰۰).  Only a comma between well-formed groups (1,234 or
  1,234,567.5) is a thousands separator; ``1,2`` is a list comma.
* **Percent sign after a digit → ٪ (U+066A)**, the Arabic percent sign CLDR uses with
  these digits.
* **Dates joined by hyphens are isolated** (FSI … PDI): in right-to-left text the bidi
  algorithm turns Eastern digits after an Arabic letter into "Arabic numbers", which a
  hyphen does not join, so ``۲۰۲۵-۰۳-۱۴`` would be shown as ``۱۴-۰۳-۲۰۲۵``.  Slashes and
  dots do join them, so ``۱۴/۰۳/۲۰۲۵`` needs nothing.  A two-part range (۲۰۲۰-۲۰۲۱) is
  left to the bidi algorithm, which lays it out right to left like the words around it.
* A run of digits separated by dots (14.03.2025, 1.2.3) is not a decimal and keeps its
  dots.

Everything here leaves isolated text and Latin words alone (see :class:`~azad.lang.common.Scan`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from azad.lang.common import Scan, TextEdit, apply_text_edits, isolate

EASTERN_DIGITS: Final = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS: Final = "٠١٢٣٤٥٦٧٨٩"
DECIMAL_SEPARATOR: Final = "٫"
THOUSANDS_SEPARATOR: Final = "٬"
PERCENT_SIGN: Final = "٪"
ARABIC_COMMA: Final = "،"
ARABIC_SEMICOLON: Final = "؛"
ARABIC_QUESTION_MARK: Final = "؟"
OPEN_QUOTE: Final = "«"
CLOSE_QUOTE: Final = "»"

_TO_EASTERN = str.maketrans("0123456789" + ARABIC_INDIC_DIGITS, EASTERN_DIGITS * 2)
# One digit in any of the three scripts the MT output may use.
_D = "[0-9\u0660-\u0669\u06f0-\u06f9]"


def to_eastern_digits(text: str) -> str:
    """Every ASCII and Arabic-Indic digit of ``text`` as an Eastern Arabic-Indic digit.

    Unconditional: for text known to be a number (page numbers, dates, restored values).
    Post-editing uses :func:`localize_digits`, which spares Latin words and isolates.
    """
    return text.translate(_TO_EASTERN)


def to_ascii_digits(text: str) -> str:
    """Every decimal digit of ``text`` (any script) as an ASCII digit."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def localize_number(number: str) -> str:
    """An English number (``1,234.5``, ``10%``, ``2021``) in the editions' convention:
    Eastern digits, ٬ for thousands, ٫ for the decimal point, ٪ for percent."""
    return (
        to_eastern_digits(number)
        .replace(",", THOUSANDS_SEPARATOR)
        .replace(".", DECIMAL_SEPARATOR)
        .replace("%", PERCENT_SIGN)
    )


def digit_edits(scan: Scan) -> list[TextEdit]:
    """ASCII and Arabic-Indic digits outside isolates and Latin words → Eastern digits."""
    edits: list[TextEdit] = []
    for i, char in enumerate(scan.text):
        if ("0" <= char <= "9" or "\u0660" <= char <= "\u0669") and scan.editable(i, i + 1):
            script = "ASCII" if char <= "9" else "Arabic-Indic"
            edits.append(
                TextEdit(
                    i,
                    i + 1,
                    to_eastern_digits(char),
                    "digits",
                    f"{script} digits → Eastern Arabic-Indic",
                )
            )
    return edits


# A run of digits joined by dots or commas, not continuing an earlier separator: in
# "1,2.5" the run starts at "1" only, so a second pass does not see "2.5" as a decimal.
_NUMBER_RUN = re.compile(rf"(?<![\d.,،٫٬]){_D}+(?:[.,]{_D}+)+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_DECIMAL = re.compile(r"[0-9]+\.[0-9]+")
_PERCENT = re.compile(rf"(?<={_D})%")
_HYPHEN_DATE = re.compile(
    rf"(?<![\d\-]){_D}{{4}}-{_D}{{1,2}}-{_D}{{1,2}}(?![\d\-])"
    rf"|(?<![\d\-]){_D}{{1,2}}-{_D}{{1,2}}-{_D}{{4}}(?![\d\-])"
)
_SIMPLE_PUNCTUATION = {
    ",": (ARABIC_COMMA, "Arabic comma"),
    ";": (ARABIC_SEMICOLON, "Arabic semicolon"),
    "?": (ARABIC_QUESTION_MARK, "Arabic question mark"),
}
_OPENING_CONTEXT = frozenset("([{«‹—–-/\u2066\u2067\u2068")


def punctuation_edits(scan: Scan) -> list[TextEdit]:
    """Number separators, percent, comma, semicolon, question mark and double quotes."""
    text = scan.text
    edits: list[TextEdit] = []
    taken: set[int] = set()
    for m in _NUMBER_RUN.finditer(text):
        if not scan.editable(m.start(), m.end()):
            continue
        ascii_run = to_ascii_digits(m.group())
        if _GROUPED.fullmatch(ascii_run) or _DECIMAL.fullmatch(ascii_run):
            for k in range(m.start(), m.end()):
                if text[k] == ",":
                    edits.append(TextEdit(k, k + 1, THOUSANDS_SEPARATOR, "punctuation",
                                      "thousands separator"))  # fmt: skip
                    taken.add(k)
                elif text[k] == ".":
                    edits.append(TextEdit(k, k + 1, DECIMAL_SEPARATOR, "punctuation",
                                      "decimal separator"))  # fmt: skip
                    taken.add(k)
    for m in _PERCENT.finditer(text):
        if scan.editable(m.start(), m.end()):
            edits.append(TextEdit(m.start(), m.end(), PERCENT_SIGN, "punctuation", "percent sign"))
    for i, char in enumerate(text):
        if i in taken or scan.isolated[i]:
            continue
        if char in _SIMPLE_PUNCTUATION:
            if scan.rtl_context(i) and not scan.latin_inner[i]:
                after, reason = _SIMPLE_PUNCTUATION[char]
                edits.append(TextEdit(i, i + 1, after, "punctuation", reason))
        elif char in '"“”' and scan.paragraph_has_rtl(i) and not _inside_word(text, i):
            # « » are the quotation marks of Dari and Pashto text, also around a Latin
            # quotation.  A straight quote opens after a space, an opening bracket or the
            # start of the text, and closes otherwise.
            if char == "“" or (char == '"' and (i == 0 or text[i - 1].isspace()
                                                or text[i - 1] in _OPENING_CONTEXT)):  # fmt: skip
                edits.append(
                    TextEdit(i, i + 1, OPEN_QUOTE, "punctuation", "opening quotation mark")
                )
            else:
                edits.append(
                    TextEdit(i, i + 1, CLOSE_QUOTE, "punctuation", "closing quotation mark")
                )
    return edits


def _inside_word(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def bidi_edits(scan: Scan) -> list[TextEdit]:
    """Dates written with hyphens (2025-03-14, 14-03-2025) → wrapped in FSI … PDI."""
    return [
        TextEdit(
            m.start(), m.end(), isolate(m.group()), "bidi", "date isolated for right-to-left text"
        )
        for m in _HYPHEN_DATE.finditer(scan.text)
        if scan.editable(m.start(), m.end())
    ]


def localize_digits(text: str) -> str:
    """ASCII and Arabic-Indic digits → Eastern Arabic-Indic, except in isolates and Latin
    words (``COVID-19``, ``CO2``, a bare URL)."""
    return apply_text_edits(text, digit_edits(Scan(text)))[0]


def localize_punctuation(text: str) -> str:
    """Dari/Pashto punctuation: ٫ and ٬ inside numbers, ٪ after a digit, ، ؛ ؟ in
    right-to-left context, « » for double quotes.  Punctuation between Latin letters
    (``Kabul, Herat``; ``x.com/a?b``) and anything inside an isolate is left alone."""
    return apply_text_edits(text, punctuation_edits(Scan(text)))[0]


def isolate_dates(text: str) -> str:
    """Wrap dates joined by hyphens in FSI … PDI so right-to-left layout cannot reverse
    their parts."""
    return apply_text_edits(text, bidi_edits(Scan(text)))[0]
