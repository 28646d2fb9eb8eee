"""The editor page in a real browser: Debian's Chromium driven by Playwright, against the
app served by uvicorn on 127.0.0.1 (a free port), as a translator would use it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, save_segment, serving
from test_review_support import PASSWORD, SALANG, add_users, entry, make_queue

from azad.review.edits import read_segments
from azad.web.app import create_app
from azad.workspace import Workspace

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "artifacts"

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test does it)"
)
# Slow (Chromium): not in `make check`; test_browser_typing and test_browser_talk share it.
pytestmark = [needs_chromium, pytest.mark.slow]


@pytest.fixture
def served(workspace: Workspace) -> Iterator[tuple[Workspace, str]]:
    make_queue(workspace)
    add_users(workspace)
    with serving(create_app(workspace)) as base:
        yield workspace, base


def test_translator_edits_a_dari_segment_with_the_keyboard(served: tuple[Workspace, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    ws, base = served
    first, second = read_segments(ws, SALANG, "dari")[:2]
    new_text = (
        "تونل سالنگ در ارتفاع حدود ۳٬۴۰۰ متری از هندوکش می‌گذرد و کابل را با ولایات شمال وصل می‌کند."
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/t/{SALANG}/dari")
        assert "/login" in page.url  # nothing without logging in
        page.fill('input[name="name"]', "dara")
        page.fill('input[name="password"]', PASSWORD)
        page.click('button[type="submit"]')
        page.wait_for_url(f"{base}/t/{SALANG}/dari")

        area = page.locator(f'[data-ctx="{first.ctx}"] textarea')
        assert area.get_attribute("dir") == "rtl" and area.get_attribute("lang") == "fa-AF"
        style = area.evaluate(
            "el => [getComputedStyle(el).direction, getComputedStyle(el).textAlign]"
        )
        assert style == ["rtl", "right"]
        area.fill(new_text)
        area.press("Control+Enter")
        expect(page.locator(f'[data-ctx="{first.ctx}"] .state')).to_have_text("reviewed ✓ saved")
        # Saved and on to the next segment.
        next_area = page.locator(f'[data-ctx="{second.ctx}"] textarea')
        expect(next_area).to_be_focused()
        expect(page.locator("#progress-text")).to_have_text(
            f"1/{len(read_segments(ws, SALANG, 'dari'))} reviewed"
        )

        page.reload()
        expect(area).to_have_value(new_text)
        assert entry(ws, SALANG, "dari", first.ctx).msgstr == new_text

        # Someone else saves the next segment while it is being edited: the page shows both
        # texts (typed first: an untouched segment would just follow the other save live).
        next_area.fill("متن من")
        save_segment(ws, SALANG, "dari", second.ctx, "متن همکار", second.rev, by="eddie")
        next_area.press("Control+Enter")
        conflict = page.locator(f'[data-ctx="{second.ctx}"] .conflict')
        expect(conflict).to_be_visible()
        expect(conflict.locator(".theirs")).to_have_text("متن همکار")
        expect(conflict.locator(".yours")).to_have_text("متن من")
        assert entry(ws, SALANG, "dari", second.ctx).msgstr == "متن همکار"

        page.reload()
        page.evaluate("window.scrollTo(0, 0)")  # the article's head and the edited segment
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "editor-dari.png"
        page.screenshot(path=str(shot))
        browser.close()
    assert shot.stat().st_size > 10_000


def log_in(browser: Any, base: str, name: str) -> Any:
    """A new page, logged in as ``name`` through the form, on the Dari editor page."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/login?next=/t/{SALANG}/dari")
    page.fill('input[name="name"]', name)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{base}/t/{SALANG}/dari")
    return page


def test_status_and_conflicts_update_in_place(served: tuple[Workspace, str]) -> None:
    """Case 7 of issue 11: the badge and counts follow saves without a reload; the
    conflict panel says who changed the segment and when, with a word diff; "Keep mine"
    keeps the state the translator chose; "Take this" shows the state taken."""
    from playwright.sync_api import expect, sync_playwright

    from azad.queue.store import Queue

    ws, base = served
    first, second, third = read_segments(ws, SALANG, "dari")[:3]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = log_in(browser, base, "dara")
        expect(page.locator("#status")).to_have_text("machine draft")

        area = page.locator(f'[data-ctx="{first.ctx}"] textarea')
        area.fill("تونل سالنگ")
        area.press("Control+Enter")
        expect(page.locator(f'[data-ctx="{first.ctx}"] .state')).to_have_text("reviewed ✓ saved")
        expect(page.locator("#status")).to_have_text("in review")  # no reload

        # While the translator edits the second segment (unsaved), a colleague saves it;
        # the translator saves hers as a draft. (The page follows saves live: an unsaved
        # edit meets the conflict panel as the colleague's save arrives, or at the latest
        # when the translator saves.)
        seg = page.locator(f'[data-ctx="{second.ctx}"]')
        seg.locator("textarea").fill("متن من درباره تونل")
        save_segment(
            ws, SALANG, "dari", second.ctx, "متن همکار درباره تونل", second.rev, by="eddie"
        )
        seg.locator("textarea").press("Control+s")
        conflict = seg.locator(".conflict")
        expect(conflict).to_be_visible()
        expect(conflict.locator(".who")).to_contain_text("eddie")
        expect(conflict.locator(".diff del")).to_have_text("همکار")
        expect(conflict.locator(".diff ins")).to_have_text("من")
        conflict.locator(".take-yours").click()
        expect(seg.locator(".state")).to_have_text("draft saved")
        unit = Queue(ws).read(SALANG, "dari").unit(second.ctx)
        assert unit is not None and unit.text == "متن من درباره تونل" and unit.state == "draft"

        # "Take this": the colleague's reviewed text, and the label says so.
        seg = page.locator(f'[data-ctx="{third.ctx}"]')
        seg.locator("textarea").fill("متن دیگر")
        save_segment(ws, SALANG, "dari", third.ctx, "متن تأییدشده", third.rev, by="eddie")
        seg.locator("textarea").press("Control+Enter")
        expect(seg.locator(".conflict")).to_be_visible()
        seg.locator(".take-theirs").click()
        expect(seg.locator(".state")).to_have_text("reviewed")
        expect(seg.locator("textarea")).to_have_value("متن تأییدشده")
        page.screenshot(path=str(ARTIFACTS / "editor-conflict.png"))
        browser.close()


def test_an_editors_approve_covers_only_what_the_page_showed(
    served: tuple[Workspace, str],
) -> None:
    """The editor's own saves move the Approve button's revision; a colleague's save in
    the meantime does not, so Approve is refused and says what changed."""
    from playwright.sync_api import expect, sync_playwright
    from test_review_support import review_everything

    from azad.queue.status import translation_status

    ws, base = served
    review_everything(ws, SALANG, "dari")
    first, second = read_segments(ws, SALANG, "dari")[:2]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = log_in(browser, base, "eddie")
        # The editor's own correction: Approve then covers it.
        area = page.locator(f'[data-ctx="{first.ctx}"] textarea')
        area.fill(first.text + " (ویرایش)")
        area.press("Control+Enter")
        expect(page.locator(f'[data-ctx="{first.ctx}"] .state')).to_have_text("reviewed ✓ saved")
        seen = page.locator('#approve-form input[name="rev"]').input_value()
        assert seen == translation_status(ws, SALANG, "dari").rev
        # A translator changes another segment; the editor corrects one more.
        save_segment(ws, SALANG, "dari", second.ctx, "متن تازه", second.rev, by="dara")
        area.fill(first.text + " (ویرایش دوم)")
        area.press("Control+Enter")
        # dara's save left every segment reviewed, so it claimed nothing (issue 24: a
        # claim ends with the work): the editor's save is kept with no claim warning.
        state = page.locator(f'[data-ctx="{first.ctx}"] .state')
        expect(state).to_have_text("reviewed ✓ saved")
        assert translation_status(ws, SALANG, "dari").claimed_by is None
        assert page.locator('#approve-form input[name="rev"]').input_value() == seen
        page.click("#approve-form button")
        expect(page.locator("h1")).to_contain_text("Not approved")
        expect(page.locator("table.changes")).to_contain_text("متن تازه")
        expect(page.locator("table.changes")).to_contain_text("dara")
        assert translation_status(ws, SALANG, "dari").record.approved is None
        browser.close()
