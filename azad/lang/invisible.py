"""Slips with invisible characters in a Dari or Pashto text: what a reader of the edition
cannot see and a reviewer cannot either.

ZWNJ (U+200C) is correct spelling in both languages *between* two letters of one word
(می‌روم, کتاب‌ها); at the start or end of the text, beside a space or punctuation, or
doubled it joins nothing and travels silently into titles, search and file names. Some
characters have no place in a translation at all (a zero-width space, a BOM, a soft
hyphen, the old bidi embeddings and overrides, which the project replaced with isolates).
Nothing here changes a text: it only names the slip, and where, for the review checks.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from azad.lang.common import ZWNJ

STRAY: Final = {
    "\u200b": "zero-width space",
    "\u2060": "word joiner",
    "\ufeff": "byte order mark",
    "\u00ad": "soft hyphen",
    "\u180e": "Mongolian vowel separator",
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
}
"""Invisible characters a translation never needs (bidi isolates and the marks LRM, RLM
and ALM are needed, and the character bar inserts them)."""

_DOUBLED = re.compile(f"{ZWNJ}{{2,}}")
_STRAY = re.compile("[" + "".join(STRAY) + "]")


def _joins(char: str) -> bool:
    """Whether a ZWNJ beside ``char`` can separate anything: letters and combining marks."""
    return unicodedata.category(char)[0] in "LM"


def invisible_slips(text: str) -> list[str]:
    """Each slip in ``text`` once, in reading order of kinds: ``trailing ZWNJ``,
    ``leading ZWNJ``, ``doubled ZWNJ``, ``ZWNJ beside a space or punctuation``, and the
    names of stray characters (``zero-width space U+200B``)."""
    out: list[str] = []
    core = text.strip(" \t\n")
    if core.startswith(ZWNJ):
        out.append("leading ZWNJ")
    if core.endswith(ZWNJ):
        out.append("trailing ZWNJ")
    if _DOUBLED.search(text):
        out.append("doubled ZWNJ")
    for i, char in enumerate(core):
        if char != ZWNJ or i in (0, len(core) - 1):
            continue
        before, after = core[i - 1], core[i + 1]
        if ZWNJ in (before, after):
            continue  # said as doubled
        if not (_joins(before) and _joins(after)):
            out.append("ZWNJ beside a space or punctuation")
            break
    for name in dict.fromkeys(STRAY[m.group()] for m in _STRAY.finditer(text)):
        char = next(c for c, n in STRAY.items() if n == name)
        out.append(f"{name} U+{ord(char):04X}")
    return out
