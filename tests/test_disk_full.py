"""A full disk (issue 12, case 11), for real: the workspace lives on a small tmpfs that a
filler file fills to the last byte. A web save answers 507 with a message that says the
text was not saved (the editor page keeps it: editor.js shows the message and leaves the
textarea alone on any answer that is not 2xx); ``azad publish`` prints one line and exits
non-zero; nothing is half-written."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import EXAMPLES, approve_translation, snapshot
from starlette.testclient import TestClient
from test_review_support import QUIET, add_users, make_queue, quiet_database

from azad.cli import run
from azad.db.users import create_session, require_user
from azad.web.app import create_app
from azad.web.security import SESSION_COOKIE
from azad.workspace import Workspace

# Slow (mounts a tmpfs and publishes on Prefect): not in `make check`.
pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 48 MB tmpfs (mounting needs root: the team's machines and CI run tests as root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Write a filler file until the disk has no byte left; return it."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as fh:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while fh.write(bytes(size)):
                    pass
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    return filler


def _state(root: Path) -> dict[str, object]:
    return {k: v for k, v in snapshot(root).items() if ".azad/review.sqlite3" not in k}


def test_a_web_save_on_a_full_disk_is_507_and_can_be_sent_again(small_disk: Path) -> None:
    root = small_disk / "ws"
    assert run(["init", str(root)]) == 0
    ws = Workspace(root)
    (slug, _) = make_queue(ws)
    add_users(ws)
    token, sess = create_session(ws, require_user(ws, "dara"))
    client = TestClient(create_app(ws), raise_server_exceptions=False)
    client.cookies.set(SESSION_COOKIE, token)
    url = f"/api/t/{slug}/dari/segments/b1.s1"
    rev = client.get(url).json()["rev"]
    body = {"text": "متن مترجم " * 20, "rev": rev, "reviewed": True}
    before = _state(root)
    filler = fill(small_disk)
    response = client.post(url, json=body, headers={"x-csrf-token": sess.csrf})
    assert response.status_code == 507, response.text
    assert "disk is full" in response.json()["error"]
    assert "not" in response.json()["error"] and "saved" in response.json()["error"]
    filler.unlink()
    assert _state(root) == before  # nothing half-written
    # The page kept the text; sent again once there is room, it is saved.
    again = client.post(url, json=body, headers={"x-csrf-token": sess.csrf})
    assert again.status_code == 200, again.text
    assert again.json()["outcome"] == "saved"


# --- every HTML route -----------------------------------------------------------------------


def _concrete(path: str, slug: str) -> str:
    """A URL of the route ``path`` for the first segment of ``slug`` in Dari."""
    from azad.web.views_actions import ACTIONS

    values = {
        "slug": slug,
        "lang": "dari",
        "ctx": "b1.s1",
        "fmt": "po",
        "name": "font.woff2",
        "action": next(iter(ACTIONS)),
        "path": "index.html",
    }
    return re.sub(r"{(\w+)(?::\w+)?}", lambda m: values[m.group(1)], path)


def html_routes(slug: str) -> list[tuple[str, str]]:
    """(method, URL) of every route of the app that answers with an HTML page."""
    from starlette.routing import Route

    from azad.web.app import ROUTES

    found = []
    for route in ROUTES:
        if not isinstance(route, Route) or route.path.startswith("/api/"):
            continue
        # Not pages: /healthz answers JSON, 503 on a full disk (test_doctor).
        if route.path in ("/openapi.json", "/favicon.ico", "/healthz"):
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, _concrete(route.path, slug)))
    return found


def test_every_html_route_on_a_full_disk_is_the_507_page(small_disk: Path) -> None:
    """A logged-in editor on a full disk: every HTML page that cannot do its work (a write
    to SQLite, whose write-ahead log cannot grow, or a file) is the 507 page, which needs
    no database; none is a 500. Pages that only read may still be served (the app's open
    connections read the database without making files). Once there is room, the same
    session works."""
    root = small_disk / "ws"
    assert run(["init", str(root)]) == 0
    ws = Workspace(root)
    (slug, _) = make_queue(ws)
    add_users(ws)
    token, sess = create_session(ws, require_user(ws, "eddie"))
    client = TestClient(create_app(ws), raise_server_exceptions=False)
    client.cookies.set(SESSION_COOKIE, token)
    assert client.get("/").status_code == 200
    routes = html_routes(slug)
    assert len(routes) >= 12
    filler = fill(small_disk)
    answers = {}
    for method, url in routes:
        response = client.request(
            method,
            url,
            data={"csrf": sess.csrf, "comment": "x"} if method == "POST" else None,
            headers={"x-csrf-token": sess.csrf} if method == "POST" else {},
            follow_redirects=False,
        )
        answers[method, url] = response.status_code
        if response.status_code >= 500:
            assert response.status_code == 507, (method, url, response.text[:300])
            assert response.headers["content-type"].startswith("text/html")
            assert "<h1>Error 507</h1>" in response.text
            assert "disk is full: nothing was changed" in response.text
    assert answers["GET", "/"] in (200, 507), answers
    assert answers["POST", "/logout"] == 507, answers  # deleting the session: a write
    filler.unlink()
    assert client.get("/").status_code == 200


# --- the commands ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def command_template(tmp_path_factory: pytest.TempPathFactory, test_packages) -> Path:
    """A workspace with models, two translated articles, an approved Dari translation
    (to publish), an edited export (to import), a new article in articles/ (to run)
    and the review app's users."""
    from azad.mt.packages import install_file

    root = tmp_path_factory.mktemp("template") / "ws"
    assert run(["init", str(root)]) == 0
    ws = Workspace(root)
    for archive in test_packages.values():
        install_file(ws.models_dir, archive)
    (slug, other) = make_queue(ws)
    add_users(ws)
    approve_translation(ws, slug, "dari")
    shutil.copy(EXAMPLES / "salang-tunnel.md", ws.articles_dir / "new-article.md")
    exported = root.parent / "edited.po"
    args = ["--workspace", str(root), "review", "export", other, "--lang", "dari"]
    assert run([*args, "--format", "po", "-o", str(exported)]) == 0
    exported.write_text(exported.read_text("utf-8").replace('msgstr "', 'msgstr "ویرایش ', 3))
    quiet_database(root)  # copied per test without the log files, as a quiet workspace
    return root


COMMANDS = {
    "publish": ["publish", "--lang", "dari"],
    "run": ["run"],
    "review-import": ["review", "import", "{edited}", "--as", "eddie"],
    "review-approve": ["review", "approve", "red-gold-of-herat", "--lang", "pashto"],
    "review-send-back": ["review", "send-back", "the-salang-tunnel", "--lang", "dari"],
    "users-add": ["users", "add", "newbie", "--role", "editor", "--password-stdin"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_command_on_a_full_disk_is_one_line_and_changes_nothing(
    name: str, small_disk: Path, command_template: Path
) -> None:
    """Each command as a user runs it (its own process, no Prefect API running, so
    ``run`` and ``publish`` start Prefect's temporary API, whose home ``.prefect/`` is on
    the full disk too): exit status 2, one line saying the disk is full, no traceback,
    nothing changed."""
    root = small_disk / "ws"
    shutil.copytree(command_template, root, symlinks=True, ignore=QUIET)
    args = [
        a.replace("{edited}", str(command_template.parent / "edited.po")) for a in COMMANDS[name]
    ]
    if name in ("review-approve", "review-send-back"):
        args += ["--as", "eddie"] + (
            ["--comment", "more work"] if name == "review-send-back" else []
        )
    before = _state(root)
    filler = fill(small_disk)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    done = subprocess.run(
        [sys.executable, "-m", "azad", "--workspace", str(root), *args],
        input="a long enough password\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output
    assert done.stderr.splitlines() == [done.stderr.strip()], output
    assert done.stderr.startswith("azad: error: ") and "the disk is full" in done.stderr, output
    filler.unlink()
    after = _state(root)
    after.pop(".azad/run.lock", None)  # the workspace lock's (empty) file
    assert after == before
