"""The readers' catalog in a real browser (issue 5, acceptance 6): both example articles
published in Dari and Pashto, the review app served by uvicorn on 127.0.0.1, and
``/editions/`` opened by Debian's Chromium through Playwright without logging in. Both
language sections are right to left, the catalog's own styles and fonts load under its
CSP, and every PDF and EPUB link downloads the file on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from test_editions import KEYS, published_workspace, serve

from azad.publish import edition_files
from azad.workspace import Workspace

# Slow (Chromium, Prefect): not in `make check`.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test does it)"
    ),
]

SLUGS = ("the-salang-tunnel", "red-gold-of-herat")
LANGS = {"dari": "fa-AF", "pashto": "ps-AF"}
HEAD_CLIP = {"x": 0, "y": 0, "width": 1100, "height": 420}  # the editor page's head


def test_catalog_in_chromium_is_rtl_and_downloads_the_editions(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from playwright.sync_api import sync_playwright

    ws: Workspace = published_workspace(tmp_path_factory)
    problems: list[str] = []
    with serve(ws) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            accept_downloads=True, viewport={"width": 1100, "height": 900}
        )
        page = context.new_page()

        # A blocked style or font (CSP) or a missing file shows up on the console; the
        # browser's own probe for /favicon.ico is no part of the catalog.
        _watch(page, problems)
        response = page.goto(f"{base}/editions/")
        assert response is not None and response.status == 200
        assert page.url == f"{base}/editions/"  # no detour by the login page
        page.evaluate("document.fonts.ready")

        html = page.evaluate(
            "() => [document.documentElement.lang, document.documentElement.dir,"
            " getComputedStyle(document.documentElement).direction]"
        )
        assert html == ["fa-AF", "rtl", "rtl"]
        for key, code in LANGS.items():
            section = page.locator(f"section#{key}")
            facts = section.evaluate(
                "el => ({lang: el.lang, dir: el.dir, direction: getComputedStyle(el).direction,"
                " align: getComputedStyle(el.querySelector('h3')).textAlign,"
                " items: el.querySelectorAll('li.edition').length})"
            )
            assert facts == {
                "lang": code,
                "dir": "rtl",
                "direction": "rtl",
                "align": "start",
                "items": 2,
            }, key
            # Right to left on screen: each thumbnail stands right of its title.
            for item in section.locator("li.edition").all():
                img, title = item.locator("img").bounding_box(), item.locator("h3").bounding_box()
                assert img and title and img["x"] > title["x"] + title["width"] - 1
        # The inline stylesheet (allowed by its hash) and the catalog's font are in use.
        styled = page.evaluate(
            "() => [getComputedStyle(document.querySelector('li.edition')).display,"
            " document.fonts.check('16px \"Edition Display\"'),"
            " [...document.fonts].filter(f => f.status === 'loaded').length]"
        )
        assert styled[0] == "flex" and styled[1] is True and styled[2] >= 1
        thumbs = page.evaluate(
            "() => [...document.images].map(i => i.complete && i.naturalWidth > 0)"
        )
        assert thumbs == [True] * 4

        for key in KEYS:
            for slug in SLUGS:
                files = edition_files(ws, slug, key)
                for fmt, path in (("pdf", files.pdf), ("epub", files.epub)):
                    link = page.locator(f'section#{key} a[href="{key}/{slug}.{fmt}"]')
                    with page.expect_download() as info:
                        link.click()
                    download = info.value
                    assert download.suggested_filename == f"{slug}.{key}.{fmt}"
                    saved = Path(download.path())
                    assert saved.read_bytes() == path.read_bytes(), (key, slug, fmt)

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "catalog.png"
        page.screenshot(path=str(shot), full_page=True)
        context.close()
        browser.close()
    assert not problems, problems
    assert shot.stat().st_size > 20_000


def test_editor_previews_then_publishes_and_the_page_follows_the_run(
    prefect_api: None, workspace: Workspace
) -> None:
    """The preview renders with the edition's fonts under its CSP; the Publish button
    submits the flow and the editor page, polling, shows it complete (issue 6,
    acceptance 3, in the browser)."""
    from helpers import approve
    from playwright.sync_api import ConsoleMessage, expect, sync_playwright
    from test_review_support import PASSWORD, SALANG, add_users, make_queue, review_everything

    make_queue(workspace)
    add_users(workspace)
    review_everything(workspace, SALANG, "dari")
    approve(workspace, SALANG, "dari", "eddie")
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        if message.type in ("error", "warning") and not where.endswith("/favicon.ico"):
            problems.append(f"{message.text} ({where})")

    with serve(workspace) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.on("console", on_console)
        page.goto(f"{base}/t/{SALANG}/dari")
        page.fill('input[name="name"]', "eddie")
        page.fill('input[name="password"]', PASSWORD)
        page.click('button[type="submit"]')
        page.wait_for_url(f"{base}/t/{SALANG}/dari")

        page.goto(f"{base}/t/{SALANG}/dari/preview")
        page.evaluate("document.fonts.ready")
        fonts = page.evaluate(
            "() => [document.documentElement.dir, document.documentElement.lang,"
            " getComputedStyle(document.body).direction,"
            " document.fonts.check('16px \"Edition Body\"'),"
            " [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)]"
        )
        assert fonts[:4] == ["rtl", "fa-AF", "rtl", True]
        assert '"Edition Body"' in fonts[4] or "Edition Body" in fonts[4]
        verse = page.locator("table.verse tr").first
        first = verse.locator("td.first").bounding_box()
        second = verse.locator("td.second").bounding_box()
        assert first and second and first["x"] > second["x"]  # the first hemistich right
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "preview-dari.png"))

        page.goto(f"{base}/t/{SALANG}/dari")
        page.click("form[action$='/publish'] button")
        page.wait_for_url(f"{base}/t/{SALANG}/dari?msg=*")
        expect(page.locator(".flash")).to_contain_text("Publish flow submitted")
        run = page.locator("#publish-run .label")
        expect(run).to_have_text("Completed: PDF, EPUB, HTML", timeout=120_000)
        expect(page.locator("#status")).to_have_text("published")
        page.screenshot(path=str(ARTIFACTS / "editor-published.png"), clip=HEAD_CLIP)
        browser.close()
    assert not problems, problems
    pdf = workspace.output_dir / "dari" / f"{SALANG}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")


def _watch(page: object, problems: list[str]) -> None:
    from playwright.sync_api import ConsoleMessage, Page

    assert isinstance(page, Page)

    def on_console(message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        if message.type in ("error", "warning") and not where.endswith("/favicon.ico"):
            problems.append(f"{message.text} ({where})")

    page.on("console", on_console)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None,
    )


def test_reading_edition_on_a_phone_and_a_desk(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Issue 15: the HTML reading edition at 375 px (a phone) and 1280 px (a desk), served
    at /editions/, without JavaScript: right to left, its subset WOFF2 fonts in use, no
    sideways scrolling on the phone, the verse's hemistichs side by side on the desk and
    stacked on the phone (first aligned right, second left)."""
    from playwright.sync_api import sync_playwright

    ws: Workspace = published_workspace(tmp_path_factory)
    problems: list[str] = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with serve(ws) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in (375, 1280):
            context = browser.new_context(
                viewport={"width": width, "height": 900}, java_script_enabled=False
            )
            page = context.new_page()
            _watch(page, problems)
            response = page.goto(f"{base}/editions/dari/{SLUGS[0]}.html")
            assert response is not None and response.status == 200
            shot = ARTIFACTS / f"reading-dari-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            context.close()
            # Measuring needs script (the page itself has none).
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            _watch(page, problems)
            page.goto(f"{base}/editions/dari/{SLUGS[0]}.html")
            page.evaluate("document.fonts.ready")
            facts = page.evaluate(
                "() => [document.documentElement.dir, getComputedStyle(document.body).direction,"
                " document.documentElement.scrollWidth <= window.innerWidth,"
                " [...document.fonts].filter(f => f.status === 'loaded').length,"
                " document.scripts.length]"
            )
            assert facts[0:3] == ["rtl", "rtl", True], (width, facts)
            assert facts[3] >= 2 and facts[4] == 0, (width, facts)
            row = page.locator("table.verse tr").first
            first = row.locator("td.first").bounding_box()
            second = row.locator("td.second").bounding_box()
            assert first and second
            if width >= 1280:
                # Side by side: the first hemistich right of the second, on one line.
                assert first["x"] > second["x"] + second["width"] - 1
                assert abs(first["y"] - second["y"]) < 2
            else:
                # Stacked: the second under the first; the first's text at the right edge,
                # the second's at the left.
                assert second["y"] >= first["y"] + first["height"] - 1
                ends = row.evaluate(
                    "tr => [...tr.cells].map(td => { const r = document.createRange();"
                    " r.selectNodeContents(td); const b = r.getBoundingClientRect();"
                    " const c = td.getBoundingClientRect();"
                    " return [b.left - c.left, c.right - b.right]; })"
                )
                (first_left, first_right), (second_left, second_right) = ends
                assert first_right < 12 and first_left > 20, ends
                assert second_left < 12 and second_right > 20, ends
            context.close()
        browser.close()
    assert not problems, problems
    for width in (375, 1280):
        assert (ARTIFACTS / f"reading-dari-{width}.png").stat().st_size > 20_000


def test_catalog_of_a_thousand_editions(
    tmp_path_factory: pytest.TempPathFactory, workspace: Workspace
) -> None:
    """The catalog with 1,000 generated editions: its first page in Chromium, under 200 KB,
    with lazily loaded thumbnails (only those near the viewport are fetched)."""
    from playwright.sync_api import sync_playwright
    from test_reading_editions import thousand

    from azad.catalog.write import write_catalog

    thousand(workspace, published_workspace(tmp_path_factory))
    write_catalog(workspace)
    problems: list[str] = []
    images: list[str] = []
    with serve(workspace) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        _watch(page, problems)
        page.on("request", lambda r: images.append(r.url) if r.url.endswith(".png") else None)
        response = page.goto(f"{base}/editions/")
        assert response is not None and response.status == 200
        page.evaluate("document.fonts.ready")
        page.wait_for_load_state("networkidle")
        on_page = page.locator("img").count()
        assert 0 < len(images) < on_page  # lazy: not every thumbnail on the page was fetched
        page.screenshot(path=str(ARTIFACTS / "catalog-1000.png"), full_page=False)
        page.screenshot(path=str(ARTIFACTS / "catalog-1000-full.png"), full_page=True)
        phone = browser.new_page(viewport={"width": 375, "height": 800})
        phone.goto(f"{base}/editions/")
        phone.screenshot(path=str(ARTIFACTS / "catalog-1000-375.png"))
        browser.close()
    assert not problems, problems
