"""Solar Hijri dates with Afghan month names, in Eastern Arabic-Indic digits."""

from __future__ import annotations

import datetime as dt

import pytest

from azad.calendar import (
    SOLAR_MONTHS,
    edition_date,
    gregorian_date,
    solar_hijri_date,
    solar_month,
    to_solar_hijri,
)
from azad.lang import DARI, PASHTO


@pytest.mark.parametrize(
    ("date", "dari", "pashto"),
    [
        (dt.date(2025, 3, 14), "۲۴ حوت ۱۴۰۳", "۲۴ کب ۱۴۰۳"),
        (dt.date(2026, 3, 20), "۲۹ حوت ۱۴۰۴", "۲۹ کب ۱۴۰۴"),
        (dt.date(2026, 3, 21), "۱ حمل ۱۴۰۵", "۱ وری ۱۴۰۵"),
    ],
)
def test_solar_hijri_dates_of_the_spec(date: dt.date, dari: str, pashto: str) -> None:
    assert solar_hijri_date(date, DARI) == dari
    assert solar_hijri_date(date, PASHTO) == pashto


def test_leap_year_end_and_new_year() -> None:
    # 1403 is a leap year: Hut has 30 days, and Nowruz 1404 falls on 21 March 2025.
    assert to_solar_hijri(dt.date(2025, 3, 20)) == (1403, 12, 30)
    assert to_solar_hijri(dt.date(2025, 3, 21)) == (1404, 1, 1)


def test_month_names_are_afghan_not_iranian() -> None:
    assert SOLAR_MONTHS[DARI][0] == "حمل" and SOLAR_MONTHS[PASHTO][0] == "وری"
    names = {solar_month(m, lang) for m in range(1, 13) for lang in (DARI, PASHTO)}
    assert not names & {"فروردین", "اسفند", "مهر", "دی"}
    # Pashto keeps its own letters (never folded to Persian forms).
    assert solar_month(3, PASHTO) == "غبرګولی" and "\u06ab" in solar_month(3, PASHTO)
    assert solar_month(9, PASHTO).endswith("\u06cd")  # لیندۍ


def test_gregorian_date_and_the_edition_line() -> None:
    date = dt.date(2025, 11, 2)
    assert gregorian_date(date, DARI) == "۲ نومبر ۲۰۲۵"
    line = edition_date(date, PASHTO)
    assert line == "۱۱ لړم ۱۴۰۴ (۲ نومبر ۲۰۲۵)"
    assert not any("0" <= c <= "9" for c in line)
    # No hyphen between numbers: the bidi algorithm could reorder them.
    assert "-" not in edition_date(dt.date(2026, 3, 21), DARI)


def test_bad_month_and_language() -> None:
    with pytest.raises(ValueError):
        solar_month(13, DARI)
    with pytest.raises(ValueError):
        solar_hijri_date(dt.date(2025, 1, 1), "fa-IR")
