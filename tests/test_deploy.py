"""The install's service files (issue 22, item 2): ``azad deploy render`` fills in
``deploy/``'s systemd units and Caddyfile; the units pass ``systemd-analyze verify``; a real
Caddy (``tls internal``, unprivileged ports, 127.0.0.1) in front of ``azad review serve``:
a login over HTTPS with a ``Secure`` session cookie, the client's own address seen by the
app through ``[review] trusted_proxies`` (a forged ``X-Forwarded-For`` ignored), plain
HTTP redirected, and a slowloris held off by Caddy's timeouts while logins answer."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from serve_support import Slowloris, free_port, log_in, review_serve, wait_for_port, warm_up
from test_review_support import add_users

from azad.cli import run
from azad.deploy import CADDYFILE, UNITS, Install, fill, render
from azad.web.security import SESSION_COOKIE
from azad.workspace import Workspace

pytestmark = pytest.mark.slow  # systemd-analyze, Caddy and the app in subprocesses

VENV = Path(sys.prefix)
READ_HEADER_S = 10  # deploy/Caddyfile's servers.timeouts.read_header
QUICK_READ_HEADER_S = 4
"""The slowloris test's read_header (the same Caddy drops the connections, sooner)."""


def install(ws: Workspace, tmp: Path, **overrides: object) -> Install:
    values: dict[str, object] = {
        "workspace": ws.root,
        "user": "azad",
        "venv": VENV,
        "repo": Path(__file__).resolve().parent.parent,
        "home": tmp / "home",
        "prefect_home": tmp / "home" / "prefect",
        "domain": "review.example.org",
        "prefect_domain": "prefect.example.org",
        "prefect_ui_user": "editor",
        "prefect_ui_hash": "$2a$14$ekqZw4T.sdwO1rhhZoLwzusSzN80RTV54L0KOUIpAYRx4c2jcOXf6",
    }
    values.update(overrides)
    return Install(**values)  # type: ignore[arg-type]


def verify(units: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", "verify", *map(str, units)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_rendered_units_pass_systemd_analyze_verify(workspace: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(["--workspace", str(workspace.root), "deploy", "render", "--out", str(out),
                "--prefect-ui-hash", "$2a$14$x"]) == 0  # fmt: skip
    units = [out / name for name in UNITS]
    for unit in units:
        text = unit.read_text()
        assert "@" not in text.replace("$2a$14$x", ""), unit
        assert f"ExecStart={VENV}/bin/" in text
        assert "Restart=on-failure" in text and "ProtectSystem=strict" in text
        assert "User=azad" in text and "LimitNOFILE=8192" in text
    review = (out / "azad-review.service").read_text()
    assert f"ReadWritePaths={workspace.root} /var/lib/azad/prefect" in review
    # The nightly backup writes where azad.toml's [backup] destination says.
    flows = (out / "azad-flows.service").read_text()
    assert f"-{workspace.root / 'backups'}\n" in flows, flows
    done = verify(units)
    assert done.returncode == 0, done.stderr
    caddyfile = subprocess.run(
        ["caddy", "validate", "--config", str(out / CADDYFILE), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert caddyfile.returncode == 0, caddyfile.stderr
    # The check can fail: the same units for a virtual environment that is not there.
    render(install(workspace, tmp_path, venv=tmp_path / "no-venv"), tmp_path / "broken")
    broken = verify([tmp_path / "broken" / name for name in UNITS])
    assert broken.returncode != 0 and "no-venv" in broken.stderr


def test_the_flows_may_write_the_configured_backup_folder(
    workspace: Workspace, tmp_path: Path
) -> None:
    """ProtectSystem=strict leaves only ReadWritePaths writable: the folder azad.toml's
    [backup] destination names is among them, or the nightly backup fails (read-only
    file system) every night."""
    toml = workspace.root / "azad.toml"
    text = toml.read_text()
    assert 'destination = "backups"' in text
    toml.write_text(text.replace('destination = "backups"', 'destination = "/mnt/b/azad"'))
    args = ["--workspace", str(workspace.root), "deploy", "render", "--prefect-ui-hash", "$2a$14$x"]
    assert run([*args, "--out", str(tmp_path / "a")]) == 0
    for unit in ("azad-flows.service", "azad-prefect-worker.service"):
        assert " -/mnt/b/azad\n" in (tmp_path / "a" / unit).read_text(), unit
    assert run([*args, "--out", str(tmp_path / "b"), "--backup-dir", "/srv/other"]) == 0
    assert " -/srv/other\n" in (tmp_path / "b" / "azad-flows.service").read_text()


def test_a_placeholder_without_a_value_is_refused() -> None:
    from azad.errors import AzadError

    with pytest.raises(AzadError, match="no value for @NOPE@"):
        fill("ExecStart=@NOPE@/bin/azad\n", {}, "x.service")


# --- Caddy in front of the app ------------------------------------------------------------


@dataclass(frozen=True)
class Front:
    ws: Workspace
    https: str
    http: str
    tls: ssl.SSLContext
    https_port: int


@contextlib.contextmanager
def caddy(config: Path, data: Path) -> Iterator[None]:
    env = {**os.environ, "HOME": str(data), "XDG_DATA_HOME": str(data / "data")}
    env["XDG_CONFIG_HOME"] = str(data / "config")
    log = (data / "caddy.log").open("wb")
    proc = subprocess.Popen(
        ["caddy", "run", "--config", str(config), "--adapter", "caddyfile"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.fixture
def front(tmp_path: Path) -> Iterator[Front]:
    """The review app under ``ulimit -n 1024`` behind the rendered Caddyfile."""
    with serve_behind_caddy(tmp_path) as served:
        yield served


@pytest.fixture
def quick_front(tmp_path: Path) -> Iterator[Front]:
    """:func:`front` with Caddy's read_header at :data:`QUICK_READ_HEADER_S`."""
    with serve_behind_caddy(tmp_path, read_header_s=QUICK_READ_HEADER_S) as served:
        yield served


@contextlib.contextmanager
def serve_behind_caddy(tmp_path: Path, read_header_s: int | None = None) -> Iterator[Front]:
    root = tmp_path / "ws"
    assert run(["init", str(root)]) == 0
    review_port, http_port, https_port = free_port(), free_port(), free_port()
    settings = root / "azad.toml"
    text = settings.read_text("utf-8")
    for old, new in (
        ("port = 8750", f"port = {review_port}"),
        ("trusted_proxies = []", 'trusted_proxies = ["127.0.0.1"]'),
        ("secure_cookies = false", "secure_cookies = true"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    settings.write_text(text, "utf-8")
    ws = Workspace(root.resolve())
    add_users(ws)
    site = install(
        ws,
        tmp_path,
        domain="127.0.0.1",
        prefect_domain="localhost",
        review_port=review_port,
        http_port=http_port,
        https_port=https_port,
        admin="off",
        bind="127.0.0.1",
        tls_internal=True,
    )
    render(site, tmp_path / "out")
    caddyfile = tmp_path / "out" / CADDYFILE
    shipped = f"read_header {READ_HEADER_S}s"
    assert caddyfile.read_text("utf-8").count(shipped) == 1
    if read_header_s is not None:
        text = caddyfile.read_text("utf-8").replace(shipped, f"read_header {read_header_s}s")
        caddyfile.write_text(text, "utf-8")
    data = tmp_path / "caddy"
    data.mkdir()
    with review_serve(root, port=review_port), caddy(tmp_path / "out" / CADDYFILE, data):
        wait_for_port(https_port)
        root_ca = data / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        deadline = time.monotonic() + 60
        while not root_ca.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        tls = ssl.create_default_context(cafile=str(root_ca))
        warm_up(f"https://127.0.0.1:{https_port}", verify=tls)
        yield Front(
            ws, f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", tls, https_port
        )


def test_https_through_caddy(front: Front) -> None:
    page = log_in(front.https, "dara", verify=front.tls)
    assert page.status_code == 200 and "Log out" in page.text
    (login,) = [r for r in page.history if r.request.method == "POST"]
    cookie = next(c for c in login.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "; secure" in cookie.lower(), cookie
    # Plain HTTP: a redirect to the same path over HTTPS.
    plain = httpx.get(front.http + "/login?next=/", follow_redirects=False, timeout=5)
    assert plain.status_code in (301, 308), plain.status_code
    assert plain.headers["location"] == f"https://127.0.0.1:{front.https_port}/login?next=/"
    # A failed login from 127.0.0.2 claiming to be 203.0.113.9: the app counts it
    # against 127.0.0.2, the address Caddy saw.
    transport = httpx.HTTPTransport(local_address="127.0.0.2", verify=front.tls)
    with httpx.Client(base_url=front.https, transport=transport, timeout=5) as client:
        form = client.get("/login")
        token = form.text.split('name="csrf" value="')[1].split('"')[0]
        refused = client.post(
            "/login",
            data={"name": "dara", "password": "wrong password", "csrf": token},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
        assert refused.status_code in (200, 401, 403), refused.status_code
    database = front.ws.root / ".azad" / "review.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as conn:
        keys = {k for (k,) in conn.execute("SELECT key FROM login_failures")}
    assert "addr:127.0.0.2" in keys, keys
    assert not any("203.0.113.9" in k or k == "addr:127.0.0.1" for k in keys), keys


def test_slowloris_through_caddy(quick_front: Front) -> None:
    """1,100 half-sent requests over TLS to Caddy, each opened again when Caddy drops it:
    the app (ulimit -n 1024) never sees them, logins answer 200 within 2 s all through,
    and Caddy drops the half-sent requests at its read_header timeout (the shipped 10 s
    set to 4 s here: the same Caddy, less waiting)."""
    front = quick_front
    attack = Slowloris("127.0.0.1", front.https_port, 1_100, tls=front.tls, sustain=True)
    try:
        attack.open()
        opened = time.monotonic()
        logins = 0
        while time.monotonic() - opened < QUICK_READ_HEADER_S + 5:
            page = log_in(front.https, "eddie", verify=front.tls)  # each within 2 s
            assert page.status_code == 200 and "Log out" in page.text
            logins += 1
            time.sleep(0.5)
        assert logins >= 5 and attack.reopened >= 1_100 // 2, attack.reopened
        attack.sustain = False  # those still held trickle on, and are dropped too
        time.sleep(QUICK_READ_HEADER_S + 2)
        assert attack.closed_by_server() == 1_100
    finally:
        attack.close()
