"""The ``azad`` command line (Typer + Rich). Commands only parse arguments, call the
library and print; a user's mistake prints one line and exits with status 2."""

from __future__ import annotations

import shutil
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from azad.errors import AzadError
from azad.ingest import ingest_files
from azad.model import Article
from azad.settings import SETTINGS_FILE
from azad.store import ArticleStore
from azad.workspace import Workspace

app = typer.Typer(
    help="Azad Press: English articles to reviewed Dari and Pashto editions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

EXIT_USER_ERROR = 2


class State:
    workspace_path: Path | None = None

    @classmethod
    def workspace(cls) -> Workspace:
        return Workspace.find(cls.workspace_path)


@app.callback()
def _main(
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder (default: $AZAD_WORKSPACE "
            "or the nearest folder with azad.toml).",
        ),
    ] = None,
) -> None:
    State.workspace_path = workspace


@app.command()
def init(folder: Annotated[Path, typer.Argument(help="Folder to make a workspace.")]) -> None:
    """Create a workspace: azad.toml with the site profile, and its folders."""
    target = folder / SETTINGS_FILE
    if target.exists():
        raise AzadError(f"{target}: already exists")
    folder.mkdir(parents=True, exist_ok=True)
    with resources.as_file(resources.files("azad") / "data" / SETTINGS_FILE) as default:
        shutil.copyfile(default, target)
    ws = Workspace(folder.resolve())
    for sub in (ws.articles_dir, ws.translations_dir, ws.output_dir):
        sub.mkdir(parents=True, exist_ok=True)
    console.print(f"workspace created in {folder}")


@app.command()
def ingest(
    files: Annotated[
        list[Path], typer.Argument(help="English articles (.txt, .pdf, .md, .html, .docx).")
    ],
    json_out: Annotated[bool, typer.Option("--json", help="Print the Article JSON.")] = False,
    slug: Annotated[str | None, typer.Option(help="Store under this slug.")] = None,
) -> None:
    """Read English articles into the workspace's queue (translations/<slug>/source.json)."""
    ws = State.workspace()
    outcomes = ingest_files(ws, files, slug=slug)
    if json_out:
        for outcome in outcomes:
            sys.stdout.write(outcome.article.to_json())
        return
    for outcome in outcomes:
        console.print(
            f"[bold]{outcome.status:<9}[/bold] {outcome.slug} (revision {outcome.revision})"
        )
        print_summary(outcome.article)


def print_summary(article: Article) -> None:
    meta = article.meta
    kinds: dict[str, int] = {}
    for block in article.blocks:
        kinds[block.kind] = kinds.get(block.kind, 0) + 1
    counts = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in kinds.items())
    console.print(f"  title:    {meta.title}")
    console.print(f"  author:   {meta.author or '—'}    date: {meta.date or '—'}")
    console.print(f"  source:   {meta.source_file} ({meta.source_format})")
    console.print(f"  body:     {counts}; {sum(1 for _ in article.segments())} segments")


@app.command()
def articles() -> None:
    """List the ingested articles."""
    ws = State.workspace()
    table = Table("slug", "title", "author", "date", "rev", "segments")
    for stored in ArticleStore(ws).all():
        meta = stored.article.meta
        table.add_row(
            stored.slug,
            meta.title,
            meta.author or "",
            str(meta.date or ""),
            str(stored.revision),
            str(sum(1 for _ in stored.article.segments())),
        )
    console.print(table)


@app.command()
def show(name: Annotated[str, typer.Argument(help="Slug or source file stem.")]) -> None:
    """Print an ingested article's JSON."""
    store = ArticleStore(State.workspace())
    sys.stdout.write(store.load(store.resolve(name)).article.to_json())


def run(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return the exit status (tests call this directly)."""
    try:
        # Typer's standalone mode handles usage errors itself and ends with SystemExit.
        app(args=argv, prog_name="azad")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except AzadError as exc:
        for line in str(exc).splitlines():
            err_console.print(f"azad: error: {line}", markup=False, soft_wrap=True)
        return EXIT_USER_ERROR
    return 0


def main() -> None:
    sys.exit(run())
