"""Running the review app: the HTTP server is chosen and configured here, so that only the
web package knows HTTP (the command line calls :func:`serve`)."""

from __future__ import annotations

from azad.web.app import PublishFlow, create_app
from azad.workspace import Workspace


def serve(ws: Workspace, host: str, port: int, publish_flow: PublishFlow | None = None) -> None:
    """Serve the review app for ``ws`` until the process is stopped."""
    import uvicorn

    app = create_app(ws, publish_flow=publish_flow)
    # proxy_headers off: uvicorn would believe X-Forwarded-For from 127.0.0.1 (its default
    # FORWARDED_ALLOW_IPS); the app applies [review] trusted_proxies itself.
    uvicorn.run(app, host=host, port=port, proxy_headers=False, log_level="info")
