from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pypandoc
import pytest
from helpers import EXAMPLES, SHARED_SAMPLES, needs_shared

from azad.errors import InputError
from azad.model import Article
from azad.readers import ReadOptions, Source, read_source

OPTIONS = ReadOptions()


def read(path: Path) -> Article:
    return read_source(Source(path.name, path.read_bytes()), OPTIONS)


def pandoc_convert(src: Path, dest: Path) -> Path:
    subprocess.run([pypandoc.get_pandoc_path(), "-s", str(src), "-o", str(dest)], check=True)
    return dest


def check_wakhan(article: Article) -> None:
    assert article.meta.title == "The Wakhan Corridor: A Trade Route Waiting for a Road"
    assert article.meta.author == "Sample Author"
    assert article.meta.date == dt.date(2025, 6, 2)
    assert [b.text for b in article.blocks if b.kind == "heading"] == [
        "Plans on Paper",
        "Life in the Corridor",
        "What Comes Next",
    ]
    lists = [b for b in article.blocks if b.kind == "list"]
    assert len(lists) == 1 and len(lists[0].items) == 3
    quotes = [b for b in article.blocks if b.kind == "quote"]
    assert [q.text for q in quotes] == [
        "Development plans that ignore the people who live along a route rarely survive "
        "contact with the mountains."
    ]


def check_salang(article: Article) -> None:
    assert article.meta.title == "The Salang Tunnel: Keeping the North–South Road Open"
    assert article.meta.author == "Example Writer"
    assert article.meta.date == dt.date(2025, 9, 18)
    assert article.meta.url == "https://example.org/articles/salang-tunnel"
    assert [b.text for b in article.blocks if b.kind == "heading"] == [
        "An Ageing Structure",
        "The Human Cost",
        "Looking for Alternatives",
    ]
    assert all(b.level == 2 for b in article.blocks if b.kind == "heading")
    (numbered,) = [b for b in article.blocks if b.kind == "list"]
    assert numbered.ordered
    assert [i.segments[0].text for i in numbered.items] == [
        "new ventilation fans and carbon monoxide sensors;",
        "a rebuilt drainage system that does not freeze;",
        "avalanche galleries on the southern approach.",
    ]
    assert [b.text for b in article.blocks if b.kind == "quote"] == [
        "A tunnel is only as safe as its worst day in winter."
    ]
    # Straight quotes in Markdown become typographic ones, as pandoc's HTML writes them.
    assert any(
        s.text.startswith("A lorry driver from Mazar-i-Sharif said: “Sometimes")
        for s in article.segments()
    )


@needs_shared
def test_shared_markdown_sample() -> None:
    check_wakhan(read(SHARED_SAMPLES / "wakhan-trade-route.md"))


def test_example_markdown() -> None:
    check_salang(read(EXAMPLES / "salang-tunnel.md"))


@pytest.mark.parametrize("ext", [".html", ".docx"])
def test_html_and_docx_made_by_pandoc_give_the_same_blocks(ext: str, tmp_path: Path) -> None:
    md = EXAMPLES / "salang-tunnel.md"
    other = read(pandoc_convert(md, tmp_path / f"salang-tunnel{ext}"))
    original = read(md)
    assert other.blocks == original.blocks
    assert other.meta.title == original.meta.title
    assert other.meta.author == original.meta.author
    assert other.meta.date == original.meta.date


@needs_shared
@pytest.mark.parametrize("ext", [".html", ".docx"])
def test_shared_sample_through_html_and_docx(ext: str, tmp_path: Path) -> None:
    md = SHARED_SAMPLES / "wakhan-trade-route.md"
    converted = read(pandoc_convert(md, tmp_path / f"wakhan{ext}"))
    check_wakhan(converted)
    assert converted.blocks == read(md).blocks


def test_html_scripts_iframes_and_images_are_dropped(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Roads and Rivers</title><script>alert(1)</script></head><body>"
        "<h1>Roads and Rivers</h1><script>document.write('x')</script>"
        "<iframe src='https://example.org'></iframe>"
        "<p>A road was built. <img src='a.png' alt='photo'>It opened in <b>2020</b>.</p>"
        "<h2>Costs</h2><ul><li>One</li><li>Two</li></ul></body></html>",
        encoding="utf-8",
    )
    article = read(page)
    assert article.meta.title == "Roads and Rivers"
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("paragraph", "A road was built. It opened in 2020."),
        ("heading", "Costs"),
        ("list", "One\nTwo"),
    ]


def test_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    fake = tmp_path / "report.docx"
    fake.write_text("plain text pretending to be a document")
    with pytest.raises(InputError, match="not a DOCX") as info:
        read(fake)
    assert str(info.value).startswith("report.docx: ")


def test_renamed_zip_as_docx(tmp_path: Path) -> None:
    import zipfile

    fake = tmp_path / "renamed.docx"
    with zipfile.ZipFile(fake, "w") as zf:
        zf.writestr("hello.txt", "not a document")
    with pytest.raises(InputError, match="cannot be read as docx"):
        read(fake)


def test_markdown_without_title_or_heading(tmp_path: Path) -> None:
    md = tmp_path / "notitle.md"
    md.write_text("Just a paragraph without any title.\n")
    with pytest.raises(InputError, match="no recognisable title"):
        read(md)
