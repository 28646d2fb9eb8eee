"""The Jinja2 environment of the review app: templates beside the code, autoescaped.

Autoescaping is on for every template (not only ``*.html``), so any text a user typed – a
translation, a comment, an article title – is written as text, never as markup.
"""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from azad.review.diff import diff_html


def age(seconds: float) -> str:
    """A short age: ``5 min``, ``3 h``, ``12 d``."""
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


def when(value: dt.datetime | str) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.strftime("%Y-%m-%d %H:%M UTC")


templates = Environment(
    loader=PackageLoader("azad.web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["age"] = age
templates.filters["when"] = when


def _worddiff(old: str, new: str, lang: str = "en") -> Markup:
    """``{{ old|worddiff(new, lang) }}``: the escaped word diff (:mod:`azad.review.diff`)."""
    return diff_html(old or "", new or "", lang=lang)


templates.filters["worddiff"] = _worddiff
