"""The edition's HTML and PDF from data: Article + translations + site profile + language."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from helpers import EXAMPLES, ROOT
from test_render_tools import glyph_ids, pdf_fonts, pdf_objects, pdf_text

from azad.errors import InputError
from azad.lang import FSI, PDI
from azad.model import Article
from azad.readers import ReadOptions, Source, read_source
from azad.render import Credit, build_edition, isolate_runs, load_styles, render_pdf
from azad.render.edition import credit_line, render_parts
from azad.render.pdf import edition_pdf_html
from azad.settings import EditionSettings, Settings, load_settings

PASHTO_LETTERS = "ټ ډ ړ ښ ږ ګ ڼ ځ څ ی ي ې ۍ ئ"
# Every letter of the Pashto alphabet, its own ones (ټ ډ ړ ښ ږ ګ ڼ ځ څ) and all its yehs.
PASHTO_PARAGRAPH = (
    "ا ب پ ت ټ ث ج چ ح خ څ ځ د ډ ذ ر ړ ز ژ ږ س ش ښ ص ض ط ظ ع غ ف ق ک ګ ل م ن ڼ و ه ی ي ې ۍ ئ"
    " — ښځې په ګډه د ټولنې ډېرې ستونزې حل کړې، او څوک ځي؟"
)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(ROOT / "azad.toml")


@pytest.fixture(scope="module")
def styles(settings: Settings):
    return load_styles(ROOT, settings.edition)


@pytest.fixture(scope="module")
def salang() -> Article:
    path = EXAMPLES / "salang-tunnel.md"
    return read_source(Source(path.name, path.read_bytes()), ReadOptions())


def dari_translations(article: Article) -> dict[str, str]:
    out = {s.id: f"جملهٔ {n} به دری می‌شود" for n, s in enumerate(article.segments(), 1)}
    out["title"] = "تونل سالنگ: باز نگه‌داشتن راه شمال و جنوب"
    out["b1.s1"] = "تونل سالنگ در ارتفاع ۳٬۴۰۰ متری از Hindu Kush می‌گذرد (ADB)."
    return out


def edition(article, translations, settings, styles, key="dari", **kwargs):
    return build_edition(
        article,
        translations,
        settings.site,
        key,
        settings.languages[key],
        styles,
        authors=settings.edition.authors,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/salang", True),
        ("HTTP://example.org/salang", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
    ],
)
def test_only_web_addresses_become_links(salang, settings, styles, url, linked) -> None:
    article = salang.model_copy(update={"meta": salang.meta.model_copy(update={"url": url})})
    _, html = render_parts(edition(article, dari_translations(article), settings, styles), styles)
    assert (f'href="{url}"' in html) is linked
    assert "javascript:" not in html and "data:text" not in html


# ---- isolation of Latin runs and numbers --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A bracket opened in a Latin run closes inside it (tests/bidi_cases.py has more).
        ("وزارت Ministry of Agriculture (ADB)، در ۲۰۲۳.",
         "وزارت [Ministry of Agriculture (ADB)]، در [۲۰۲۳]."),
        ("سایت www.afgazad.com.", "سایت [www.afgazad.com]."),
        ("۱۲٫۵٪ و ۱۴/۰۳/۲۰۲۵", "[۱۲٫۵٪] و [۱۴/۰۳/۲۰۲۵]"),
        # A range stays right to left: each number on its own, the hyphen outside.
        ("۲۰۲۰-۲۰۲۱", "[۲۰۲۰]-[۲۰۲۱]"),
        # Already isolated text is left exactly as it is.
        ("از [https://x.org/a?b=1] و [۱۴-۰۳-۲۰۲۵]", "از [https://x.org/a?b=1] و [۱۴-۰۳-۲۰۲۵]"),
        ("COVID-19 و CO2", "[COVID-19] و [CO2]"),
        ("بدون لاتین", "بدون لاتین"),
        # A Latin phrase with its own commas is one run (cut at the comma, a right-to-left
        # line would show "(not reviewed ,machine draft)"); an Arabic comma separates.
        ("ترجمه (machine draft, not reviewed)", "ترجمه [(machine draft, not reviewed)]"),
        ("Microsoft، Google و Apple", "[Microsoft]، [Google] و [Apple]"),
    ],
)  # fmt: skip
def test_isolate_runs(text: str, expected: str) -> None:
    def show(s: str) -> str:
        return s.replace(FSI, "[").replace(PDI, "]")

    given = text.replace("[", FSI).replace("]", PDI)
    assert show(isolate_runs(given)) == expected
    assert isolate_runs(isolate_runs(given)) == isolate_runs(given)  # idempotent


# ---- the HTML -----------------------------------------------------------------------------


def test_edition_html_carries_language_direction_and_header(salang, settings, styles) -> None:
    e = edition(salang, dari_translations(salang), settings, styles)
    html = edition_pdf_html(e, styles)
    assert '<html lang="fa-AF" dir="rtl">' in html
    site = settings.site
    for text in (site.name, site.web, site.email, "دری", "تونل سالنگ"):
        assert text in html
    # The verse: each line a row, the first hemistich in the first cell.
    rows = re.findall(
        r'<td class="hemistich first">(.*?)</td><td class="hemistich second">(.*?)</td>', html
    )
    assert rows == [tuple(pair) for pair in site.verse]
    assert "European Languages" not in html
    # Latin runs and numbers in the body isolated, as characters (WeasyPrint) and as
    # elements (browsers and e-readers, which may ignore the characters); the English never
    # left bare.
    assert f'<span dir="ltr">{FSI}Hindu Kush{PDI}</span>' in html
    assert f'<span dir="ltr">{FSI}۳٬۴۰۰{PDI}</span>' in html
    html = re.sub(r'<span dir="(?:ltr|rtl)">(\u2068[^\u2069]*\u2069)</span>', r"\1", html)
    assert f"{FSI}Hindu Kush{PDI}" in html and f"{FSI}۳٬۴۰۰{PDI}" in html
    assert f"{FSI}{site.web}{PDI}" in html
    # Author transliterated (azad.toml's [edition.authors]); the date in the calendar.
    assert "اگزامپل رایتر" in html and "Example Writer" not in html
    assert f"{FSI}۲۷{PDI} سنبله {FSI}۱۴۰۴{PDI} ({FSI}۱۸{PDI} سپتمبر {FSI}۲۰۲۵{PDI})" in html
    # The link to the original: its title and address, left to right.
    assert f"{FSI}https://example.org/articles/salang-tunnel{PDI}" in html
    assert 'href="https://example.org/articles/salang-tunnel"' in html
    # Body structure: headings with stable ids, the quote, the numbered list.
    assert '<h2 id="b2">' in html and "<blockquote>" in html and "<ol>" in html


def test_an_untranslated_segment_is_marked_english(salang, settings, styles) -> None:
    translations = dari_translations(salang)
    del translations["title"], translations["b2.s1"]
    _, article_html = render_parts(edition(salang, translations, settings, styles), styles)
    english_heading = next(b for b in salang.blocks if b.id == "b2").text
    # Whole, in one isolate, so its words keep their order around its punctuation.
    assert f'<span lang="en" dir="ltr">{FSI}{salang.meta.title}{PDI}</span>' in article_html
    assert f'<span lang="en" dir="ltr">{FSI}{english_heading}{PDI}</span>' in article_html


def test_pashto_text_is_never_folded(salang, settings, styles) -> None:
    translations = {s.id: PASHTO_PARAGRAPH for s in salang.segments()}
    e = edition(salang, translations, settings, styles, key="pashto")
    html = edition_pdf_html(e, styles)
    assert '<html lang="ps-AF" dir="rtl">' in html and "پښتو" in html
    assert PASHTO_PARAGRAPH in html  # ي ې ۍ ئ ګ kept as written
    assert "اګزامپل رایټر" in html
    plain = re.sub(r'<span dir="(?:ltr|rtl)">([^<]*)</span>', r"\1", html)
    assert "۲۷ وږی ۱۴۰۴" in plain.replace(FSI, "").replace(PDI, "")


@pytest.mark.parametrize(
    ("lang", "machine", "names", "expected"),
    [
        ("fa-AF", False, ["مریم"], "ترجمه: مریم"),
        ("fa-AF", True, ["مریم", "احمد"], "ترجمهٔ ماشینی، بازبینی‌شده توسط مریم و احمد"),
        ("ps-AF", False, ["ملالۍ"], "ژباړه: ملالۍ"),
        ("ps-AF", True, ["ملالۍ", "احمد", "زرغونه"],
         "ماشیني ژباړه، بیاکتنه: ملالۍ، احمد او زرغونه"),
        ("fa-AF", True, [], None),
    ],
)  # fmt: skip
def test_credit_lines(styles, lang, machine, names, expected) -> None:
    assert credit_line(Credit(tuple(names), machine), styles.labels[lang]) == expected


def test_latin_translator_names_are_isolated(styles) -> None:
    line = credit_line(Credit(("editor",), True), styles.labels["fa-AF"])
    assert line == f"ترجمهٔ ماشینی، بازبینی‌شده توسط {FSI}editor{PDI}"


def test_stamps_for_drafts_and_the_test_model(salang, settings, styles) -> None:
    t = dari_translations(salang)
    plain = edition_pdf_html(edition(salang, t, settings, styles), styles)
    assert 'class="stamp"' not in plain
    e = edition(salang, t, settings, styles, draft=True, credit=Credit(("x",), True, True))
    html = edition_pdf_html(e, styles)
    assert "پیش‌نویس" in html and "مدل آزمایشی — ترجمه نیست" in html
    assert "TEST MODEL — not a translation" in html
    ps = edition(salang, t, settings, styles, key="pashto", draft=True)
    assert "مسوده" in edition_pdf_html(ps, styles)


# ---- the PDF ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pashto_pdf(salang, settings, styles, tmp_path_factory) -> tuple[bytes, Path]:
    translations = {s.id: PASHTO_PARAGRAPH for s in salang.segments()}
    e = edition(salang, translations, settings, styles, key="pashto")
    pdf = render_pdf(e, styles)
    path = tmp_path_factory.mktemp("pashto") / "letters.pdf"
    path.write_bytes(pdf)
    return pdf, path


def test_every_pashto_letter_has_its_glyph(pashto_pdf, styles) -> None:
    pdf, path = pashto_pdf
    # The fonts of the editions cover every letter of the paragraph …
    body = TTFont(next(f.path for f in styles.fonts if f.role == "body"))
    cmap = body.getBestCmap()
    letters = {c for c in PASHTO_PARAGRAPH if c.isalpha()}
    assert set(PASHTO_LETTERS.split()) <= letters
    assert not [c for c in letters if ord(c) not in cmap]
    # … and the PDF shows no missing-glyph box and needed no other font.
    assert 0 not in glyph_ids(pdf)
    fonts = pdf_fonts(path)
    assert fonts and all(f.name.split("+")[1].startswith("Edition-") for f in fonts)
    assert all(f.embedded and f.subset for f in fonts)
    # (pdftotext may move the Arabic comma, a neutral, to the other side of a space.)
    assert "ښځې په ګډه د ټولنې ډېرې ستونزې حل کړې" in pdf_text(path, page=1)


def test_pdf_metadata_and_tags(pashto_pdf) -> None:
    import subprocess

    _, path = pashto_pdf
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    assert re.search(r"^Title:\s+The Salang Tunnel", info, re.M)  # no title entry: English
    assert re.search(r"^Author:\s+اګزامپل رایټر", info, re.M)
    assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info, re.M)
    objects = pdf_objects(path.read_bytes())
    assert b"pdfuaid:part" in objects  # declared PDF/UA-1 in its XMP metadata
    assert b"/Lang (ps-AF)" in objects
    assert b"/StructTreeRoot" in objects and b"/DisplayDocTitle true" in objects


# ---- the styles folder --------------------------------------------------------------------


def copy_styles(tmp_path: Path) -> Path:
    folder = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", folder)
    return folder


def test_a_missing_font_names_the_file(tmp_path: Path) -> None:
    copy_styles(tmp_path)
    settings = EditionSettings(styles_dir="styles", body_fonts=["Nope.ttf"])
    with pytest.raises(InputError, match=r"Nope\.ttf: font file not found"):
        load_styles(tmp_path, settings)


def test_a_font_that_is_no_font_is_refused(tmp_path: Path) -> None:
    folder = copy_styles(tmp_path)
    (folder / "fonts" / "Broken.ttf").write_bytes(b"not a font")
    with pytest.raises(InputError, match=r"Broken\.ttf: not a usable"):
        load_styles(tmp_path, EditionSettings(styles_dir="styles", body_fonts=["Broken.ttf"]))


def test_labels_lacking_a_text_are_refused(tmp_path: Path) -> None:
    folder = copy_styles(tmp_path)
    labels = folder / "labels.toml"
    labels.write_text(labels.read_text().replace('draft = "مسوده"\n', ""))
    with pytest.raises(InputError, match=r"labels\.toml: \[ps-AF\] lacks draft"):
        load_styles(tmp_path, EditionSettings(styles_dir="styles"))


def test_an_editor_changes_wording_without_code(tmp_path: Path, salang, settings) -> None:
    folder = copy_styles(tmp_path)
    labels = folder / "labels.toml"
    labels.write_text(
        labels.read_text().replace('credit = "ترجمه: {names}"', 'credit = "برگردان: {names}"')
    )
    styles = load_styles(tmp_path, EditionSettings(styles_dir="styles"))
    e = edition(salang, dari_translations(salang), settings, styles, credit=Credit(("مریم",)))
    assert "برگردان: مریم" in edition_pdf_html(e, styles)
