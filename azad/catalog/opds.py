"""The OPDS 1.2 catalog for e-reader apps: a navigation feed over paged acquisition feeds.

``opds-catalog.xml`` (the catalog root, a navigation feed) offers the newest editions of
every language (``opds.xml``, ``http://opds-spec.org/sort/new``: the acquisition feed the
catalog always had, so e-readers subscribed to it keep their feed), each language's editions
(``opds-dari.xml`` …) and the authors (``opds-authors.xml``, a navigation feed whose entries
lead to each author's editions, ``opds-author-<hash>.xml``).  Every acquisition feed is
paged (RFC 5005, :func:`azad.catalog.feeds.render_opds`) and links back to the root
(``start``, ``up``) and to the search: ``opensearch.xml`` describes it (OpenSearch 1.1), and
the review app answers ``/editions/search?q=…`` with an acquisition feed of the editions
whose title, author or summary holds the words (:func:`search_feed`).  Entries carry the
edition's first paragraph, in its language, as their summary, and the cover.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from azad.catalog.entries import (
    OPDS,
    OPDS_ACQUISITION,
    OPDS_NAVIGATION,
    OPENSEARCH,
    OPENSEARCH_TYPE,
    CatalogEntry,
)
from azad.catalog.feeds import _atom, _feed_id, _iso, _sub, _xml, render_opds
from azad.settings import Language, SiteProfile

ROOT = "opds-catalog.xml"
NEW = OPDS
AUTHORS = "opds-authors.xml"
SEARCH = "search?q={searchTerms}"
SORT_NEW = "http://opds-spec.org/sort/new"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"


def language_feed(key: str) -> str:
    return f"opds-{key}.xml"


def author_feed(author: str) -> str:
    """The file of ``author``'s acquisition feed (a manifest may hold any code point: a
    lone surrogate is hashed as it is, never raised on)."""
    digest = hashlib.sha256(author.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"opds-author-{digest}.xml"


def _navigation(
    site: SiteProfile,
    name: str,
    title: str,
    updated: dt.datetime,
    items: Sequence[tuple[str, str, str, str, str]],
) -> bytes:
    """A navigation feed: ``items`` are (feed file, title, summary, rel, lang)."""
    feed = ET.Element(_atom("feed"))
    _sub(feed, _atom("id"), _feed_id(site, name))
    _sub(feed, _atom("title"), title)
    _sub(feed, _atom("updated"), _iso(updated))
    author = _sub(feed, _atom("author"))
    _sub(author, _atom("name"), site.name)
    _sub(author, _atom("uri"), f"https://{site.web}/")
    _sub(feed, _atom("link"), rel="self", href=name, type=OPDS_NAVIGATION)
    _sub(feed, _atom("link"), rel="start", href=ROOT, type=OPDS_NAVIGATION)
    if name != ROOT:
        _sub(feed, _atom("link"), rel="up", href=ROOT, type=OPDS_NAVIGATION)
    _sub(feed, _atom("link"), rel="search", href=OPENSEARCH, type=OPENSEARCH_TYPE)
    for href, item_title, summary, rel, lang in items:
        entry = _sub(feed, _atom("entry"))
        _sub(entry, _atom("id"), _feed_id(site, href))
        _sub(entry, _atom("title"), item_title)
        _sub(entry, _atom("updated"), _iso(updated))
        kind = OPDS_NAVIGATION if href == AUTHORS else OPDS_ACQUISITION
        _sub(entry, _atom("link"), rel=rel, href=href, type=kind)
        content = _sub(entry, _atom("content"), summary, type="text")
        if lang:
            content.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    return _xml(feed)


def render_catalog(
    entries: Sequence[CatalogEntry],
    site: SiteProfile,
    languages: Mapping[str, Language],
    labels: Mapping[str, Mapping[str, str]],
    updated: dt.datetime,
) -> dict[str, bytes]:
    """Every file of the OPDS catalog: file name (in ``output/``) → bytes."""
    files: dict[str, bytes] = {}

    def acquisition(name: str, chunk: Sequence[CatalogEntry], title: str) -> None:
        pages = render_opds(chunk, site, updated, name=name, title=title, up=ROOT)
        for n, data in enumerate(pages, 1):
            files[name if n == 1 else name.replace(".xml", f"-{n}.xml")] = data

    newest = "Newest editions · تازه‌ترین نشرات"
    acquisition(NEW, entries, newest)
    items = [(NEW, newest, f"{len(entries)}", SORT_NEW, "")]
    for key, language in languages.items():
        mine = [e for e in entries if e.lang_key == key]
        title = labels.get(language.code, {}).get("catalog_title", key)
        acquisition(language_feed(key), mine, title)
        items.append((language_feed(key), title, f"{len(mine)}", "subsection", language.code))
    authors: dict[str, list[CatalogEntry]] = {}
    for e in entries:
        if e.author:
            authors.setdefault(e.author, []).append(e)
    author_items = []
    for name, theirs in sorted(authors.items()):
        acquisition(author_feed(name), theirs, name)
        lang = theirs[0].lang
        author_items.append((author_feed(name), name, f"{len(theirs)}", "subsection", lang))
    files[AUTHORS] = _navigation(site, AUTHORS, "Authors · نویسندگان", updated, author_items)
    items.append((AUTHORS, "Authors · نویسندگان", f"{len(authors)}", "subsection", ""))
    files[ROOT] = _navigation(site, ROOT, site.name, updated, items)
    files[OPENSEARCH] = opensearch_description(site)
    return files


def opensearch_description(site: SiteProfile) -> bytes:
    """The OpenSearch 1.1 description of the catalog's search (relative template: the
    review app serves it beside the feeds, at ``/editions/search``)."""
    ET.register_namespace("", OPENSEARCH_NS)
    root = ET.Element(f"{{{OPENSEARCH_NS}}}OpenSearchDescription")
    ET.SubElement(root, f"{{{OPENSEARCH_NS}}}ShortName").text = "Azad editions"
    ET.SubElement(
        root, f"{{{OPENSEARCH_NS}}}Description"
    ).text = f"Search the Dari and Pashto editions of {site.name}"
    ET.SubElement(root, f"{{{OPENSEARCH_NS}}}InputEncoding").text = "UTF-8"
    ET.SubElement(root, f"{{{OPENSEARCH_NS}}}OutputEncoding").text = "UTF-8"
    ET.SubElement(root, f"{{{OPENSEARCH_NS}}}Url", type=OPDS_ACQUISITION, template=SEARCH)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def search_feed(
    entries: Sequence[CatalogEntry], site: SiteProfile, query: str, updated: dt.datetime
) -> bytes:
    """An acquisition feed of the editions whose title, author, summary or English title
    holds every word of ``query`` (case-folded); at most one page."""
    words = query.casefold().split()
    found = [
        e
        for e in entries
        if words
        and all(
            w in f"{e.title} {e.author} {e.summary} {e.original_title}".casefold() for w in words
        )
    ]
    pages = render_opds(found[:100], site, updated, name="search", title=query, up=ROOT)
    return pages[0]
