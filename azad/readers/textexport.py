"""Reader for the site's text export: what the site's PDFs yield as plain text.

Layout, top to bottom: the site header (site name, AA-AA, the verse, web address,
e-mail, section lines), author, date ``DD.MM.YYYY``, title (one or two lines, a first
line ending in ``:`` continues on the next), the body with subheadings, a closing
``Author, Month D, YYYY`` line and a line about the author.

Copies of the header differ slightly (spelling, ZWNJ, spacing), so header lines are
recognised by similarity to the site profile's texts, not by exact string.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata

from azad.errors import InputError
from azad.lang.months import ENGLISH_MONTHS
from azad.model import Article, Metadata
from azad.readers.base import MAX_BLOCK_CHARS, RawBlock, ReadOptions, Source, assemble
from azad.sentences import normalize_space
from azad.settings import SiteProfile

FORMAT = "text-export"

_DATE_RE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_CLOSING_RE = re.compile(
    r"^(?P<author>[^,\n]{2,80}),\s+(?P<month>"
    + "|".join(ENGLISH_MONTHS)
    + r")\s+(?P<day>\d{1,2}),\s+"
    r"(?P<year>\d{4})\.?$"
)
_BULLET_RE = re.compile(r"^(?:[-•*–]|(?P<num>\d{1,3})[.)])\s+(?P<text>.+)$")
_PAGE_NUMBER_RE = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE)
# pdftotext wraps right-to-left lines in embedding marks; they are not text.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_TERMINAL = tuple(".!?:;…\"”’')»")
_MAX_TITLE_WORDS = 30
_MAX_HEADING_WORDS = 14
_HEADER_SIMILARITY = 0.8


def read(source: Source, options: ReadOptions) -> Article:
    """Read a text export into an Article."""
    return parse_text(source.text(), source, options, source_format=FORMAT)


def parse_text(text: str, source: Source, options: ReadOptions, *, source_format: str) -> Article:
    """Parse text in the site's export layout; shared with the PDF reader."""
    if not text.strip():
        raise InputError(source.name, "file is empty")
    _check_line_lengths(text, source.name)
    matcher = HeaderMatcher(options.site)
    # Form feeds mark page breaks in pdftotext output; they separate chunks like blank lines.
    lines = [
        _BIDI_CONTROLS.sub("", line).strip() for line in text.replace("\f", "\n\n").split("\n")
    ]
    pos = _skip_header(lines, matcher)
    author, date, pos = _author_and_date(lines, pos, source.name)
    title, pos = _title(lines, pos, source.name)
    chunks = _chunks(lines[pos:], matcher)
    body, closing, author_note = _split_closing(chunks)
    closing_author = None
    if closing is not None:
        m = _CLOSING_RE.match(closing)
        closing_author = m.group("author").strip() if m else None
    meta = Metadata(
        title=title,
        author=_without_by(author or closing_author),
        date=date,
        section=matcher.section_found,
        source_file=source.name,
        source_sha256=source.sha256,
        source_format=source_format,
        author_note=author_note,
        closing=closing,
    )
    return assemble(meta, _blocks(body))


def _check_line_lengths(text: str, name: str) -> None:
    """A paragraph is one line of the export; an absurdly long line is refused before the
    header matcher and sentence splitting spend minutes on it."""
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_BLOCK_CHARS:
            raise InputError(
                name,
                f"line {number} is {len(line):,} characters long (the limit is "
                f"{MAX_BLOCK_CHARS:,}): a file without paragraph breaks, or not article text",
            )


class HeaderMatcher:
    """Recognises the site header's lines by similarity to the profile's texts."""

    def __init__(self, site: SiteProfile | None) -> None:
        self.section_found: str | None = None
        self._texts: list[tuple[str, str]] = []  # (normalised, kind)
        self._sections: dict[str, str] = {}
        if site is None:
            return
        for text in (site.name, site.mark, site.web, site.email):
            self._texts.append((_fold(text), "header"))
        for first, second in site.verse:
            self._texts += [
                (_fold(f"{first} {second}"), "verse"),
                (_fold(first), "verse"),
                (_fold(second), "verse"),
            ]
        for label in site.source_sections:
            self._sections[_fold(label)] = label

    def is_header(self, line: str) -> bool:
        folded = _fold(line)
        if not folded:
            return False
        for label_folded, label in self._sections.items():
            if _similar(folded, label_folded):
                if self.section_found is None or not label.isascii():
                    # Prefer the Latin label ("European Languages") as the section name.
                    self.section_found = self.section_found or label
                return True
        return any(_similar(folded, text) for text, _ in self._texts)


_FOLD_TABLE = str.maketrans("يىك–—", "ییک--")


def _fold(text: str) -> str:
    """Fold the differences between copies of the header: ZWNJ, Arabic letter variants,
    spacing, case, a URL's scheme."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u200c", "").replace("\u0640", "")
    text = text.translate(_FOLD_TABLE)
    text = re.sub(r"[\u064b-\u065f\u0670]", "", text)  # harakat
    text = re.sub(r"^(?:https?://)?(?:www\.)?", "", text.strip().lower())
    return re.sub(r"[\s\-·.]+", "", text)


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= _HEADER_SIMILARITY


def _skip_header(lines: list[str], matcher: HeaderMatcher) -> int:
    pos = 0
    while pos < len(lines) and (not lines[pos] or matcher.is_header(lines[pos])):
        pos += 1
    return pos


def _next_nonblank(lines: list[str], pos: int) -> int:
    while pos < len(lines) and not lines[pos]:
        pos += 1
    return pos


def _parse_date(line: str, name: str) -> dt.date | None:
    m = _DATE_RE.match(line)
    if not m:
        return None
    day, month, year = (int(g) for g in m.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        # The line has the form of a date; the day does not exist (31.02.2025).
        raise InputError(name, f"invalid date {line!r} (no such day)") from None


_BY = re.compile(r"by\s+(?=\S)", re.IGNORECASE)


def _without_by(author: str | None) -> str | None:
    """The name of a byline: "By Sample Writer" is by Sample Writer."""
    if author is None:
        return None
    return _BY.sub("", author, count=1) if _BY.match(author) else author


def _author_and_date(
    lines: list[str], pos: int, name: str
) -> tuple[str | None, dt.date | None, int]:
    """Author and date stand in either order right after the header; both are optional."""
    author: str | None = None
    date: dt.date | None = None
    first = _next_nonblank(lines, pos)
    second = _next_nonblank(lines, first + 1)
    if first >= len(lines):
        raise InputError(name, "no recognisable title (nothing after the site header)")
    if (d := _parse_date(lines[first], name)) is not None:
        return None, d, first + 1
    if second < len(lines) and (d := _parse_date(lines[second], name)) is not None:
        author, date = lines[first], d
        return author, date, second + 1
    return None, None, first


def _title(lines: list[str], pos: int, name: str) -> tuple[str, int]:
    first = _next_nonblank(lines, pos)
    if first >= len(lines):
        raise InputError(name, "no recognisable title (nothing after author and date)")
    title = lines[first]
    end = first + 1
    if title.endswith(":"):
        cont = _next_nonblank(lines, end)
        if cont < len(lines):
            title = f"{title} {lines[cont]}"
            end = cont + 1
    words = title.split()
    if len(words) > _MAX_TITLE_WORDS or title.endswith(".") or _DATE_RE.match(title):
        raise InputError(
            name, f"no recognisable title (line {first + 1} reads like body text: {title[:40]!r}…)"
        )
    return normalize_space(title), end


def _chunks(lines: list[str], matcher: HeaderMatcher) -> list[str]:
    """Group lines into chunks separated by blank lines; a chunk's lines are one paragraph
    (hard-wrapped), except list lines, which stay separate lines."""
    chunks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if not line or _PAGE_NUMBER_RE.match(line) or matcher.is_header(line):
            # Page numbers and repeated header lines at a page break are not body text.
            if current:
                chunks.append(current)
                current = []
            continue
        current.append(line)
    if current:
        chunks.append(current)
    return [_join_chunk(c) for c in chunks]


def _join_chunk(lines: list[str]) -> str:
    if all(_BULLET_RE.match(line) for line in lines):
        return "\n".join(lines)
    return " ".join(lines)


def _split_closing(chunks: list[str]) -> tuple[list[str], str | None, str | None]:
    for i in range(len(chunks) - 1, -1, -1):
        m = _CLOSING_RE.match(chunks[i])
        if m:
            note = normalize_space(" ".join(chunks[i + 1 :])) or None
            return chunks[:i], normalize_space(chunks[i]), note
    return chunks, None, None


def _rejoin_page_breaks(chunks: list[str]) -> list[str]:
    """A paragraph that ends without terminal punctuation and is followed by one that
    starts in lower case was split by a page break."""
    joined: list[str] = []
    for chunk in chunks:
        if joined and not joined[-1].endswith(_TERMINAL) and chunk[:1].islower():
            joined[-1] = f"{joined[-1]} {chunk}"
        else:
            joined.append(chunk)
    return joined


def _blocks(chunks: list[str]) -> list[RawBlock]:
    chunks = _rejoin_page_breaks(chunks)
    blocks: list[RawBlock] = []
    for i, chunk in enumerate(chunks):
        lines = chunk.split("\n")
        if len(lines) > 1 or _BULLET_RE.match(chunk):
            matches = [_BULLET_RE.match(line) for line in lines]
            if all(matches):
                items = [m.group("text") for m in matches if m]
                if blocks and blocks[-1].kind == "list":
                    # Items set apart by space on the page are still one list.
                    blocks[-1].items.extend(items)
                else:
                    ordered = bool(matches[0] and matches[0].group("num"))
                    blocks.append(RawBlock(kind="list", ordered=ordered, items=items))
                continue
        is_last = i == len(chunks) - 1
        if not is_last and _looks_like_heading(chunk):
            blocks.append(RawBlock(kind="heading", text=chunk, level=2))
        else:
            blocks.append(RawBlock(kind="paragraph", text=chunk))
    return blocks


def _looks_like_heading(chunk: str) -> bool:
    words = chunk.split()
    return (
        0 < len(words) <= _MAX_HEADING_WORDS
        and not chunk.endswith((*_TERMINAL, ","))
        and (chunk[0].isupper() or chunk[0].isdigit())
    )
