"""The Jinja2 environment of the review app: templates beside the code, autoescaped.

Autoescaping is on for every template (not only ``*.html``), so any text a user typed – a
translation, a comment, an article title – is written as text, never as markup.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from markupsafe import Markup

from azad.calendar import solar_hijri_date
from azad.lang.common import LANGUAGES
from azad.review.diff import diff_html
from azad.review.threads import Comment, thread_json


def age(seconds: float) -> str:
    """A short age: ``5 min``, ``3 h``, ``12 d``."""
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


def when(value: dt.datetime | str, lang_code: str = "") -> Markup:
    """``{{ at|when(page.lang.code) }}``: the one way the app writes a moment. Local time
    (the server's time zone: ``TZ``), ``2026-03-21 14:05 +0430``, in a ``<time>`` element
    carrying the exact instant; on a Dari or Pashto page the Afghan solar date follows, as
    the editions print it (``۱ حمل ۱۴۰۵``). Times stored without a zone are UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone()
    shown = local.strftime("%Y-%m-%d %H:%M ") + _zone(local)
    out = Markup('<time datetime="{}">{}</time>').format(local.isoformat(), shown)
    if lang_code in LANGUAGES:
        solar = solar_hijri_date(local.date(), lang_code)
        out += Markup(' <span class="solar" lang="{}" dir="rtl">{}</span>').format(lang_code, solar)
    return out


def when_text(value: dt.datetime | str, lang_code: str = "") -> str:
    """What :func:`when` shows, as plain text (for the JSON API's ``at_shown``)."""
    return re.sub(r"<[^>]+>", "", str(when(value, lang_code)))


def _zone(moment: dt.datetime) -> str:
    """``UTC``, or the offset (``+0430``) where the zone has no abbreviation of letters."""
    name = moment.tzname() or ""
    return name if name.isalpha() else moment.strftime("%z")


templates = Environment(
    loader=PackageLoader("azad.web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    # The templates ship with the package: checking each one's mtime on every render cost
    # more than rendering the queue page's rows.
    auto_reload=False,
)


@pass_context
def person(context: Any, login: str | None) -> str:
    """``{{ c.by|person }}``: the display name of a login name (Latin script, as the page's
    ``chrome.names`` holds them), the login name itself without one."""
    if not login:
        return ""
    page = context.get("page")
    chrome = getattr(page, "chrome", None)
    names: dict[str, str] = getattr(chrome, "names", None) or {}
    return names.get(login, login)


templates.filters["person"] = person
templates.filters["age"] = age
templates.filters["when"] = when


def _worddiff(old: str, new: str, lang: str = "en") -> Markup:
    """``{{ old|worddiff(new, lang) }}``: the escaped word diff (:mod:`azad.review.diff`)."""
    return diff_html(old or "", new or "", lang=lang)


templates.filters["worddiff"] = _worddiff


def comment_json(c: Comment, lang_code: str, names: Mapping[str, str]) -> dict[str, object]:
    """A comment as the page's script gets it, from the API and the live stream alike:
    the moment as the app writes one, and people by their display names."""
    return {
        **thread_json(c),
        "at_shown": when_text(c.at, lang_code),
        "by_name": names.get(c.by, c.by),
        "resolved_by_name": names.get(c.resolved_by, c.resolved_by) if c.resolved_by else None,
    }
