"""Dari and Pashto post-editing: digits, punctuation, letter folding, the Dari lexicon."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from azad.errors import InputError
from azad.lang import (
    FSI,
    PDI,
    ZWNJ,
    Lexicon,
    LexiconEntry,
    Substitution,
    default_lexicon,
    fold_dari,
    gregorian_month,
    isolate_dates,
    load_lexicon,
    localize_digits,
    localize_number,
    localize_punctuation,
    parse_lexicon,
    postprocess,
    to_ascii_digits,
    to_eastern_digits,
)

Z = ZWNJ

# --- digits and punctuation -----------------------------------------------------------


def test_to_eastern_digits_converts_ascii_and_arabic_indic() -> None:
    assert to_eastern_digits("0123456789") == "۰۱۲۳۴۵۶۷۸۹"
    assert to_eastern_digits("٠١٢٣٤٥٦٧٨٩") == "۰۱۲۳۴۵۶۷۸۹"
    assert to_eastern_digits("سال 2025 و ٣") == "سال ۲۰۲۵ و ۳"
    assert to_eastern_digits("۰۹") == "۰۹"


def test_to_ascii_digits() -> None:
    assert to_ascii_digits("۱۲ ٣٤ 56") == "12 34 56"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("2021", "۲۰۲۱"),
        ("3.5", "۳٫۵"),
        ("1,234,567.89", "۱٬۲۳۴٬۵۶۷٫۸۹"),
        ("10%", "۱۰٪"),
    ],
)
def test_localize_number(number: str, expected: str) -> None:
    assert localize_number(number) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("در سال 2021 و ٢٠٢٢", "در سال ۲۰۲۱ و ۲۰۲۲"),
        # Latin words keep their digits: an acronym with a number, a chemical formula,
        # a bare URL.
        ("COVID-19 و CO2 در x.com/2025", "COVID-19 و CO2 در x.com/2025"),
        # Isolated text is verbatim.
        (f"{FSI}2025-03-14{PDI} و 5", f"{FSI}2025-03-14{PDI} و ۵"),
    ],
)
def test_localize_digits(text: str, expected: str) -> None:
    assert localize_digits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("کابل, هرات; چرا?", "کابل، هرات؛ چرا؟"),
        ("Kabul, Herat; why?", "Kabul, Herat; why?"),
        ('او گفت: "آب نیست"', "او گفت: «آب نیست»"),
        ("او گفت: “آب نیست”", "او گفت: «آب نیست»"),
        ('او گفت: "No water"', "او گفت: «No water»"),
        ("۱,۲۳۴.۵ دالر", "۱٬۲۳۴٫۵ دالر"),
        ("۲.۵ متر", "۲٫۵ متر"),
        ("۱۰% مردم", "۱۰٪ مردم"),
        # A comma between digits that are not thousands groups is a list comma.
        ("۱,۲ و ۳", "۱،۲ و ۳"),
        # Dots joining three groups are a date, not decimals.
        ("تاریخ ۱۴.۰۳.۲۰۲۵", "تاریخ ۱۴.۰۳.۲۰۲۵"),
        # Punctuation inside a Latin word stays; punctuation closing it takes the context.
        ("سایت x.com/a?b=1, را ببینید", "سایت x.com/a?b=1، را ببینید"),
        ("بانک (ADB), و", "بانک (ADB)، و"),
        (f"سایت {FSI}x.com/a?b, c{PDI}, را", f"سایت {FSI}x.com/a?b, c{PDI}، را"),
        # No letters at all: the editions are right-to-left.
        ("۱, ۲", "۱، ۲"),
    ],
)
def test_localize_punctuation(text: str, expected: str) -> None:
    assert localize_punctuation(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("در ۲۰۲۵-۰۳-۱۴ بود", f"در {FSI}۲۰۲۵-۰۳-۱۴{PDI} بود"),
        ("در ۱۴-۰۳-۲۰۲۵ بود", f"در {FSI}۱۴-۰۳-۲۰۲۵{PDI} بود"),
        ("از ۲۰۲۰-۲۰۲۱", "از ۲۰۲۰-۲۰۲۱"),
        ("تاریخ ۱۴/۰۳/۲۰۲۵", "تاریخ ۱۴/۰۳/۲۰۲۵"),
    ],
)
def test_isolate_dates(text: str, expected: str) -> None:
    assert isolate_dates(text) == expected


def test_gregorian_month_names() -> None:
    assert gregorian_month(8, "fa-AF") == "اگست"
    assert gregorian_month(8, "ps-AF") == "اګست"
    assert gregorian_month(5, "ps-AF") == "مۍ"
    with pytest.raises(ValueError):
        gregorian_month(13, "fa-AF")


# --- Dari letters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("علي", "علی"),
        ("مصطفى", "مصطفی"),
        ("كابل", "کابل"),
        ("يك كتاب", "یک کتاب"),
        ("ی ک گ", "ی ک گ"),
    ],
)
def test_fold_dari(text: str, expected: str) -> None:
    assert fold_dari(text) == expected
    assert postprocess(text, "fa-AF").text == expected


def test_dari_keeps_zwnj_and_collapses_doubled_zwnj() -> None:
    assert postprocess(f"می{Z}شود و بی{Z}اعتمادی و گروه{Z}ها", "fa-AF").text == (
        f"می{Z}شود و بی{Z}اعتمادی و گروه{Z}ها"
    )
    result = postprocess(f"می{Z}{Z}شود", "fa-AF")
    assert result.text == f"می{Z}شود"
    assert result.substitutions == [
        Substitution(f"{Z}{Z}", Z, "doubled zero-width non-joiner", "letters", 1)
    ]


def test_dari_folding_is_recorded_with_counts() -> None:
    result = postprocess("علي و كريم", "fa-AF")
    assert result.text == "علی و کریم"
    assert result.substitutions == [
        Substitution("ي", "ی", "Arabic yeh ي → Persian yeh ی", "letters", 2),
        Substitution("ك", "ک", "Arabic kaf ك → Persian kaf ک", "letters", 1),
    ]


def test_typographic_changes_are_recorded_once_per_kind() -> None:
    result = postprocess("در 2021 و 1,200 و ٣?", "ps-AF")
    assert result.text == "در ۲۰۲۱ و ۱٬۲۰۰ و ۳؟"
    assert result.substitutions == [
        Substitution("012", "۰۱۲", "ASCII digits → Eastern Arabic-Indic", "digits", 8),
        Substitution("٣", "۳", "Arabic-Indic digits → Eastern Arabic-Indic", "digits", 1),
        Substitution(",", "٬", "thousands separator", "punctuation", 1),
        Substitution("?", "؟", "Arabic question mark", "punctuation", 1),
    ]


def test_dari_leaves_isolated_text_alone() -> None:
    text = f"سایت {FSI}www.afgazad.com/2025?a=1,b{PDI} را ببینید"
    assert postprocess(text, "fa-AF").text == text


# --- Dari lexicon ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("استان هرات", "ولایت هرات"),
        ("استاندار هرات", "والی هرات"),
        ("در بیمارستان بود", "در شفاخانه بود"),
        ("دانشگاه کابل", "پوهنتون کابل"),
        ("پلیس شهرستان", "پولیس ولسوالی"),
        ("ماشین و خودرو", "موتر و موتر"),
        ("در ژوئن، ژوئیه و اوت", "در جون، جولای و اگست"),
        # Inflected forms: plurals with and without ZWNJ, plural + ezafe, -ی, ezafe hamza.
        (f"استان{Z}ها", f"ولایت{Z}ها"),
        ("استانها", f"ولایت{Z}ها"),
        (f"بیمارستان{Z}های کابل", f"شفاخانه{Z}های کابل"),
        ("خدمات بیمارستانی", f"خدمات شفاخانه{Z}ای"),
        ("دانشگاهٔ کابل", "پوهنتون کابل"),
        ("استانداران", "والیان"),
        # Not inside a longer word.
        ("استانبول", "استانبول"),
        ("بوستان", "بوستان"),
        ("گلستان", "گلستان"),
        (f"استان{Z}هایی", f"استان{Z}هایی"),
        # Punctuation, digits and brackets end a word.
        ("(استان)، استان؛ استان۲", "(ولایت)، ولایت؛ ولایت۲"),
        # Arabic letter forms are folded first, so the entry still matches.
        ("بيمارستان", "شفاخانه"),
    ],
)
def test_dari_lexicon_whole_words(text: str, expected: str) -> None:
    assert postprocess(text, "fa-AF").text == expected


def test_each_lexicon_substitution_is_recorded_with_its_place() -> None:
    result = postprocess("استاندار استان بیمارستان", "fa-AF")
    assert result.text == "والی ولایت شفاخانه"
    assert result.substitutions == [
        Substitution("استاندار", "والی", "Dari vocabulary: provincial governor", "lexicon", 1, 0),
        Substitution("استان", "ولایت", "Dari vocabulary: province", "lexicon", 1, 5),
        Substitution("بیمارستان", "شفاخانه", "Dari vocabulary: hospital", "lexicon", 1, 11),
    ]


@pytest.mark.parametrize(
    ("iranian", "dari"),
    [
        ("بیمارستان", "شفاخانه"),
        ("دانشگاه", "پوهنتون"),
        ("استان", "ولایت"),
        ("استاندار", "والی"),
        ("شهرستان", "ولسوالی"),
        ("پلیس", "پولیس"),
        ("ماشین", "موتر"),
        ("خودرو", "موتر"),
        ("ژوئن", "جون"),
        ("ژوئیه", "جولای"),
        ("اوت", "اگست"),
    ],
)
def test_default_lexicon_has_the_words_of_the_language_notes(iranian: str, dari: str) -> None:
    entry = default_lexicon().get(iranian)
    assert entry is not None
    assert entry.dari == dari


def test_a_workspace_lexicon_replaces_the_default() -> None:
    lexicon = Lexicon([LexiconEntry("کتاب", "کتابچه")])
    assert postprocess("کتاب و استان", "fa-AF", lexicon=lexicon).text == "کتابچه و استان"
    assert postprocess("کتاب", "ps-AF", lexicon=lexicon).text == "کتاب"


def test_dari_full_sentence() -> None:
    text = 'استاندار استان هرات گفت: "بیمارستان 25 تخت و 1,200 کارمند دارد?"'
    result = postprocess(text, "fa-AF")
    assert result.text == "والی ولایت هرات گفت: «شفاخانه ۲۵ تخت و ۱٬۲۰۰ کارمند دارد؟»"


_HEADER = "iranian\tdari\tnote\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("iranian\tdari\n", "line 1: the header must be"),
        (_HEADER + "استان\n", "line 2: expected 2 or 3"),
        (_HEADER + "استان\tولایت\tx\ty\n", "line 2: expected 2 or 3"),
        (_HEADER + "# comment\n\nاستان\t\tnote\n", "line 4: the iranian and dari cells"),
        (_HEADER + "Kabul\tکابل\n", "line 2: 'Kabul' is not Persian words"),
        (_HEADER + "استان  هرات\tx\n", "is not Persian words"),
        (_HEADER + "استان\tولایت\nاستان\tایالت\n", "line 3: 'استان' is already on line 2"),
        # ي is read as ی, so these are the same word.
        (_HEADER + "استانی\tولایتی\nاستاني\tولایتی\n", "line 3: 'استانی' is already on line 2"),
        (_HEADER + "خودرو\tموتر خودرو\n", "line 2: the Dari 'موتر خودرو' contains 'خودرو'"),
        (_HEADER + "تلفن\tتلفون\nتلفون همراه\tموبایل\n", "line 3: the Iranian phrase"),
        ("# only a comment\n", "no header row"),
    ],
)
def test_lexicon_errors_name_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "lexicon.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_lexicon(path)
    assert caught.value.path == str(path)
    assert message in caught.value.reason
    assert str(caught.value).startswith(f"{path}: ")


def test_lexicon_file_missing_or_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_lexicon(tmp_path / "none.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"iranian\tdari\tnote\n\xff\n")
    with pytest.raises(InputError, match="UTF-8"):
        load_lexicon(bad)


def test_lexicon_loader_folds_letters_and_allows_missing_note() -> None:
    lexicon = parse_lexicon(_HEADER + "# c\nكتاب\tكتابچه\n")
    entry = lexicon.get("کتاب")
    assert entry == LexiconEntry("کتاب", "کتابچه", "", 3)


# --- Pashto ---------------------------------------------------------------------------

PASHTO_LETTERS = "ټډړښږګڼځڅېۍئيی"
BASIC_ARABIC_LETTERS = "ءآأؤإابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهةىۀ"


@given(st.text(alphabet=PASHTO_LETTERS + BASIC_ARABIC_LETTERS + " \n" + Z, max_size=60))
def test_pashto_never_changes_a_letter(text: str) -> None:
    result = postprocess(text, "ps-AF")
    assert result.text == text
    assert result.substitutions == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("كابل", "کابل"),
        ("جنوري او اپرېل", "جنوري او اپرېل"),
        ("په 2025 کې, ښه?", "په ۲۰۲۵ کې، ښه؟"),
        ('هغه وویل: "اوبه نشته"', "هغه وویل: «اوبه نشته»"),
        ("۳.۵ سلنه", "۳٫۵ سلنه"),
        # No Dari vocabulary in Pashto.
        ("بیمارستان", "بیمارستان"),
    ],
)
def test_pashto_postprocess(text: str, expected: str) -> None:
    assert postprocess(text, "ps-AF").text == expected


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown edition language"):
        postprocess("x", "fa-IR")


# --- idempotence ----------------------------------------------------------------------

_LEXICON_WORDS = [e.iranian for e in default_lexicon().entries][:40]
_MIXED_CHARS = (
    "ابپتسشکگلمنوهیيكىئېۍټګښ" + Z + Z + " \n,;?%.-\"“”«»()" + "0123456789٠٣۴۵" + "abcXYZ/:@"
    + FSI + PDI
)  # fmt: skip
_mixed_text = st.lists(
    st.one_of(st.sampled_from(_LEXICON_WORDS), st.text(alphabet=_MIXED_CHARS, max_size=6)),
    max_size=12,
).map("".join)


@given(_mixed_text)
def test_dari_postprocess_is_idempotent(text: str) -> None:
    once = postprocess(text, "fa-AF").text
    again = postprocess(once, "fa-AF")
    assert again.text == once
    assert again.substitutions == []


@given(_mixed_text)
def test_pashto_postprocess_is_idempotent(text: str) -> None:
    once = postprocess(text, "ps-AF").text
    again = postprocess(once, "ps-AF")
    assert again.text == once
    assert again.substitutions == []


@given(_mixed_text)
def test_postprocess_never_removes_zwnj(text: str) -> None:
    # Outside lexicon words (which are replaced whole), a run of ZWNJ may shrink to one
    # ZWNJ but never disappears.
    runs = re.compile(f"{Z}+")
    for lang in ("fa-AF", "ps-AF"):
        result = postprocess(text, lang, lexicon=Lexicon([])).text
        assert len(runs.findall(result)) == len(runs.findall(text))


def test_isolate_spans_follow_the_bidi_algorithm() -> None:
    """One reading of isolates for the editions, the typographic steps and the checks:
    nested isolates belong to the outermost one, a paragraph break ends an open isolate,
    a stray PDI is ordinary text."""
    from azad.lang.common import FSI, LRI, PDI, isolate_spans, outside_isolates

    text = f"a {FSI}x {LRI}y{PDI} z{PDI} b{PDI} {FSI}open\nc {LRI}end"
    spans = isolate_spans(text)
    assert [text[s:e] for s, e in spans] == [
        f"{FSI}x {LRI}y{PDI} z{PDI}",
        f"{FSI}open",
        f"{LRI}end",
    ]
    assert outside_isolates(text) == f"a   b{PDI}  \nc  "
