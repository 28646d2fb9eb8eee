"""Serving the review app with uvicorn, hardened against idle and half-sent requests.

uvicorn's keep-alive timer is reset by every byte and it has no header-read timeout, so a
client sending one header byte a second keeps a connection (a file descriptor) for ever:
1,100 of them under ``ulimit -n 1024`` left no descriptor for a login. Its
``limit_concurrency`` answers 503 past the limit, which turns the attack into a refusal
for everybody. :class:`GuardedH11Protocol` instead

* drops a connection whose request headers are not complete :data:`HEADER_TIMEOUT_S`
  after it opened (or after its previous response: an idle keep-alive connection is a
  connection waiting for headers), however slowly bytes trickle in;
* keeps the open connections under a cap below the process's descriptor limit (the rest
  is left for the database, PO files and fonts): a new connection over the cap closes the
  one that has waited longest for its headers, so a real request, whose headers arrive at
  once, is served while the attacker's oldest half-sent requests make room.

A request whose headers are complete is never dropped by either rule. Behind the Caddyfile
(``deploy/Caddyfile``) Caddy's own ``read_header`` timeout holds half-sent requests off
the app altogether.
"""

from __future__ import annotations

import asyncio
import resource
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from azad.web.app import PublishFlow, create_app
from azad.workspace import Workspace

HEADER_TIMEOUT_S = 10.0
"""From a connection's start (or its previous response) to its request's last header
(``[review] header_timeout_s`` sets it for ``azad review serve``)."""
RESERVED_FDS = 128
"""Descriptors kept for what the app opens besides connections (SQLite's three files per
connection, PO files, fonts, Prefect's client): this many, or a quarter of the limit."""
BACKLOG = 64
"""The listening socket's queue, and what asyncio accepts in one go before any new
connection's ``connection_made`` (where the cap is applied) has run: the cap leaves room
for two such batches under the descriptor limit."""


def connection_cap(reserved: int = RESERVED_FDS) -> int:
    """How many connections fit under the process's descriptor limit (``ulimit -n``)."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 1 << 20
    return max(16, soft - max(reserved, soft // 4) - 2 * BACKLOG)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header-read timeout and a connection cap (above)."""

    header_timeout: float = HEADER_TIMEOUT_S
    max_connections: int = 0
    """0: :func:`connection_cap` at the first connection."""

    _waiting_since: float | None = None
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_headers()
        self._shed()

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_arrived()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._headers_arrived()  # a request is being read or answered

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._await_headers()  # kept alive: the next request gets the same time

    # --- the timeout ---------------------------------------------------------------------
    def _await_headers(self) -> None:
        self._headers_arrived()
        self._waiting_since = self.loop.time()
        self._header_timer = self.loop.call_later(self.header_timeout, self._drop_if_waiting)

    def _headers_arrived(self) -> None:
        self._waiting_since = None
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _drop_if_waiting(self) -> None:
        self._header_timer = None
        if self._waiting_since is not None and not self.transport.is_closing():
            self._drop()

    def _drop(self) -> None:
        self._waiting_since = None
        # abort: no lingering close; the descriptor is free at once.
        self.transport.abort()

    # --- the cap -----------------------------------------------------------------------
    def _shed(self) -> None:
        cap = type(self).max_connections
        if cap <= 0:
            cap = type(self).max_connections = connection_cap()
        excess = len(self.connections) - cap
        if excess <= 0:
            return
        waiting = sorted(
            (p for p in self.connections if isinstance(p, GuardedH11Protocol) and p is not self),
            key=lambda p: p._waiting_since if p._waiting_since is not None else float("inf"),
        )
        for protocol in waiting[:excess]:
            if protocol._waiting_since is None:
                break  # the rest are answering requests: the new connection waits its turn
            protocol._drop()


def run(app: Any, host: str, port: int, *, header_timeout: float = HEADER_TIMEOUT_S) -> None:
    """Serve ``app`` on ``host:port`` until SIGTERM or SIGINT (``azad review serve``),
    with :class:`azad.web.live.Server`: open live pages end at shutdown instead of
    holding it up."""
    from azad.web.live import Server

    protocol = type("Guarded", (GuardedH11Protocol,), {"header_timeout": header_timeout})

    # proxy_headers off: uvicorn would believe X-Forwarded-For from 127.0.0.1 (its default
    # FORWARDED_ALLOW_IPS); the app applies [review] trusted_proxies itself.
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol,
        proxy_headers=False,
        log_level="info",
        backlog=BACKLOG,
        # uvicorn's own timer for an idle keep-alive connection, which any byte resets:
        # the header timeout above is the one that holds.
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
    )
    Server(config).run()


def serve(ws: Workspace, host: str, port: int, publish_flow: PublishFlow | None = None) -> None:
    """Serve the review app for ``ws`` until the process is stopped (``azad review
    serve``; the command line calls this, so that only the web package knows HTTP)."""
    app = create_app(ws, publish_flow=publish_flow)
    run(app, host, port, header_timeout=ws.settings.review.header_timeout_s)
