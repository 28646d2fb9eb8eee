"""``azad run`` and ``azad flows``: the pipeline through Prefect.

Without ``PREFECT_API_URL`` Prefect runs flows against an ephemeral local API: no server
to start. Its home (database, cached task results) is then the workspace's ``.prefect/``
unless ``PREFECT_HOME`` says otherwise, so workspaces do not share caches.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from azad.cli_context import State, console, err_console
from azad.errors import InputError
from azad.ingest import expand_folders
from azad.pending import translation_work
from azad.readers import READERS
from azad.workspace import Workspace

_SUPPORTED = ", ".join(sorted(READERS))

flows_app = typer.Typer(help="Serve the pipeline's Prefect flows.", no_args_is_help=True)


def prepare_prefect(ws: Workspace) -> None:
    """Environment for Prefect, set before it is imported."""
    if not os.environ.get("PREFECT_API_URL"):
        os.environ.setdefault("PREFECT_HOME", str(ws.root / ".prefect"))
    # The ephemeral server's start-up and shutdown chatter is not for the user.
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    # Flow and task run logs say what is happening; the temporary server's start and stop
    # messages and its background services' errors do not concern the user.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    # A busy machine (CI, two cores) can take longer than Prefect's default 20 s.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The ephemeral server's telemetry task trips over its own SQLite lock now and then.
    logging.getLogger("docket").setLevel(logging.CRITICAL)


def run_translate(ws: Workspace, paths: list[Path] | None) -> None:
    if paths:
        for path in paths:
            if path.is_dir() and not expand_folders([path]):
                raise InputError(path, "no supported files in this folder (" + _SUPPORTED + ")")
        paths = expand_folders(paths)
    # Prefect's temporary API takes seconds to start: not for a run with nothing to do.
    work = translation_work(ws, paths)
    if work.empty:
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
        result = "cached" if o.cached else "ok" if o.ok else f"[red]{o.error}[/red]"
        table.add_row(o.name, str(o.segments), str(o.sent), f"{o.seconds:.1f}", result)
    console.print(table)
    console.print(f"{sum(o.sent for o in outcomes if o.ok)} segments sent to the model")
    failed = [o for o in outcomes if not o.ok]
    if failed:
        err_console.print(f"{len(failed)} failed: " + ", ".join(o.name for o in failed))
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
