"""``azad users``: accounts of the review app (roles, languages, passwords, e-mail and
display names)."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer
from rich.table import Table

from azad.cli.context import State, console
from azad.db.users import Script
from azad.errors import AzadError
from azad.workspace import Workspace

users_app = typer.Typer(help="Accounts of the review app.", no_args_is_help=True)


def _ws() -> Workspace:
    return State.workspace()


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name (lower-case letters, digits, . _ -).")],
    role: Annotated[str, typer.Option(help="translator, editor or admin.")] = "translator",
    lang: Annotated[
        list[str] | None, typer.Option(help="A translator's language (dari, pashto); repeat.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    email: Annotated[str, typer.Option(help="E-mail address (for notifications).")] = "",
    display_name: Annotated[
        str, typer.Option("--display-name", help="Name shown in the app (Latin letters).")
    ] = "",
    display_name_arabic: Annotated[
        str,
        typer.Option(
            "--display-name-arabic", help="Name in the Dari and Pashto editions (Arabic script)."
        ),
    ] = "",
) -> None:
    """Add an account; the password is asked for (or read with --password-stdin)."""
    from azad.db import users

    ws = _ws()
    users.validate_name(name)
    users.validate_email(email)
    names = _names(display_name, display_name_arabic)
    password = _read_password(password_stdin)
    user = users.add_user(ws, name, role, lang or [], password, email=email, names=names)
    console.print(f"added {user.name}: {user.label}")


def _names(latin: str | None, arabic: str | None) -> dict[Script, str]:
    from azad.db import users

    given: dict[Script, str | None] = {"Latn": latin, "Arab": arabic}
    # Checked before the password is asked for.
    return {s: users.validate_display(s, v) for s, v in given.items() if v is not None}


@users_app.command("edit")
def users_edit(
    name: str,
    email: Annotated[str | None, typer.Option(help="E-mail address ('' removes it).")] = None,
    display_name: Annotated[
        str | None,
        typer.Option("--display-name", help="Name shown in the app, Latin letters ('' unsets)."),
    ] = None,
    display_name_arabic: Annotated[
        str | None,
        typer.Option(
            "--display-name-arabic",
            help="Name in the Dari and Pashto editions, Arabic script ('' unsets).",
        ),
    ] = None,
) -> None:
    """Change an account's e-mail address or display names (what is not given stays)."""
    from azad.db import users

    users.edit_profile(_ws(), name, email=email, names=_names(display_name, display_name_arabic))
    console.print(f"changed {name}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise AzadError("the passwords differ")
    return first


@users_app.command("passwd")
def users_passwd(
    name: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Set a new password (ends the user's sessions)."""
    from azad.db import users

    users.set_password(_ws(), name, _read_password(password_stdin))
    console.print(f"password of {name} changed")


@users_app.command("list")
def users_list() -> None:
    """The accounts and their roles."""
    from azad.db import users

    table = Table("name", "role", "languages", "display name", "Arabic-script name", "e-mail")
    for p in users.profiles(_ws()):
        user = p.user
        table.add_row(
            user.name,
            user.role,
            ", ".join(user.langs) or "all",
            p.names.get("Latn", ""),
            p.names.get("Arab", ""),
            p.email,
        )
    console.print(table)


@users_app.command("remove")
def users_remove(name: str) -> None:
    """Remove an account (and end its sessions)."""
    from azad.db import users

    users.remove_user(_ws(), name)
    console.print(f"removed {name}")
