"""Text hygiene shared by every layer: what English source text may hold, and what XML
may hold.

Two functions, both small on purpose (the bottom layer: nothing here imports the rest of
the project):

* :func:`clean_source` is the one gate every reader's output passes (see
  :func:`azad.readers.base.assemble`): NFC, and no C0 control other than tab and newline,
  no U+FFFE/U+FFFF, no lone surrogate, no bidi embedding, override or isolate. An English
  article has no use for any of them; a control character makes the XML of an edition or
  a feed ill-formed, and a bidi override makes the review app show something other than
  what the text says.
* :func:`xml_safe` drops what XML 1.0 forbids, for the writers of XML (EPUB metadata and
  content, OPDS, Atom) to use on whatever they are given, including a ``source.json``
  written before the gate existed.
"""

from __future__ import annotations

import re
import unicodedata

from rich.markup import escape

# Carriage returns go too: in text they only ever mean a Windows line end, and XML parsers
# turn them into newlines anyway.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 does not allow anywhere (``Char`` production), even escaped."""

_SOURCE_UNWANTED = re.compile(
    "[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)
"""C0 controls but tab and newline (carriage returns are gone by the time text gets
here), non-characters U+FFFE/U+FFFF, lone surrogates, bidi embeddings and overrides
(U+202A–U+202E) and isolates (U+2066–U+2069)."""


def clean_source(text: str) -> tuple[str, int]:
    """``text`` in NFC without the characters of :data:`_SOURCE_UNWANTED`, and how many
    were removed."""
    # Remove first: NFC cannot encode a lone surrogate.
    cleaned, removed = _SOURCE_UNWANTED.subn("", text)
    return unicodedata.normalize("NFC", cleaned), removed


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _XML_ILLEGAL.sub("", text)


def visible(text: str) -> str:
    """``text`` for a terminal: every control character (C0 but tab, DEL, C1) and bidi control
    shown as its escape (``\\x1b``, ``\\u202e``) so it cannot move the cursor, change
    colours or reorder the line."""
    return _TERMINAL_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """Text from an article for Rich: controls made visible, markup escaped (a title
    reading ``[red]`` is text, not a colour)."""
    return escape(visible(text))
