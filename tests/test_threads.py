"""Threads (issue 24): replies, resolving and reopening, editing and deleting one's own
comments (recorded), open questions counted at the top of the editor page, and approval
with open questions (a confirmation on the web, ``--ignore-open-questions`` on the
command line). Also review by difference on the server: the "unchanged from the
machine" marker and filter, the word diffs, and the queue's "ready for me"."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from helpers import save_segment
from starlette.testclient import TestClient
from test_review_support import (
    SALANG,
    copy_workspace,
    queue_template,
    register_cli,
    review_everything,
)
from test_review_support import as_user as support_as_user

from azad.cli import run
from azad.db.connection import connect
from azad.queue.status import translation_status
from azad.review.edits import read_segments
from azad.review.threads import open_question_count
from azad.web.templating import when_text
from azad.workspace import Workspace


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return queue_template(tmp_path_factory.mktemp("threads") / "ws")


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(template, tmp_path / "ws")


def as_user(ws: Workspace, name: str) -> tuple[TestClient, str]:
    return support_as_user(ws, name, follow_redirects=False)


def api(ctx: str, what: str = "") -> str:
    return f"/api/t/{SALANG}/dari/segments/{ctx}" + (f"/{what}" if what else "")


def post(c: TestClient, csrf: str, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, json=body, headers={"X-CSRF-Token": csrf})


def open_count(page: str) -> int:
    found = re.search(r'id="open-questions"><a [^>]*><span class="n">(\d+)</span>', page)
    assert found, "no open-question count on the page"
    return int(found.group(1))


def test_a_thread_is_answered_resolved_reopened_and_counted(ws: Workspace) -> None:
    dara, dcsrf = as_user(ws, "dara")
    eddie, ecsrf = as_user(ws, "eddie")
    ctx = read_segments(ws, SALANG, "dari")[2].ctx
    page = f"/t/{SALANG}/dari"
    assert open_count(eddie.get(page).text) == 0
    r = post(dara, dcsrf, api(ctx, "comments"), {"text": "Is the altitude right?"})
    (question,) = r.json()["comments"]
    assert question["parent"] is None and question["resolved_at"] is None
    # Each answer carries the translation's open questions: the acting page's count
    # follows at once, whether or not a live stream is open.
    assert r.json()["open_questions"] == 1
    # The page's script writes the moment as the app writes every moment (issue 24, 5).
    assert question["at_shown"] == when_text(question["at"], "fa-AF")
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d ", question["at_shown"])
    assert open_count(eddie.get(page).text) == 1
    # The editor answers in the thread, and resolves it.
    r = post(eddie, ecsrf, api(ctx, "comments"), {"text": "Yes", "reply_to": question["id"]})
    question, answer = r.json()["comments"]
    assert answer["parent"] == question["id"] and answer["by"] == "eddie"
    assert r.json()["open_questions"] == 1
    assert open_count(eddie.get(page).text) == 1  # answered is not resolved
    r = post(eddie, ecsrf, api(ctx, "comments/" + str(question["id"])), {"action": "resolve"})
    assert r.json()["comments"][0]["resolved_by"] == "eddie"
    assert r.json()["open_questions"] == 0
    html = eddie.get(page).text
    assert open_count(html) == 0
    assert "resolved by eddie" in html
    # A reply reopens it; so does "reopen".
    post(dara, dcsrf, api(ctx, "comments"), {"text": "But the map says 3,363 m", "reply_to": 1})
    assert open_question_count(ws, SALANG, "dari") == 1
    post(eddie, ecsrf, api(ctx, "comments/1"), {"action": "resolve"})
    assert open_question_count(ws, SALANG, "dari") == 0
    r = post(dara, dcsrf, api(ctx, "comments/1"), {"action": "reopen"})
    assert open_question_count(ws, SALANG, "dari") == r.json()["open_questions"] == 1
    with connect(ws) as conn:
        events = conn.execute("SELECT by, action FROM comment_events ORDER BY id").fetchall()
    assert [tuple(e) for e in events] == [
        ("eddie", "resolve"),
        ("dara", "reopen"),  # by the reply
        ("eddie", "resolve"),
        ("dara", "reopen"),
    ]
    # A reply to a comment of another segment's sentence is refused.
    other = read_segments(ws, SALANG, "dari")[3].ctx
    r = post(dara, dcsrf, api(other, "comments"), {"text": "x", "reply_to": 1})
    assert r.status_code == 404
    # An id no comment has, even one past what SQLite stores, is a 404 (not a 500).
    for cid in ("999", str(2**63), str(10**19)):
        r = post(eddie, ecsrf, api(ctx, "comments/" + cid), {"action": "resolve"})
        assert r.status_code == 404, (cid, r.text)


def test_only_the_author_edits_or_deletes_a_comment_and_both_are_recorded(
    ws: Workspace,
) -> None:
    dara, dcsrf = as_user(ws, "dara")
    eddie, ecsrf = as_user(ws, "eddie")
    ctx = read_segments(ws, SALANG, "dari")[1].ctx
    post(dara, dcsrf, api(ctx, "comments"), {"text": "Salnag?"})
    url = api(ctx, "comments/1")
    assert post(eddie, ecsrf, url, {"action": "edit", "text": "hijacked"}).status_code == 403
    assert post(eddie, ecsrf, url, {"action": "delete"}).status_code == 403
    r = post(dara, dcsrf, url, {"action": "edit", "text": "Salang?"})
    (c,) = r.json()["comments"]
    assert c["text"] == "Salang?" and c["edited_at"]
    page = eddie.get(f"/t/{SALANG}/dari").text
    assert "(edited)" in page and "Salang?" in page
    r = post(dara, dcsrf, url, {"action": "delete"})
    (c,) = r.json()["comments"]
    assert c["deleted_at"] and c["text"] == ""
    page = eddie.get(f"/t/{SALANG}/dari").text
    assert "deleted by dara" in page and "Salang?" not in page
    assert open_question_count(ws, SALANG, "dari") == 0  # a deleted question is no question
    with connect(ws) as conn:
        rows = conn.execute("SELECT by, action, old_text FROM comment_events ORDER BY id")
        assert [tuple(r) for r in rows] == [
            ("dara", "edit", "Salnag?"),
            ("dara", "delete", "Salang?"),
        ]
    assert post(dara, dcsrf, url, {"action": "edit", "text": "again"}).status_code == 400


def test_approving_with_open_questions_needs_a_confirmation(ws: Workspace) -> None:
    review_everything(ws, SALANG, "dari")
    dara, dcsrf = as_user(ws, "dara")
    eddie, ecsrf = as_user(ws, "eddie")
    ctx = read_segments(ws, SALANG, "dari")[0].ctx
    post(dara, dcsrf, api(ctx, "comments"), {"text": "Which spelling?"})
    page = eddie.get(f"/t/{SALANG}/dari").text
    assert "approve although 1 question is still open" in page
    rev = translation_status(ws, SALANG, "dari").rev
    r = eddie.post(f"/t/{SALANG}/dari/approve", data={"csrf": ecsrf, "rev": rev})
    assert r.status_code == 303 and "kind=error" in r.headers["location"]
    assert "1%20open%20question" in r.headers["location"]
    assert translation_status(ws, SALANG, "dari").status == "reviewed"
    r = eddie.post(
        f"/t/{SALANG}/dari/approve",
        data={"csrf": ecsrf, "rev": rev, "ignore_open_questions": "1"},
    )
    assert r.status_code == 303 and "kind=error" not in r.headers["location"]
    assert translation_status(ws, SALANG, "dari").status == "approved"


def test_the_command_line_approves_open_questions_only_when_told(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    register_cli()
    review_everything(ws, SALANG, "dari")
    dara, dcsrf = as_user(ws, "dara")
    ctx = read_segments(ws, SALANG, "dari")[0].ctx
    post(dara, dcsrf, api(ctx, "comments"), {"text": "Which spelling?"})
    rev = translation_status(ws, SALANG, "dari").rev
    args = ["-w", str(ws.root), "review", "approve", SALANG, "--lang", "dari", "--as", "eddie"]
    assert run([*args, "--rev", rev]) == 2
    assert "1 open question" in capsys.readouterr().err
    assert translation_status(ws, SALANG, "dari").status == "reviewed"
    assert run([*args, "--rev", rev, "--ignore-open-questions"]) == 0
    assert translation_status(ws, SALANG, "dari").status == "approved"


# --- review by difference (server side; the browser's part: test_browser_live.py) ----------


def test_unchanged_from_the_machine_is_marked_and_filtered(ws: Workspace) -> None:
    eddie, _ = as_user(ws, "eddie")
    segs = read_segments(ws, SALANG, "dari")
    # One draft confirmed as the machine wrote it, one changed, one changed and back.
    save_segment(ws, SALANG, "dari", segs[1].ctx, segs[1].text, segs[1].rev, by="dara")
    save_segment(ws, SALANG, "dari", segs[2].ctx, "متن دیگر", segs[2].rev, by="dara")
    third = read_segments(ws, SALANG, "dari")[3]
    changed = save_segment(ws, SALANG, "dari", third.ctx, "چیز دیگر", third.rev, by="dara")
    save_segment(ws, SALANG, "dari", third.ctx, segs[3].text, changed.rev, by="dara")
    html = eddie.get(f"/t/{SALANG}/dari?filter=unchanged").text
    shown = re.findall(r'<div class="seg[^"]*" id="seg-([^"]+)"', html)
    assert shown == [segs[1].ctx, segs[3].ctx]
    whole = eddie.get(f"/t/{SALANG}/dari").text
    assert '?filter=unchanged">unchanged from the machine 2</a>' in whole
    markers = re.findall(r'<span class="marker-unchanged"( hidden)?>', whole)
    assert markers.count("") == 2  # shown (not hidden) on exactly those two
    # The changed one carries its word diff against the machine draft.
    rows = re.findall(r'<p class="seg-diff diff-machine" hidden>(.*?)</p>', whole, re.S)
    (diff,) = [r for r in rows if r.strip()]  # the others are empty, for live updates
    assert "<ins>" in diff and "متن" in diff


def test_after_an_approval_a_changed_segment_shows_its_diff_against_the_approved_text(
    ws: Workspace,
) -> None:
    from helpers import approve

    review_everything(ws, SALANG, "dari")
    eddie, _ = as_user(ws, "eddie")
    eddie.get(f"/t/{SALANG}/dari")  # what the editor saw, kept, then approved
    approve(ws, SALANG, "dari", "eddie")
    seg = read_segments(ws, SALANG, "dari")[4]
    save_segment(ws, SALANG, "dari", seg.ctx, seg.text + " تازه", seg.rev, by="dara")
    html = eddie.get(f"/t/{SALANG}/dari").text
    rows = re.findall(r'<p class="seg-diff diff-approved" hidden>(.*?)</p>', html, re.S)
    found = [r for r in rows if r.strip()]  # the others are empty, for live updates
    assert len(found) == 1 and "<ins>تازه</ins>" in found[0]


def test_ready_for_me_and_an_editors_queue_puts_ready_for_approval_first(ws: Workspace) -> None:
    eddie, _ = as_user(ws, "eddie")
    dara, _ = as_user(ws, "dara")
    rows = re.compile(r'<tr class="status-([^"]+)">\s*<td><a href="/t/([^/]+)/([^"]+)"')
    before = rows.findall(eddie.get("/").text)
    assert ("reviewed", SALANG, "dari") not in before
    review_everything(ws, SALANG, "dari")
    after = rows.findall(eddie.get("/").text)
    assert after[0] == ("reviewed", SALANG, "dari")  # first, though not the oldest
    mine = rows.findall(eddie.get("/?view=mine").text)
    assert mine == [("reviewed", SALANG, "dari")]
    assert "ready for approval (1)" in eddie.get("/").text
    # A translator's: drafts in her language that nobody else holds, not the reviewed one.
    theirs = rows.findall(dara.get("/?view=mine").text)
    assert theirs and all(lang == "dari" for _, _, lang in theirs)
    assert ("reviewed", SALANG, "dari") not in theirs
    assert "ready for me" in dara.get("/").text


def test_one_field_per_segment_says_what_needs_work(ws: Workspace) -> None:
    """A segment has one text field of its own (comment, or for an editor what needs
    work): an editor sends the segment back with that field's form, its second button."""
    import lxml.html

    review_everything(ws, SALANG, "dari")
    eddie, _ = as_user(ws, "eddie")
    dara, _ = as_user(ws, "dara")
    for client in (eddie, dara):
        doc = lxml.html.fromstring(client.get(f"/t/{SALANG}/dari").text)
        segs = doc.xpath('//*[contains(concat(" ", @class, " "), " seg ")]')
        assert segs
        for seg in segs:
            fields = [
                i
                for i in seg.xpath(".//input | .//textarea")
                if i.get("type") not in ("hidden", "checkbox") and not i.get("form")
            ]
            # The translation's textarea and the one field of talk.
            assert [f.tag for f in fields] == ["textarea", "input"], seg.get("data-ctx")
    ctx = read_segments(ws, SALANG, "dari")[2].ctx
    doc = lxml.html.fromstring(eddie.get(f"/t/{SALANG}/dari").text)
    (form,) = doc.xpath(f'//*[@data-ctx="{ctx}"]//form[@class="comment-form"]')
    (button,) = form.xpath('.//button[@class="send-back-one"]')
    (field,) = form.xpath('.//input[@name="comment"]')
    assert "what needs work in " + ctx in form.xpath(".//label")[0].text_content()
    data = {i.get("name"): i.get("value") or "" for i in form.xpath(".//input")}
    data[field.get("name")] = "The altitude is 3,400 m"
    r = eddie.post(button.get("formaction"), data=data)
    assert r.status_code == 303
    assert translation_status(ws, SALANG, "dari").status == "sent back"
    seg = next(s for s in read_segments(ws, SALANG, "dari") if s.ctx == ctx)
    assert not seg.reviewed


def test_comments_of_an_older_database_become_open_threads(tmp_path: Path) -> None:
    """The threads' migration keeps every comment of a database one version older, as
    the first comment of an open thread, neither edited nor deleted."""
    import sqlite3

    from azad.db.connection import MIGRATIONS, SCHEMA_VERSION, migrate
    from azad.review.threads import Comment

    conn = sqlite3.connect(tmp_path / "review.sqlite3")
    before = SCHEMA_VERSION - 1
    for script in MIGRATIONS[:before]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {before}")
    conn.execute(
        "INSERT INTO segment_comments (slug, lang, ctx, english_sha, at, by, role, kind, text)"
        " VALUES ('a', 'dari', 'b1.s1', 'e', 'now', 'dara', 'translator', 'comment', 'Why?')"
    )
    conn.commit()
    assert migrate(conn) == before
    (row,) = conn.execute(
        "SELECT ctx, english_sha, at, by, role, kind, text, id, parent, edited_at,"
        " deleted_at, resolved_at, resolved_by FROM segment_comments"
    ).fetchall()
    comment = Comment(*row)
    assert comment.text == "Why?" and comment.is_open_question
    assert (comment.parent, comment.edited_at, comment.deleted_at) == (None, None, None)
    assert conn.execute("SELECT count(*) FROM comment_events").fetchone()[0] == 0
    conn.close()
