"""Finding one's way on the editor page in Chromium (issue 24): the skip link is the first
Tab stop and Enter on it puts the caret in the first translation; the search box filters
the segments; the "sent back" count and the "claimed" banner; screenshots at 1280 and
375 px (tests/artifacts/editor-finding-*.png)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import save_segment, serving
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, pytestmark  # noqa: F401
from test_review_support import PASSWORD, SALANG, add_users, make_queue

from azad.db.users import add_user, get_user
from azad.queue.status import claim
from azad.review.edits import read_segments
from azad.review.talk import send_back_segments
from azad.web.app import create_app
from azad.workspace import Workspace


@pytest.fixture
def served(workspace: Workspace) -> Iterator[tuple[Workspace, str]]:
    make_queue(workspace)
    add_users(workspace)
    add_user(workspace, "dina", "translator", ["dari"], PASSWORD)
    units = read_segments(workspace, SALANG, "dari")
    for u in units[:5]:
        save_segment(workspace, SALANG, "dari", u.ctx, "متن بازبینی‌شده " + u.ctx, u.rev, by="dara")
    editor = get_user(workspace, "eddie")
    assert editor is not None
    send_back_segments(workspace, SALANG, "dari", [units[1].ctx, units[3].ctx], editor, "نام‌ها")
    claim(workspace, SALANG, "dari", "dara")
    with serving(create_app(workspace)) as base:
        yield workspace, base


@pytest.mark.parametrize("width", [1280, 375])
def test_skip_link_search_sent_back_count_and_claim_banner(
    served: tuple[Workspace, str], width: int
) -> None:
    from playwright.sync_api import expect, sync_playwright

    ws, base = served
    units = read_segments(ws, SALANG, "dari")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{base}/login?next=/t/{SALANG}/dari")
        page.fill('input[name="name"]', "dina")
        page.fill('input[name="password"]', PASSWORD)
        page.click('button[type="submit"]')
        page.wait_for_url(f"{base}/t/{SALANG}/dari")

        # Someone else holds it: the banner says so.
        expect(page.locator("#claim-warning")).to_be_visible()
        expect(page.locator("#claim-warning")).to_contain_text("Claimed by dara")
        # Sent back is its own count.
        expect(page.locator('.filter-links a[href$="filter=sent-back"]')).to_have_text(
            "sent back 2"
        )

        # Search from the box: English or translation.
        page.fill("#wl-q", "tunnel")
        page.press("#wl-q", "Enter")
        page.wait_for_url("**q=tunnel**")
        found = [u.ctx for u in units if "tunnel" in u.english.lower()]
        shown = page.locator("#segments .seg").evaluate_all("els => els.map(e => e.dataset.ctx)")
        assert shown == found and 0 < len(found) < len(units)
        expect(page.locator("#showing")).to_contain_text("containing “tunnel”")

        # The first Tab stop is the skip link, visible when focused.
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"editor-finding-{width}.png"
        page.screenshot(path=str(shot))
        # Enter: the caret is in the first translation shown.
        page.keyboard.press("Enter")
        first = page.locator(f'[data-ctx="{found[0]}"] textarea')
        expect(first).to_be_focused()
        page.keyboard.type("ـ")
        assert page.evaluate("document.activeElement.id") == "first-translation"
        browser.close()
    assert shot.stat().st_size > 10_000
