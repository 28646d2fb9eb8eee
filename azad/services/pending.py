"""What ``azad run`` would do, decided without Prefect.

Starting Prefect's temporary API costs seconds (measured in bench/noop.py), so the CLI
asks this module first and answers at once when there is nothing to do. The flow itself
still decides task by task (its cache key is finer: model package, PO contents); this is
only the cheap question "could anything happen?", and it errs towards yes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from azad.model import NOTE_ID
from azad.queue.articles import ArticleStore
from azad.queue.pofile import has_live_context
from azad.queue.store import Queue
from azad.services.ingest import pending_files
from azad.workspace import Workspace


@dataclass(frozen=True)
class PendingWork:
    files: list[Path]
    """English files new or changed since they were last ingested."""
    stale: list[tuple[str, str]]
    """(slug, language) whose PO file is missing, older than the stored article, or lacks
    the unit of the article's note about the author (a file from before notes were units)."""

    @property
    def empty(self) -> bool:
        return not self.files and not self.stale


def stale_translations(ws: Workspace) -> list[tuple[str, str]]:
    """Article × language pairs the translate flow would write: no PO file yet, or one
    last written before the article's current revision was stored, or one without the
    unit of the article's note about the author. File times, and the bytes only of
    articles with a note: a translator's save makes a PO file newer, never stale."""
    stale = []
    queue = Queue(ws)
    for slug in ArticleStore(ws).slugs():
        source = queue.source_path(slug)
        source_time = source.stat().st_mtime_ns
        has_note: bool | None = None  # read on first need
        for key in ws.settings.languages:
            po = queue.po_path(slug, key)
            try:
                if po.stat().st_mtime_ns >= source_time:
                    if has_note is None:
                        has_note = _has_note(source)
                    if not has_note or has_live_context(po.read_bytes(), NOTE_ID):
                        continue
            except FileNotFoundError:
                pass
            stale.append((slug, key))
    return stale


def _has_note(source: Path) -> bool:
    """Whether the stored article (``source.json``, written by ``Article.to_json``) has a
    note about the author; without parsing the JSON, which a run that finds nothing to do
    would pay for every article."""
    data = source.read_bytes()
    return b'"author_note": ' in data and b'"author_note": null' not in data


def translation_work(ws: Workspace, paths: list[Path] | None) -> PendingWork:
    """What the translate flow would work on for ``azad run [PATHS]``. With paths it
    translates only what it ingests from them (as the flow does); without, also every
    stored article whose translations are missing or out of date."""
    files = pending_files(ws, paths)
    return PendingWork(files=files, stale=stale_translations(ws) if paths is None else [])
