"""Issue 14, a 20,000-segment article opening in under a second after a restart: what the
app remembers across processes, and that none of it can ever show stale content.

* Parsed PO files (:mod:`azad.queue.parsed`): a disk copy keyed by the SHA-256 of the
  file's bytes; a file changed by anyone is a new key; a damaged or foreign copy is
  ignored; copies are written once the file is quiet, or at exit.
* QA warnings (:mod:`azad.review.qa_results`): in the review database, keyed by the checks'
  version, the language, the glossary's content, the English and the text.

A new :class:`ParsedFiles` (or an emptied process memory) stands for a restarted app."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_review_support import as_user, queue_template

from azad.db.connection import connect
from azad.glossary import load_glossary
from azad.queue import parsed
from azad.queue.parsed import ParsedFiles, from_bytes, to_bytes
from azad.queue.store import Queue
from azad.queue.units import Provenance, TranslationFile, Unit
from azad.review import qa_results
from azad.review.qa_results import glossary_version, warnings_for
from azad.workspace import Workspace

SLUG = "the-salang-tunnel"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return queue_template(tmp_path_factory.mktemp("restart") / "ws")


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    shutil.copytree(template, tmp_path / "ws")
    return Workspace((tmp_path / "ws").resolve())


@pytest.fixture(autouse=True)
def _fresh_process_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """QA results remembered by earlier tests (same texts, other workspaces) stay out."""
    monkeypatch.setattr(qa_results, "_memory", {})


@pytest.fixture
def every_file_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Disk copies for files of any size (the examples are small)."""
    monkeypatch.setattr(parsed, "DISK_MIN_BYTES", 0)


def copies(ws: Workspace) -> list[Path]:
    return sorted((ws.cache_dir / "parsed").glob("*.json"))


def read_after_restart(ws: Workspace, lang: str = "dari") -> TranslationFile:
    """What a fresh process reads: a new cache, the same disk."""
    path = Queue(ws).po_path(SLUG, lang)
    return ParsedFiles().get(path.read_bytes(), path, ws.cache_dir)


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("parsed the PO file again")

    monkeypatch.setattr(parsed, "parse_po", refuse)


# ---- parsed files -------------------------------------------------------------------------


def test_a_restarted_process_reads_the_disk_copy_instead_of_parsing(
    ws: Workspace, every_file_on_disk: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Queue(ws).po_path(SLUG, "dari")
    first = ParsedFiles()
    expected = first.get(path.read_bytes(), path, ws.cache_dir)
    assert copies(ws) == []  # written once the file is quiet, not while it is read
    first.flush()
    assert len(copies(ws)) == 1
    no_parsing(monkeypatch)
    assert read_after_restart(ws) == expected


def test_a_file_changed_outside_the_app_is_parsed_not_taken_from_its_old_copy(
    ws: Workspace, every_file_on_disk: None
) -> None:
    path = Queue(ws).po_path(SLUG, "dari")
    cache = ParsedFiles()
    cache.get(path.read_bytes(), path, ws.cache_dir)
    cache.flush()
    # Poedit saves a new translation of the first draft (same size or not: the bytes differ)
    old = 'msgstr "پیش‌نویس شماره ۱"'.encode()
    assert old in path.read_bytes()
    path.write_bytes(path.read_bytes().replace(old, 'msgstr "ترجمهٔ تازه"'.encode(), 1))
    units = read_after_restart(ws).units
    assert "ترجمهٔ تازه" in [u.text for u in units]
    assert "پیش‌نویس شماره ۱" not in [u.text for u in units]


def test_a_damaged_or_foreign_copy_is_ignored_and_the_file_parsed(
    ws: Workspace, every_file_on_disk: None
) -> None:
    path = Queue(ws).po_path(SLUG, "dari")
    cache = ParsedFiles()
    expected = cache.get(path.read_bytes(), path, ws.cache_dir)
    cache.flush()
    (copy,) = copies(ws)
    copy.write_bytes(copy.read_bytes()[:1000])  # cut short (a full disk, a crash)
    assert read_after_restart(ws) == expected
    doc = json.loads(to_bytes(expected))
    doc["format"] = "another version"
    doc["units"][0][2] = "not in the file"
    copy.write_text(json.dumps(doc), encoding="utf-8")
    assert read_after_restart(ws) == expected
    doc = json.loads(to_bytes(expected))
    doc["units"][0] = doc["units"][0][:3]  # fields missing
    copy.write_text(json.dumps(doc), encoding="utf-8")
    assert read_after_restart(ws) == expected


def test_saves_replace_a_waiting_copy_and_only_the_newest_is_written(
    ws: Workspace, every_file_on_disk: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from azad.queue import store

    cache = ParsedFiles()
    monkeypatch.setattr(store, "_parsed", cache)
    queue = Queue(ws)
    for n in range(3):
        with queue.locked(SLUG, "dari"):
            tf = queue.read(SLUG, "dari")
            first = tf.units[0]
            tf.replace_unit(first.with_text(f"نسخهٔ {n}", "reviewed"))
            queue.write(SLUG, "dari", tf)
    cache.flush()
    (copy,) = copies(ws)
    assert from_bytes(copy.read_bytes()).units[0].text == "نسخهٔ 2"
    no_parsing(monkeypatch)
    assert read_after_restart(ws).units[0].text == "نسخهٔ 2"


def test_a_process_writes_its_waiting_copies_when_it_exits(
    ws: Workspace, every_file_on_disk: None
) -> None:
    script = (
        "import sys; from pathlib import Path\n"
        "from azad.queue import parsed\n"
        "parsed.DISK_MIN_BYTES = 0\n"
        "from azad.queue.store import Queue\n"
        "from azad.workspace import Workspace\n"
        "Queue(Workspace(Path(sys.argv[1]))).read('the-salang-tunnel', 'pashto')\n"
    )
    subprocess.run([sys.executable, "-c", script, str(ws.root)], check=True, timeout=120)
    (copy,) = copies(ws)
    assert from_bytes(copy.read_bytes()) == Queue(ws).read(SLUG, "pashto")


def test_old_copies_are_pruned_and_a_removed_workspace_is_not_made_again(
    ws: Workspace, every_file_on_disk: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(parsed, "DISK_FILES", 2)
    cache = ParsedFiles()
    for slug in Queue(ws).pairs():
        path = Queue(ws).po_path(*slug)
        cache.get(path.read_bytes(), path, ws.cache_dir)
    cache.flush()
    assert len(Queue(ws).pairs()) == 4 and len(copies(ws)) == 2
    gone = tmp_path / "gone" / "ws"
    path = Queue(ws).po_path(SLUG, "dari")
    cache.put(
        path.read_bytes() + b"\n",
        cache.get(path.read_bytes(), path, ws.cache_dir),
        path,
        gone / ".azad" / "cache",
    )
    cache.flush()
    assert not (tmp_path / "gone").exists()


def test_small_files_get_no_disk_copy(ws: Workspace) -> None:
    path = Queue(ws).po_path(SLUG, "dari")
    cache = ParsedFiles()
    cache.get(path.read_bytes(), path, ws.cache_dir)
    cache.flush()
    assert path.stat().st_size < parsed.DISK_MIN_BYTES and copies(ws) == []


def test_the_disk_copy_keeps_every_field_of_a_unit() -> None:
    unit = Unit(
        ctx="b3.s2",
        english="Kabul, 12 May",
        text="کابل، ۱۲ مه",
        state="draft",
        provenance=Provenance("machine", "argos", "en_fa 1.9", True, -0.25, "m", "d"),
        previous_english="Kabul, 11 May",
        qa=("placeholder lost",),
        substitutions=("a → b",),
        notes=("note",),
        translator_comment="comment\nsecond line",
        extra_flags=("c-format",),
        obsolete=True,
    )
    tf = TranslationFile(
        "header", {"Language": "fa_AF"}, [unit, Unit("title", "T", "", "untranslated")]
    )
    assert from_bytes(to_bytes(tf)) == tf


# ---- QA warnings ------------------------------------------------------------------------


def _warnings(ws: Workspace, lang: str = "dari") -> list[tuple[qa_results.QAWarning, ...]]:
    units = Queue(ws).read(SLUG, lang).live
    code = ws.settings.languages[lang].code
    path = ws.glossary_path
    return warnings_for(ws, units, code, load_glossary(path), glossary_version(path))


def restart_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qa_results, "_memory", {})


def stored_rows(ws: Workspace) -> int:
    with connect(ws) as conn:
        return int(conn.execute("SELECT count(*) FROM qa_results").fetchone()[0])


def refuse_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("checked again")

    monkeypatch.setattr(qa_results, "check_segment", refuse)


def test_warnings_survive_a_restart_without_checking_again(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _warnings(ws)
    assert any(first) and stored_rows(ws) >= len(
        {(u.english, u.text) for u in Queue(ws).read(SLUG, "dari").live}
    )
    restart_checks(monkeypatch)
    refuse_checks(monkeypatch)
    assert _warnings(ws) == first


def test_a_changed_text_glossary_or_check_is_checked_again(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _warnings(ws)
    queue = Queue(ws)
    tf = queue.read(SLUG, "dari")
    unit = next(u for u in tf.live if u.english.startswith("The Salang"))
    # A text with a number the English lacks: a warning the stored result did not have.
    with queue.locked(SLUG, "dari"):
        tf.replace_unit(unit.with_text(unit.text + " ۹۹۹", "draft"))
        queue.write(SLUG, "dari", tf)
    restart_checks(monkeypatch)
    after = _warnings(ws)
    at = [u.ctx for u in tf.live].index(unit.ctx)
    assert "999" in " ".join(w.message for w in after[at])
    assert "999" not in " ".join(w.message for w in before[at])

    # The glossary gains a term for a word of that sentence: its warning appears.
    with ws.glossary_path.open("a", encoding="utf-8") as fh:
        fh.write("Salang\tسالنگ\tسالنګ\t\n")
    restart_checks(monkeypatch)
    assert "glossary" in {w.kind for w in _warnings(ws)[at]}

    # Another version of the checks: nothing stored is used.
    restart_checks(monkeypatch)
    monkeypatch.setattr(qa_results, "CHECKS_VERSION", "another")
    refuse_checks(monkeypatch)
    with pytest.raises(AssertionError, match="checked again"):
        _warnings(ws)


def test_results_remembered_for_one_workspace_are_stored_in_another_too(
    ws: Workspace, tmp_path: Path
) -> None:
    """Memory mirrors one workspace's database: the same sentences checked for another
    workspace (a second queue served by the same process) are stored there as well."""
    other = Workspace((tmp_path / "other").resolve())
    shutil.copytree(ws.root, other.root)
    first = _warnings(ws)
    assert stored_rows(other) == 0
    assert _warnings(other) == first
    assert stored_rows(other) == stored_rows(ws) > 0


def test_a_damaged_row_is_checked_again(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _warnings(ws)
    with connect(ws) as conn, conn:
        conn.execute("UPDATE qa_results SET warnings = 'not json'")
    restart_checks(monkeypatch)
    assert _warnings(ws) == first


def test_the_database_keeps_the_newest_results_only(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qa_results, "ROWS_MAX", 5)
    _warnings(ws)
    _warnings(ws, "pashto")
    assert stored_rows(ws) == 5


def test_translating_checks_the_new_drafts(ws_with_models: Workspace) -> None:
    """``azad translate`` (and the translate flow, tests/test_flows.py) check what they
    wrote, so the editor page's first open finds every result stored."""
    from helpers import EXAMPLES

    from azad.cli import run
    from azad.services.ingest import ingest_files

    ws = ws_with_models
    ingest_files(ws, [EXAMPLES / "salang-tunnel.md"])
    assert stored_rows(ws) == 0
    assert run(["--workspace", str(ws.root), "translate", "--lang", "dari"]) == 0
    units = Queue(ws).read(SLUG, "dari").live
    assert stored_rows(ws) >= len({(u.english, u.text) for u in units}) > 0


def qa_summary(html: str) -> str:
    found = re.search(r'<p class="qa-summary">.*?</p>', html, re.S)
    assert found, "no QA summary on the page"
    return found.group()


def test_the_editor_page_of_a_restarted_app_uses_the_stored_results(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = as_user(ws, "dara")
    first = client.get(f"/t/{SLUG}/dari")
    assert first.status_code == 200
    restart_checks(monkeypatch)
    refuse_checks(monkeypatch)
    again = client.get(f"/t/{SLUG}/dari")
    assert again.status_code == 200
    assert qa_summary(again.text) == qa_summary(first.text)


SERVER = """
import sys, uvicorn
from pathlib import Path
from azad.queue import parsed
parsed.DISK_MIN_BYTES = 0  # the example articles are small
from azad.web.app import create_app
from azad.workspace import Workspace
uvicorn.run(create_app(Workspace(Path(sys.argv[1]))), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning")
"""


def test_the_served_app_stopped_by_sigterm_leaves_the_copies_of_what_it_read(
    ws: Workspace,
) -> None:
    """As ``azad review serve`` under a service manager: uvicorn raises SIGTERM again once
    it has shut down (atexit handlers never run), so the app's shutdown writes them."""
    import signal
    import socket
    import time

    import httpx2 as httpx
    from test_review_support import PASSWORD

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(ws.root), str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=60) as client:
            token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
            assert token
            client.post(
                "/login",
                data={"csrf": token.group(1), "name": "dara", "password": PASSWORD, "next": "/"},
            )
            assert client.get(f"/t/{SLUG}/dari").status_code == 200
        assert copies(ws) == []  # waiting for the file to be quiet
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert proc.returncode in (0, -signal.SIGTERM)  # uvicorn raises the signal again
    assert any(from_bytes(c.read_bytes()) == Queue(ws).read(SLUG, "dari") for c in copies(ws))
