"""What the tests of the served app share: ``azad review serve`` in its own process (as a
service manager starts it), a login over real HTTP, and a slowloris attacker."""

from __future__ import annotations

import contextlib
import re
import resource
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from test_review_support import PASSWORD

AZAD = (sys.executable, "-m", "azad")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


@contextlib.contextmanager
def review_serve(
    root: Path, *, nofile: int = 1024, log: Path | None = None, port: int = 0
) -> Iterator[int]:
    """``azad review serve`` on ``port`` (default: a free one) of 127.0.0.1 under
    ``ulimit -n nofile``."""
    port = port or free_port()

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    out = log.open("wb") if log else subprocess.DEVNULL
    address = ("--host", "127.0.0.1", "--port", str(port))
    proc = subprocess.Popen(
        [*AZAD, "--workspace", str(root), "review", "serve", *address],
        stdout=out,
        stderr=subprocess.STDOUT,
        preexec_fn=limit,
    )
    try:
        wait_for_port(port)
        yield port
    finally:
        proc.terminate()
        proc.wait(30)


def warm_up(base: str, *, verify: ssl.SSLContext | bool = False) -> None:
    """A first request, without the 2 s bound: a new process compiles its templates and
    opens its database on it (what is measured is the app serving, not starting)."""
    response = httpx.get(base + "/login", timeout=60, verify=verify)
    assert response.status_code == 200, response.status_code


def log_in(base: str, name: str, *, verify: ssl.SSLContext | bool = False) -> httpx.Response:
    """The login form, the login and the queue page it leads to, on a new connection,
    each answer within 2 s (the client's timeout); the queue page's response."""
    with httpx.Client(base_url=base, timeout=2.0, verify=verify) as client:
        form = client.get("/login")
        assert form.status_code == 200, form.status_code
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token, form.text[:300]
        done = client.post(
            "/login",
            data={"name": name, "password": PASSWORD, "csrf": token.group(1)},
            follow_redirects=True,
        )
        slowest = max(r.elapsed.total_seconds() for r in (form, *done.history, done))
        assert slowest < 2.0, slowest
        return done


@dataclass
class Slowloris:
    """``count`` connections each sending a request's headers one line a second, never
    the blank line that ends them."""

    host: str
    port: int
    count: int
    tls: ssl.SSLContext | None = None
    sustain: bool = False
    reopened: int = 0
    sockets: list[socket.socket] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def open(self) -> None:
        for _ in range(self.count):
            self.sockets.append(self._connect(timeout=10))
        threading.Thread(target=self._trickle, daemon=True).start()

    def _connect(self, timeout: float) -> socket.socket:
        raw = socket.create_connection((self.host, self.port), timeout=timeout)
        sock = self.tls.wrap_socket(raw, server_hostname="localhost") if self.tls else raw
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        return sock

    def _trickle(self) -> None:
        """A line a second on every connection; with ``sustain``, a connection the server
        closed is opened again (as slowloris tools do), so that the server stays at its
        limit while the logins are tried."""
        while not self._stop.wait(1.0):
            for i, sock in enumerate(self.sockets):
                try:
                    sock.send(b"X-Slow: 1\r\n")
                except OSError:
                    if self.sustain and not self._stop.is_set():
                        with contextlib.suppress(OSError):
                            sock.close()
                            self.sockets[i] = self._connect(timeout=1)
                            self.reopened += 1

    def closed_by_server(self) -> int:
        """How many of the connections the server has closed (read: EOF or reset)."""
        self._stop.set()
        closed = 0
        for sock in self.sockets:
            if sock.fileno() == -1:
                closed += 1  # dropped by the server, and not opened again
                continue
            sock.settimeout(0.05)
            try:
                data = sock.recv(1024)
                closed += data == b""
            except (ConnectionError, ssl.SSLError):
                closed += 1
            except (TimeoutError, OSError):
                pass
        return closed

    def close(self) -> None:
        self._stop.set()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()
