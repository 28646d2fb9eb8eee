"""Editions reach the readers' site (issue 26, item 5): ``[publish] destinations`` over
rsync-over-SSH and SFTP, against Debian's OpenSSH server (and rsync) on 127.0.0.1 with a key
made here; the server stopped mid-upload (the site keeps its previous complete files, the
next run completes); an unknown host key refused.

The server runs as the test's user (root in CI: sshd needs it) on a free port, with its own
configuration and host key in a temporary folder."""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from azad.cli import run
from azad.publish.sync import (
    PHASES,
    load_state,
    pending_count,
    public_files,
    state_path,
    sync_all,
)
from azad.workspace import Workspace

SSHD = "/usr/sbin/sshd"
pytestmark = pytest.mark.slow  # an OpenSSH server per test, rsync and sftp subprocesses
USER = getpass.getuser()  # sshd, run by this user, lets in only this user


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from /proc), deepest last."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    out, frontier = [], [pid]
    while frontier:
        kids = [p for p, parent in parents.items() if parent in frontier]
        out += kids
        frontier = kids
    return out


@dataclass
class Server:
    folder: Path
    port: int
    host_key: Path
    client_key: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        config = self.folder / "sshd_config"
        config.write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {self.host_key}\n"
            f"PidFile {self.folder / 'sshd.pid'}\n"
            f"AuthorizedKeysFile {self.folder / 'authorized_keys'}\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
            "PermitRootLogin prohibit-password\nStrictModes no\n"
            "Subsystem sftp internal-sftp\n"
        )
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation directory
        self.proc = subprocess.Popen([SSHD, "-D", "-E", str(self.log), "-f", str(config)])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("sshd did not start")

    def stop(self) -> None:
        """Stop the server and every session it serves (a crash, as far as clients see)."""
        if self.proc is None:
            return
        for pid in [*_children(self.proc.pid), self.proc.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    @property
    def log(self) -> Path:
        return self.folder / "sshd.log"

    def logins(self) -> int:
        """Logins the server accepted so far."""
        return self.log.read_text().count("Accepted publickey")

    def known_hosts_line(self) -> str:
        public = Path(f"{self.host_key}.pub").read_text().split()
        return f"[127.0.0.1]:{self.port} {public[0]} {public[1]}\n"


def _keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    folder = tmp_path / "sshd"
    folder.mkdir()
    srv = Server(folder, free_port(), _keygen(folder / "host_key"), _keygen(folder / "client"))
    shutil.copy(f"{srv.client_key}.pub", folder / "authorized_keys")
    srv.start()
    yield srv
    srv.stop()


def _workspace(
    tmp_path: Path, server: Server, transport: str, site: Path, **extra: str
) -> Workspace:
    root = tmp_path / "ws"
    if not root.exists():
        assert run(["init", str(root)]) == 0
    shutil.copy(server.client_key, root / "site_key")
    os.chmod(root / "site_key", 0o600)
    (root / "known_hosts").write_text(server.known_hosts_line())
    options = "".join(f"{k} = {v}\n" for k, v in extra.items())
    toml = root / "azad.toml"
    text = toml.read_text(encoding="utf-8").split("\n[publish]")[0]
    toml.write_text(
        text + f'\n[publish]\nknown_hosts = "known_hosts"\n\n[[publish.destinations]]\n'
        f'name = "site"\ntransport = "{transport}"\nhost = "127.0.0.1"\nport = {server.port}\n'
        f'user = "{USER}"\npath = "{site}"\nkey_file = "site_key"\n{options}',
        encoding="utf-8",
    )
    return Workspace(root.resolve())


def _publish_files(ws: Workspace, tag: str, big: int = 0) -> None:
    """What a publish leaves in output/: editions, their manifests, feeds and the catalog."""
    out = ws.output_dir
    (out / "dari").mkdir(parents=True, exist_ok=True)
    (out / "drafts" / "dari").mkdir(parents=True, exist_ok=True)
    (out / "dari" / "kabul.pdf").write_bytes(f"%PDF kabul {tag}".encode() + os.urandom(big))
    (out / "dari" / "kabul.epub").write_bytes(f"epub {tag}".encode())
    (out / "dari" / "kabul.json").write_text("{}")
    (out / "drafts" / "dari" / "kabul.pdf").write_bytes(b"draft")
    (out / "opds.xml").write_text(f"<feed>{tag}</feed>")
    (out / "index.html").write_text(f"<html>{tag}</html>")


def _site(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def _public(ws: Workspace) -> dict[str, bytes]:
    files = public_files(ws)
    return {rel: (ws.output_dir / rel).read_bytes() for phase in PHASES for rel in files[phase]}


@pytest.mark.parametrize("transport", ["rsync", "sftp"])
def test_editions_feeds_and_catalog_reach_the_site(
    tmp_path: Path, server: Server, transport: str
) -> None:
    site = tmp_path / "site"
    ws = _workspace(tmp_path, server, transport, site)
    _publish_files(ws, "one")
    logins = server.logins()
    (outcome,) = sync_all(ws)
    assert (outcome.status, outcome.sent, outcome.pending) == ("sent", 4, 0), outcome
    # The three phases (editions, feeds, catalog) share one connection.
    assert server.logins() == logins + 1
    assert _site(site) == _public(ws)
    # Drafts and the catalog's manifests stay in the newsroom.
    assert "drafts/dari/kabul.pdf" not in _site(site) and "dari/kabul.json" not in _site(site)
    # Nothing changed: nothing sent.
    assert sync_all(ws)[0].status == "up to date"
    # A new publish: only what changed is sent, even at the same size and modification
    # time as what was sent (rsync's quick check alone would skip it).
    epub = ws.output_dir / "dari" / "kabul.epub"
    sent = epub.stat().st_mtime_ns
    epub.write_bytes(b"epub two")
    os.utime(epub, ns=(sent, sent))
    (outcome,) = sync_all(ws)
    assert (outcome.status, outcome.sent) == ("sent", 1)
    assert _site(site) == _public(ws)
    assert not [
        p for p in site.rglob("*") if p.name.endswith(".azad-part") or p.name.startswith(".")
    ]


@pytest.mark.parametrize("transport", ["rsync", "sftp"])
def test_an_unknown_host_key_is_refused(tmp_path: Path, server: Server, transport: str) -> None:
    site = tmp_path / "site"
    ws = _workspace(tmp_path, server, transport, site)
    other = _keygen(tmp_path / "other_host_key")
    public = Path(f"{other}.pub").read_text().split()
    (ws.root / "known_hosts").write_text(f"[127.0.0.1]:{server.port} {public[0]} {public[1]}\n")
    _publish_files(ws, "one")
    (outcome,) = sync_all(ws)
    assert outcome.status == "refused" and "known_hosts" in outcome.message, outcome
    assert not site.exists() or _site(site) == {}
    assert pending_count(ws) == {"site": 4}
    # No known_hosts at all, or no key file: one line naming the setting, nothing sent.
    (ws.root / "known_hosts").unlink()
    (outcome,) = sync_all(ws)
    assert outcome.status == "failed" and "publish.known_hosts" in outcome.message, outcome
    assert not (ws.root / "known_hosts").exists()
    (ws.root / "site_key").rename(ws.root / "moved_key")
    (outcome,) = sync_all(ws)
    assert "azad.toml" in outcome.message and "key_file" in outcome.message, outcome
    (ws.root / "moved_key").rename(ws.root / "site_key")
    # Not listed at all: refused too (never learnt on first use).
    (ws.root / "known_hosts").write_text("")
    assert sync_all(ws)[0].status == "refused"
    assert not (ws.root / "known_hosts").read_text()


@pytest.mark.parametrize("transport", ["rsync", "sftp"])
def test_the_server_stopped_mid_upload(tmp_path: Path, server: Server, transport: str) -> None:
    """The first publish reaches the site; during the second, whose PDF takes a few
    seconds at the destination's bandwidth limit, the server stops: the site keeps the
    previous complete editions, feeds and catalog, the workspace records what is still to
    send, and the next run (the server back) completes."""
    site = tmp_path / "site"
    ws = _workspace(tmp_path, server, transport, site, bwlimit_kib="256")
    _publish_files(ws, "one")
    assert sync_all(ws)[0].status == "sent"
    before = _site(site)

    _publish_files(ws, "two", big=1024 * 1024)  # 1 MiB at 256 KiB/s: about 4 s
    outcomes: list[object] = []
    worker = threading.Thread(target=lambda: outcomes.extend(sync_all(ws)))
    worker.start()
    # Mid-upload: the new PDF is on its way (a temporary file beside the old one).
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        temps = [p for p in (site / "dari").iterdir() if p.name not in ("kabul.pdf", "kabul.epub")]
        if temps:
            break
        time.sleep(0.02)
    assert temps, "the upload never started"
    time.sleep(0.3)
    server.stop()
    worker.join(60)
    (outcome,) = outcomes
    assert outcome.status == "failed" and outcome.pending == 4, outcome  # type: ignore[attr-defined]
    # The readers' site: under each name a complete file, the previous one or the new
    # one; the PDF cut off mid-way is the previous one; the feeds and the catalog (sent
    # after the editions) still the previous ones.
    after, new = _site(site), _public(ws)
    for name, data in before.items():
        assert after[name] in (data, new[name]), name
    assert after["dari/kabul.pdf"] == before["dari/kabul.pdf"]
    assert after["opds.xml"] == before["opds.xml"] and after["index.html"] == before["index.html"]
    assert state_path(ws, "site").is_file()
    assert set(load_state(ws, "site").pending) == {
        "dari/kabul.pdf",
        "dari/kabul.epub",
        "opds.xml",
        "index.html",
    }

    server.start()
    # What an editor runs (or the next publish does): `azad publish --sync-only`.
    assert run(["--workspace", str(ws.root), "publish", "--sync-only"]) == 0
    assert load_state(ws, "site").last == "sent"
    final = {k: v for k, v in _site(site).items() if not k.split("/")[-1].startswith(".")}
    final = {k: v for k, v in final.items() if not k.endswith(".azad-part")}
    assert final == _public(ws)
    assert load_state(ws, "site").pending == []


def test_a_publish_sends_its_editions(
    tmp_path: Path,
    server: Server,
    test_packages: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`azad publish` (the publish_editions flow) sends the new editions, feeds and
    catalog to the destination and says so."""
    from helpers import ROOT, approve, mark_reviewed, po_path
    from test_publish import make_workspace

    from azad.services.ingest import ingest_files
    from azad.services.translate import translate_articles

    ws = make_workspace(tmp_path / "ws", test_packages)
    site = tmp_path / "site"
    ws = _workspace(tmp_path, server, "rsync", site)
    article = shutil.copy(ROOT / "tests" / "data" / "kabul-river-water.txt", ws.articles_dir)
    (slug,) = [o.slug for o in ingest_files(ws, [Path(article)])]
    translate_articles(ws, [slug], ["dari"])
    mark_reviewed(po_path(ws.article_dir(slug), "dari"))
    approve(ws, slug, "dari", "editor")
    capsys.readouterr()
    assert run(["--workspace", str(ws.root), "publish"]) == 0
    out = capsys.readouterr().out
    # The destinations table: site, sent, nothing still to send.
    assert re.search(r"\bsite\W+sent\W+0\b", out), out
    got = _site(site)
    for name in (f"dari/{slug}.pdf", f"dari/{slug}.epub", f"dari/{slug}.html",
                 "opds-catalog.xml", "opds.xml", "opensearch.xml", "index.html"):  # fmt: skip
        assert got[name] == (ws.output_dir / name).read_bytes(), name
    assert got == _public(ws)
    assert load_state(ws, "site").last == "sent" and pending_count(ws) == {"site": 0}
