"""The workspace glossary: loading, validation, matching, saving."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from azad.errors import InputError
from azad.glossary import (
    Glossary,
    GlossaryEntry,
    Match,
    dump_glossary,
    load_glossary,
    parse_glossary,
    save_glossary,
)

HEADER = "english\tdari\tpashto\tkeep_latin\tnote\n"


def write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "glossary.tsv"
    path.write_text(content, encoding="utf-8")
    return path


def test_load_a_glossary(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# Our glossary\n"
        + HEADER
        + "Kabul\tکابل\tکابل\t\tcapital\n"
        + "\n# banks\n"
        + "ADB\t\t\tyes\n"
        + "Herat  City \tشهر هرات\tد هرات ښار\tno\n",
    )
    glossary = load_glossary(path)
    assert glossary.entries == (
        GlossaryEntry("Kabul", "کابل", "کابل", False, "capital"),
        GlossaryEntry("ADB", "", "", True, ""),
        GlossaryEntry("Herat City", "شهر هرات", "د هرات ښار", False, ""),
    )
    assert glossary.preamble == ("# Our glossary",)


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing(tmp_path: Path) -> None:
    path = write(tmp_path, "pashto\tEnglish\tdari\nکابل\tKabul\tکابل\n")
    assert load_glossary(path).entries == (GlossaryEntry("Kabul", "کابل", "کابل"),)


def test_missing_file_is_an_empty_glossary(tmp_path: Path) -> None:
    glossary = load_glossary(tmp_path / "nothing" / "glossary.tsv")
    assert len(glossary) == 0
    assert glossary.find("Kabul") == []


def test_only_comments_is_an_empty_glossary(tmp_path: Path) -> None:
    assert len(load_glossary(write(tmp_path, "# nothing yet\n\n"))) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("english\tdari\n", "line 1: the header lacks the column(s) pashto"),
        ("english\tdari\tpashto\tfrench\n", "line 1: unknown column 'french'"),
        ("english\tdari\tpashto\tdari\n", "line 1: column 'dari' appears twice"),
        (
            HEADER + "Kabul\tکابل\tکابل\tno\tnote\textra\n",
            "line 2: 6 columns, but the header has 5",
        ),
        (HEADER + "\tکابل\tکابل\n", "line 2: the english cell is empty"),
        (
            HEADER + "Kabul\tکابل\n# c\nHerat\tهرات\nKabul\tکابل\n",
            "line 5: 'Kabul' is already on line 2",
        ),
        (HEADER + "ADB\t\t\tmaybe\n", "line 2: keep_latin must be yes, no or empty, not 'maybe'"),
    ],
)
def test_bad_glossary_names_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InputError) as caught:
        load_glossary(path)
    assert caught.value.path == str(path)
    assert message in caught.value.reason


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    path.write_bytes(HEADER.encode() + b"Kabul\t\xff\n")
    with pytest.raises(InputError, match="UTF-8"):
        load_glossary(path)


GLOSSARY = Glossary(
    (
        GlossaryEntry("Bank", "بانک", "بانک"),
        GlossaryEntry("Asian Development Bank", "بانک انکشاف آسیایی", "د آسیا پراختیايي بانک"),
        GlossaryEntry("Development", "انکشاف", ""),
        GlossaryEntry("provincial council", "شورای ولایتی", "ولایتي شورا"),
        GlossaryEntry("ADB", keep_latin=True),
        GlossaryEntry("Hindu Kush", "هندوکش", "هندوکش"),
    )
)


def test_find_prefers_the_longest_term() -> None:
    text = "The Asian Development Bank and the Bank."
    assert GLOSSARY.find(text) == [
        Match(4, 26, "Asian Development Bank", GLOSSARY.entries[1]),
        Match(35, 39, "Bank", GLOSSARY.entries[0]),
    ]


def test_find_is_case_sensitive_and_whole_word() -> None:
    assert GLOSSARY.find("the bank of the river") == []
    assert GLOSSARY.find("Banks and Bankers and ADBs and EBank") == []
    assert [m.matched for m in GLOSSARY.find("(Bank), Bank's")] == ["Bank", "Bank"]


def test_lower_case_entry_matches_at_the_start_of_a_sentence() -> None:
    found = GLOSSARY.find("Provincial council members met the provincial council.")
    assert [(m.matched, m.entry.english) for m in found] == [
        ("Provincial council", "provincial council"),
        ("provincial council", "provincial council"),
    ]
    assert GLOSSARY.find("PROVINCIAL COUNCIL") == []


def test_find_allows_any_white_space_between_words() -> None:
    found = GLOSSARY.find("the Hindu\n Kush")
    assert [(m.start, m.end, m.entry.english) for m in found] == [(4, 15, "Hindu Kush")]


def test_find_for_a_language_skips_entries_without_a_form_in_it() -> None:
    assert [m.matched for m in GLOSSARY.find("Development", "fa-AF")] == ["Development"]
    assert GLOSSARY.find("Development", "ps-AF") == []
    assert [m.matched for m in GLOSSARY.find("ADB", "ps-AF")] == ["ADB"]


def test_target() -> None:
    assert GLOSSARY.target("Asian Development Bank", "fa-AF") == "بانک انکشاف آسیایی"
    assert GLOSSARY.target("Asian Development Bank", "ps-AF") == "د آسیا پراختیايي بانک"
    assert GLOSSARY.target("ADB", "ps-AF") == "ADB"
    assert GLOSSARY.target("Development", "ps-AF") is None
    assert GLOSSARY.target("Provincial council", "fa-AF") == "شورای ولایتی"
    assert GLOSSARY.target("Mazar", "fa-AF") is None
    with pytest.raises(ValueError):
        GLOSSARY.target("Bank", "en")


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    glossary = Glossary(GLOSSARY.entries, ("# kept comment",))
    path = tmp_path / "translations" / "glossary" / "glossary.tsv"
    save_glossary(glossary, path)
    assert load_glossary(path) == glossary
    assert path.read_text(encoding="utf-8").splitlines()[:3] == [
        "# kept comment",
        "english\tdari\tpashto\tkeep_latin\tnote",
        "Bank\tبانک\tبانک\tno\t",
    ]
    assert [p.name for p in path.parent.iterdir()] == ["glossary.tsv"]  # no temporary left


_cell = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\t"
    ),
    max_size=8,
).map(str.strip)


@pytest.mark.slow
@given(
    st.lists(
        st.builds(
            GlossaryEntry,
            english=st.from_regex(r"[A-Z][a-z]{0,5}( [A-Za-z]{1,5}){0,2}", fullmatch=True),
            dari=_cell,
            pashto=_cell,
            keep_latin=st.booleans(),
            note=_cell,
        ),
        max_size=6,
        unique_by=lambda e: e.english,
    )
)
def test_dump_and_parse_round_trip(entries: list[GlossaryEntry]) -> None:
    glossary = Glossary(tuple(entries), ("# c",))
    assert parse_glossary(dump_glossary(glossary)) == glossary


def test_dump_refuses_cells_it_cannot_write() -> None:
    with pytest.raises(ValueError, match="tab"):
        dump_glossary(Glossary((GlossaryEntry("Kabul", "کا\tبل"),)))


def test_glossary_refuses_repeated_terms() -> None:
    with pytest.raises(ValueError, match="twice"):
        Glossary((GlossaryEntry("Kabul"), GlossaryEntry("Kabul")))


def test_with_entry_and_without() -> None:
    glossary = Glossary((GlossaryEntry("Kabul", "کابل", "کابل"),))
    updated = glossary.with_entry(GlossaryEntry("Kabul", "کابل", "کابل", note="capital"))
    assert updated.entries == (GlossaryEntry("Kabul", "کابل", "کابل", note="capital"),)
    added = updated.with_entry(GlossaryEntry("Herat", "هرات", "هرات"))
    assert [e.english for e in added] == ["Kabul", "Herat"]
    assert added.find("Herat") != []
    assert [e.english for e in added.without("Kabul")] == ["Herat"]
    assert glossary.find("Herat") == []  # the original is unchanged


def test_default_glossary_parses_and_has_real_entries() -> None:
    glossary = parse_glossary(
        (resources.files("azad") / "data" / "glossary.tsv").read_text(encoding="utf-8")
    )
    assert glossary.target("Kabul", "fa-AF") == "کابل"
    assert glossary.target("Herat", "ps-AF") == "هرات"
    assert glossary.target("Hindu Kush", "fa-AF") == "هندوکش"
    assert glossary.target("ADB", "fa-AF") == "ADB"
    assert glossary.preamble[0].startswith("# Azad Press glossary")


def test_a_changed_glossary_file_is_read_again(tmp_path: Path) -> None:
    """The parse is kept per version of the file: a save through the app (a new file) and
    a hand edit in place (the same file, rewritten) both show at the next read."""
    path = tmp_path / "glossary.tsv"
    header = "english\tdari\tpashto\n"
    path.write_text(header + "Herat\tهرات\tهرات\n", "utf-8")
    assert [e.english for e in load_glossary(path).entries] == ["Herat"]
    assert load_glossary(path) is load_glossary(path)  # one parse per version
    save_glossary(Glossary(load_glossary(path).entries[:0]), path)  # atomic: a new file
    assert load_glossary(path).entries == ()
    with path.open("w", encoding="utf-8") as fh:  # in place, as an editor program may
        fh.write(header + "Kabul\tکابل\tکابل\n")
    assert [e.english for e in load_glossary(path).entries] == ["Kabul"]
    path.unlink()
    assert load_glossary(path).entries == ()
