"""Text that XML 1.0 (and the HTML syntax) can carry.

XML 1.0 has no way to write C0 controls other than tab, newline and carriage return,
U+FFFE/U+FFFF, or a lone surrogate: one such character in a title makes the EPUB, OPDS or
Atom file unreadable for every reader, and one bad article would break the feeds for all.
The readers clean what they read (input side); this is the writers' side, applied to
every text a template or feed writes, whichever path a character came in by.  Carriage
returns go too: in text they only ever mean a Windows line end, and XML parsers turn
them into newlines anyway.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot carry (see the module's docstring)."""
    return _NOT_XML.sub("", text)


def finalize(value: object) -> object:
    """Jinja2's ``finalize``: every ``{{ … }}`` of the templates goes through
    :func:`xml_text`; markup stays markup (its tags need no cleaning, its text does)."""
    if isinstance(value, Markup):
        return Markup(xml_text(str(value)))
    if isinstance(value, str):
        return xml_text(value)
    return value
