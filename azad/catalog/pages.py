"""The catalog's HTML pages: ``index.html`` (the site's masthead with the verse, a section
per language with its count and newest editions) and the older editions' pages
(``<lang>-2.html`` …), made from the editions' entries alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from markupsafe import Markup

from azad.catalog.entries import (
    ATOM,
    FONTS_DIR,
    INDEX,
    OPDS,
    OPDS_ACQUISITION,
    PAGE_SIZE,
    CatalogEntry,
)
from azad.lang.digits import DECIMAL_SEPARATOR, to_eastern_digits
from azad.render.styles import FAMILY, Styles
from azad.settings import Language, SiteProfile

CATALOG_CHARS = (
    "".join(
        chr(c)
        for lo, hi in (
            (0x20, 0x7E),
            (0xA0, 0xFF),
            (0x600, 0x6FF),
            (0x2010, 0x2027),
            (0x200C, 0x200F),
        )
        for c in range(lo, hi + 1)
    )
    + "\u2066\u2067\u2068\u2069"
)
"""What the catalog's font keeps: Basic Latin and Latin-1, the Arabic block (Dari and
Pashto letters, digits, punctuation), dashes and quotes, the joiners and bidi controls."""


def human_size(n: int, labels: Mapping[str, str]) -> str:
    """``1234567`` → ``۱٫۲ مگابایت``; under a megabyte in whole kilobytes."""
    if n >= 1_000_000:
        number = f"{n / 1_000_000:.1f}".replace(".", DECIMAL_SEPARATOR)
        return f"{to_eastern_digits(number)} {labels['megabytes']}"
    return f"{to_eastern_digits(str(max(1, round(n / 1000))))} {labels['kilobytes']}"


def language_page(key: str, page: int) -> str:
    """A language's catalog page ``page`` (1-based): the first is ``index.html``."""
    return INDEX if page == 1 else f"{key}-{page}.html"


def page_count(count: int, size: int) -> int:
    return max(1, -(-count // size))


def _masthead(site: SiteProfile, styles: Styles) -> Markup:
    # The editions' own masthead template, without stamps and section label.
    site_only = {"site": site, "stamps": (), "section_label": ""}
    return Markup(styles.templates.get_template("masthead.html.j2").render(e=site_only))


def render_index(
    entries: Sequence[CatalogEntry],
    site: SiteProfile,
    languages: Mapping[str, Language],
    styles: Styles,
    *,
    only: str | None = None,
    page: int = 1,
) -> str:
    """A catalog page: every language's section (its count, its newest :data:`PAGE_SIZE`
    editions and a link to the older ones), or, with ``only``, that language's page
    ``page``.  A language without editions says so in its own words."""
    sections = []
    for key, language in languages.items():
        if only is not None and key != only:
            continue
        labels = styles.labels[language.code]
        mine = [e for e in entries if e.lang_key == key]
        pages = page_count(len(mine), PAGE_SIZE)
        shown = mine[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        number = to_eastern_digits(str(len(mine)))
        page_text = ""
        if only is not None:
            page_text = labels["page"].format(
                page=to_eastern_digits(str(page)), pages=to_eastern_digits(str(pages))
            )
        sections.append(
            {
                "key": key,
                "lang": language.code,
                "heading": labels["catalog_title"],
                "count_text": labels["count"].format(count=number),
                "page_text": page_text,
                "labels": labels,
                "newer": language_page(key, page - 1) if page > 1 else None,
                "older": language_page(key, page + 1) if page < pages else None,
                "entries": [
                    {
                        "e": e,
                        "pdf_size": human_size(e.pdf_bytes, labels),
                        "epub_size": human_size(e.epub_bytes, labels),
                    }
                    for e in shown
                ],
            }
        )
    faces = "".join(
        f'@font-face {{ font-family: "{FAMILY["display"]}"; '
        f'src: url("{FONTS_DIR}/{catalog_font(f.path)}") format("woff2"); '
        f"font-weight: {f.weight}; }}\n"
        for f in styles.fonts
        if f.role == "display"
    )
    first = languages[only] if only else next(iter(languages.values()))
    return styles.templates.get_template("catalog.html.j2").render(
        site=site,
        masthead=_masthead(site, styles),
        lang=first.code,
        page_title=sections[0]["page_text"] if only and sections else "",
        total=len(entries),
        sections=sections,
        css=Markup(faces + styles.catalog_css),
        opds=OPDS,
        atom=ATOM,
        opds_type=OPDS_ACQUISITION,
    )


def catalog_font(path: Path) -> str:
    """``Vazirmatn-Bold.ttf`` → ``Vazirmatn-Bold.woff2``."""
    return f"{path.stem}.woff2"
