"""``azad backup`` and ``azad restore``: one consistent archive of a live workspace, and a
workspace made from one (docs/backup.md)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from azad.cli.context import State, console
from azad.errors import AzadError


def backup(
    dest: Annotated[
        Path | None,
        typer.Argument(
            help="Archive to write (….tar.gz) or a folder for it; default: \\[backup] "
            "destination in azad.toml, keeping the newest \\[backup] keep archives there.",
            show_default=False,
        ),
    ] = None,
    verify: Annotated[
        Path | None,
        typer.Option(
            "--verify",
            help="Check this archive instead (every file against its manifest, the "
            "database's integrity); writes nothing.",
            show_default=False,
        ),
    ] = None,
    with_models: Annotated[
        bool | None,
        typer.Option(
            "--with-models/--without-model-weights",
            help="Put the models' weights in the archive (default: \\[backup] with_models).",
            show_default=False,
        ),
    ] = None,
    without_editions: Annotated[
        bool,
        typer.Option("--without-editions", help="Leave out output/ (the published editions)."),
    ] = False,
) -> None:
    """Back the workspace up while the review app serves and flows run: the review
    database (SQLite's online backup), translations/ and articles/ read under the queue's
    locks, azad.toml, glossary and site files, the models' names and versions, output/;
    with a manifest of every file's SHA-256."""
    from azad.backup import Choice, rotate
    from azad.backup import backup as write_backup
    from azad.backup import verify as check

    if verify is not None:
        if dest is not None:
            raise AzadError("give either an archive to write or --verify ARCHIVE, not both")
        manifest = check(verify)
        console.print(f"{verify}: ok ({len(manifest['files'])} files match the manifest)")
        return
    ws = State.workspace()
    settings = ws.settings.backup
    choice = Choice(
        with_models=settings.with_models if with_models is None else with_models,
        with_editions=settings.with_editions and not without_editions,
    )
    started = time.monotonic()
    result = write_backup(ws, dest, choice)
    took = time.monotonic() - started
    console.print(
        f"{result.path}: {result.files} files, {result.size:,} bytes, {took:.1f} s", soft_wrap=True
    )
    if dest is None:
        for gone in rotate(result.path.parent, settings.keep):
            console.print(f"removed {gone.name} (keeping the newest {settings.keep})")
    if not choice.with_models and result.manifest["models"]:
        names = ", ".join(f"{m['name']} {m['version']}" for m in result.manifest["models"])
        console.print(f"models named, weights left out: {names}", soft_wrap=True)


def restore(
    archive: Annotated[Path, typer.Argument(help="A backup archive (azad backup).")],
    folder: Annotated[Path, typer.Argument(help="An empty or new folder for the workspace.")],
) -> None:
    """Make a workspace from a backup archive in an empty folder; every file is checked
    against the manifest first. Then run 'azad -w FOLDER doctor'."""
    from azad.backup import restore as unpack

    manifest = unpack(archive, folder)
    console.print(f"{folder}: restored {len(manifest['files'])} files from {archive}")
    if not manifest.get("with_models") and manifest.get("models"):
        console.print(
            f"model weights were left out: run 'azad -w {folder} doctor' to see which to "
            "install again",
            soft_wrap=True,
        )
