"""Pashto post-editing: digits and punctuation, and Arabic kaf ك → ک; nothing else.

Pashto has letters Dari does not (ټ ډ ړ ښ ږ ګ ڼ ځ څ) and five yeh letters with distinct
meanings: ی (U+06CC), ي (U+064A), ې (U+06D0), ۍ (U+06CD), ئ (U+0626).  Folding them, as
Dari post-editing does with ي, would change words, so only Arabic kaf is folded (Pashto
has no separate Arabic kaf).  There is no lexicon.
"""

from __future__ import annotations

from typing import Final

from azad.lang.common import (
    Postedit,
    Scan,
    Substitution,
    TextEdit,
    apply_text_edits,
    merge_digit_records,
)
from azad.lang.digits import bidi_edits, digit_edits, punctuation_edits

_ARABIC_KAF: Final = "\u0643"
_KEHEH: Final = "\u06a9"


def fold_pashto(text: str) -> str:
    """Arabic kaf ك as ک; every other letter unchanged."""
    return text.replace(_ARABIC_KAF, _KEHEH)


def letter_edits(scan: Scan) -> list[TextEdit]:
    return [
        TextEdit(i, i + 1, _KEHEH, "letters", "Arabic kaf ك → ک")
        for i, c in enumerate(scan.text)
        if c == _ARABIC_KAF and not scan.isolated[i]
    ]


def postprocess_pashto(text: str) -> Postedit:
    """Pashto post-editing of MT output (see the module docstring)."""
    records: list[Substitution] = []
    for step in (letter_edits, digit_edits, punctuation_edits, bidi_edits):
        text, new = apply_text_edits(text, step(Scan(text)))
        records += merge_digit_records(new)
    return Postedit(text, records)
