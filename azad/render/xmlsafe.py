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

from markupsafe import Markup

from azad.text import xml_safe


def finalize(value: object) -> object:
    """Jinja2's ``finalize``: every ``{{ … }}`` of the templates goes through
    :func:`azad.text.xml_safe`; markup stays markup (its tags need no cleaning, its text
    does)."""
    if isinstance(value, Markup):
        return Markup(xml_safe(str(value)))
    if isinstance(value, str):
        return xml_safe(value)
    return value
