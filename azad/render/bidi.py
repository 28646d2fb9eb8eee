"""Isolating Latin runs and numbers inside right-to-left text.

WeasyPrint lays text out with Pango, which runs the Unicode Bidirectional Algorithm on each
text run but ignores CSS ``unicode-bidi``; e-readers follow the HTML.  Unicode isolates
(FSI … PDI) work in both, so every Latin run (``Ministry of Agriculture``,
``www.afgazad.com``) and every number is wrapped in FSI … PDI: the bidi algorithm then lays
it out on its own and cannot pull the neighbouring Arabic-script words or punctuation into
it (``(ADB)،`` stays in order; a URL keeps its parts left to right).

Choices:

* consecutive Latin words separated by spaces (and Latin , ; : & or a dash) form one run,
  so a name or a phrase reads left to right as a whole; punctuation at the edges of a run
  stays outside it and takes the direction of the sentence (the final dot of a sentence
  that ends with a Latin word), except what belongs to the run: the period of an
  abbreviation (``U.N.``, ``Dr.``, ``etc.``: initials with dots, and the table
  ``styles/abbreviations.txt``), and the closing bracket or quotation mark of one opened
  inside it or around it (``Asian Development Bank (ADB)``, ``“The Great Game”``).  Left
  outside, such a period lands on the wrong side (``.U.N``).  Where an abbreviation ends
  the sentence its period is the sentence's too: printed once, inside;
* a number is digits (any script) joined by ``. , ٫ ٬ / :`` with an optional percent sign;
  a hyphen is not part of it, so ``۲۰۲۰-۲۰۲۱`` stays a right-to-left range
  (:mod:`azad.lang.digits` already isolates hyphenated dates);
* text already inside an isolate (post-editing and placeholder restoration put URLs,
  e-mail addresses and dates there) is left exactly as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

from azad.lang.common import FSI, PDI, isolate_spans, strong_direction

_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c/:]\d+)*[%\u066a]?")
# The part of a Latin word worth isolating: from its first letter, digit or leading sign
# to its last letter, digit or closing sign; brackets, quotes and sentence punctuation
# around it belong to the sentence.
_LATIN_CORE = re.compile(r"[\w$€£#@+]\S*[\w%/]|[\w$€£#@+]", re.UNICODE)
# What may lie between two Latin words of one run (_RUN_GAP): spaces, and Latin
# punctuation inside a phrase ("machine draft, not reviewed" is one run; cut at the comma,
# a right-to-left line would show "not reviewed ,machine draft").  Not the Arabic comma:
# "Microsoft، Google" lists two names in the sentence's order.


# Where a Latin run may continue past a word: closing marks, a Latin , ; : or &, spaces,
# opening marks; or a dash or slash.
_RUN_GAP = re.compile(r"[)\]}”’\"']*[,;:&]?\s+[(\[{“‘\"']*|\s*[-–—/]\s*")
_CLOSER = {"(": ")", "[": "]", "{": "}", "“": "”", "‘": "’", '"': '"', "'": "'"}
# Initials with dots between them are abbreviations whatever the table says (U.N, e.g).
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
ABBREVIATIONS_FILE = "abbreviations.txt"
_PROJECT_TABLE = Path(__file__).resolve().parents[2] / "styles" / ABBREVIATIONS_FILE


def read_abbreviations(lines: Iterable[str]) -> frozenset[str]:
    """The abbreviations of a table: one a line, with its final period (``Dr.``); blank
    lines and ``#`` comments ignored."""
    out = set()
    for line in lines:
        word = line.split("#", 1)[0].strip()
        if word:
            out.add(word)
    return frozenset(out)


@cache
def project_abbreviations() -> frozenset[str]:
    """The project's table (``styles/abbreviations.txt``)."""
    return read_abbreviations(_PROJECT_TABLE.read_text(encoding="utf-8").splitlines())


def is_abbreviation(word: str, table: frozenset[str]) -> bool:
    """Whether ``word`` (ending in its period) is an abbreviation: in the table, or
    initials with dots (``U.N.``, ``e.g.``, ``a.m.``)."""
    return word in table or bool(_INITIALS.fullmatch(word[:-1]))


def isolate_runs(text: str, abbreviations: frozenset[str] | None = None) -> str:
    """``text`` with every Latin run and number outside an existing isolate wrapped in
    FSI … PDI; ``abbreviations``: the table whose periods belong to their word (default:
    the project's)."""
    table = project_abbreviations() if abbreviations is None else abbreviations
    out: list[str] = []
    for chunk, isolated in _split_isolates(text):
        out.append(chunk if isolated else _isolate_chunk(chunk, table))
    return "".join(out)


def _split_isolates(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (chunk, inside an isolate) pieces (isolates as
    :func:`~azad.lang.common.isolate_spans` reads them)."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for start, end in isolate_spans(text):
        if start > pos:
            pieces.append((text[pos:start], False))
        pieces.append((text[start:end], True))
        pos = end
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces


def _isolate_chunk(text: str, abbreviations: frozenset[str]) -> str:
    spans: list[tuple[int, int]] = []
    drop: set[int] = set()  # a sentence's period doubling an abbreviation's
    latin_end = -1  # end of the last Latin run, to join the next Latin word to it
    for token in re.finditer(r"\S+", text):
        word = token.group()
        strong = {strong_direction(c, letters_only=False) for c in word}
        if "L" in strong and "R" not in strong:
            core = _LATIN_CORE.search(word)
            if core is None:
                continue
            start, end = token.start() + core.start(), token.start() + core.end()
            if text[end : end + 1] == "." and is_abbreviation(text[start : end + 1], abbreviations):
                end += 1
                if text[end : end + 1] == "." and text[end + 1 : end + 2] in ("", " ", "\n"):
                    drop.add(end)  # "U.N.." at the end of a sentence: the period once
            # Join to the previous Latin run when only spaces (and marks) lie between them.
            joins = latin_end >= 0 and bool(spans) and spans[-1][1] == latin_end
            if joins and _RUN_GAP.fullmatch(text[latin_end:start]):
                spans[-1] = (spans[-1][0], end)
                latin_end = end
                continue
            spans.append((start, end))
            latin_end = end
            continue
        latin_end = -1
        for number in _NUMBER.finditer(word):
            spans.append((token.start() + number.start(), token.start() + number.end()))
    spans = [_with_marks(text, start, end) for start, end in spans]
    out: list[str] = []
    pos = 0
    for start, end in spans:
        out.append(_without(text, pos, start, drop))
        out.append(f"{FSI}{text[start:end]}{PDI}")
        pos = end
    out.append(_without(text, pos, len(text), drop))
    return "".join(out)


def _without(text: str, start: int, end: int, drop: set[int]) -> str:
    return "".join(c for i, c in enumerate(text[start:end], start) if i not in drop)


def _with_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of a Latin run widened to the brackets and quotation marks that belong to
    it: the closing mark of each one opened inside it (after an abbreviation's period, or
    a period of its own before a closing quotation mark), then pairs around it."""
    opened: list[str] = []
    for char in text[start:end]:
        if opened and char == _CLOSER[opened[-1]]:
            opened.pop()
        elif char in _CLOSER:
            opened.append(char)
    while opened:
        closer = _CLOSER[opened[-1]]
        if text[end : end + 1] == closer:
            end += 1
        elif text[end : end + 2] == "." + closer:
            end += 2
        else:
            break
        opened.pop()
    while start > 0 and (around := _CLOSER.get(text[start - 1])):
        if text[end : end + 1] == around:
            start, end = start - 1, end + 1
        elif text[end : end + 2] == "." + around:  # “It is over.”
            start, end = start - 1, end + 2
        else:
            break
    return start, end


def isolate_markup(text: str) -> Markup:
    """``text`` as HTML with each isolate (FSI … PDI, from :func:`isolate_runs`) also
    wrapped in ``<span dir="ltr">`` (``rtl`` when its first strong letter is
    right-to-left): browsers and e-readers isolate an element with a ``dir`` (HTML's
    ``unicode-bidi: isolate``) where some ignore the invisible characters, and WeasyPrint,
    which ignores ``unicode-bidi``, still has the characters.  pandoc keeps such spans (it
    drops ``<bdi>``)."""
    out: list[str] = []
    for chunk, isolated in _split_isolates(text):
        if not isolated:
            out.append(str(escape(chunk)))
            continue
        direction = "rtl" if chunk[0] == "\u2067" else _first_strong(chunk) or "ltr"
        out.append(f'<span dir="{direction}">{escape(chunk)}</span>')
    return Markup("".join(out))


def _first_strong(text: str) -> str | None:
    for char in text:
        strong = strong_direction(char, letters_only=False)
        if strong:
            return "ltr" if strong == "L" else "rtl"
    return None
