"""Talking on the editor page, through HTTP with real workspaces: comments on a segment,
sending segments back, dismissing QA warnings, glossary terms from the editor page, and
saves into someone else's claim."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from helpers import approve, save_segment
from starlette.testclient import TestClient
from test_review_support import (
    PASSWORD,
    SALANG,
    copy_workspace,
    queue_template,
    register_cli,
    review_everything,
)
from test_review_support import (
    as_user as support_as_user,
)

from azad.cli import run
from azad.db.users import add_user, get_user
from azad.glossary import load_glossary
from azad.queue.status import claim, translation_status
from azad.review.edits import history, read_segments
from azad.review.index import queue_rows
from azad.review.talk import threads
from azad.workspace import Workspace


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = queue_template(tmp_path_factory.mktemp("talk") / "ws")
    ws = Workspace(root.resolve())
    add_user(ws, "dina", "translator", ["dari"], PASSWORD)  # a second Dari translator
    return root


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(template, tmp_path / "ws")


def as_user(ws: Workspace, name: str) -> tuple[TestClient, str]:
    return support_as_user(ws, name, follow_redirects=False)


def api(ctx: str, what: str = "") -> str:
    return f"/api/t/{SALANG}/dari/segments/{ctx}" + (f"/{what}" if what else "")


def seg_html(page: str, ctx: str) -> str:
    """The HTML of one segment of the editor page."""
    start = page.index(f'id="seg-{ctx}"')
    end = page.find('<div class="seg', start)
    return page[start : end if end > 0 else None]


def flash(r: Any) -> str:
    assert r.status_code == 303, r.text[:300]
    return unquote(r.headers["location"].split("msg=", 1)[1])


# --- comments -----------------------------------------------------------------------------


def test_a_translators_comment_shows_under_its_segment_for_the_editor(ws: Workspace) -> None:
    first, second = read_segments(ws, SALANG, "dari")[:2]
    tr, tr_csrf = as_user(ws, "dara")
    r = tr.post(api(second.ctx, "comments"), json={"text": "Is <b>Salang</b> right?"})
    assert r.status_code == 403  # no CSRF token
    r = tr.post(
        api(second.ctx, "comments"),
        json={"text": "Is <b>Salang</b> right?"},
        headers={"X-CSRF-Token": tr_csrf},
    )
    assert r.status_code == 200, r.text
    (c,) = r.json()["comments"]
    assert (c["by"], c["role"], c["kind"], c["text"]) == (
        "dara",
        "translator",
        "comment",
        "Is <b>Salang</b> right?",
    )
    assert tr.get(api(second.ctx)).json()["comments"] == 1
    assert tr.get(api(first.ctx)).json()["comments"] == 0

    ed, _ = as_user(ws, "eddie")
    page = ed.get(f"/t/{SALANG}/dari").text
    mine = seg_html(page, second.ctx)
    assert "Is &lt;b&gt;Salang&lt;/b&gt; right?" in mine and "<strong>dara</strong>" in mine
    count = '<span class="comment-count">{}</span>'
    assert count.format(1) in mine and count.format(0) in seg_html(page, first.ctx)
    assert f'<label for="comment-{second.ctx}">' in mine  # a labelled input
    # The queue counts it, for this article and language only.
    queue = ed.get("/").text
    assert queue.count("1 comment<") == 1


def test_comments_are_refused_empty_or_outside_the_users_languages(ws: Workspace) -> None:
    ctx = read_segments(ws, SALANG, "dari")[0].ctx
    tr, csrf = as_user(ws, "dara")
    headers = {"X-CSRF-Token": csrf}
    assert tr.post(api(ctx, "comments"), json={"text": "  "}, headers=headers).status_code == 400
    assert tr.post(api(ctx, "comments"), json={"text": 3}, headers=headers).status_code == 400
    assert (
        tr.post(api("b99.s9", "comments"), json={"text": "x"}, headers=headers).status_code == 404
    )
    pa, pa_csrf = as_user(ws, "pasha")
    r = pa.post(api(ctx, "comments"), json={"text": "x"}, headers={"X-CSRF-Token": pa_csrf})
    assert r.status_code == 403
    assert threads(ws, SALANG, "dari", read_segments(ws, SALANG, "dari")) == {}


def test_a_comment_follows_its_sentence_and_never_lands_on_another(ws: Workspace) -> None:
    units = read_segments(ws, SALANG, "dari")
    a, b = units[1], units[2]
    tr, csrf = as_user(ws, "dara")
    r = tr.post(api(a.ctx, "comments"), json={"text": "about A"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    # Re-segmented: A's sentence moved to B's id, and B's id now holds other English.
    moved = [replace(b, ctx=a.ctx, english=b.english), replace(a, ctx="b9.s1")]
    found = threads(ws, SALANG, "dari", moved)
    assert list(found) == ["b9.s1"] and found["b9.s1"][0].text == "about A"
    # The sentence was edited: its comment shows nowhere (it stays in the database).
    edited = [replace(a, english=a.english + " More."), b]
    assert threads(ws, SALANG, "dari", edited) == {}


# --- sending segments back ----------------------------------------------------------------


def _approved(ws: Workspace) -> None:
    review_everything(ws, SALANG, "dari")
    approve(ws, SALANG, "dari", "eddie")
    assert translation_status(ws, SALANG, "dari").status == "approved"


def test_an_editor_sends_one_segment_back_after_approval(ws: Workspace) -> None:
    _approved(ws)
    before = {u.ctx: u for u in read_segments(ws, SALANG, "dari")}
    target = list(before)[3]
    ed, csrf = as_user(ws, "eddie")
    r = ed.post(
        f"/t/{SALANG}/dari/segments/send-back",
        data={"csrf": csrf, "ctx": target, "comment": "the date is wrong"},
    )
    assert flash(r) == f"Sent back 1 segment: {target}."
    after = {u.ctx: u for u in read_segments(ws, SALANG, "dari")}
    # Only its state changed: the human text stays; every other segment is untouched.
    assert after[target].state == "draft" and after[target].text == before[target].text
    assert {k: v for k, v in after.items() if k != target} == {
        k: v for k, v in before.items() if k != target
    }
    st = translation_status(ws, SALANG, "dari")
    assert st.status == "sent back" and st.record.approved is None
    assert st.record.history[-1].action == "send back"
    assert st.record.history[-1].comment == f"{target}: the date is wrong"
    (row,) = queue_rows(ws, slug=SALANG, lang="dari")
    assert row.status == "sent back"
    assert history(ws, SALANG, "dari", target)[-1].via == "send back"

    # The translator sees it as needing editing, with the editor's comment under it.
    tr, _ = as_user(ws, "dara")
    page = tr.get(f"/t/{SALANG}/dari").text
    mine = seg_html(page, target)
    assert "Needs editing: sent back by <strong>eddie</strong>" in mine
    assert "the date is wrong" in mine and ">sent back</span>" in page
    assert "Needs editing" not in seg_html(page, list(before)[2])
    assert 'name="ctx"' not in page  # no send-back controls for a translator
    assert "1 comment<" in tr.get("/").text

    # Fixed and confirmed: reviewed again, and the editor can approve.
    seg = after[target]
    save_segment(ws, SALANG, "dari", target, seg.text + " درست", seg.rev, by="dara")
    assert translation_status(ws, SALANG, "dari").status == "reviewed"
    assert "Needs editing" not in seg_html(tr.get(f"/t/{SALANG}/dari").text, target)
    approve(ws, SALANG, "dari", "eddie")
    assert translation_status(ws, SALANG, "dari").status == "approved"


def test_an_editor_sends_several_ticked_segments_back(ws: Workspace) -> None:
    review_everything(ws, SALANG, "dari")
    ctxs = [u.ctx for u in read_segments(ws, SALANG, "dari")][1:4]
    ed, csrf = as_user(ws, "eddie")
    page = ed.get(f"/t/{SALANG}/dari").text
    assert 'id="send-back-segments"' in page and 'form="send-back-segments"' in page
    r = ed.post(
        f"/t/{SALANG}/dari/segments/send-back",
        data={"csrf": csrf, "ctx": ctxs, "comment": "terms"},
    )
    assert flash(r).startswith("Sent back 3 segments")
    units = read_segments(ws, SALANG, "dari")
    assert [u.ctx for u in units if u.state == "draft"] == ctxs
    found = threads(ws, SALANG, "dari", units)
    assert sorted(found) == sorted(ctxs)
    assert all(t[0].kind == "send back" and t[0].text == "terms" for t in found.values())


def test_send_back_is_refused_to_translators_and_without_a_comment(ws: Workspace) -> None:
    review_everything(ws, SALANG, "dari")
    before = read_segments(ws, SALANG, "dari")
    ctx = before[0].ctx
    tr, csrf = as_user(ws, "dara")
    url = f"/t/{SALANG}/dari/segments/send-back"
    assert tr.post(url, data={"csrf": csrf, "ctx": ctx, "comment": "x"}).status_code == 403
    ed, ed_csrf = as_user(ws, "eddie")
    assert flash(ed.post(url, data={"csrf": ed_csrf, "ctx": ctx, "comment": " "})).startswith(
        "Not done: comment: is empty"
    )
    assert "choose the segments" in flash(ed.post(url, data={"csrf": ed_csrf, "comment": "x"}))
    assert read_segments(ws, SALANG, "dari") == before
    assert translation_status(ws, SALANG, "dari").status == "reviewed"


def test_a_whole_article_send_back_shows_as_sent_back_and_keeps_the_segments(
    ws: Workspace,
) -> None:
    _approved(ws)
    before = read_segments(ws, SALANG, "dari")
    ed, csrf = as_user(ws, "eddie")
    r = ed.post(f"/t/{SALANG}/dari/send-back", data={"csrf": csrf, "comment": "read it again"})
    assert r.status_code == 303
    assert read_segments(ws, SALANG, "dari") == before  # reviewed segments stay reviewed
    st = translation_status(ws, SALANG, "dari")
    assert st.status == "sent back" and st.record.approved is None
    assert '<span class="badge">sent back</span>' in ed.get("/").text


# --- QA warnings dismissed ----------------------------------------------------------------


def _warned(c: TestClient, ws: Workspace) -> dict[str, Any]:
    for u in read_segments(ws, SALANG, "dari"):
        seg = c.get(api(u.ctx)).json()
        if seg["checks"]:
            return seg
    raise AssertionError("no segment with a warning")


def test_a_translator_dismisses_a_warning_for_exactly_that_text(ws: Workspace) -> None:
    tr, csrf = as_user(ws, "dara")
    headers = {"X-CSRF-Token": csrf}
    seg = _warned(tr, ws)
    ctx, check, message = seg["ctx"], seg["checks"][0], seg["warnings"][0]
    page = tr.get(f"/t/{SALANG}/dari").text
    summary_before = re.search(r'<p class="qa-summary">.*?</p>', page)
    assert summary_before and f"{check} " in summary_before.group()

    r = tr.post(api(ctx, "dismiss"), json={"check": check, "rev": "stale"}, headers=headers)
    assert r.status_code == 409
    r = tr.post(api(ctx, "dismiss"), json={"check": "nonsense", "rev": seg["rev"]}, headers=headers)
    assert r.status_code == 400
    r = tr.post(api(ctx, "dismiss"), json={"check": check, "rev": seg["rev"]}, headers=headers)
    assert r.status_code == 200, r.text
    assert check not in r.json()["checks"] and message not in r.json()["warnings"]
    assert r.json()["dismissed"][0]["by"] == "dara"
    assert check not in tr.get(api(ctx)).json()["checks"]

    # The editor sees who dismissed it; it counts in no failing-check total.
    ed, _ = as_user(ws, "eddie")
    page = ed.get(f"/t/{SALANG}/dari").text
    assert f"{message} · dismissed by dara" in seg_html(page, ctx)
    n_before = int(re.search(rf"{check} (\d+)", summary_before.group()).group(1))  # type: ignore[union-attr]
    summary = re.search(r'<p class="qa-summary">.*?</p>', page)
    n_after = (
        int(m.group(1)) if summary and (m := re.search(rf"{check} (\d+)", summary.group())) else 0
    )
    assert n_after == n_before - 1

    # The text changes: the warning is back (if the new text still earns it).
    save_segment(ws, SALANG, "dari", ctx, seg["text"] + " ۷۷۷", seg["rev"], by="dara")
    after = tr.get(api(ctx)).json()
    assert "numbers" in after["checks"]
    if check == "numbers":
        assert message.split(":")[0] in " ".join(after["warnings"])
    assert "dismissed by" not in seg_html(tr.get(f"/t/{SALANG}/dari").text, ctx)


def test_an_editor_brings_back_a_warning_a_translator_dismissed(ws: Workspace) -> None:
    tr, tr_csrf = as_user(ws, "dara")
    seg = _warned(tr, ws)
    ctx, check, message = seg["ctx"], seg["checks"][0], seg["warnings"][0]
    body = {"check": check, "rev": seg["rev"]}
    r = tr.post(api(ctx, "dismiss"), json=body, headers={"X-CSRF-Token": tr_csrf})
    assert r.status_code == 200, r.text

    pasha, pasha_csrf = as_user(ws, "pasha")  # works on Pashto only
    r = pasha.post(api(ctx, "restore"), json=body, headers={"X-CSRF-Token": pasha_csrf})
    assert r.status_code == 403
    ed, csrf = as_user(ws, "eddie")
    headers = {"X-CSRF-Token": csrf}
    stale = {"check": check, "rev": "stale"}
    assert ed.post(api(ctx, "restore"), json=stale, headers=headers).status_code == 409
    r = ed.post(api(ctx, "restore"), json=body, headers=headers)
    assert r.status_code == 200, r.text
    assert check in r.json()["checks"] and message in r.json()["warnings"]
    assert r.json()["dismissed"] == []
    # The thread says who brought it back, and whose dismissal it was.
    (note,) = r.json()["comments"]
    assert note["by"] == "eddie"
    assert note["text"] == f"Restored the “{check}” warning that dara had dismissed."
    # It counts again, and the translator sees it standing, with the note.
    page = tr.get(f"/t/{SALANG}/dari").text
    assert "dismissed by" not in seg_html(page, ctx)
    assert check in tr.get(api(ctx)).json()["checks"]
    assert "had dismissed" in seg_html(page, ctx)
    # Nothing is left to restore.
    assert ed.post(api(ctx, "restore"), json=body, headers=headers).status_code == 400


# --- glossary terms from the editor page --------------------------------------------------


def test_an_editor_adds_a_glossary_term_that_the_checks_then_use(ws: Workspace) -> None:
    seg = read_segments(ws, SALANG, "dari")[1]
    term = re.findall(r"[A-Z][a-z]{3,}", seg.english)[0]
    url = f"/t/{SALANG}/dari/glossary/add"
    tr, tr_csrf = as_user(ws, "dara")
    data = {"english": term, "form": "واژه‌نو", "note": "from the editor page"}
    assert tr.post(url, data={"csrf": tr_csrf, **data}).status_code == 403
    ed, csrf = as_user(ws, "eddie")
    # Seen before the term exists: what the page remembers must not outlive the glossary.
    assert f"glossary: {term}" not in seg_html(ed.get(f"/t/{SALANG}/dari").text, seg.ctx)
    assert flash(ed.post(url, data={"csrf": csrf, **data})) == f"Added to the glossary: {term}."
    entry = load_glossary(ws.glossary_path).get(term)
    assert entry is not None and entry.dari == "واژه‌نو" and entry.pashto == ""
    page = ed.get(f"/t/{SALANG}/dari").text
    mine = seg_html(page, seg.ctx)
    assert f"glossary: {term} → واژه‌نو" in mine  # a QA warning: the draft lacks it
    assert '<ul class="glossary">' in mine and "واژه‌نو" in mine
    # An existing form is never replaced silently; bad cells are refused.
    again = flash(ed.post(url, data={"csrf": csrf, **data, "form": "دیگر"}))
    assert again == f"Not done: {term}: already in the glossary as واژه‌نو"
    tab = flash(ed.post(url, data={"csrf": csrf, "english": "Tabbed", "form": "ب\tپ"}))
    assert tab.startswith("Not done: form: holds a tab")
    hashed = flash(ed.post(url, data={"csrf": csrf, "english": "#x", "form": "ب"}))
    assert hashed.startswith("Not done: english: a term cannot start with #")
    assert load_glossary(ws.glossary_path).get("Tabbed") is None
    assert load_glossary(ws.glossary_path).get(term) == entry
    # The Pashto form of the same term fills the empty cell, keeping the Dari one.
    r = ed.post(f"/t/{SALANG}/pashto/glossary/add", data={"csrf": csrf, **data, "form": "پښتو"})
    assert flash(r) == f"Added to the glossary: {term}."
    entry = load_glossary(ws.glossary_path).get(term)
    assert entry is not None and (entry.dari, entry.pashto) == ("واژه‌نو", "پښتو")


# --- claims -------------------------------------------------------------------------------


def test_saving_into_another_translators_claim_warns_and_names_the_holder(ws: Workspace) -> None:
    claim(ws, SALANG, "dari", "dara")
    seg = read_segments(ws, SALANG, "dari")[0]
    other, csrf = as_user(ws, "dina")
    page = other.get(f"/t/{SALANG}/dari").text
    assert 'id="claim-warning" role="alert">' in page and "Claimed by <strong>dara</strong>" in page
    assert "Take the claim over" not in page  # translators cannot
    r = other.post(
        api(seg.ctx),
        json={"text": "متن دینا", "rev": seg.rev, "reviewed": True},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["claimed_by"] == "dara" and body["warning"].startswith("claimed by dara")
    assert read_segments(ws, SALANG, "dari")[0].text == "متن دینا"  # saved all the same
    assert translation_status(ws, SALANG, "dari").claimed_by == "dara"  # the claim stands
    # The holder's own save carries no warning.
    holder, holder_csrf = as_user(ws, "dara")
    seg = read_segments(ws, SALANG, "dari")[0]
    r = holder.post(
        api(seg.ctx),
        json={"text": "متن دارا", "rev": seg.rev, "reviewed": True},
        headers={"X-CSRF-Token": holder_csrf},
    )
    assert r.json()["warning"] == ""
    assert 'id="claim-warning" role="alert" hidden' in holder.get(f"/t/{SALANG}/dari").text


def test_an_editor_takes_a_claim_over(ws: Workspace) -> None:
    claim(ws, SALANG, "dari", "dara")
    url = f"/t/{SALANG}/dari/claim/take-over"
    tr, tr_csrf = as_user(ws, "dina")
    assert tr.post(url, data={"csrf": tr_csrf}).status_code == 403
    ed, csrf = as_user(ws, "eddie")
    assert "Take the claim over from dara" in ed.get(f"/t/{SALANG}/dari").text
    assert flash(ed.post(url, data={"csrf": csrf})) == (
        "You hold this translation now (taken over from dara)."
    )
    st = translation_status(ws, SALANG, "dari")
    assert st.claimed_by == "eddie"
    event = st.record.history[-1]
    assert (event.by, event.action, event.comment) == ("eddie", "take over", "from dara")
    # Nothing to take over from oneself.
    assert flash(ed.post(url, data={"csrf": csrf})).startswith("Not done:")
    assert get_user(ws, "eddie") is not None


def test_segments_are_sent_back_from_the_command_line(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    register_cli()
    review_everything(ws, SALANG, "dari")
    ctxs = [u.ctx for u in read_segments(ws, SALANG, "dari")][2:4]
    args = ["--workspace", str(ws.root), "review", "send-back", SALANG, "--lang", "dari"]
    capsys.readouterr()
    assert run([*args, "--as", "dara", "--comment", "x", "--segment", ctxs[0]]) == 2
    assert "only editors" in capsys.readouterr().err
    seg_args = ["--segment", ctxs[0], "--segment", ctxs[1]]
    assert run([*args, "--as", "eddie", "--comment", "numbers", *seg_args]) == 0
    assert capsys.readouterr().out.strip() == f"{SALANG} (dari): sent back"
    units = read_segments(ws, SALANG, "dari")
    assert [u.ctx for u in units if u.state == "draft"] == ctxs
    assert [c.text for t in threads(ws, SALANG, "dari", units).values() for c in t] == [
        "numbers",
        "numbers",
    ]
