"""Live pages: one watcher per app follows the queue and pushes what changed to the open
pages as Server-Sent Events (:mod:`.views_live`).

The watcher (:class:`Hub`) runs only while a stream is open, once per ``[review]
live_poll_s``: it compares the translations' stamps (:func:`.live_state.file_stamps`,
:class:`.live_state.TalkStamps`), so a change by anyone (the web app, ``azad review
import``, a flow) is seen within a tick, and it works out what changed once per
translation, not once per stream. Each stream gets only events of languages its user
works on, and only while the session lasts. Streams are bounded (``[review]
live_max_streams``: past it, 503 with Retry-After, and the page polls instead), end
after ``live_stream_s`` (the browser reconnects), and end at once when the server shuts
down (:class:`Server` tells the hub before uvicorn waits for open connections).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.concurrency import run_in_threadpool

from azad.db.users import User, load_session
from azad.errors import AzadError
from azad.web.live_state import (
    Key,
    TalkStamps,
    TranslationState,
    file_stamps,
    translation_state,
)
from azad.workspace import Workspace

log = logging.getLogger(__name__)

PING_S = 15.0
"""A comment line this often keeps proxies from closing a quiet stream, finds clients
that left, and ends the stream of a session that ended."""


class Busy(AzadError):
    """Too many open streams (HTTP 503 with Retry-After)."""


@dataclass(eq=False)
class Subscriber:
    user: User
    token: str
    key: Key | None
    """The translation an editor page follows; None: the queue (every visible one)."""
    inbox: asyncio.Queue[tuple[str, dict[str, Any]]] = field(default_factory=asyncio.Queue)

    def may_read(self, key: Key) -> bool:
        return self.user.can_edit(key[1]) and (self.key is None or self.key == key)


class Hub:
    """The app's streams and the one watcher that feeds them."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.subscribers: set[Subscriber] = set()
        self.closing = False
        self._stamps: dict[Key, str] = {}
        self._states: dict[Key, TranslationState] = {}
        self._talk = TalkStamps(ws)
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self.ticks = 0

    @property
    def max_streams(self) -> int:
        return self.ws.settings.review.live_max_streams

    async def subscribe(self, user: User, token: str, key: Key | None) -> Subscriber:
        if self.closing:
            raise Busy("the server is shutting down")
        if len(self.subscribers) >= self.max_streams:
            raise Busy(f"{len(self.subscribers)} live pages are open, the most this server allows")
        sub = Subscriber(user, token, key)
        self.subscribers.add(sub)
        async with self._lock:
            if key is not None and key not in self._states:
                self._states[key] = await run_in_threadpool(translation_state, self.ws, *key)
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)
        if sub.key is not None and not any(s.key == sub.key for s in self.subscribers):
            self._states.pop(sub.key, None)

    def close(self) -> None:
        """End every stream (the server is shutting down)."""
        self.closing = True
        for sub in list(self.subscribers):
            sub.inbox.put_nowait(("close", {}))
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        """Tick while streams are open; sleep until one opens otherwise."""
        try:
            while not self.closing:
                if not self.subscribers:
                    self._stamps.clear()  # the next tick starts afresh
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                await asyncio.sleep(self.ws.settings.review.live_poll_s)
                async with self._lock:
                    try:
                        await self.tick()
                    except Exception:  # a bad file or a busy database: try next tick
                        log.exception("live pages: the watcher's look failed")
        finally:
            await run_in_threadpool(self._talk.close)

    async def tick(self) -> None:
        """Compare the stamps once; tell every stream concerned what changed."""
        self.ticks += 1
        subs = list(self.subscribers)
        if not subs:
            return
        wanted = None if any(s.key is None for s in subs) else {s.key for s in subs if s.key}
        stamps = await run_in_threadpool(self._read_stamps, wanted)
        # Changed since the last look; or followed since a page opened, and not looked at
        # before (its state was taken when the page opened: a change since is caught).
        changed = [k for k, v in stamps.items() if k in self._stamps and self._stamps[k] != v]
        first = [k for k in stamps if k not in self._stamps and k in self._states]
        self._stamps = stamps
        for key in changed + first:
            followers = [s for s in subs if s.key == key]
            if followers:
                await self._tell(key, followers)
        for key in changed:
            for sub in subs:
                if sub.key is None and sub.may_read(key):
                    sub.inbox.put_nowait(("queue", {"slug": key[0], "lang": key[1]}))

    async def _tell(self, key: Key, followers: list[Subscriber]) -> None:
        """The editor pages of ``key``: its state now, and the segments that changed."""
        before = self._states.get(key)
        try:
            state = await run_in_threadpool(translation_state, self.ws, *key, before)
        except AzadError as exc:  # e.g. a PO file a CAT tool left broken
            log.warning("live pages: %s/%s not followed now: %s", *key, exc)
            return
        segments = await run_in_threadpool(state.changed_segments, self.ws, before)
        self._states[key] = state
        if before is not None and not segments and before.summary == state.summary:
            return  # e.g. a record rewritten with the same content
        payload = {**state.summary, "segments": segments}
        for sub in followers:
            sub.inbox.put_nowait(("translation", payload))

    def _read_stamps(self, wanted: set[Key] | None) -> dict[Key, str]:
        files = file_stamps(self.ws, wanted)
        talk = self._talk.read()
        return {k: f"{v}#{talk.get(k, '')}" for k, v in files.items()}


def hub_of(app: Any) -> Hub:
    hub: Hub = app.state.live
    return hub


def sse(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def events(hub: Hub, sub: Subscriber, hello: dict[str, Any]) -> AsyncIterator[str]:
    """The stream of ``sub``: a hello, then what the watcher sends, while the session
    lasts, at most ``live_stream_s`` (then the browser reconnects)."""
    loop = asyncio.get_running_loop()
    ends = loop.time() + hub.ws.settings.review.live_stream_s
    try:
        yield "retry: 2000\n\n" + sse("hello", hello)
        while not hub.closing:
            left = ends - loop.time()
            if left <= 0:
                break
            try:
                name, data = await asyncio.wait_for(sub.inbox.get(), min(PING_S, left))
            except TimeoutError:
                name, data = "ping", {}
            if name == "close":
                break
            # The session is looked at before every event and every ping: a stream of a
            # session that ended (logout, expiry, a removed user) ends within PING_S
            # even when nothing changes.
            session = await run_in_threadpool(load_session, hub.ws, sub.token)
            if session is None:
                yield sse("logout", {})
                break
            sub.user = session.user  # languages an admin took away are not sent on
            if sub.key is not None and not sub.may_read(sub.key):
                break  # the browser reconnects and is refused (403)
            yield ": ping\n\n" if name == "ping" else sse(name, data)
    finally:
        hub.unsubscribe(sub)


class Server(uvicorn.Server):
    """uvicorn's server, which ends the app's live streams before it waits for open
    connections to finish (else a shutdown would wait for every open page)."""

    async def shutdown(self, sockets: Any = None) -> None:
        app = self.config.loaded_app if self.config.loaded else self.config.app
        with contextlib.suppress(AttributeError):
            _find_hub(app).close()
        await super().shutdown(sockets=sockets)


def _find_hub(app: Any) -> Hub:
    """The hub of ``app`` under uvicorn's middleware wrappers."""
    seen = 0
    while not hasattr(getattr(app, "state", None), "live") and seen < 10:
        app = app.app
        seen += 1
    return hub_of(app)
