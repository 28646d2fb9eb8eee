"""The editor's preview: the edition as the renderer builds it (azad.render), from the PO
file as it stands, with its fonts served by the app and a CSP for exactly its styles."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from helpers import approve, load_po, save_po
from starlette.testclient import TestClient
from test_review_support import SALANG, add_users, login, make_queue, po, review_everything

from azad.review.edits import read_segments
from azad.web.app import create_app
from azad.workspace import Workspace

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))
TITLE = "تونل سالنگ: راه شمال و جنوب"
SENTENCE = "این تونل در ارتفاع بلند از هندوکش می‌گذرد."


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    make_queue(workspace)
    add_users(workspace)
    return workspace


def as_user(ws: Workspace, name: str) -> tuple[TestClient, str]:
    c = TestClient(create_app(ws))
    return c, login(c, name)


def save(c: TestClient, csrf: str, lang: str, ctx: str, text: str, rev: str) -> None:
    r = c.post(
        f"/api/t/{SALANG}/{lang}/segments/{ctx}",
        json={"text": text, "rev": rev, "reviewed": True},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text


def plain(html: str) -> str:
    """The page without the renderer's bidi isolates around Latin runs and numbers (the
    characters, the ``<span dir>`` elements around them, and the ``dir`` that marks an
    English run)."""
    html = re.sub(r'<span dir="(?:ltr|rtl)">([^<]*)</span>', r"\1", html)
    return html.replace('<span lang="en" dir="ltr">', '<span lang="en">').translate(ISOLATES)


def test_preview_is_the_renderers_edition(ws: Workspace) -> None:
    c, csrf = as_user(ws, "dara")
    segments = {s.ctx: s for s in read_segments(ws, SALANG, "dari")}
    save(c, csrf, "dari", "title", TITLE, segments["title"].rev)
    save(c, csrf, "dari", "b1.s1", SENTENCE, segments["b1.s1"].rev)
    save(c, csrf, "dari", "b1.s2", f"جمله {XSS}", segments["b1.s2"].rev)
    r = c.get(f"/t/{SALANG}/dari/preview")
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    page = plain(r.text)
    assert '<html lang="fa-AF" dir="rtl">' in page
    # The site's header, as on every edition.
    site = ws.settings.site
    assert f'<p class="site-name">{site.name}</p>' in page
    assert f'<p class="mark" lang="en">{site.mark}</p>' in page
    for first, second in site.verse:
        assert (
            f'<td class="hemistich first">{first}</td><td class="hemistich second">{second}</td>'
            in page
        )
    assert site.web in page and site.email in page
    assert '<p class="section-label">دری</p>' in page
    # The translated title and sentences, and the English original linked at the end.
    assert f'<h1 class="title" id="title">{TITLE}</h1>' in page
    assert f"<title>{TITLE}</title>" in page
    assert SENTENCE in page
    assert "The Salang Tunnel" in page  # the original's title, at the end
    # Markup a translator typed is text.
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x" in page
    # Not approved yet: stamped as a draft, and the bar says what is unreviewed.
    assert '<div class="stamp">پیش‌نویس' in page  # (and the test double's stamp)
    total = len(segments)
    assert f"Preview · in review · {total} segments" in page
    assert f"{total - 3} not reviewed" in page


def test_approved_preview_has_no_draft_stamp(ws: Workspace) -> None:
    review_everything(ws, SALANG, "pashto", prefix="ژباړه ")
    approve(ws, SALANG, "pashto", "eddie")
    c, _ = as_user(ws, "pasha")
    page = plain(c.get(f"/t/{SALANG}/pashto/preview").text)
    assert '<html lang="ps-AF" dir="rtl">' in page
    assert '<p class="section-label">پښتو</p>' in page
    assert "ژباړه b1.s1" in page
    # No draft stamp (the test double's drafts keep their test-model stamp: a CAT tool
    # changed the texts without saying so, so nobody knows they are not the model's).
    assert '<div class="stamp">مسوده' not in page and "not reviewed" not in page
    assert "Preview · approved" in page


def test_a_segment_without_translation_shows_its_english(ws: Workspace) -> None:
    path = po(ws, SALANG, "dari")
    catalog = load_po(path)
    entry = next(e for e in catalog if e.msgctxt == "b1.s1")
    entry.msgstr = ""
    save_po(path, catalog)
    c, _ = as_user(ws, "eddie")
    page = plain(c.get(f"/t/{SALANG}/dari/preview").text)
    assert f'<span lang="en">{entry.msgid}</span>' in page
    assert "1 without translation (shown in English)" in page


def test_the_preview_csp_allows_its_styles_and_fonts_only(ws: Workspace) -> None:
    c, _ = as_user(ws, "dara")
    r = c.get(f"/t/{SALANG}/dari/preview")
    csp = r.headers["content-security-policy"]
    (css,) = re.findall(r"<style>(.*?)</style>", r.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}';" in csp
    assert "default-src 'none'" in csp and "font-src 'self'" in csp
    assert "script" not in csp and "unsafe" not in csp
    # The editor page keeps the app's policy.
    assert "script-src 'self'" in c.get(f"/t/{SALANG}/dari").headers["content-security-policy"]
    # Every font the stylesheet names is served, with a font type.
    urls = re.findall(r'src: url\("([^"]+)"\)', css)
    assert len(urls) == len(set(urls)) >= 2
    for url in urls:
        font = c.get(url)
        assert font.status_code == 200 and font.headers["content-type"] == "font/ttf", url
        assert font.content[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO")
    for bad in ("../azad.toml", "..%2Fazad.toml", "nope.ttf", "NotoNaskhArabic-OFL.txt"):
        assert c.get(f"/preview-fonts/{bad}").status_code == 404, bad


def test_a_pashto_translator_cannot_preview_dari(ws: Workspace) -> None:
    c, _ = as_user(ws, "pasha")
    assert c.get(f"/t/{SALANG}/dari/preview").status_code == 403
