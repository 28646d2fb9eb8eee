from __future__ import annotations

from pathlib import Path

import pytest
from helpers import EXAMPLES, SHARED_SAMPLES, needs_shared, text_export_to_pdf

from azad.errors import InputError
from azad.readers import ReadOptions, Source, read_source
from azad.settings import load_settings

SITE = load_settings(Path(__file__).resolve().parents[1] / "azad" / "data" / "azad.toml").site
OPTIONS = ReadOptions(site=SITE)


def read(path: Path):
    return read_source(Source(path.name, path.read_bytes()), OPTIONS)


def assert_same_article_as_text(text_path: Path, tmp_path: Path) -> None:
    pdf = text_export_to_pdf(text_path.read_text(encoding="utf-8"), tmp_path / "a.pdf")
    from_pdf, from_text = read(pdf), read(text_path)
    assert from_pdf.meta.source_format == "pdf"
    assert from_pdf.blocks == from_text.blocks
    ignore = {"source_file", "source_sha256", "source_format"}
    assert from_pdf.meta.model_dump(exclude=ignore) == from_text.meta.model_dump(exclude=ignore)


def test_pdf_of_the_example_gives_the_same_article(tmp_path: Path) -> None:
    assert_same_article_as_text(EXAMPLES / "herat-saffron.txt", tmp_path)


@needs_shared
def test_pdf_of_the_shared_sample_gives_the_same_article(tmp_path: Path) -> None:
    assert_same_article_as_text(SHARED_SAMPLES / "kabul-river-water.txt", tmp_path)


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from weasyprint import HTML

    pdf = tmp_path / "scan.pdf"
    HTML(
        string="<html><body><div style='width:5cm;height:5cm;background:#888'></div></body></html>"
    ).write_pdf(pdf)
    with pytest.raises(InputError, match="no text layer"):
        read(pdf)


def test_file_that_is_not_a_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "fake.pdf"
    fake.write_text("hello")
    with pytest.raises(InputError, match="not a PDF"):
        read(fake)
