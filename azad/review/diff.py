"""Word-level differences between two texts, for people to read: the conflict panel (what
is in the file against what you typed), history rows (a change against the text before),
the refused approval (what the editor saw against what is there now) and translation-
memory matches (the match's English against this segment's English).

The alignment is :class:`difflib.SequenceMatcher` over whitespace-separated words
(``autojunk`` off: in a short sentence a frequent word such as "the" is not noise). A word
is everything between spaces, so a Dari word joined by ZWNJ (``می‌شود``) stays one word,
and a changed ZWNJ shows as a changed word.

:func:`diff_html` writes escaped HTML (``<del>`` for words only in the old text,
``<ins>`` for words only in the new one) inside a ``<span>`` that carries the text's own
``dir`` and ``lang``, so a Dari diff reads right to left inside an English page.
:func:`diff_tokens` gives the same diff as data, for the JSON API, whose page script
builds it with text nodes only.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup

Op = Literal["eq", "del", "ins"]

_TAG: dict[Op, str] = {"eq": "span", "del": "del", "ins": "ins"}


@dataclass(frozen=True)
class Token:
    """A run of words that are the same (``eq``), only in the old text (``del``) or only
    in the new one (``ins``), joined by single spaces."""

    op: Op
    text: str

    def to_json(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


def diff_tokens(old: str, new: str) -> list[Token]:
    """The word diff of ``new`` against ``old``: runs in reading order, a replaced run as
    its deletion followed by its insertion."""
    a, b = old.split(), new.split()
    out: list[Token] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(Token("eq", " ".join(a[i1:i2])))
            continue
        if i2 > i1:  # "delete" or "replace"
            out.append(Token("del", " ".join(a[i1:i2])))
        if j2 > j1:  # "insert" or "replace"
            out.append(Token("ins", " ".join(b[j1:j2])))
    return out


def diff_html(old: str, new: str, *, lang: str = "en", direction: str | None = None) -> Markup:
    """``<span class="wdiff" dir lang>`` holding the word diff of ``new`` against ``old``;
    every word escaped. ``direction`` defaults to ``rtl`` for Dari and Pashto (``fa-AF``,
    ``ps-AF``) and ``ltr`` otherwise."""
    if direction is None:
        direction = "rtl" if lang.split("-")[0] in ("fa", "ps", "prs", "pbt") else "ltr"
    parts = [
        Markup("<{0}>{1}</{0}>").format(Markup(_TAG[t.op]), t.text) for t in diff_tokens(old, new)
    ]
    return Markup('<span class="wdiff" dir="{0}" lang="{1}">{2}</span>').format(
        direction, lang, Markup(" ").join(parts)
    )


def changed(old: str, new: str) -> bool:
    """Whether the diff has anything to show (the words differ, not only the spacing)."""
    return old.split() != new.split()


__all__ = ["Token", "changed", "diff_html", "diff_tokens"]
