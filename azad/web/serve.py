"""Running the review app: the HTTP server is chosen and configured here, so that only the
web package knows HTTP (the command line calls :func:`serve`)."""

from __future__ import annotations

from azad.web.app import PublishFlow, create_app
from azad.workspace import Workspace


def serve(ws: Workspace, host: str, port: int, publish_flow: PublishFlow | None = None) -> None:
    """Serve the review app for ``ws`` until the process is stopped (uvicorn with a
    header-read timeout and a connection cap, whose open live pages end at shutdown
    instead of holding it up: :mod:`azad.web.serving`)."""
    from azad.web.serving import run

    run(create_app(ws, publish_flow=publish_flow), host, port)
