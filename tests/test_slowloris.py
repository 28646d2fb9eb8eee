"""Slowloris against ``azad review serve`` itself (issue 22, item 3): the app in its own
process under ``ulimit -n 1024`` (a common service limit), 1,100 connections sending
their headers a line a second and never ending them. Logins go on answering 200 within
2 s (httpx's timeout) all through, while the attacker opens again every connection the
server drops, and the half-sent requests are dropped once the header-read timeout has
passed, however many bytes still trickle in.

The served workspaces set ``[review] header_timeout_s`` to :data:`TIMEOUT_S` (the
default, 10 s, is tested below): the same code drops the connections, with less waiting."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from serve_support import Slowloris, log_in, review_serve, warm_up
from test_review_support import add_users

from azad.cli import run
from azad.settings import SETTINGS_FILE, load_settings
from azad.web.serving import HEADER_TIMEOUT_S
from azad.workspace import Workspace

pytestmark = pytest.mark.slow  # the app in its own process, 1,100 connections

ATTACKERS = 1_100
TIMEOUT_S = 4.0
"""The served workspaces' header timeout (the attacker sends a header line a second)."""


@pytest.fixture
def served(tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    assert run(["init", str(root)]) == 0
    settings = root / SETTINGS_FILE
    text = settings.read_text("utf-8")
    assert text.count("header_timeout_s = 10 ") == 1
    settings.write_text(text.replace("header_timeout_s = 10 ", f"header_timeout_s = {TIMEOUT_S} "))
    ws = Workspace(root.resolve())
    assert ws.settings.review.header_timeout_s == TIMEOUT_S
    add_users(ws)
    return ws


def test_the_default_header_timeout_is_ten_seconds(tmp_path: Path) -> None:
    assert run(["init", str(tmp_path / "ws")]) == 0
    assert load_settings(tmp_path / "ws" / SETTINGS_FILE).review.header_timeout_s == 10
    assert HEADER_TIMEOUT_S == 10


def test_logins_answer_during_a_slowloris_and_half_sent_requests_are_dropped(
    served: Workspace, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    with review_serve(served.root, nofile=1024, log=log) as port:
        base = f"http://127.0.0.1:{port}"
        warm_up(base)
        assert log_in(base, "dara").status_code == 200
        attack = Slowloris("127.0.0.1", port, ATTACKERS, sustain=True)
        try:
            attack.open()
            opened = time.monotonic()
            logins = 0
            # The attacker opens again whatever the server drops: the server stays at its
            # limit all through the logins.
            while time.monotonic() - opened < TIMEOUT_S + 5:
                page = log_in(base, "eddie")  # each answer within 2 s
                assert page.status_code == 200, page.status_code
                assert "Log out" in page.text
                logins += 1
                time.sleep(0.5)
            assert logins >= 5 and attack.reopened >= ATTACKERS // 2, attack.reopened
            # The attacker stops opening new ones; those it holds still trickle: every one
            # is dropped at the header timeout (or, the oldest, to make room).
            attack.sustain = False
            time.sleep(TIMEOUT_S + 2)
            assert attack.closed_by_server() == ATTACKERS
        finally:
            attack.close()
        assert "Errno 24" not in log.read_text("utf-8", "replace")


def test_a_half_sent_request_is_dropped_at_the_header_timeout(served: Workspace) -> None:
    """One connection trickling header lines (each byte would reset uvicorn's own
    keep-alive timer) is closed at the header timeout, not before, not much after."""
    with review_serve(served.root) as port:
        attack = Slowloris("127.0.0.1", port, 1)
        try:
            attack.open()
            time.sleep(TIMEOUT_S - 2)
            (sock,) = attack.sockets
            sock.settimeout(0.05)
            with pytest.raises(TimeoutError):
                sock.recv(1)  # still open
            time.sleep(3)
            assert attack.closed_by_server() == 1
        finally:
            attack.close()
