"""Finding one's way inside an article (issue 24), through HTTP: search (``?q=``) over
the English and the translation, within a filter and across pages; "sent back" counted
apart from "needs editing"; one date format (local time, with the Afghan solar date on
Dari and Pashto pages); the skip link's target."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from helpers import save_segment
from test_review_support import SALANG, as_user, copy_workspace, queue_template

from azad.db.users import get_user
from azad.review.edits import read_segments
from azad.review.talk import send_back_segments
from azad.web.live_state import translation_state
from azad.web.templating import when
from azad.workspace import Workspace


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return queue_template(tmp_path_factory.mktemp("finding") / "ws")


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(template, tmp_path / "ws")


def shown(html: str) -> list[str]:
    return re.findall(r'<div class="seg[^"]*" id="seg-[^"]+" data-ctx="([^"]+)"', html)


def test_search_finds_segments_by_their_english_or_their_translation(ws: Workspace) -> None:
    units = read_segments(ws, SALANG, "dari")
    c, _ = as_user(ws, "dara")
    base = f"/t/{SALANG}/dari"
    # English, in any case.
    word = "tunnel"
    expected = [u.ctx for u in units if word in u.english.lower()]
    assert 0 < len(expected) < len(units)
    page = c.get(f"{base}?q=TUNNEL").text
    assert shown(page) == expected
    assert 'value="TUNNEL"' in page and "containing “TUNNEL”" in page
    # The translation: a word only one segment's text holds, found with or without ZWNJ.
    target = units[3]
    save_segment(ws, SALANG, "dari", target.ctx, "سرک‌های شمال", target.rev, by="dara")
    assert shown(c.get(f"{base}?q=سرک‌های").text) == [target.ctx]
    assert shown(c.get(f"{base}?q=سرکهای").text) == [target.ctx]
    # Within a filter; the filter links keep the search.
    assert shown(c.get(f"{base}?q={word}&filter=reviewed").text) == []
    assert shown(c.get(f"{base}?q=سرک&filter=reviewed").text) == [target.ctx]
    assert f'href="{base}?filter=reviewed&amp;q=tunnel"' in c.get(f"{base}?q=tunnel").text
    # Nothing found is said, not an error.
    none = c.get(f"{base}?q=zzzz-nowhere")
    assert none.status_code == 200 and shown(none.text) == [] and "No segments" in none.text


def test_sent_back_is_counted_apart_from_needs_editing(ws: Workspace) -> None:
    units = read_segments(ws, SALANG, "dari")
    for u in units[:4]:
        save_segment(ws, SALANG, "dari", u.ctx, "متن " + u.ctx, u.rev, by="dara")
    # A translator's own draft: needs editing, not sent back.
    mine = units[5]
    save_segment(ws, SALANG, "dari", mine.ctx, "پیش‌نویس من", mine.rev, by="dara", reviewed=False)
    editor = get_user(ws, "eddie")
    assert editor is not None
    send_back_segments(ws, SALANG, "dari", [units[1].ctx, units[2].ctx], editor, "names")
    c, _ = as_user(ws, "dara")
    base = f"/t/{SALANG}/dari"
    page = c.get(base).text
    machine = sum(1 for u in read_segments(ws, SALANG, "dari") if u.is_machine_draft)
    assert '?filter=sent-back">sent back 2</a>' in page
    assert '?filter=draft">needs editing 3</a>' in page  # the two sent back + her draft
    assert f'?filter=machine">machine draft {machine}</a>' in page
    assert machine == len(units) - 5  # 4 confirmed (2 of them sent back since), 1 hers
    assert shown(c.get(f"{base}?filter=sent-back").text) == [units[1].ctx, units[2].ctx]
    # The live page's counts are the page's own: an update never resets "sent back".
    live = translation_state(ws, SALANG, "dari").summary["filters"]
    assert live["sent-back"] == 2 and live["draft"] == 3 and live["machine"] == machine
    # Confirmed again: no longer sent back.
    again = read_segments(ws, SALANG, "dari")[1]
    save_segment(ws, SALANG, "dari", again.ctx, again.text, again.rev, by="dara")
    assert shown(c.get(f"{base}?filter=sent-back").text) == [units[2].ctx]


def test_one_date_format_local_time_with_the_solar_date_on_dari_and_pashto_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    moment = dt.datetime(2026, 3, 21, 9, 30, tzinfo=dt.UTC)
    monkeypatch.setenv("TZ", "Asia/Kabul")
    time.tzset()
    try:
        assert str(when(moment)) == (
            '<time datetime="2026-03-21T14:00:00+04:30">2026-03-21 14:00 +0430</time>'
        )
        assert str(when(moment.isoformat(), "fa-AF")).endswith(
            ' <span class="solar" lang="fa-AF" dir="rtl">۱ حمل ۱۴۰۵</span>'
        )
        assert "۱ وری ۱۴۰۵" in str(when(moment, "ps-AF"))
        # A moment stored without a zone is UTC.
        assert "2026-03-21 14:00 +0430" in str(when("2026-03-21T09:30:00"))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_every_date_of_the_editor_page_is_written_one_way(ws: Workspace) -> None:
    units = read_segments(ws, SALANG, "dari")
    for u in units:
        save_segment(ws, SALANG, "dari", u.ctx, "متن " + u.ctx, u.rev, by="dara")
    editor = get_user(ws, "eddie")
    assert editor is not None
    send_back_segments(ws, SALANG, "dari", [units[0].ctx], editor, "names")
    c, _ = as_user(ws, "dara")
    from azad.queue.status import claim

    claim(ws, SALANG, "dari", "dara")
    page = c.get(f"/t/{SALANG}/dari").text
    times = re.findall(
        r"<time datetime=\"([^\"]+)\">([^<]+)</time>( <span class=\"solar\"[^>]*>[^<]+</span>)?",
        page,
    )
    # The record's send-back, the segment's send-back note, its thread, the claim's expiry.
    assert len(times) >= 4, page
    for _iso, text, solar in times:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d (UTC|[+-]\d{4})", text), text
        assert solar, "a Dari page gives the solar date beside it"
    # No date on the page is written another way.
    assert len(re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", page)) == len(times)


def test_the_skip_link_points_at_the_first_translation(ws: Workspace) -> None:
    c, _ = as_user(ws, "dara")
    page = c.get(f"/t/{SALANG}/dari?filter=machine").text
    assert page.index('class="skip-link" href="#first-translation"') < page.index(
        '<header class="top">'
    )
    assert page.count('id="first-translation"') == 1
    first = shown(page)[0]
    seg = page[page.index(f'id="seg-{first}"') :]
    assert seg.index('id="first-translation"') < seg.index("</textarea>")
