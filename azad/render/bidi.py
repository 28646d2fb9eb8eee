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
  that ends with a Latin word);
* a number is digits (any script) joined by ``. , ٫ ٬ / :`` with an optional percent sign;
  a hyphen is not part of it, so ``۲۰۲۰-۲۰۲۱`` stays a right-to-left range
  (:mod:`azad.lang.digits` already isolates hyphenated dates);
* text already inside an isolate (post-editing and placeholder restoration put URLs,
  e-mail addresses and dates there) is left exactly as it is.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from azad.lang.common import FSI, PDI, isolate_spans, strong_direction

_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c/:]\d+)*[%\u066a]?")
# The part of a Latin word worth isolating: from its first letter, digit or leading sign
# to its last letter, digit or closing sign; brackets, quotes and sentence punctuation
# around it belong to the sentence.
_LATIN_CORE = re.compile(r"[\w$€£#@+]\S*[\w%/]|[\w$€£#@+]", re.UNICODE)
# What may lie between two Latin words of one run: spaces, and Latin punctuation inside a
# phrase ("machine draft, not reviewed" is one run; cut at the comma, a right-to-left
# line would show "not reviewed ,machine draft").  Not the Arabic comma: "Microsoft،
# Google" lists two names in the sentence's order.
_LATIN_GAP = re.compile(r"[,;:&]?\s+|\s*[-–—/]\s*")


def isolate_runs(text: str) -> str:
    """``text`` with every Latin run and number outside an existing isolate wrapped in
    FSI … PDI."""
    out: list[str] = []
    for chunk, isolated in _split_isolates(text):
        out.append(chunk if isolated else _isolate_chunk(chunk))
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


def _isolate_chunk(text: str) -> str:
    spans: list[tuple[int, int]] = []
    latin_end = -1  # end of the last Latin run, to join the next Latin word to it
    for token in re.finditer(r"\S+", text):
        word = token.group()
        strong = {strong_direction(c, letters_only=False) for c in word}
        if "L" in strong and "R" not in strong:
            core = _LATIN_CORE.search(word)
            if core is None:
                continue
            start, end = token.start() + core.start(), token.start() + core.end()
            # Join to the previous Latin run when only spaces lie between them.
            joins = latin_end >= 0 and bool(spans) and spans[-1][1] == latin_end
            if joins and _LATIN_GAP.fullmatch(text[latin_end:start]):
                spans[-1] = (spans[-1][0], end)
                latin_end = end
                continue
            spans.append((start, end))
            latin_end = end
            continue
        latin_end = -1
        for number in _NUMBER.finditer(word):
            spans.append((token.start() + number.start(), token.start() + number.end()))
    out: list[str] = []
    pos = 0
    for start, end in spans:
        out.append(text[pos:start])
        out.append(f"{FSI}{text[start:end]}{PDI}")
        pos = end
    out.append(text[pos:])
    return "".join(out)


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
