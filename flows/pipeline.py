"""Prefect flows: the pipeline's orchestration, and nothing else.

Each task is a thin call into ``azad``; the flows only decide what runs, in what order and
in parallel. Run them with ``azad run`` / ``azad publish`` (Prefect's ephemeral local API),
serve them with ``azad flows serve``, or deploy them with ``prefect deploy`` (prefect.yaml).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.context import TaskRunContext
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.task_runners import ThreadPoolTaskRunner

from azad.mt.select import select_model
from azad.publish import PublishOutcome, publish_many, select_pairs
from azad.publish.sync import SyncOutcome, sync_all
from azad.queue.articles import ArticleStore
from azad.queue.store import Queue
from azad.review import events
from azad.review.qa_results import check_translation
from azad.services.ingest import ingest_each, scan_files
from azad.services.summary import TaskOutcome, publish_summary, translation_summary
from azad.services.translate import translate_articles as translate_library
from azad.workspace import Workspace

MT_CONCURRENCY_LIMIT = "azad-mt"


def _workspace(root: str | None) -> Workspace:
    return Workspace.find(Path(root) if root else None)


def _translation_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """Same article revision, same model package, same PO file → nothing to do."""
    ws = _workspace(parameters["workspace"])
    slug, lang_key = parameters["slug"], parameters["lang_key"]
    article = ArticleStore(ws).load(slug).article
    model = select_model(ws, lang_key).model
    po_sha = Queue(ws).fingerprint(slug, lang_key)
    parts = [str(ws.root), slug, lang_key, article.meta.source_sha256, model.path.name, po_sha]
    # The key names a file in Prefect's result storage: a digest, not a path.
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@task(retries=2, retry_delay_seconds=1)
def ingest(workspace: str | None, paths: list[str] | None) -> dict[str, Any]:
    ws = _workspace(workspace)
    chosen = [Path(p) for p in paths] if paths is not None else None
    pending, failed_before = scan_files(ws, chosen)
    done, failed = ingest_each(ws, pending)
    failed += failed_before  # reported again, not read again
    return {"slugs": [o.slug for o in done], "failed": [str(e) for e in failed]}


@task(retries=2, retry_delay_seconds=1, cache_key_fn=_translation_cache_key, persist_result=True)
def translate(workspace: str | None, slug: str, lang_key: str) -> dict[str, Any]:
    ws = _workspace(workspace)
    start = time.perf_counter()
    (report,) = translate_library(ws, [slug], [lang_key])
    if report.written:
        # Checked once here, so the editor page of even a 20,000-segment article needs
        # no checks when a translator first opens it.
        check_translation(ws, slug, lang_key)
    return {
        "slug": slug,
        "lang": lang_key,
        "segments": report.total,
        "sent": report.sent,
        "written": report.written,
        "seconds": time.perf_counter() - start,
    }


# A flow run's process loads at most MT_WORKERS models (the two languages side by side)
# and holds that many slots of the azad-mt global concurrency limit while it translates,
# so all flow runs on all machines together never load more models than the limit allows.
# Holding the slots per flow run, not per task, matters: acquiring a slot costs about a
# second of API round trips (measured).
MT_WORKERS = 2
# Task threads: many article × language tasks in flight, so that while the model runs the
# next articles of each language queue up and go to it in one call (azad.mt.batching).
# They share the process's models: more threads load no more models. Measured
# (bench/flows.py --backlog 40, base test model): 32 threads 1.49x the raw CTranslate2
# floor, 96 threads 1.00x; memory grows ~20 MiB from 1 to 32 concurrent tasks (bench/mt.py).
TASK_THREADS = 96


@flow(
    name="translate_articles",
    log_prints=True,
    # Prefect's own annotations reject its ThreadPoolTaskRunner here (invariant generic).
    task_runner=ThreadPoolTaskRunner(max_workers=TASK_THREADS),  # type: ignore[arg-type]
)
def translate_articles(
    paths: list[str] | None = None, workspace: str | None = None
) -> list[TaskOutcome]:
    """Ingest new or changed English articles (``articles/`` or ``paths``) and machine-
    translate every ingested article into every configured language, one task per
    article × language, many in parallel sharing model calls."""
    logger = get_run_logger()
    ws = _workspace(workspace)
    limit = ensure_concurrency_limit(MT_CONCURRENCY_LIMIT, ws.settings.flows.mt_concurrency)
    # The slots are taken before the ingest task, not after it: right after a task ends,
    # the server is writing its states to SQLite, and the slot request met "database is
    # locked" (a 503 the client retries 2 s later) in 7 flow runs of 8; taken first, in
    # none (bench/slots.py: a run with nothing to translate, 2.47 s -> 1.10 s on average).
    with concurrency(MT_CONCURRENCY_LIMIT, occupy=min(MT_WORKERS, limit), strict=False):
        ingested = ingest(workspace, paths)
        outcomes = [
            TaskOutcome(name=e, ok=False, error="ingest failed") for e in ingested["failed"]
        ]
        slugs = ArticleStore(ws).slugs() if paths is None else ingested["slugs"]
        outcomes += _run_translations(workspace, ws, slugs, logger)
    create_markdown_artifact(
        translation_summary(outcomes),
        key="translation-summary",
        description="Articles translated in this run",
    )
    return outcomes


def _run_translations(
    workspace: str | None, ws: Workspace, slugs: list[str], logger: Any
) -> list[TaskOutcome]:
    outcomes: list[TaskOutcome] = []
    futures = [
        (slug, key, translate.submit(workspace, slug, key))
        for slug in slugs
        for key in ws.settings.languages
    ]
    for slug, key, future in futures:
        future.wait()
        state = future.state
        if state.is_completed():
            result = future.result()
            if state.name == "Cached":
                # Nothing ran: the article, the model and the PO file are as they were.
                result = {**result, "sent": 0, "seconds": 0.0}
            outcomes.append(
                TaskOutcome(
                    name=f"{slug} ({key})", ok=True, cached=state.name == "Cached", **_stats(result)
                )
            )
        else:
            logger.error("%s (%s) failed: %s", slug, key, state.message)
            outcomes.append(
                TaskOutcome(name=f"{slug} ({key})", ok=False, error=state.message or "failed")
            )
    return outcomes


def ensure_concurrency_limit(name: str, limit: int) -> int:
    """The global concurrency limit that bounds MT across flow runs: created with ``limit``
    slots if the server lacks it; returns the slots it has (an operator may have changed
    them with ``prefect gcl update``)."""
    with get_client(sync_client=True) as client:
        try:
            return int(client.read_global_concurrency_limit_by_name(name).limit)
        except ObjectNotFound:
            with contextlib.suppress(ObjectAlreadyExists):
                client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(name=name, limit=limit)
                )
            return int(client.read_global_concurrency_limit_by_name(name).limit)


def _stats(result: dict[str, Any]) -> dict[str, Any]:
    return {k: result[k] for k in ("segments", "sent", "seconds")}


@task(retries=1, retry_delay_seconds=1)
def pending_editions(
    workspace: str | None,
    slugs: list[str] | None,
    languages: list[str] | None,
    draft: bool,
    force: bool,
) -> list[tuple[str, str]]:
    return select_pairs(_workspace(workspace), slugs, languages, draft=draft, force=force)


@task(retries=1, retry_delay_seconds=1)
def publish(
    workspace: str | None,
    pairs: list[tuple[str, str]],
    draft: bool,
    translators: list[str] | None,
    force: bool,
    by: str,
) -> list[PublishOutcome]:
    # One task for the batch: publish_many renders in a process pool, one per core, which
    # threads in Prefect's task runner could not do (rendering holds the GIL).
    return publish_many(
        _workspace(workspace), pairs, draft=draft, translators=translators, force=force, by=by
    )


@task
def sync_destinations(workspace: str | None) -> list[SyncOutcome]:
    """Send the changed editions, then the feeds, then the catalog to every destination
    of ``[publish] destinations``; what fails stays recorded for the next run."""
    return sync_all(_workspace(workspace))


@flow(name="publish_editions", log_prints=True)
def publish_editions(
    slugs: list[str] | None = None,
    languages: list[str] | None = None,
    draft: bool = False,
    translators: list[str] | None = None,
    force: bool = False,
    by: str = "prefect",
    workspace: str | None = None,
) -> list[PublishOutcome]:
    """Render every approved, not yet published translation (or the ones named) as PDF and
    EPUB, regenerate the readers' catalog, and record links to the files. ``draft``:
    render whatever is there, stamped as a draft, into output/drafts/. Then every
    destination receives what changed (its outcome in the run's summary)."""
    ws = _workspace(workspace)
    pairs = pending_editions(workspace, slugs, languages, draft, force)
    outcomes = publish(workspace, pairs, draft, translators, force, by) if pairs else []
    for o in outcomes:
        if o.status == "published":  # recorded: tell its translators (never raises)
            events.published(ws, o.slug, o.lang_key, by)
    # After every publish (drafts stay in the newsroom): what changed goes to the site.
    synced = [] if draft else sync_destinations(workspace)
    for s in synced:
        print(f"destination {s.line()}")
    create_markdown_artifact(
        publish_summary(ws, outcomes, synced),
        key="publish-summary",
        description="Editions published",
    )
    return outcomes


@flow(name="pipeline", log_prints=True)
def pipeline(paths: list[str] | None = None, workspace: str | None = None) -> dict[str, Any]:
    """translate_articles, then publish_editions: what `make demo` runs."""
    translated = translate_articles(paths=paths, workspace=workspace)
    published = publish_editions(workspace=workspace)
    return {"translated": translated, "published": published}
