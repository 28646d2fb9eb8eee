"""Where an edition's files go, and writing them all or none."""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from azad.fsutil import fsync_dir, stage_bytes
from azad.workspace import Workspace

DRAFTS_DIR = "drafts"


@dataclass(frozen=True)
class EditionFiles:
    """Where one edition's files go."""

    pdf: Path
    epub: Path
    thumbnail: Path | None
    """First page as PNG, for the catalog; None for drafts."""
    manifest: Path | None
    """The edition's catalog entry (JSON); None for drafts."""
    html: Path | None = None
    """The HTML reading edition (its WOFF2 fonts beside it); None for drafts."""


def edition_id(slug: str, lang_code: str) -> str:
    """The edition's stable identifier (EPUB ``dc:identifier``, OPDS and Atom ids): the
    same for every republication of one article in one language."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'afgazad:{slug}:{lang_code}')}"


def edition_files(ws: Workspace, slug: str, lang_key: str, *, draft: bool = False) -> EditionFiles:
    if draft:
        folder = ws.output_dir / DRAFTS_DIR / lang_key
        return EditionFiles(folder / f"{slug}.pdf", folder / f"{slug}.epub", None, None)
    folder = ws.output_dir / lang_key
    return EditionFiles(
        pdf=folder / f"{slug}.pdf",
        epub=folder / f"{slug}.epub",
        thumbnail=folder / f"{slug}.png",
        manifest=folder / f"{slug}.json",
        html=folder / f"{slug}.html",
    )


def in_place(files: EditionFiles) -> bool:
    """Every file of a published edition is there (an edition published before the HTML
    reading edition existed is published again, and gains it)."""
    paths = [files.pdf, files.epub, *([files.html] if files.html else [])]
    return all(p.is_file() for p in paths)


def write_files(outputs: dict[Path, bytes]) -> None:
    """Write every file of an edition, all or (but for a kill between two renames) none.

    Everything is rendered before this is called.  All files are first staged as
    temporary files beside their targets (written and fsynced), then renamed over the
    targets one after the other: a failure while staging leaves every previous file as it
    was; the renames take microseconds.  The manifest is renamed last, so the catalog
    never lists an edition whose files are not in place.
    """
    # Temporary files a killed publish left behind go by fsutil's one rule (stage_bytes
    # removes those over an hour old): a younger one may be another publish's, at work.
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in outputs.items():
            staged.append((stage_bytes(path, data), path))
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _path in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    for folder in {path.parent for path in outputs}:
        fsync_dir(folder)
