"""``azad review``: the queue, its web app, CAT-tool exchange and the editor's actions."""

from __future__ import annotations

import getpass
import ipaddress
import sys
from pathlib import Path
from typing import Annotated

import typer

from azad.cli.context import State, console, err_console
from azad.db.users import User
from azad.errors import AzadError, InputError
from azad.queue.status import StaleApproval
from azad.settings import ReviewSettings
from azad.workspace import Workspace

review_app = typer.Typer(
    help="The review queue and the translators' web app.", no_args_is_help=True
)


def _ws() -> Workspace:
    return State.workspace()


# The help names the setting and its default. "[review]" escaped: Typer renders help as
# Rich markup, which took "[review]" for a style tag and printed "( host)".
_SERVE_HELP = {
    name: f"{what} (azad.toml \\[review] {name}; "
    f"default {ReviewSettings.model_fields[name].default})"
    for name, what in (("host", "Address to bind"), ("port", "Port"))
}


@review_app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help=_SERVE_HELP["host"])] = None,
    port: Annotated[int | None, typer.Option(help=_SERVE_HELP["port"])] = None,
) -> None:
    """Serve the review web app (127.0.0.1:8750 unless told otherwise)."""
    from azad.web.serving import serve as serve_app

    ws = _ws()
    cfg = ws.settings.review
    host = host or cfg.host
    port = port or cfg.port
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        err_console.print(
            f"[yellow]warning:[/yellow] serving on {host}: put an HTTPS reverse proxy in front "
            "and set [review] secure_cookies = true"
        )
    console.print(f"review app on http://{host}:{port}/ (workspace {ws.root})")
    # The publish flow the Publish button runs when no deployment is served (imported
    # here, not at the top: it brings Prefect, which other commands do without).
    from flows.pipeline import publish_editions

    serve_app(ws, host, port, publish_flow=publish_editions)


def _lang(ws: Workspace, lang: str) -> str:
    return ws.language(lang)[0]


def _slug(ws: Workspace, name: str) -> str:
    from azad.queue.articles import ArticleStore

    # resolve() accepts a slug or a source file's stem, and refuses anything path-like.
    return ArticleStore(ws).resolve(name)


@review_app.command("export")
def export(
    slug: Annotated[str, typer.Argument(help="Article slug.")],
    lang: Annotated[str, typer.Option(help="dari, pashto or a code.")],
    fmt: Annotated[str, typer.Option("--format", help="xliff or po.")] = "xliff",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default: stdout).")
    ] = None,
) -> None:
    """Export one article × language for a CAT tool, with each segment's revision."""
    from azad.fsutil import atomic_write_bytes
    from azad.review.exchange import export_text

    ws = _ws()
    if fmt not in ("xliff", "po"):
        raise InputError(fmt, "unknown format (xliff or po)")
    data = export_text(ws, _slug(ws, slug), _lang(ws, lang), "xliff" if fmt == "xliff" else "po")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write_bytes(output, data)
        err_console.print(f"wrote {output}")


def _as_user(ws: Workspace, name: str | None) -> User | None:
    from azad.db.users import require_user

    return require_user(ws, name) if name else None


@review_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="An exported XLIFF or PO file, edited.")],
    as_user: Annotated[
        str | None, typer.Option("--as", help="Account the changes are recorded under.")
    ] = None,
) -> None:
    """Apply an edited export: segments changed here since the export are not overwritten."""
    from azad.review.actions import require_lang
    from azad.review.exchange import import_file, peek_target

    ws = _ws()
    user = _as_user(ws, as_user)
    by = user.name if user else f"cli:{getpass.getuser()}"
    if user is not None:
        # The file names its language; check the account before anything is written.
        require_lang(user, peek_target(file)[1])
    result = import_file(ws, file, by=by)
    rep = result.report
    console.print(
        f"{result.slug} ({result.lang_key}): {rep.count('saved')} saved, "
        f"{rep.count('unchanged') + result.untouched} unchanged, "
        f"{rep.count('conflict')} conflicts, {len(result.skipped)} skipped"
    )
    for r in rep.results:
        if r.outcome == "conflict":
            err_console.print(
                f"conflict {r.ctx}: changed since the export; yours kept in its history",
                markup=False,
            )
    for line in result.skipped:
        err_console.print(f"skipped {line}", markup=False)
    if rep.count("conflict"):
        raise typer.Exit(1)


@review_app.command("export-tm")
def export_tm(
    fmt: Annotated[str, typer.Option("--format", help="tmx.")] = "tmx",
    lang: Annotated[str, typer.Option(help="dari, pashto or all.")] = "all",
    output: Annotated[Path, typer.Option("-o", "--output")] = Path("azad-tm.tmx"),
) -> None:
    """Export approved segments as a translation memory."""
    from azad.review.index import refresh
    from azad.translation_memory import export_tmx

    ws = _ws()
    if fmt != "tmx":
        raise InputError(fmt, "unknown format (tmx)")
    keys = list(ws.settings.languages) if lang == "all" else [_lang(ws, lang)]
    refresh(ws)  # the newest approvals into the memory's index
    n = export_tmx(ws, output, keys)
    console.print(f"wrote {n} translation units to {output}")


@review_app.command("approve")
def approve(
    slug: str,
    lang: Annotated[str, typer.Option()],
    as_user: Annotated[str, typer.Option("--as", help="The approving editor.")],
    rev: Annotated[
        str | None,
        typer.Option(
            help="The content revision you reviewed ('azad review status' shows it); "
            "refused if the translation or the English changed since."
        ),
    ] = None,
    comment: Annotated[str, typer.Option()] = "",
    ignore_open_questions: Annotated[
        bool,
        typer.Option(
            "--ignore-open-questions",
            help="Approve although comment threads under its segments are still open.",
        ),
    ] = False,
) -> None:
    """Approve exactly the content you reviewed (editors only)."""
    from azad.db.users import require_user
    from azad.queue.status import translation_status
    from azad.review import actions

    ws = _ws()
    slug_, key = _slug(ws, slug), _lang(ws, lang)
    user = require_user(ws, as_user)
    if rev is None:
        current = translation_status(ws, slug_, key)
        if not sys.stdin.isatty():
            raise AzadError(
                f"{slug_} ({key}): say which revision you reviewed with --rev "
                f"(it is {current.rev} now: 'azad review status {slug_}')"
            )
        console.print(
            f"{slug_} ({key}): {current.status}, {current.reviewed}/{current.total} reviewed, "
            f"revision {current.rev}",
            markup=False,
        )
        if not typer.confirm("Approve this revision?"):
            raise typer.Exit(1)
        rev = current.rev
    try:
        st = actions.approve(
            ws, slug_, key, user, rev, comment, ignore_open_questions=ignore_open_questions
        )
    except StaleApproval as exc:
        raise AzadError(_stale_message(ws, exc)) from None
    console.print(f"{st.slug} ({st.lang_key}): {st.status} (revision {st.rev})", markup=False)


def _stale_message(ws: Workspace, exc: StaleApproval) -> str:
    """Why an approval of a revision that is not the current one was refused: what changed
    since, when that revision was ever shown or approved here; else only that it is not
    the current one (a revision nobody saw cannot say what changed)."""
    from azad.review.shown import changes_since, was_shown

    slug, key = exc.slug, exc.lang_key
    look = (
        f"'azad review status {slug} --lang {key}' shows the current revision; the editor "
        f"page (/t/{slug}/{key}) shows the translation as it is now"
    )
    if not was_shown(ws, slug, key, exc.seen):
        return (
            f"{slug} ({key}): not approved: {exc.seen} is not its current revision, and no "
            f"revision {exc.seen} was ever shown or approved here, so what changed since "
            f"cannot be said. The current revision is {exc.current}: {look}; then approve "
            f"with --rev {exc.current}"
        )
    changes = changes_since(ws, slug, key, exc.seen)
    lines = [
        f"{slug} ({key}): not approved: it changed since revision {exc.seen} (now "
        f"{exc.current}); {len(changes)} segment{'s' if len(changes) != 1 else ''} differ:"
    ]
    for c in changes[:10]:
        who = f" by {c.by} at {c.at}" if c.by else ""
        lines.append(f"  {c.ctx}: {c.before_state or 'not there'} → {c.now_state}{who}")
    if len(changes) > 10:
        lines.append(f"  … and {len(changes) - 10} more")
    if not changes:
        lines.append("  (the English article changed; the segments' texts did not)")
    lines.append(
        f"The editor page shows what changed (/t/{slug}/{key}?filter=changed); {look}; "
        f"approve with --rev {exc.current} once you have looked"
    )
    return "\n".join(lines)


@review_app.command("send-back")
def send_back(
    slug: str,
    lang: Annotated[str, typer.Option()],
    as_user: Annotated[str, typer.Option("--as", help="The editor.")],
    comment: Annotated[str, typer.Option(help="What needs work.")],
    segment: Annotated[
        list[str] | None,
        typer.Option(help="Send only this segment back (needs editing); repeatable."),
    ] = None,
) -> None:
    """Send a reviewed or approved translation back to the translators, or only some of
    its segments, which then need editing (editors only)."""
    from azad.db.users import require_user
    from azad.review import actions, talk

    ws = _ws()
    slug_, key, user = _slug(ws, slug), _lang(ws, lang), require_user(ws, as_user)
    if segment:
        st = talk.send_back_segments(ws, slug_, key, segment, user, comment)
    else:
        st = actions.send_back(ws, slug_, key, user, comment)
    console.print(f"{st.slug} ({st.lang_key}): {st.status}")


@review_app.command("status")
def status(
    slug: Annotated[
        str | None, typer.Argument(help="One article (default: the whole queue).")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="Only this language.")] = None,
    state: Annotated[str | None, typer.Option("--status", help="Only this status.")] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the rows as a JSON list (every field).")
    ] = False,
) -> None:
    """The queue as a table, oldest first."""
    from azad.cli.tables import Column, print_json, print_table
    from azad.queue.status import STATUSES
    from azad.review.index import queue_rows
    from azad.web.templating import age

    ws = _ws()
    if state is not None and state not in STATUSES:
        raise InputError(state, f"unknown status ({', '.join(STATUSES)})")
    rows = queue_rows(
        ws,
        lang=_lang(ws, lang) if lang else None,
        status=state,
        slug=_slug(ws, slug) if slug else None,
    )
    if json_out:
        print_json(
            [
                {
                    "slug": r.slug,
                    "lang": r.lang_key,
                    "title": r.title,
                    "status": r.status,
                    "reviewed": r.reviewed,
                    "total": r.total,
                    "held_by": r.claimed_by,
                    "claim_expires": (
                        r.record.claim.expires.isoformat()
                        if r.claimed_by and r.record.claim
                        else None
                    ),
                    "age_s": round(r.age_s),
                    # What `azad review approve --rev` takes.
                    "revision": r.rev,
                    "in_sync": r.in_sync,
                }
                for r in rows
            ]
        )
        return
    columns = [
        Column("article", "whole"),
        Column("lang"),
        Column("status", "wrap"),
        Column("reviewed", justify="right"),
        Column("held by", drop=2),
        Column("age", drop=3),
        # The revision is what `azad review approve --rev` takes: never cut short.
        Column("revision", "whole", drop=1),
    ]
    table = [
        [
            r.slug,
            r.lang_key,
            r.status,
            f"{r.reviewed}/{r.total}",
            r.claimed_by or "",
            age(r.age_s),
            r.rev,
        ]
        for r in rows
    ]
    print_table(console, columns, table)
