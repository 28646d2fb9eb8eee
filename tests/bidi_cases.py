# ruff: noqa: E501  (the table reads best one case a line)
"""The bidi table: Latin runs with their punctuation inside Dari and Pashto sentences.

Each case is a reviewed translation and what the editions must make of it, with ``[`` and
``]`` standing for FSI and PDI: an abbreviation's period, and the closing bracket or
quotation mark of a Latin run, inside its isolate; a sentence's own final punctuation after
a Latin word outside, in the sentence's direction; an abbreviation that ends the sentence
prints its period once, inside.  ``tests/test_bidi_table.py`` checks them as text
(:func:`azad.render.bidi.isolate_runs`), as the isolates' content in the HTML and the EPUB,
and as glyph positions in the PDF.
"""

from __future__ import annotations

from azad.lang.common import FSI, PDI

CASES: list[tuple[str, str, str]] = [
    # (what it checks, the translation, the expected text)
    ("abbreviation mid-sentence", "سازمان U.N. گزارش تازه نشر کرد.", "سازمان [U.N.] گزارش تازه نشر کرد."),
    ("abbreviation ends the sentence", "این گزارش را U.N.", "این گزارش را [U.N.]"),
    ("abbreviation's period once", "این گزارش را U.N..", "این گزارش را [U.N.]"),
    ("two abbreviations", "کشورهای U.S. و U.K. موافقت کردند.", "کشورهای [U.S.] و [U.K.] موافقت کردند."),
    ("title before a name", "به گفتهٔ Dr. Karimi آب کم است.", "به گفتهٔ [Dr. Karimi] آب کم است."),
    ("abbreviation from the table", "گندم، جو etc. را کشت کردند.", "گندم، جو [etc.] را کشت کردند."),
    ("lower-case initials", "برای نمونه e.g. دریاها.", "برای نمونه [e.g.] دریاها."),
    ("time with initials", "جلسه ساعت 9 a.m. آغاز شد.", "جلسه ساعت [۹] [a.m.] آغاز شد."),
    ("Latin word ends the sentence", "این را شرکت Microsoft گفت و نه Google.", "این را شرکت [Microsoft] گفت و نه [Google]."),
    ("not an abbreviation", "آنان به Plan B.", "آنان به [Plan B]."),
    ("URL ends the sentence", "متن کامل در www.afgazad.com.", "متن کامل در [www.afgazad.com]."),
    ("URL with a path ends it", "گزارش: https://example.org/kabul/report.", "گزارش: [https://example.org/kabul/report]."),
    ("URL in brackets", "سایت (www.afgazad.com) را ببینید.", "سایت [(www.afgazad.com)] را ببینید."),
    ("number with a unit", "سرعت آب 10 km/h است.", "سرعت آب [۱۰] [km/h] است."),
    ("decimal with a unit", "سطح آب 3.5 m پایین رفت.", "سطح آب [۳٫۵] [m] پایین رفت."),
    ("percent", "کمتر از 10% ذخیره می‌شود.", "کمتر از [۱۰٪] ذخیره می‌شود."),
    ("Latin word with digits ends it", "این بیماری COVID-19.", "این بیماری [COVID-19]."),
    ("quoted English title", "کتاب “The Great Game” را خواند.", "کتاب [“The Great Game”] را خواند."),
    ("quoted title ends it", "او کتاب “The Great Game”.", "او کتاب [“The Great Game”]."),
    ("straight quotes", 'فلم "Kabul Express" را دیدیم.', 'فلم ["Kabul Express"] را دیدیم.'),
    ("quotation with its period", "او گفت “It is over.”", "او گفت [“It is over.”]"),
    ("acronym in brackets", "بانک انکشاف آسیایی (ADB) پول داد.", "بانک انکشاف آسیایی [(ADB)] پول داد."),
    ("name with its acronym", "Asian Development Bank (ADB) پول داد.", "[Asian Development Bank (ADB)] پول داد."),
    ("acronym before the Arabic comma", "بانک (ADB)، بانک جهانی", "بانک [(ADB)]، بانک جهانی"),
    ("abbreviation in brackets ends it", "سازمان ملل (U.N.).", "سازمان ملل [(U.N.)]."),
    ("two names, Arabic comma", "Microsoft، Google و Apple", "[Microsoft]، [Google] و [Apple]"),
    ("phrase with a Latin comma", "برچسب machine draft, not reviewed دارد.", "برچسب [machine draft, not reviewed] دارد."),
    ("Pashto abbreviation", "د U.N. راپور خپور شو.", "د [U.N.] راپور خپور شو."),
    ("Pashto, ends with it", "دا خبره U.S. وکړه.", "دا خبره [U.S.] وکړه."),
]  # fmt: skip


def visible(text: str) -> str:
    """``text`` with FSI and PDI written as ``[`` and ``]``."""
    return text.replace(FSI, "[").replace(PDI, "]")


def isolates(expected: str) -> list[str]:
    """The content of each isolate of an expected text."""
    out, depth, current = [], 0, ""
    for char in expected:
        if char == "[":
            depth, current = depth + 1, ""
        elif char == "]":
            depth -= 1
            out.append(current)
        elif depth:
            current += char
    return out
