"""Is a new English sentence the old one edited? Word-token similarity, calibrated.

When an article's English changes, a translation may follow its sentence to the edited
sentence only when the two are confidently *the same sentence* (a typo fixed, a word
added or removed, a number or a name changed, clauses moved). A translation handed to a
sentence that says something else is a translator's words under the wrong sentence, so
the threshold is chosen for precision, on the labelled pairs of ``tests/data/edits/``
(``tests/test_sentence_match.py`` prints precision and recall on the held-out half).

The measure is a weighted Dice coefficient of the two sentences' words as multisets:
word order does not count (a clause moved is the same sentence), a word misspelt in one
matches its correct spelling (rapidfuzz's ratio), every number is one token ``#`` (a
figure changed is the same sentence), and short function words and names weigh half (so
that two sentences sharing only "the … in … Herat" are not alike, and a changed place
name does not make an edited sentence a new one).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from rapidfuzz import fuzz

SAME = 0.9
"""From this similarity up, the new sentence is the old one edited (chosen on the
calibration half of ``tests/data/edits/``)."""
SUGGEST = 0.5
"""From this similarity up (else for the sentence that replaced it in place), an unused
person's translation is offered to a new sentence as a suggestion, never as its text."""

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "hundred",
        "thousand",
        "million",
        "billion",
        "first",
        "second",
        "third",
        "half",
        "dozen",
        "hundreds",
        "thousands",
        "millions",
        "billions",
        "dozens",
        "several",
        "many",
        "few",
        "some",
    ]
)
_LIGHT = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "their",
        "there",
        "which",
        "who",
        "not",
        "than",
        "into",
        "about",
    ]
)
_TYPO = 80.0
"""rapidfuzz ratio (0-100) from which two words of five letters or more are one word
misspelt."""


@lru_cache(maxsize=65536)
def _tokens(sentence: str) -> tuple[tuple[str, float], ...]:
    out = []
    for n, m in enumerate(_WORD.finditer(sentence)):
        word = m.group()
        low = word.lower()
        if any(c.isdigit() for c in low) or low in _NUMBER_WORDS:
            out.append(("#", 0.5))
        elif low in _LIGHT:
            out.append((low, 0.5))
        elif n > 0 and word[0].isupper():
            out.append((low, 0.5))  # a name
        else:
            out.append((low, 1.0))
    return tuple(out)


def similarity(old: str, new: str) -> float:
    """0 (nothing in common) to 1 (the same words)."""
    if old == new:
        return 1.0
    a, b = _tokens(old), _tokens(new)
    total = sum(w for _, w in a) + sum(w for _, w in b)
    if not total:
        return 0.0
    left = Counter(t for t, _ in a)
    weight = {t: w for t, w in (*a, *b)}
    shared = 0.0
    unmatched_b: list[str] = []
    for t, _ in b:
        if left[t] > 0:
            left[t] -= 1
            shared += 2 * weight[t]
        else:
            unmatched_b.append(t)
    unmatched_a = list(left.elements())
    for t in unmatched_b:
        if len(t) < 5:
            continue
        best = max(
            (u for u in unmatched_a if len(u) >= 5),
            key=lambda u: fuzz.ratio(t, u),
            default=None,
        )
        if best is not None and fuzz.ratio(t, best) >= _TYPO:
            unmatched_a.remove(best)
            shared += 2 * min(weight[t], weight[best])
    return shared / total


def upper_bound(old: str, new: str) -> float:
    """A cheap bound on :func:`similarity` (all of the lighter side matched)."""
    a = sum(w for _, w in _tokens(old))
    b = sum(w for _, w in _tokens(new))
    return 1.0 if a + b == 0 else 2 * min(a, b) / (a + b)


def same_sentence(old: str, new: str) -> bool:
    """Whether ``new`` is confidently ``old`` edited."""
    return similarity(old, new) >= SAME
