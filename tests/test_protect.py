"""Protection of untranslatable parts of a segment, and their restoration."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from azad.glossary import Glossary, GlossaryEntry
from azad.lang import FSI, PDI, postprocess, to_ascii_digits
from azad.mt.protect import PLACEHOLDER_PATTERN, protect, restore

GLOSSARY = Glossary(
    (
        GlossaryEntry("Kabul", "کابل", "کابل"),
        GlossaryEntry("Asian Development Bank", "بانک انکشاف آسیایی", "د آسیا پراختیايي بانک"),
        GlossaryEntry("Bank", "بانک", ""),
        GlossaryEntry("ADB", keep_latin=True),
    )
)


def iso(text: str) -> str:
    return f"{FSI}{text}{PDI}"


def round_trip(text: str, lang: str = "fa-AF", glossary: Glossary | None = GLOSSARY) -> str:
    """What restoration gives when the 'model' copies its input unchanged."""
    protected = protect(text, glossary, lang)
    restored = restore(protected.text, protected, lang)
    assert restored.flags == []
    return restored.text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # URLs and e-mail addresses: verbatim, isolated; a sentence's full stop stays out.
        ("See www.afgazad.com.", f"See {iso('www.afgazad.com')}."),
        (
            "Read https://example.org/a/b?c=1&d=2, then",
            f"Read {iso('https://example.org/a/b?c=1&d=2')}, then",
        ),
        (
            "(see https://en.wikipedia.org/wiki/Kabul_(city))",
            f"(see {iso('https://en.wikipedia.org/wiki/Kabul_(city)')})",
        ),
        ("Visit afgazad.com today", f"Visit {iso('afgazad.com')} today"),
        ("Write to afgazad@gmail.com.", f"Write to {iso('afgazad@gmail.com')}."),
        # Numbers: Eastern digits, ٬ thousands, ٫ decimals, ٪ percent; money keeps $ outside.
        ("about 25 million people", "about ۲۵ million people"),
        ("since 2021", "since ۲۰۲۱"),
        ("12,000 people", "۱۲٬۰۰۰ people"),
        ("1,234,567.89 tonnes", "۱٬۲۳۴٬۵۶۷٫۸۹ tonnes"),
        ("less than 10% of it", "less than ۱۰٪ of it"),
        ("about $40 million", "about $۴۰ million"),
        ("3.5 metres", "۳٫۵ metres"),
        # Numeric dates: Eastern digits, separators kept, isolated.
        ("on 14.03.2025", f"on {iso('۱۴.۰۳.۲۰۲۵')}"),
        ("on 2025-03-14", f"on {iso('۲۰۲۵-۰۳-۱۴')}"),
        ("on 14/03/2025", f"on {iso('۱۴/۰۳/۲۰۲۵')}"),
        # Dates with English month names: day, Afghan month name, year.
        ("Sample Author, March 14, 2025", "Sample Author, ۱۴ مارچ ۲۰۲۵"),
        ("on 2 June 2025", "on ۲ جون ۲۰۲۵"),
        ("in August 2021", "in اگست ۲۰۲۱"),
        ("on June 5 they", "on ۵ جون they"),
        # Acronyms: verbatim, isolated.
        ("The TTP and CPEC", f"The {iso('TTP')} and {iso('CPEC')}"),
        ("in the U.S. and", f"in the {iso('U.S.')} and"),
        ("COVID-19 and NGOs", f"{iso('COVID-19')} and {iso('NGOs')}"),
        # Glossary: target language form, longest term first; keep_latin isolated.
        ("the Asian Development Bank (ADB)", f"the بانک انکشاف آسیایی ({iso('ADB')})"),
        ("the Bank in Kabul", "the بانک in کابل"),
        ("Kabul's river", "کابل's river"),
    ],
)
def test_round_trip_with_an_identity_model(source: str, expected: str) -> None:
    assert round_trip(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "I said A is fine.",
        "The river rises in the mountains.",
        "World War II ended.",
        "It was OK on TV at 5th place.",
        "Dr. M. Karimi agrees.",
        "10km and 21st and abc40",
        "BREAKING NEWS FROM THE VALLEY",
    ],
)
def test_ordinary_words_are_not_protected(source: str) -> None:
    assert protect(source, None, "fa-AF").items == []


def test_placeholders_are_numbered_in_order() -> None:
    protected = protect("The ADB gave $40 million to Kabul.", GLOSSARY, "ps-AF")
    assert protected.text == "The XZ1 gave $XZ2 million to XZ3."
    assert [(i.number, i.kind, i.source) for i in protected.items] == [
        (1, "glossary", "ADB"),
        (2, "number", "40"),
        (3, "glossary", "Kabul"),
    ]


def test_pashto_targets_and_month_names() -> None:
    source = "The Asian Development Bank met in Kabul on May 5, 2025."
    assert round_trip(source, "ps-AF") == "The د آسیا پراختیايي بانک met in کابل on ۵ مۍ ۲۰۲۵."
    assert round_trip(source, "fa-AF") == "The بانک انکشاف آسیایی met in کابل on ۵ می ۲۰۲۵."


def test_glossary_entry_without_a_form_in_the_language_is_left_to_the_model() -> None:
    # "Bank" has a Dari form only.
    assert [i.source for i in protect("the Bank", GLOSSARY, "fa-AF").items] == ["Bank"]
    assert protect("the Bank", GLOSSARY, "ps-AF").items == []


def test_model_output_is_restored() -> None:
    protected = protect("The ADB gave $40 million to Kabul in 2021.", GLOSSARY, "fa-AF")
    assert protected.text == "The XZ1 gave $XZ2 million to XZ3 in XZ4."
    restored = restore("XZ1 در XZ4 مبلغ XZ2 میلیون دالر به XZ3 داد.", protected, "fa-AF")
    assert restored.text == f"{iso('ADB')} در ۲۰۲۱ مبلغ ۴۰ میلیون دالر به کابل داد."
    assert restored.flags == []
    assert restored.ok


@pytest.mark.parametrize(
    "damaged",
    ["XZ 1 و XZ2", "X Z1 و XZ2", "XZ۱ و XZ۲", "XZ١ و X Z ٢", "وXZ1 و XZ2"],
)
def test_restore_tolerates_spaces_and_other_digits(damaged: str) -> None:
    protected = protect("ADB and 2021", None, "fa-AF")
    assert protected.text == "XZ1 and XZ2"
    restored = restore(damaged, protected, "fa-AF")
    assert restored.flags == []
    assert iso("ADB") in restored.text
    assert "۲۰۲۱" in restored.text


def test_lost_placeholder_is_flagged_not_repaired() -> None:
    protected = protect("In 2021 the ADB and the TTP met.", None, "fa-AF")
    assert protected.text == "In XZ1 the XZ2 and the XZ3 met."

    def fake_model(text: str) -> str:
        # A model that drops the second placeholder.
        return text.replace("XZ2 ", "")

    restored = restore(fake_model(protected.text), protected, "fa-AF")
    assert restored.flags == ["placeholder 2 (ADB) missing"]
    assert restored.text == f"In ۲۰۲۱ the and the {iso('TTP')} met."
    assert not restored.ok


def test_duplicated_placeholder_is_flagged_and_restored_everywhere() -> None:
    protected = protect("The ADB met.", None, "fa-AF")
    restored = restore("XZ1 و XZ1 دیدار کردند.", protected, "fa-AF")
    assert restored.flags == ["placeholder 1 (ADB) appears 2 times"]
    assert restored.text == f"{iso('ADB')} و {iso('ADB')} دیدار کردند."


def test_unknown_placeholder_is_flagged_and_left() -> None:
    protected = protect("The ADB met.", None, "fa-AF")
    restored = restore("XZ1 و XZ7", protected, "fa-AF")
    assert restored.flags == ["unknown placeholder 'XZ7'"]
    assert restored.text == f"{iso('ADB')} و XZ7"


def test_text_that_looks_like_a_placeholder_is_protected_verbatim() -> None:
    protected = protect("Model XZ1 and XZ 22 and MAXZ3", None, "fa-AF")
    assert [(i.kind, i.source) for i in protected.items] == [
        ("placeholder", "XZ1"),
        ("placeholder", "XZ 22"),
        ("acronym", "MAXZ3"),
    ]
    assert round_trip("Model XZ1 and XZ 22", glossary=None) == (
        f"Model {iso('XZ1')} and {iso('XZ 22')}"
    )


def test_restore_for_another_language_is_refused() -> None:
    protected = protect("Kabul", GLOSSARY, "fa-AF")
    with pytest.raises(ValueError):
        restore(protected.text, protected, "ps-AF")


# --- the round-trip property ----------------------------------------------------------

_MONTHS = re.compile(
    r"January|February|March|April|May|June|July|August|September|October|November|December"
)
_ISOLATES = re.compile(f"[{FSI}{PDI}]")


def normalize(text: str) -> str:
    """Undo exactly the intended transformations of restoration: isolates, Eastern
    digits and the Persian number separators."""
    text = _ISOLATES.sub("", text)
    return to_ascii_digits(text).replace("٫", ".").replace("٬", ",").replace("٪", "%")


def check_round_trip(text: str, glossary: Glossary | None, lang: str) -> None:
    assume(not _MONTHS.search(text))  # month-name dates are rewritten (tested above)
    protected = protect(text, glossary, lang)
    # Every placeholder in the protected text is one of ours, in order.
    found = [int(m.group(1)) for m in PLACEHOLDER_PATTERN.finditer(protected.text)]
    assert found == [item.number for item in protected.items]
    restored = restore(protected.text, protected, lang)
    assert restored.flags == []
    assert normalize(restored.text) == text


_KEEP_LATIN = Glossary(
    (GlossaryEntry("ADB", keep_latin=True), GlossaryEntry("Hindu Kush", keep_latin=True))
)
_ALPHABET = "XZxzAaBbIUSs 0123456789.,;:%$/-@()_?\n"
_PIECES = st.one_of(
    st.from_regex(r"[a-z]{1,6}", fullmatch=True),
    st.from_regex(r"[A-Z][a-z]{1,6}", fullmatch=True),
    st.from_regex(r"[A-Z]{2,5}", fullmatch=True),
    st.from_regex(r"[0-9]{1,6}", fullmatch=True),
    st.from_regex(r"[0-9]{1,3}(,[0-9]{3}){1,2}(\.[0-9]{1,2})?%?", fullmatch=True),
    st.from_regex(r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.sampled_from(
        [
            "https://example.org/a?b=1",
            "www.afgazad.com",
            "afgazad@gmail.com",
            "U.S.",
            "COVID-19",
            "ADB",
            "Hindu Kush",
            "XZ1",
            "XZ 2",
            "$",
            "(",
            ")",
        ]
    ),
    st.text(alphabet=_ALPHABET, max_size=4),
)
_SENTENCES = st.lists(
    st.tuples(_PIECES, st.sampled_from(["", " ", " ", ", ", ". ", "-"])), max_size=10
).map(lambda parts: "".join(p + s for p, s in parts))


@given(_SENTENCES, st.sampled_from(["fa-AF", "ps-AF"]))
def test_round_trip_property_on_sentences(text: str, lang: str) -> None:
    check_round_trip(text, _KEEP_LATIN, lang)


@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_round_trip_property_on_arbitrary_text(text: str) -> None:
    check_round_trip(text, None, "fa-AF")


@given(_SENTENCES)
@example("aXZ1")
def test_numbers_come_back_in_eastern_digits(text: str) -> None:
    assume(not _MONTHS.search(text))
    protected = protect(text, None, "fa-AF")
    restored = restore(protected.text, protected, "fa-AF").text
    # The ASCII digits left are exactly those of the text the model saw (numbers glued to
    # letters, such as "5th", and digits of acronyms, URLs and e-mail addresses).
    # (Placeholders as restore finds them: "aXZ1" in the English is text, not one.)
    unprotected_digits = PLACEHOLDER_PATTERN.sub("", protected.text)
    kept = "".join(i.source for i in protected.items if i.kind not in ("number", "date"))
    assert sorted(re.findall("[0-9]", restored)) == sorted(
        re.findall("[0-9]", unprotected_digits + kept)
    )


# --- together with post-editing -------------------------------------------------------


def test_postprocess_treats_placeholders_as_neutral_verbatim_text() -> None:
    # The pipeline may post-edit the model's output before restoring it.
    assert postprocess("در XZ1, XZ2 و XZ 3?", "fa-AF").text == "در XZ1، XZ2 و XZ 3؟"
    assert postprocess("XZ12 استان", "fa-AF").text == "XZ12 ولایت"


@pytest.mark.parametrize("postedit_first", [True, False])
def test_protect_translate_postedit_restore(postedit_first: bool) -> None:
    source = "The ADB gave $40 million to 12,000 farmers in Kabul province, see www.adb.org?"
    protected = protect(source, GLOSSARY, "fa-AF")
    assert protected.text == "The XZ1 gave $XZ2 million to XZ3 farmers in XZ4 province, see XZ5?"
    model_output = "XZ1 مبلغ XZ2 میلیون دلار به XZ3 کشاورز در استان XZ4 داد, XZ5 را ببینید?"
    if postedit_first:
        post = postprocess(model_output, "fa-AF").text
        final = restore(post, protected, "fa-AF").text
    else:
        restored = restore(model_output, protected, "fa-AF").text
        final = postprocess(restored, "fa-AF").text
    assert final == (
        f"{iso('ADB')} مبلغ ۴۰ میلیون دالر به ۱۲٬۰۰۰ دهقان در ولایت کابل داد، "
        f"{iso('www.adb.org')} را ببینید؟"
    )


@given(_SENTENCES, st.sampled_from(["fa-AF", "ps-AF"]))
def test_postprocess_keeps_every_placeholder(text: str, lang: str) -> None:
    protected = protect(text, _KEEP_LATIN, lang)
    post = postprocess(protected.text, lang).text
    assert restore(post, protected, lang).flags == []
