from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from helpers import EXAMPLES, SHARED_SAMPLES, needs_shared

from azad.errors import InputError
from azad.model import Article
from azad.readers import ReadOptions, Source, read_source
from azad.settings import load_settings

SITE = load_settings(Path(__file__).resolve().parents[1] / "azad" / "data" / "azad.toml").site
OPTIONS = ReadOptions(site=SITE)
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


def read(path: Path) -> Article:
    return read_source(Source(path.name, path.read_bytes()), OPTIONS)


def read_text(text: str, name: str = "article.txt") -> Article:
    return read_source(Source(name, text.encode("utf-8")), OPTIONS)


def body_text(article: Article) -> str:
    return "\n".join(b.text for b in article.blocks)


def assert_no_header_in_body(article: Article) -> None:
    body = body_text(article)
    assert not ARABIC_SCRIPT.search(body), "Persian header text left in the body"
    for text in ("AA-AA", "afgazad", "European Languages"):
        assert text not in body


@needs_shared
def test_shared_kabul_sample() -> None:
    article = read(SHARED_SAMPLES / "kabul-river-water.txt")
    meta = article.meta
    assert meta.title == (
        "Sharing the Kabul River: Water, Drought and the Long Road to a Basin Agreement"
    )
    assert meta.author == "Sample Author"
    assert meta.date == dt.date(2025, 3, 14)
    assert meta.section == "European Languages"
    headings = [b.text for b in article.blocks if b.kind == "heading"]
    assert headings == [
        "A Basin Without a Treaty",
        "Drought and Migration",
        "What a Basin Agreement Could Look Like",
    ]
    assert_no_header_in_body(article)
    assert "March 14, 2025" not in body_text(article)
    assert meta.author_note is not None and meta.author_note.startswith("Sample Author is a")
    joined = [b for b in article.blocks if "when they need it most." in b.text]
    assert len(joined) == 1, "the paragraph split by a page break was not rejoined"
    assert "Such arrangements exist on the Mekong" in joined[0].text
    sentences = [s.text for s in article.segments()]
    assert any(s.startswith("Dr. M. Karimi, a hydrologist") for s in sentences)


def test_example_text_export() -> None:
    article = read(EXAMPLES / "herat-saffron.txt")
    meta = article.meta
    assert meta.title == "Red Gold of Herat: How Saffron Farmers Are Rebuilding a Rural Economy"
    assert meta.author == "Example Writer"
    assert meta.date == dt.date(2025, 11, 2)
    assert meta.source_format == "text-export"
    assert meta.author_note == (
        "Example Writer is a fictional reporter used for the examples of Azad Press"
    )
    assert [b.text for b in article.blocks if b.kind == "heading"] == [
        "A Crop That Needs Little Water",
        "Women at the Centre of the Trade",
        "Risks Ahead",
    ]
    assert_no_header_in_body(article)
    assert "November 2, 2025" not in body_text(article)
    # "... buyers in the European market now" / "require." was split by a page break.
    assert any("European market now require." in s.text for s in article.segments())
    lists = [b for b in article.blocks if b.kind == "list"]
    assert len(lists) == 1 and not lists[0].ordered
    assert [i.segments[0].text for i in lists[0].items] == [
        "a national quality mark for certified saffron;",
        "cold storage near Herat airport;",
        "cheaper air freight to Delhi and Dubai.",
    ]
    assert any(s.text.startswith("Mrs. F. Rahimi, who runs") for s in article.segments())


def test_block_and_segment_ids_are_positional() -> None:
    article = read(EXAMPLES / "herat-saffron.txt")
    for n, block in enumerate(article.blocks, start=1):
        assert block.id == f"b{n}"
        if block.kind == "list":
            for i, item in enumerate(block.items, start=1):
                assert item.id == f"b{n}.i{i}"
                assert [s.id for s in item.segments] == [
                    f"b{n}.i{i}.s{k}" for k in range(1, len(item.segments) + 1)
                ]
        else:
            assert [s.id for s in block.segments] == [
                f"b{n}.s{k}" for k in range(1, len(block.segments) + 1)
            ]


HEADER_VARIANTS = {
    "as printed": (
        "افغانستان آزاد – آزاد افغانستان\n\nAA-AA\n\n"
        "چو کشور نباشد تن من مباد بدین بوم و بر زنده یک تن مباد\n"
        "همه سر به سر تن به کشتن دهیم از آن به که کشور به دشمن دهیم\n\n"
        "www.afgazad.com\n\nafgazad@gmail.com\n\nEuropean Languages\n\nزبانهای اروپایی\n"
    ),
    "misspelt verse, ZWNJ, Arabic yeh, extra spaces": (
        "  افغانستان  آزاد - آزاد افغانستان\n"
        "AA - AA\n"
        "چو کشور نپاشد تن من مباد                بدین بوم و بر زنده يک تن مباد\n"
        "همه سر به سر تن به کشتن دهيم        از آن به که کشور به دشمن دهيم\n"
        "http://www.afgazad.com/\nAfgazad@Gmail.com\nEuropean  Languages\nزبان‌های اروپایی\n"
    ),
    "hemistichs on their own lines, no mark": (
        "افغانستان آزاد – آزاد افغانستان\n"
        "چو کشور نباشد تن من مباد\nبدین بوم و بر زنده یک تن مباد\n"
        "همه سر به سر تن به کشتن دهیم\nاز آن به که کشور به دشمن دهیم\n"
        "www.afgazad.com\nafgazad@gmail.com\nEuropean Languages\n"
    ),
}

ARTICLE_BODY = (
    "\nA. Writer\n\n01.02.2024\n\nA Short Title\n\n"
    "First paragraph of the body. It has two sentences.\n\n"
    "A Subheading\n\n"
    "Second paragraph, which a page break cuts in\n\n\f"
    "the middle. It ends here.\n\n"
    "A. Writer, February 1, 2024\n\n"
    "A. Writer writes about examples.\n"
)


@pytest.mark.parametrize("header", HEADER_VARIANTS.values(), ids=HEADER_VARIANTS.keys())
def test_header_variants_are_removed(header: str) -> None:
    article = read_text(header + ARTICLE_BODY)
    assert article.meta.title == "A Short Title"
    assert article.meta.author == "A. Writer"
    assert article.meta.date == dt.date(2024, 2, 1)
    assert article.meta.section == "European Languages"
    assert_no_header_in_body(article)
    assert [b.kind for b in article.blocks] == ["paragraph", "heading", "paragraph"]
    assert article.blocks[2].text == (
        "Second paragraph, which a page break cuts in the middle. It ends here."
    )
    assert article.meta.author_note == "A. Writer writes about examples."


def test_without_header_and_crlf_line_endings() -> None:
    article = read_text(ARTICLE_BODY.replace("\n", "\r\n"))
    assert article.meta.title == "A Short Title"
    assert len(article.blocks) == 3


def test_title_on_two_lines_only_after_a_colon() -> None:
    text = "A. Writer\n\n01.02.2024\n\nOne Line Title\n\nA paragraph follows. Yes.\n"
    article = read_text(text)
    assert article.meta.title == "One Line Title"
    assert article.blocks[0].text == "A paragraph follows. Yes."


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (HEADER_VARIANTS["as printed"], "no recognisable title"),
        (
            "A. Writer\n\n01.02.2024\n\nThis is not a title but a long first sentence of a "
            "paragraph that goes on.\n",
            "no recognisable title",
        ),
        ("A. Writer\n\n31.02.2024\n\nTitle\n\nBody.\n", "invalid date"),
    ],
)
def test_unusable_text_exports(text: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as info:
        read_text(text, name="bad.txt")
    assert str(info.value).startswith("bad.txt: ")
