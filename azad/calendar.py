"""Dates in the editions: the Afghan solar Hijri date and the Gregorian date, in Dari or
Pashto, with Eastern Arabic-Indic digits (``languages.md``).

Afghanistan's solar Hijri calendar has the same arithmetic as the Iranian one (month *i*
is month *i*; 2026-03-21 is 1 Hamal 1405), so the conversion is jdatetime's; only the month
names differ: Afghanistan names the months after the zodiac (حمل، ثور …) in Dari and uses
Pashto names (وری، غویی …) in Pashto, never the Iranian ones (فروردین …).
"""

from __future__ import annotations

import datetime as dt
from typing import Final, NamedTuple

import jdatetime

from azad.lang.common import DARI, PASHTO, check_lang
from azad.lang.digits import to_eastern_digits
from azad.lang.months import gregorian_month

SOLAR_MONTHS: Final[dict[str, tuple[str, ...]]] = {
    DARI: (
        "حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله",
        "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت",
    ),
    # Pashto spellings keep their own letters: ګ in غبرګولی، ښ in چنګاښ، ړ in لړم، ۍ in لیندۍ.
    PASHTO: (
        "وری", "غویی", "غبرګولی", "چنګاښ", "زمری", "وږی",
        "تله", "لړم", "لیندۍ", "مرغومی", "سلواغه", "کب",
    ),
}  # fmt: skip


class SolarDate(NamedTuple):
    year: int
    month: int
    """1 (Hamal) to 12 (Hut)."""
    day: int


def to_solar_hijri(date: dt.date) -> SolarDate:
    """The solar Hijri date of a Gregorian ``date``."""
    j = jdatetime.date.fromgregorian(date=date)
    return SolarDate(j.year, j.month, j.day)


def solar_month(month: int, lang: str) -> str:
    """The Afghan name of solar Hijri ``month`` (1–12) in ``lang``."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1–12")
    return SOLAR_MONTHS[check_lang(lang)][month - 1]


def solar_hijri_date(date: dt.date, lang: str) -> str:
    """``2025-03-14`` → ``۲۴ حوت ۱۴۰۳`` (Dari) or ``۲۴ کب ۱۴۰۳`` (Pashto)."""
    solar = to_solar_hijri(date)
    return to_eastern_digits(f"{solar.day} {solar_month(solar.month, lang)} {solar.year}")


def gregorian_date(date: dt.date, lang: str) -> str:
    """``2025-03-14`` → ``۱۴ مارچ ۲۰۲۵``, with the month names written in Afghanistan."""
    return to_eastern_digits(f"{date.day} {gregorian_month(date.month, lang)} {date.year}")


def edition_date(date: dt.date, lang: str) -> str:
    """The date line of an edition: the solar Hijri date, then the Gregorian one in
    parentheses, ``۲۴ حوت ۱۴۰۳ (۱۴ مارچ ۲۰۲۵)``.  No hyphens between numbers, so the
    bidi algorithm cannot reorder them (``languages.md``)."""
    return f"{solar_hijri_date(date, lang)} ({gregorian_date(date, lang)})"
