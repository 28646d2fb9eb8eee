"""The review app through HTTP (Starlette's test client): roles, CSRF, cookies, the
rate limit, saves and their conflicts, crashes mid-save, escaping, path checks.

The role × route matrix, CSRF on every write, sessions, path traversal and the rate limit
per address are in test_security_matrix.py; schemathesis in test_schemathesis.py."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from helpers import load_po
from starlette.testclient import TestClient
from test_review_support import (
    HERAT,
    PASSWORD,
    SALANG,
    add_users,
    copy_workspace,
    csrf_of,
    entry,
    login,
    msgfmt_check,
    po,
    queue_template,
    review_everything,
    translate,
)

from azad.errors import InputError
from azad.publish import submit as publishing
from azad.publish.submit import PublishRun
from azad.queue.articles import ArticleStore
from azad.queue.status import translation_status
from azad.queue.store import Queue
from azad.review.edits import history, read_segments
from azad.services.ingest import ingest_files
from azad.web.app import create_app
from azad.workspace import Workspace


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with two translated articles and three users, made once per module."""
    return queue_template(tmp_path_factory.mktemp("template") / "ws")


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(template, tmp_path / "ws")


def client(ws: Workspace, **kwargs: object) -> TestClient:
    return TestClient(create_app(ws), **kwargs)


def assert_refused_on_the_article(r: Any, slug: str, lang: str, reason: str) -> None:
    """A refused action lands back on the article's editor page, the reason in an alert
    banner (issue 14), not on an error page whose only link goes to the queue."""
    assert r.status_code == 200, r.text[:300]
    assert r.url.path == f"/t/{slug}/{lang}"
    banner = re.search(r'<p class="flash flash-error" role="alert">([^<]*)</p>', r.text)
    assert banner and reason in banner.group(1).replace("&#39;", "'"), r.text[:1500]
    assert 'id="segments"' in r.text


def approve_via_page(c: TestClient, csrf: str, slug: str, lang: str, comment: str) -> Any:
    """What an editor does: open the editor page, then press Approve on it."""
    page = c.get(f"/t/{slug}/{lang}").text
    (rev,) = re.findall(r'<input type="hidden" name="rev" value="([^"]*)">', page)
    return c.post(f"/t/{slug}/{lang}/approve", data={"csrf": csrf, "comment": comment, "rev": rev})


def as_user(ws: Workspace, name: str, **kwargs: object) -> tuple[TestClient, str]:
    c = client(ws, **kwargs)
    return c, login(c, name)


def first_segment(ws: Workspace, slug: str = SALANG, lang: str = "dari") -> tuple[str, str]:
    seg = read_segments(ws, slug, lang)[0]
    return seg.ctx, seg.rev


def save(c: TestClient, csrf: str, slug: str, lang: str, ctx: str, text: str, rev: str):
    return c.post(
        f"/api/t/{slug}/{lang}/segments/{ctx}",
        json={"text": text, "rev": rev, "reviewed": True},
        headers={"X-CSRF-Token": csrf},
    )


# --- 1. roles ----------------------------------------------------------------------------


def test_wrong_password_and_unknown_user_are_refused(ws: Workspace) -> None:
    c = client(ws)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    for name, pw in [("dara", "wrong password"), ("nobody", PASSWORD)]:
        r = c.post("/login", data={"csrf": token, "name": name, "password": pw})
        assert r.status_code == 401 and "Wrong name or password" in r.text
    assert c.get("/", follow_redirects=False).status_code == 303


def test_pashto_translator_cannot_read_or_write_dari(ws: Workspace) -> None:
    c, csrf = as_user(ws, "pasha")
    ctx, rev = first_segment(ws)
    before = po(ws, SALANG, "dari").read_bytes()
    assert c.get(f"/t/{SALANG}/dari").status_code == 403
    assert c.get(f"/t/{SALANG}/dari/preview").status_code == 403
    assert c.get(f"/t/{SALANG}/dari/export.po").status_code == 403
    assert c.get(f"/t/{SALANG}/dari/history/{ctx}").status_code == 403
    assert c.get(f"/api/t/{SALANG}/dari/segments/{ctx}").status_code == 403
    assert save(c, csrf, SALANG, "dari", ctx, "نوشته", rev).status_code == 403
    assert c.post(f"/t/{SALANG}/dari/claim", data={"csrf": csrf}).status_code == 403
    assert po(ws, SALANG, "dari").read_bytes() == before
    # The queue shows only Pashto, and Pashto works.
    queue = c.get("/").text
    assert f"/t/{SALANG}/pashto" in queue and f"/t/{SALANG}/dari" not in queue
    assert c.get(f"/t/{SALANG}/pashto").status_code == 200
    pctx, prev = first_segment(ws, lang="pashto")
    assert save(c, csrf, SALANG, "pashto", pctx, "ژباړه", prev).status_code == 200
    assert entry(ws, SALANG, "pashto", pctx).msgstr == "ژباړه"


def test_only_editors_approve_send_back_and_publish(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    review_everything(ws, SALANG, "dari")
    tr, tr_csrf = as_user(ws, "dara")
    for action in ("approve", "send-back", "publish"):
        r = tr.post(f"/t/{SALANG}/dari/{action}", data={"csrf": tr_csrf, "comment": "ok"})
        assert r.status_code == 403, action
    assert translation_status(ws, SALANG, "dari").status == "reviewed"

    ed, ed_csrf = as_user(ws, "eddie")
    # Publishing needs an approval first.
    r = ed.post(f"/t/{SALANG}/dari/publish", data={"csrf": ed_csrf})
    assert_refused_on_the_article(r, SALANG, "dari", "approve it before publishing")
    r = approve_via_page(ed, ed_csrf, SALANG, "dari", "good")
    assert r.status_code == 200 and "Approved." in r.text
    assert translation_status(ws, SALANG, "dari").status == "approved"

    # Publish submits the publish flow (tests/test_web_publish.py runs it for real); here
    # only what the action hands over, and what the page says.
    submitted: list[tuple[str, str, str, str]] = []

    def fake_submit(ws_: Workspace, slug: str, lang: str, by: str) -> tuple[PublishRun, bool]:
        submitted.append((str(ws_.root), slug, lang, by))
        return PublishRun(slug, lang, by, "in-process", state="running"), True

    monkeypatch.setattr(publishing, "submit", fake_submit)
    r = ed.post(f"/t/{SALANG}/dari/publish", data={"csrf": ed_csrf})
    assert r.status_code == 200 and "Publish flow submitted" in r.text
    assert submitted == [(str(ws.root), SALANG, "dari", "eddie")]
    assert translation_status(ws, SALANG, "dari").status == "approved"  # the flow publishes

    r = ed.post(f"/t/{SALANG}/dari/send-back", data={"csrf": ed_csrf, "comment": "check b2"})
    assert r.status_code == 200
    status = translation_status(ws, SALANG, "dari")
    assert status.status == "sent back" and status.record.sent_back.comment == "check b2"


# --- security of sessions and writes ------------------------------------------------------


def test_session_cookie_flags(ws: Workspace) -> None:
    c = client(ws)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post(
        "/login",
        data={"csrf": token, "name": "dara", "password": PASSWORD},
        follow_redirects=False,
    )
    cookie = next(v for v in r.headers.get_list("set-cookie") if v.startswith("azad_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie

    https = client(ws, base_url="https://testserver")
    token = re.search(r'name="csrf" value="([^"]+)"', https.get("/login").text).group(1)
    r = https.post(
        "/login",
        data={"csrf": token, "name": "dara", "password": PASSWORD},
        follow_redirects=False,
    )
    cookie = next(v for v in r.headers.get_list("set-cookie") if v.startswith("azad_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie
    page = https.get("/")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_login_attempts_are_rate_limited(ws: Workspace) -> None:
    c = client(ws)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    limit = ws.settings.review.login_max_failures
    codes = [
        c.post("/login", data={"csrf": token, "name": "dara", "password": f"guess {i}"}).status_code
        for i in range(limit + 1)
    ]
    assert codes == [401] * limit + [429]
    # Even the right password waits now.
    r = c.post("/login", data={"csrf": token, "name": "dara", "password": PASSWORD})
    assert r.status_code == 429 and "Too many failed logins" in r.text


def test_bad_save_bodies_are_400_and_write_nothing(ws: Workspace) -> None:
    c, csrf = as_user(ws, "dara")
    ctx, rev = first_segment(ws)
    before = po(ws, SALANG, "dari").read_bytes()
    url = f"/api/t/{SALANG}/dari/segments/{ctx}"
    for body in [b"not json", b'{"text": 1, "rev": "x"}', b'{"rev": "x"}', b"[]"]:
        r = c.post(url, content=body, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 400, body
        assert "\n" not in r.json()["error"]
    r = c.post(url, json={"text": "x\0y", "rev": rev}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 400
    # gettext refuses U+0004 in a catalog; a lone surrogate cannot be written as UTF-8.
    for raw in [b'{"text": "x\\u0004y", "rev": "%s"}', b'{"text": "x\\ud800y", "rev": "%s"}']:
        r = c.post(url, content=raw % rev.encode(), headers={"X-CSRF-Token": csrf})
        assert r.status_code == 400, raw
        assert "\n" not in r.json()["error"]
    r = save(c, csrf, SALANG, "dari", "b99.s1", "x", rev)
    assert r.status_code == 404
    assert po(ws, SALANG, "dari").read_bytes() == before


def test_a_stray_newline_at_the_ends_of_a_translation_is_dropped(ws: Workspace) -> None:
    import subprocess

    c, csrf = as_user(ws, "dara")
    ctx, rev = first_segment(ws)
    assert save(c, csrf, SALANG, "dari", ctx, "\nترجمه\n", rev).status_code == 200
    (entry,) = [e for e in load_po(po(ws, SALANG, "dari")) if e.msgctxt == ctx]
    assert entry.msgstr == "ترجمه"
    # msgfmt refuses a msgstr that begins or ends with a newline where the msgid does not.
    path = po(ws, SALANG, "dari")
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)


# --- 2. saves, conflicts, concurrency ---------------------------------------------------------


def test_save_records_who_when_old_and_new(ws: Workspace) -> None:
    c, csrf = as_user(ws, "dara")
    ctx, rev = first_segment(ws)
    old = entry(ws, SALANG, "dari", ctx).msgstr
    r = save(c, csrf, SALANG, "dari", ctx, "تونل سالنگ", rev)
    assert r.status_code == 200
    body = r.json()
    assert body["rev"] != rev and body["reviewed"] and body["reviewed_count"] == 1
    saved = entry(ws, SALANG, "dari", ctx)
    assert saved.msgstr == "تونل سالنگ" and "fuzzy" not in saved.flags
    # The machine draft stays visible beside the edit.
    unit = Queue(ws).read(SALANG, "dari").unit(ctx)
    assert unit is not None and unit.machine_text == old and unit.provenance.is_machine
    (change,) = history(ws, SALANG, "dari", ctx)
    assert (change.by, change.action, change.old, change.new) == ("dara", "save", old, "تونل سالنگ")
    page = c.get(f"/t/{SALANG}/dari/history/{ctx}").text
    assert "تونل سالنگ" in page and old in page and "dara" in page
    # The save claimed the translation for the translator.
    assert translation_status(ws, SALANG, "dari").claimed_by == "dara"
    assert "dara" in c.get("/").text
    editor_page = c.get(f"/t/{SALANG}/dari").text
    assert f'data-rev="{body["rev"]}"' in editor_page and old in editor_page


def test_two_saves_from_the_same_revision_one_wins_one_gets_409(ws: Workspace) -> None:
    (c1, csrf1), (c2, csrf2) = as_user(ws, "dara"), as_user(ws, "eddie")
    ctx, rev = first_segment(ws)
    barrier = threading.Barrier(2)

    def attempt(c: TestClient, csrf: str, text: str):
        barrier.wait()
        return save(c, csrf, SALANG, "dari", ctx, text, rev)

    with ThreadPoolExecutor(2) as pool:
        f1 = pool.submit(attempt, c1, csrf1, "متن دارا")
        f2 = pool.submit(attempt, c2, csrf2, "متن ادی")
        r1, r2 = f1.result(), f2.result()
    assert sorted([r1.status_code, r2.status_code]) == [200, 409]
    won, lost = (r1, r2) if r1.status_code == 200 else (r2, r1)
    winner_text = won.json()["text"]
    loser_text = lost.json()["yours"]["text"]
    assert {winner_text, loser_text} == {"متن دارا", "متن ادی"}
    assert lost.json()["current"]["text"] == winner_text
    assert entry(ws, SALANG, "dari", ctx).msgstr == winner_text
    # Both texts are kept: the loser's in the segment's history.
    changes = history(ws, SALANG, "dari", ctx)
    assert [(c.action, c.new) for c in changes] == [("save", winner_text), ("conflict", loser_text)]
    # The loser can merge and save against the revision the 409 reported.
    r = save(c1, csrf1, SALANG, "dari", ctx, "ادغام", lost.json()["current"]["rev"])
    assert r.status_code == 200


@pytest.mark.slow
def test_two_hundred_concurrent_saves_to_one_file_all_persist(
    workspace: Workspace, tmp_path: Path
) -> None:
    src = tmp_path / "long-article.md"
    sentences = "\n\n".join(f"Paragraph number {n} has one sentence." for n in range(1, 201))
    src.write_text(f"---\ntitle: A Long Article With Many Paragraphs\n---\n\n{sentences}\n")
    (outcome,) = ingest_files(workspace, [src])
    translate(workspace, [outcome.slug], ["dari"])
    add_users(workspace)
    c, csrf = as_user(workspace, "dara")
    segments = read_segments(workspace, outcome.slug, "dari")
    assert len(segments) == 201  # the title and 200 paragraphs

    def one(seg):
        return save(c, csrf, outcome.slug, "dari", seg.ctx, f"ترجمه {seg.ctx}", seg.rev)

    with ThreadPoolExecutor(32) as pool:
        codes = [r.status_code for r in pool.map(one, segments)]
    assert codes == [200] * len(segments)
    after = {s.ctx: s for s in read_segments(workspace, outcome.slug, "dari")}
    assert all(after[s.ctx].text == f"ترجمه {s.ctx}" and after[s.ctx].reviewed for s in segments)
    msgfmt_check(po(workspace, outcome.slug, "dari"))
    assert translation_status(workspace, outcome.slug, "dari").status == "reviewed"


# --- 3. a crash in the middle of a save --------------------------------------------------------


def test_a_crash_inside_the_write_leaves_the_previous_file(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    c, csrf = as_user(ws, "dara", raise_server_exceptions=False)
    ctx, rev = first_segment(ws)
    path = po(ws, SALANG, "dari")
    before = path.read_bytes()
    real_replace = os.replace

    def crash(src: str, dst: str) -> None:
        if str(dst) == str(path):
            raise OSError("power cut")  # the process dies between writing and renaming
        real_replace(src, dst)

    monkeypatch.setattr("azad.fsutil.os.replace", crash)
    r = save(c, csrf, SALANG, "dari", ctx, "نیمه‌کاره", rev)
    assert r.status_code == 500
    assert path.read_bytes() == before
    msgfmt_check(path)
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert history(ws, SALANG, "dari", ctx) == []  # nothing logged as saved
    monkeypatch.setattr("azad.fsutil.os.replace", real_replace)
    assert save(c, csrf, SALANG, "dari", ctx, "کامل", rev).status_code == 200


KILL_SCRIPT = """
import os, sys, time
from pathlib import Path
import azad.fsutil
from azad.db.users import User
from azad.review.saving import save_segment
from azad.workspace import Workspace

real_fsync = os.fsync
def fsync_then_hang(fd):
    real_fsync(fd)
    if Path(os.readlink(f"/proc/self/fd/{fd}")).name.endswith(".tmp"):
        print("writing", flush=True)
        time.sleep(60)  # killed here: new content written to the temporary file only
azad.fsutil.os.fsync = fsync_then_hang
ws = Workspace(Path(sys.argv[1]))
dara = User("dara", "translator", ("dari",))
save_segment(ws, sys.argv[2], "dari", dara, sys.argv[3], "متن تازه", sys.argv[4])
"""


def test_killing_the_process_mid_save_leaves_the_previous_file(ws: Workspace) -> None:
    import subprocess

    ctx, rev = first_segment(ws)
    path = po(ws, SALANG, "dari")
    before = path.read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(ws.root), SALANG, ctx, rev],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    proc.kill()
    proc.wait()
    assert path.read_bytes() == before
    msgfmt_check(path)
    # The lock died with the process: the next save goes through.
    c, csrf = as_user(ws, "dara")
    assert save(c, csrf, SALANG, "dari", ctx, "بعد از خرابی", rev).status_code == 200


# --- 6. escaping and paths ----------------------------------------------------------------------

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PAYLOADS = [
    XSS,
    '"><img src=x onerror=alert(2)>',
    "javascript:alert(3)",
    "</textarea><script>alert(4)</script>",
    "{{7*7}}",
]
EVIL = " ".join(PAYLOADS)
# What a payload looks like when it was written as markup rather than as text.
UNESCAPED = re.compile(
    r"<script>alert|<img src=x|</textarea><|\"><img"
    r"|(?:href|src|action|formaction)\s*=\s*[\"']?\s*javascript:",
    re.IGNORECASE,
)


def assert_text_only(r, where: str = "") -> None:
    """No payload in ``r`` as markup, and the strict CSP on every answer. JSON and plain
    text may hold the payload as it was sent: with their media type and ``nosniff`` no
    browser reads them as HTML."""
    assert "content-security-policy" in r.headers, where
    assert r.headers["x-content-type-options"] == "nosniff"
    if not r.headers.get("content-type", "").startswith(("text/html", "application/xhtml")):
        assert "html" not in r.headers.get("content-type", "")
        return
    found = UNESCAPED.search(r.text)
    assert found is None, f"{where}: {r.text[max(0, found.start() - 80) : found.end() + 40]}"


def plain(text: str) -> str:
    """``text`` without the bidi isolates the renderer puts around numbers and Latin (the
    characters, and the ``<span dir>`` elements around them)."""
    text = re.sub(r'<span dir="(?:ltr|rtl)">([^<]*)</span>', r"\1", text)
    return re.sub("[\u2066-\u2069]", "", text)


def evil_article(ws: Workspace) -> str:
    """A translated article whose title, author, original URL and a sentence of the
    body carry the payloads (the store takes them as the readers give them; the text
    export reader takes text literally)."""
    store = ArticleStore(ws)
    article = store.load(HERAT).article
    blocks = list(article.blocks)
    i = next(n for n, b in enumerate(blocks) if b.kind == "paragraph")
    first, *rest = blocks[i].segments
    evil_first = first.model_copy(update={"text": f"Body {EVIL}."})
    blocks[i] = blocks[i].model_copy(update={"segments": [evil_first, *rest]})
    meta = article.meta.model_copy(
        update={"title": f"Evil {EVIL} Title", "author": f"Mallory {EVIL}", "url": None}
    )
    outcome = store.save("evil-title", article.model_copy(update={"meta": meta, "blocks": blocks}))
    translate(ws, [outcome.slug], ["dari"])
    return outcome.slug


def test_xss_payloads_render_as_text(ws: Workspace) -> None:
    """Every stored field a user or a file supplies: an article's title, author and
    body, a saved translation, a CAT tool's note, a glossary term's forms, the comments
    of an approval and of a send-back; on every page that shows them."""
    slug = evil_article(ws)
    with (ws.glossary_path).open("a", encoding="utf-8") as fh:
        fh.write(f"Salang\t{EVIL}\t{EVIL}\tno\t{EVIL}\n")
    c, csrf = as_user(ws, "eddie")
    seg = read_segments(ws, slug, "dari")[0]
    assert save(c, csrf, slug, "dari", seg.ctx, f"ترجمه {EVIL}", seg.rev).status_code == 200
    # A translator's comment written by a CAT tool.
    from helpers import load_po, save_po

    path = po(ws, slug, "dari")
    catalog = load_po(path)
    catalog[0].tcomment = f"note {EVIL}"
    save_po(path, catalog)
    review_everything(ws, SALANG, "dari")
    r = approve_via_page(c, csrf, SALANG, "dari", f"ok {EVIL}")
    assert r.status_code == 200 and "Approved." in r.text
    review_everything(ws, SALANG, "pashto")
    r = c.post(f"/t/{SALANG}/pashto/send-back", data={"csrf": csrf, "comment": f"fix {EVIL}"})
    assert r.status_code == 200
    pages = {
        "queue": c.get("/"),
        "editor": c.get(f"/t/{slug}/dari"),
        "preview": c.get(f"/t/{slug}/dari/preview"),
        "history": c.get(f"/t/{slug}/dari/history/{seg.ctx}"),
        "approved": c.get(f"/t/{SALANG}/dari"),
        "sent back": c.get(f"/t/{SALANG}/pashto"),
        "glossary": c.get(f"/t/{SALANG}/dari"),
    }
    for where, page in pages.items():
        assert page.status_code == 200, where
        assert_text_only(page, where)
        assert "{{7*7}}" in plain(page.text), where  # shown as typed, never evaluated
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    assert escaped in pages["queue"].text  # the title in the queue
    assert pages["editor"].text.count(escaped) >= 4  # title, body, translation, note
    assert pages["editor"].text.count("&lt;/textarea&gt;") >= 3
    assert escaped in pages["history"].text
    assert escaped in pages["approved"].text and escaped in pages["sent back"].text
    # The preview is the renderer's HTML: its own escaping, and a CSP without scripts.
    preview = pages["preview"]
    assert escaped.replace("&#34;", "&quot;") in preview.text or escaped in preview.text
    assert "script-src" not in preview.headers["content-security-policy"]
    assert "default-src 'none'" in preview.headers["content-security-policy"]
    # A glossary term's forms show beside the English (Salang is in the Salang title).
    hits = re.findall(r'<ul class="glossary">(.*?)</ul>', pages["glossary"].text)
    assert any("Salang" in hit and escaped in hit for hit in hits)
    # The downloads for CAT tools are attachments, never rendered by the browser.
    for fmt in ("xliff", "po"):
        r = c.get(f"/t/{slug}/dari/export.{fmt}")
        assert r.headers["content-disposition"].startswith("attachment")
        assert "html" not in r.headers["content-type"]
    xliff = ET.fromstring(c.get(f"/t/{slug}/dari/export.xliff").content)
    assert f"ترجمه {EVIL}" in xliff.itertext()


def test_xss_payloads_in_request_parameters_are_not_reflected_as_markup(ws: Workspace) -> None:
    """What a link can carry: the queue's filters and message, the login page's name
    and ``next``, ids in the path; a user name cannot hold markup at all."""
    from azad.db.users import add_user

    with pytest.raises(InputError):
        add_user(ws, EVIL, "translator", ["dari"], PASSWORD)
    anonymous = client(ws)
    r = anonymous.get("/login", params={"next": "/" + EVIL})
    assert r.status_code == 200
    assert_text_only(r, "login next")
    token = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = anonymous.post("/login", data={"csrf": token, "name": EVIL[:64], "password": "x"})
    assert r.status_code == 401
    assert_text_only(r, "login name")
    assert "&lt;script&gt;" in r.text
    c, _ = as_user(ws, "eddie")
    for params in ({"lang": EVIL}, {"status": EVIL}, {"page": EVIL}, {"msg": EVIL}):
        r = c.get("/", params=params)
        assert r.status_code in (200, 400), params
        assert_text_only(r, str(params))
        if "page" not in params:
            assert "&lt;script&gt;" in r.text, params  # shown, escaped
    for payload in PAYLOADS:
        quoted = quote(payload, safe="")
        r = c.get(f"/t/{SALANG}/dari/history/{quoted}")
        assert r.status_code == 404
        assert_text_only(r, "history id")
        r = c.get(f"/api/t/{SALANG}/dari/segments/{quoted}")
        # JSON (or Starlette's plain text when a "/" in it makes another path): not HTML.
        assert r.status_code == 404 and "html" not in r.headers["content-type"]
        assert_text_only(r, "segment id")
        for url in (f"/t/{quoted}/dari", f"/t/{SALANG}/{quoted}", f"/editions/{quoted}"):
            r = c.get(url)
            assert r.status_code in (404, 405), url
            assert_text_only(r, url)


def test_xss_payloads_in_the_public_catalog(ws: Workspace) -> None:
    """A published edition's title and author (from the article) in the readers'
    catalog page and feeds: text, and a CSP that allows no script."""
    from azad.catalog.write import write_catalog

    folder = ws.output_dir / "dari"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("evil.pdf", "evil.epub"):
        (folder / name).write_bytes(b"%PDF-1.7")
    manifest = {
        "slug": "evil",
        "lang": "fa-AF",
        "id": "urn:uuid:0",
        "title": f"Evil {EVIL}",
        "author": f"Mallory {EVIL}",
        "date": "",
        "published": "2026-01-01T00:00:00+00:00",
        "original_title": f"Original {EVIL}",
        "original_url": "javascript:alert(5)",
        "pdf": {"file": "evil.pdf", "bytes": 8},
        "epub": {"file": "evil.epub", "bytes": 8},
    }
    (folder / "evil.json").write_text(json.dumps(manifest))
    write_catalog(ws)
    anyone = client(ws)
    page = anyone.get("/editions/")
    assert page.status_code == 200 and "Mallory" in page.text
    assert_text_only(page, "catalog")
    assert "{{7*7}}" in plain(page.text)
    assert "script-src" not in page.headers["content-security-policy"]
    for feed in ("opds.xml", "feed.xml"):
        r = anyone.get(f"/editions/{feed}")
        assert r.status_code == 200
        assert_text_only(r, feed)
        assert f"Evil {EVIL}" in "".join(ET.fromstring(r.content).itertext())


@pytest.mark.parametrize(
    "url",
    [
        "/t/..%2F..%2Fetc/dari",
        "/t/..%2F..%2Fetc%2Fpasswd/dari/preview",
        "/t/glossary/dari",
        "/t/%2E%2E/dari",
        f"/t/{SALANG}/klingon",
        "/t/No-Such-Article/dari",
    ],
)
def test_path_like_slugs_and_unknown_languages_are_404(ws: Workspace, url: str) -> None:
    c, _ = as_user(ws, "eddie")
    r = c.get(url)
    assert r.status_code == 404
    assert "root:" not in r.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", ""),
        ("GET", "/preview"),
        ("GET", "/publish-status"),
        ("GET", "/export.po"),
        ("GET", "/history/b1.s1"),
        ("POST", "/publish"),
        ("POST", "/approve"),
        ("POST", "/claim"),
    ],
)
def test_a_well_formed_but_unknown_slug_is_404_everywhere(
    ws: Workspace, method: str, path: str
) -> None:
    c, csrf = as_user(ws, "eddie")
    url = "/t/no-such-article/dari" + path
    r = c.get(url) if method == "GET" else c.post(url, data={"csrf": csrf})
    assert r.status_code == 404, (url, r.status_code)
    assert not (ws.root / "translations" / "no-such-article").exists()


def test_path_like_slug_in_a_save_is_refused(ws: Workspace) -> None:
    c, csrf = as_user(ws, "eddie")
    r = c.post(
        "/api/t/..%2F..%2Fetc/dari/segments/b1.s1",
        json={"text": "x", "rev": "y"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 404


# --- the queue, claims, preview, export -----------------------------------------------------


def test_queue_filters_and_orders_oldest_first(ws: Workspace) -> None:
    old = po(ws, HERAT, "pashto")
    os.utime(old, (1_600_000_000, 1_600_000_000))
    c, _ = as_user(ws, "eddie")
    page = c.get("/").text
    rows = re.findall(r'<a href="/t/([a-z0-9-]+)/([a-z]+)">', page)
    assert rows[0] == (HERAT, "pashto") and len(rows) == 4
    only = re.findall(r'<a href="/t/([a-z0-9-]+)/([a-z]+)">', c.get("/?lang=dari").text)
    assert sorted(only) == [(HERAT, "dari"), (SALANG, "dari")]
    review_everything(ws, SALANG, "dari")
    reviewed = c.get("/?status=reviewed").text
    assert re.findall(r'<a href="/t/([a-z0-9-]+)/([a-z]+)">', reviewed) == [(SALANG, "dari")]
    # A bad filter shows the queue, says what was ignored (issue 14: no "Error 400" page).
    for query, said in [("status=bogus", "unknown status"), ("lang=klingon", "unknown language")]:
        r = c.get("/?" + query)
        assert r.status_code == 200 and said in r.text and 'class="flash flash-error"' in r.text
        assert len(re.findall(r'<a href="/t/([a-z0-9-]+)/([a-z]+)">', r.text)) == 4


def test_claims(ws: Workspace) -> None:
    c, csrf = as_user(ws, "dara")
    r = c.post(f"/t/{SALANG}/dari/claim", data={"csrf": csrf})
    assert r.status_code == 200 and "You hold this translation" in r.text
    assert translation_status(ws, SALANG, "dari").claimed_by == "dara"
    from azad.db.users import add_user

    add_user(ws, "dina", "translator", ["dari"], PASSWORD)
    other, other_csrf = as_user(ws, "dina")
    r = other.post(f"/t/{SALANG}/dari/claim", data={"csrf": other_csrf})
    assert_refused_on_the_article(r, SALANG, "dari", "claimed by dara")
    assert other.post(f"/t/{SALANG}/dari/release", data={"csrf": other_csrf}).status_code == 403
    assert c.post(f"/t/{SALANG}/dari/release", data={"csrf": csrf}).status_code == 200
    assert translation_status(ws, SALANG, "dari").claimed_by is None


def test_preview_is_right_to_left_with_the_translation(ws: Workspace) -> None:
    c, csrf = as_user(ws, "dara")
    ctx, rev = first_segment(ws)
    save(c, csrf, SALANG, "dari", ctx, "تونل سالنگ از هندوکش می‌گذرد.", rev)
    r = c.get(f"/t/{SALANG}/dari/preview")
    assert r.status_code == 200
    assert '<html lang="fa-AF" dir="rtl">' in r.text
    assert "تونل سالنگ از هندوکش می‌گذرد." in r.text


def test_editor_page_has_rtl_text_areas_and_the_english(ws: Workspace) -> None:
    c, _ = as_user(ws, "dara")
    page = c.get(f"/t/{SALANG}/dari").text
    segments = read_segments(ws, SALANG, "dari")
    assert page.count('<textarea dir="rtl" lang="fa-AF"') == len(segments)
    assert all(s.english.replace('"', "&#34;") in page for s in segments)
    assert csrf_of(page)


def test_export_downloads(ws: Workspace) -> None:
    c, _ = as_user(ws, "dara")
    r = c.get(f"/t/{SALANG}/dari/export.xliff")
    assert r.status_code == 200 and b"urn:oasis:names:tc:xliff:document:1.2" in r.content
    assert 'filename="the-salang-tunnel.dari.xlf"' in r.headers["content-disposition"]
    assert c.get(f"/t/{SALANG}/dari/export.docx").status_code == 404


def test_editor_page_offers_translation_memory_matches(ws: Workspace) -> None:
    review_everything(ws, SALANG, "dari", prefix="تأییدشده ")
    from helpers import approve

    approve(ws, SALANG, "dari", "eddie")
    # A second article sharing the Salang article's sentences.
    store = ArticleStore(ws)
    store.save("salang-again", store.load(SALANG).article)
    translate(ws, ["salang-again"], ["dari"])
    c, _ = as_user(ws, "dara")
    page = c.get("/t/salang-again/dari").text
    first = read_segments(ws, SALANG, "dari")[0]
    assert f'class="insert" data-text="{first.text}"' in page
    assert '<span class="score">100%</span>' in page
    # Its own article's approved segments are not offered to itself.
    assert '<span class="score">' not in c.get(f"/t/{SALANG}/dari").text


SERVE = """
import sys
from test_review_support import register_cli
register_cli()
from azad.cli import main
sys.argv = ["azad", "--workspace", sys.argv[1], "review", "serve", "--port", sys.argv[2]]
main()
"""


def listening_addresses(port: int) -> set[str]:
    """IPv4 addresses with a socket listening on ``port``, from /proc/net/tcp."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        addr, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(".".join(str(b) for b in reversed(bytes.fromhex(addr))))
    return found


def test_review_serve_binds_loopback_by_default(ws: Workspace) -> None:
    import socket
    import subprocess
    import time

    import httpx2

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(ws.root), str(port)],
        cwd=Path(__file__).parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                r = httpx2.get(f"http://127.0.0.1:{port}/", follow_redirects=False, timeout=1)
                break
            except httpx2.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.1)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        proc.terminate()
        out = proc.communicate(timeout=10)[0]
    assert f"http://127.0.0.1:{port}/" in out


def test_request_bodies_over_their_limit_are_refused_and_nothing_is_written(
    ws: Workspace,
) -> None:
    """A segment save over 64 kB, a comment over 16 kB, and any body over 1 MB (the login
    form is open to anyone) answer 413; no file and no comment changes."""
    c = client(ws)
    csrf = login(c, "dara")
    seg = read_segments(ws, SALANG, "dari")[0]
    before = po(ws, SALANG, "dari").read_bytes()
    headers = {"X-CSRF-Token": csrf}
    save = {"text": "متن " * 20_000, "rev": seg.rev, "reviewed": True}
    r = c.post(f"/api/t/{SALANG}/dari/segments/{seg.ctx}", json=save, headers=headers)
    assert r.status_code == 413, r.text
    url = f"/api/t/{SALANG}/dari/segments/{seg.ctx}/comments"
    r = c.post(url, json={"text": "نظر " * 5_000}, headers=headers)
    assert r.status_code == 413, r.text
    r = c.post(url, json={"text": "نظر"}, headers=headers)  # a short one still goes in
    assert r.status_code == 200 and len(r.json()["comments"]) == 1
    r = client(ws).post("/login", data={"csrf": "x", "name": "a" * 1_100_000, "password": "p"})
    assert r.status_code == 413
    assert po(ws, SALANG, "dari").read_bytes() == before


@pytest.mark.parametrize("threads", [None, 3])
def test_requests_are_worked_on_by_the_set_number_of_threads(
    workspace: Workspace, threads: int | None
) -> None:
    """``[review] request_threads`` (8 unless set): the views' thread pool, not the 40 of
    the server's libraries (bench/load.py: save p95 ~330 ms with 40, ~195 ms with 8)."""
    import anyio.to_thread

    if threads is not None:
        settings = workspace.root / "azad.toml"
        text = settings.read_text("utf-8")
        assert text.count("request_threads = 8 ") == 1
        settings.write_text(text.replace("request_threads = 8 ", f"request_threads = {threads} "))
        workspace = Workspace(workspace.root)

    async def pool_size() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    with TestClient(create_app(workspace)) as client:
        assert client.portal is not None
        assert client.portal.call(pool_size) == (threads or 8)
