"""``azad publish``: approved translations → PDF and EPUB editions and the catalog.

The command runs the ``publish_editions`` Prefect flow (flows/pipeline.py), which calls
:func:`azad.publish.publish_many`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from azad.cli.context import State, console
from azad.cli.tables import Column, print_table
from azad.errors import AzadError, AzadErrors

if TYPE_CHECKING:
    from azad.publish import PublishOutcome
    from azad.workspace import Workspace


def publish(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Article slugs (or source file stems); none: every approved translation "
            "not yet published (with --draft: every article)."
        ),
    ] = None,
    lang: Annotated[str, typer.Option(help="dari, pashto, a code such as fa-AF, or all.")] = "all",
    draft: Annotated[
        bool,
        typer.Option(
            "--draft",
            help="Render whatever is there, stamped as a draft, into output/drafts/.",
        ),
    ] = False,
    translator: Annotated[
        list[str] | None,
        typer.Option(
            "--translator",
            help="Name for the credit line (repeat for several); default: the PO file's "
            "Last-Translator and whoever claimed it in the review queue.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Render again editions already published.")
    ] = False,
    by: Annotated[str, typer.Option(help="Who publishes (for the review record).")] = "azad",
    sync_only: Annotated[
        bool,
        typer.Option(
            "--sync-only",
            help="Publish nothing: send the destinations of [publish] destinations what a "
            "previous run left unsent.",
        ),
    ] = False,
) -> None:
    """Write the PDF and EPUB editions into output/<lang>/ and regenerate the catalog,
    through the publish_editions flow (Prefect's temporary local API, or the server in
    PREFECT_API_URL)."""
    from azad.cli.flows import workspace_lock
    from azad.publish import select_pairs
    from azad.publish.sync import pending_count

    ws = State.workspace()
    if sync_only:
        with workspace_lock(ws, "publishing"):
            _sync(ws)
        return
    keys = [ws.language(lang)[0]] if lang != "all" else None
    # Names and languages are checked here, so that a typo costs no flow run.
    pairs = select_pairs(ws, names, keys, draft=draft, force=force)
    if not pairs:
        console.print("nothing to publish: no approved translation waits")
        if not draft and any(pending_count(ws).values()):
            with workspace_lock(ws, "publishing"):
                _sync(ws)  # what an earlier run left unsent
        return
    with workspace_lock(ws, "publishing"):
        outcomes = _publish_flow(ws, names, keys, draft, translator, force, by)
    columns = [
        Column("article", "whole"),
        Column("lang"),
        Column("status"),
        # Each file on its own line, relative to the workspace, never cut.
        Column("files", "whole"),
    ]
    print_table(
        console,
        columns,
        [
            [o.slug, o.lang_key, o.status, "\n".join(_shown_path(ws, p) for p in o.files)]
            for o in outcomes
        ],
    )
    if not draft:
        _destinations_table(ws)
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        raise AzadErrors([o.error for o in failed])


def _shown_path(ws: Workspace, path: Path) -> str:
    try:
        return str(path.relative_to(ws.root))
    except ValueError:  # output/ configured outside the workspace
        return str(path)


def _sync(ws: Workspace) -> None:
    """Send every destination what is still to send; a refusal or failure is an error."""
    from azad.publish.sync import sync_all

    if not ws.settings.publish.destinations:
        raise AzadError(f"{ws.root / 'azad.toml'}: no [publish] destinations to send to")
    with console.status("sending to the destinations…"):
        outcomes = sync_all(ws)
    _destinations_table(ws)
    bad = [o for o in outcomes if o.status in ("failed", "refused")]
    if bad:
        raise AzadError("; ".join(o.line() for o in bad))


def _destinations_table(ws: Workspace) -> None:
    """Each destination's outcome, as the workspace records it, and what is left."""
    from azad.publish.sync import load_state, pending_count

    if not ws.settings.publish.destinations:
        return
    left = pending_count(ws)
    columns = [
        Column("destination"),
        Column("outcome", "wrap"),
        Column("still to send", justify="right"),
    ]
    rows = [
        [d.name, load_state(ws, d.name).last or "never sent", str(left[d.name])]
        for d in ws.settings.publish.destinations
    ]
    print_table(console, columns, rows)


def _publish_flow(
    ws: Workspace,
    names: list[str] | None,
    keys: list[str] | None,
    draft: bool,
    translator: list[str] | None,
    force: bool,
    by: str,
) -> list[PublishOutcome]:
    from azad.prefect_env import prepare_prefect

    prepare_prefect(ws)
    from flows.pipeline import publish_editions

    with console.status("rendering editions…"):
        outcomes: list[PublishOutcome] = publish_editions(
            slugs=names or None,
            languages=keys,
            draft=draft,
            translators=translator,
            force=force,
            by=by,
            workspace=str(ws.root),
        )
    return outcomes
