"""The Prefect flows, run for real against Prefect's temporary local API."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import EXAMPLES, copy_file, snapshot

from azad.db.connection import connect
from azad.queue.articles import ArticleStore
from azad.queue.store import Queue
from azad.workspace import Workspace

# Slow (runs the flows on Prefect): not in `make check`.
pytestmark = pytest.mark.slow


@pytest.fixture
def ws_articles(ws_with_models: Workspace) -> Workspace:
    for name in ("herat-saffron.txt", "salang-tunnel.md"):
        copy_file(EXAMPLES / name, ws_with_models.articles_dir)
    return ws_with_models


def run_flow(ws: Workspace, paths: list[str] | None = None):
    from flows.pipeline import translate_articles

    return translate_articles(paths=paths, workspace=str(ws.root))


def test_run_twice_then_after_an_edit(prefect_api: None, ws_articles: Workspace) -> None:
    outcomes = run_flow(ws_articles)
    assert all(o.ok for o in outcomes) and len(outcomes) == 4
    pos = sorted(ws_articles.translations_dir.glob("*/*.po"))
    assert [p.name for p in pos] == ["dari.po", "pashto.po", "dari.po", "pashto.po"]
    assert sum(o.sent for o in outcomes) == sum(o.segments for o in outcomes) > 0
    # The new drafts were checked in the flow (azad.review.qa_results): the editor page
    # will find every segment's warnings stored.
    with connect(ws_articles) as conn:
        stored = conn.execute("SELECT count(*) FROM qa_results").fetchone()[0]
    distinct = {
        (k, u.english, u.text)
        for slug, k in Queue(ws_articles).pairs()
        for u in Queue(ws_articles).read(slug, k).live
    }
    assert stored >= len(distinct)

    before = snapshot(ws_articles.translations_dir)
    again = run_flow(ws_articles)
    assert sum(o.sent for o in again) == 0
    assert snapshot(ws_articles.translations_dir) == before

    md = ws_articles.articles_dir / "salang-tunnel.md"
    md.write_text(
        md.read_text().replace(
            "Both would cost billions of dollars.", "Both would cost several billion dollars."
        )
    )
    edited = run_flow(ws_articles)
    paragraph = next(
        b
        for b in ArticleStore(ws_articles).load("the-salang-tunnel").article.blocks
        if "several billion dollars" in b.text
    )
    by_name = {o.name: o.sent for o in edited}
    assert by_name["the-salang-tunnel (dari)"] == 1
    assert by_name["the-salang-tunnel (pashto)"] == 1
    assert by_name["red-gold-of-herat (dari)"] == 0
    assert len(paragraph.segments) == 3  # only the changed sentence went to the model


def test_a_task_that_fails_once_is_retried(
    prefect_api: None, ws_articles: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.pipeline as pipeline

    real = pipeline.translate_library
    calls: list[tuple[str, str]] = []

    def flaky(ws, slugs, langs):
        calls.append((slugs[0], langs[0]))
        if calls.count((slugs[0], langs[0])) == 1 and slugs[0] == "red-gold-of-herat":
            raise ConnectionError("injected transient failure")
        return real(ws, slugs, langs)

    monkeypatch.setattr(pipeline, "translate_library", flaky)
    outcomes = run_flow(ws_articles)
    assert all(o.ok for o in outcomes)
    assert calls.count(("red-gold-of-herat", "dari")) == 2


def test_a_failing_article_does_not_stop_the_others(
    prefect_api: None, ws_articles: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import flows.pipeline as pipeline

    real = pipeline.translate_library

    def broken(ws, slugs, langs):
        if slugs[0] == "the-salang-tunnel":
            raise RuntimeError("this article always fails")
        return real(ws, slugs, langs)

    monkeypatch.setattr(pipeline, "translate_library", broken)
    bad = tmp_path / "empty.md"
    bad.write_text("")
    outcomes = run_flow(
        ws_articles, paths=[str(bad), *map(str, ws_articles.articles_dir.iterdir())]
    )
    failed = sorted(o.name for o in outcomes if not o.ok)
    assert failed == [
        f"{bad}: file is empty",
        "the-salang-tunnel (dari)",
        "the-salang-tunnel (pashto)",
    ]
    assert all(o.ok for o in outcomes if o.name.startswith("red-gold-of-herat"))
    assert (ws_articles.article_dir("red-gold-of-herat") / "dari.po").is_file()
