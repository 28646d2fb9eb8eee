"""Logins: limits per account × address pair, per address across names (spraying), a
per-account slow-down that locks nobody out, ``X-Forwarded-For`` believed only from
``[review] trusted_proxies``; plus the app's icon and ``azad review serve --help``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from test_review_support import PASSWORD, add_users

from azad.cli import run
from azad.db import login_limits
from azad.errors import InputError
from azad.web import views_auth
from azad.web.app import create_app
from azad.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from azad.workspace import Workspace

NEWSROOM = ("198.51.100.7", 40000)
ELSEWHERE = ("203.0.113.9", 40000)
PROXY = ("10.0.0.2", 40000)


def review_settings(ws: Workspace, **values: object) -> Workspace:
    """``ws`` with ``values`` set under ``[review]`` of its azad.toml (a fresh Workspace:
    settings are read once per Workspace)."""
    path = ws.root / "azad.toml"
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        line = f"{key} = {value!r}".replace("'", '"')
        text, n = re.subn(rf"(?m)^{key} = .*$", line, text)
        assert n == 1, key
    path.write_text(text, encoding="utf-8")
    return Workspace(ws.root)


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    add_users(workspace)
    return workspace


def browser(ws: Workspace, client: tuple[str, int] = NEWSROOM) -> TestClient:
    return TestClient(create_app(ws), follow_redirects=False, client=client)


def attempt(c: TestClient, name: str, password: str = PASSWORD, **headers: str) -> Any:
    page = c.get("/login", headers=headers)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token, page.text
    data = {"csrf": token.group(1), "name": name, "password": password}
    return c.post("/login", data=data, headers=headers)


def fail(c: TestClient, name: str, times: int, **headers: str) -> list[int]:
    return [attempt(c, name, f"guess {i}", **headers).status_code for i in range(times)]


def test_failures_from_one_address_do_not_lock_the_account_out_elsewhere(ws: Workspace) -> None:
    limit = ws.settings.review.login_max_failures
    attacker = browser(ws, NEWSROOM)
    assert fail(attacker, "dara", limit) == [401] * limit
    # That pair is blocked, even with the right password...
    assert attempt(attacker, "dara").status_code == 429
    # ...but the owner, from another address, logs in at once.
    r = attempt(browser(ws, ELSEWHERE), "dara")
    assert r.status_code == 303 and SESSION_COOKIE in r.cookies


def test_one_persons_typos_do_not_lock_out_a_newsroom_behind_one_address(ws: Workspace) -> None:
    limit = ws.settings.review.login_max_failures
    newsroom = browser(ws, NEWSROOM)
    assert fail(newsroom, "dara", limit) == [401] * limit
    # A colleague behind the same NAT address logs in.
    assert attempt(browser(ws, NEWSROOM), "eddie").status_code == 303


def test_one_address_guessing_many_accounts_is_blocked(ws: Workspace) -> None:
    ws = review_settings(ws, login_max_address_failures=3)
    sprayer = browser(ws, NEWSROOM)
    assert [attempt(sprayer, f"user{i}", "guess").status_code for i in range(3)] == [401] * 3
    assert attempt(sprayer, "eddie").status_code == 429
    assert attempt(browser(ws, ELSEWHERE), "eddie").status_code == 303


def test_the_account_slows_down_past_the_limit_and_nobody_is_locked_out(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guesses from ever new addresses: each attempt on the account waits longer
    (doubling, capped), right or wrong; the right password still gets in."""
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(views_auth, "sleep", no_wait)
    cfg = ws.settings.review
    for i in range(cfg.login_max_failures + 6):
        r = attempt(browser(ws, (f"192.0.2.{i + 1}", 40000)), "dara", "guess")
        assert r.status_code == 401
    assert waits == [1.0, 2.0, 4.0, 8.0, 15.0]
    assert login_limits.slowdown_s(ws, "dara") == cfg.login_slowdown_max_s
    assert login_limits.slowdown_s(ws, "eddie") == 0
    r = attempt(browser(ws, ELSEWHERE), "dara")
    assert r.status_code == 303 and waits[-1] == 15.0 and len(waits) == 6


def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored(ws: Workspace) -> None:
    """Rotating X-Forwarded-For does not escape the limit: the real peer is counted."""
    limit = ws.settings.review.login_max_failures
    attacker = browser(ws, NEWSROOM)
    codes = [
        attempt(attacker, "dara", "guess", **{"X-Forwarded-For": f"192.0.2.{i}"}).status_code
        for i in range(limit + 1)
    ]
    assert codes == [401] * limit + [429]
    r = attempt(attacker, "dara", **{"X-Forwarded-For": "192.0.2.200"})
    assert r.status_code == 429


def test_a_forged_forwarded_for_from_loopback_is_ignored_by_default(ws: Workspace) -> None:
    limit = ws.settings.review.login_max_failures
    local = browser(ws, ("127.0.0.1", 40000))
    assert fail(local, "dara", limit, **{"X-Forwarded-For": "192.0.2.1"}) == [401] * limit
    assert attempt(local, "dara", **{"X-Forwarded-For": "192.0.2.2"}).status_code == 429


def test_behind_a_listed_proxy_the_forwarded_address_counts(ws: Workspace) -> None:
    """The rightmost address that is not a listed proxy is the client: a hop the client
    itself wrote in front is not believed."""
    ws = review_settings(ws, trusted_proxies=["10.0.0.0/24"])
    limit = ws.settings.review.login_max_failures
    proxy = browser(ws, PROXY)
    # The client 192.0.2.5 wrote a fake hop; the proxy appended what it saw.
    chain = {"X-Forwarded-For": "6.6.6.6, 192.0.2.5, 10.0.0.1"}
    assert fail(proxy, "dara", limit, **chain) == [401] * limit
    assert attempt(proxy, "dara", **chain).status_code == 429
    # A different fake hop from the same client changes nothing.
    assert attempt(proxy, "dara", **{"X-Forwarded-For": "7.7.7.7, 192.0.2.5"}).status_code == 429
    # Another client through the same proxy is another address.
    r = attempt(proxy, "dara", **{"X-Forwarded-For": "192.0.2.6"})
    assert r.status_code == 303


def test_trusted_proxies_must_be_addresses(workspace: Workspace) -> None:
    review_settings(workspace, trusted_proxies=["127.0.0.1", "proxy.example"])
    with pytest.raises(InputError, match=r"azad.toml.*trusted_proxies.*'proxy.example'"):
        Workspace(workspace.root).settings  # noqa: B018


def test_favicon_is_served_and_linked(ws: Workspace) -> None:
    c = browser(ws)
    r = c.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/vnd.microsoft.icon"
    assert r.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = c.get("/login").text
    (href,) = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    svg = c.get(href)
    assert svg.status_code == 200 and svg.text.startswith("<svg")


def test_serve_help_shows_the_defaults(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--workspace", str(workspace.root), "review", "serve", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "( host)" not in out and "( port)" not in out
    assert "[review] host; default 127.0.0.1" in out
    assert "[review] port; default 8750" in out


def test_settings_file_documents_the_login_settings() -> None:
    shipped = (Path(__file__).parent.parent / "azad" / "data" / "azad.toml").read_text()
    for key in ("trusted_proxies", "login_slowdown_s", "login_max_address_failures"):
        assert re.search(rf"(?m)^{key} = ", shipped), key


def test_forwarded_proto_counts_only_from_a_listed_proxy(ws: Workspace) -> None:
    """X-Forwarded-Proto makes cookies Secure only when a listed proxy says so."""

    def login_cookie(c: TestClient) -> str:
        r = c.get("/login", headers={"X-Forwarded-Proto": "https"})
        return next(v for v in r.headers.get_list("set-cookie") if v.startswith(LOGIN_CSRF_COOKIE))

    assert "Secure" not in login_cookie(browser(ws, PROXY))
    ws = review_settings(ws, trusted_proxies=["10.0.0.2"])
    assert "Secure" in login_cookie(browser(ws, PROXY))
