"""The HTML reading edition: the edition's masthead and article as a web page.

The same :class:`~azad.render.edition.Edition` and templates as the PDF and the EPUB
(``masthead.html.j2``, ``article.html.j2``) inside ``reading.html.j2``, with
``edition.css`` and the screen rules of ``reading.css``: right to left, the verse's
hemistichs side by side and stacked under about 480 px, no script.  Its fonts are WOFF2
files subset to the characters of this page (:mod:`azad.render.fonts`), written beside it;
every link is relative (the PDF and EPUB beside it, the catalog one folder up), so
``output/`` can be copied to any static web host.  Nothing here reads the clock: the
same edition gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from azad.render.edition import Edition, render_parts
from azad.render.epub import text_of
from azad.render.fonts import characters, subset_font
from azad.render.styles import Styles

CATALOG = "../index.html"


@dataclass(frozen=True)
class ReadingEdition:
    html: bytes
    fonts: dict[str, bytes]
    """File name (beside the page) → WOFF2 bytes."""


def font_file(slug: str, stem: str) -> str:
    """``salang.Vazirmatn-Bold.woff2``: per page, since each is subset to its page."""
    return f"{slug}.{stem}.woff2"


def render_reading(
    edition: Edition, styles: Styles, slug: str, *, font_cache: Path | None = None
) -> ReadingEdition:
    """The reading edition of ``edition``, published as ``<slug>.html`` beside
    ``<slug>.pdf`` and ``<slug>.epub``; ``font_cache``: the workspace's cache, for the
    font subsets."""
    masthead, article = render_parts(edition, styles)
    chars = characters(
        text_of(masthead), text_of(article), edition.plain_title, edition.site.name,
        *edition.labels.values(), "PDF EPUB",
    )  # fmt: skip
    fonts = {
        font_file(slug, font.path.stem): subset_font(
            font.path, chars, "woff2", cache_dir=font_cache
        )
        for font in styles.fonts
    }
    faces = styles.font_face_css(lambda font: font_file(slug, font.path.stem))
    links = {"pdf": f"{slug}.pdf", "epub": f"{slug}.epub", "catalog": CATALOG}
    html = styles.templates.get_template("reading.html.j2").render(
        e=edition,
        masthead=Markup(masthead),
        article=Markup(article),
        css=Markup(f"{faces}\n{styles.edition_css}\n{styles.reading_css}"),
        links=links,
    )
    return ReadingEdition(html.encode("utf-8"), fonts)
