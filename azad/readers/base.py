"""What every reader shares: the input it gets and the assembly of an Article.

A reader turns a :class:`Source` into a list of :class:`RawBlock` and metadata;
:func:`assemble` numbers the blocks and splits them into sentence segments, so
ids and segmentation are the same whatever the format.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from functools import cached_property

from azad.errors import InputError, InputWarning
from azad.model import Article, Block, BlockKind, ListItem, Metadata, Segment
from azad.sentences import normalize_space, split_sentences
from azad.settings import SiteProfile
from azad.text import clean_source

MAX_BLOCK_CHARS = 20_000
"""The longest title, paragraph, heading or list item a reader accepts. No article's
paragraph comes near it (a long one has 2,000 characters); a longer one is a file without
paragraph breaks or not prose at all, and sentence splitting takes time quadratic in a
paragraph's length (a second at this limit, minutes at a megabyte)."""

# UTF-16 and UTF-32 text is full of NUL bytes; say what it is rather than "binary".
_WIDE_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


@dataclass(frozen=True)
class Source:
    """An input file's name and bytes; readers never touch the file system themselves."""

    name: str
    data: bytes

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def text(self) -> str:
        """The bytes as text: UTF-8 (a BOM is dropped), line endings made ``\\n``."""
        for bom, encoding in _WIDE_BOMS.items():
            if self.data.startswith(bom):
                raise InputError(self.name, f"{encoding} text, not UTF-8 (save it as UTF-8)")
        if (nul := self.data.find(b"\x00")) >= 0:
            # Anywhere, not only near the start: a NUL deep in a file would reach
            # source.json and the PO files (gettext's tools stop at it).
            raise InputError(self.name, f"binary file, not text (a NUL byte at offset {nul:,})")
        try:
            text = self.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                self.name,
                f"not valid UTF-8 (byte 0x{self.data[exc.start]:02x} at offset {exc.start})",
            ) from None
        return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class RawBlock:
    """A block before numbering and segmentation."""

    kind: BlockKind
    text: str = ""
    level: int | None = None
    ordered: bool = False
    items: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReadOptions:
    """What readers need to know beyond the file itself."""

    site: SiteProfile | None = None
    """The site profile, whose header texts the text-export reader removes."""
    allow_non_english: bool = False
    """Accept an article whose letters are mostly Arabic script (a mixed article)."""


def assemble(meta: Metadata, raw_blocks: list[RawBlock]) -> Article:
    """Clean the text (:func:`hygiene`), number ``raw_blocks`` and split them into
    sentence segments."""
    meta = hygiene(meta, raw_blocks)
    _check_lengths(meta, raw_blocks)
    blocks: list[Block] = []
    for raw in raw_blocks:
        bid = f"b{len(blocks) + 1}"
        if raw.kind == "list":
            items = [
                ListItem(id=f"{bid}.i{n}", segments=_segments(f"{bid}.i{n}", text))
                for n, text in enumerate((t for t in raw.items if normalize_space(t)), start=1)
            ]
            if items:
                blocks.append(Block(id=bid, kind="list", ordered=raw.ordered, items=items))
            continue
        if raw.kind == "heading":
            # A heading is one segment even if it has a full stop inside ("Dr. Who").
            text = normalize_space(raw.text)
            segs = [Segment(id=f"{bid}.s1", text=text)] if text else []
        else:
            segs = _segments(bid, raw.text)
        if segs:
            blocks.append(Block(id=bid, kind=raw.kind, level=raw.level, segments=segs))
    return Article(meta=meta, blocks=blocks)


def hygiene(meta: Metadata, raw_blocks: list[RawBlock]) -> Metadata:
    """The one gate of text hygiene every reader's output passes: every text field of
    ``meta`` and every text of ``raw_blocks`` (changed in place) through
    :func:`azad.text.clean_source`; a warning naming the file says how many characters
    were removed."""
    removed = 0

    def clean(text: str) -> str:
        nonlocal removed
        cleaned, n = clean_source(text)
        removed += n
        return cleaned

    update = {
        name: clean(value)
        for name, value in meta.model_dump().items()
        if isinstance(value, str) and name not in ("source_file", "source_sha256")
    }
    meta = meta.model_copy(update=update)
    for raw in raw_blocks:
        raw.text = clean(raw.text)
        raw.items = [clean(t) for t in raw.items]
    if removed:
        warnings.warn(
            InputWarning(
                f"{meta.source_file}: removed {removed:,} control or bidi-override "
                "character(s) from the text"
            ),
            stacklevel=3,
        )
    return meta


def _check_lengths(meta: Metadata, raw_blocks: list[RawBlock]) -> None:
    """Refuse an absurdly long title or block before segmentation spends minutes on it."""
    texts: list[tuple[str, str]] = [("title", meta.title)]
    for raw in raw_blocks:
        kind = "list item" if raw.kind == "list" else str(raw.kind)
        texts += [(kind, t) for t in (raw.text, *raw.items)]
    for what, text in texts:
        if len(text) > MAX_BLOCK_CHARS:
            raise InputError(
                meta.source_file,
                f"a {what} of {len(text):,} characters (the limit is {MAX_BLOCK_CHARS:,}), "
                f"starting {text[:30]!r}: a file without paragraph breaks, or not article text",
            )


def _segments(prefix: str, text: str) -> list[Segment]:
    return [
        Segment(id=f"{prefix}.s{n}", text=s) for n, s in enumerate(split_sentences(text), start=1)
    ]


def normalize_heading_levels(raw_blocks: list[RawBlock]) -> None:
    """Shift heading levels so the highest subheading is level 2 (the title is level 1)."""
    levels = [b.level for b in raw_blocks if b.kind == "heading" and b.level is not None]
    if not levels:
        return
    shift = 2 - min(levels)
    for b in raw_blocks:
        if b.kind == "heading" and b.level is not None:
            b.level = min(6, b.level + shift)
