"""The ``azad`` command line (Typer + Rich), one module per command group. Commands only
parse arguments, call the library and print; a user's mistake prints one line and exits
with status 2."""

from __future__ import annotations

import sqlite3
import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer

from azad.cli import articles, backup, doctor
from azad.cli.context import State, err_console
from azad.cli.deploy import deploy_app
from azad.cli.flows import flows_app
from azad.cli.flows import run as run_flow
from azad.cli.models import models_app
from azad.cli.publish import publish
from azad.cli.report import report_app
from azad.cli.review import review_app
from azad.cli.users import users_app
from azad.errors import AzadError, InputWarning, disk_full, disk_full_message
from azad.text import visible

app = typer.Typer(
    help="Azad Press: English articles to reviewed Dari and Pashto editions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(models_app, name="models")
app.add_typer(flows_app, name="flows")
app.add_typer(users_app, name="users")
app.add_typer(review_app, name="review")
app.add_typer(report_app, name="report")
app.add_typer(deploy_app, name="deploy")
for command in (
    articles.init,
    articles.ingest,
    articles.articles,
    articles.show,
    articles.translate,
):
    app.command()(command)
app.command()(publish)
app.command()(backup.backup)
app.command()(backup.restore)
app.command()(doctor.doctor)
app.command("run")(run_flow)

EXIT_USER_ERROR = 2


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


def run(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return the exit status (tests call this directly)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            # Typer's standalone mode handles usage errors itself and ends with SystemExit.
            app(args=argv, prog_name="azad")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except AzadError as exc:
            for line in exc.lines():
                # A file name, a user name or quoted text may hold control characters (a
                # trailing newline): shown escaped on its line, never obeyed or split.
                err_console.print(f"azad: error: {visible(line)}", markup=False, soft_wrap=True)
            return EXIT_USER_ERROR
        except (OSError, sqlite3.OperationalError) as exc:
            if not disk_full(exc, _workspace_root()):
                raise
            # Every write is atomic: what was written before stands, the rest was not.
            message = visible(disk_full_message(exc))
            line = f"azad: error: {message}; free some space and run it again"
            err_console.print(line, markup=False, soft_wrap=True)
            return EXIT_USER_ERROR
        else:
            code = 0
    # What was changed in a file that was then stored: a refusal is the only line.
    for w in caught:
        if issubclass(w.category, InputWarning):
            err_console.print(
                f"azad: warning: {visible(str(w.message))}", markup=False, soft_wrap=True
            )
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    return code


def _workspace_root() -> Path | None:
    """The command's workspace, where one was found: SQLite reports a full disk under it
    as a "disk I/O error" (its write-ahead log's shared memory cannot grow)."""
    try:
        return State.workspace().root
    except AzadError:
        return None


def main() -> None:
    sys.exit(run())
