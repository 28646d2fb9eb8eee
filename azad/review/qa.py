"""Quality checks of one translated segment against its English, for the reviewer.

Our own checks know Dari and Pashto conventions (Eastern digits, Persian letter forms,
Unicode isolates around Latin text); punctuation and spacing come from translate-toolkit's
``StandardChecker``, with Persian punctuation rules (both languages write ، ؛ ؟).
Each check returns short human-readable warnings; none of them blocks a save.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from translate.filters import checks
from translate.storage.pocommon import pounit

from azad.glossary import Glossary
from azad.lang.common import DARI, PLACEHOLDER_PATTERN, outside_isolates
from azad.lang.digits import to_ascii_digits
from azad.lang.invisible import invisible_slips

_TOOLKIT_CHECKS = [
    "doublespacing",
    "startwhitespace",
    "endwhitespace",
    "doublewords",
    "brackets",
    "endpunc",
    "puncspacing",
]
_checker = checks.StandardChecker(
    checkerconfig=checks.CheckerConfig(targetlanguage="fa"), limitfilters=_TOOLKIT_CHECKS
)
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")


@dataclass(frozen=True)
class QAWarning:
    kind: str
    """``numbers``, ``glossary``, ``placeholder``, ``latin``, ``unchanged``, ``letters``,
    ``invisible`` (:mod:`azad.lang.invisible`), ``empty``, or the name of a
    translate-toolkit check."""
    message: str


def _numbers(text: str) -> Counter[str]:
    plain = to_ascii_digits(text).replace("٬", ",").replace("٫", ".")
    # Thousands separators differ between the languages; the digits must not.
    return Counter(m.group().replace(",", "") for m in _NUMBER.finditer(plain))


def check_segment(
    english: str, target: str, lang_code: str, glossary: Glossary | None = None
) -> list[QAWarning]:
    """Warnings for ``target``, the ``lang_code`` (``fa-AF``/``ps-AF``) translation of
    ``english``."""
    if not target.strip():
        return [QAWarning("empty", "no translation")]
    out: list[QAWarning] = []
    src, dst = _numbers(english), _numbers(PLACEHOLDER_PATTERN.sub(" ", target))
    if src != dst:
        missing = sorted((src - dst).elements())
        extra = sorted((dst - src).elements())
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"not in the English {', '.join(extra)}"] if extra else []
        )
        out.append(QAWarning("numbers", "numbers differ: " + "; ".join(parts)))
    if glossary is not None:
        for match in glossary.find(english, lang_code):
            form = match.entry.target(lang_code)
            if form and form not in target:
                out.append(QAWarning("glossary", f"glossary: {match.matched} → {form}"))
    for m in PLACEHOLDER_PATTERN.finditer(target):
        out.append(QAWarning("placeholder", f"placeholder left: {m.group()}"))
    if target.strip() == english.strip():
        out.append(QAWarning("unchanged", "same as the English"))
    else:
        allowed = _latin_allowed(english, glossary)
        outside = outside_isolates(PLACEHOLDER_PATTERN.sub(" ", target))
        latin = [w for w in _LATIN_WORD.findall(outside) if w not in allowed]
        if latin:
            out.append(QAWarning("latin", "Latin text left: " + ", ".join(dict.fromkeys(latin))))
    slips = invisible_slips(target)
    if slips:
        out.append(QAWarning("invisible", "invisible characters: " + ", ".join(slips)))
    arabic = "يك" if lang_code == DARI else "ك"
    found = sorted({c for c in target if c in arabic})
    if found:
        names = {"ي": "Arabic yeh ي (write ی)", "ك": "Arabic kaf ك (write ک)"}
        out.append(QAWarning("letters", ", ".join(names[c] for c in found)))
    unit = pounit(english)
    unit.target = target
    for name, message in _checker.run_filters(unit).items():
        out.append(QAWarning(name, str(message)))
    return out


def _latin_allowed(english: str, glossary: Glossary | None) -> set[str]:
    # Acronyms of the English (ADB, COVID) may stay in Latin; so may terms the glossary
    # keeps in Latin.
    allowed = {w for w in _LATIN_WORD.findall(english) if w.isupper()}
    if glossary is not None:
        for entry in glossary:
            if entry.keep_latin:
                allowed.update(_LATIN_WORD.findall(entry.english))
    return allowed
