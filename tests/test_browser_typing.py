"""Typing Dari in a real browser (Debian's Chromium driven by Playwright), keyboard only:
the character bar, a number chip, a translation-memory near match and the shortcuts, then
the saved PO entry holds each character exactly where the caret was. Screenshots at 1280
and 375 px go to tests/artifacts/."""

from __future__ import annotations

from typing import Any

from helpers import save_segment
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, log_in, pytestmark, served
from test_review_support import SALANG, entry, review_everything, translate

from azad.queue.articles import ArticleStore
from azad.review.edits import read_segments
from azad.workspace import Workspace

__all__ = ["pytestmark", "served"]  # the fixture and the skip mark come from test_browser

ZWNJ = "\u200c"
NEAR = "salang-near"
CTX = "b1.s2"  # "Built with Soviet help and opened in 1964, it was for decades …"


def near_article(ws: Workspace) -> str:
    """Approve the Salang article's Dari, then make a second article whose CTX sentence
    differs by one word: its Dari editor offers the approved text as a near match.
    Returns the approved Dari text of CTX."""
    review_everything(ws, SALANG, "dari", prefix="تأییدشده ")
    from helpers import approve

    approve(ws, SALANG, "dari", "eddie")
    store = ArticleStore(ws)
    article = store.load(SALANG).article
    blocks = []
    for block in article.blocks:
        segs = [
            s.model_copy(update={"text": s.text.replace("for decades", "for many decades")})
            if s.id == CTX
            else s
            for s in block.segments
        ]
        blocks.append(block.model_copy(update={"segments": segs}))
    store.save(NEAR, article.model_copy(update={"blocks": blocks}))
    translate(ws, [NEAR], ["dari"])
    return next(s.text for s in read_segments(ws, SALANG, "dari") if s.ctx == CTX)


def active(page: Any) -> str:
    """What has the focus: the textarea's segment, or the focused button's name."""
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " if (el instanceof HTMLTextAreaElement)"
        "   return 'textarea ' + el.closest('.seg').dataset.ctx;"
        " return (el.getAttribute('aria-label') || el.textContent || el.tagName).trim(); }"
    )


def watch_errors(page: Any) -> list[str]:
    """Script errors and console errors of ``page`` (a CSP refusal is one), as they come."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_dari_translator_types_with_the_bar_chips_and_a_tm_match_keyboard_only(
    served: tuple[Workspace, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    ws, base = served
    approved = near_article(ws)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = log_in(browser, base, "dara")
        errors = watch_errors(page)
        page.goto(f"{base}/t/{NEAR}/dari")
        seg = page.locator(f'[data-ctx="{CTX}"]')
        area = seg.locator("textarea")
        # The near match shows the word its English lacks, and can be taken.
        expect(seg.locator(".tm .wdiff ins")).to_have_text("many")
        expect(page.locator("#charbar")).to_be_hidden()  # until a translation has the focus

        # Tab from the top of the page to the segment.
        for _ in range(200):
            page.keyboard.press("Tab")
            if active(page) == f"textarea {CTX}":
                break
        else:
            raise AssertionError("Tab never reached the segment")
        expect(page.locator("#charbar")).to_be_visible()
        # The bar sits right under the translation being edited.
        assert seg.locator("#charbar").count() == 1

        # Alt+T takes the best translation-memory match.
        page.keyboard.press("Alt+t")
        expect(area).to_have_value(approved)
        assert active(page) == f"textarea {CTX}"

        # Type at the end; the ZWNJ from the bar (Tab, Enter) goes in at the caret and the
        # focus comes back to the text.
        page.keyboard.press("Control+End")
        page.keyboard.type(" می")
        page.keyboard.press("Control+s")  # saved as a draft: nothing unsaved now
        expect(seg.locator(".state")).to_have_text("draft saved")
        expect(area).not_to_have_class("dirty")
        page.keyboard.press("Tab")
        assert active(page) == "ZWNJ (zero-width non-joiner)"
        page.keyboard.press("Enter")
        assert active(page) == f"textarea {CTX}"
        expect(area).to_have_class("dirty")  # editor.js saw the insertion as typing
        page.keyboard.type("شود ")

        # Tab past the bar (one stop) to the segment's number chip: 1964 in Eastern digits.
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert active(page) == "Insert number 1964 as ۱۹۶۴"
        page.keyboard.press("Enter")
        assert active(page) == f"textarea {CTX}"

        # Arrow keys move inside the bar: four to the right of ZWNJ is the Arabic comma.
        page.keyboard.press("Tab")
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        assert active(page) == "Arabic comma"
        page.keyboard.press("Enter")
        # The bar remembers the key last used: Tab comes back to the comma.
        page.keyboard.press("Tab")
        assert active(page) == "Arabic comma"
        page.keyboard.press("Escape")
        assert active(page) == f"textarea {CTX}"

        # Alt+Z types a ZWNJ.
        page.keyboard.type(" نمی")
        page.keyboard.press("Alt+z")
        page.keyboard.type("توان")
        expected = approved + f" می{ZWNJ}شود ۱۹۶۴، نمی{ZWNJ}توان"
        expect(area).to_have_value(expected)

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        seg.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "editor-typing-1280.png"))

        page.keyboard.press("Control+Enter")
        expect(seg.locator(".state")).to_have_text("reviewed ✓ saved")
        assert entry(ws, NEAR, "dari", CTX).msgstr == expected

        # On to the next segment; Alt+Page Up goes back to the previous one not yet
        # reviewed, past the one just saved; Alt+Page Down forward again.
        expect(page.locator('[data-ctx="b1.s3"] textarea')).to_be_focused()
        page.keyboard.press("Alt+PageUp")
        expect(page.locator('[data-ctx="b1.s1"] textarea')).to_be_focused()
        page.keyboard.press("Alt+PageDown")
        expect(page.locator('[data-ctx="b1.s3"] textarea')).to_be_focused()
        assert errors == []
        browser.close()


def test_the_mouse_keeps_the_caret_and_the_bar_fits_a_phone(
    served: tuple[Workspace, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    ws, base = served
    first = read_segments(ws, SALANG, "dari")[1]  # b1.s1: Hindu Kush, 3,400, Kabul
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = log_in(browser, base, "dara")
        errors = watch_errors(page)
        page.set_viewport_size({"width": 375, "height": 800})
        seg = page.locator(f'[data-ctx="{first.ctx}"]')
        area = seg.locator("textarea")
        area.fill("کابلXX و هندوکش")
        area.evaluate("el => el.setSelectionRange(4, 6)")  # "XX" is selected
        bar = page.locator("#charbar")
        expect(bar).to_be_visible()
        # Count the times the text loses the focus: a mobile keyboard closes each time.
        area.evaluate(
            "el => { window.blurs = 0; el.addEventListener('blur', () => window.blurs++) }"
        )
        bar.locator('[aria-label="ZWNJ (zero-width non-joiner)"]').click()
        expect(area).to_be_focused()  # the click did not take the focus away …
        assert page.evaluate("window.blurs") == 0  # … not even for a moment
        expect(area).to_have_value(f"کابل{ZWNJ} و هندوکش")  # the selection replaced
        seg.locator('button.chip[aria-label="Insert number 3,400 as ۳٬۴۰۰"]').click()
        expect(area).to_have_value(f"کابل{ZWNJ}۳٬۴۰۰ و هندوکش")
        expect(area).to_be_focused()
        # A glossary hint inserts its Dari form at the caret too.
        area.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
        page.keyboard.type(" ")
        seg.locator('.glossary button[aria-label="Insert glossary term Kabul as کابل"]').click()
        expect(area).to_have_value(f"کابل{ZWNJ}۳٬۴۰۰ و هندوکش کابل")
        expect(area).to_be_focused()
        assert page.evaluate("window.blurs") == 0

        # At 375 px the bar and the chips wrap inside the segment: no sideways scrolling.
        for box in (bar, seg.locator(".chips")):
            right = box.evaluate("el => el.getBoundingClientRect().right")
            assert right <= 375, right
            assert box.evaluate("el => el.scrollWidth <= el.clientWidth")
        seg.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "editor-typing-375.png"))
        bar.screenshot(path=str(ARTIFACTS / "charbar-375.png"))
        overflow = page.evaluate("document.documentElement.scrollWidth")
        print("editor page width at 375 px:", overflow)
        widths = page.evaluate(
            "() => Array.from(document.querySelectorAll('#charbar, .chips, .shortcuts'))"
            ".map(el => el.getBoundingClientRect().right)"
        )
        assert max(widths) <= 375, widths

        # The segment's history: each change as a word diff, still no sideways scrolling.
        area.press("Control+Enter")
        expect(seg.locator(".state")).to_have_text("reviewed ✓ saved")
        rev = next(s.rev for s in read_segments(ws, SALANG, "dari") if s.ctx == first.ctx)
        save_segment(
            ws, SALANG, "dari", first.ctx, f"کابل{ZWNJ}۳٬۴۰۰ و هندوکش کابل بلند", rev, by="eddie"
        )
        page.goto(f"{base}/t/{SALANG}/dari/history/{first.ctx}")
        diff = page.locator("table.history tbody tr").last.locator(".wdiff")
        expect(diff.locator("ins")).to_have_text("بلند")
        assert diff.evaluate("el => getComputedStyle(el).direction") == "rtl"
        page.screenshot(path=str(ARTIFACTS / "history-375.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert errors == []
        browser.close()
