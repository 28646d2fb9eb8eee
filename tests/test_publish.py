"""Publishing editions: the acceptance list of the rendering issue, on the example articles
(and the team's shared samples where they exist) in Dari and Pashto, translated with the
test model and reviewed and approved in the test.  The editions are built once per module
(through :func:`azad.publish.publish_many`, the process pool) and every test reads them."""

from __future__ import annotations

import os
import re
import subprocess
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from helpers import (
    EXAMPLES,
    ROOT,
    SHARED_SAMPLES,
    approve,
    load_po,
    needs_shared,
    po_path,
    save_po,
    snapshot,
)
from test_render import PASHTO_LETTERS, PASHTO_PARAGRAPH
from test_render_tools import (
    comparable,
    epubcheck,
    glyph_ids,
    hemistich_box,
    pdf_fonts,
    pdf_pages,
    pdf_text,
    pdf_words,
)

from azad import fsutil
from azad.cli import app, run
from azad.lang import to_eastern_digits
from azad.mt.packages import install_file
from azad.publish import PublishOutcome, edition_files, pending, publish_many, publish_one
from azad.queue.articles import ArticleStore
from azad.queue.status import translation_status
from azad.services.ingest import ingest_files
from azad.services.translate import translate_articles
from azad.workspace import Workspace

# Slow (publishes every edition through Prefect): not in `make check`.
pytestmark = pytest.mark.slow

KEYS = ("dari", "pashto")
SAMPLES = [EXAMPLES / "herat-saffron.txt", EXAMPLES / "salang-tunnel.md"]
if SHARED_SAMPLES.is_dir():
    SAMPLES += sorted(SHARED_SAMPLES.iterdir())
# What a translator would write for each title (the PO entry with msgctxt "title").
TITLES = {
    "dari": {
        "herat-saffron": "طلای سرخ هرات: دهقانان زعفران اقتصاد روستا را دوباره می‌سازند",
        "salang-tunnel": "تونل سالنگ: باز نگه‌داشتن راه شمال و جنوب",
        "kabul-river-water": "شریک شدن در دریای کابل",
        "wakhan-trade-route": "دهلیز واخان: راه تجارتی در انتظار سرک",
    },
    "pashto": {
        "herat-saffron": "د هرات سور زر: د زعفرانو بزګران کلیوال اقتصاد بیا جوړوي",
        "salang-tunnel": "د سالنګ تونل: د شمال او سوېل لار پرانیستې ساتل",
        "kabul-river-water": "د کابل سیند شریکول",
        "wakhan-trade-route": "د واخان دهلېز: د سوداګرۍ لار چې سړک ته انتظار باسي",
    },
}
TRANSLATORS = {"dari": "مریم <maryam@example.org>", "pashto": "ملالۍ"}
# A reviewed Dari sentence with numbers as a translator may type them (ASCII digits).
DARI_NUMBERS = "این تونل در سال 1964 باز شد و در ارتفاع 3,400 متری قرار دارد."
REVIEWED_MARK = "بازبینی‌شده"


@dataclass
class Published:
    ws: Workspace
    editions: list[tuple[str, str, str]]
    """(slug, language key, source file stem)."""
    outcomes: list[PublishOutcome]
    artifacts: Path

    def pdf(self, slug: str, key: str) -> Path:
        return edition_files(self.ws, slug, key).pdf

    def epub(self, slug: str, key: str) -> Path:
        return edition_files(self.ws, slug, key).epub


def review_and_approve(ws: Workspace, slug: str, key: str, stem: str, *, approve_it=True) -> None:
    """Clear every fuzzy flag, add the reviewed title, name the translator, approve."""
    article = ArticleStore(ws).load(slug).article
    path = po_path(ws.article_dir(slug), key)
    catalog = load_po(path)
    title = TITLES[key].get(stem, "عنوان")
    entry = next((e for e in catalog if e.msgctxt == "title" and not e.obsolete), None)
    if entry is None:  # a PO file from before translation had title entries
        entry = polib.POEntry(msgctxt="title", msgid=article.meta.title)
        catalog.append(entry)
    entry.msgstr = title
    for entry in catalog:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        if stem == "salang-tunnel" and entry.msgctxt == "b1.s1":
            entry.msgstr = DARI_NUMBERS if key == "dari" else PASHTO_PARAGRAPH
    catalog.metadata["Last-Translator"] = TRANSLATORS[key]
    save_po(path, catalog)
    if approve_it:
        approve(ws, slug, key, "editor")


def make_workspace(root: Path, packages: dict[str, Path]) -> Workspace:
    assert run(["init", str(root)]) == 0
    ws = Workspace(root.resolve())
    for archive in packages.values():
        install_file(ws.models_dir, archive)
    return ws


@pytest.fixture(scope="module")
def published(
    tmp_path_factory: pytest.TempPathFactory, test_packages: dict[str, Path]
) -> Published:
    ws = make_workspace(tmp_path_factory.mktemp("publish") / "ws", test_packages)
    ingested = ingest_files(ws, SAMPLES)
    slugs = [o.slug for o in ingested]
    translate_articles(ws, slugs, KEYS)
    editions = []
    for outcome, source in zip(ingested, SAMPLES, strict=True):
        for key in KEYS:
            review_and_approve(ws, outcome.slug, key, source.stem)
            editions.append((outcome.slug, key, source.stem))
    assert sorted(pending(ws)) == sorted((s, k) for s, k, _ in editions)
    outcomes = publish_many(ws, [(s, k) for s, k, _ in editions])
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    return Published(ws, editions, outcomes, artifacts)


@pytest.fixture
def publish_cli(prefect_api: None) -> Iterator[None]:
    """``azad publish`` runs the publish_editions flow: on the session's Prefect API."""
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    assert "publish" in names
    yield


# ---- 1. the PDF: header, verse, fonts ------------------------------------------------------


def test_every_edition_was_published(published: Published) -> None:
    assert [(o.slug, o.lang_key, o.status) for o in published.outcomes] == [
        (s, k, "published") for s, k, _ in published.editions
    ]
    for slug, key, _ in published.editions:
        status = translation_status(published.ws, slug, key)
        assert status.status == "published"
        assert status.record.published and status.record.published.files == [
            f"output/{key}/{slug}.pdf",
            f"output/{key}/{slug}.epub",
            f"output/{key}/{slug}.html",
        ]
        assert pending(published.ws) == []


def test_pdf_text_carries_the_header_and_title(published: Published) -> None:
    site = published.ws.settings.site
    for slug, key, stem in published.editions:
        text = pdf_text(published.pdf(slug, key), page=1)
        lines = {line.strip() for line in text.splitlines()}
        label = published.ws.settings.languages[key].section_label
        for expected in (site.name, site.web, site.email, label):
            assert expected in lines, (slug, key, expected)
        for first, second in site.verse:
            assert first in lines and second in lines, (slug, key)
        title = TITLES[key].get(stem, "عنوان")
        assert comparable(title) in comparable(text), (slug, key)
        assert "European Languages" not in text


def test_fonts_are_embedded_and_subset(published: Published) -> None:
    for slug, key, _ in published.editions:
        fonts = pdf_fonts(published.pdf(slug, key))
        assert fonts, (slug, key)
        assert all(f.embedded and f.subset for f in fonts), (slug, key, fonts)
        assert all(f.name.split("+")[1].startswith("Edition-") for f in fonts), fonts


def test_first_hemistich_stands_right_of_the_second(published: Published) -> None:
    verse = published.ws.settings.site.verse
    for slug, key, _ in published.editions:
        words = pdf_words(published.pdf(slug, key))
        lines_y = []
        for first, second in verse:
            f_min, _, f_y = hemistich_box(words, first, second)
            _, s_max, s_y = hemistich_box(words, second, first)
            assert f_y == s_y, (slug, key, "hemistichs of a line side by side")
            assert f_min > s_max, (slug, key, first, f_min, s_max)
            lines_y.append(f_y)
        assert lines_y == sorted(lines_y) and len(set(lines_y)) == len(verse)  # stacked


def test_the_verse_is_centred(published: Published) -> None:
    slug, key, _ = published.editions[0]
    words = pdf_words(published.pdf(slug, key))
    first, second = published.ws.settings.site.verse[0]
    y = hemistich_box(words, first, second)[2]
    line = [w for w in words if w.page == 1 and round(w.y_min) == y]
    left, right = min(w.x_min for w in line), max(w.x_max for w in line)
    page_centre = 595.28 / 2
    assert abs((left + right) / 2 - page_centre) < 6, (left, right)


def test_page_numbers_dates_and_numbers_are_eastern(published: Published) -> None:
    ws = published.ws
    for slug, key, stem in published.editions:
        pdf = published.pdf(slug, key)
        for page in range(1, pdf_pages(pdf) + 1):
            lines = [line.strip() for line in pdf_text(pdf, page).splitlines()]
            assert to_eastern_digits(str(page)) in lines, (slug, key, page)
        text = pdf_text(pdf)
        article = ArticleStore(ws).load(slug).article
        # ASCII digits only inside Latin text (the English original's title and address).
        latin = [article.meta.title, article.meta.url or "", ws.settings.site.email]
        rest = text
        for run_ in latin:
            rest = rest.replace(run_, "")
        assert not re.search(r"[0-9]", rest), (slug, key, re.findall(r".{20}[0-9].{20}", rest))
        if stem == "salang-tunnel" and key == "dari":
            assert "۱۹۶۴" in text and "۳٬۴۰۰" in text
        if article.meta.date:
            from azad.calendar import solar_hijri_date

            solar = solar_hijri_date(article.meta.date, published.ws.settings.languages[key].code)
            # (pdftotext glues a number to the word beside it: compare the parts.)
            assert all(part in text for part in solar.split()), (slug, key, solar)


def test_the_pashto_paragraph_shows_every_letter(published: Published) -> None:
    pdf = published.pdf("the-salang-tunnel", "pashto")
    text = pdf_text(pdf, page=1)
    assert all(letter in text for letter in PASHTO_LETTERS.split())
    assert comparable("ښځې په ګډه د ټولنې ډېرې ستونزې حل کړې، او څوک ځي؟") in comparable(text)
    assert 0 not in glyph_ids(pdf.read_bytes())


def test_credit_and_the_test_model_stamp(published: Published) -> None:
    for slug, key, _ in published.editions:
        pdf = published.pdf(slug, key)
        text = pdf_text(pdf, page=1)
        if key == "dari":
            assert comparable("ترجمهٔ ماشینی، بازبینی‌شده توسط مریم") in comparable(text)
        else:
            assert comparable("ماشیني ژباړه، بیاکتنه: ملالۍ") in comparable(text)
        for page in range(1, pdf_pages(pdf) + 1):
            assert "TEST MODEL — not a translation" in pdf_text(pdf, page)


# ---- 2. the EPUB -------------------------------------------------------------------------


def test_epubcheck_reports_nothing(published: Published, tmp_path: Path) -> None:
    books = [published.epub(s, k) for s, k, _ in published.editions]
    # The check must be able to fail: a copy without its navigation document is invalid.
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(books[0]) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            if not info.filename.endswith("nav.xhtml"):
                dst.writestr(info, src.read(info))
    results = epubcheck([*books, broken], tmp_path)
    for book in books:
        r = results[book]
        assert (r.fatal, r.errors, r.warnings) == (0, 0, 0), (book, r.output)
    assert results[broken].errors + results[broken].fatal > 0


def test_epub_package_and_documents_are_right_to_left(published: Published) -> None:
    for slug, key, stem in published.editions:
        code = published.ws.settings.languages[key].code
        with zipfile.ZipFile(published.epub(slug, key)) as book:
            names = book.namelist()
            assert names[0] == "mimetype"
            opf = book.read("EPUB/content.opf").decode()
            assert re.search(r'<spine[^>]*page-progression-direction="rtl"', opf)
            assert f"<dc:language>{code}</dc:language>" in opf
            xhtml = [n for n in names if n.endswith(".xhtml")]
            assert "EPUB/nav.xhtml" in xhtml and "EPUB/text/title_page.xhtml" in xhtml
            for name in xhtml:
                head = re.search(r"<html[^>]*>", book.read(name).decode())
                assert head and 'dir="rtl"' in head.group() and f'lang="{code}"' in head.group()
            fonts = [n for n in names if n.endswith(".ttf")]
            assert len(fonts) == 3
            assert re.findall(r'media-type="font/ttf"', opf)
            title_page = book.read("EPUB/text/title_page.xhtml").decode()
            site = published.ws.settings.site
            for text in (
                site.name,
                site.web,
                site.email,
                *[h for pair in site.verse for h in pair],
            ):
                assert text in title_page
            nav = book.read("EPUB/nav.xhtml").decode()
            labels = {"dari": ("فهرست مطالب", "صفحهٔ عنوان"), "pashto": ("لړلیک", "سرپاڼه")}
            for label in labels[key]:
                assert label in nav
            assert "Title Page" not in nav and "Table of Contents" not in nav
            assert TITLES[key].get(stem, "عنوان") in nav
            css = book.read("EPUB/styles/stylesheet1.css").decode()
            assert 'url("../fonts/' in css


# ---- 5. only approved translations; atomic writes ----------------------------------------


def test_republishing_unchanged_content_does_nothing(published: Published) -> None:
    slug, key, _ = published.editions[0]
    before = snapshot(published.ws.output_dir)
    outcome = publish_one(published.ws, slug, key)
    assert outcome.status == "unchanged"
    assert snapshot(published.ws.output_dir) == before


@pytest.fixture
def one_published(tmp_path: Path, test_packages: dict[str, Path]) -> tuple[Workspace, str]:
    ws = make_workspace(tmp_path / "ws", test_packages)
    (outcome,) = ingest_files(ws, [EXAMPLES / "salang-tunnel.md"])
    translate_articles(ws, [outcome.slug], ["dari"])
    return ws, outcome.slug


def test_fuzzy_translation_is_refused_with_the_list(
    one_published: tuple[Workspace, str], publish_cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    ws, slug = one_published
    path = po_path(ws.article_dir(slug), "dari")
    catalog = load_po(path)
    for entry in catalog[:-3]:  # all but three reviewed
        entry.flags.remove("fuzzy")
    save_po(path, catalog)
    capsys.readouterr()
    code = run(["--workspace", str(ws.root), "publish", slug, "--lang", "dari"])
    err = capsys.readouterr().err
    assert code == 2
    unreviewed = [e.msgctxt for e in catalog[-3:]]
    assert f"3 of {len(catalog)} segments are not reviewed" in err
    assert ", ".join(unreviewed) in " ".join(err.split())
    assert not (ws.output_dir / "dari").exists()


def test_reviewed_but_not_approved_is_refused(one_published: tuple[Workspace, str]) -> None:
    from azad.errors import AzadError

    ws, slug = one_published
    review_and_approve(ws, slug, "dari", "salang-tunnel", approve_it=False)
    with pytest.raises(AzadError, match="is reviewed: an editor must approve it first"):
        publish_one(ws, slug, "dari")


def test_draft_renders_anything_stamped_on_every_page(
    one_published: tuple[Workspace, str], publish_cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    ws, slug = one_published
    code = run(["--workspace", str(ws.root), "publish", slug, "--lang", "dari", "--draft"])
    assert code == 0, capsys.readouterr().err
    files = edition_files(ws, slug, "dari", draft=True)
    assert files.pdf.parent == ws.output_dir / "drafts" / "dari"
    for page in range(1, pdf_pages(files.pdf) + 1):
        assert comparable("پیش‌نویس") in comparable(pdf_text(files.pdf, page))
    assert files.epub.is_file()
    assert not (ws.output_dir / "index.html").exists()  # drafts stay out of the catalog
    assert translation_status(ws, slug, "dari").status == "machine draft"


def test_a_failing_writer_leaves_the_previous_edition_byte_identical(
    one_published: tuple[Workspace, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import azad.publish.files
    import azad.publish.rendering

    ws, slug = one_published
    review_and_approve(ws, slug, "dari", "salang-tunnel")
    assert publish_one(ws, slug, "dari").status == "published"
    before = snapshot(ws.output_dir)

    # A new approved revision; the EPUB writer fails after the PDF was rendered.
    path = po_path(ws.article_dir(slug), "dari")
    catalog = load_po(path)
    catalog[0].msgstr = "جملهٔ تازه."
    save_po(path, catalog)
    approve(ws, slug, "dari", "editor")

    def failing_epub(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("killed in the writer")

    monkeypatch.setattr(azad.publish.rendering, "render_epub", failing_epub)
    with pytest.raises(RuntimeError, match="killed in the writer"):
        publish_one(ws, slug, "dari")
    assert snapshot(ws.output_dir) == before
    assert translation_status(ws, slug, "dari").status == "approved"

    # A failure while the files are being staged: still nothing changed, nothing left over.
    monkeypatch.undo()
    real_stage = azad.publish.files.stage_bytes
    calls = []

    def failing_stage(path: Path, data: bytes) -> Path:
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_stage(path, data)

    monkeypatch.setattr(azad.publish.files, "stage_bytes", failing_stage)
    with pytest.raises(OSError, match="disk full"):
        publish_one(ws, slug, "dari")
    assert snapshot(ws.output_dir) == before

    monkeypatch.undo()
    assert publish_one(ws, slug, "dari").status == "published"
    assert snapshot(ws.output_dir)[f"dari/{slug}.pdf"] != before[f"dari/{slug}.pdf"]


def test_a_killed_publish_leaves_the_previous_edition(
    one_published: tuple[Workspace, str], tmp_path: Path
) -> None:
    """SIGKILL in the middle of staging the new files (in a child process)."""
    import sys

    ws, slug = one_published
    review_and_approve(ws, slug, "dari", "salang-tunnel")
    publish_one(ws, slug, "dari")
    before = snapshot(ws.output_dir)
    path = po_path(ws.article_dir(slug), "dari")
    catalog = load_po(path)
    catalog[0].msgstr = "جملهٔ تازه."
    save_po(path, catalog)
    approve(ws, slug, "dari", "editor")
    child = tmp_path / "child.py"
    child.write_text(
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "import azad.publish.files as p\n"
        "from azad.workspace import Workspace\n"
        "real = p.stage_bytes\n"
        "n = []\n"
        "def stage(path, data):\n"
        "    n.append(path)\n"
        "    if len(n) == 2:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "    return real(path, data)\n"
        "p.stage_bytes = stage\n"
        "from azad.publish import publish_one\n"
        "publish_one(Workspace(Path(sys.argv[1])), sys.argv[2], 'dari')\n"
    )
    proc = subprocess.run([sys.executable, str(child), str(ws.root), slug], check=False)
    assert proc.returncode == -9

    # The previous files are byte-identical; a staged temporary file may remain, hidden.
    def visible(files: dict) -> dict:
        return {k: v for k, v in files.items() if not Path(k).name.startswith(".")}

    assert visible(snapshot(ws.output_dir)) == visible(before)
    # The leftover goes by fsutil's one rule: kept while it could be another writer's at
    # work (under an hour old), removed after that by a write of that file (in a folder
    # this process has not looked in for a minute: fsutil.SWEEP_EVERY_S).
    leftovers = [p for p in ws.output_dir.rglob(".*.tmp")]
    assert leftovers
    assert publish_one(ws, slug, "dari").status == "published"
    assert all(p.exists() for p in leftovers)
    old = time.time() - 2 * 3600
    for p in leftovers:
        os.utime(p, (old, old))
    fsutil._swept.clear()  # a minute later
    publish_one(ws, slug, "dari", force=True)
    assert not [k for k in snapshot(ws.output_dir) if Path(k).name.endswith(".tmp")]


# ---- 6. the catalog ------------------------------------------------------------------------


def test_catalog_page_lists_both_languages(published: Published) -> None:
    out = published.ws.output_dir
    page = (out / "index.html").read_text()
    assert '<html lang="fa-AF" dir="rtl">' in page
    assert '<section class="language" id="dari" lang="fa-AF" dir="rtl">' in page
    assert '<section class="language" id="pashto" lang="ps-AF" dir="rtl">' in page
    for slug, key, stem in published.editions:
        assert f'href="{key}/{slug}.pdf"' in page and f'href="{key}/{slug}.epub"' in page
        assert f'src="{key}/{slug}.png"' in page
        assert TITLES[key].get(stem, "عنوان") in page.replace("\u2068", "").replace("\u2069", "")
        assert (out / key / f"{slug}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert re.search(r"PDF <span class=\"size\">\([۰-۹]+ کیلوبایت\)</span>", page)
    assert re.search(r"EPUB <span class=\"size\">\([۰-۹]+ کیلوبایټ\)</span>", page)
    assert (out / "fonts" / "Vazirmatn-Regular.woff2").is_file()


def test_opds_feed_has_the_required_elements(published: Published) -> None:
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    dc = "{http://purl.org/dc/terms/}"
    out = published.ws.output_dir
    feed = ET.parse(out / "opds.xml").getroot()
    assert feed.tag == f"{atom}feed"
    for tag in ("id", "title", "updated", "author"):
        assert feed.find(f"{atom}{tag}") is not None, tag
    links = {link.get("rel"): link.get("type") for link in feed.findall(f"{atom}link")}
    kind = "application/atom+xml;profile=opds-catalog;kind=acquisition"
    navigation = "application/atom+xml;profile=opds-catalog;kind=navigation"
    # The newest editions, under the catalog's navigation root (tests/test_opds.py).
    assert links == {
        "self": kind,
        "start": navigation,
        "up": navigation,
        "search": "application/opensearchdescription+xml",
    }
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == len(published.editions)
    ids = set()
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert (entry.findtext(f"{atom}{tag}") or "").strip(), tag
        ids.add(entry.findtext(f"{atom}id"))
        assert entry.findtext(f"{dc}language") in ("fa-AF", "ps-AF")
        acquisitions = {
            link.get("type"): link.get("href")
            for link in entry.findall(f"{atom}link")
            if link.get("rel") == "http://opds-spec.org/acquisition/open-access"
        }
        assert set(acquisitions) == {"application/epub+zip", "application/pdf"}
        assert all((out / href).is_file() for href in acquisitions.values())
        thumbs = [link for link in entry.findall(f"{atom}link") if "image" in link.get("rel", "")]
        assert thumbs and all((out / t.get("href", "")).is_file() for t in thumbs)
    assert len(ids) == len(entries)
    # Newest first.
    updated = [e.findtext(f"{atom}updated") or "" for e in entries]
    assert updated == sorted(updated, reverse=True)


def test_atom_feed(published: Published) -> None:
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(published.ws.output_dir / "feed.xml").getroot()
    assert feed.findtext(f"{atom}title") == published.ws.settings.site.name
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == len(published.editions)
    for entry in entries:
        links = {(link.get("rel"), link.get("type")) for link in entry.findall(f"{atom}link")}
        # The reading edition, its PDF and EPUB (and the English original, where known).
        assert links - {("related", "text/html")} == {
            ("alternate", "text/html"),
            ("enclosure", "application/pdf"),
            ("enclosure", "application/epub+zip"),
        }


def test_editions_are_readable_by_everyone(published: Published) -> None:
    for slug, key, _ in published.editions:
        assert published.pdf(slug, key).stat().st_mode & 0o444 == 0o444
    assert (published.ws.output_dir / "index.html").stat().st_mode & 0o444 == 0o444


@needs_shared
def test_the_shared_samples_were_published(published: Published) -> None:
    stems = {stem for _, _, stem in published.editions}
    assert {p.stem for p in SHARED_SAMPLES.iterdir()} <= stems


# ---- 7. PNG renders for a person to look at ------------------------------------------------


def test_png_renders_of_first_pages(published: Published) -> None:
    for slug, key in (("red-gold-of-herat", "dari"), ("the-salang-tunnel", "pashto")):
        target = published.artifacts / f"edition-{key}-{slug}"
        options = ["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"]
        subprocess.run(
            ["pdftoppm", *options, str(published.pdf(slug, key)), str(target)], check=True
        )
        assert target.with_suffix(".png").stat().st_size > 10_000


# ---- bad input -----------------------------------------------------------------------------


def test_a_damaged_po_file_is_named(
    one_published: tuple[Workspace, str],
    publish_cli: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ws, slug = one_published
    path = po_path(ws.article_dir(slug), "dari")
    path.write_bytes(b"\xff\xfe not utf-8")
    code = run(["--workspace", str(ws.root), "publish", slug, "--lang", "dari", "--draft"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{path}: not valid UTF-8" in " ".join(err.split())


def test_an_unknown_article_or_language(
    one_published: tuple[Workspace, str],
    publish_cli: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ws, slug = one_published
    assert run(["--workspace", str(ws.root), "publish", "no-such-article"]) == 2
    assert "no-such-article: no such article" in capsys.readouterr().err
    assert run(["--workspace", str(ws.root), "publish", slug, "--lang", "uzbek"]) == 2
    assert "uzbek: unknown language" in capsys.readouterr().err


def test_public_files_of_the_catalog(published: Published) -> None:
    from azad.catalog.entries import media_type, public_file

    ws = published.ws
    slug, key, _ = published.editions[0]
    assert public_file(ws, "") == ws.output_dir.resolve() / "index.html"
    pdf = public_file(ws, f"{key}/{slug}.pdf")
    assert pdf is not None and media_type(pdf) == "application/pdf"
    epub = public_file(ws, f"{key}/{slug}.epub")
    assert epub is not None and media_type(epub) == "application/epub+zip"
    opds = public_file(ws, "opds.xml")
    assert opds is not None and "profile=opds-catalog" in media_type(opds)
    for bad in ("../azad.toml", f"{key}/{slug}.json", ".catalog.lock", "drafts/x.pdf", "%2e%2e"):
        assert public_file(ws, bad) is None, bad
