"""Tab-separated files the editors keep (the glossary, the Dari lexicon): one reading of
their lines, so both treat blank lines, comments and cells alike."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class TsvLine:
    number: int
    """1-based, for error messages."""
    text: str
    cells: list[str] | None
    """The stripped cells; None for a comment line (``#`` first)."""


def tsv_lines(text: str) -> Iterator[TsvLine]:
    """Every non-blank line of ``text``, split at tabs unless it is a comment."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            yield TsvLine(number, line, None)
        else:
            yield TsvLine(number, line, [c.strip() for c in line.split("\t")])
