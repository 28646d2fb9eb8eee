"""Invisible-character slips (issue 24): a ZWNJ at the start or end, doubled, or beside a
space or punctuation, and characters a translation never needs, flagged by the review
checks (the ``invisible`` QA warning); correct ZWNJ inside a word, and the marks the
character bar inserts, are not."""

from __future__ import annotations

import pytest

from azad.lang.invisible import invisible_slips
from azad.review.qa import check_segment

ZWNJ = "\u200c"
ENGLISH = "The books arrived."


@pytest.mark.parametrize(
    ("text", "slips"),
    [
        (f"کتاب{ZWNJ}ها رسیدند.", []),  # a ZWNJ inside a word is spelling
        (f"می{ZWNJ}روم.", []),
        ("کتاب\u200fها رسیدند.", []),  # RLM, ALM and isolates are the character bar's
        ("\u2068ADB\u2069 کمک کرد.", []),
        (f"کتاب{ZWNJ}ها رسیدند.{ZWNJ}", ["trailing ZWNJ"]),
        (f"کتاب‌ها رسیدند{ZWNJ}\n", ["trailing ZWNJ"]),  # before a final newline too
        (f"{ZWNJ}کتاب‌ها رسیدند.", ["leading ZWNJ"]),
        (f"کتاب{ZWNJ}{ZWNJ}ها رسیدند.", ["doubled ZWNJ"]),
        (f"کتاب{ZWNJ} ها رسیدند.", ["ZWNJ beside a space or punctuation"]),
        (f"کتاب‌ها{ZWNJ}، رسیدند.", ["ZWNJ beside a space or punctuation"]),
        ("کتاب\u200bها رسیدند.", ["zero-width space U+200B"]),
        ("\ufeffکتاب‌ها رسیدند.", ["byte order mark U+FEFF"]),
        ("کتاب\u00adها رسیدند.", ["soft hyphen U+00AD"]),
        (
            "\u202bکتاب‌ها رسیدند.\u202c",
            ["right-to-left embedding U+202B", "pop directional formatting U+202C"],
        ),
        (
            f"{ZWNJ}کتاب{ZWNJ}{ZWNJ}ها\u200b{ZWNJ}",
            ["leading ZWNJ", "trailing ZWNJ", "doubled ZWNJ", "zero-width space U+200B"],
        ),
    ],
)
def test_invisible_slips_are_named(text: str, slips: list[str]) -> None:
    assert invisible_slips(text) == slips


@pytest.mark.parametrize("lang", ["fa-AF", "ps-AF"])
def test_the_review_checks_flag_a_trailing_zwnj_in_both_languages(lang: str) -> None:
    clean = check_segment(ENGLISH, "کتاب‌ها رسیدند.", lang)
    assert not [w for w in clean if w.kind == "invisible"]
    flagged = [
        w for w in check_segment(ENGLISH, f"کتاب‌ها رسیدند.{ZWNJ}", lang) if w.kind == "invisible"
    ]
    assert [w.message for w in flagged] == ["invisible characters: trailing ZWNJ"]
