"""Readers: one module per input format, each exposing ``read(Source, ReadOptions) -> Article``.

:data:`READERS` maps a file extension to its reader; an unknown extension is an error
that names the file and the formats that are known.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from azad.errors import InputError
from azad.model import Article
from azad.readers import pandoc, pdf, textexport
from azad.readers.base import ReadOptions, Source
from azad.readers.language import check_english

Reader = Callable[[Source, ReadOptions], Article]

READERS: dict[str, Reader] = {
    ".txt": textexport.read,
    ".pdf": pdf.read,
    ".md": pandoc.read_markdown,
    ".markdown": pandoc.read_markdown,
    ".html": pandoc.read_html,
    ".htm": pandoc.read_html,
    ".docx": pandoc.read_docx,
}

__all__ = ["READERS", "ReadOptions", "Source", "read_source", "reader_for"]


def reader_for(name: str) -> Reader:
    ext = Path(name).suffix.lower()
    try:
        return READERS[ext]
    except KeyError:
        known = ", ".join(sorted(READERS))
        raise InputError(
            name, f"unsupported file type {ext or '(none)'!r} (known: {known})"
        ) from None


def read_source(source: Source, options: ReadOptions) -> Article:
    """Read ``source`` with the reader its extension names."""
    reader = reader_for(source.name)
    if not source.data.strip():
        raise InputError(source.name, "file is empty")
    article = reader(source, options)
    if not options.allow_non_english:
        check_english(article, source.name)
    return article
