"""Readers for Markdown (with YAML front matter), HTML and DOCX, through pandoc's JSON AST.

pandoc parses the format; this module only walks its AST (``Pandoc Meta [Block]``) and
keeps what the Article models: headings, paragraphs, block quotes and lists. Raw HTML,
scripts, images and notes are dropped.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import zipfile
from typing import Any

import pypandoc

from azad.errors import InputError
from azad.model import Article, Metadata
from azad.readers.base import RawBlock, ReadOptions, Source, assemble, normalize_heading_levels
from azad.readers.frontmatter import check_yaml_blocks
from azad.sentences import normalize_space
from azad.text import clean_source

PANDOC_TIMEOUT_S = 60
PANDOC_MAX_HEAP = "1g"
"""pandoc's heap limit (GHC's ``+RTS -M``): an article needs tens of MB; a parser bomb
gets "Heap exhausted" instead of the machine's memory."""
Json = Any

TOO_DEEP = (
    "nested too deeply (elements, quotes, lists or tables inside each other hundreds of "
    "levels deep; no article needs that)"
)
"""A document nested ~1,000 levels deep (4 KB of ``> `` or ``<div>``) gives pandoc an AST
deeper than Python's recursion limit: ``json.loads`` and the walk below raise
``RecursionError``, which is a bad input, not a crash."""


def read_markdown(source: Source, options: ReadOptions) -> Article:
    check_yaml_blocks(source.text(), source.name)
    return _read(source, "markdown", text=True)


def read_html(source: Source, options: ReadOptions) -> Article:
    return _read(source, "html", text=True)


def read_docx(source: Source, options: ReadOptions) -> Article:
    if not source.data.startswith(b"PK"):
        raise InputError(source.name, "not a DOCX file (not a ZIP archive)")
    # pandoc says only "couldn't parse docx file: DocxError" of any other ZIP archive. The
    # main part is usually word/document.xml, but only _rels/.rels says so for sure.
    try:
        with zipfile.ZipFile(io.BytesIO(source.data)) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile as exc:
        raise InputError(source.name, f"not a DOCX file (a damaged ZIP archive: {exc})") from None
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise InputError(
            source.name,
            "cannot be read as docx: a ZIP archive without a Word document in it (a renamed file?)",
        )
    return _read(source, "docx", text=False)


# Comments and elements whose content is no part of the page's prose: scripts and styles,
# frames (a browser never shows an iframe's content), fallbacks for scripts and plug-ins,
# templates. pandoc keeps the text inside most of them as paragraphs, and splits the
# paragraph around a <script>. A browser ends script, style, iframe and noscript at the
# first matching end tag, as this non-greedy match does (template and object are cut
# there too: nesting them is rare).
_HTML_DROPPED = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|iframe|noscript|template|object)\b[^>]*>.*?(?:</\1\s*>|\Z)",
    re.DOTALL | re.IGNORECASE,
)


def strip_html_non_prose(html: str) -> str:
    """``html`` without comments and the elements of :data:`_HTML_DROPPED`."""
    return _HTML_DROPPED.sub("", html)


def _read(source: Source, fmt: str, *, text: bool) -> Article:
    data = source.text().encode("utf-8") if text else source.data
    if fmt == "html":
        data = strip_html_non_prose(data.decode("utf-8")).encode("utf-8")
    if text and not data.strip():
        raise InputError(source.name, "file is empty")
    ast = run_pandoc_to_json(data, fmt, source.name)
    try:
        return _article(ast, source, fmt)
    except RecursionError:
        raise InputError(source.name, TOO_DEEP) from None


def _article(ast: Json, source: Source, fmt: str) -> Article:
    meta = ast.get("meta", {})
    blocks = list(_walk_blocks(ast.get("blocks", []), meta))
    title = _meta_text(meta, "title")
    if not title:
        # An HTML page or DOCX without a title field: its first heading is the title.
        first = next((b for b in blocks if b.kind == "heading"), None)
        if first is None:
            raise InputError(source.name, "no recognisable title (no title field and no heading)")
        title = first.text
        blocks.remove(first)
    elif blocks and blocks[0].kind == "heading" and _same(blocks[0].text, title):
        blocks.pop(0)
    normalize_heading_levels(blocks)
    if not any(b.kind != "heading" for b in blocks):
        raise InputError(source.name, "no body text")
    metadata = Metadata(
        title=title,
        subtitle=_meta_text(meta, "subtitle") or None,
        author=_meta_text(meta, "author") or None,
        date=_meta_date(meta, source.name),
        section=_meta_text(meta, "section") or None,
        source_file=source.name,
        source_sha256=source.sha256,
        source_format=fmt if fmt != "markdown" else "markdown",
        url=_meta_text(meta, "url") or None,
        author_note=_meta_text(meta, "author_note") or _meta_text(meta, "author-note") or None,
    )
    return assemble(metadata, blocks)


def _same(heading: str, title: str) -> bool:
    """Whether a first heading repeats the title, as they read after text hygiene."""
    return clean_source(normalize_space(heading))[0] == clean_source(title)[0]


def run_pandoc_to_json(data: bytes, fmt: str, name: str) -> Json:
    """Run pandoc on ``data`` and return its JSON AST; a parse failure names the file."""
    try:
        proc = subprocess.run(
            [
                pypandoc.get_pandoc_path(),
                *("+RTS", f"-M{PANDOC_MAX_HEAP}", "-RTS"),
                *("--from", fmt, "--to", "json"),
            ],
            input=data,
            capture_output=True,
            timeout=PANDOC_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(name, f"pandoc took longer than {PANDOC_TIMEOUT_S} s") from None
    if proc.returncode != 0 and b"Heap exhausted" in proc.stderr:
        raise InputError(name, f"pandoc needed more than {PANDOC_MAX_HEAP}B of memory for it")
    if proc.returncode != 0:
        # pandoc's message often spans lines ("Error parsing YAML metadata at …:" and the
        # reason below it): one line, shortened.
        message = " ".join(proc.stderr.decode("utf-8", "replace").split()) or "?"
        if len(message) > 300:
            message = message[:299] + "…"
        raise InputError(name, f"cannot be read as {fmt}: {message}")
    try:
        return json.loads(proc.stdout)
    except RecursionError:
        raise InputError(name, TOO_DEEP) from None


def _walk_blocks(blocks: list[Json], meta: Json) -> Any:
    for block in blocks:
        t, c = block["t"], block.get("c")
        if t == "Header":
            level, (ident, classes, _), inlines = c
            if "title" in classes and ident and _meta_text(meta, "title"):
                continue
            yield RawBlock(kind="heading", level=level, text=stringify(inlines))
        elif t in ("Para", "Plain"):
            text = stringify(c)
            if text:
                yield RawBlock(kind="paragraph", text=text)
        elif t == "LineBlock":
            yield RawBlock(kind="paragraph", text=" ".join(stringify(line) for line in c))
        elif t == "BlockQuote":
            for inner in _walk_blocks(c, meta):
                if inner.kind == "paragraph":
                    inner.kind = "quote"
                yield inner
        elif t in ("BulletList", "OrderedList"):
            items = c if t == "BulletList" else c[1]
            yield RawBlock(
                kind="list",
                ordered=t == "OrderedList",
                items=[_item_text(item) for item in items],
            )
        elif t == "Div":
            (ident, _classes, _attrs), inner = c
            if ident == "title-block-header":
                continue  # pandoc's own title block: the metadata already holds it
            yield from _walk_blocks(inner, meta)
        elif t == "Figure":
            continue
        elif t == "DefinitionList":
            for term, definitions in c:
                yield RawBlock(kind="paragraph", text=stringify(term))
                for definition in definitions:
                    yield from _walk_blocks(definition, meta)
        # CodeBlock, RawBlock (scripts, iframes), HorizontalRule, Table: not article prose.


def _item_text(blocks: list[Json]) -> str:
    parts: list[str] = []
    for block in blocks:
        if block["t"] in ("Para", "Plain"):
            parts.append(stringify(block["c"]))
        elif block["t"] in ("BulletList", "OrderedList"):
            items = block["c"] if block["t"] == "BulletList" else block["c"][1]
            parts.extend(_item_text(i) for i in items)
    return normalize_space(" ".join(parts))


_QUOTES = {"DoubleQuote": ("“", "”"), "SingleQuote": ("‘", "’")}


def stringify(inlines: list[Json]) -> str:
    """The plain text of a list of pandoc inlines (formatting dropped, quotes typographic)."""
    out: list[str] = []
    _stringify(inlines, out)
    return normalize_space("".join(out))


def _stringify(inlines: list[Json], out: list[str]) -> None:
    for inline in inlines:
        t, c = inline["t"], inline.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in (
            "Emph",
            "Strong",
            "Strikeout",
            "Superscript",
            "Subscript",
            "SmallCaps",
            "Underline",
        ):
            _stringify(c, out)
        elif t == "Quoted":
            open_q, close_q = _QUOTES[c[0]["t"]]
            out.append(open_q)
            _stringify(c[1], out)
            out.append(close_q)
        elif t in ("Span", "Link") or t == "Cite":
            _stringify(c[1], out)
        elif t in ("Code", "Math"):
            out.append(c[1])
        # Image, Note, RawInline: not part of the sentence a reader translates.


def _meta_text(meta: Json, key: str) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    return normalize_space(_meta_value(value))


def _meta_value(value: Json) -> str:
    t, c = value["t"], value.get("c")
    if t == "MetaString":
        return str(c)
    if t == "MetaInlines":
        return stringify(c)
    if t == "MetaBlocks":
        return " ".join(stringify(b["c"]) for b in c if b["t"] in ("Para", "Plain"))
    if t == "MetaList":
        return ", ".join(_meta_value(v) for v in c)
    if t == "MetaBool":
        return "true" if c else "false"
    return ""


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_DMY_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def _meta_date(meta: Json, name: str) -> dt.date | None:
    raw = _meta_text(meta, "date") or _meta_text(meta, "dcterms.date")
    if not raw:
        return None
    try:
        if m := _ISO_DATE.match(raw):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY_DATE.match(raw):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        # The form is right, the day does not exist (2025-02-30): say so, not "expected …".
        raise InputError(name, f"invalid date {raw!r} in metadata (no such day)") from None
    raise InputError(name, f"invalid date {raw!r} in metadata (expected YYYY-MM-DD)")
