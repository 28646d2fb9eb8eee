"""``azad doctor`` and ``GET /healthz`` (issue 22): each broken prerequisite (a missing
font, pandoc, model; a full disk; an unwritable folder; a damaged database; models a
restored backup left out) gives its own message and a non-zero exit; ``/healthz`` answers
503 naming only the failing component, with nothing but one word per component."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import test_disk_full
from starlette.testclient import TestClient

from azad.backup import backup, restore
from azad.cli import run
from azad.db.connection import connect, db_path
from azad.mt.packages import install_file
from azad.web.app import create_app
from azad.workspace import Workspace

pytestmark = pytest.mark.slow  # mounts a full and a read-only file system

small_disk = test_disk_full.small_disk  # the full-disk tests' tmpfs fixture
fill = test_disk_full.fill

Doctor = Callable[[Workspace], tuple[int, list[str]]]


@pytest.fixture
def doctor(capsys: pytest.CaptureFixture[str]) -> Doctor:
    def invoke(ws: Workspace) -> tuple[int, list[str]]:
        capsys.readouterr()
        code = run(["--workspace", str(ws.root), "doctor"])
        out = capsys.readouterr().out
        return code, [line for line in out.splitlines() if line.startswith("FAIL")]

    return invoke


def _fail(lines: list[str], component: str) -> str:
    """The one FAIL line, which must be about ``component``."""
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"FAIL {component}:"), lines
    return lines[0]


def test_a_complete_installation_passes(ws_with_models: Workspace, doctor: Doctor) -> None:
    code, failed = doctor(ws_with_models)
    assert (code, failed) == (0, [])


def test_a_missing_font_is_named(ws_with_models: Workspace, doctor: Doctor) -> None:
    toml = ws_with_models.root / "azad.toml"
    toml.write_text(
        toml.read_text().replace(
            'body_fonts = ["NotoNaskhArabic-Regular.ttf"]', 'body_fonts = ["Nastaliq-Gone.ttf"]'
        )
    )
    assert "Nastaliq-Gone.ttf" in toml.read_text()
    code, failed = doctor(Workspace(ws_with_models.root))
    assert code == 1
    assert "Nastaliq-Gone.ttf" in _fail(failed, "fonts")


def test_a_missing_pandoc_is_named(
    ws_with_models: Workspace, doctor: Doctor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import pypandoc

    # The code finds pandoc through pypandoc, which takes PYPANDOC_PANDOC before its own.
    monkeypatch.setenv("PYPANDOC_PANDOC", str(tmp_path / "no-pandoc-here"))
    try:
        code, failed = doctor(ws_with_models)
    finally:
        monkeypatch.delenv("PYPANDOC_PANDOC")
        pypandoc.clean_pandocpath_cache()  # the next test finds the real one again
    assert code == 1
    assert "No pandoc was found" in _fail(failed, "pandoc")


def test_a_missing_model_is_named_with_the_command_that_installs_it(
    workspace: Workspace, test_packages: dict[str, Path], doctor: Doctor
) -> None:
    install_file(workspace.models_dir, test_packages["ps"])
    code, failed = doctor(workspace)
    assert code == 1
    assert "translate-en_fa" in _fail(failed, "model dari")


def test_a_full_disk_is_named(
    small_disk: Path, test_packages: dict[str, Path], doctor: Doctor
) -> None:
    assert run(["init", str(small_disk / "ws")]) == 0
    ws = Workspace((small_disk / "ws").resolve())
    for archive in test_packages.values():
        install_file(ws.models_dir, archive)
    fill(small_disk)
    code, failed = doctor(ws)
    assert code == 1
    assert re.search(r"\b0 MB free", _fail(failed, "disk"))


@pytest.fixture
def read_only_output(ws_with_models: Workspace) -> Iterator[Workspace]:
    """``output/`` on a read-only mount: unwritable even for root (permission bits are not)."""
    out = ws_with_models.output_dir
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(out)], check=False
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs")
    subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
    try:
        yield ws_with_models
    finally:
        subprocess.run(["umount", "-l", str(out)], check=False)


def test_an_unwritable_folder_is_named(read_only_output: Workspace, doctor: Doctor) -> None:
    code, failed = doctor(read_only_output)
    assert code == 1
    line = _fail(failed, "writable output")
    assert "Read-only file system" in line


def test_a_damaged_database_is_named(ws_with_models: Workspace, doctor: Doctor) -> None:
    with connect(ws_with_models):
        pass
    db_path(ws_with_models).write_bytes(b"this is not SQLite " * 500)
    code, failed = doctor(ws_with_models)
    assert code == 1
    _fail(failed, "database")


def test_a_restored_backup_without_weights_names_the_models_to_install_again(
    ws_with_models: Workspace, doctor: Doctor, tmp_path: Path
) -> None:
    archive = backup(ws_with_models, tmp_path / "b.tar.gz").path
    restore(archive, tmp_path / "restored")
    code, failed = doctor(Workspace((tmp_path / "restored").resolve()))
    assert code == 1
    names = sorted(re.sub(r":.*", "", line) for line in failed)
    assert names[:2] == ["FAIL model dari", "FAIL model pashto"], failed
    assert {"FAIL model translate-en_fa", "FAIL model translate-en_ps"} <= set(names), failed


# ---- /healthz -------------------------------------------------------------------------


def _health(ws: Workspace) -> tuple[int, dict[str, str], str]:
    client = TestClient(create_app(ws), raise_server_exceptions=False)
    answer = client.get("/healthz")
    return answer.status_code, answer.json(), answer.text


def test_healthz_is_public_and_says_one_word_per_component(ws_with_models: Workspace) -> None:
    status, words, text = _health(ws_with_models)
    assert status == 200
    assert words == {"database": "ok", "disk": "ok", "models": "ok"}
    # Nothing else: no versions, paths or model names.
    for secret in (str(ws_with_models.root), "translate-en", "sqlite", "3."):
        assert secret not in text


def test_healthz_answers_503_naming_a_broken_database(ws_with_models: Workspace) -> None:
    assert _health(ws_with_models)[0] == 200
    db_path(ws_with_models).write_bytes(b"this is not SQLite " * 500)
    status, words, _ = _health(ws_with_models)
    assert status == 503
    assert words == {"database": "failing", "disk": "ok", "models": "ok"}


def test_healthz_answers_503_naming_a_full_disk(
    small_disk: Path, test_packages: dict[str, Path]
) -> None:
    assert run(["init", str(small_disk / "ws")]) == 0
    ws = Workspace((small_disk / "ws").resolve())
    for archive in test_packages.values():
        install_file(ws.models_dir, archive)
    with connect(ws):
        pass
    fill(small_disk)
    status, words, _ = _health(ws)
    assert status == 503
    # The disk says why. The database may still read (a process keeps its connections,
    # and their write-ahead log files, open) or fail to (a new one needs room for them).
    assert words.pop("database") in ("ok", "failing")
    assert words == {"disk": "failing", "models": "ok"}


def test_healthz_names_missing_models_and_an_unreachable_prefect_api(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{port}/api")
    status, words, _ = _health(workspace)
    assert status == 503
    assert words == {"database": "ok", "disk": "ok", "models": "failing", "prefect": "failing"}
