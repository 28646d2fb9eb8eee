"""A full disk (issue 12, case 11), for real: the workspace lives on a small tmpfs that a
filler file fills to the last byte. A web save answers 507 with a message that says the
text was not saved (the editor page keeps it: editor.js shows the message and leaves the
textarea alone on any answer that is not 2xx); ``azad publish`` prints one line and exits
non-zero; nothing is half-written."""

from __future__ import annotations

import errno
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import EXAMPLES, approve_translation, snapshot
from starlette.testclient import TestClient
from test_review_support import add_users, make_queue

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


def test_publish_on_a_full_disk_is_one_line_and_changes_nothing(
    small_disk: Path,
    test_packages: dict[str, Path],
    prefect_api: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from azad.mt.packages import install_file
    from azad.services.translate import translate_articles

    root = small_disk / "ws"
    assert run(["init", str(root)]) == 0
    ws = Workspace(root)
    install_file(ws.models_dir, test_packages["fa"])
    assert run(["--workspace", str(root), "ingest", str(EXAMPLES / "salang-tunnel.md")]) == 0
    translate_articles(ws, ["the-salang-tunnel"], ["dari"])
    approve_translation(ws, "the-salang-tunnel", "dari")
    before = snapshot(root)
    filler = fill(small_disk)
    capsys.readouterr()
    code = run(["--workspace", str(root), "publish", "--lang", "dari"])
    out, err = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in err + out
    # Prefect's flow-run log lines go to stderr too; the error is one line of its own.
    lines = [line for line in err.splitlines() if line.startswith("azad: error")]
    assert len(lines) == 1 and "the disk is full" in lines[0], err
    filler.unlink()
    after = snapshot(root)
    after.pop(".azad/run.lock")  # the workspace lock's (empty) file
    assert after == before
