"""The readers' catalog in ``output/``: ``index.html`` (right to left, the site's masthead
with the verse, a section per language with its count and newest editions), older editions
on pages of their own (``<lang>-2.html`` …), ``opds.xml`` (an OPDS 1.2 acquisition feed for
e-reader apps) and ``feed.xml`` (Atom), both paged (RFC 5005: ``opds-2.xml`` … with
``next``/``previous``/``first``/``last`` links, written by :mod:`azad.catalog.feeds`), so that a
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
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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
OPDS_NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
OPENSEARCH = "opensearch.xml"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
FEED_TYPES: Mapping[str, str] = {OPDS: OPDS_ACQUISITION, ATOM: "application/atom+xml"}
NAVIGATION_FEEDS = frozenset({"opds-catalog.xml", "opds-authors.xml"})
"""The OPDS navigation feeds (:mod:`azad.catalog.opds`); every other ``opds-*.xml`` is an
acquisition feed."""


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
    summary: str = ""
    """The edition's first paragraph, in its language (feeds' summaries)."""

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
            summary=raw.get("summary") or "",
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
    if path.name == OPENSEARCH:
        return OPENSEARCH_TYPE
    if path.suffix == ".xml" and path.name.startswith("opds"):
        first = (
            path.name if path.name in NAVIGATION_FEEDS else re.sub(r"-\d+\.xml$", ".xml", path.name)
        )
        return OPDS_NAVIGATION if first in NAVIGATION_FEEDS else OPDS_ACQUISITION
    if path.suffix == ".xml" and path.parent.name != "drafts":
        first_page = f"{path.stem.split('-')[0]}.xml"
        if first_page in FEED_TYPES:
            return FEED_TYPES[first_page]
    return MEDIA_TYPES.get(path.suffix, "application/octet-stream")
