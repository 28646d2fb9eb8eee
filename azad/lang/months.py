"""Gregorian month names as written in Afghanistan (``languages.md``)."""

from __future__ import annotations

from typing import Final

from azad.lang.common import DARI, PASHTO, check_lang

ENGLISH_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

GREGORIAN_MONTHS: Final[dict[str, tuple[str, ...]]] = {
    DARI: (
        "جنوری", "فبروری", "مارچ", "اپریل", "می", "جون",
        "جولای", "اگست", "سپتمبر", "اکتوبر", "نومبر", "دسمبر",
    ),
    # Pashto spellings keep their own letters: ي (U+064A) in جنوري, ې in اپرېل, ۍ in مۍ,
    # ګ in اګست.
    PASHTO: (
        "جنوري", "فبروري", "مارچ", "اپرېل", "مۍ", "جون",
        "جولای", "اګست", "سپتمبر", "اکتوبر", "نومبر", "دسمبر",
    ),
}  # fmt: skip


def gregorian_month(month: int, lang: str) -> str:
    """The name of Gregorian ``month`` (1–12) in ``lang``."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1–12")
    return GREGORIAN_MONTHS[check_lang(lang)][month - 1]
