"""The edition's HTML: one document for both the PDF and the EPUB.

:func:`build_edition` turns the data (Article, translations by segment id, site profile,
language) into an :class:`Edition`, every text already in its final form (translated,
dates in the edition's calendar, Latin runs and numbers isolated); :func:`render_html`
fills the Jinja2 templates of the styles folder with it.  The masthead (site header and
verse) and the article are rendered separately too, because the EPUB puts the masthead on
its title page and the article in its chapter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from markupsafe import Markup

from azad.calendar import edition_date
from azad.lang.common import Scan, apply_text_edits, check_lang, isolate
from azad.lang.digits import digit_edits, punctuation_edits
from azad.model import NOTE_ID, SUBTITLE_ID, TITLE_ID, Article, Block, Segment
from azad.render.bidi import isolate_runs
from azad.render.styles import Styles
from azad.settings import Language, SiteProfile


@dataclass(frozen=True)
class Credit:
    """Who translated, and whether they post-edited a machine draft."""

    translators: tuple[str, ...] = ()
    machine_draft: bool = False
    """At least one entry started as a machine draft."""
    test_model: bool = False
    """A machine draft came from the random-weight test model: the text is no translation."""


@dataclass(frozen=True)
class Text:
    """A run of the edition's text; ``lang`` is set where it is not the edition's
    language (an untranslated segment in a draft, an English title)."""

    text: str
    lang: str | None = None


@dataclass(frozen=True)
class BlockView:
    id: str
    kind: Literal["heading", "paragraph", "quote", "list"]
    level: int = 2
    ordered: bool = False
    texts: tuple[Text, ...] = ()
    """The sentences of a heading, paragraph or quote."""
    items: tuple[tuple[Text, ...], ...] = ()
    """The sentences of each list item."""


@dataclass(frozen=True)
class Edition:
    """Everything the templates show, in its final form."""

    lang: str
    """BCP 47 tag: ``fa-AF`` or ``ps-AF``."""
    site: SiteProfile
    section_label: str
    title: Text
    subtitle: Text | None
    author: Text | None
    date: str | None
    credit_line: str | None
    blocks: tuple[BlockView, ...]
    original_title: str
    original_url: str | None
    stamps: tuple[Text, ...] = ()
    """Printed on every page: draft, test model."""
    labels: Mapping[str, str] = field(default_factory=dict)
    plain_title: str = ""
    """The title without isolates, for metadata (PDF info, OPF, catalog)."""
    plain_author: str = ""
    article_date: dt.date | None = None
    """The article's own date (EPUB ``dc:date``, the HTML's ``dcterms.created``)."""
    modified: dt.datetime | None = None
    """When the content was approved: the editions' modification date, so that the same
    approved content always gives the same bytes (None: a draft, rendered now)."""
    closing: str | None = None
    """The closing line after the body, as the site prints it (``Author, Month D, YYYY``):
    the author's name as this edition prints it and the date in its language and calendar;
    None where the original has none."""
    note: Text | None = None
    """The translated note about the author, after the closing line."""


def build_edition(
    article: Article,
    translations: Mapping[str, str],
    site: SiteProfile,
    lang_key: str,
    language: Language,
    styles: Styles,
    *,
    credit: Credit = Credit(),
    authors: Mapping[str, Mapping[str, str]] | None = None,
    draft: bool = False,
) -> Edition:
    """The edition of ``article`` in ``language``: ``translations`` maps segment ids to
    translated text (an id missing or empty falls back to the English, which only a draft
    may contain); ``authors`` maps English author names to ``{lang_key: name}``."""
    lang = check_lang(language.code)
    labels = styles.labels[lang]
    meta = article.meta

    def tr(segment_id: str, english: str) -> Text:
        translated = translations.get(segment_id, "").strip()
        if translated:
            # Numbers in Eastern Arabic-Indic digits even where a translator typed ASCII
            # ones (see localize_numbers).
            return Text(isolate_runs(localize_numbers(translated), styles.abbreviations))
        # English as a whole is one left-to-right run: isolating its words one by one
        # would let the bidi algorithm reorder them around its punctuation.
        return Text(isolate(english), lang="en")

    author: Text | None = None
    plain_author = ""
    if meta.author:
        known = (authors or {}).get(meta.author, {}).get(lang_key)
        plain_author = known or meta.author
        author = (
            Text(isolate_runs(known, styles.abbreviations))
            if known
            else Text(isolate(meta.author), "en")
        )

    stamps: list[Text] = []
    if draft:
        stamps.append(Text(labels["draft"]))
    if credit.test_model:
        stamps.append(Text(labels["test_model"]))
        stamps.append(Text(labels["test_model_latin"], lang="en"))

    title = tr(TITLE_ID, meta.title)
    date = edition_date(meta.date, lang) if meta.date else None
    return Edition(
        lang=lang,
        site=site,
        section_label=language.section_label,
        title=title,
        subtitle=tr(SUBTITLE_ID, meta.subtitle) if meta.subtitle else None,
        author=author,
        date=date,
        credit_line=credit_line(credit, labels),
        blocks=tuple(_block(b, tr) for b in article.blocks),
        original_title=meta.title,
        original_url=_link(meta.url),
        stamps=tuple(stamps),
        labels=labels,
        plain_title=_plain(title.text),
        plain_author=plain_author,
        article_date=meta.date,
        closing=closing_line(author, date, labels) if meta.has_closing_line else None,
        note=tr(NOTE_ID, meta.author_note) if meta.author_note else None,
    )


CLOSING_TEMPLATE = "{author}، {date}"
"""The closing line where the styles' labels.toml has no ``closing`` of its own."""


def closing_line(author: Text | None, date: str | None, labels: Mapping[str, str]) -> str | None:
    """«نام نویسنده، ۲۴ حوت ۱۴۰۳ (۱۴ مارچ ۲۰۲۵)»: the site's ``Author, Month D, YYYY`` with
    the name as the edition prints it (isolated) and the edition's date; None with neither."""
    if author is None and date is None:
        return None
    name = author.text if author is not None else ""
    if author is None or date is None:
        return name or date
    template = labels.get("closing", CLOSING_TEMPLATE)
    return template.replace("{author}", name).replace("{date}", date)


_FOREIGN_DIGIT = re.compile("[0-9\u0660-\u0669]")
_NUMBER_EDITS = frozenset({"thousands separator", "decimal separator", "percent sign"})


def localize_numbers(text: str) -> str:
    """Numbers of a reviewed translation in the editions' convention: Eastern digits,
    ٬ for thousands, ٫ for the decimal point, ٪ (``3,400`` → ``۳٬۴۰۰``).  Latin words
    (COVID-19) and isolated text keep theirs.  Only numbers: the reviewed wording and
    punctuation are the translator's, and nothing of Dari's letter folding touches Pashto."""
    if not _FOREIGN_DIGIT.search(text):
        return text  # the common case, without the character-by-character scan
    scan = Scan(text)
    edits = digit_edits(scan) + [e for e in punctuation_edits(scan) if e.reason in _NUMBER_EDITS]
    return apply_text_edits(text, edits)[0]


def credit_line(credit: Credit, labels: Mapping[str, str]) -> str | None:
    """«ترجمه: …» or, for a post-edited machine draft, «ترجمهٔ ماشینی، بازبینی‌شده توسط …»
    (Pashto «ژباړه: …», «ماشیني ژباړه، بیاکتنه: …»); None without names."""
    names = [isolate_runs(n.strip()) for n in credit.translators if n.strip()]
    if not names:
        return None
    joined = names[0]
    if len(names) > 1:
        joined = (
            labels["names_separator"].join(names[:-1]) + labels["names_last_separator"] + names[-1]
        )
    template = labels["credit_machine"] if credit.machine_draft else labels["credit"]
    return template.replace("{names}", joined)


_Translate = Callable[[str, str], Text]
"""(segment id, English) → the text to print."""


def _block(block: Block, tr: _Translate) -> BlockView:
    def texts(segments: Sequence[Segment]) -> tuple[Text, ...]:
        return tuple(tr(s.id, s.text) for s in segments)

    if block.kind == "list":
        return BlockView(
            id=block.id,
            kind="list",
            ordered=block.ordered,
            items=tuple(texts(item.segments) for item in block.items),
        )
    return BlockView(
        id=block.id,
        kind=block.kind,
        # h1 is the title; the article's headings start at h2 and stop at h6.
        level=min(max(block.level or 2, 2), 6),
        texts=texts(block.segments),
    )


def _plain(text: str) -> str:
    return "".join(c for c in text if c not in "\u2066\u2067\u2068\u2069")


def render_parts(edition: Edition, styles: Styles, *, book: bool = False) -> tuple[str, str]:
    """The masthead's and the article's HTML fragments (well-formed XHTML, so pandoc's
    EPUB template can take the masthead as it is).  ``book``: the article as the EPUB's
    chapter, without the title, byline, date and credit that its title page shows."""
    env = styles.templates
    masthead = env.get_template("masthead.html.j2").render(e=edition)
    article = env.get_template("article.html.j2").render(e=edition, book=book)
    return masthead, article


def render_html(edition: Edition, styles: Styles, *, head_css: str = "") -> str:
    """The whole edition as one HTML document (the PDF's input); ``head_css`` goes into a
    ``<style>`` element (the @font-face rules)."""
    masthead, article = render_parts(edition, styles)
    return styles.templates.get_template("edition.html.j2").render(
        e=edition,
        masthead=Markup(masthead),
        article=Markup(article),
        head_css=Markup(head_css),
    )


def _link(url: str | None) -> str | None:
    """The original's address as a link only when it is a web address: a ``javascript:``
    or ``data:`` URL in an article's metadata must not become a live link in an edition."""
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        return url
    return None
