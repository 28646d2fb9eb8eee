"""A person's translation of a sentence that was replaced is offered on the new sentence as
a suggestion (issue 23): in the PO file's provenance, on the editor page (both English
sentences and a word diff, taken with one click or Alt+P, never the text), in the XLIFF
export's notes, and kept through an XLIFF round trip."""

from __future__ import annotations

import re

import pytest
from test_queue import ingest_text, md, review_all, translate
from test_review_support import add_users
from test_web import as_user
from translate.storage import xliff

from azad.queue.pofile import parse_po, render_po
from azad.queue.store import Queue
from azad.review.exchange import export_text, import_file
from azad.workspace import Workspace

HOSPITAL = "The governor visited the new hospital in Herat."
TEACHERS = "Teachers in the capital have not been paid for months."
FARMERS = "Farmers downstream are worried about the water."
SLUG = "the-news"


@pytest.fixture
def replaced(workspace: Workspace) -> Workspace:
    add_users(workspace)
    ingest_text(workspace, "news.md", md("The News", f"{HOSPITAL} {FARMERS}"))
    translate(workspace, SLUG)
    review_all(workspace, SLUG)
    ingest_text(workspace, "news.md", md("The News", f"{TEACHERS} {FARMERS}"))
    translate(workspace, SLUG)
    return workspace


def _teachers(ws: Workspace):  # type: ignore[no-untyped-def]
    (unit,) = [u for u in Queue(ws).read(SLUG, "dari").live if u.english == TEACHERS]
    return unit


def test_the_suggestion_is_in_the_po_file_not_the_text(replaced: Workspace) -> None:
    unit = _teachers(replaced)
    assert unit.text == "MT " + TEACHERS and unit.is_machine_draft
    assert unit.provenance.suggestion == "HUMAN " + HOSPITAL
    path = Queue(replaced).po_path(SLUG, "dari")
    raw = path.read_text(encoding="utf-8")
    assert '"suggestion": "HUMAN ' + HOSPITAL in raw and '"suggestion_english"' in raw
    # The PO syntax keeps it exactly.
    tf = parse_po(path.read_bytes(), path)
    assert parse_po(render_po(tf), path).units == tf.units


def test_the_editor_page_offers_it_with_both_english_sentences(replaced: Workspace) -> None:
    c, _ = as_user(replaced, "dara")
    page = c.get(f"/t/{SLUG}/dari").text
    seg = page[page.index(f"{TEACHERS}") :]
    seg = seg[: seg.index('<div class="seg')] if '<div class="seg' in seg else seg
    assert "Earlier translation of a similar sentence" in seg
    assert f"English then: {HOSPITAL}" in seg and f"English now: {TEACHERS}" in seg
    assert "<del>" in seg and "<ins>" in seg
    (button,) = re.findall(r'<button[^>]*data-take="earlier"[^>]*>', seg)
    assert f'data-text="HUMAN {HOSPITAL}"' in button and 'aria-keyshortcuts="Alt+P"' in button
    # The textarea holds the machine draft, not the suggestion.
    (area,) = re.findall(r"<textarea[^>]*>([^<]*)</textarea>", seg)[:1]
    assert area == "MT " + TEACHERS


def test_an_xliff_round_trip_keeps_the_suggestion(replaced: Workspace) -> None:
    before = _teachers(replaced)
    data = export_text(replaced, SLUG, "dari", "xliff")
    store = xliff.xlifffile.parsestring(data)
    (unit,) = [u for u in store.getunits() if str(u.source) == TEACHERS]
    assert "HUMAN " + HOSPITAL in unit.getnotes("translator")
    unit.target = "ترجمهٔ تازه"
    unit.markfuzzy(False)
    unit.markapproved(True)
    path = replaced.root / "news.xlf"
    path.write_bytes(bytes(store))
    import_file(replaced, path, by="cat")
    after = _teachers(replaced)
    assert after.text == "ترجمهٔ تازه" and after.reviewed
    assert after.provenance.suggestion == before.provenance.suggestion
    assert after.provenance.suggestion_english == HOSPITAL


@pytest.mark.slow
def test_alt_p_takes_the_suggestion_in_a_browser(replaced: Workspace) -> None:
    """In Chromium: the block shows, Alt+P puts the earlier translation into the text
    area (nothing saved until the translator saves); screenshots at 1280 and 375 px."""
    from helpers import serving
    from playwright.sync_api import expect, sync_playwright
    from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
    from test_review_support import PASSWORD

    from azad.web.app import create_app

    ctx = _teachers(replaced).ctx
    with serving(create_app(replaced)) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/login?next=/t/{SLUG}/dari")
        page.fill('input[name="name"]', "dara")
        page.fill('input[name="password"]', PASSWORD)
        page.click('button[type="submit"]')
        page.wait_for_url(f"{base}/t/{SLUG}/dari")
        seg = page.locator(f'[data-ctx="{ctx}"]')
        expect(seg.locator(".earlier")).to_contain_text("Earlier translation of a similar")
        area = seg.locator("textarea")
        expect(area).to_have_value("MT " + TEACHERS)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        seg.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "suggestion-1280.png"))
        page.set_viewport_size({"width": 375, "height": 800})
        seg.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "suggestion-375.png"))
        page.set_viewport_size({"width": 1280, "height": 900})
        area.focus()
        area.press("Alt+KeyP")
        expect(area).to_have_value("HUMAN " + HOSPITAL)
        assert _teachers(replaced).text == "MT " + TEACHERS  # taken, not saved yet
        area.press("Control+Enter")
        expect(seg.locator(".state")).to_contain_text("saved")
        assert _teachers(replaced).text == "HUMAN " + HOSPITAL
        browser.close()
