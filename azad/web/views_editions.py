"""The readers' side: ``output/`` served read-only to anyone at ``/editions/``.

No session is looked at here: the catalog and the published editions are public, while
everything else in the app needs a login. What may be served is decided by
:func:`azad.catalog.entries.public_file` alone (catalog files, editions, thumbnails and fonts;
never a path outside ``output/``, a hidden file, a draft or a manifest), so a request path
never reaches the file system unchecked.

Files are streamed by Starlette's ``FileResponse`` (never read whole into memory; ``Range``
answered with 206, ``If-Range`` honoured).  Responses carry their media type
(:func:`azad.catalog.entries.media_type`), ``Content-Disposition: attachment`` with ``filename``
and ``filename*`` for PDF and EPUB, and validators (``ETag``, ``Last-Modified``) answered
with 304; every file is revalidated on each use (``no-cache``) because republishing replaces an
edition under the same URL, except the fonts, which do not change with the editions. The
catalog page is static HTML with inline ``<style>`` (its @font-face rules and stylesheet):
its CSP allows exactly those style elements (by hash), fonts and images of this site, and
no script at all (so the small HTML pages are read, for their hashes).  Before anything
is published the catalog is written (empty, saying so) rather than answering 404.
"""

from __future__ import annotations

import email.utils
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from azad.catalog.entries import (
    EPOCH,
    FONTS_DIR,
    INDEX,
    OPDS_ACQUISITION,
    load_entries,
    media_type,
    public_file,
)
from azad.catalog.opds import search_feed
from azad.catalog.write import write_catalog
from azad.web.security import inline_style_csp, workspace

PREFIX = "/editions/"
DOWNLOADS = frozenset({".pdf", ".epub"})
REVALIDATE = "public, no-cache"
FONT_CACHE = "public, max-age=86400"


def search(request: Request) -> Response:
    """The catalog's search (``opensearch.xml``'s template): an OPDS acquisition feed of
    the editions whose title, author or first paragraph holds every word of ``q``."""
    ws = workspace(request)
    query = request.query_params.get("q", "")[:200]
    entries = load_entries(ws)
    updated = max((e.updated for e in entries), default=EPOCH)
    body = search_feed(entries, ws.settings.site, query, updated)
    return Response(
        body,
        media_type=OPDS_ACQUISITION,
        headers={"Cache-Control": REVALIDATE, "Content-Security-Policy": "default-src 'none'"},
    )


def editions_root(request: Request) -> Response:
    # The catalog's links are relative: without the slash they would miss the folder.
    return RedirectResponse(PREFIX, status_code=308)


@dataclass(frozen=True)
class _File:
    stat: os.stat_result
    etag: str
    mtime: float


def _stat(path: Path) -> _File:
    # Inode, time and size: a publish renames a new file into place, which changes all of
    # them.  (FileResponse opens the path again to stream it; a publish in between serves
    # the new file, whole, under the old validator, which the next request corrects.)
    st = path.stat()
    etag = f'"{st.st_ino:x}-{st.st_mtime_ns:x}-{st.st_size:x}"'
    return _File(st, etag, st.st_mtime)


def _not_modified(request: Request, found: _File) -> bool:
    """RFC 9110 §13.1: If-None-Match decides when present; else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or found.etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            moment = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        # HTTP dates have whole seconds.
        return int(found.mtime) <= moment.timestamp()
    return False


def _download_name(ws_output: Path, path: Path) -> str:
    """``output/dari/salang.pdf`` → ``salang.dari.pdf``: the Dari and the Pashto edition
    of an article must not land under the same name in a reader's downloads."""
    rel = path.relative_to(ws_output)
    if len(rel.parts) == 2:
        return f"{path.stem}.{rel.parts[0]}{path.suffix}"
    return path.name


def attachment(name: str) -> str:
    """``Content-Disposition`` for a download: RFC 6266's ``filename*`` (UTF-8, any
    name), and a plain ``filename`` for old clients where the name is plain ASCII (a quote
    or a non-ASCII letter cannot go into the quoted form)."""
    quoted = quote(name)
    star = f"filename*=utf-8''{quoted}"
    if quoted == name:
        return f'attachment; filename="{name}"; {star}'
    return f"attachment; {star}"


def edition_file(request: Request) -> Response:
    ws = workspace(request)
    wanted: str = request.path_params["path"]
    # %00 in the URL arrives as a NUL byte, which no file name has and on which pathlib
    # raises ValueError (an HTTP 500 to anyone): not found, like any other such name.
    path = None if "\x00" in wanted else public_file(ws, wanted)
    if path is None and wanted.strip("/") in ("", INDEX) and not (ws.output_dir / INDEX).exists():
        # Nothing published yet: the catalog says so (per language), never a bare 404.
        write_catalog(ws)
        path = public_file(ws, wanted)
    if path is None:
        return Response("not found", status_code=404, media_type="text/plain")
    found = _stat(path)
    is_font = path.parent.name == FONTS_DIR and path.parent.parent == ws.output_dir.resolve()
    headers = {
        "etag": found.etag,
        "last-modified": email.utils.formatdate(found.mtime, usegmt=True),
        "cache-control": FONT_CACHE if is_font else REVALIDATE,
    }
    kind = media_type(path)
    is_html = kind.startswith("text/html")
    # Pages are small; their inline <style> elements are allowed by hash.
    page = path.read_text(encoding="utf-8", errors="replace") if is_html else ""
    headers["content-security-policy"] = inline_style_csp(page)
    if path.suffix in DOWNLOADS:
        headers["content-disposition"] = attachment(_download_name(ws.output_dir.resolve(), path))
    if _not_modified(request, found):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=kind, headers=headers, stat_result=found.stat)
