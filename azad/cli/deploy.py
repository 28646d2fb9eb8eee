"""``azad deploy``: the service files of an install (docs/deploy.md)."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer

from azad.cli.context import State, console

deploy_app = typer.Typer(help="Service files for a server install.", no_args_is_help=True)


@deploy_app.command("render")
def render(
    out: Annotated[Path, typer.Option(help="Folder for the units and the Caddyfile.")],
    user: Annotated[str, typer.Option(help="The services' dedicated user.")] = "azad",
    domain: Annotated[str, typer.Option(help="The review app's host name.")] = "localhost",
    prefect_domain: Annotated[
        str, typer.Option(help="The Prefect UI's host name.")
    ] = "prefect.localhost",
    home: Annotated[Path, typer.Option(help="The user's home (SSH key, mail settings).")] = Path(
        "/var/lib/azad"
    ),
    prefect_home: Annotated[Path | None, typer.Option(help="Default: HOME/prefect.")] = None,
    backup_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where nightly backups go (default: \\[backup] destination in azad.toml).",
            show_default=False,
        ),
    ] = None,
    venv: Annotated[
        Path | None, typer.Option(help="The virtual environment (default: this one).")
    ] = None,
    prefect_port: Annotated[int, typer.Option()] = 4200,
    http_port: Annotated[int, typer.Option()] = 80,
    https_port: Annotated[int, typer.Option()] = 443,
    nofile: Annotated[int, typer.Option(help="LimitNOFILE of the services.")] = 8192,
    admin: Annotated[str, typer.Option(help="Caddy's admin address ('off': none).")] = (
        "localhost:2019"
    ),
    bind: Annotated[str, typer.Option(help="Caddy's listening address (default: all).")] = "",
    tls_internal: Annotated[
        bool, typer.Option(help="Caddy's own CA instead of Let's Encrypt (intranet, tests).")
    ] = False,
    prefect_ui_user: Annotated[str, typer.Option()] = "editor",
    prefect_ui_hash: Annotated[
        str, typer.Option(help="'caddy hash-password' of the Prefect UI's password.")
    ] = "",
) -> None:
    """Render deploy/'s systemd units and Caddyfile for this workspace and server."""
    from azad import deploy

    ws = State.workspace()
    password = ""
    if not prefect_ui_hash:
        password = secrets.token_urlsafe(18)
        prefect_ui_hash = deploy.hash_password(password)
    install = deploy.Install(
        workspace=ws.root,
        user=user,
        venv=(venv or Path(sys.prefix)).absolute(),
        repo=deploy.TEMPLATES.parent,
        home=home,
        prefect_home=prefect_home or home / "prefect",
        # The folder the nightly backup writes must be writable under ProtectSystem=strict:
        # by default the one azad.toml names (absolute, or inside the workspace).
        backup_dir=backup_dir or ws.root / ws.settings.backup.destination,
        domain=domain,
        prefect_domain=prefect_domain,
        prefect_ui_user=prefect_ui_user,
        prefect_ui_hash=prefect_ui_hash,
        review_port=ws.settings.review.port,
        prefect_port=prefect_port,
        http_port=http_port,
        https_port=https_port,
        nofile=nofile,
        admin=admin,
        tls_internal=tls_internal,
        bind=bind,
    )
    for path in deploy.render(install, out):
        console.print(f"wrote {path}")
    if password:
        console.print(f"Prefect UI: user {prefect_ui_user}, password {password} (shown once)")
