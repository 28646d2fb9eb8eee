"""The bidi table (``tests/bidi_cases.py``) in every edition: as text, as the content of the
isolates in the HTML reading edition and the EPUB, and as glyph positions in the PDF.

One Dari edition (and one Pashto one) carries every case as a paragraph of its own; each
is rendered once per module."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from bidi_cases import CASES, isolates, visible
from helpers import ROOT
from test_render_tools import pdf_words

from azad.model import Article, Block, Metadata, Segment
from azad.render import build_edition, isolate_runs, load_styles, render_pdf
from azad.render.bidi import read_abbreviations
from azad.render.edition import Edition, localize_numbers
from azad.render.epub import render_epub
from azad.render.html import render_reading
from azad.render.styles import Styles
from azad.settings import Settings, load_settings

PASHTO = {"Pashto abbreviation", "Pashto, ends with it"}
_SPAN = re.compile(r'<span dir="ltr">\u2068(.*?)\u2069</span>')


def _article() -> Article:
    blocks = [
        Block(id=f"b{n}", kind="paragraph", segments=[Segment(id=f"b{n}.s1", text=f"Case {n}.")])
        for n in range(1, len(CASES) + 1)
    ]
    meta = Metadata(
        title="Bidi table",
        source_file="bidi.md",
        source_sha256="0" * 64,
        source_format="markdown",
    )
    return Article(meta=meta, blocks=blocks)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(ROOT / "azad.toml")


@pytest.fixture(scope="module")
def styles(settings: Settings) -> Styles:
    return load_styles(ROOT, settings.edition)


def _edition(settings: Settings, styles: Styles, key: str) -> Edition:
    translations = {f"b{n}.s1": case[1] for n, case in enumerate(CASES, 1)}
    translations["title"] = "جدول"
    return build_edition(
        _article(), translations, settings.site, key, settings.languages[key], styles
    )


@pytest.fixture(scope="module")
def dari(settings: Settings, styles: Styles) -> Edition:
    return _edition(settings, styles, "dari")


def _paragraphs(html: str) -> list[str]:
    """The case paragraphs of an edition's HTML, in order."""
    body = html.split('class="original"')[0]
    return [p for p in re.findall(r"<p>(.*?)</p>", body, re.S) if "\u2068" in p or "[" in p]


@pytest.mark.parametrize(("what", "translation", "expected"), CASES, ids=[c[0] for c in CASES])
def test_isolates_as_text(what: str, translation: str, expected: str) -> None:
    assert visible(isolate_runs(localize_numbers(translation))) == expected


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 20
    assert len({c[0] for c in CASES}) == len(CASES)


def test_the_abbreviations_table_is_editable(tmp_path: Path) -> None:
    """A word the project's table lacks becomes an abbreviation by a line in the table."""
    assert visible(isolate_runs("گفتهٔ Gov. Noor")) == "گفتهٔ [Gov. Noor]"
    assert visible(isolate_runs("نام Rahimzada Ltd.")) == "نام [Rahimzada Ltd.]"
    assert visible(isolate_runs("شهر Kabul.", frozenset())) == "شهر [Kabul]."
    table = read_abbreviations(["# comment", "", "Kabul.  # a test entry"])
    assert visible(isolate_runs("شهر Kabul.", table)) == "شهر [Kabul.]"


def test_the_edition_text_follows_the_table(dari: Edition) -> None:
    texts = [visible(b.texts[0].text) for b in dari.blocks]
    assert texts == [c[2] for c in CASES]


def test_isolates_in_the_html_reading_edition(dari: Edition, styles: Styles) -> None:
    page = render_reading(dari, styles, "bidi").html.decode()
    paragraphs = _paragraphs(page)
    assert len(paragraphs) == len(CASES)
    for (what, _, expected), paragraph in zip(CASES, paragraphs, strict=True):
        assert [html.unescape(x) for x in _SPAN.findall(paragraph)] == isolates(expected), what


def test_isolates_in_the_epub(dari: Edition, styles: Styles) -> None:
    epub = render_epub(dari, styles, identifier="urn:uuid:00000000-0000-4000-8000-000000000000")
    with zipfile.ZipFile(io.BytesIO(epub)) as z:
        chapters = [n for n in z.namelist() if re.search(r"ch\d+\.xhtml$", n)]
        xhtml = "".join(z.read(n).decode() for n in sorted(chapters))
    paragraphs = _paragraphs(xhtml)
    assert len(paragraphs) == len(CASES)
    for (what, _, expected), paragraph in zip(CASES, paragraphs, strict=True):
        assert [html.unescape(x) for x in _SPAN.findall(paragraph)] == isolates(expected), what


def after_marks(expected: str) -> list[tuple[str, str]]:
    """(first word of an isolate, the mark right after it outside) for each Latin isolate
    followed by sentence punctuation (``[Microsoft].``): in a right-to-left line the mark
    stands left of the isolate, whose first word is its leftmost."""
    out = []
    for m in re.finditer(r"\[([^\[\]]*)\]([.،:؛؟!])", expected):
        words = m.group(1).split()
        if words and re.search("[A-Za-z]", m.group(1)):
            out.append((words[0], m.group(2)))
    return out


Line = list[tuple[float, float, str]]


def _lines(pdf: bytes, tmp_path: Path) -> list[Line]:
    """The PDF's words by line (words whose tops lie within 4 pt: Latin and Arabic fonts
    differ in ascent), each line's words left to right as (x_min, x_max, text)."""
    path = tmp_path / "bidi.pdf"
    path.write_bytes(pdf)
    words = sorted(pdf_words(path), key=lambda w: (w.page, w.y_min))
    lines: list[tuple[int, float, Line]] = []
    for w in words:
        if lines and lines[-1][0] == w.page and w.y_min - lines[-1][1] < 4:
            lines[-1][2].append((w.x_min, w.x_max, w.text))
        else:
            lines.append((w.page, w.y_min, [(w.x_min, w.x_max, w.text)]))
    return [sorted(line) for _, _, line in lines]


def _texts(line: Line) -> list[str]:
    return [w[2] for w in line]


@pytest.mark.parametrize("key", ["dari", "pashto"])
def test_glyph_positions_in_the_pdf(
    settings: Settings, styles: Styles, key: str, tmp_path: Path
) -> None:
    """Every Latin word of the table stands in the PDF as a word of its own, with the
    marks that belong to it (``U.N.``, ``(ADB)``, ``“The``, ``Game”``), and a sentence's
    own mark after a Latin run stands on its left, the end of a right-to-left line."""
    edition = _edition(settings, styles, key)
    lines = _lines(render_pdf(edition, styles), tmp_path)
    words = [w[2] for line in lines for w in line]
    cursor = next(n for n, line in enumerate(lines) if "|" in _texts(line)) + 1
    for what, _, expected in CASES:
        latin = [w for c in isolates(expected) for w in c.split() if re.search("[A-Za-z]", w)]
        for word in latin:
            assert word in words, (what, word)
        # The case's own line: cases are in order, after the masthead's address.
        if not latin:
            continue
        found = next(n for n in range(cursor, len(lines)) if latin[0] in _texts(lines[n]))
        cursor = found + 1
        for word, mark in after_marks(expected):
            line = next(ln for ln in lines[found:] if word in _texts(ln))
            at = next(i for i, w in enumerate(line) if w[2] == word)
            assert at > 0 and line[at - 1][2].endswith(mark), (what, word, line)
            assert line[at - 1][1] <= line[at][0] + 0.5, (what, word, line)


def test_u_n_in_a_dari_sentence_at_375_px(dari: Edition, styles: Styles, tmp_path: Path) -> None:
    """The reading edition in Chromium at 375 px: the period of "U.N." stands right of its
    N (inside the left-to-right run), the sentence's own period after "Microsoft" left of
    its M.  The screenshot is kept in tests/artifacts/ for a person to look at."""
    from playwright.sync_api import sync_playwright
    from test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

    page_file = tmp_path / "bidi.html"
    reading = render_reading(dari, styles, "bidi")
    page_file.write_bytes(reading.html)
    for name, data in reading.fonts.items():
        (tmp_path / name).write_bytes(data)
    # x of the first letter of ``word`` in the first paragraph holding it, and of the
    # character logically right after it (inside its element or in the next text).
    measure = """(word) => {
        const p = [...document.querySelectorAll('main p')]
            .find((e) => e.textContent.includes(word));
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
        const nodes = []; for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
        const box = (n, i) => { const r = document.createRange(); r.setStart(n, i);
            r.setEnd(n, i + 1); return r.getBoundingClientRect().left; };
        const k = nodes.findIndex((n) => n.data.includes(word));
        const node = nodes[k], at = node.data.indexOf(word), end = at + word.length;
        let after = [node, end];
        const controls = '\u2068\u2069';
        while (after[1] < node.data.length && controls.includes(node.data[after[1]])) after[1]++;
        if (after[1] >= after[0].data.length) {
            const next = nodes[k + 1]; let i = 0;
            while (controls.includes(next.data[i])) i++;
            after = [next, i];
        }
        return [box(node, at), after[0].data[after[1]], box(after[0], after[1])];
    }"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 375, "height": 700})
        page.goto(page_file.as_uri())
        first = page.locator("main p").filter(has_text="U.N.").first
        first.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        first.screenshot(path=str(ARTIFACTS / "bidi-un-375.png"))
        u, period, period_x = page.evaluate(measure, "U.N")
        g, mark, mark_x = page.evaluate(measure, "Google")
        browser.close()
    assert period == "." and period_x > u  # "U.N." left to right, its period on the right
    assert mark == "." and mark_x < g  # the sentence's period, left of "Google"
