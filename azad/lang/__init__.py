"""Dari (``fa-AF``) and Pashto (``ps-AF``) writing conventions applied to MT output.

* :mod:`azad.lang.digits` – Eastern Arabic-Indic digits, number separators, punctuation;
* :mod:`azad.lang.dari` – Persian letter forms and the Iranian → Dari lexicon;
* :mod:`azad.lang.pashto` – Pashto (letters left alone but Arabic kaf);
* :mod:`azad.lang.postedit` – :func:`postprocess`, one entry point for both;
* :mod:`azad.lang.months` – Gregorian month names as written in Afghanistan.
"""

from azad.lang.common import (
    DARI,
    FSI,
    LANGUAGES,
    PASHTO,
    PDI,
    ZWNJ,
    Postedit,
    Substitution,
    check_lang,
    isolate,
)
from azad.lang.dari import (
    Lexicon,
    LexiconEntry,
    default_lexicon,
    fold_dari,
    load_lexicon,
    parse_lexicon,
    postprocess_dari,
)
from azad.lang.digits import (
    isolate_dates,
    localize_digits,
    localize_number,
    localize_punctuation,
    to_ascii_digits,
    to_eastern_digits,
)
from azad.lang.months import GREGORIAN_MONTHS, gregorian_month
from azad.lang.pashto import fold_pashto, postprocess_pashto
from azad.lang.postedit import postprocess

__all__ = [
    "DARI",
    "FSI",
    "GREGORIAN_MONTHS",
    "LANGUAGES",
    "PASHTO",
    "PDI",
    "ZWNJ",
    "Lexicon",
    "LexiconEntry",
    "Postedit",
    "Substitution",
    "check_lang",
    "default_lexicon",
    "fold_dari",
    "fold_pashto",
    "gregorian_month",
    "isolate",
    "isolate_dates",
    "load_lexicon",
    "localize_digits",
    "localize_number",
    "localize_punctuation",
    "parse_lexicon",
    "postprocess",
    "postprocess_dari",
    "postprocess_pashto",
    "to_ascii_digits",
    "to_eastern_digits",
]
