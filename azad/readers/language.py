"""Is an article English? A script ratio, not a language detector: the question here is
only whether someone fed a Dari or Pashto article (or its translation) to the English
ingest, and those are written in Arabic script. The maintained detectors that work
offline (lingua, fastText's lid.176) are tens to hundreds of MB of models for a question
one character range answers."""

from __future__ import annotations

import unicodedata

from azad.errors import InputError
from azad.model import Article

ARABIC_SCRIPT_LIMIT = 0.5
"""Above this share of Arabic-script letters an article is refused as not English."""
_ARABIC_RANGES = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)


def _is_arabic_script(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _ARABIC_RANGES)


def arabic_script_share(text: str) -> float:
    """The share of ``text``'s letters that are Arabic script (0 when it has none)."""
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _is_arabic_script(ch)) / len(letters)


def check_english(article: Article, name: str) -> None:
    """Refuse an article whose letters are mostly Arabic script."""
    text = " ".join([article.meta.title, *(s.text for s in article.segments())])
    share = arabic_script_share(text)
    if share > ARABIC_SCRIPT_LIMIT:
        raise InputError(
            name,
            f"not English: {share:.0%} of its letters are Arabic script (a Dari or Pashto "
            "article?); for a mixed article, ingest it with --allow-non-english",
        )
