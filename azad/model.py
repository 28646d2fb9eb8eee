"""The Article: the one document model every part of the pipeline shares.

Readers produce an :class:`Article`; translation maps its :class:`Segment` texts;
renderers write editions from it. Like pandoc's AST, it is deliberately small:
metadata plus an ordered list of blocks, each block holding sentence segments.

Ids are positional (``b3``, ``b3.s2``, ``b5.i1.s1``) so the same source always
yields the same ids; translation matches segments by id *and* English text, so
an inserted paragraph does not orphan the translations after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BlockKind = Literal["heading", "paragraph", "quote", "list"]

TITLE_ID = "title"
"""Id of the article's title among its translatable units (``subtitle`` likewise): an
edition prints them translated, like the sentence segments."""
SUBTITLE_ID = "subtitle"
NOTE_ID = "note"
"""Id of the closing note about the author (``Metadata.author_note``): the last unit, after
the body, translated and reviewed like every sentence."""


class Segment(BaseModel):
    """One sentence: the unit that is machine-translated and reviewed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    """Stable within the article: ``<block id>.s<n>`` or ``<block id>.i<m>.s<n>``."""
    text: str
    """The sentence as it reads in the source, without trailing space."""


class ListItem(BaseModel):
    """One item of a bulleted or numbered list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    """``<block id>.i<n>``, counting from 1."""
    segments: list[Segment]


class Block(BaseModel):
    """A heading, paragraph, block quote or list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    """``b<n>``, counting from 1 in document order."""
    kind: BlockKind
    level: int | None = None
    """Heading level, 2 for the article's top subheadings (the title is level 1)."""
    ordered: bool = False
    """For lists: numbered (True) or bulleted (False)."""
    segments: list[Segment] = Field(default_factory=list)
    """The sentences of a heading, paragraph or quote; empty for a list."""
    items: list[ListItem] = Field(default_factory=list)
    """The items of a list; empty for other kinds."""

    @property
    def text(self) -> str:
        """The block's text, sentences joined by spaces (items by newlines)."""
        if self.kind == "list":
            return "\n".join(" ".join(s.text for s in item.segments) for item in self.items)
        return " ".join(s.text for s in self.segments)

    def all_segments(self) -> Iterator[Segment]:
        if self.kind == "list":
            for item in self.items:
                yield from item.segments
        else:
            yield from self.segments


class Metadata(BaseModel):
    """What is known about an article besides its body."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    subtitle: str | None = None
    author: str | None = None
    date: dt.date | None = None
    section: str | None = None
    """The site's section label of the original, e.g. "European Languages"."""
    language: str = "en"
    """BCP 47 tag of the source language."""
    source_file: str
    """File name of the English original as it was ingested (no directory)."""
    source_sha256: str
    """SHA-256 of the original file's bytes: unchanged bytes mean an unchanged article."""
    source_format: str
    """The reader that produced the article (``text-export``, ``pdf``, ``markdown``, …)."""
    url: str | None = None
    """Address of the English original, where known."""
    author_note: str | None = None
    """The closing line about the author, kept out of the body."""
    closing: str | None = None
    """The article's closing line as the original prints it (``Author, Month D, YYYY``);
    the editions print their own (the author's name as they print it, their date)."""

    @property
    def has_closing_line(self) -> bool:
        """Whether the original ends with a closing line. Articles stored before the
        reader kept it: a text export's note is only ever found after a closing line."""
        return self.closing is not None or (
            self.author_note is not None and self.source_format in ("text-export", "pdf")
        )


class Article(BaseModel):
    """An English article: metadata and blocks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    meta: Metadata
    blocks: list[Block]

    def segments(self) -> Iterator[Segment]:
        """Every segment in reading order."""
        for block in self.blocks:
            yield from block.all_segments()

    def units(self) -> list[tuple[str, str]]:
        """(id, English) of everything an edition prints translated: the title (and
        subtitle) first, then every sentence segment, then the note about the author."""
        units = [(TITLE_ID, self.meta.title)]
        if self.meta.subtitle:
            units.append((SUBTITLE_ID, self.meta.subtitle))
        units += [(s.id, s.text) for s in self.segments()]
        if self.meta.author_note:
            units.append((NOTE_ID, self.meta.author_note))
        return units

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Article:
        return cls.model_validate_json(text)
