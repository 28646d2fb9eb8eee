"""Writing the catalog: every page, feed and font regenerated from the editions' manifests,
under a lock, each file written atomically and only when its bytes change; pages of an
earlier, longer catalog removed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from filelock import FileLock

from azad.catalog.entries import (
    ATOM,
    EPOCH,
    FONTS_DIR,
    INDEX,
    LOCK,
    PAGE_SIZE,
    CatalogEntry,
    load_entries,
)
from azad.catalog.feeds import feed_page, render_atom
from azad.catalog.opds import render_catalog
from azad.catalog.pages import CATALOG_CHARS, catalog_font, language_page, page_count, render_index
from azad.fsutil import atomic_write_bytes
from azad.render.fonts import subset_font
from azad.render.styles import load_styles
from azad.workspace import Workspace


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
    files = {out / INDEX: render_index(entries, site, languages, styles).encode()}
    for key in languages:
        count = sum(1 for e in entries if e.lang_key == key)
        for page in range(2, page_count(count, PAGE_SIZE) + 1):
            html = render_index(entries, site, languages, styles, only=key, page=page)
            files[out / language_page(key, page)] = html.encode()
    for n, data in enumerate(render_atom(entries, site, updated), 1):
        files[out / feed_page(ATOM, n)] = data
    # OPDS: a navigation feed (opds.xml) over paged acquisition feeds, and the search.
    for name, data in render_catalog(entries, site, languages, styles.labels, updated).items():
        files[out / name] = data
    for font in styles.fonts:
        if font.role == "display":
            data = subset_font(font.path, CATALOG_CHARS, "woff2", cache_dir=ws.cache_dir)
            files[out / FONTS_DIR / catalog_font(font.path)] = data
    return files


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
