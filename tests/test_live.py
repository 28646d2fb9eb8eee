"""Live pages (issue 24): the one watcher of the app, the streams over real HTTP (uvicorn
on 127.0.0.1), who gets which event, the bound on streams, the end of streams at
shutdown and at logout, the JSON state pages poll, and the checks while typing."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from helpers import serving
from test_review_support import (
    SALANG,
    copy_workspace,
    csrf_of,
    login,
    queue_template,
)

from azad.db.users import create_session, get_user
from azad.review.edits import Edit, apply_edits, read_segments
from azad.web.app import create_app
from azad.web.live import Hub
from azad.web.security import SESSION_COOKIE
from azad.web.templating import when_text
from azad.workspace import Workspace

pytestmark = pytest.mark.slow  # uvicorn on threads, one test in its own process


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return queue_template(tmp_path_factory.mktemp("live") / "ws")


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(template, tmp_path / "ws")


def with_review_settings(ws: Workspace, **values: Any) -> Workspace:
    """The workspace with ``values`` added under ``[review]`` of its azad.toml."""
    path = ws.root / "azad.toml"
    text = path.read_text(encoding="utf-8")
    lines = "".join(f"\n{k} = {json.dumps(v)}" for k, v in values.items())
    anchor = 'database = ".azad/review.sqlite3"'
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + lines, 1), encoding="utf-8")
    return Workspace(ws.root)


def token_of(ws: Workspace, name: str) -> str:
    user = get_user(ws, name)
    assert user is not None
    return create_session(ws, user)[0]


def someone_saves(ws: Workspace, index: int, text: str, by: str = "dina") -> str:
    """A save by another process's path (the change log says ``import``)."""
    seg = read_segments(ws, SALANG, "dari")[index]
    apply_edits(ws, SALANG, "dari", [Edit(seg.ctx, text, seg.rev, True)], by=by, via="import")
    return seg.ctx


# --- the watcher ------------------------------------------------------------------------


def test_one_watcher_tells_each_stream_only_what_its_user_may_read(ws: Workspace) -> None:
    """A save (here by another process's path) reaches the Dari editor pages as the
    changed segment with the new counts, and the queue pages of users of Dari; a Pashto
    translator's queue stream gets nothing."""

    async def scenario() -> dict[str, list[tuple[str, dict[str, Any]]]]:
        hub = Hub(ws)
        users = {n: get_user(ws, n) for n in ("dara", "pasha", "eddie")}
        subs = {
            "dara-queue": await hub.subscribe(users["dara"], "", None),  # type: ignore[arg-type]
            "pasha-queue": await hub.subscribe(users["pasha"], "", None),  # type: ignore[arg-type]
            "eddie-editor": await hub.subscribe(users["eddie"], "", (SALANG, "dari")),  # type: ignore[arg-type]
            "eddie-pashto": await hub.subscribe(users["eddie"], "", (SALANG, "pashto")),  # type: ignore[arg-type]
        }
        while hub.ticks < 1:  # the watcher has seen the queue once
            await asyncio.sleep(0.05)
        await asyncio.to_thread(someone_saves, ws, 1, "متن تازه")
        await asyncio.sleep(2.5)  # two ticks at most
        hub.close()
        out: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for name, sub in subs.items():
            out[name] = []
            while not sub.inbox.empty():
                event = sub.inbox.get_nowait()
                if event[0] != "close":
                    out[name].append(event)
        return out

    got = asyncio.run(scenario())
    ctx = read_segments(ws, SALANG, "dari")[1].ctx
    assert got["dara-queue"] == [("queue", {"slug": SALANG, "lang": "dari"})]
    assert got["pasha-queue"] == []
    assert got["eddie-pashto"] == []
    ((name, data),) = got["eddie-editor"]
    assert name == "translation"
    assert [s["ctx"] for s in data["segments"]] == [ctx]
    assert data["segments"][0]["text"] == "متن تازه"
    assert data["segments"][0]["state"] == "reviewed"
    assert data["segments"][0]["at_shown"] == when_text(data["segments"][0]["at"], "fa-AF")
    assert data["reviewed"] == 1 and data["total"] == len(read_segments(ws, SALANG, "dari"))
    assert data["filters"]["reviewed"] == 1


def test_a_comment_reaches_the_editor_page_without_a_file_change(ws: Workspace) -> None:
    """Threads live in the database: the watcher sees its commits (``data_version``)."""
    from azad.review.talk import add_comment

    async def scenario() -> list[tuple[str, dict[str, Any]]]:
        hub = Hub(ws)
        eddie = get_user(ws, "eddie")
        dara = get_user(ws, "dara")
        assert eddie and dara
        sub = await hub.subscribe(eddie, "", (SALANG, "dari"))
        while hub.ticks < 1:
            await asyncio.sleep(0.05)
        ctx = read_segments(ws, SALANG, "dari")[0].ctx
        await asyncio.to_thread(add_comment, ws, SALANG, "dari", ctx, dara, "Which year?")
        event = await asyncio.wait_for(sub.inbox.get(), 30)
        hub.close()
        return [event]

    ((name, data),) = asyncio.run(scenario())
    assert name == "translation"
    assert data["open_questions"] == 1
    (seg,) = data["segments"]
    assert [c["text"] for c in seg["comments"]] == ["Which year?"]
    assert seg["comments"][0]["at_shown"] == when_text(seg["comments"][0]["at"], "fa-AF")


def test_a_segments_thread_is_sent_only_when_it_changed(ws: Workspace) -> None:
    """A save of a segment that has a thread sends its text, not its thread again: the
    page draws a thread it is sent anew, and would take a button from under the pointer
    of someone about to resolve or answer it."""
    from azad.review.talk import add_comment

    async def scenario() -> list[tuple[str, dict[str, Any]]]:
        hub = Hub(ws)
        eddie, dara = get_user(ws, "eddie"), get_user(ws, "dara")
        assert eddie and dara
        sub = await hub.subscribe(eddie, "", (SALANG, "dari"))
        while hub.ticks < 1:
            await asyncio.sleep(0.05)
        ctx = read_segments(ws, SALANG, "dari")[0].ctx
        await asyncio.to_thread(add_comment, ws, SALANG, "dari", ctx, dara, "Which year?")
        first = await asyncio.wait_for(sub.inbox.get(), 30)
        await asyncio.to_thread(someone_saves, ws, 0, "متن با سال")
        second = await asyncio.wait_for(sub.inbox.get(), 30)
        hub.close()
        return [first, second]

    (_, commented), (_, saved) = asyncio.run(scenario())
    (seg,) = commented["segments"]
    assert [c["text"] for c in seg["comments"]] == ["Which year?"]
    (seg,) = saved["segments"]
    assert seg["text"] == "متن با سال"
    assert "comments" not in seg
    assert saved["open_questions"] == 1


# --- over HTTP --------------------------------------------------------------------------


class Stream:
    """An open event stream, as a browser's ``EventSource`` holds it, read on a thread
    over a plain socket (so that :meth:`close` can leave at once, as a closed tab does):
    events land in ``events``."""

    def __init__(self, base: str, path: str, token: str) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.status = 0
        self.headers: dict[str, str] = {}
        self.ended = threading.Event()
        self.opened = threading.Event()
        host, port = base.removeprefix("http://").split(":")
        self._sock = socket.create_connection((host, int(port)), timeout=30)
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n"
            f"Connection: close\r\nCookie: {SESSION_COOKIE}={token}\r\n\r\n"
        )
        self._sock.sendall(request.encode())
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self.opened.wait(10)

    def _read(self) -> None:
        try:
            f = self._sock.makefile("rb")
            self.status = int(f.readline().split()[1])
            while (line := f.readline().decode().strip()) != "":
                k, _, v = line.partition(":")
                self.headers[k.lower()] = v.strip()
            self.opened.set()
            chunked = self.headers.get("transfer-encoding") == "chunked"
            buf = ""
            while True:
                if chunked:
                    size = int(f.readline().strip() or b"0", 16)
                    if size == 0:
                        break
                    buf += f.read(size).decode()
                    f.readline()
                else:
                    data = f.read1(65536)
                    if not data:
                        break
                    buf += data.decode()
                while "\n\n" in buf:
                    block, buf = buf.split("\n\n", 1)
                    fields = dict(
                        line.split(": ", 1) for line in block.splitlines() if ": " in line
                    )
                    if "event" in fields and "data" in fields:
                        self.events.append((fields["event"], json.loads(fields["data"])))
        except (OSError, ValueError, IndexError):
            pass  # closed by close()
        finally:
            self.opened.set()
            self.ended.set()

    def wait_for(self, name: str, seconds: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for n, data in self.events:
                if n == name:
                    return data
            time.sleep(0.02)
        raise AssertionError(f"no {name!r} event in {seconds} s: {self.events}")

    def close(self) -> None:
        """Leave, as a closed tab does."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()


@pytest.fixture
def served(ws: Workspace) -> Iterator[tuple[Workspace, str]]:
    with serving(create_app(ws)) as base:
        yield ws, base


def test_a_save_reaches_an_open_stream_unasked(served: tuple[Workspace, str]) -> None:
    """The watcher pushes a save made elsewhere to an open page's stream (how soon, on a
    quiet machine, is bench/live.py's figure: tests assert no timings)."""
    ws, base = served
    stream = Stream(base, f"/api/t/{SALANG}/dari/events", token_of(ws, "eddie"))
    assert stream.status == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.headers["cache-control"] == "no-store"
    assert "connect-src 'self'" in stream.headers["content-security-policy"]
    stream.wait_for("hello")
    time.sleep(1.2)  # the watcher's first look
    ctx = someone_saves(ws, 2, "متن از ابزار ترجمه")
    data = stream.wait_for("translation")
    assert [s["ctx"] for s in data["segments"]] == [ctx]
    stream.close()


def test_streams_end_when_the_server_shuts_down(ws: Workspace) -> None:
    app = create_app(ws)
    with serving(app) as base:
        streams = [Stream(base, "/api/events", token_of(ws, "dara")) for _ in range(3)]
        for s in streams:
            s.wait_for("hello")
    # The server ended them: uvicorn (no grace period here) would wait for open pages
    # forever, and a stream lives live_stream_s (600 s) otherwise.
    assert all(s.ended.wait(30) for s in streams)
    assert app.state.live.subscribers == set()


def test_streams_are_bounded_and_a_page_beyond_gets_503_with_retry_after(ws: Workspace) -> None:
    ws = with_review_settings(ws, live_max_streams=2, live_fallback_s=7)
    with serving(create_app(ws)) as base:
        token = token_of(ws, "dara")
        first = [Stream(base, "/api/events", token) for _ in range(2)]
        for s in first:
            s.wait_for("hello")
        third = Stream(base, "/api/events", token)
        assert third.status == 503
        assert third.headers["retry-after"] == "7"
        assert third.ended.wait(30)
        # Without a stream the page polls: the JSON answer holds no stream.
        r = httpx.get(base + "/api/events", cookies={SESSION_COOKIE: token})
        assert r.status_code == 200 and set(r.json()) == {"version"}
        # Ordinary pages still answer while every stream is taken.
        for path in ("/", f"/t/{SALANG}/dari"):
            page = httpx.get(base + path, cookies={SESSION_COOKIE: token}, timeout=10)
            assert page.status_code == 200 and "<html" in page.text
        first[0].close()
        assert first[0].ended.wait(30)
        deadline = time.monotonic() + 30
        while True:  # the server notices the page left, and has room again
            again = Stream(base, "/api/events", token)
            if again.status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert again.status == 200
        for s in (*first, third, again):
            s.close()


def test_a_stream_needs_a_session_and_ends_at_logout(served: tuple[Workspace, str]) -> None:
    ws, base = served
    assert httpx.get(base + "/api/events").status_code == 401
    r = httpx.get(
        base + f"/api/t/{SALANG}/dari/events",
        headers={"accept": "text/event-stream"},
        cookies={SESSION_COOKIE: token_of(ws, "pasha")},
    )
    assert r.status_code == 403  # a Pashto translator follows no Dari page
    client = httpx.Client(base_url=base)  # the login goes through the form, as a browser's
    page = client.get("/login")
    form_token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert form_token
    client.post(
        "/login",
        data={"csrf": form_token.group(1), "name": "dara", "password": "correct horse battery"},
    )
    token = client.cookies[SESSION_COOKIE]
    stream = Stream(base, f"/api/t/{SALANG}/dari/events", token)
    stream.wait_for("hello")
    csrf = csrf_of(client.get("/").text)
    client.post("/logout", data={"csrf": csrf})
    time.sleep(1.2)
    someone_saves(ws, 3, "پس از خروج")
    stream.wait_for("logout")
    assert stream.ended.wait(30)
    assert not any(n == "translation" for n, _ in stream.events)
    stream.close()
    client.close()


def test_a_dari_translators_streams_carry_nothing_about_pashto(
    served: tuple[Workspace, str],
) -> None:
    """Over HTTP: a Pashto save and a Pashto comment reach the Pashto translator's queue
    stream, and nothing of them reaches the Dari translator's queue stream; her Dari
    page's stream gets nothing either; she cannot open the Pashto page's stream."""
    from azad.review.talk import add_comment

    ws, base = served
    dara, pasha = token_of(ws, "dara"), token_of(ws, "pasha")
    assert (
        httpx.get(
            base + f"/api/t/{SALANG}/pashto/events",
            headers={"accept": "text/event-stream"},
            cookies={SESSION_COOKIE: dara},
        ).status_code
        == 403
    )
    dari_queue = Stream(base, "/api/events", dara)
    dari_page = Stream(base, f"/api/t/{SALANG}/dari/events", dara)
    pashto_queue = Stream(base, "/api/events", pasha)
    for s in (dari_queue, dari_page, pashto_queue):
        s.wait_for("hello")
    assert dari_queue.events[0] == ("hello", {"langs": ["dari"]})
    time.sleep(1.2)  # the watcher's first look
    seg = read_segments(ws, SALANG, "pashto")[0]
    apply_edits(
        ws, SALANG, "pashto", [Edit(seg.ctx, "سرلیک", seg.rev, True)], by="pasha", via="import"
    )
    user = get_user(ws, "pasha")
    assert user is not None
    add_comment(ws, SALANG, "pashto", seg.ctx, user, "څه شی؟")
    assert pashto_queue.wait_for("queue") == {"slug": SALANG, "lang": "pashto"}
    time.sleep(2.5)  # two more ticks: anything for Dari would have come by now
    assert [n for n, _ in dari_queue.events] == ["hello"]
    assert [n for n, _ in dari_page.events] == ["hello"]
    for s in (dari_queue, dari_page, pashto_queue):
        s.close()


def test_a_stream_ends_after_its_lifetime_and_frees_its_place(ws: Workspace) -> None:
    """``live_stream_s`` bounds every stream's life (the browser reconnects): with one
    place, a second page gets 503 until the first stream ends by itself."""
    ws = with_review_settings(ws, live_max_streams=1, live_stream_s=1.5)
    app = create_app(ws)
    with serving(app) as base:
        token = token_of(ws, "dara")
        first = Stream(base, "/api/events", token)
        first.wait_for("hello")
        assert Stream(base, "/api/events", token).status == 503
        started = time.monotonic()
        assert first.ended.wait(30)  # ended by the server: the client never closed it
        assert time.monotonic() - started >= 1  # not before its lifetime
        second = Stream(base, "/api/events", token)
        assert second.status == 200
        second.wait_for("hello")
        second.close()


def test_an_idle_stream_ends_when_its_session_ends_or_loses_the_language(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing changes, yet the session is looked at every ping: a stream of a session
    ended elsewhere (another tab's logout, an expiry) ends; so does a page's stream once
    an admin takes its language from the user."""
    import azad.web.live as live
    from azad.db.connection import connect
    from azad.db.users import end_session

    monkeypatch.setattr(live, "PING_S", 0.3)
    with serving(create_app(ws)) as base:
        ended = token_of(ws, "dara")
        stream = Stream(base, "/api/events", ended)
        stream.wait_for("hello")
        end_session(ws, ended)
        stream.wait_for("logout")
        assert stream.ended.wait(30)

        page = Stream(base, f"/api/t/{SALANG}/dari/events", token_of(ws, "dara"))
        page.wait_for("hello")
        with connect(ws) as conn, conn:
            conn.execute("UPDATE users SET langs = 'pashto' WHERE name = 'dara'")
        assert page.ended.wait(30)
        assert [n for n, _ in page.events] == ["hello"]


def test_azad_review_serve_ends_its_open_streams_at_sigterm(ws: Workspace, tmp_path: Path) -> None:
    """``azad review serve`` as a service manager runs it: at SIGTERM its open live
    pages end at once (``retry`` tells browsers to come back), and the process exits
    without waiting out uvicorn's grace period for them (10 s): uvicorn would say so in
    its log, and cut the streams off."""
    from serve_support import review_serve

    log = tmp_path / "serve.log"
    with review_serve(ws.root, log=log) as port:
        base = f"http://127.0.0.1:{port}"
        streams = [Stream(base, "/api/events", token_of(ws, "dara")) for _ in range(3)]
        for s in streams:
            s.wait_for("hello")
    # review_serve's exit sent SIGTERM and waited for the process.
    assert all(s.ended.wait(30) for s in streams)
    text = log.read_text()
    assert "Shutting down" in text
    assert "graceful shutdown exceeded" not in text


# --- polling and checks (in process) ----------------------------------------------------


def test_the_json_state_pages_poll_follows_a_change(ws: Workspace) -> None:
    from starlette.testclient import TestClient

    client = TestClient(create_app(ws))
    login(client, "dara")
    state = client.get(f"/api/t/{SALANG}/dari/events").json()
    segs = read_segments(ws, SALANG, "dari")
    assert state["revs"] == {s.ctx: s.rev for s in segs}
    assert state["reviewed"] == 0 and state["status"] == "machine draft"
    version = client.get("/api/events").json()["version"]
    ctx = someone_saves(ws, 0, "عنوان")
    state = client.get(f"/api/t/{SALANG}/dari/events").json()
    assert state["revs"][ctx] != segs[0].rev and state["reviewed"] == 1
    assert client.get("/api/events").json()["version"] != version
    # A Pashto change is not in a Dari translator's version.
    version = client.get("/api/events").json()["version"]
    seg = read_segments(ws, SALANG, "pashto")[0]
    apply_edits(
        ws, SALANG, "pashto", [Edit(seg.ctx, "سرلیک", seg.rev, True)], by="pasha", via="import"
    )
    assert client.get("/api/events").json()["version"] == version


def test_checks_run_on_the_text_being_typed_and_clear_when_fixed(ws: Workspace) -> None:
    from starlette.testclient import TestClient

    client = TestClient(create_app(ws))
    csrf = login(client, "dara")
    seg = next(s for s in read_segments(ws, SALANG, "dari") if any(c.isdigit() for c in s.english))
    url = f"/api/t/{SALANG}/dari/segments/{seg.ctx}/check"
    before = read_segments(ws, SALANG, "dari")
    r = client.post(url, json={"text": "متن بدون عدد"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    assert "numbers" in r.json()["checks"]
    from azad.review.chips import chips_for

    numbers = [c.text for c in chips_for(seg.english, "fa-AF", None) if c.kind == "number"]
    assert numbers
    fixed = "متن " + " ".join(numbers)
    r = client.post(url, json={"text": fixed}, headers={"X-CSRF-Token": csrf})
    assert "numbers" not in r.json()["checks"]
    assert read_segments(ws, SALANG, "dari") == before  # nothing saved
    assert client.post(url, json={"text": "x"}).status_code == 403  # no CSRF token


def test_a_state_built_on_the_last_one_is_the_state_built_afresh(ws: Workspace) -> None:
    """The watcher builds each look's state on the last one, keeping what it built for
    segments whose unit did not change (azad.web.live_state.translation_state): through
    a save, a comment, a text that fails a check and a glossary change, the result is
    what building it from nothing gives."""
    from azad.db.users import require_user
    from azad.review.talk import add_comment
    from azad.web.live_state import translation_state

    def same(before: Any) -> Any:
        built_on = translation_state(ws, SALANG, "dari", before)
        afresh = translation_state(ws, SALANG, "dari")
        assert built_on.segments == afresh.segments
        assert built_on.summary == afresh.summary
        return built_on

    state = same(translation_state(ws, SALANG, "dari"))
    someone_saves(ws, 1, "متن تازه")
    state = same(state)
    ctx = read_segments(ws, SALANG, "dari")[2].ctx
    add_comment(ws, SALANG, "dari", ctx, require_user(ws, "dara"), "این درست است؟")
    state = same(state)
    someone_saves(ws, 3, "متن بدون عدد")  # the English has a number: the check fails
    state = same(state)
    assert state.segments[read_segments(ws, SALANG, "dari")[3].ctx].warnings
    with ws.glossary_path.open("a", encoding="utf-8") as fh:
        fh.write("Salang\tسالنگ\tسالنګ\tno\t\n")
    same(state)
