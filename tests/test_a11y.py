"""Issue 14 in a real browser (Debian's Chromium through Playwright): every page of the
review app at 1280 and 375 px, with axe-core injected; phones without horizontal
scrolling; the editor in one column on a phone; the live region that announces saves;
Publish showing progress at once.

axe-core is the npm package the Makefile installs (``make setup``) under
``.cache/axe``. Its findings and a screenshot of every page at both widths are kept in
``tests/artifacts/`` (``a11y-<page>-<width>.json`` / ``.png``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, save_segment
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, served  # noqa: F401 (fixture)
from test_review_support import PASSWORD, SALANG, review_everything

from azad.review.edits import read_segments
from azad.workspace import Workspace

AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 375)
SERIOUS = ("serious", "critical")
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")

# Slow (Chromium): not in `make check`.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (make setup does it)"),
]


UNNAMED = """() => [...document.querySelectorAll('input, select, textarea, progress')]
  .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length)
    && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map((el) => el.outerHTML.slice(0, 80))"""


def log_in(page: Any, base: str, name: str, then: str = "/") -> None:
    page.goto(f"{base}/login?next={then}")
    page.fill('input[name="name"]', name)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{base}{then}")


def axe(
    page: Any, name: str, width: int, prefix: str = "a11y", impacts: tuple[str, ...] = SERIOUS
) -> list[dict[str, Any]]:
    """Run axe-core on the page; keep its findings and a screenshot
    (``<prefix>-<name>-<width>.json`` / ``.png``); return the violations of ``impacts``
    (serious and critical unless said)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = ARTIFACTS / f"{prefix}-{name}-{width}"
    stem.with_suffix(".json").write_text(
        json.dumps(
            {"url": page.url, "width": width, "violations": result["violations"]},
            indent=2,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    page.screenshot(path=str(stem.with_suffix(".png")), full_page=width < 1000)
    return [v for v in result["violations"] if v["impact"] in impacts]


def scroll_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def summary(violations: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}" for v in violations
    )


def test_every_page_passes_axe_and_fits_a_phone(served: tuple[Workspace, str]) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    ws, base = served
    review_everything(ws, SALANG, "dari")
    ctx = read_segments(ws, SALANG, "dari")[1].ctx
    pages = {
        "queue": "/",
        "queue-bad-filter": "/?lang=klingon",
        "editor": f"/t/{SALANG}/dari",
        "editor-filtered": f"/t/{SALANG}/dari?filter=check:numbers",
        "editor-pashto-drafts": f"/t/{SALANG}/pashto",
        "history": f"/t/{SALANG}/dari/history/{ctx}",
        "catalog": "/editions/",
    }
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in WIDTHS:
            # axe is injected as a script: the test bypasses the app's strict CSP.
            page = browser.new_page(viewport={"width": width, "height": 800}, bypass_csp=True)
            page.goto(f"{base}/login")
            found = axe(page, "login", width)
            if found:
                problems.append(f"login@{width}: {summary(found)}")
            if width < 1000 and scroll_width(page) > width:
                problems.append(f"login@{width}: {scroll_width(page)} px wide")
            log_in(page, base, "eddie")
            for name, url in pages.items():
                page.goto(base + url)
                # The readers' catalog: nothing at all (landmarks and headings included).
                strict = ALL_IMPACTS if name == "catalog" else SERIOUS
                found = axe(page, name, width, impacts=strict)
                if found:
                    problems.append(f"{name}@{width}: {summary(found)}")
                if width < 1000 and scroll_width(page) > width:
                    problems.append(f"{name}@{width}: {scroll_width(page)} px wide")
                # Every field and progress bar has a name of its own (not a placeholder):
                # axe checks inputs, not a native <progress>.
                unnamed = page.evaluate(UNNAMED)
                if unnamed:
                    problems.append(f"{name}@{width}: without a label: {unnamed}")
                if width < 1000:
                    # No button wraps (each stays one line high).
                    tall = page.evaluate(
                        "() => [...document.querySelectorAll('button')].filter(b => "
                        "b.offsetParent && b.getBoundingClientRect().height > "
                        "2 * parseFloat(getComputedStyle(b).fontSize) + 16)"
                        ".map(b => b.textContent)"
                    )
                    if tall:
                        problems.append(f"{name}@{width}: buttons wrap: {tall}")
            if width < 1000:
                # The editor is one column: each segment's translation under its English.
                page.goto(f"{base}/t/{SALANG}/dari")
                seg = page.locator(".seg").first
                en = seg.locator(".en").bounding_box()
                tr = seg.locator("textarea").bounding_box()
                assert en and tr
                if tr["y"] < en["y"] + en["height"] - 1 or tr["width"] < 0.7 * width:
                    problems.append(f"editor@{width}: two columns: {en}, {tr}")
            # A refused approval: the page that explains it fits too.
            first = read_segments(ws, SALANG, "dari")[0]
            page.goto(f"{base}/t/{SALANG}/dari")
            save_segment(ws, SALANG, "dari", first.ctx, first.text + " ـ", first.rev, by="dara")
            page.click("#approve-form button")
            page.wait_for_selector("table.changes")
            found = axe(page, "stale", width)
            if found:
                problems.append(f"stale@{width}: {summary(found)}")
            if width < 1000 and scroll_width(page) > width:
                problems.append(f"stale@{width}: {scroll_width(page)} px wide")
            review_everything(ws, SALANG, "dari")
            page.close()
        browser.close()
    assert not problems, "\n".join(problems)


def test_saves_are_announced_and_publish_shows_progress_at_once(
    served: tuple[Workspace, str],  # noqa: F811
) -> None:
    from playwright.sync_api import expect, sync_playwright

    ws, base = served
    first = read_segments(ws, SALANG, "dari")[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 375, "height": 800})
        log_in(page, base, "dara", f"/t/{SALANG}/dari")
        live = page.locator("#save-status")
        assert live.get_attribute("aria-live") == "polite"
        area = page.locator(f'[data-ctx="{first.ctx}"] textarea')
        area.fill("تونل سالنگ")
        area.press("Control+Enter")
        expect(live).to_have_text(f"Segment {first.ctx}: reviewed ✓ saved")
        # The progress bar has a name (its text beside it).
        label = page.evaluate(
            "() => document.getElementById("
            "document.getElementById('progress').getAttribute('aria-labelledby')).textContent"
        )
        assert "reviewed" in label
        # A conflict panel on a phone: both texts and the diff, nothing wider than it.
        second = read_segments(ws, SALANG, "dari")[1]
        save_segment(ws, SALANG, "dari", second.ctx, "متن همکار " * 12, second.rev, by="eddie")
        seg = page.locator(f'[data-ctx="{second.ctx}"]')
        seg.locator("textarea").fill("متن من " * 12)
        seg.locator("textarea").press("Control+Enter")
        expect(seg.locator(".conflict")).to_be_visible()
        expect(live).to_have_text(f"Segment {second.ctx}: conflict")
        assert scroll_width(page) <= 375
        seg.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "a11y-conflict-375.png"))
        page.close()

        review_everything(ws, SALANG, "dari")
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        log_in(page, base, "eddie", f"/t/{SALANG}/dari")
        page.click("#approve-form button")
        expect(page.locator(".flash")).to_have_text("Approved.")
        # The Publish request is held: what the editor sees before any answer. (Read from
        # the page itself: Playwright's locators wait for the held navigation.)
        page.wait_for_load_state("load")  # the deferred scripts have run
        page.route("**/publish", lambda route: None)
        state = page.evaluate(
            """async () => {
              const button = document.querySelector('#publish-form button');
              button.click();
              await new Promise((done) => setTimeout(done, 100));
              button.click();  // a second press does nothing
              return [button.disabled, button.textContent,
                      document.querySelector('#publish-run .label').textContent,
                      document.getElementById('publish-run').hidden];
            }"""
        )
        assert state == [True, "Publishing…", "Publishing… (submitting the run)", False]
        browser.close()


def test_threads_diffs_and_the_live_queue_pass_axe(served: tuple[Workspace, str]) -> None:  # noqa: F811
    """Issue 24's parts of the pages: a thread with a reply and its buttons, an open
    reply form, the word diffs shown, the "unchanged from the machine" filter and marker,
    the approval's open-question checkbox, the queue's "ready for approval" view."""
    from playwright.sync_api import sync_playwright

    from azad.db.users import get_user
    from azad.review.talk import add_comment

    ws, base = served
    segs = read_segments(ws, SALANG, "dari")
    save_segment(ws, SALANG, "dari", segs[1].ctx, segs[1].text + " اصلاح", segs[1].rev, by="dara")
    review_everything(ws, SALANG, "dari")
    dara, eddie = get_user(ws, "dara"), get_user(ws, "eddie")
    assert dara and eddie
    add_comment(ws, SALANG, "dari", segs[2].ctx, dara, "Is the altitude right?")
    add_comment(ws, SALANG, "dari", segs[2].ctx, eddie, "Yes", reply_to=1)
    pages = {
        "queue-ready": "/?view=mine",
        "editor-threads": f"/t/{SALANG}/dari",
        "editor-unchanged": f"/t/{SALANG}/dari?filter=unchanged",
    }
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 800}, bypass_csp=True)
            log_in(page, base, "eddie")
            for name, url in pages.items():
                page.goto(base + url)
                if name == "editor-threads":
                    page.check("#show-diffs")
                    seg = page.locator(f'[data-ctx="{segs[2].ctx}"]')
                    seg.get_by_role("button", name="Reply to dara").click()
                    seg.get_by_label("Your reply").wait_for()
                found = axe(page, name, width)
                if found:
                    problems.append(f"{name}@{width}: {summary(found)}")
                if width < 1000 and scroll_width(page) > width:
                    problems.append(f"{name}@{width}: {scroll_width(page)} px wide")
                unnamed = page.evaluate(UNNAMED)
                if unnamed:
                    problems.append(f"{name}@{width}: without a label: {unnamed}")
            page.close()
        browser.close()
    assert not problems, "\n".join(problems)


def test_the_people_glossary_and_inbox_pages_pass_axe_and_fit_a_phone(
    served: tuple[Workspace, str],  # noqa: F811
) -> None:
    """Issue 25's pages, with something on them: names in both scripts, a glossary with
    a history, notifications, a week of activity."""
    from playwright.sync_api import sync_playwright

    from azad.db.users import edit_profile, require_user
    from azad.review.glossary_edits import save_term
    from azad.review.talk import add_comment

    ws, base = served
    edit_profile(ws, "dara", email="dara@example.org", names={"Latn": "Dara Karimi",
                                                               "Arab": "دارا کریمی"})  # fmt: skip
    eddie = require_user(ws, "eddie")
    save_term(ws, "dari", eddie, english="Salang Pass", form="کتل سالنگ", keep_latin=False,
              note="the pass, not the tunnel")  # fmt: skip
    segs = read_segments(ws, SALANG, "dari")
    save_segment(ws, SALANG, "dari", segs[0].ctx, "تونل سالنگ", segs[0].rev, by="dara")
    add_comment(ws, SALANG, "dari", segs[1].ctx, require_user(ws, "dara"), "Which pass is it?")
    pages = {
        "glossary": "/glossary/dari",
        "glossary-edit": "/glossary/dari?edit=Salang+Pass",
        "people": "/people",
        "person": "/people/dara",
        "person-own": "/people/eddie",
        "inbox": "/inbox",
    }
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 800}, bypass_csp=True)
            log_in(page, base, "eddie")
            for name, url in pages.items():
                page.goto(base + url)
                found = axe(page, name, width)
                if found:
                    problems.append(f"{name}@{width}: {summary(found)}")
                if width < 1000 and scroll_width(page) > width:
                    problems.append(f"{name}@{width}: {scroll_width(page)} px wide")
                unnamed = page.evaluate(UNNAMED)
                if unnamed:
                    problems.append(f"{name}@{width}: without a label: {unnamed}")
            page.close()
        browser.close()
    assert not problems, "\n".join(problems)
