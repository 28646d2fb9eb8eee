"""The size limit on request bodies of the review app.

Starlette reads a body whole (``request.body()``, ``request.form()``) before a view can
look at its size, and the login form is open to anyone: without a limit, one request can
make the app hold any amount of memory. :class:`BodyLimit` refuses a body over
:data:`MAX_BODY_BYTES` with HTTP 413, from its ``Content-Length`` before reading anything,
or as soon as the bytes read pass the limit (a chunked body has no length).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from azad.errors import AzadError

MAX_BODY_BYTES = 1_000_000
"""Far above anything the app's forms and its JSON API send (a segment save is at most
64 kB, :data:`azad.web.views_api.MAX_BODY`)."""


class BodyTooLarge(AzadError):
    """A request body over the limit (HTTP 413)."""


def too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(f"request body too large (the limit is {limit:,} bytes)")


class BodyLimit:
    """ASGI middleware: a view reading a body of more than ``max_bytes`` gets
    :class:`BodyTooLarge`, which the app's error handler turns into a 413."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if declared is not None and declared > self.max_bytes:
                raise too_large(self.max_bytes)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise too_large(self.max_bytes)
            return message

        await self.app(scope, limited_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length itself
    return None
