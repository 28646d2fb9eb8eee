"""The catalog's feeds: ``opds.xml`` (an OPDS 1.2 acquisition feed for e-reader apps) and
``feed.xml`` (Atom), paged as RFC 5005 describes (``opds-2.xml`` … with ``first``,
``last``, ``previous`` and ``next`` links), made from the editions' manifests
(:class:`azad.catalog.CatalogEntry`).

Entries are dated by approval (:attr:`CatalogEntry.updated`), the feed by its newest entry:
republishing unchanged content announces nothing.  Every text and attribute passes
:func:`azad.text.xml_safe`, so one article with a control character in its title
cannot make the feeds unreadable for everyone.  ElementTree writes them (no templates:
the structure is fixed and the library escapes).
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from azad.catalog.entries import (
    ATOM,
    FEED_PAGE_SIZE,
    FEED_TYPES,
    INDEX,
    MEDIA_TYPES,
    OPDS,
    OPDS_ACQUISITION,
    OPDS_NAVIGATION,
    OPENSEARCH,
    OPENSEARCH_TYPE,
    CatalogEntry,
)
from azad.settings import SiteProfile
from azad.text import xml_safe

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/terms/"
OPDS_NS = "http://opds-spec.org/2010/catalog"
_PREFIXES = {"": ATOM_NS, "dc": DC_NS, "opds": OPDS_NS}


def _atom(tag: str) -> str:
    return f"{{{ATOM_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    # xml_safe: one title with a control character must not make the feed unreadable.
    element = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrib.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def feed_page(name: str, page: int) -> str:
    """Page ``page`` (1-based) of the feed ``name``: ``opds.xml``, ``opds-2.xml`` …"""
    stem, _, suffix = name.rpartition(".")
    return name if page == 1 else f"{stem}-{page}.{suffix}"


def _feed_head(
    site: SiteProfile,
    name: str,
    updated: dt.datetime,
    kind: str,
    page: int,
    pages: int,
    title: str = "",
) -> ET.Element:
    """The head of page ``page`` of ``pages`` of the feed ``name``, with RFC 5005's paging
    links (first, last, previous, next)."""
    feed = ET.Element(_atom("feed"))
    _sub(feed, _atom("id"), _feed_id(site, feed_page(name, page)))
    _sub(feed, _atom("title"), title or site.name)
    _sub(feed, _atom("updated"), _iso(updated))
    author = _sub(feed, _atom("author"))
    _sub(author, _atom("name"), site.name)
    _sub(author, _atom("uri"), f"https://{site.web}/")
    _sub(feed, _atom("link"), rel="self", href=feed_page(name, page), type=kind)
    if pages > 1:
        _sub(feed, _atom("link"), rel="first", href=feed_page(name, 1), type=kind)
        _sub(feed, _atom("link"), rel="last", href=feed_page(name, pages), type=kind)
    if page > 1:
        _sub(feed, _atom("link"), rel="previous", href=feed_page(name, page - 1), type=kind)
    if page < pages:
        _sub(feed, _atom("link"), rel="next", href=feed_page(name, page + 1), type=kind)
    return feed


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _entry_head(feed: ET.Element, e: CatalogEntry) -> ET.Element:
    entry = _sub(feed, _atom("entry"))
    _sub(entry, _atom("id"), e.id)
    _sub(entry, _atom("title"), e.title)
    _sub(entry, _atom("updated"), _iso(e.updated))
    if e.author:
        author = _sub(entry, _atom("author"))
        _sub(author, _atom("name"), e.author)
    _sub(entry, f"{{{DC_NS}}}language", e.lang)
    if e.article_date:
        _sub(entry, f"{{{DC_NS}}}issued", e.article_date)
    if e.summary:
        # The first paragraph, in the edition's language.
        summary = _sub(entry, _atom("summary"), e.summary, type="text")
        summary.set("{http://www.w3.org/XML/1998/namespace}lang", e.lang)
    else:  # a manifest from before summaries
        text = e.date
        if e.original_title:
            text = f"{text} — {e.original_title}" if text else e.original_title
        _sub(entry, _atom("summary"), text, type="text")
    if e.html:
        _sub(entry, _atom("link"), rel="alternate", href=e.html, type="text/html")
    if e.original_url:
        _sub(entry, _atom("link"), rel="related", href=e.original_url, type="text/html")
    return entry


def _paged(entries: Sequence[CatalogEntry]) -> list[Sequence[CatalogEntry]]:
    size = FEED_PAGE_SIZE
    return [entries[i : i + size] for i in range(0, len(entries), size)] or [[]]


def render_opds(
    entries: Sequence[CatalogEntry],
    site: SiteProfile,
    updated: dt.datetime,
    *,
    name: str = OPDS,
    title: str = "",
    up: str | None = None,
) -> list[bytes]:
    """An OPDS 1.2 acquisition feed ``name``, page by page: every edition with its EPUB and
    PDF as open-access acquisition links, its reading edition, its cover and thumbnail;
    ``up``: the navigation feed above it (the catalog root, also its ``start``)."""
    pages = _paged(entries)
    out = []
    for n, chunk in enumerate(pages, 1):
        feed = _feed_head(site, name, updated, OPDS_ACQUISITION, n, len(pages), title)
        start_kind = OPDS_NAVIGATION if up else OPDS_ACQUISITION
        _sub(feed, _atom("link"), rel="start", href=up or OPDS, type=start_kind)
        if up:
            _sub(feed, _atom("link"), rel="up", href=up, type=OPDS_NAVIGATION)
            _sub(feed, _atom("link"), rel="search", href=OPENSEARCH, type=OPENSEARCH_TYPE)
        for e in chunk:
            entry = _entry_head(feed, e)
            acquire = "http://opds-spec.org/acquisition/open-access"
            _sub(entry, _atom("link"), rel=acquire, href=e.epub, type=MEDIA_TYPES[".epub"])
            _sub(entry, _atom("link"), rel=acquire, href=e.pdf, type=MEDIA_TYPES[".pdf"])
            if e.thumbnail:
                for rel in ("http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"):
                    _sub(entry, _atom("link"), rel=rel, href=e.thumbnail, type=MEDIA_TYPES[".png"])
        out.append(_xml(feed))
    return out


def render_atom(
    entries: Sequence[CatalogEntry], site: SiteProfile, updated: dt.datetime
) -> list[bytes]:
    """An Atom feed of the editions, page by page: each links to its reading edition,
    with the PDF and the EPUB as enclosures."""
    pages = _paged(entries)
    out = []
    for n, chunk in enumerate(pages, 1):
        feed = _feed_head(site, ATOM, updated, FEED_TYPES[ATOM], n, len(pages))
        _sub(feed, _atom("link"), rel="alternate", href=INDEX, type="text/html")
        for e in chunk:
            entry = _entry_head(feed, e)
            if not e.html:
                _sub(entry, _atom("link"), rel="alternate", href=e.pdf, type=MEDIA_TYPES[".pdf"])
            for href, kind, size in (
                (e.pdf, MEDIA_TYPES[".pdf"], e.pdf_bytes),
                (e.epub, MEDIA_TYPES[".epub"], e.epub_bytes),
            ):
                _sub(entry, _atom("link"), rel="enclosure", href=href, type=kind, length=str(size))
        out.append(_xml(feed))
    return out


def _feed_id(site: SiteProfile, name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'https://{site.web}/editions/{name}')}"


def _xml(root: ET.Element) -> bytes:
    # ElementTree's prefixes are process-wide, and WeasyPrint registers its own ("" and
    # "dc", for PDF metadata) when it first writes a PDF: registered at import, ours were
    # lost in a process that rendered a PDF afterwards, and the feeds came out with other
    # bytes (ns0:, ns1:), so a republication looked like a change. Set them each time.
    for prefix, uri in _PREFIXES.items():
        ET.register_namespace(prefix, uri)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
