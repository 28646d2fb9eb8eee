"""What e-reader apps get (issue 26, item 4): the EPUB's cover (the catalog's thumbnail,
marked ``cover-image``), one title page without repetition, EPUB Accessibility 1.1
metadata; EPUBCheck 0 errors / 0 warnings and Ace by DAISY without any violation on every
demo EPUB (the example articles and the team's sample, in Dari and Pashto)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import EXAMPLES, ROOT, approve, mark_reviewed, po_path
from lxml import etree
from test_publish import make_workspace
from test_render_tools import epubcheck

from azad.publish import edition_files, publish_many
from azad.services.ingest import ingest_files
from azad.services.translate import translate_articles
from azad.workspace import Workspace

KEYS = ("dari", "pashto")
ARTICLES = [
    EXAMPLES / "herat-saffron.txt",
    EXAMPLES / "salang-tunnel.md",
    ROOT / "tests" / "data" / "kabul-river-water.txt",
]
ACE = ROOT / ".cache" / "ace" / "node_modules" / ".bin" / "ace-cli"
CHROMIUM = "/usr/bin/chromium"
OPF = "{http://www.idpf.org/2007/opf}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Books:
    ws: Workspace
    epubs: list[Path]


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory, test_packages: dict[str, Path]) -> Books:
    ws = make_workspace(tmp_path_factory.mktemp("ereaders") / "ws", test_packages)
    paths = [Path(shutil.copy(p, ws.articles_dir / p.name)) for p in ARTICLES]
    slugs = [o.slug for o in ingest_files(ws, paths)]
    translate_articles(ws, slugs, KEYS)
    pairs = [(slug, key) for slug in slugs for key in KEYS]
    for slug, key in pairs:
        mark_reviewed(po_path(ws.article_dir(slug), key))
        approve(ws, slug, key, "editor")
    publish_many(ws, pairs)
    return Books(ws, [edition_files(ws, slug, key).epub for slug, key in pairs])


def _package(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as z:
        return etree.fromstring(z.read("EPUB/content.opf"))


def test_the_cover_is_the_catalogs_thumbnail(books: Books) -> None:
    for epub in books.epubs:
        package = _package(epub)
        covers = package.findall(f".//{OPF}item[@properties='cover-image']")
        assert len(covers) == 1, epub
        thumbnail = epub.with_suffix(".png")
        with zipfile.ZipFile(epub) as z:
            assert z.read("EPUB/" + covers[0].get("href")) == thumbnail.read_bytes()
            cover_page = z.read("EPUB/text/cover.xhtml").decode()
        title = json.loads(epub.with_suffix(".json").read_bytes())["title"]
        assert f'alt="{title}"' in cover_page


def _documents(epub: Path) -> list[tuple[str, str]]:
    """(name, text) of the book's content documents in reading order (the spine)."""
    package = _package(epub)
    items = {i.get("id"): i.get("href") for i in package.iter(f"{OPF}item")}
    order = [items[r.get("idref")] for r in package.iter(f"{OPF}itemref")]
    with zipfile.ZipFile(epub) as z:
        out = []
        for href in order:
            tree = etree.fromstring(z.read("EPUB/" + href))
            body = tree.find(f"{XHTML}body")
            assert body is not None
            # The closing line at the end of the article names the author and the date
            # again, as the site's articles do.
            for end in body.iterfind(f".//{XHTML}div[@class='article-end']"):
                end.getparent().remove(end)
            out.append((href, "".join(body.itertext())))
        return out


def test_one_title_page_without_repetition(books: Books) -> None:
    """Title, author and date are shown once, on the title page; the chapter after it
    starts with the article's text (the closing line at its end aside)."""
    for epub in books.epubs:
        manifest = json.loads(epub.with_suffix(".json").read_bytes())
        docs = _documents(epub)
        title_pages = [text for name, text in docs if "title_page" in name]
        assert len(title_pages) == 1, [n for n, _ in docs]
        title, author = manifest["title"], manifest["author"]
        date_words = manifest["date"].split()[:2]
        strip = re.compile("[\u2066-\u2069]")
        everything = strip.sub("", "".join(text for _, text in docs))
        assert everything.count(title) == 1, epub
        if author:
            assert everything.count(author) == 1, epub
        assert everything.count(" ".join(date_words)) == 1, epub
        assert title in strip.sub("", title_pages[0])


def test_accessibility_metadata(books: Books) -> None:
    for epub in books.epubs:
        metas: dict[str, list[str]] = {}
        for meta in _package(epub).iter(f"{OPF}meta"):
            if meta.get("property"):
                metas.setdefault(meta.get("property"), []).append(meta.text or "")
        assert metas["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
        assert "textual" in metas["schema:accessModeSufficient"]
        assert {"textual", "visual"} <= set(metas["schema:accessMode"])
        assert metas["schema:accessibilityHazard"] == ["none"]
        assert {"structuralNavigation", "tableOfContents", "alternativeText"} <= set(
            metas["schema:accessibilityFeature"]
        )
        (summary,) = metas["schema:accessibilitySummary"]
        assert re.search("[\u0600-\u06ff]", summary)  # in the edition's language


def test_epubcheck_reports_nothing(books: Books, tmp_path: Path) -> None:
    for path, result in epubcheck(books.epubs, tmp_path).items():
        assert (result.fatal, result.errors, result.warnings) == (0, 0, 0), (path, result)


def ace(epub: Path, out: Path) -> dict:  # type: ignore[type-arg]
    """Ace by DAISY's report of ``epub`` (JSON), run on Debian's Chromium."""
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM}
    report = out / "report.json"
    failures = []
    # Ace itself failing to run (its browser not starting on a loaded machine: no report
    # at all, once in a full run) is tried once more; what a report says is never retried.
    for _attempt in range(2):
        proc = subprocess.run(
            [str(ACE), "--verbose", "--force", "--outdir", str(out), str(epub)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        if report.is_file():
            return json.loads(report.read_text())  # type: ignore[no-any-return]
        failures.append((proc.stdout + proc.stderr)[-3000:])
    raise AssertionError("Ace wrote no report:\n" + "\n---\n".join(failures))


def violations(report: dict) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    """(rule, impact, where) of every violation in an Ace report."""
    out = []
    for assertion in report.get("assertions", []):
        for test in assertion.get("assertions", []):
            result = test.get("earl:result", {})
            if result.get("earl:outcome") == "fail":
                rule = test.get("earl:test", {})
                out.append(
                    (
                        rule.get("dct:title", "?"),
                        rule.get("earl:impact", "?"),
                        assertion.get("earl:testSubject", {}).get("url", "?"),
                    )
                )
    return out


def test_ace_finds_no_violation_of_any_impact(books: Books, tmp_path: Path) -> None:
    assert ACE.exists(), "make setup installs Ace by DAISY (@daisy/ace-cli) into .cache/ace"
    for n, epub in enumerate(books.epubs):
        report = ace(epub, tmp_path / f"ace-{n}")
        assert violations(report) == [], epub


def test_ace_reports_a_broken_book(books: Books, tmp_path: Path) -> None:
    """The check above can fail: the cover without its text alternative and the title
    page without its language are violations Ace reports (and the test reads)."""
    source = books.epubs[0]
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(broken, "w") as out:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == "EPUB/text/cover.xhtml":
                data = re.sub(rb' alt="[^"]*"', b"", data)
            elif info.filename == "EPUB/text/title_page.xhtml":
                data = re.sub(rb' (xml:)?lang="[^"]*"', b"", data)
            out.writestr(info, data)
    found = violations(ace(broken, tmp_path / "ace"))
    rules = {rule for rule, _impact, _where in found}
    assert any("alt" in rule.lower() or "image" in rule.lower() for rule in rules), found
    assert any("lang" in rule.lower() for rule in rules), found
