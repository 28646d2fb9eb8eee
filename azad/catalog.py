"""The readers' catalog in ``output/``: ``index.html`` (right to left, the site's masthead
with the verse, a section per language with its count and newest editions), older editions
on pages of their own (``<lang>-2.html`` …), ``opds.xml`` (an OPDS 1.2 acquisition feed for
e-reader apps) and ``feed.xml`` (Atom), both paged (RFC 5005: ``opds-2.xml`` … with
``next``/``previous``/``first``/``last`` links, written by :mod:`azad.feeds`), so that a
thousand editions never make one heavy page or feed.  The pages' font is the display font
as WOFF2, subset to a fixed repertoire (Arabic script, Latin, punctuation): small, and the
same file whatever the titles, so browsers may keep it for a day.  Every page, feed and
entry is made from the manifests alone and dated by approval, never by the clock: the same
editions give the same bytes.

Each published edition leaves a manifest beside its files (``output/<lang>/<slug>.json``,
written last by :mod:`azad.publish`); the catalog is regenerated from those manifests, under
a lock and with atomic writes, after every publish.  All links are relative, so the folder
can be served under any prefix (the web app serves it at ``/editions/``) or opened from
disk.

For the web app: :func:`load_entries` lists the editions, :func:`public_file` resolves a
request path inside ``output/`` safely and :data:`MEDIA_TYPES` gives each file's type.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from filelock import FileLock
from markupsafe import Markup

from azad.fsutil import atomic_write_bytes
from azad.lang.digits import DECIMAL_SEPARATOR, to_eastern_digits
from azad.render.fonts import subset_font
from azad.render.styles import FAMILY, Styles, load_styles
from azad.settings import Language, SiteProfile
from azad.workspace import Workspace

INDEX = "index.html"
OPDS = "opds.xml"
ATOM = "feed.xml"
FONTS_DIR = "fonts"
LOCK = ".catalog.lock"
PAGE_SIZE = 25
"""Editions per language on a catalog page."""
FEED_PAGE_SIZE = 100
"""Entries per page of the OPDS and Atom feeds."""
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
CATALOG_CHARS = (
    "".join(
        chr(c)
        for lo, hi in (
            (0x20, 0x7E),
            (0xA0, 0xFF),
            (0x600, 0x6FF),
            (0x2010, 0x2027),
            (0x200C, 0x200F),
        )
        for c in range(lo, hi + 1)
    )
    + "\u2066\u2067\u2068\u2069"
)
"""What the catalog's font keeps: Basic Latin and Latin-1, the Arabic block (Dari and
Pashto letters, digits, punctuation), dashes and quotes, the joiners and bidi controls."""

MEDIA_TYPES: Mapping[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".epub": "application/epub+zip",
    ".png": "image/png",
    ".ttf": "font/ttf",
    ".woff2": "font/woff2",
    ".xml": "application/xml",
    ".json": "application/json",
}
"""Media types of the files in ``output/`` (the feeds have their own, :data:`FEED_TYPES`)."""

OPDS_ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
FEED_TYPES: Mapping[str, str] = {OPDS: OPDS_ACQUISITION, ATOM: "application/atom+xml"}


@dataclass(frozen=True)
class CatalogEntry:
    """One published edition, as its manifest describes it."""

    slug: str
    lang_key: str
    lang: str
    id: str
    title: str
    author: str
    date: str
    """The edition's date line (solar Hijri and Gregorian, Eastern digits)."""
    article_date: str | None
    published: dt.datetime
    original_title: str
    original_url: str | None
    pdf: str
    """Path relative to ``output/``: ``dari/<slug>.pdf``."""
    pdf_bytes: int
    epub: str
    epub_bytes: int
    thumbnail: str | None
    test_model: bool
    html: str | None = None
    """The HTML reading edition, relative to ``output/``."""
    approved: dt.datetime | None = None

    @property
    def updated(self) -> dt.datetime:
        """When the content last changed: its approval (a republication of the same content
        is no update), else its publication."""
        return self.approved or self.published


def load_entries(ws: Workspace) -> list[CatalogEntry]:
    """Every published edition with its files in place, newest first.  A damaged manifest
    is skipped (the next publish of that article rewrites it)."""
    entries = []
    for key in ws.settings.languages:
        folder = ws.output_dir / key
        for path in sorted(folder.glob("*.json")):
            entry = _entry(path, key)
            if entry is not None and (ws.output_dir / entry.pdf).is_file():
                entries.append(entry)
    entries.sort(key=lambda e: (e.updated, e.article_date or "", e.id), reverse=True)
    return entries


def _entry(path: Path, key: str) -> CatalogEntry | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        thumbnail = raw.get("thumbnail")
        html = raw.get("html")
        approved = raw.get("approved")
        return CatalogEntry(
            slug=raw["slug"],
            lang_key=key,
            lang=raw["lang"],
            id=raw["id"],
            title=raw["title"],
            author=raw.get("author") or "",
            date=raw.get("date") or "",
            article_date=raw.get("article_date"),
            published=dt.datetime.fromisoformat(raw["published"]),
            original_title=raw.get("original_title") or "",
            original_url=web_address(raw.get("original_url")),
            pdf=f"{key}/{raw['pdf']['file']}",
            pdf_bytes=int(raw["pdf"]["bytes"]),
            epub=f"{key}/{raw['epub']['file']}",
            epub_bytes=int(raw["epub"]["bytes"]),
            thumbnail=f"{key}/{thumbnail}" if thumbnail else None,
            test_model=bool(raw.get("test_model")),
            html=f"{key}/{html['file']}" if html else None,
            approved=dt.datetime.fromisoformat(approved) if approved else None,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def web_address(url: object) -> str | None:
    """``url`` when it is a web address (http or https), else None: the catalog and the
    feeds link the English original, and a ``javascript:`` or ``data:`` URL from an
    article's metadata must never become a live link there."""
    if isinstance(url, str) and urlsplit(url).scheme.lower() in ("http", "https"):
        return url
    return None


def human_size(n: int, labels: Mapping[str, str]) -> str:
    """``1234567`` → ``۱٫۲ مگابایت``; under a megabyte in whole kilobytes."""
    if n >= 1_000_000:
        number = f"{n / 1_000_000:.1f}".replace(".", DECIMAL_SEPARATOR)
        return f"{to_eastern_digits(number)} {labels['megabytes']}"
    return f"{to_eastern_digits(str(max(1, round(n / 1000))))} {labels['kilobytes']}"


# ---- index.html ---------------------------------------------------------------------------


def language_page(key: str, page: int) -> str:
    """A language's catalog page ``page`` (1-based): the first is ``index.html``."""
    return INDEX if page == 1 else f"{key}-{page}.html"


def _pages(count: int, size: int) -> int:
    return max(1, -(-count // size))


def _masthead(site: SiteProfile, styles: Styles) -> Markup:
    # The editions' own masthead template, without stamps and section label.
    site_only = {"site": site, "stamps": (), "section_label": ""}
    return Markup(styles.templates.get_template("masthead.html.j2").render(e=site_only))


def render_index(
    entries: Sequence[CatalogEntry],
    site: SiteProfile,
    languages: Mapping[str, Language],
    styles: Styles,
    *,
    only: str | None = None,
    page: int = 1,
) -> str:
    """A catalog page: every language's section (its count, its newest :data:`PAGE_SIZE`
    editions and a link to the older ones), or, with ``only``, that language's page
    ``page``.  A language without editions says so in its own words."""
    sections = []
    for key, language in languages.items():
        if only is not None and key != only:
            continue
        labels = styles.labels[language.code]
        mine = [e for e in entries if e.lang_key == key]
        pages = _pages(len(mine), PAGE_SIZE)
        shown = mine[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        number = to_eastern_digits(str(len(mine)))
        page_text = ""
        if only is not None:
            page_text = labels["page"].format(
                page=to_eastern_digits(str(page)), pages=to_eastern_digits(str(pages))
            )
        sections.append(
            {
                "key": key,
                "lang": language.code,
                "heading": labels["catalog_title"],
                "count_text": labels["count"].format(count=number),
                "page_text": page_text,
                "labels": labels,
                "newer": language_page(key, page - 1) if page > 1 else None,
                "older": language_page(key, page + 1) if page < pages else None,
                "entries": [
                    {
                        "e": e,
                        "pdf_size": human_size(e.pdf_bytes, labels),
                        "epub_size": human_size(e.epub_bytes, labels),
                    }
                    for e in shown
                ],
            }
        )
    faces = "".join(
        f'@font-face {{ font-family: "{FAMILY["display"]}"; '
        f'src: url("{FONTS_DIR}/{catalog_font(f.path)}") format("woff2"); '
        f"font-weight: {f.weight}; }}\n"
        for f in styles.fonts
        if f.role == "display"
    )
    first = languages[only] if only else next(iter(languages.values()))
    return styles.templates.get_template("catalog.html.j2").render(
        site=site,
        masthead=_masthead(site, styles),
        lang=first.code,
        page_title=sections[0]["page_text"] if only and sections else "",
        total=len(entries),
        sections=sections,
        css=Markup(faces + styles.catalog_css),
        opds=OPDS,
        atom=ATOM,
        opds_type=OPDS_ACQUISITION,
    )


# ---- writing ------------------------------------------------------------------------------


def catalog_files(ws: Workspace, entries: list[CatalogEntry]) -> dict[Path, bytes]:
    """The catalog's files (``index.html`` and the languages' further pages, the pages of
    ``opds.xml`` and ``feed.xml``, and the fonts the pages use) and their content, made
    from ``entries``."""
    out = ws.output_dir
    styles = load_styles(ws.root, ws.settings.edition)
    # The newest approval, not the clock: an unchanged catalog is byte-identical.
    updated = max((e.updated for e in entries), default=EPOCH)
    site = ws.settings.site
    languages = ws.settings.languages
    from azad.feeds import feed_page, render_atom, render_opds  # (feeds import this module)

    files = {out / INDEX: render_index(entries, site, languages, styles).encode()}
    for key in languages:
        count = sum(1 for e in entries if e.lang_key == key)
        for page in range(2, _pages(count, PAGE_SIZE) + 1):
            html = render_index(entries, site, languages, styles, only=key, page=page)
            files[out / language_page(key, page)] = html.encode()
    for name, pages in ((OPDS, render_opds(entries, site, updated)),
                        (ATOM, render_atom(entries, site, updated))):  # fmt: skip
        for n, data in enumerate(pages, 1):
            files[out / feed_page(name, n)] = data
    for font in styles.fonts:
        if font.role == "display":
            data = subset_font(font.path, CATALOG_CHARS, "woff2")
            files[out / FONTS_DIR / catalog_font(font.path)] = data
    return files


def catalog_font(path: Path) -> str:
    """``Vazirmatn-Bold.ttf`` → ``Vazirmatn-Bold.woff2``."""
    return f"{path.stem}.woff2"


def _stale_pages(ws: Workspace, current: Mapping[Path, bytes]) -> list[Path]:
    """Pages of an earlier, longer catalog that the current one no longer has."""
    out = ws.output_dir
    patterns = [f"{key}-*.html" for key in ws.settings.languages] + ["opds-*.xml", "feed-*.xml"]
    return [p for pattern in patterns for p in out.glob(pattern) if p not in current]


def write_catalog(ws: Workspace) -> list[Path]:
    """Regenerate the catalog from the editions' manifests; atomic, serialised by a lock."""
    out = ws.output_dir
    out.mkdir(parents=True, exist_ok=True)
    with FileLock(str(out / LOCK)):
        files = catalog_files(ws, load_entries(ws))
        for path, data in files.items():
            if not (path.is_file() and path.read_bytes() == data):
                atomic_write_bytes(path, data)
        for stale in _stale_pages(ws, files):
            stale.unlink(missing_ok=True)
    return list(files)


def public_file(ws: Workspace, request_path: str) -> Path | None:
    """The file of ``output/`` that ``request_path`` (relative, as in ``/editions/<path>``)
    names, or None: only catalog files, editions and fonts, never a path outside
    ``output/``, a hidden file, a draft or a manifest.  ``""`` is the index."""
    parts = [p for p in request_path.split("/") if p]
    if not parts:
        parts = [INDEX]
    if any(p.startswith(".") or "\\" in p for p in parts) or parts[0] == "drafts":
        return None
    path = (ws.output_dir / Path(*parts)).resolve()
    root = ws.output_dir.resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    if path.suffix not in MEDIA_TYPES or path.suffix == ".json":
        return None
    return path


def media_type(path: Path) -> str:
    """The media type to serve ``path`` of ``output/`` with (``opds-2.xml`` is a page of
    ``opds.xml``)."""
    if path.suffix == ".xml" and path.parent.name != "drafts":
        first_page = f"{path.stem.split('-')[0]}.xml"
        if first_page in FEED_TYPES:
            return FEED_TYPES[first_page]
    return MEDIA_TYPES.get(path.suffix, "application/octet-stream")
