"""Talking in a real browser (Debian's Chromium driven by Playwright, the app served by
uvicorn on 127.0.0.1): a translator comments on a segment, the editor sees the comment and
sends that one segment back, the translator sees it as needing editing and fixes it."""

from __future__ import annotations

import re

from test_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    log_in,
    pytestmark,
    served,
)
from test_review_support import PASSWORD, SALANG, review_everything

from azad.db.users import add_user
from azad.queue.status import claim, translation_status
from azad.review.edits import read_segments
from azad.workspace import Workspace

__all__ = ["pytestmark", "served"]  # the fixture and the skip mark come from test_browser


def test_a_comment_an_editor_sends_back_and_the_translator_fixes(
    served: tuple[Workspace, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    ws, base = served
    review_everything(ws, SALANG, "dari")
    ctx = read_segments(ws, SALANG, "dari")[2].ctx
    seg_sel = f'[data-ctx="{ctx}"]'
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        translator = log_in(browser, base, "dara")
        translator.on("pageerror", lambda e: errors.append(str(e)))
        seg = translator.locator(seg_sel)
        # The translator opens the segment's comments and asks a question (keyboard).
        seg.locator(".talk summary").click()
        box = seg.get_by_label(f"Comment on {ctx}")
        box.fill("آیا «سالنگ» درست است؟ Is the altitude right?")
        box.press("Enter")
        expect(seg.locator(".comment-state")).to_have_text("comment added")
        expect(seg.locator(".thread li")).to_have_count(1)
        expect(seg.locator(".comment-count")).to_have_text("1")

        # The editor sees the comment under that segment and sends that segment back.
        editor = log_in(browser, base, "eddie")
        editor.on("pageerror", lambda e: errors.append(str(e)))
        eseg = editor.locator(seg_sel)
        expect(eseg.locator(".thread li")).to_contain_text("Is the altitude right?")
        expect(eseg.locator(".thread li strong")).to_have_text("dara")
        eseg.get_by_label(f"What needs work in {ctx}").fill("The altitude is 3,400 m")
        eseg.get_by_role("button", name="Send this segment back").click()
        editor.wait_for_url(f"{base}/t/{SALANG}/dari?msg=*")
        expect(editor.locator(".flash")).to_have_text(f"Sent back 1 segment: {ctx}.")
        expect(editor.locator("#status")).to_have_text("sent back")
        expect(editor.locator(seg_sel).locator(".thread li")).to_have_count(2)
        assert translation_status(ws, SALANG, "dari").status == "sent back"

        # The translator sees it as needing editing, with the editor's comment.
        translator.reload()
        seg = translator.locator(seg_sel)
        expect(seg.locator(".needs-editing")).to_contain_text("sent back by eddie")
        expect(seg.locator(".needs-editing")).to_contain_text("The altitude is 3,400 m")
        expect(seg.locator(".state")).to_have_text("draft")
        expect(translator.locator("#status")).to_have_text("sent back")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        seg.scroll_into_view_if_needed()
        translator.screenshot(path=str(ARTIFACTS / "talk-needs-editing.png"))

        # Fixed and confirmed: reviewed again.
        area = seg.locator("textarea")
        area.fill(area.input_value() + " ۳٬۴۰۰")
        area.press("Control+Enter")
        expect(seg.locator(".state")).to_have_text("reviewed ✓ saved")
        expect(translator.locator("#status")).to_have_text("reviewed")
        browser.close()
    assert errors == []
    assert read_segments(ws, SALANG, "dari")[2].reviewed


def test_a_dismissed_warning_and_a_save_into_another_claim(served: tuple[Workspace, str]) -> None:
    """The page's script: "dismiss" moves a warning to the dismissed list at once; a save
    into a translation another translator holds says so in the segment's status and at
    the top of the page."""
    from playwright.sync_api import expect, sync_playwright

    ws, base = served
    add_user(ws, "dina", "translator", ["dari"], PASSWORD)
    claim(ws, SALANG, "dari", "dina")
    seg = read_segments(ws, SALANG, "dari")[1]
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = log_in(browser, base, "dara")
        page.on("pageerror", lambda e: errors.append(str(e)))
        expect(page.locator("#claim-warning")).to_contain_text("Claimed by dina")
        row = page.locator(f'[data-ctx="{seg.ctx}"]')
        warnings = row.locator("ul.qa > li")
        n = warnings.count()
        assert n > 0
        first = warnings.first
        message = first.evaluate("li => li.firstChild.textContent")
        first.get_by_role("button", name="dismiss").click()
        expect(row.locator(".state")).to_have_text("warning dismissed")
        expect(warnings).to_have_count(n - 1)
        expect(row.locator("ul.dismissed li")).to_have_text(
            re.compile(re.escape(message) + r" · dismissed by dara")
        )
        # Clicked by mistake: "restore" brings it back, and the thread says so.
        row.locator("ul.dismissed li").get_by_role("button", name="restore").click()
        expect(row.locator(".state")).to_have_text("warning restored")
        expect(warnings).to_have_count(n)
        expect(row.locator("ul.dismissed li")).to_have_count(0)
        expect(row.locator(".talk .thread li")).to_contain_text(["had dismissed"])
        warnings.first.get_by_role("button", name="dismiss").click()
        expect(row.locator(".state")).to_have_text("warning dismissed")

        area = row.locator("textarea")
        area.fill("متن دارا")
        area.press("Control+S")
        expect(row.locator(".state")).to_contain_text("draft saved · claimed by dina")
        browser.close()
    assert errors == []
    assert read_segments(ws, SALANG, "dari")[1].text == "متن دارا"
