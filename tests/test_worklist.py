"""Issue 14, finding work and honest controls, through HTTP (Starlette's test client):
filters, sorts and pages inside an article; the queue's search, orders and forgiving
filters; only the buttons that can succeed; a refused action back on the article with
its reason; a second Publish while one runs refused politely."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers import save_segment
from starlette.testclient import TestClient
from test_review_support import (
    HERAT,
    SALANG,
    as_user,
    copy_workspace,
    login,
    queue_template,
    review_everything,
    translate,
)

from azad.publish import submit as publishing
from azad.queue.store import Queue
from azad.queue.units import Provenance, Unit
from azad.review import worklist
from azad.review.edits import read_segments
from azad.review.worklist import SegmentView
from azad.services.ingest import ingest_files
from azad.web.app import create_app
from azad.workspace import Workspace


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return queue_template(tmp_path_factory.mktemp("worklist") / "ws")


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(template, tmp_path / "ws")


def shown(html: str) -> list[str]:
    """Ids of the segments the editor page shows, in order."""
    return re.findall(r'<div class="seg[^"]*" id="seg-[^"]+" data-ctx="([^"]+)"', html)


def set_units(ws: Workspace, slug: str, lang: str, change: Any) -> None:
    """Rewrite units through the queue (``change(unit) -> unit``), as a run would."""
    queue = Queue(ws)
    with queue.locked(slug, lang):
        tf = queue.read(slug, lang)
        tf.units = [change(u) for u in tf.units]
        queue.write(slug, lang, tf)


# --- filters inside an article ----------------------------------------------------------------


def test_each_filter_shows_exactly_its_segments(ws: Workspace) -> None:
    units = read_segments(ws, SALANG, "dari")
    # A reviewed segment, a translator's draft (needs editing, no longer a machine
    # draft), an emptied one (untranslated); the rest stay machine drafts.
    reviewed, edited, emptied = units[1], units[2], units[3]
    save_segment(ws, SALANG, "dari", reviewed.ctx, "متن بازبینی‌شده", reviewed.rev, by="dara")
    save_segment(
        ws, SALANG, "dari", edited.ctx, "متن ویرایش‌شده", edited.rev, by="dara", reviewed=False
    )
    save_segment(ws, SALANG, "dari", emptied.ctx, "", emptied.rev, by="dara", reviewed=False)
    c, _ = as_user(ws, "dara")
    base = f"/t/{SALANG}/dari"
    everything = [u.ctx for u in units]
    assert shown(c.get(base).text) == everything
    machine = [u.ctx for u in units if u.ctx not in (reviewed.ctx, edited.ctx, emptied.ctx)]
    expected = {
        "reviewed": [reviewed.ctx],
        "untranslated": [emptied.ctx],
        # Needs editing: a person's draft, not the machine's (issue 24: the counts add up).
        "draft": [edited.ctx],
        "sent-back": [],
        "machine": machine,
        "comments": [],
        "changed": [],
    }
    whole = c.get(base).text
    for name, ctxs in expected.items():
        page = c.get(f"{base}?filter={name}").text
        assert shown(page) == ctxs, name
        # The filter's link carries its count.
        label = worklist.FILTERS[name].label
        assert f'?filter={name}">{label} {len(ctxs)}</a>' in whole, name


def test_each_qa_count_links_to_its_filter(ws: Workspace) -> None:
    c, _ = as_user(ws, "dara")
    page = c.get(f"/t/{SALANG}/dari").text
    summary = re.search(r'<p class="qa-summary">(.*?)</p>', page, re.S)
    assert summary
    links = re.findall(r'<a href="([^"]+)">([a-z_]+) (\d+)</a>', summary.group(1))
    assert links, summary.group(1)
    for href, kind, count in links:
        assert href == f"/t/{SALANG}/dari?filter=check%3A{kind}"
        filtered = c.get(href).text
        assert len(shown(filtered)) == int(count), kind
        assert f"failing the “{kind}” check" in filtered


def test_an_unknown_filter_or_sort_is_ignored_with_a_notice(ws: Workspace) -> None:
    c, _ = as_user(ws, "dara")
    r = c.get(f"/t/{SALANG}/dari?filter=nonsense&sort=upside-down&page=x")
    assert r.status_code == 200
    assert "an unknown filter was ignored" in r.text and "an unknown sort was ignored" in r.text
    assert len(shown(r.text)) == len(read_segments(ws, SALANG, "dari"))


def test_changed_since_approval_lists_the_segments_changed_after_it(ws: Workspace) -> None:
    review_everything(ws, SALANG, "dari")
    c, csrf = as_user(ws, "eddie")
    page = c.get(f"/t/{SALANG}/dari").text
    (rev,) = re.findall(r'name="rev" value="([^"]*)"', page)
    r = c.post(f"/t/{SALANG}/dari/approve", data={"csrf": csrf, "rev": rev})
    assert "Approved." in r.text
    assert shown(c.get(f"/t/{SALANG}/dari?filter=changed").text) == []
    seg = read_segments(ws, SALANG, "dari")[4]
    save_segment(ws, SALANG, "dari", seg.ctx, seg.text + " (تغییر)", seg.rev, by="dara")
    page = c.get(f"/t/{SALANG}/dari?filter=changed").text
    assert shown(page) == [seg.ctx]
    assert "changed since approval 1</a>" in page


def test_an_approval_from_the_command_line_is_remembered_too(ws: Workspace) -> None:
    from azad.db.users import get_user
    from azad.queue.status import translation_status
    from azad.review.actions import approve

    review_everything(ws, SALANG, "dari")
    editor = get_user(ws, "eddie")
    assert editor is not None
    approve(ws, SALANG, "dari", editor, translation_status(ws, SALANG, "dari").rev)
    seg = read_segments(ws, SALANG, "dari")[2]
    save_segment(ws, SALANG, "dari", seg.ctx, seg.text + " ـ", seg.rev, by="dara")
    c, _ = as_user(ws, "eddie")
    assert shown(c.get(f"/t/{SALANG}/dari?filter=changed").text) == [seg.ctx]


def test_the_comments_filter_counts_the_views_comment_field() -> None:
    unit = Unit("b1.s1", "One.", "یک.", "reviewed")
    views = [SegmentView(unit), SegmentView(replace(unit, ctx="b1.s2"), comments=2)]
    counts = {f.name: n for f, n in worklist.filter_counts(views)}
    assert counts["comments"] == 1
    found = worklist.find_filter("comments")
    assert found and [v.unit.ctx for v in views if found.keep(v)] == ["b1.s2"]


def test_least_confident_first_orders_by_the_models_score(ws: Workspace) -> None:
    units = read_segments(ws, SALANG, "dari")
    scores = {units[5].ctx: -3.5, units[2].ctx: -0.2, units[9].ctx: -1.0}

    def scored(u: Unit) -> Unit:
        if u.ctx in scores:
            return replace(u, provenance=replace(u.provenance, score=scores[u.ctx]))
        return u

    set_units(ws, SALANG, "dari", scored)
    c, _ = as_user(ws, "dara")
    order = shown(c.get(f"/t/{SALANG}/dari?sort=confidence").text)
    assert order[:3] == [units[5].ctx, units[9].ctx, units[2].ctx]
    # Unscored segments follow, in article order.
    assert order[3:] == [u.ctx for u in units if u.ctx not in scores]


# --- pages ------------------------------------------------------------------------------------


def long_article(ws: Workspace, sections: int) -> str:
    path = ws.root / "articles" / "long.md"
    body = "\n".join(
        f"## Part {n}\n\nPart {n} was written in {1900 + n}.\n" for n in range(sections)
    )
    path.write_text("---\ntitle: A long one\nauthor: Test\n---\n" + body, encoding="utf-8")
    (outcome,) = ingest_files(ws, [path])
    translate(ws, [outcome.slug], ["dari"])
    return outcome.slug


def test_a_long_article_is_paged_and_saves_as_before(ws: Workspace) -> None:
    slug = long_article(ws, 260)  # 521 segments: three pages of 200
    units = read_segments(ws, slug, "dari")
    assert len(units) == 521
    c, csrf = as_user(ws, "dara")
    first = c.get(f"/t/{slug}/dari").text
    assert shown(first) == [u.ctx for u in units[:200]]
    assert "Segments 1–200 of 521" in first and "page 1 of 3" in first
    assert f'href="/t/{slug}/dari?page=2" rel="next"' in first
    third = c.get(f"/t/{slug}/dari?page=3").text
    assert shown(third) == [u.ctx for u in units[400:]]
    assert "Segments 401–521 of 521" in third and "page 3 of 3" in third
    assert f'href="/t/{slug}/dari?page=2" rel="prev"' in third
    assert shown(c.get(f"/t/{slug}/dari?page=99").text) == shown(third)  # the last page
    # Filter and page together, both kept in the pager's links.
    page2 = c.get(f"/t/{slug}/dari?filter=check:numbers&page=2").text
    assert 'href="/t/' + slug + '/dari?filter=check%3Anumbers&amp;page=3"' in page2
    # The save API is the same for a segment of any page.
    seg = units[450]
    r = c.post(
        f"/api/t/{slug}/dari/segments/{seg.ctx}",
        json={"text": "بخش", "rev": seg.rev, "reviewed": True},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200 and r.json()["reviewed_count"] == 1
    assert r.json()["total"] == 521


def test_each_block_has_a_heading(ws: Workspace) -> None:
    c, _ = as_user(ws, "dara")
    page = c.get(f"/t/{SALANG}/dari").text
    blocks = re.findall(r'<div class="para [^"]*" data-block="([^"]+)">', page)
    headings = re.findall(r'<h2 class="block-label">([^<]+)</h2>', page)
    assert len(headings) == len(blocks) > 3
    assert headings[0] == "Title" and any("paragraph" in h for h in headings)


# --- the queue --------------------------------------------------------------------------------


def queue_rows_of(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="/t/([a-z0-9-]+)/([a-z]+)">', html)


def test_queue_search_by_title_slug_and_english_text(ws: Workspace) -> None:
    c, _ = as_user(ws, "eddie")
    english = read_segments(ws, HERAT, "dari")[5].english
    word = max(re.findall(r"[A-Za-z]{6,}", english), key=len)
    for q in ["saffron", "RED-GOLD", english[10:40]]:
        r = c.get("/", params={"q": q})
        assert sorted(queue_rows_of(r.text)) == [(HERAT, "dari"), (HERAT, "pashto")], q
    assert sorted(queue_rows_of(c.get("/", params={"q": word}).text))[0][0] == HERAT
    r = c.get("/", params={"q": "no article says this"})
    assert queue_rows_of(r.text) == [] and "0 translations" in r.text
    one = c.get("/", params={"q": "saffron", "lang": "dari"}).text
    assert "1 translation matching" in one and "1 translations" not in one


def test_queue_orders_by_progress_and_confidence(ws: Workspace) -> None:
    review_everything(ws, SALANG, "pashto")
    set_units(
        ws,
        HERAT,
        "dari",
        lambda u: (
            replace(u, provenance=replace(u.provenance, score=-2.0)) if u.is_machine_draft else u
        ),
    )
    set_units(
        ws,
        SALANG,
        "dari",
        lambda u: (
            replace(u, provenance=Provenance("machine", score=-0.5)) if u.is_machine_draft else u
        ),
    )
    c, _ = as_user(ws, "eddie")
    by_progress = queue_rows_of(c.get("/?sort=progress").text)
    assert by_progress[-1] == (SALANG, "pashto")  # the only one done
    by_confidence = queue_rows_of(c.get("/?sort=confidence").text)
    assert by_confidence[:2] == [(HERAT, "dari"), (SALANG, "dari")]  # unscored after


def test_a_language_not_yours_shows_your_queue_with_a_notice(ws: Workspace) -> None:
    c, _ = as_user(ws, "dara")
    r = c.get("/?lang=pashto")
    assert r.status_code == 200
    assert "Pashto is not one of your languages" in r.text
    assert sorted(queue_rows_of(r.text)) == [(HERAT, "dari"), (SALANG, "dari")]


# --- honest controls --------------------------------------------------------------------------


def buttons(html: str) -> set[str]:
    """The actions the page offers on the translation (adding a glossary term, which always
    works for an editor, is not one)."""
    found = re.findall(r'<form method="post" action="/t/[^/"]+/[^/"]+/([a-z/-]+)"', html)
    return {a.removeprefix("segments/") for a in found if a != "glossary/add"}


def test_buttons_appear_only_where_they_can_succeed(ws: Workspace) -> None:
    tr, _ = as_user(ws, "dara")
    ed, csrf = as_user(ws, "eddie")
    url = f"/t/{SALANG}/dari"
    assert buttons(tr.get(url).text) == {"claim"}
    page = ed.get(url).text  # machine drafts: nothing to approve, send back or publish
    assert buttons(page) == {"claim"}
    assert "segments not reviewed yet" in page
    review_everything(ws, SALANG, "dari")
    page = ed.get(url).text
    assert buttons(page) == {"claim", "approve", "send-back"}
    assert buttons(tr.get(url).text) == {"claim"}
    (rev,) = re.findall(r'name="rev" value="([^"]*)"', page)
    ed.post(f"{url}/approve", data={"csrf": csrf, "rev": rev})
    assert buttons(ed.get(url).text) == {"claim", "send-back", "publish"}


def test_a_refused_approval_returns_to_the_article_with_the_reason(ws: Workspace) -> None:
    ed, csrf = as_user(ws, "eddie")
    page = ed.get(f"/t/{SALANG}/dari").text
    rev = re.search(r'data-api="[^"]*"', page)
    assert rev
    current = Queue(ws).snapshot(SALANG, "dari").rev
    r = ed.post(f"/t/{SALANG}/dari/approve", data={"csrf": csrf, "rev": current})
    assert r.status_code == 200 and r.url.path == f"/t/{SALANG}/dari"
    assert '<p class="flash flash-error" role="alert">' in r.text
    assert "segments are not reviewed" in r.text
    r = ed.post(f"/t/{SALANG}/dari/send-back", data={"csrf": csrf, "comment": "x"})
    assert r.url.path == f"/t/{SALANG}/dari" and "nothing to send back" in r.text


def test_a_second_publish_while_one_runs_is_refused_politely(ws: Workspace) -> None:
    review_everything(ws, SALANG, "dari")
    release = threading.Event()
    calls: list[dict[str, Any]] = []

    def slow_flow(**parameters: Any) -> Any:
        calls.append(parameters)
        release.wait(30)
        raise RuntimeError("stopped by the test")

    ed = TestClient(create_app(ws, publish_flow=slow_flow))
    csrf = login(ed, "eddie")
    page = ed.get(f"/t/{SALANG}/dari").text
    (rev,) = re.findall(r'name="rev" value="([^"]*)"', page)
    ed.post(f"/t/{SALANG}/dari/approve", data={"csrf": csrf, "rev": rev})
    try:
        first = ed.post(f"/t/{SALANG}/dari/publish", data={"csrf": csrf})
        assert "Publish flow submitted" in first.text
        # While it runs, the button shows it, disabled; pressed anyway (no script), the
        # second submit starts nothing and says so.
        assert re.search(r"<button disabled>Publishing…</button>", first.text)
        second = ed.post(f"/t/{SALANG}/dari/publish", data={"csrf": csrf})
        assert second.url.path == f"/t/{SALANG}/dari"
        assert "still under way" in second.text
    finally:
        release.set()
    for _ in range(100):
        run_ = publishing.latest(ws, SALANG, "dari")
        if run_ and not run_.active:
            break
        threading.Event().wait(0.05)
    assert len(calls) <= 1  # the flow started at most once (never twice)


def test_an_editors_saves_keep_what_the_page_covers_as_changes(ws: Workspace) -> None:
    """An editor's save keeps the content its page may approve as the saved segments over
    the snapshot the page was shown (not a copy of every segment); a refused approval
    still lists exactly what others changed."""
    import sqlite3

    from azad.db.connection import db_path

    review_everything(ws, SALANG, "dari")
    ed, csrf = as_user(ws, "eddie")
    ed.get(f"/t/{SALANG}/dari")  # the page's content is kept whole
    a, b = read_segments(ws, SALANG, "dari")[2:4]
    r = ed.post(
        f"/api/t/{SALANG}/dari/segments/{a.ctx}",
        json={"text": a.text + " (ویرایش)", "rev": a.rev, "reviewed": True},
        headers={"X-CSRF-Token": csrf},
    )
    seen = r.json()["content_rev"]
    with sqlite3.connect(db_path(ws)) as conn:
        (stored,) = conn.execute(
            "SELECT units FROM shown_content WHERE rev = ?", (seen,)
        ).fetchone()
    assert stored.startswith("{") and a.ctx in stored and b.ctx not in stored
    save_segment(ws, SALANG, "dari", b.ctx, "متن همکار", b.rev, by="dara")
    r = ed.post(f"/t/{SALANG}/dari/approve", data={"csrf": csrf, "rev": seen})
    assert r.status_code == 409
    listed = re.findall(r"<tr>\s*<td>([^<]+)</td>", r.text)
    assert listed == [b.ctx]
