"""English sentence segmentation, offline and rule-based (pysbd).

Segments are what machine translation and review work on, so a wrong split costs a
translator a broken sentence; pysbd's Golden Rules cover initials and titles
(``Dr. M. Karimi``), abbreviations (``U.S.``), decimals and quotations.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import pysbd

_lock = threading.Lock()
_SPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def normalize_space(text: str) -> str:
    """Collapse runs of white space (line breaks included) to single spaces."""
    return _SPACE_RE.sub(" ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Split one block of English text into sentences, each stripped of outer space.

    Joining the result with single spaces gives back ``normalize_space(text)``.
    """
    text = normalize_space(text)
    if not text:
        return []
    # pysbd keeps state while segmenting, so one shared instance must not run twice at once.
    with _lock:
        pieces = _segmenter().segment(text)
    if "".join(pieces) != text:
        # pysbd is meant to return exact substrings; if it ever does not, keep the block
        # whole rather than hand a translator altered text.
        return [text]
    joined: list[str] = []
    for piece in pieces:
        # A boundary without white space ("0!0", "U.S.-led") is not a sentence boundary.
        if joined and not joined[-1][-1:].isspace():
            joined[-1] += piece
        else:
            joined.append(piece)
    sentences = [s for p in joined if (s := p.strip())]
    return _merge_continued_quotes(sentences)


_OPENING_QUOTES = "“\"‘'"


def _merge_continued_quotes(sentences: list[str]) -> list[str]:
    # pysbd splits inside a quotation that goes on after a full stop ("… he said. “Stop.”
    # is fine, but: She said “We waited. Then we left.” must stay one segment when the
    # quotation is still open. An unbalanced opening quote means the quote continues.
    merged: list[str] = []
    for sentence in sentences:
        if merged and _open_quote(merged[-1]):
            merged[-1] = f"{merged[-1]} {sentence}"
        else:
            merged.append(sentence)
    return merged


def _open_quote(text: str) -> bool:
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1
