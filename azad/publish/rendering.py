"""Rendering one translation as the queue read it (:class:`azad.queue.store.Snapshot`):
the edition, its PDF, EPUB and HTML reading edition, the thumbnail and the catalog
manifest, in memory (nothing is written here)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from azad.errors import AzadError
from azad.publish.credits import credit_of
from azad.publish.files import EditionFiles, edition_id
from azad.queue.record import now
from azad.queue.store import Snapshot
from azad.render.edition import Edition, build_edition
from azad.render.epub import render_epub
from azad.render.html import ReadingEdition, render_reading
from azad.render.pdf import render_pdf
from azad.render.styles import Styles, load_styles
from azad.workspace import Workspace

THUMBNAIL_DPI = 30
PDFTOPPM_TIMEOUT_S = 60


def edition_of(
    ws: Workspace,
    snap: Snapshot,
    *,
    draft: bool,
    include_drafts: bool,
    translators: Sequence[str] | None = None,
) -> tuple[Edition, Styles]:
    """The edition of one translation snapshot, with the workspace's site profile and
    styles: what publishing renders and the review app previews."""
    key, language = ws.language(snap.lang_key)
    styles = load_styles(ws.root, ws.settings.edition)
    edition = build_edition(
        snap.article,
        snap.file.texts(snap.article.units(), include_drafts=include_drafts),
        ws.settings.site,
        key,
        language,
        styles,
        credit=credit_of(snap.file, snap.record, translators, ws, language.code),
        authors=ws.settings.edition.authors,
        draft=draft,
    )
    return edition, styles


@dataclass(frozen=True)
class RenderedEdition:
    edition: Edition
    pdf: bytes
    epub: bytes
    rev: str
    reading: ReadingEdition | None = None
    """The HTML reading edition (not for drafts)."""
    thumbnail: bytes | None = None
    """The PDF's first page as PNG: the catalog's thumbnail and the EPUB's cover."""


def render_edition(
    ws: Workspace,
    snap: Snapshot,
    *,
    draft: bool = False,
    translators: Sequence[str] | None = None,
) -> RenderedEdition:
    """Render one translation snapshot (nothing is written)."""
    _key, language = ws.language(snap.lang_key)
    edition, styles = edition_of(
        ws, snap, draft=draft, include_drafts=draft, translators=translators
    )
    if not draft and snap.record.approved is not None:
        # The editions' modification date: the approval, so republishing is reproducible.
        edition = dataclasses.replace(edition, modified=snap.record.approved.at)
    pdf = render_pdf(edition, styles)
    # The catalog's thumbnail of the PDF's first page is the EPUB's cover too.
    thumbnail = thumbnail_png(pdf)
    epub = render_epub(
        edition,
        styles,
        identifier=edition_id(snap.slug, language.code),
        cover=thumbnail,
        font_cache=ws.cache_dir,
    )
    reading = None if draft else render_reading(edition, styles, snap.slug, font_cache=ws.cache_dir)
    return RenderedEdition(edition, pdf, epub, snap.rev, reading, thumbnail)


def thumbnail_png(pdf: bytes, dpi: int = THUMBNAIL_DPI) -> bytes:
    """The first page of ``pdf`` as a small PNG (poppler's pdftoppm)."""
    with tempfile.TemporaryDirectory(prefix="azad-thumb-") as tmp:
        src = Path(tmp) / "edition.pdf"
        src.write_bytes(pdf)
        try:
            options = ["-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile"]
            subprocess.run(
                ["pdftoppm", *options, str(src), str(Path(tmp) / "page")],
                check=True,
                capture_output=True,
                timeout=PDFTOPPM_TIMEOUT_S,
            )
        except FileNotFoundError:
            raise AzadError("pdftoppm not found: install poppler-utils") from None
        except subprocess.CalledProcessError as exc:
            raise AzadError(f"pdftoppm failed: {exc.stderr.decode(errors='replace')}") from None
        return (Path(tmp) / "page.png").read_bytes()


def manifest_json(snap: Snapshot, rendered: RenderedEdition, files: EditionFiles) -> bytes:
    """The edition's entry in the catalog: what the catalog, OPDS and Atom feeds show."""
    edition = rendered.edition
    article = snap.article
    slug, lang_key = snap.slug, snap.lang_key
    entry: dict[str, object] = {
        "slug": slug,
        "lang_key": lang_key,
        "lang": edition.lang,
        "id": edition_id(slug, edition.lang),
        "title": edition.plain_title,
        "author": edition.plain_author,
        "date": _plain(edition.date or ""),
        "article_date": article.meta.date.isoformat() if article.meta.date else None,
        "published": now().isoformat(),
        "original_title": article.meta.title,
        "original_url": article.meta.url,
        "test_model": any(s.lang == "en" for s in edition.stamps),
        "rev": rendered.rev,
        "pdf": {"file": files.pdf.name, "bytes": len(rendered.pdf)},
        "epub": {"file": files.epub.name, "bytes": len(rendered.epub)},
        "approved": edition.modified.isoformat() if edition.modified else None,
        "thumbnail": files.thumbnail.name if files.thumbnail else None,
        "summary": first_paragraph(edition),
    }
    if files.html is not None and rendered.reading is not None:
        entry["html"] = {"file": files.html.name, "bytes": len(rendered.reading.html)}
    return (json.dumps(entry, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def first_paragraph(edition: Edition) -> str:
    """The edition's first paragraph as plain text, in its language (the feeds' summary of
    the edition); "" without one."""
    for block in edition.blocks:
        if block.kind == "paragraph" and block.texts:
            return _plain(" ".join(t.text for t in block.texts))
    return ""


def _plain(text: str) -> str:
    return "".join(c for c in text if c not in "\u2066\u2067\u2068\u2069")
