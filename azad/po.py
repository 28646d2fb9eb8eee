"""PO files of the review queue: reading and writing them safely, with polib.

One file per article and language, ``translations/<slug>/<lang>.po``; one entry per
sentence segment: ``msgctxt`` is the segment id, ``msgid`` the English, ``msgstr`` the
translation. ``fuzzy`` means not yet reviewed, as Poedit, OmegaT and Weblate read it.
Writes are atomic and serialised per file by a lock beside it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import polib
from filelock import FileLock

from azad.errors import InputError
from azad.fsutil import atomic_write_text

PLURAL_FORMS = {
    # CLDR: Persian and Pashto both have "one" (n = 1, Persian also 0) and "other".
    "fa-AF": "nplurals=2; plural=(n > 1);",
    "ps-AF": "nplurals=2; plural=(n != 1);",
}
LOCK_TIMEOUT_S = 30
TITLE_ID = "title"
"""``msgctxt`` of the article's title in a PO file (``subtitle`` likewise): an edition
prints them translated, like the sentence segments."""
SUBTITLE_ID = "subtitle"


def po_path(article_dir: Path, lang_key: str) -> Path:
    return article_dir / f"{lang_key}.po"


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the file's lock: one writer at a time, across threads and processes."""
    with FileLock(f"{path}.lock", timeout=LOCK_TIMEOUT_S):
        yield


class _PoText(str):
    """The text of a PO file, which polib splits into lines at ``\\n`` only.

    polib splits the text it is given with :meth:`str.splitlines`, which also breaks at
    U+2028, U+2029, U+0085 and U+001C–U+001E. polib writes these raw inside quoted strings
    (PO has no escape for them), so a translation or English sentence holding one (pasted
    from a PDF or a word processor) came back mangled, without an error. gettext ends
    lines at ``\\n`` only; so does this (``\\r\\n`` and ``\\r`` are ``\\n`` already, read in
    text mode)."""

    def splitlines(self, keepends: bool = False) -> list[str]:  # type: ignore[override]
        lines = self.split("\n")
        last = lines.pop()
        if keepends:
            lines = [line + "\n" for line in lines]
        return [*lines, last] if last else lines


def load_po(path: Path) -> polib.POFile:
    """Parse a PO file; a damaged one is an :class:`InputError` naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "not valid UTF-8") from None
    try:
        return polib.pofile(_PoText(text), wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise InputError(path, f"not a valid PO file: {exc}") from None


def render_po(catalog: polib.POFile) -> str:
    catalog.wrapwidth = 0  # long lines unwrapped: one segment, one line, easy diffs
    # Comments are lines (see _comment_lines). polib also writes a header line starting
    # with "," or ":" (a title) as "#,…" or "#:…", which it then reads as flags or
    # references, or not at all: a space keeps it text.
    if catalog.header:
        catalog.header = "\n".join(
            " " + line if line[:1] in (",", ":") else line
            for line in _comment_lines(catalog.header).split("\n")
        )
    for entry in catalog:
        entry.comment = _comment_lines(entry.comment)
        entry.tcomment = _comment_lines(entry.tcomment)
    return str(catalog) + "\n"


def _comment_lines(text: str) -> str:
    """A comment as PO lines that every reader reads back as they were written.

    polib writes a carriage return in a comment raw: read back, it ends the line and leaves
    a line without "#" (an unreadable file); a machine draft kept as a comment can hold one
    (a CAT tool's msgstr "…\\r\\n…"). And gettext's tools (msgfmt, msgmerge) join a line
    ending in a backslash with the next one, so a comment ending in "\\" swallowed the
    entry's msgctxt; a space after it, which polib drops again on reading, prevents that.
    """
    if not text or not ("\r" in text or "\\\n" in text or text.endswith("\\")):
        return text
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line + " " if line.endswith("\\") else line for line in lines)


def save_po(path: Path, catalog: polib.POFile) -> bool:
    """Write ``catalog`` atomically; return False (and write nothing) if unchanged."""
    text = render_po(catalog)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write_text(path, text)
    return True


def new_catalog(lang_code: str, title: str) -> polib.POFile:
    catalog = polib.POFile(wrapwidth=0)
    catalog.header = (
        f"{title}\nAzad Press review queue: edit msgstr, clear the fuzzy flag when done."
    )
    catalog.metadata = {
        "Project-Id-Version": "Azad Press",
        "Language": lang_code.replace("-", "_"),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS.get(lang_code, "nplurals=2; plural=(n != 1);"),
    }
    return catalog


def is_reviewed(entry: polib.POEntry) -> bool:
    return bool(entry.msgstr) and "fuzzy" not in entry.flags and not entry.obsolete
