"""Publishing: approved translations → PDF and EPUB editions in ``output/``, and the catalog.

The edges of the renderers: this module reads the Article, the PO file and the review
record, calls :mod:`azad.render`, and writes the files.

* Without ``draft`` only a translation an editor approved is published, from exactly the
  approved content: the translation and its article are read once
  (:meth:`azad.queue.store.Queue.snapshot`), their content revision is checked against the
  approval, and that same snapshot is rendered. One with drafts or empty units, or whose
  English changed since the approval, is refused with the reason.  A
  translation already published from the same content is left alone (``force`` renders it
  again, after a change of styles).
* ``draft`` renders whatever is there, stamped «پیش‌نویس» / «مسوده» on every page, into
  ``output/drafts/<lang>/``; drafts are not recorded and not in the catalog.
* Every file is rendered in memory first and then written atomically (temporary file and
  rename), so a failure or a kill while rendering leaves the previous edition
  byte-identical; the review record is updated only after all files and the catalog are
  in place, so an interrupted publish is simply published again.
* :func:`publish_many` renders several (slug, language) pairs in a process pool, one
  process per core, and regenerates the catalog once at the end.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import json
import multiprocessing
import os
import re
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from azad.errors import AzadError, disk_full, disk_full_message
from azad.fsutil import fsync_dir, stage_bytes
from azad.queue.articles import ArticleStore
from azad.queue.record import ReviewRecord, now
from azad.queue.status import record_published, status_of, translation_status
from azad.queue.store import Queue, Snapshot
from azad.queue.units import TranslationFile
from azad.render.edition import Credit, Edition, build_edition
from azad.render.epub import render_epub
from azad.render.html import ReadingEdition, render_reading
from azad.render.pdf import render_pdf
from azad.render.styles import Styles, load_styles
from azad.workspace import Workspace

DRAFTS_DIR = "drafts"
THUMBNAIL_DPI = 30
PDFTOPPM_TIMEOUT_S = 60
# Names a PO file's Last-Translator has before anyone set it (gettext's template).
_PLACEHOLDER_TRANSLATORS = frozenset({"", "FULL NAME", "FULL NAME <EMAIL@ADDRESS>"})

OutcomeStatus = Literal["published", "unchanged", "draft", "failed"]


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


@dataclass(frozen=True)
class PublishOutcome:
    slug: str
    lang_key: str
    status: OutcomeStatus
    files: list[Path] = field(default_factory=list)
    error: str = ""
    rev: str = ""
    """The content revision published (``published`` only)."""


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


# ---- reading the translation ------------------------------------------------------------


def translators_of(tf: TranslationFile, record: ReviewRecord) -> list[str]:
    """Who translated: the PO file's Last-Translator and whoever claimed the translation in
    the review queue, in that order; the approving editor when nobody else is known."""
    names: list[str] = []
    last = re.sub(r"\s*<[^>]*>\s*", "", tf.metadata.get("Last-Translator", "")).strip()
    if last not in _PLACEHOLDER_TRANSLATORS:
        names.append(last)
    names += [event.by for event in record.history if event.action == "claim"]
    if not names and record.approved is not None:
        names.append(record.approved.by)
    return list(dict.fromkeys(n for n in names if n))


def credit_of(
    tf: TranslationFile, record: ReviewRecord, translators: Sequence[str] | None
) -> Credit:
    """The credit line's facts: names (given, else from the PO file and review record),
    whether any unit started as a machine draft, whether that draft was the test model's."""
    live = tf.live
    return Credit(
        translators=tuple(translators if translators else translators_of(tf, record)),
        machine_draft=any(u.provenance.is_machine or u.provenance.draft for u in live),
        # The test model's words are printed unless every unit from it is known to have
        # been rewritten (a CAT tool that changes a text does not say what it was).
        test_model=any(
            u.provenance.test_model and (not u.provenance.draft or u.text == u.provenance.draft)
            for u in live
        ),
    )


# ---- rendering ------------------------------------------------------------------------


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
        credit=credit_of(snap.file, snap.record, translators),
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
    epub = render_epub(edition, styles, identifier=edition_id(snap.slug, language.code))
    reading = None if draft else render_reading(edition, styles, snap.slug)
    return RenderedEdition(edition, pdf, epub, snap.rev, reading)


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
    }
    if files.html is not None and rendered.reading is not None:
        entry["html"] = {"file": files.html.name, "bytes": len(rendered.reading.html)}
    return (json.dumps(entry, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _plain(text: str) -> str:
    return "".join(c for c in text if c not in "\u2066\u2067\u2068\u2069")


# ---- publishing -------------------------------------------------------------------------


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
        _write({files.pdf: rendered.pdf, files.epub: rendered.epub})
        return PublishOutcome(slug, key, "draft", [files.pdf, files.epub])

    status = status_of(snap)
    refusal = publish_refusal(status.status, status.unreviewed, status.total, status.in_sync)
    if refusal:
        raise AzadError(f"{slug} ({key}): {refusal}")
    if status.status == "published" and not force and _in_place(files):
        return PublishOutcome(slug, key, "unchanged", [files.pdf, files.epub])

    rendered = render_edition(ws, snap, translators=translators)
    assert files.thumbnail is not None and files.manifest is not None
    outputs = {
        files.pdf: rendered.pdf,
        files.epub: rendered.epub,
        files.thumbnail: thumbnail_png(rendered.pdf),
    }
    if files.html is not None and rendered.reading is not None:
        outputs[files.html] = rendered.reading.html
        outputs.update({files.html.parent / n: b for n, b in rendered.reading.fonts.items()})
    outputs[files.manifest] = manifest_json(snap, rendered, files)
    _write(outputs)
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
        from azad.catalog import write_catalog

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


def _write(outputs: dict[Path, bytes]) -> None:
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
        context.set_forkserver_preload(["azad.publish"])
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
    if status.status == "published" and _in_place(files):
        return PublishOutcome(slug, key, "unchanged", [files.pdf, files.epub])
    return None


def _in_place(files: EditionFiles) -> bool:
    """Every file of a published edition is there (an edition published before the HTML
    reading edition existed is published again, and gains it)."""
    paths = [files.pdf, files.epub, *([files.html] if files.html else [])]
    return all(p.is_file() for p in paths)


def pending(
    ws: Workspace,
    slugs: Sequence[str] | None = None,
    lang_keys: Sequence[str] | None = None,
    *,
    include_published: bool = False,
) -> list[tuple[str, str]]:
    """(slug, language key) of every approved translation not yet published from its
    current content (``include_published``: and those already published), among
    ``slugs`` and ``lang_keys`` (default: all)."""
    wanted = ("approved", "published") if include_published else ("approved",)
    store = ArticleStore(ws)
    names = [store.resolve(s) for s in slugs] if slugs else store.slugs()
    keys = [ws.language(k)[0] for k in lang_keys] if lang_keys else list(ws.settings.languages)
    out = []
    for slug in names:
        for key in keys:
            if not Queue(ws).has(slug, key):
                continue
            if translation_status(ws, slug, key).status in wanted:
                out.append((slug, key))
    return out


def draft_pairs(
    ws: Workspace, slugs: Sequence[str] | None = None, lang_keys: Sequence[str] | None = None
) -> list[tuple[str, str]]:
    """(slug, language key) of every translation there is, among ``slugs`` and
    ``lang_keys``: what a draft run renders."""
    store = ArticleStore(ws)
    names = [store.resolve(s) for s in slugs] if slugs else store.slugs()
    keys = [ws.language(k)[0] for k in lang_keys] if lang_keys else list(ws.settings.languages)
    return [(slug, key) for slug in names for key in keys if Queue(ws).has(slug, key)]


def select_pairs(
    ws: Workspace,
    slugs: Sequence[str] | None,
    lang_keys: Sequence[str] | None,
    *,
    draft: bool = False,
    force: bool = False,
) -> list[tuple[str, str]]:
    """What a publish run works on: the named articles in the named languages (each then
    published or refused on its own), or, with no names, every approved translation not yet
    published (``force``: and those published; ``draft``: every translation there is)."""
    store = ArticleStore(ws)
    keys = [ws.language(k)[0] for k in lang_keys] if lang_keys else list(ws.settings.languages)
    if slugs:
        return [(store.resolve(s), k) for s in slugs for k in keys]
    if draft:
        return draft_pairs(ws, lang_keys=keys)
    return pending(ws, lang_keys=keys, include_published=force)
