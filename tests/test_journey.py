"""Issue 14's proof: one journey through the review app in a real browser (Debian's
Chromium driven by Playwright, the app served by uvicorn on 127.0.0.1 with the real
``flows.pipeline.publish_editions`` Prefect flow behind its Publish button, as
``azad review serve`` runs it).

A Dari translator, keyboard only, logs in, filters to a failing check, takes a
translation-memory near match, inserts a ZWNJ from the character bar, dismisses a QA
check, comments on the segment and saves; an editor (another browser context) sees the
comment and sends that one segment back; the translator fixes it; the editor approves
and publishes, and the editions appear. At each key step the page is screenshot at 1280
and 375 px and checked with axe-core (``tests/artifacts/journey-<step>-<width>.png`` /
``.json``). Each step is checked against the files too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers import save_segment, serving
from test_a11y import AXE, WIDTHS, axe, summary
from test_browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium
from test_browser_typing import CTX, NEAR, ZWNJ, near_article, watch_errors
from test_review_support import PASSWORD, add_users, entry, make_queue

from azad.queue.status import translation_status
from azad.review.edits import read_segments
from azad.web.app import create_app
from azad.workspace import Workspace

# Slow (Chromium, Prefect): not in `make check`.
pytestmark = [
    pytest.mark.slow,
    needs_chromium,
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make setup does it)"),
]

PUBLISH_WAIT_MS = 180_000


@pytest.fixture
def served(workspace: Workspace, prefect_api: None) -> Iterator[tuple[Workspace, str]]:
    """The app with the real publish flow, as ``azad review serve`` builds it."""
    from flows.pipeline import publish_editions

    make_queue(workspace)
    add_users(workspace)
    with serving(create_app(workspace, publish_flow=publish_editions)) as base:
        yield workspace, base


def focused(page: Any, test: str) -> bool:
    """Whether the focused element passes ``test`` (a JavaScript function of it)."""
    return bool(
        page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({test})(el) }}")
    )


def tab_to(page: Any, test: str, back: bool = False, limit: int = 300) -> None:
    """Press Tab (or Shift+Tab) until the focused element passes ``test``: how a keyboard
    user gets anywhere."""
    for _ in range(limit):
        if focused(page, test):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {test}")


def in_seg(ctx: str, test: str) -> str:
    """A focus test: ``test`` of the element, inside segment ``ctx``."""
    return f"el => !!el.closest('[data-ctx=\"{ctx}\"]') && ({test})(el)"


TEXTAREA = in_seg(CTX, "el => el.tagName === 'TEXTAREA'")


class Checks:
    """axe-core and screenshots at both widths; the serious and critical findings."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, page: Any, step: str, at: Any = None) -> None:
        """``at``: the part of the page the step is about, scrolled to (the screenshots at
        1280 px show the window, those at 375 px the whole page)."""
        size = page.viewport_size
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800 if width < 1000 else 900})
            if at is not None:
                at.scroll_into_view_if_needed()
            found = axe(page, step, width, prefix="journey")
            if found:
                self.problems.append(f"{step}@{width}: {summary(found)}")
            if width < 1000:
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > width:
                    self.problems.append(f"{step}@{width}: {wide} px wide")
                if at is not None:
                    # One column: the translation under its English, nearly full width.
                    en = at.locator(".en").bounding_box()
                    ta = at.locator("textarea").bounding_box()
                    if ta["y"] < en["y"] + en["height"] - 1 or ta["width"] < 0.7 * width:
                        self.problems.append(f"{step}@{width}: two columns: {en}, {ta}")
        page.set_viewport_size(size)


def test_journey_from_a_translators_keyboard_to_published_editions(
    served: tuple[Workspace, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    ws, base = served
    # Another article (the Salang tunnel's) is approved; NEAR's CTX sentence differs from
    # one of its sentences by one word: a ≥75 % translation-memory near match.
    approved = near_article(ws)
    editor_url = f"{base}/t/{NEAR}/dari"
    seg_sel = f'[data-ctx="{CTX}"]'
    check = Checks()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # axe-core goes in as a script tag: the test bypasses the app's strict CSP (the
        # CSP itself is tested in test_browser_typing, which watches for its refusals).
        tctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        tr = tctx.new_page()
        errors = watch_errors(tr)

        # ---- 1. The translator, keyboard only -------------------------------------------
        tr.goto(f"{base}/login?next=/t/{NEAR}/dari")
        tab_to(tr, "el => el.name === 'name'")
        tr.keyboard.type("dara")
        tr.keyboard.press("Tab")
        assert focused(tr, "el => el.name === 'password'")
        tr.keyboard.type(PASSWORD)
        tr.keyboard.press("Enter")
        tr.wait_for_url(editor_url)
        check(tr, "editor")

        # Filter to a check the CTX segment fails, with the "Show" select and button.
        seg = tr.locator(seg_sel)
        kind = seg.locator("ul.qa > li").first.get_attribute("data-check")
        assert kind, "the near segment's draft fails no check"
        tab_to(tr, "el => el.id === 'wl-filter'")
        for _ in range(30):
            if tr.locator("#wl-filter").input_value() == f"check:{kind}":
                break
            tr.keyboard.press("ArrowDown")
        else:
            raise AssertionError(f"no filter for failing {kind!r}")
        tab_to(tr, "el => el.closest('.worklist-form') && el.tagName === 'BUTTON'")
        tr.keyboard.press("Enter")
        tr.wait_for_url(f"**filter=check%3A{kind}*")
        expect(tr.locator("#showing")).to_contain_text(f"“{kind}”")
        shown = tr.locator(".seg")
        assert shown.count() >= 1
        for i in range(shown.count()):
            assert shown.nth(i).locator(f'ul.qa > li[data-check="{kind}"]').count() == 1
        check(tr, "filtered", at=seg)

        # To the segment; Alt+T takes the best near match (shown with its score).
        seg = tr.locator(seg_sel)
        score = int(seg.locator(".tm .score").first.inner_text().rstrip("%"))
        assert 75 <= score < 100, score
        area = seg.locator("textarea")
        tab_to(tr, TEXTAREA)
        tr.keyboard.press("Alt+t")
        expect(area).to_have_value(approved)
        # Type on, and a ZWNJ from the character bar (Tab to it, Enter), then on again.
        tr.keyboard.press("Control+End")
        tr.keyboard.type(" می")
        tr.keyboard.press("Tab")
        assert focused(tr, "el => el.getAttribute('aria-label') === 'ZWNJ (zero-width non-joiner)'")
        tr.keyboard.press("Enter")
        assert focused(tr, TEXTAREA)
        tr.keyboard.type("شود")
        typed = f"{approved} می{ZWNJ}شود"
        expect(area).to_have_value(typed)
        tr.keyboard.press("Control+s")  # a draft for now
        expect(seg.locator(".state")).to_have_text("draft saved")
        assert entry(ws, NEAR, "dari", CTX).msgstr == typed
        check(tr, "typing", at=seg)

        # Dismiss a check still standing (Tab to its button, Enter).
        warnings = seg.locator("ul.qa > li")
        n = warnings.count()
        assert n > 0, "no warning left to dismiss"
        message = warnings.first.evaluate("li => li.firstChild.textContent")
        tab_to(tr, in_seg(CTX, "el => el.classList.contains('dismiss')"))
        tr.keyboard.press("Enter")
        expect(seg.locator(".state")).to_have_text("warning dismissed")
        expect(warnings).to_have_count(n - 1)
        expect(seg.locator("ul.dismissed li")).to_contain_text(f"{message} · dismissed by dara")

        # A comment: Enter on "Comments" opens them, Tab to the field, type, Enter.
        tab_to(tr, in_seg(CTX, "el => el.tagName === 'SUMMARY'"))
        tr.keyboard.press("Enter")
        tab_to(tr, in_seg(CTX, "el => el.name === 'comment'"))
        question = "آیا سال ۱۹۶۴ درست است؟"
        tr.keyboard.type(question)
        tr.keyboard.press("Enter")
        expect(seg.locator(".comment-state")).to_have_text("comment added")
        expect(seg.locator(".thread li")).to_have_count(1)

        # Back to the text; Ctrl+Enter saves it as reviewed.
        tab_to(tr, TEXTAREA, back=True)
        tr.keyboard.press("Control+Enter")
        expect(seg.locator(".state")).to_have_text("reviewed ✓ saved")
        saved = entry(ws, NEAR, "dari", CTX)
        assert saved.msgstr == typed and ZWNJ in saved.msgstr
        assert "fuzzy" not in saved.flags
        check(tr, "saved", at=seg)

        # ---- 2. The editor sees the comment and sends that one segment back -------------
        ectx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        ed = ectx.new_page()
        errors += watch_errors(ed)
        ed.goto(f"{base}/login?next=/t/{NEAR}/dari")
        ed.fill('input[name="name"]', "eddie")
        ed.fill('input[name="password"]', PASSWORD)
        ed.click('button[type="submit"]')
        ed.wait_for_url(editor_url)
        expect(ed.locator("#approve-form")).to_have_count(0)  # not everything reviewed
        eseg = ed.locator(seg_sel)
        expect(eseg.locator(".thread li")).to_contain_text(question)
        expect(eseg.locator(".thread li strong")).to_have_text("dara")
        expect(eseg.locator("ul.dismissed li")).to_contain_text("dismissed by dara")
        check(ed, "editor-sees-comment", at=eseg)
        note = "The year is 1964: write it in Eastern digits"
        eseg.get_by_label(f"What needs work in {CTX}").fill(note)
        eseg.get_by_role("button", name="Send this segment back").click()
        ed.wait_for_url(f"{editor_url}?msg=*")
        expect(ed.locator(".flash")).to_have_text(f"Sent back 1 segment: {CTX}.")
        assert translation_status(ws, NEAR, "dari").status == "sent back"
        assert "fuzzy" in entry(ws, NEAR, "dari", CTX).flags  # a draft again
        assert entry(ws, NEAR, "dari", CTX).msgstr == typed  # the text kept
        check(ed, "sent-back", at=ed.locator(seg_sel))

        # ---- 3. The translator sees it needs editing and fixes it (keyboard) ------------
        # Back on the article's page, the "needs editing" filter link (Tab, Enter).
        tr.goto(editor_url)
        tab_to(tr, "el => !!el.closest('.filter-links') && el.textContent.startsWith('needs edit')")
        tr.keyboard.press("Enter")
        tr.wait_for_url("**filter=draft*")
        seg = tr.locator(seg_sel)
        expect(seg.locator(".needs-editing")).to_contain_text("sent back by eddie")
        expect(seg.locator(".needs-editing")).to_contain_text(note)
        expect(seg.locator(".state")).to_have_text("draft")
        check(tr, "needs-editing", at=seg)
        tab_to(tr, TEXTAREA)
        tr.keyboard.press("Control+End")
        tr.keyboard.type(" ۱۹۶۴")
        tr.keyboard.press("Control+Enter")
        expect(seg.locator(".state")).to_have_text("reviewed ✓ saved")
        fixed = entry(ws, NEAR, "dari", CTX)
        assert fixed.msgstr == typed + " ۱۹۶۴" and "fuzzy" not in fixed.flags
        # The other segments are reviewed through the library: going through each of
        # them in the browser is not what this journey is about (test_browser covers it).
        for s in read_segments(ws, NEAR, "dari"):
            if not s.reviewed:
                save_segment(ws, NEAR, "dari", s.ctx, s.text or "بازبینی", s.rev, by="dara")
        assert all(s.reviewed for s in read_segments(ws, NEAR, "dari"))
        assert translation_status(ws, NEAR, "dari").status == "reviewed"

        # ---- 4. The editor approves (only now) and publishes ----------------------------
        ed.goto(editor_url)
        # The translator's question was answered by the send-back: the editor resolves
        # its thread (with a question open, approving asks for a confirmation first).
        expect(ed.locator("#open-questions .n")).to_have_text("1")
        ed.locator(seg_sel).get_by_role("button", name="Resolve the thread of dara").click()
        expect(ed.locator("#open-questions .n")).to_have_text("0")
        ed.reload()
        approve = ed.locator("#approve-form button")
        expect(approve).to_be_visible()
        approve.click()
        expect(ed.locator(".flash")).to_have_text("Approved.")
        record = translation_status(ws, NEAR, "dari").record
        assert record.approved is not None and record.approved.by == "eddie"
        assert entry(ws, NEAR, "dari", CTX).msgstr == typed + " ۱۹۶۴"
        check(ed, "approved")

        # Publish: the button shows progress at once and a second press sends nothing.
        # The request is held until both presses are made, then let go.
        ed.wait_for_load_state("load")  # the deferred scripts have run
        held: list[Any] = []
        ed.route("**/publish", lambda route: held.append(route))
        state = ed.evaluate(
            """async () => {
              const button = document.querySelector('#publish-form button');
              button.click();
              await new Promise((done) => setTimeout(done, 100));
              const first = [button.disabled, button.textContent,
                             document.querySelector('#publish-run .label').textContent];
              button.click();  // a second press does nothing
              await new Promise((done) => setTimeout(done, 100));
              return first;
            }"""
        )
        assert state == [True, "Publishing…", "Publishing… (submitting the run)"]
        assert len(held) == 1, f"{len(held)} publish requests"
        held[0].continue_()
        ed.wait_for_url(f"{editor_url}?msg=*")
        expect(ed.locator(".flash")).to_contain_text("Publish flow submitted")
        ed.unroute("**/publish")
        assert len(held) == 1
        expect(ed.locator("#publish-run .label")).to_have_text(
            "Completed: PDF, EPUB, HTML", timeout=PUBLISH_WAIT_MS
        )
        # The run is over: the button can be pressed again, without a reload.
        button = ed.locator("#publish-form button")
        expect(button).to_have_text("Publish again")
        expect(button).to_be_enabled()
        expect(ed.locator("#status")).to_have_text("published")
        status = translation_status(ws, NEAR, "dari")
        assert status.status == "published"
        assert status.record.published is not None and status.record.published.by == "eddie"
        pdf = ws.output_dir / "dari" / f"{NEAR}.pdf"
        epub = ws.output_dir / "dari" / f"{NEAR}.epub"
        assert pdf.read_bytes().startswith(b"%PDF-") and epub.read_bytes().startswith(b"PK")
        check(ed, "published")
        ed.goto(f"{base}/editions/")
        expect(ed.locator(f'a[href="dari/{NEAR}.pdf"]')).to_have_count(1)
        check(ed, "catalog")
        browser.close()
    assert errors == []
    assert not check.problems, "\n".join(check.problems)
