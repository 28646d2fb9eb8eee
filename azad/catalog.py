"""The readers' catalog in ``output/``: ``index.html`` (right to left, a section per
language, newest first), ``opds.xml`` (an OPDS 1.2 acquisition feed for e-reader apps) and
``feed.xml`` (Atom).

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
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock
from markupsafe import Markup

from azad.fsutil import atomic_write_bytes
from azad.lang.digits import DECIMAL_SEPARATOR, to_eastern_digits
from azad.render.styles import FAMILY, Styles, load_styles
from azad.settings import Language, SiteProfile
from azad.text import xml_safe
from azad.workspace import Workspace

INDEX = "index.html"
OPDS = "opds.xml"
ATOM = "feed.xml"
FONTS_DIR = "fonts"
LOCK = ".catalog.lock"

MEDIA_TYPES: Mapping[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".epub": "application/epub+zip",
    ".png": "image/png",
    ".ttf": "font/ttf",
    ".xml": "application/xml",
    ".json": "application/json",
}
"""Media types of the files in ``output/`` (the feeds have their own, :data:`FEED_TYPES`)."""

OPDS_ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
FEED_TYPES: Mapping[str, str] = {OPDS: OPDS_ACQUISITION, ATOM: "application/atom+xml"}

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/terms/"
OPDS_NS = "http://opds-spec.org/2010/catalog"
ET.register_namespace("", ATOM_NS)
ET.register_namespace("dc", DC_NS)
ET.register_namespace("opds", OPDS_NS)


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
    entries.sort(key=lambda e: (e.published, e.article_date or ""), reverse=True)
    return entries


def _entry(path: Path, key: str) -> CatalogEntry | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        thumbnail = raw.get("thumbnail")
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
            original_url=raw.get("original_url"),
            pdf=f"{key}/{raw['pdf']['file']}",
            pdf_bytes=int(raw["pdf"]["bytes"]),
            epub=f"{key}/{raw['epub']['file']}",
            epub_bytes=int(raw["epub"]["bytes"]),
            thumbnail=f"{key}/{thumbnail}" if thumbnail else None,
            test_model=bool(raw.get("test_model")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def human_size(n: int, labels: Mapping[str, str]) -> str:
    """``1234567`` → ``۱٫۲ مگابایت``; under a megabyte in whole kilobytes."""
    if n >= 1_000_000:
        number = f"{n / 1_000_000:.1f}".replace(".", DECIMAL_SEPARATOR)
        return f"{to_eastern_digits(number)} {labels['megabytes']}"
    return f"{to_eastern_digits(str(max(1, round(n / 1000))))} {labels['kilobytes']}"


# ---- index.html ---------------------------------------------------------------------------


def render_index(
    entries: Sequence[CatalogEntry],
    site: SiteProfile,
    languages: Mapping[str, Language],
    styles: Styles,
) -> str:
    """The catalog page: one section per language, each in its language, newest first."""
    sections = []
    for key, language in languages.items():
        labels = styles.labels[language.code]
        sections.append(
            {
                "key": key,
                "lang": language.code,
                "heading": labels["catalog_title"],
                "labels": labels,
                "entries": [
                    {
                        "e": e,
                        "pdf_size": human_size(e.pdf_bytes, labels),
                        "epub_size": human_size(e.epub_bytes, labels),
                    }
                    for e in entries
                    if e.lang_key == key
                ],
            }
        )
    faces = "".join(
        f'@font-face {{ font-family: "{FAMILY["display"]}"; '
        f'src: url("{FONTS_DIR}/{f.path.name}"); font-weight: {f.weight}; }}\n'
        for f in styles.fonts
        if f.role == "display"
    )
    first = next(iter(languages.values()))
    return styles.templates.get_template("catalog.html.j2").render(
        site=site,
        lang=first.code,
        sections=sections,
        css=Markup(faces + styles.catalog_css),
        opds=OPDS,
        atom=ATOM,
        opds_type=OPDS_ACQUISITION,
    )


# ---- the feeds ----------------------------------------------------------------------------


def _atom(tag: str) -> str:
    return f"{{{ATOM_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    # ElementTree writes any character; one XML 1.0 forbids (a control character in an
    # old source.json) would make the feed ill-formed for every edition in it.
    element = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrib.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _feed_head(
    site: SiteProfile, title: str, feed_id: str, updated: dt.datetime, self_href: str, kind: str
) -> ET.Element:
    feed = ET.Element(_atom("feed"))
    _sub(feed, _atom("id"), feed_id)
    _sub(feed, _atom("title"), title)
    _sub(feed, _atom("updated"), _iso(updated))
    author = _sub(feed, _atom("author"))
    _sub(author, _atom("name"), site.name)
    _sub(author, _atom("uri"), f"https://{site.web}/")
    _sub(feed, _atom("link"), rel="self", href=self_href, type=kind)
    return feed


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _entry_head(feed: ET.Element, e: CatalogEntry) -> ET.Element:
    entry = _sub(feed, _atom("entry"))
    _sub(entry, _atom("id"), e.id)
    _sub(entry, _atom("title"), e.title)
    _sub(entry, _atom("updated"), _iso(e.published))
    if e.author:
        author = _sub(entry, _atom("author"))
        _sub(author, _atom("name"), e.author)
    _sub(entry, f"{{{DC_NS}}}language", e.lang)
    if e.article_date:
        _sub(entry, f"{{{DC_NS}}}issued", e.article_date)
    summary = e.date
    if e.original_title:
        summary = f"{summary} — {e.original_title}" if summary else e.original_title
    _sub(entry, _atom("summary"), summary, type="text")
    return entry


def render_opds(entries: Sequence[CatalogEntry], site: SiteProfile, updated: dt.datetime) -> bytes:
    """An OPDS 1.2 acquisition feed: every edition with its EPUB and PDF as open-access
    acquisition links and its thumbnail."""
    feed = _feed_head(site, site.name, _feed_id(site, OPDS), updated, OPDS, OPDS_ACQUISITION)
    _sub(feed, _atom("link"), rel="start", href=OPDS, type=OPDS_ACQUISITION)
    for e in entries:
        entry = _entry_head(feed, e)
        acquire = "http://opds-spec.org/acquisition/open-access"
        _sub(entry, _atom("link"), rel=acquire, href=e.epub, type=MEDIA_TYPES[".epub"])
        _sub(entry, _atom("link"), rel=acquire, href=e.pdf, type=MEDIA_TYPES[".pdf"])
        if e.thumbnail:
            for rel in ("http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"):
                _sub(entry, _atom("link"), rel=rel, href=e.thumbnail, type=MEDIA_TYPES[".png"])
    return _xml(feed)


def render_atom(entries: Sequence[CatalogEntry], site: SiteProfile, updated: dt.datetime) -> bytes:
    """An Atom feed of the editions: each links to its PDF, with the EPUB as enclosure."""
    feed = _feed_head(site, site.name, _feed_id(site, ATOM), updated, ATOM, FEED_TYPES[ATOM])
    _sub(feed, _atom("link"), rel="alternate", href=INDEX, type="text/html")
    for e in entries:
        entry = _entry_head(feed, e)
        _sub(entry, _atom("link"), rel="alternate", href=e.pdf, type=MEDIA_TYPES[".pdf"])
        _sub(
            entry,
            _atom("link"),
            rel="enclosure",
            href=e.epub,
            type=MEDIA_TYPES[".epub"],
            length=str(e.epub_bytes),
        )
    return _xml(feed)


def _feed_id(site: SiteProfile, name: str) -> str:
    import uuid

    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'https://{site.web}/editions/{name}')}"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# ---- writing ------------------------------------------------------------------------------


def catalog_files(ws: Workspace, entries: list[CatalogEntry]) -> dict[Path, bytes]:
    """The catalog's files (``index.html``, ``opds.xml``, ``feed.xml`` and the fonts the
    page uses) and their content, made from ``entries``."""
    out = ws.output_dir
    styles = load_styles(ws.root, ws.settings.edition)
    updated = max((e.published for e in entries), default=dt.datetime.now(dt.UTC))
    site = ws.settings.site
    files = {
        out / INDEX: render_index(entries, site, ws.settings.languages, styles).encode(),
        out / OPDS: render_opds(entries, site, updated),
        out / ATOM: render_atom(entries, site, updated),
    }
    for font in styles.fonts:
        if font.role == "display":
            files[out / FONTS_DIR / font.path.name] = font.path.read_bytes()
    return files


def write_catalog(ws: Workspace) -> list[Path]:
    """Regenerate the catalog from the editions' manifests; atomic, serialised by a lock."""
    out = ws.output_dir
    out.mkdir(parents=True, exist_ok=True)
    with FileLock(str(out / LOCK)):
        files = catalog_files(ws, load_entries(ws))
        for path, data in files.items():
            if not (path.is_file() and path.read_bytes() == data):
                atomic_write_bytes(path, data)
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
    """The media type to serve ``path`` of ``output/`` with."""
    return FEED_TYPES.get(path.name, MEDIA_TYPES.get(path.suffix, "application/octet-stream"))
