"""The readers' side of the review app: ``output/`` served read-only to anyone at
``/editions/`` (catalog, feeds, editions, thumbnails, fonts), with media types, downloads,
validators and 304s, and nothing else of the workspace.

Both example articles are published in both languages once per session (drafts from the
review tests' fixed backend, reviewed and approved, then :func:`azad.publish.publish_many`);
the browser test of the catalog (tests/test_browser_editions.py) reads the same editions."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import approve_translation, serving
from starlette.testclient import TestClient
from test_review_support import add_users, login, make_queue

from azad.cli import run
from azad.publish import PublishOutcome, edition_files, publish_many
from azad.web.app import create_app
from azad.workspace import Workspace

KEYS = ("dari", "pashto")
OPDS_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"

_published: list[tuple[Workspace, list[PublishOutcome]]] = []


def published_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The workspace with the four editions, built on first use in the session (this
    module and the browser test share it; neither changes it for good)."""
    if not _published:
        root = tmp_path_factory.mktemp("editions") / "ws"
        assert run(["init", str(root)]) == 0
        ws = Workspace(root.resolve())
        slugs = make_queue(ws)
        add_users(ws)
        pairs = [(slug, key) for slug in slugs for key in KEYS]
        for slug, key in pairs:
            approve_translation(ws, slug, key)
        outcomes = publish_many(ws, pairs)
        assert [o.status for o in outcomes] == ["published"] * len(pairs)
        _published.append((ws, outcomes))
    return _published[0][0]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return published_workspace(tmp_path_factory)


@pytest.fixture(scope="module")
def anon(ws: Workspace) -> TestClient:
    return TestClient(create_app(ws))


@contextmanager
def serve(ws: Workspace) -> Iterator[str]:
    """The app (publishing with the real flow) served on a free port; its base URL."""
    from flows.pipeline import publish_editions

    with serving(create_app(ws, publish_flow=publish_editions)) as base:
        yield base


def catalog_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]+\.(?:pdf|epub|png|xml))"', html)


# ---- anyone reads the catalog and downloads the editions -------------------------------


def test_anonymous_gets_the_catalog(ws: Workspace, anon: TestClient) -> None:
    r = anon.get("/editions/")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.content == (ws.output_dir / "index.html").read_bytes()
    assert '<section class="language" id="dari" lang="fa-AF" dir="rtl">' in r.text
    assert '<section class="language" id="pashto" lang="ps-AF" dir="rtl">' in r.text
    assert "set-cookie" not in r.headers  # no session is started for readers
    # The catalog's links are relative: the folder's URL needs its slash.
    r = anon.get("/editions", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/editions/"
    assert anon.get("/editions/index.html").content == (ws.output_dir / "index.html").read_bytes()


def test_every_file_the_catalog_links_is_served(ws: Workspace, anon: TestClient) -> None:
    links = catalog_links(anon.get("/editions/").text)
    # 4 editions × (PDF, EPUB, thumbnail) and the two feeds.
    assert len(set(links)) == 4 * 3 + 2
    for link in set(links):
        r = anon.get(f"/editions/{link}")
        assert r.status_code == 200, link
        assert r.content == (ws.output_dir / link).read_bytes(), link


def test_media_types_and_downloads(ws: Workspace, anon: TestClient) -> None:
    for slug in ("the-salang-tunnel", "red-gold-of-herat"):
        for key in KEYS:
            files = edition_files(ws, slug, key)
            pdf = anon.get(f"/editions/{key}/{slug}.pdf")
            assert pdf.headers["content-type"] == "application/pdf"
            assert (
                pdf.headers["content-disposition"]
                == f"attachment; filename=\"{slug}.{key}.pdf\"; filename*=utf-8''{slug}.{key}.pdf"
            )
            assert pdf.content == files.pdf.read_bytes() and pdf.content.startswith(b"%PDF-")
            epub = anon.get(f"/editions/{key}/{slug}.epub")
            assert epub.headers["content-type"] == "application/epub+zip"
            assert (
                epub.headers["content-disposition"]
                == f"attachment; filename=\"{slug}.{key}.epub\"; filename*=utf-8''{slug}.{key}.epub"
            )
            assert epub.content == files.epub.read_bytes()
            thumb = anon.get(f"/editions/{key}/{slug}.png")
            assert thumb.headers["content-type"] == "image/png"
            assert "content-disposition" not in thumb.headers  # shown in the page
    opds = anon.get("/editions/opds.xml")
    assert opds.headers["content-type"] == OPDS_TYPE
    assert opds.content.startswith(b"<?xml")
    assert anon.get("/editions/feed.xml").headers["content-type"] == "application/atom+xml"
    font = anon.get("/editions/fonts/Vazirmatn-Regular.woff2")
    assert font.headers["content-type"] == "font/woff2" and font.content[:4] == b"wOF2"
    assert len(font.content) < 60_000  # subset: the TrueType file is 123 KB
    # The feeds' further pages have the feeds' types.
    from azad.catalog.entries import media_type

    assert media_type(ws.output_dir / "opds-2.xml") == OPDS_TYPE
    assert media_type(ws.output_dir / "feed-3.xml") == "application/atom+xml"
    assert font.headers["cache-control"] == "public, max-age=86400"
    assert anon.get("/editions/").headers["cache-control"] == "public, no-cache"
    assert anon.get("/editions/dari/the-salang-tunnel.pdf").headers["cache-control"] == (
        "public, no-cache"
    )


def test_conditional_gets_answer_304(anon: TestClient) -> None:
    for url in ("/editions/", "/editions/dari/the-salang-tunnel.pdf", "/editions/opds.xml"):
        first = anon.get(url)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        r = anon.get(url, headers={"if-none-match": etag})
        assert r.status_code == 304 and r.content == b"", url
        assert r.headers["etag"] == etag and r.headers["cache-control"] == "public, no-cache"
        r = anon.get(url, headers={"if-none-match": f'"other", W/{etag}'})
        assert r.status_code == 304
        r = anon.get(url, headers={"if-modified-since": modified})
        assert r.status_code == 304
        # A changed validator, or an older date, gets the file.
        assert anon.get(url, headers={"if-none-match": '"stale"'}).content == first.content
        old = "Mon, 01 Jan 2001 00:00:00 GMT"
        assert anon.get(url, headers={"if-modified-since": old}).status_code == 200
        # If-None-Match decides when both are sent (RFC 9110).
        r = anon.get(url, headers={"if-none-match": '"stale"', "if-modified-since": modified})
        assert r.status_code == 200
        assert anon.get(url, headers={"if-modified-since": "garbage"}).status_code == 200
    head = anon.head("/editions/dari/the-salang-tunnel.pdf")
    assert head.status_code == 200 and head.headers["content-type"] == "application/pdf"


def test_republishing_changes_the_validator(ws: Workspace, anon: TestClient) -> None:
    path = ws.output_dir / "feed.xml"
    before = anon.get("/editions/feed.xml").headers["etag"]
    data = path.read_bytes()
    # What a publish does: a new file renamed over the old one.
    tmp = path.with_name(".feed.xml.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    r = anon.get("/editions/feed.xml", headers={"if-none-match": before})
    assert r.status_code == 200 and r.headers["etag"] != before


# ---- nothing else ------------------------------------------------------------------------


@pytest.fixture
def planted(ws: Workspace) -> Iterator[None]:
    """Files in output/ readers must not get: a draft, a hidden file, a link out of
    output/ with an edition's extension."""
    out = ws.output_dir
    draft = out / "drafts" / "dari" / "the-salang-tunnel.pdf"
    draft.parent.mkdir(parents=True, exist_ok=True)
    draft.write_bytes(b"%PDF- draft")
    hidden = out / "dari" / ".hidden.pdf"
    hidden.write_bytes(b"%PDF- hidden")
    link = out / "dari" / "escape.pdf"
    link.symlink_to(ws.root / "azad.toml")
    try:
        yield
    finally:
        for p in (draft, hidden, link):
            p.unlink()


BAD_PATHS = [
    "../azad.toml",
    "../../../../etc/passwd",
    "..%2Fazad.toml",
    "%2e%2e/azad.toml",
    "%2E%2E%2Fazad.toml",
    "dari/..%2F..%2Fazad.toml",
    "dari/%2e%2e/%2e%2e/azad.toml",
    "..%5Cazad.toml",
    "%252e%252e/azad.toml",
    "/etc/passwd",
    "%2Fetc%2Fpasswd",
    "drafts/dari/the-salang-tunnel.pdf",
    "dari/the-salang-tunnel.json",
    "dari/.hidden.pdf",
    "dari/escape.pdf",
    ".catalog.lock",
    "dari",
    "dari/",
    "dari/no-such-article.pdf",
]


@pytest.mark.parametrize("path", BAD_PATHS)
def test_traversal_drafts_manifests_and_hidden_files_are_404(
    anon: TestClient, planted: None, path: str
) -> None:
    r = anon.get(f"/editions/{path}", follow_redirects=False)
    assert r.status_code == 404, path
    assert "[site]" not in r.text and "root:" not in r.text


def test_raw_traversal_on_the_wire_is_404(ws: Workspace, planted: None) -> None:
    """The same over a real socket, with paths no HTTP client library would leave as they
    are (``..`` segments are normally resolved before sending)."""
    with serve(ws) as base:
        host, port = base.removeprefix("http://").split(":")
        for path in BAD_PATHS:
            conn = http.client.HTTPConnection(host, int(port), timeout=10)
            conn.request("GET", f"/editions/{path}")
            response = conn.getresponse()
            body = response.read()
            conn.close()
            assert response.status == 404, path
            assert b"[site]" not in body and b"root:" not in body, path


def test_everything_else_stays_behind_login(ws: Workspace, anon: TestClient) -> None:
    for url in ("/", "/t/the-salang-tunnel/dari", "/t/the-salang-tunnel/dari/preview"):
        r = anon.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), url
    r = anon.get("/preview-fonts/Vazirmatn-Regular.ttf", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_csp_allows_the_catalog_styles_and_nothing_more(anon: TestClient) -> None:
    import base64
    import hashlib

    page = anon.get("/editions/")
    csp = page.headers["content-security-policy"]
    (css,) = re.findall(r"<style>(.*?)</style>", page.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}';" in csp
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe" not in csp
    assert "font-src 'self'" in csp and "img-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    # The rest of the app keeps its own policy.
    login_csp = anon.get("/login").headers["content-security-policy"]
    assert "script-src 'self'" in login_csp and "sha256" not in login_csp
    assert anon.get("/login").headers["cache-control"] == "no-store"


def test_a_logged_in_editor_sees_the_same_catalog(ws: Workspace) -> None:
    c = TestClient(create_app(ws))
    login(c, "eddie")
    assert c.get("/editions/").content == (ws.output_dir / "index.html").read_bytes()


def test_no_editions_yet_is_an_empty_catalog_not_a_404(workspace: Workspace) -> None:
    from lxml import html as lxml_html

    r = TestClient(create_app(workspace)).get("/editions/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = lxml_html.fromstring(r.text)
    # The whole catalog and each language say there is nothing yet, in their words.
    assert page.xpath("//p[contains(@class, 'catalog-empty')]")
    assert len(page.xpath("//section[@class='language']/p[@class='empty']")) == 2
    assert "(۰ نشریه)" in r.text and "afgazad.com" in r.text
    verse = page.xpath("//table[@class='verse']//td")
    assert len(verse) == 4 and all(td.text for td in verse)


def test_output_dir_files_are_those_published(ws: Workspace) -> None:
    # Guard for the tests above: the shared workspace has exactly the four editions.
    pdfs = sorted(p.relative_to(ws.output_dir).as_posix() for p in ws.output_dir.glob("*/*.pdf"))
    assert pdfs == [
        f"{key}/{slug}.pdf" for key in KEYS for slug in ("red-gold-of-herat", "the-salang-tunnel")
    ]
    assert Path(ws.output_dir / "index.html").is_file()
