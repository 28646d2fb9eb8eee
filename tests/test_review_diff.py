"""The word diffs of the review app (azad/review/diff.py) and what a translator can insert
with one click (azad/review/chips.py)."""

from __future__ import annotations

import html
import re

import pytest

from azad.glossary import parse_glossary
from azad.review.chips import charbar, chips_for
from azad.review.diff import Token, changed, diff_html, diff_tokens

ZWNJ = "\u200c"


def test_word_diff_marks_removed_and_added_words_in_order() -> None:
    assert diff_tokens("متن همکار درباره تونل", "متن من درباره تونل") == [
        Token("eq", "متن"),
        Token("del", "همکار"),
        Token("ins", "من"),
        Token("eq", "درباره تونل"),
    ]
    assert diff_tokens("", "a b") == [Token("ins", "a b")]
    assert diff_tokens("a b", "") == [Token("del", "a b")]
    assert diff_tokens("same  text", "same text") == [Token("eq", "same text")]
    assert not changed("same  text", "same text\n") and changed("a", "b")


def test_a_zwnj_joined_dari_word_is_one_word() -> None:
    # "می‌شود" and "میشود" differ only by the ZWNJ: the whole word is shown as changed,
    # and the joined word is never cut at its ZWNJ.
    tokens = diff_tokens("این کار میشود", f"این کار می{ZWNJ}شود")
    assert tokens == [Token("eq", "این کار"), Token("del", "میشود"), Token("ins", f"می{ZWNJ}شود")]


def test_frequent_words_are_not_junk() -> None:
    # difflib's autojunk drops words that make up over 1 % of a text of 200 words or more;
    # a long paragraph's "the" must still align.
    old = " ".join(["the"] * 10)
    new = " ".join(["x", "the"] * 110)
    assert [t.text for t in diff_tokens(old, new) if t.op == "eq"] == ["the"] * 10


def test_diff_html_escapes_every_word() -> None:
    out = str(diff_html('<script>alert("x")</script> a&b', "<img src=x onerror=alert(1)> a&b"))
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in out
    assert "<del>&lt;script&gt;" in out and "<ins>&lt;img" in out
    assert "<span>a&amp;b</span>" in out
    # Only the diff's own elements are markup.
    assert set(re.findall(r"</?([a-z]+)", out)) == {"span", "del", "ins"}


def test_diff_html_keeps_dari_and_pashto_right_to_left() -> None:
    out = str(diff_html("کابل زیبا", "کابل بزرگ", lang="fa-AF"))
    assert out.startswith('<span class="wdiff" dir="rtl" lang="fa-AF">')
    assert "<del>زیبا</del> <ins>بزرگ</ins>" in out
    assert str(diff_html("a", "b", lang="ps-AF")).startswith('<span class="wdiff" dir="rtl"')
    assert str(diff_html("a", "b")).startswith('<span class="wdiff" dir="ltr" lang="en">')
    # A language code cannot smuggle markup either.
    smuggled = str(diff_html("a", "b", lang='"><script>'))
    assert "<script>" not in smuggled and 'lang="&#34;&gt;&lt;script&gt;"' in smuggled


def test_diff_html_text_reads_back_as_the_new_and_old_words() -> None:
    old, new = "The tunnel links Kabul", "The long tunnel links Kabul and Mazar"
    out = str(diff_html(old, new))
    without_del = re.sub(r"<del>.*?</del>", "", out)
    without_ins = re.sub(r"<ins>.*?</ins>", "", out)
    words = lambda s: html.unescape(re.sub(r"<[^>]+>", " ", s)).split()  # noqa: E731
    assert words(without_del) == new.split() and words(without_ins) == old.split()


GLOSSARY = parse_glossary(
    "english\tdari\tpashto\tkeep_latin\tnote\n"
    "Salang Tunnel\tتونل سالنگ\tد سالنګ تونل\t\t\n"
    "Hindu Kush\tهندوکش\tهندوکش\t\t\n"
)


def test_chips_are_the_protected_parts_written_as_the_edition_writes_them() -> None:
    english = "The Salang Tunnel, 3,400 metres up the Hindu Kush, was built by the USSR in 1964."
    chips = chips_for(english, "fa-AF", GLOSSARY)
    assert [(c.kind, c.source, c.text) for c in chips] == [
        ("glossary", "Salang Tunnel", "تونل سالنگ"),
        ("number", "3,400", "۳٬۴۰۰"),
        ("glossary", "Hindu Kush", "هندوکش"),
        ("acronym", "USSR", "\u2068USSR\u2069"),
        ("number", "1964", "۱۹۶۴"),
    ]
    # The button shows the acronym without its invisible isolates, and says what it does.
    assert chips[3].label == "USSR"
    assert chips[1].accessible_name == "Insert number 3,400 as ۳٬۴۰۰"
    # Pashto gets its own glossary form; the same number once only.
    pashto = chips_for("Salang Tunnel: 1964 and 1964 again.", "ps-AF", GLOSSARY)
    assert [c.text for c in pashto] == ["د سالنګ تونل", "۱۹۶۴"]


def test_character_bar_has_the_marks_punctuation_and_eastern_digits() -> None:
    for code in ("fa-AF", "ps-AF"):
        keys = charbar(code)
        chars = [k.char for k in keys]
        assert chars[:9] == ["\u200c", "\u061c", "\u200f", "\u200e", "،", "؛", "؟", "«", "»"]
        assert chars[9:] == list("۰۱۲۳۴۵۶۷۸۹")  # U+06F0–U+06F9, not Arabic-Indic ٠–٩
        # Invisible characters get a visible label and a spoken name.
        zwnj = keys[0]
        assert zwnj.invisible and zwnj.label == "ZWNJ" and "non-joiner" in zwnj.name
        # The spoken name begins with the visible label (WCAG 2.5.3, label in name).
        assert all(k.name.startswith(k.label) for k in keys if k.invisible)
        assert all(k.name for k in keys)
    with pytest.raises(ValueError):
        charbar("fa-IR")
