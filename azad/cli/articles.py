"""The article commands: ``azad init``, ``ingest``, ``articles``, ``show``, ``translate``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from azad.cli.context import State, console, err_console
from azad.model import Article
from azad.queue.articles import ArticleStore
from azad.services.ingest import ingest_files
from azad.text import shown
from azad.workspace import Workspace, create_workspace


def init(folder: Annotated[Path, typer.Argument(help="Folder to make a workspace.")]) -> None:
    """Create a workspace: azad.toml with the site profile, and its folders."""
    create_workspace(folder)
    console.print(f"workspace created in {folder}")


def ingest(
    files: Annotated[
        list[Path], typer.Argument(help="English articles (.txt, .pdf, .md, .html, .docx).")
    ],
    json_out: Annotated[bool, typer.Option("--json", help="Print the Article JSON.")] = False,
    slug: Annotated[str | None, typer.Option(help="Store under this slug.")] = None,
    allow_non_english: Annotated[
        bool,
        typer.Option(
            "--allow-non-english",
            help="Accept an article whose letters are mostly Arabic script (a mixed article).",
        ),
    ] = False,
) -> None:
    """Read English articles into the workspace's queue (translations/<slug>/source.json)."""
    ws = State.workspace()
    outcomes = ingest_files(ws, files, slug=slug, allow_non_english=allow_non_english)
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
    console.print(f"  title:    {shown(meta.title)}")
    console.print(f"  author:   {shown(meta.author or '—')}    date: {meta.date or '—'}")
    console.print(f"  source:   {shown(meta.source_file)} ({meta.source_format})")
    console.print(f"  body:     {counts}; {sum(1 for _ in article.segments())} segments")


def articles(
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the articles as a JSON list.")
    ] = False,
) -> None:
    """List the ingested articles."""
    from azad.cli.tables import Column, print_json, print_table

    ws = State.workspace()
    stored_all = ArticleStore(ws).all()
    if json_out:
        print_json(
            [
                {
                    "slug": s.slug,
                    "title": s.article.meta.title,
                    "author": s.article.meta.author or "",
                    "date": str(s.article.meta.date or ""),
                    "revision": s.revision,
                    "segments": sum(1 for _ in s.article.segments()),
                    "source_file": s.article.meta.source_file,
                }
                for s in stored_all
            ]
        )
        return
    columns = [
        Column("slug", "whole"),
        Column("title", "wrap"),
        Column("author", "wrap", drop=2),
        Column("date", drop=1),
        Column("rev", drop=3, justify="right"),
        Column("segments", drop=4, justify="right"),
    ]
    rows = []
    for stored in stored_all:
        meta = stored.article.meta
        rows.append(
            [
                stored.slug,
                meta.title,
                meta.author or "",
                str(meta.date or ""),
                str(stored.revision),
                str(sum(1 for _ in stored.article.segments())),
            ]
        )
    print_table(console, columns, rows)


def show(name: Annotated[str, typer.Argument(help="Slug or source file stem.")]) -> None:
    """Print an ingested article's JSON."""
    store = ArticleStore(State.workspace())
    sys.stdout.write(store.load(store.resolve(name)).article.to_json())


def _lang_keys(ws: Workspace, lang: str) -> list[str]:
    if lang == "all":
        return list(ws.settings.languages)
    return [ws.language(lang)[0]]


def translate(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Article slugs (or source file stems); none: every ingested article."),
    ] = None,
    lang: Annotated[str, typer.Option(help="dari, pashto, a code such as fa-AF, or all.")] = "all",
) -> None:
    """Write machine drafts into the review queue: translations/<slug>/<lang>.po."""
    from azad.glossary import load_glossary
    from azad.mt.select import select_model
    from azad.review.qa_results import check_translation
    from azad.services.translate import translate_articles

    ws = State.workspace()
    names = names or ArticleStore(ws).slugs()
    keys = _lang_keys(ws, lang)
    # The glossary is an input like the articles: a broken one is the only message, not
    # one found after choosing (and warning about) the models.
    load_glossary(ws.glossary_path)
    for key in keys:
        if warning := select_model(ws, key).warning:
            err_console.print(f"[yellow]warning:[/yellow] {warning}")
    with console.status("translating…"):
        reports = translate_articles(ws, names, keys)
        for r in reports:
            if r.written:  # checked now, not when a translator first opens it
                check_translation(ws, r.slug, r.lang_key)
    from azad.cli.tables import Column, print_table

    columns = [
        Column("article", "whole"),
        Column("lang", drop=8),  # the file's name says it too
        Column("segments", drop=6, justify="right"),
        Column("kept", drop=5, justify="right"),
        Column("new", drop=3, justify="right"),
        Column("changed", drop=4, justify="right"),
        Column("flagged", drop=2, justify="right"),
        Column("file", "whole"),
        Column("written", drop=7),
    ]
    rows = [
        [
            r.slug,
            r.lang_key,
            str(r.total),
            str(r.kept),
            str(r.new),
            str(r.changed),
            str(r.flagged),
            str(r.path.relative_to(ws.root)),
            "yes" if r.written else "unchanged",
        ]
        for r in reports
    ]
    print_table(console, columns, rows)
    console.print(f"{sum(r.sent for r in reports)} segments sent to the model")
    if from_memory := sum(r.memory for r in reports):
        console.print(f"{from_memory} drafted from the translation memory (approved elsewhere)")
