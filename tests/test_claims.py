"""Claims that end (issue 24): a claim says who is working on a translation, so it ends
when the work does — every segment reviewed (in the app or by a CAT-tool import), an
approval, a send-back by its holder, or its expiry — each written in the record's history.
The editor page's "claimed" banner shows only while a claim stands, and ``azad review
status`` and the queue page name the same holder."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from helpers import approve, save_segment
from starlette.testclient import TestClient
from test_review_support import (
    PASSWORD,
    SALANG,
    copy_workspace,
    queue_template,
    register_cli,
)
from test_review_support import as_user as support_as_user

from azad.cli import run
from azad.db.users import add_user
from azad.queue import status as state
from azad.queue.record import Claim
from azad.queue.store import Queue
from azad.review.edits import read_segments
from azad.review.exchange import export_text, import_file
from azad.workspace import Workspace


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = queue_template(tmp_path_factory.mktemp("claims") / "ws")
    add_user(Workspace(root.resolve()), "dina", "translator", ["dari"], PASSWORD)
    return root


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(template, tmp_path / "ws")


def as_user(ws: Workspace, name: str) -> tuple[TestClient, str]:
    return support_as_user(ws, name, follow_redirects=False)


def events(ws: Workspace) -> list[tuple[str, str, str]]:
    record = Queue(ws).load_record(SALANG, "dari")
    return [(e.by, e.action, e.comment) for e in record.history]


def cli_holder(ws: Workspace, capsys: pytest.CaptureFixture[str]) -> str | None:
    """Who ``azad review status --json`` says holds the Dari translation."""
    register_cli()
    capsys.readouterr()
    assert run(["-w", str(ws.root), "review", "status", SALANG, "--lang", "dari", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    holder: str | None = row["held_by"]
    return holder


def queue_holder(client: TestClient) -> str:
    """The "held by" cell of the Dari row of the queue page."""
    page = client.get("/").text
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)
    (row,) = [r for r in rows if f"/t/{SALANG}/dari" in r]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return cells[4].strip()  # article, language, status, progress, held by, age


def banner_shown(client: TestClient) -> bool:
    page = client.get(f"/t/{SALANG}/dari").text
    return 'id="claim-warning" role="alert">' in page


def save_all(ws: Workspace, by: str, *, but: int = 0) -> None:
    """``by`` confirms every segment (all but the last ``but``) through the save path."""
    units = read_segments(ws, SALANG, "dari")
    for unit in units[: len(units) - but]:
        save_segment(ws, SALANG, "dari", unit.ctx, "متن " + unit.ctx, unit.rev, by=by)


def test_a_claim_ends_when_the_last_segment_is_reviewed_in_the_app(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    tr, csrf = as_user(ws, "dara")
    other, _ = as_user(ws, "dina")
    units = read_segments(ws, SALANG, "dari")
    save_all(ws, "dara", but=1)
    # The first save through the app claims it for the translator.
    last = units[-1]
    first = read_segments(ws, SALANG, "dari")[0]
    r = tr.post(
        f"/api/t/{SALANG}/dari/segments/{first.ctx}",
        json={"text": first.text + " ۱", "rev": first.rev, "reviewed": True},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    assert state.translation_status(ws, SALANG, "dari").claimed_by == "dara"
    assert banner_shown(other)
    assert cli_holder(ws, capsys) == "dara" and "dara" in queue_holder(other)
    # The last unreviewed segment, saved through the app: the work is done, the claim ends
    # (and the save does not claim it again).
    r = tr.post(
        f"/api/t/{SALANG}/dari/segments/{last.ctx}",
        json={"text": "متن آخر", "rev": last.rev, "reviewed": True},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    st = state.translation_status(ws, SALANG, "dari")
    assert st.status == "reviewed" and st.claimed_by is None and st.record.claim is None
    assert events(ws)[-1] == ("dara", "claim ended", "dara: fully reviewed")
    assert not banner_shown(other)
    assert cli_holder(ws, capsys) is None and queue_holder(other) == ""


def test_a_claim_ends_when_a_cat_tool_import_completes_the_translation(
    ws: Workspace, tmp_path: Path
) -> None:
    state.claim(ws, SALANG, "dari", "dara")
    data = export_text(ws, SALANG, "dari", "po").decode()
    # Every entry confirmed in the CAT tool: no fuzzy flag left.
    edited = tmp_path / "done.po"
    edited.write_text(data.replace("#, fuzzy\n", ""), encoding="utf-8")
    import_file(ws, edited, by="dara")
    st = state.translation_status(ws, SALANG, "dari")
    assert st.unreviewed == [] and st.claimed_by is None
    assert events(ws)[-1] == ("dara", "claim ended", "dara: fully reviewed")


def test_a_claim_stands_while_segments_are_left(ws: Workspace) -> None:
    state.claim(ws, SALANG, "dari", "dara")
    save_all(ws, "dara", but=1)
    assert state.translation_status(ws, SALANG, "dari").claimed_by == "dara"
    assert [a for _, a, _ in events(ws)] == ["claim"]


def test_a_save_into_a_complete_translation_leaves_its_claim(ws: Workspace) -> None:
    # An editor claims the reviewed translation to look it over and corrects a word: the
    # save completed nothing, so the claim stands until the approval.
    save_all(ws, "dara")
    state.claim(ws, SALANG, "dari", "eddie")
    unit = read_segments(ws, SALANG, "dari")[0]
    save_segment(ws, SALANG, "dari", unit.ctx, unit.text + " ۲", unit.rev, by="eddie")
    assert state.translation_status(ws, SALANG, "dari").claimed_by == "eddie"
    assert events(ws)[-1] == ("eddie", "claim", "")


def test_a_claim_ends_with_the_approval(ws: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    save_all(ws, "dara")
    # An editor claims the reviewed translation to look at it, then approves it.
    state.claim(ws, SALANG, "dari", "eddie")
    ed, _ = as_user(ws, "eddie")
    assert "eddie" in queue_holder(ed)
    approve(ws, SALANG, "dari", "eddie")
    st = state.translation_status(ws, SALANG, "dari")
    assert st.status == "approved" and st.claimed_by is None
    assert events(ws)[-2:] == [
        ("eddie", "approve", ""),
        ("eddie", "claim ended", "eddie: approved"),
    ]
    assert cli_holder(ws, capsys) is None and queue_holder(ed) == ""


def test_a_claim_ends_when_its_holder_sends_the_translation_back(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    state.claim(ws, SALANG, "dari", "dara", hours=1)
    save_all(ws, "dina", but=1)  # dara holds it; someone else's saves do not end it
    state.take_over(ws, SALANG, "dari", "eddie")
    ed, csrf = as_user(ws, "eddie")
    ctx = read_segments(ws, SALANG, "dari")[0].ctx
    r = ed.post(
        f"/t/{SALANG}/dari/segments/send-back",
        data={"csrf": csrf, "comment": "the names", "ctx": ctx},
    )
    assert r.status_code == 303, r.text
    assert "Not done" not in r.headers["location"]
    st = state.translation_status(ws, SALANG, "dari")
    assert st.status == "sent back" and st.claimed_by is None
    assert events(ws)[-1] == ("eddie", "claim ended", "eddie: sent back")
    assert cli_holder(ws, capsys) is None and queue_holder(ed) == ""
    tr, _ = as_user(ws, "dina")
    assert not banner_shown(tr)


def test_a_translators_claim_stands_when_segments_are_sent_back_to_her(ws: Workspace) -> None:
    state.claim(ws, SALANG, "dari", "dara")
    save_all(ws, "dina", but=1)
    ed, csrf = as_user(ws, "eddie")
    ctx = read_segments(ws, SALANG, "dari")[0].ctx
    r = ed.post(
        f"/t/{SALANG}/dari/segments/send-back",
        data={"csrf": csrf, "comment": "the names", "ctx": ctx},
    )
    assert r.status_code == 303 and "Not done" not in r.headers["location"]
    assert state.translation_status(ws, SALANG, "dari").claimed_by == "dara"


def test_an_expired_claim_is_gone_at_once_and_written_with_the_next_change(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    queue = Queue(ws)
    start = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    with queue.locked(SALANG, "dari"):
        record = queue.load_record(SALANG, "dari")
        record.claim = Claim(by="dara", at=start, expires=start + dt.timedelta(hours=8))
        queue.save_record(SALANG, "dari", record)
    other, _ = as_user(ws, "dina")
    # Nobody holds it any more: not the banner, not the queue, not the command line.
    assert state.translation_status(ws, SALANG, "dari").claimed_by is None
    assert not banner_shown(other)
    assert cli_holder(ws, capsys) is None and queue_holder(other) == ""
    # The next change of the record writes the expiry, at the time it expired.
    state.claim(ws, SALANG, "dari", "dina")
    record = queue.load_record(SALANG, "dari")
    expired, claimed = record.history[-2:]
    assert (expired.by, expired.action, expired.at) == (
        "dara",
        "claim expired",
        start + dt.timedelta(hours=8),
    )
    assert (claimed.by, claimed.action) == ("dina", "claim")
    assert record.claimed_by == "dina"


def test_a_translators_save_into_a_complete_translation_claims_nothing(ws: Workspace) -> None:
    """A claim says who is working on a translation: a correction to one that has no work
    left (every segment reviewed, nobody holding it) does not claim it."""
    save_all(ws, "dara")  # completes it; the claim the first save took ends with the last
    assert state.translation_status(ws, SALANG, "dari").claimed_by is None
    before = events(ws)
    unit = read_segments(ws, SALANG, "dari")[0]
    save_segment(ws, SALANG, "dari", unit.ctx, unit.text + " ۱", unit.rev, by="dina")
    st = state.translation_status(ws, SALANG, "dari")
    assert st.status == "reviewed" and st.claimed_by is None
    assert events(ws) == before
