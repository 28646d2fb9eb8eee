"""``azad run``: folders as arguments, and answers without Prefect when nothing is to do."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import EXAMPLES, copy_file

from azad.queue.articles import ArticleStore
from azad.services.pending import translation_work
from azad.services.translate import translate_articles
from azad.workspace import Workspace

# Slow (`azad run` on Prefect): not in `make check`.
pytestmark = pytest.mark.slow


@pytest.fixture
def restore_environ() -> Iterator[None]:
    """The CLI sets Prefect's environment in-process (prepare_prefect): undo it."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_run_takes_every_supported_file_in_a_folder(
    prefect_api: None, restore_environ: None, ws_with_models: Workspace, cli, tmp_path: Path
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name in ("herat-saffron.txt", "salang-tunnel.md"):
        copy_file(EXAMPLES / name, folder)
    (folder / "NOTES").write_text("not an article")  # no extension: left alone
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    result = cli("run", str(folder))
    assert result.code == 0, result.err
    slugs = ArticleStore(ws_with_models).slugs()
    assert slugs == ["red-gold-of-herat", "the-salang-tunnel"]
    for slug in slugs:
        for key in ("dari", "pashto"):
            assert (ws_with_models.article_dir(slug) / f"{key}.po").is_file()


def test_a_folder_without_articles_is_one_line(cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "NOTES").write_text("x")
    result = cli("run", str(empty))
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"azad: error: {empty}: no supported files in this folder "
        "(.docx, .htm, .html, .markdown, .md, .pdf, .txt)"
    ]


@pytest.fixture
def up_to_date(ws_with_models: Workspace) -> Workspace:
    """Articles ingested and translated by the library, without Prefect."""
    ws = ws_with_models
    for name in ("herat-saffron.txt", "salang-tunnel.md"):
        copy_file(EXAMPLES / name, ws.articles_dir)
    from azad.services.ingest import ingest_files, pending_files

    ingest_files(ws, pending_files(ws))
    translate_articles(ws, ArticleStore(ws).slugs(), list(ws.settings.languages))
    return ws


def test_what_run_would_do(up_to_date: Workspace) -> None:
    ws = up_to_date
    assert translation_work(ws, None).empty
    assert translation_work(ws, [ws.articles_dir]).empty

    # A translator's save makes a PO file newer: still nothing to do.
    po = ws.article_dir("the-salang-tunnel") / "dari.po"
    po.write_text(po.read_text() + "\n")
    assert translation_work(ws, None).empty

    # A missing PO file, then one older than its article.
    po.unlink()
    assert translation_work(ws, None).stale == [("the-salang-tunnel", "dari")]
    translate_articles(ws, ["the-salang-tunnel"], ["dari"])
    source = ws.article_dir("red-gold-of-herat") / "source.json"
    later = time.time() + 5
    os.utime(source, (later, later))
    assert translation_work(ws, None).stale == [
        ("red-gold-of-herat", "dari"),
        ("red-gold-of-herat", "pashto"),
    ]
    # A path given: only what it would ingest counts (as in the flow).
    assert translation_work(ws, [ws.articles_dir]).empty

    # A changed English file, and a new one.
    md = ws.articles_dir / "salang-tunnel.md"
    md.write_text(md.read_text().replace("billions", "several billion"))
    assert translation_work(ws, [ws.articles_dir]).files == [md]
    new = copy_file(EXAMPLES / "herat-saffron.txt", ws.articles_dir, "another.txt")
    assert translation_work(ws, None).files == [new, md]


NO_PREFECT = """
import sys
from azad.cli import run
code = run(sys.argv[1:])
assert code == 0, code
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("prefect", "flows", "weasyprint"))
print("LOADED", loaded)
"""


@pytest.mark.parametrize("command", ["run", "publish"])
def test_nothing_to_do_does_not_start_prefect(up_to_date: Workspace, command: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    done = subprocess.run(
        [sys.executable, "-c", NO_PREFECT, "--workspace", str(up_to_date.root), command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "nothing to" in done.stdout
    assert "LOADED []" in done.stdout
    assert not (up_to_date.root / ".prefect").exists()
