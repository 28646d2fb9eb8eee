"""The whole article: the closing line and the note about the author (issue 26, item 1).

The site's text export ends with a closing line ("Sample Author, March 14, 2025") and a line
about the author; ``tests/data/kabul-river-water.txt`` is the team's sample.  The note is a
unit of both PO files, after the body, translated, reviewed and approved like every
sentence; the approved PDF, EPUB and HTML editions print the closing line (the author's
name as the edition prints it, the date in its language and calendar) and the translated
note after the body.  Articles without them are unchanged, and PO files written before the
note was a unit gain it on the next run without anything else changing."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from helpers import EXAMPLES, ROOT, approve, load_po, po_path, save_po
from test_publish import make_workspace
from test_render_tools import BIDI_CONTROLS, comparable

from azad.calendar import edition_date
from azad.errors import AzadError
from azad.model import NOTE_ID
from azad.publish import edition_files, publish_one
from azad.queue.articles import ArticleStore
from azad.queue.status import translation_status
from azad.services.ingest import ingest_files
from azad.services.pending import stale_translations
from azad.services.translate import translate_articles
from azad.workspace import Workspace

SAMPLE = ROOT / "tests" / "data" / "kabul-river-water.txt"
NOTE = "Sample Author is a placeholder name used for test articles about South Asian water policy"
NOTES = {
    "dari": "سمپل آتور نامی ساختگی برای مقاله‌های آزمایشی دربارهٔ سیاست آب در جنوب آسیا است.",
    "pashto": "سمپل آتور د سوېلي آسیا د اوبو د سیاست د آزمایښتي مقالو لپاره جوړ نوم دی.",
}
LAST_SENTENCE = {"dari": "جملهٔ آخر متن به دری.", "pashto": "د متن وروستۍ جمله په پښتو."}
AUTHOR = {"dari": "سمپل آتور", "pashto": "سمپل آتور"}
KEYS = ("dari", "pashto")
DATE = (2025, 3, 14)


@dataclass
class Published:
    ws: Workspace
    slug: str
    plain: str
    """An article without closing line or note (examples/salang-tunnel.md)."""


def review(ws: Workspace, slug: str, key: str, texts: dict[str, str]) -> None:
    """A translator's work: ``texts`` by segment id, every entry reviewed."""
    path = po_path(ws.article_dir(slug), key)
    catalog = load_po(path)
    for entry in catalog:
        if entry.msgctxt in texts:
            entry.msgstr = texts[entry.msgctxt]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    save_po(path, catalog)


def _last_body_id(ws: Workspace, slug: str) -> str:
    article = ArticleStore(ws).load(slug).article
    return list(article.segments())[-1].id


@pytest.fixture(scope="module")
def published(
    tmp_path_factory: pytest.TempPathFactory, test_packages: dict[str, Path]
) -> Published:
    ws = make_workspace(tmp_path_factory.mktemp("article-end") / "ws", test_packages)
    sample = shutil.copy(SAMPLE, ws.articles_dir / SAMPLE.name)
    plain = shutil.copy(EXAMPLES / "salang-tunnel.md", ws.articles_dir / "salang-tunnel.md")
    slug, plain_slug = (o.slug for o in ingest_files(ws, [Path(sample), Path(plain)]))
    translate_articles(ws, [slug, plain_slug], KEYS)
    last = _last_body_id(ws, slug)
    for key in KEYS:
        review(ws, slug, key, {NOTE_ID: NOTES[key], last: LAST_SENTENCE[key]})
        approve(ws, slug, key, "editor")
        assert publish_one(ws, slug, key, by="editor").status == "published"
        review(ws, plain_slug, key, {})
        approve(ws, plain_slug, key, "editor")
        assert publish_one(ws, plain_slug, key, by="editor").status == "published"
    return Published(ws, slug, plain_slug)


def test_the_reader_keeps_the_closing_line_and_the_note(published: Published) -> None:
    meta = ArticleStore(published.ws).load(published.slug).article.meta
    assert meta.closing == "Sample Author, March 14, 2025"
    assert meta.author_note == NOTE
    assert meta.author == "Sample Author"


@pytest.mark.parametrize("key", KEYS)
def test_the_note_is_the_last_unit_of_both_po_files(published: Published, key: str) -> None:
    catalog = load_po(po_path(published.ws.article_dir(published.slug), key))
    live = [e for e in catalog if not e.obsolete]
    assert live[-1].msgctxt == NOTE_ID
    assert live[-1].msgid == NOTE
    assert live[-2].msgctxt == _last_body_id(published.ws, published.slug)
    # Drafted by the machine like every sentence, then reviewed by the translator.
    assert live[-1].msgstr == NOTES[key]
    assert "fuzzy" not in live[-1].flags


def _closing(key: str) -> str:
    import datetime as dt

    return f"{AUTHOR[key]}، {edition_date(dt.date(*DATE), 'fa-AF' if key == 'dari' else 'ps-AF')}"


def _line_of(lines: list[str], text: str, start: int = 0) -> int:
    """The first line from ``start`` holding every word of ``text`` (pdftotext reorders
    numbers and neutral marks within a right-to-left line, never words across lines)."""
    words = set(comparable(text).split())
    return next(n for n in range(start, len(lines)) if words <= set(comparable(lines[n]).split()))


@pytest.mark.parametrize("key", KEYS)
def test_the_pdf_prints_the_closing_line_and_the_note_after_the_body(
    published: Published, key: str
) -> None:
    pdf = edition_files(published.ws, published.slug, key).pdf
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True)
    # A bidi control between two numbers and a word stands for the space pdftotext lost.
    lines = [BIDI_CONTROLS.sub(" ", line) for line in raw.stdout.splitlines() if line.strip()]
    body = _line_of(lines, LAST_SENTENCE[key])
    closing = _line_of(lines, _closing(key), body + 1)
    note_words = comparable(NOTES[key]).split()
    # The note wraps: its first and its last words, each on a line after the closing line.
    assert _line_of(lines, " ".join(note_words[:3]), closing + 1) > closing
    assert _line_of(lines, " ".join(note_words[-3:]), closing + 1) > closing
    assert _line_of(lines, "متن اصلی" if key == "dari" else "اصلي متن", closing) > closing


def _epub_documents(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if re.search(r"ch\d+\.xhtml$", n))
        return "".join(z.read(n).decode() for n in names)


def _end_of_article(document: str) -> tuple[str, str]:
    """The closing line's and the note's text, from their elements, bidi controls removed."""
    closing = re.search(r'<div class="closing">(.*?)</div>', document, re.S)
    note = re.search(r'<div class="author-note">(.*?)</div>', document, re.S)
    assert closing and note
    strip = re.compile(r"<[^>]+>")
    return tuple(BIDI_CONTROLS.sub("", strip.sub("", m.group(1))).strip() for m in (closing, note))  # type: ignore[return-value]


@pytest.mark.parametrize("key", KEYS)
def test_the_epub_and_the_html_print_them_after_the_body(published: Published, key: str) -> None:
    files = edition_files(published.ws, published.slug, key)
    assert files.html is not None
    for document in (_epub_documents(files.epub), files.html.read_text(encoding="utf-8")):
        assert _end_of_article(document) == (_closing(key), NOTES[key])
        assert document.index(LAST_SENTENCE[key]) < document.index('class="closing"')
        assert document.index('class="author-note"') < document.index('class="original"')


@pytest.mark.parametrize("key", KEYS)
def test_an_article_without_them_is_unchanged(published: Published, key: str) -> None:
    ws = published.ws
    catalog = load_po(po_path(ws.article_dir(published.plain), key))
    assert NOTE_ID not in {e.msgctxt for e in catalog}
    files = edition_files(ws, published.plain, key)
    assert files.html is not None
    for document in (_epub_documents(files.epub), files.html.read_text(encoding="utf-8")):
        assert 'class="article-end"' not in document and 'class="closing"' not in document


def test_a_po_file_from_before_notes_gains_the_unit_and_nothing_else(
    tmp_path: Path, test_packages: dict[str, Path]
) -> None:
    ws = make_workspace(tmp_path / "ws", test_packages)
    sample = Path(shutil.copy(SAMPLE, ws.articles_dir / SAMPLE.name))
    (slug,) = (o.slug for o in ingest_files(ws, [sample]))
    translate_articles(ws, [slug], ["dari"])
    path = po_path(ws.article_dir(slug), "dari")
    # The file as the previous version wrote it: no note; a translator's work in it.
    catalog = load_po(path)
    catalog.remove(next(e for e in catalog if e.msgctxt == NOTE_ID))
    save_po(path, catalog)
    review(ws, slug, "dari", {"b1.s1": "ترجمهٔ بازبینی‌شده."})
    before = {e.msgctxt: (e.msgid, e.msgstr, e.flags, e.comment) for e in load_po(path)}
    assert (slug, "dari") in stale_translations(ws)  # `azad run` has something to do

    translate_articles(ws, [slug], ["dari"])

    after = load_po(path)
    assert [e.msgctxt for e in after if not e.obsolete][-1] == NOTE_ID
    note = after.find(NOTE, by="msgid", msgctxt=NOTE_ID)
    assert isinstance(note, polib.POEntry) and "fuzzy" in note.flags and note.msgstr
    assert {
        e.msgctxt: (e.msgid, e.msgstr, e.flags, e.comment) for e in after if e.msgctxt != NOTE_ID
    } == before
    assert (slug, "dari") not in stale_translations(ws)
    # The note is drafted, not reviewed: nothing is published before a translator
    # reviews it and an editor approves.
    current = translation_status(ws, slug, "dari")
    assert current.status != "approved" and NOTE_ID in current.unreviewed
    with pytest.raises(AzadError):
        publish_one(ws, slug, "dari", by="editor")
