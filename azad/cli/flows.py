"""``azad run`` and ``azad flows``: the pipeline through Prefect.

Without ``PREFECT_API_URL`` Prefect runs flows against an ephemeral local API: no server
to start. Its home (database, cached task results) is then the workspace's ``.prefect/``
unless ``PREFECT_HOME`` says otherwise, so workspaces do not share caches.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from filelock import FileLock, Timeout
from rich.table import Table

from azad.cli.context import State, console, err_console
from azad.errors import InputError
from azad.prefect_env import prepare_prefect
from azad.readers import READERS
from azad.services.ingest import expand_folders
from azad.services.pending import translation_work
from azad.text import shown
from azad.workspace import Workspace

_SUPPORTED = ", ".join(sorted(READERS))

flows_app = typer.Typer(help="Serve the pipeline's Prefect flows.", no_args_is_help=True)


RUN_LOCK = ".azad/run.lock"


@contextlib.contextmanager
def workspace_lock(ws: Workspace, what: str) -> Iterator[None]:
    """One ``azad run`` or ``azad publish`` per workspace at a time. Two at once kept the
    data safe, but their temporary Prefect servers migrated one database together and
    printed each other's tracebacks; the second now waits, says so, and then finds what
    the first left to do."""
    path = ws.root / RUN_LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        err_console.print(
            f"another azad run or publish is working on {ws.root}; {what} waits for it…"
        )
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def run_translate(ws: Workspace, paths: list[Path] | None) -> None:
    if paths:
        for path in paths:
            if path.is_dir() and not expand_folders([path]):
                raise InputError(path, "no supported files in this folder (" + _SUPPORTED + ")")
        paths = expand_folders(paths)
    with workspace_lock(ws, "this run"):
        _run_translate(ws, paths)


def _run_translate(ws: Workspace, paths: list[Path] | None) -> None:
    # Prefect's temporary API takes seconds to start: not for a run with nothing to do.
    if translation_work(ws, paths).empty:
        console.print("nothing to do: no new or changed article, every translation up to date")
        return
    prepare_prefect(ws)
    from flows.pipeline import translate_articles

    with console.status("running translate_articles…"):
        outcomes = translate_articles(
            paths=[str(p.resolve()) for p in paths] if paths else None, workspace=str(ws.root)
        )
    table = Table("article (language)", "segments", "sent to model", "seconds", "result")
    for o in outcomes:
        result = "cached" if o.cached else "ok" if o.ok else f"[red]{shown(o.error)}[/red]"
        table.add_row(shown(o.name), str(o.segments), str(o.sent), f"{o.seconds:.1f}", result)
    console.print(table)
    console.print(f"{sum(o.sent for o in outcomes if o.ok)} segments sent to the model")
    failed = [o for o in outcomes if not o.ok]
    if failed:
        err_console.print(f"{len(failed)} failed: " + ", ".join(shown(o.name) for o in failed))
        raise typer.Exit(1)


def run(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="English files or folders of them; none: new or changed files in the "
            "workspace's articles/."
        ),
    ] = None,
) -> None:
    """Ingest and machine-translate articles through the translate_articles flow."""
    run_translate(State.workspace(), paths)


@flows_app.command()
def serve() -> None:
    """Serve translate_articles (also on a schedule polling articles/) and publish_editions
    as deployments, for the Prefect UI. Needs a Prefect server (PREFECT_API_URL)."""
    ws = State.workspace()
    prepare_prefect(ws)
    from flows.serve import serve_deployments

    serve_deployments(ws)
