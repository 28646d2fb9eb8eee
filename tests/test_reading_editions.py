"""Issue 15: the HTML reading edition, small and reproducible EPUBs, a catalog and feeds
that hold a thousand editions, streamed files, and no character XML cannot carry.

The four editions of tests/test_editions.py (both example articles in Dari and Pashto,
published once per session) are checked here; the thousand-edition catalog is made of
generated manifests."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from starlette.testclient import TestClient
from test_editions import KEYS, published_workspace

from azad.catalog.entries import OPDS_ACQUISITION, PAGE_SIZE, load_entries
from azad.catalog.write import write_catalog
from azad.lang.digits import to_eastern_digits
from azad.publish import edition_files, publish_many
from azad.queue.store import Queue
from azad.web.app import create_app
from azad.workspace import Workspace

SLUGS = ("the-salang-tunnel", "red-gold-of-herat")
ATOM = "{http://www.w3.org/2005/Atom}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_LIMIT = 80_000
# C0 controls but tab and newline, U+FFFE/U+FFFF, a lone surrogate.
BAD_CHARS = "\x00\x01\x08\x0b\x0c\x0d\x1b\x1f\ufffe\uffff\ud800"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return published_workspace(tmp_path_factory)


def _strict_xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, recover=False))


def _html(data: bytes) -> lxml_html.HtmlElement:
    parser = lxml_html.HTMLParser(recover=False)
    return lxml_html.fromstring(data, parser=parser)


# ---- EPUB -----------------------------------------------------------------------------------


def test_epub_mimetype_first_and_stored_small_and_dated(ws: Workspace) -> None:
    for slug in SLUGS:
        for key in KEYS:
            path = edition_files(ws, slug, key).epub
            data = path.read_bytes()
            # The cover is the catalog's thumbnail (PNG, stored as it is); the rest is small.
            cover = edition_files(ws, slug, key).thumbnail
            assert cover is not None
            assert len(data) - cover.stat().st_size <= EPUB_LIMIT, (path.name, len(data))
            # The zip's first local header: "mimetype", stored, content right after it.
            assert data[:4] == b"PK\x03\x04" and data[30:38] == b"mimetype"
            with zipfile.ZipFile(path) as book:
                first = book.infolist()[0]
                assert first.filename == "mimetype"
                assert first.compress_type == zipfile.ZIP_STORED
                assert first.extra == b""
                assert book.read(first) == b"application/epub+zip"
                opf = _strict_xml(book.read("EPUB/content.opf"))
                nav = _strict_xml(book.read("EPUB/nav.xhtml"))
                fonts = [n for n in book.namelist() if n.endswith(".ttf")]
                assert len(fonts) == 3
                # Subset: each embedded font is far smaller than its source file.
                for name in fonts:
                    whole = Path(__file__).parents[1] / "styles" / "fonts" / Path(name).name
                    assert book.getinfo(name).file_size < whole.stat().st_size / 2, name
            record = Queue(ws).load_record(slug, key)
            assert record.approved is not None
            approved = record.approved.at.astimezone(dt.UTC).replace(microsecond=0)
            modified = opf.findtext(f".//{OPF}meta[@property='dcterms:modified']")
            assert modified == approved.isoformat().replace("+00:00", "Z")
            article = json.loads(edition_files(ws, slug, key).manifest.read_text())  # type: ignore[union-attr]
            assert opf.findtext(f".//{DC}date") == article["article_date"]
            # Landmarks in the edition's language (set through lxml, read back with it).
            labels = {
                a.get("{http://www.idpf.org/2007/ops}type"): a.text
                for a in nav.iter(f"{XHTML}a")
                if a.get("{http://www.idpf.org/2007/ops}type")
            }
            assert labels and "Title Page" not in labels.values()
            assert labels.get("titlepage") in ("صفحهٔ عنوان", "سرپاڼه")


def test_epub_isolates_latin_runs_and_stacks_the_verse(ws: Workspace) -> None:
    with zipfile.ZipFile(edition_files(ws, SLUGS[0], "dari").epub) as book:
        chapter = _strict_xml(book.read("EPUB/text/ch001.xhtml"))
        css = book.read("EPUB/styles/stylesheet1.css").decode()
    spans = chapter.findall(f".//{XHTML}span[@dir='ltr']")
    assert spans, "Latin runs and numbers carry dir spans"
    assert "@media (max-width: 30em)" in css and "td.second" in css


# ---- reproducible editions -------------------------------------------------------------------


@pytest.mark.slow
def test_republishing_unchanged_content_gives_the_same_bytes(ws: Workspace) -> None:
    def snapshot() -> dict[str, bytes]:
        return {
            p.relative_to(ws.output_dir).as_posix(): p.read_bytes()
            for p in sorted(ws.output_dir.rglob("*"))
            if p.is_file() and p.suffix != ".json" and not p.name.startswith(".")
        }

    before = snapshot()
    pairs = [(slug, key) for slug in SLUGS for key in KEYS]
    outcomes = publish_many(ws, pairs, force=True)
    assert [o.status for o in outcomes] == ["published"] * len(pairs)
    after = snapshot()
    assert sorted(after) == sorted(before)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == []
    kinds = {Path(n).suffix for n in before}
    assert {".pdf", ".epub", ".html", ".woff2", ".png", ".xml"} <= kinds


# ---- the HTML reading edition ---------------------------------------------------------------


def test_every_html_and_xml_output_parses(ws: Workspace) -> None:
    seen = 0
    for path in ws.output_dir.rglob("*"):
        if path.suffix == ".html":
            _html(path.read_bytes())
            seen += 1
        elif path.suffix == ".xml":
            _strict_xml(path.read_bytes())
            seen += 1
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
                        _strict_xml(book.read(name))
                        seen += 1
    assert seen >= 4 + 4 * 6


def test_reading_edition_has_the_masthead_article_and_links(ws: Workspace) -> None:
    site = ws.settings.site
    for slug in SLUGS:
        for key in KEYS:
            files = edition_files(ws, slug, key)
            assert files.html is not None
            page = _html(files.html.read_bytes())
            code = ws.settings.languages[key].code
            assert (page.get("lang"), page.get("dir")) == (code, "rtl")
            assert not page.xpath("//script") and not page.xpath("//@*[starts-with(name(), 'on')]")
            text = page.text_content()
            for part in (site.name, site.mark, site.web, site.email):
                assert part in text, part
            verse = [td.text_content() for td in page.xpath("//table[@class='verse']//td")]
            assert verse == [h for line in site.verse for h in line]
            assert page.xpath("//h1[@class='title']")[0].text_content().strip()
            assert page.xpath("//div[contains(@class, 'author')]")
            date = page.xpath("//div[contains(@class, 'date')]")[0].text_content()
            assert "(" in date and ")" in date  # solar Hijri (Gregorian)
            assert page.xpath("//div[@class='credit']")
            hrefs = set(page.xpath("//a/@href"))
            assert {f"{slug}.pdf", f"{slug}.epub", "../index.html"} <= hrefs
            manifest = json.loads(files.manifest.read_text())  # type: ignore[union-attr]
            if manifest["original_url"]:
                assert manifest["original_url"] in hrefs
            # Its fonts: WOFF2, beside it, subset (a fraction of the TrueType files).
            fonts = [h.split('"')[0] for h in page.xpath("//style/text()")[0].split('url("')[1:]]
            assert len(fonts) == 3
            for name in fonts:
                data = (files.html.parent / name).read_bytes()
                assert data[:4] == b"wOF2" and len(data) < 40_000, name


def test_reading_editions_are_served_under_editions(ws: Workspace) -> None:
    client = TestClient(create_app(ws))
    r = client.get(f"/editions/dari/{SLUGS[0]}.html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src" not in r.headers["content-security-policy"]
    font = f"/editions/dari/{SLUGS[0]}.Vazirmatn-Regular.woff2"
    assert client.get(font).headers["content-type"] == "font/woff2"
    index = client.get("/editions/").text
    assert f'href="dari/{SLUGS[0]}.html"' in index


# ---- streaming: Range and ETag ----------------------------------------------------------------


def test_range_and_conditional_requests(ws: Workspace) -> None:
    client = TestClient(create_app(ws))
    url = f"/editions/pashto/{SLUGS[1]}.pdf"
    whole = edition_files(ws, SLUGS[1], "pashto").pdf.read_bytes()
    full = client.get(url)
    assert full.status_code == 200 and full.content == whole
    assert full.headers["accept-ranges"] == "bytes"
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(whole)}"
    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == whole[-10:]
    etag = full.headers["etag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    # If-Range with a stale validator: the whole file, not a slice of a different one.
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert stale.status_code == 200 and stale.content == whole
    assert full.headers["content-disposition"].endswith(f"filename*=utf-8''{SLUGS[1]}.pashto.pdf")


# ---- a thousand editions ----------------------------------------------------------------------


def thousand(workspace: Workspace, source: Workspace, n: int = 1000) -> None:
    """``n`` editions in ``workspace``'s output: copies of one real edition's files
    under generated manifests, half Dari, half Pashto, one a day."""
    real = edition_files(source, SLUGS[0], "dari")
    template = json.loads(real.manifest.read_text())  # type: ignore[union-attr]
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for i in range(n):
        key = KEYS[i % 2]
        slug = f"article-{i:04d}"
        folder = workspace.output_dir / key
        folder.mkdir(parents=True, exist_ok=True)
        for suffix, src in ((".pdf", real.pdf), (".png", real.thumbnail)):
            target = folder / f"{slug}{suffix}"
            if not target.exists():
                target.hardlink_to(src)  # type: ignore[arg-type]
        moment = base + dt.timedelta(days=i)
        manifest = {
            **template,
            "slug": slug,
            "lang_key": key,
            "lang": workspace.settings.languages[key].code,
            "id": f"urn:uuid:00000000-0000-0000-0000-{i:012d}",
            "title": f"{template['title']} ({to_eastern_digits(str(i))})",
            "published": moment.isoformat(),
            "approved": moment.isoformat(),
            "pdf": {"file": f"{slug}.pdf", "bytes": 30_000},
            "epub": {"file": f"{slug}.epub", "bytes": 60_000},
            "html": {"file": f"{slug}.html", "bytes": 14_000},
            "thumbnail": f"{slug}.png",
        }
        (folder / f"{slug}.json").write_text(json.dumps(manifest, ensure_ascii=False))


@pytest.mark.slow
def test_a_thousand_editions(workspace: Workspace, ws: Workspace) -> None:
    thousand(workspace, ws)
    write_catalog(workspace)
    out = workspace.output_dir
    index = (out / "index.html").read_bytes()
    assert len(index) < 200_000
    page = _html(index)
    assert len(page.xpath("//li[@class='edition']")) == 2 * PAGE_SIZE
    assert "(۵۰۰ نشریه)" in page.text_content()
    # Newest first; lazily loaded thumbnails with their size.
    titles = [h.text_content() for h in page.xpath("//section[@id='dari']//h3")]
    assert titles[0].replace("\u2068", "").replace("\u2069", "").endswith("(۹۹۸)")
    imgs = page.xpath("//img")
    assert imgs and all(i.get("loading") == "lazy" and i.get("width") for i in imgs)
    # Every language page is reachable through its "next" links, each under the limit.
    for key in KEYS:
        seen, href = 0, "index.html"
        while href:
            doc = _html((out / href).read_bytes())
            seen += len(doc.xpath(f"//section[@id='{key}']//li[@class='edition']"))
            nxt = doc.xpath(f"//section[@id='{key}']//a[@rel='next']/@href")
            href = nxt[0] if nxt else ""
        assert seen == 500
    # The feeds: paged, each page valid XML with next links to the end.
    for name, kind in (("opds.xml", OPDS_ACQUISITION), ("feed.xml", "application/atom+xml")):
        entries, href, pages = 0, name, 0
        while href:
            feed = _strict_xml((out / href).read_bytes())
            pages += 1
            assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}updated")
            links = {link.get("rel"): link for link in feed.findall(f"{ATOM}link")}
            assert links["self"].get("href") == href and links["self"].get("type") == kind
            assert links["first"].get("href") == name
            for entry in feed.findall(f"{ATOM}entry"):
                for tag in ("id", "title", "updated"):
                    assert entry.findtext(f"{ATOM}{tag}")
                entries += 1
            href = links["next"].get("href") if "next" in links else ""
        assert entries == 1000 and pages > 1, name
    # Fewer editions later: the pages no longer needed are removed.
    for path in list((out / "pashto").glob("article-*.json"))[:450]:
        path.unlink()
    write_catalog(workspace)
    assert not (out / "pashto-3.html").exists() and (out / "dari-3.html").exists()


# ---- no character XML cannot carry ------------------------------------------------------------


def test_control_characters_never_reach_the_files(workspace: Workspace, ws: Workspace) -> None:
    thousand(workspace, ws, n=4)
    bad = workspace.output_dir / "dari" / "article-0000.json"
    manifest = json.loads(bad.read_text())
    manifest["title"] = f"عنوان{BAD_CHARS}بد"
    manifest["author"] = f"A{BAD_CHARS}B"
    manifest["original_title"] = f"Title{BAD_CHARS}"
    bad.write_text(json.dumps(manifest))  # \ud800 escaped: JSON can carry it, XML cannot
    assert any("عنوان" in e.title for e in load_entries(workspace))
    write_catalog(workspace)
    for name in ("opds.xml", "feed.xml"):
        feed = _strict_xml((workspace.output_dir / name).read_bytes())
        assert len(feed.findall(f"{ATOM}entry")) == 4  # one bad article breaks nothing
        assert "عنوانبد" in etree.tostring(feed, encoding="unicode")
    index = (workspace.output_dir / "index.html").read_bytes().decode("utf-8", "surrogatepass")
    assert not any(c in index for c in BAD_CHARS)


def test_renderers_drop_characters_xml_cannot_carry(tmp_path: Path) -> None:
    from azad.readers import ReadOptions, Source, read_source
    from azad.render import Credit, build_edition, load_styles, render_epub
    from azad.render.html import render_reading
    from azad.settings import load_settings

    root = Path(__file__).parents[1]
    settings = load_settings(root / "azad.toml")
    styles = load_styles(root, settings.edition)
    example = root / "examples" / "salang-tunnel.md"
    source = Source(example.name, example.read_bytes())
    article = read_source(source, ReadOptions(site=settings.site))
    translations = {s.id: f"جمله{BAD_CHARS}ی ترجمه‌شده" for s in article.segments()}
    edition = build_edition(
        article, translations, settings.site, "dari", settings.languages["dari"], styles,
        credit=Credit((f"مریم{BAD_CHARS}",), machine_draft=True),
    )  # fmt: skip
    reading = render_reading(edition, styles, "salang")
    text = reading.html.decode("utf-8", "surrogatepass")
    assert not any(c in text for c in BAD_CHARS) and "جملهی ترجمه‌شده" in text
    _html(reading.html)
    book = render_epub(edition, styles, identifier="urn:uuid:0")
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        for name in z.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                _strict_xml(z.read(name))
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_feeds_keep_their_prefixes_after_a_pdf_was_written() -> None:
    """WeasyPrint registers ElementTree prefixes ("" and "dc") when it first writes a PDF;
    a feed written afterwards in the same process must be byte-identical all the same."""
    import datetime as dt

    from helpers import ROOT

    from azad.catalog.feeds import render_atom
    from azad.settings import load_settings

    site = load_settings(ROOT / "azad.toml").site
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    before = render_atom([], site, when)
    import weasyprint.pdf.metadata  # noqa: F401  (what writing a PDF imports)

    after = render_atom([], site, when)
    assert after == before
    assert b"<feed xmlns=" in after[0] and b"ns0:" not in after[0]
