"""The post-edit report on real workspaces: drafts by the test model, edits saved the way
the web app saves them, approvals by an editor; the CLI table and JSON, and the editors'
page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from helpers import EXAMPLES, approve
from starlette.testclient import TestClient
from test_review_support import add_users, login

from azad.queue.store import Queue
from azad.review.edits import Edit, apply_edits
from azad.review.postedits import post_edit_report
from azad.services.ingest import ingest_files
from azad.services.translate import translate_articles
from azad.web.app import create_app
from azad.workspace import Workspace

PACKAGE = "translate-en_fa 0.0.1 (test model)"


def review(ws: Workspace, slug: str, edit_every: int = 0) -> list[int]:
    """A translator confirms every segment; every ``edit_every``-th one they change by
    appending two characters. Returns the lengths of the edited approved texts."""
    units = Queue(ws).read(slug, "dari").live
    edits, edited = [], []
    for i, u in enumerate(units):
        text = u.text
        if edit_every and i % edit_every == 0:
            text += " ت"
            edited.append(i)
        edits.append(Edit(u.ctx, text, u.rev, True))
    apply_edits(ws, slug, "dari", edits, by="dara", via="web")
    return edited


@pytest.fixture
def ws(ws_with_models: Workspace) -> Workspace:
    return ws_with_models


def salang_and_herat(ws: Workspace) -> tuple[str, str]:
    outcomes = ingest_files(ws, [EXAMPLES / "salang-tunnel.md", EXAMPLES / "herat-saffron.txt"])
    salang, herat = (o.slug for o in outcomes)
    translate_articles(ws, [salang, herat], ["dari"])
    return salang, herat


def test_edits_before_approval_are_measured(ws: Workspace) -> None:
    salang, herat = salang_and_herat(ws)
    edited = review(ws, salang, edit_every=3)
    approve(ws, salang, "dari", "eddie")
    review(ws, herat)  # reviewed but not approved: not in the report
    (row,) = post_edit_report(ws)
    units = Queue(ws).read(salang, "dari").live
    n = len(units)
    assert (row.package, row.lang_key, row.translations) == (PACKAGE, "dari", 1)
    assert row.month == dt.datetime.now(dt.UTC).strftime("%Y-%m")
    assert row.segments == row.machine == n
    assert row.unchanged == pytest.approx((n - len(edited)) / n)
    # Two characters appended per edited segment, per character of approved text.
    assert row.edit_rate == pytest.approx(2 * len(edited) / sum(len(u.text) for u in units))
    assert row.chrf is not None and 50 < row.chrf < 100
    assert row.from_memory == 0


def test_drafts_approved_unchanged_score_full_marks(ws: Workspace) -> None:
    salang, _ = salang_and_herat(ws)
    review(ws, salang)
    approve(ws, salang, "dari", "eddie")
    (row,) = post_edit_report(ws)
    assert (row.chrf, row.edit_rate, row.unchanged) == (pytest.approx(100), 0, 1)


def test_memory_drafts_count_as_from_memory(ws: Workspace) -> None:
    salang, _ = salang_and_herat(ws)
    review(ws, salang)
    approve(ws, salang, "dari", "eddie")
    # The same article again under another name: every sentence comes from memory, only
    # the (different) title from the model.
    text = (EXAMPLES / "salang-tunnel.md").read_text(encoding="utf-8")
    again = ws.root / "articles" / "salang-again.md"
    again.write_text(text.replace("The Salang Tunnel:", "Salang Again:", 1), encoding="utf-8")
    (outcome,) = ingest_files(ws, [again])
    (report,) = translate_articles(ws, [outcome.slug], ["dari"])
    assert report.memory == report.total - 1
    review(ws, outcome.slug)
    approve(ws, outcome.slug, "dari", "eddie")
    (row,) = post_edit_report(ws)
    assert row.translations == 2 and row.machine == report.total + 1
    assert row.from_memory == pytest.approx((report.total - 1) / (2 * report.total))


def test_the_command_prints_the_table_and_json(cli, ws: Workspace) -> None:
    result = cli("report", "post-edits")
    assert result.code == 0 and "no approved translations yet" in result.out
    salang, _ = salang_and_herat(ws)
    review(ws, salang, edit_every=2)
    approve(ws, salang, "dari", "eddie")
    result = cli("report", "post-edits")
    assert result.code == 0, result.err
    assert "translate-en_fa 0.0.1" in result.out and "chrF" in result.out
    data = json.loads(cli("report", "post-edits", "--json").out)
    assert data[0]["package"] == PACKAGE and data[0]["unchanged"] < 1
    assert json.loads(cli("report", "post-edits", "--json", "--lang", "pashto").out) == []
    assert cli("report", "post-edits", "--lang", "klingon").code == 2


def test_the_editors_page_and_its_link(ws: Workspace) -> None:
    salang, _ = salang_and_herat(ws)
    review(ws, salang, edit_every=2)
    approve(ws, salang, "dari", "eddie")
    add_users(ws)
    editor = TestClient(create_app(ws))
    login(editor, "eddie")
    assert 'href="/reports/post-edits"' in editor.get("/").text
    page = editor.get("/reports/post-edits")
    assert page.status_code == 200
    (row,) = post_edit_report(ws)
    assert PACKAGE in page.text and f"{row.chrf:.1f}" in page.text
    translator = TestClient(create_app(ws))
    login(translator, "dara")
    assert 'href="/reports/post-edits"' not in translator.get("/").text
    assert translator.get("/reports/post-edits").status_code == 403
