"""Publishing one translation or many: check, render, write all files or none, then the
catalog, then the record (see :mod:`azad.publish`)."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from azad.catalog.write import write_catalog
from azad.errors import AzadError, disk_full, disk_full_message
from azad.publish.files import edition_files, in_place, write_files
from azad.publish.rendering import manifest_json, render_edition, thumbnail_png
from azad.queue.articles import ArticleStore
from azad.queue.status import record_published, status_of, translation_status
from azad.queue.store import Queue
from azad.workspace import Workspace

OutcomeStatus = Literal["published", "unchanged", "draft", "failed"]


@dataclass(frozen=True)
class PublishOutcome:
    slug: str
    lang_key: str
    status: OutcomeStatus
    files: list[Path] = field(default_factory=list)
    error: str = ""
    rev: str = ""
    """The content revision published (``published`` only)."""


def publish_one(
    ws: Workspace,
    slug: str,
    lang_key: str,
    *,
    draft: bool = False,
    translators: Sequence[str] | None = None,
    by: str = "azad",
    force: bool = False,
    catalog: bool = True,
) -> PublishOutcome:
    """Publish (or, with ``draft``, render as a draft) one article × language.

    Raises :class:`AzadError` when the translation is not approved, naming the unreviewed
    segments.  ``catalog``: regenerate the catalog afterwards (:func:`publish_many` does it
    once for all)."""
    outcome = _publish_files(ws, slug, lang_key, draft=draft, translators=translators, force=force)
    if outcome.status == "published":
        _catalog_then_record(ws, [outcome], by, catalog=catalog)
    return outcome


def _publish_files(
    ws: Workspace,
    slug: str,
    lang_key: str,
    *,
    draft: bool,
    translators: Sequence[str] | None,
    force: bool,
) -> PublishOutcome:
    """:func:`publish_one` up to the files: rendered and written, not yet recorded."""
    key, _language = ws.language(lang_key)
    slug = ArticleStore(ws).resolve(slug)
    queue = Queue(ws)
    files = edition_files(ws, slug, key, draft=draft)
    if not queue.has(slug, key):
        raise AzadError(f"{slug}: no {key} translation yet (run 'azad translate {slug}')")
    # One read of the translation and its article: what is checked is what is rendered.
    snap = queue.snapshot(slug, key)
    if draft:
        rendered = render_edition(ws, snap, draft=True, translators=translators)
        write_files({files.pdf: rendered.pdf, files.epub: rendered.epub})
        return PublishOutcome(slug, key, "draft", [files.pdf, files.epub])

    status = status_of(snap)
    refusal = publish_refusal(status.status, status.unreviewed, status.total, status.in_sync)
    if refusal:
        raise AzadError(f"{slug} ({key}): {refusal}")
    if status.status == "published" and not force and in_place(files):
        return PublishOutcome(slug, key, "unchanged", [files.pdf, files.epub])

    rendered = render_edition(ws, snap, translators=translators)
    assert files.thumbnail is not None and files.manifest is not None
    outputs = {
        files.pdf: rendered.pdf,
        files.epub: rendered.epub,
        files.thumbnail: rendered.thumbnail or thumbnail_png(rendered.pdf),
    }
    if files.html is not None and rendered.reading is not None:
        outputs[files.html] = rendered.reading.html
        outputs.update({files.html.parent / n: b for n, b in rendered.reading.fonts.items()})
    outputs[files.manifest] = manifest_json(snap, rendered, files)
    write_files(outputs)
    written = [files.pdf, files.epub, *([files.html] if files.html else [])]
    return PublishOutcome(slug, key, "published", written, rev=rendered.rev)


def publish_refusal(status: str, unreviewed: Sequence[str], total: int, in_sync: bool) -> str:
    """Why a translation cannot be published as it stands, or "" if it can."""
    if status == "changed since approval":
        return (
            "changed since it was approved (the English article or a translation): an "
            "editor must approve it again; the edition published before stays in the catalog"
        )
    if not in_sync:
        return (
            "the English article changed since it was translated: run 'azad run' (or "
            "'azad translate') and review the changes"
        )
    if unreviewed:
        return (
            f"{len(unreviewed)} of {total} segments are not reviewed (drafts or empty): "
            f"{', '.join(unreviewed)}; publish with --draft to see a draft"
        )
    if status not in ("approved", "published"):
        return f"it is {status}: an editor must approve it first"
    return ""


def _catalog_then_record(
    ws: Workspace, outcomes: Sequence[PublishOutcome], by: str, *, catalog: bool
) -> None:
    """Regenerate the catalog (from the manifests, already in place), then record each
    publication in its review record.

    In this order so that a run killed in between leaves work for the next run: an
    edition not yet recorded is still "approved", so it is simply published again, and the
    catalog with it.  Recorded first, a kill before the catalog was written left a
    publication that the catalog did not list (or listed as it was before), and nothing
    pending that would ever regenerate it (found by the kill harness, tests/test_kill.py).
    """
    if catalog:
        write_catalog(ws)
    for o in outcomes:
        record_published(
            ws,
            o.slug,
            o.lang_key,
            by,
            rev=o.rev,
            files=[str(p.relative_to(ws.root)) for p in o.files],
        )


def _publish_in_worker(
    root: str,
    slug: str,
    lang_key: str,
    draft: bool,
    translators: tuple[str, ...] | None,
    force: bool,
) -> PublishOutcome:
    try:
        # Recorded by publish_many, after the catalog.
        return _publish_files(
            Workspace(Path(root)),
            slug,
            lang_key,
            draft=draft,
            translators=translators,
            force=force,
        )
    except AzadError as exc:
        return PublishOutcome(slug, lang_key, "failed", error=str(exc))
    except OSError as exc:
        if not disk_full(exc):
            raise
        # _write staged nothing or removed what it staged: the previous edition stands.
        message = f"{disk_full_message(exc)}; {slug} ({lang_key}) not published, nothing changed"
        return PublishOutcome(slug, lang_key, "failed", error=message)


def publish_many(
    ws: Workspace,
    pairs: Sequence[tuple[str, str]],
    *,
    draft: bool = False,
    translators: Sequence[str] | None = None,
    by: str = "azad",
    force: bool = False,
    workers: int | None = None,
) -> list[PublishOutcome]:
    """Publish every (slug, language key) pair; a pair that cannot be published is a
    ``failed`` outcome with its message, the others go ahead.  Several pairs are rendered
    in parallel, one process per core (``workers``); the catalog is regenerated once."""
    done: dict[tuple[str, str], PublishOutcome] = {}
    if not draft and not force:
        # Editions already published from the current content need no worker.
        for slug, key in pairs:
            if (outcome := _unchanged(ws, slug, key)) is not None:
                done[(slug, key)] = outcome
    todo = [pair for pair in pairs if pair not in done]
    args = [
        (str(ws.root), slug, key, draft, tuple(translators) if translators else None, force)
        for slug, key in todo
    ]
    n_workers = min(len(args), workers or os.cpu_count() or 1)
    if n_workers == 0:
        outcomes = []
    elif n_workers == 1:
        outcomes = [_publish_in_worker(*a) for a in args]
    else:
        # forkserver: workers are forked from a clean server process that has imported
        # the renderers once (not from this process, which may run threads, e.g. Prefect).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["azad.publish.run"])
        with concurrent.futures.ProcessPoolExecutor(n_workers, mp_context=context) as pool:
            outcomes = list(pool.map(_publish_in_worker, *zip(*args, strict=True)))
    done.update(zip(todo, outcomes, strict=True))
    outcomes = [done[pair] for pair in pairs]
    published = [o for o in outcomes if o.status == "published"]
    if not draft and published:
        _catalog_then_record(ws, published, by, catalog=True)
    return outcomes


def _unchanged(ws: Workspace, slug: str, lang_key: str) -> PublishOutcome | None:
    try:
        key = ws.language(lang_key)[0]
        slug = ArticleStore(ws).resolve(slug)
        status = translation_status(ws, slug, key)
    except AzadError:
        return None  # publish_one reports it
    files = edition_files(ws, slug, key)
    if status.status == "published" and in_place(files):
        return PublishOutcome(slug, key, "unchanged", [files.pdf, files.epub])
    return None
