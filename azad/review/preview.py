"""The translated article, and its preview in the browser.

:func:`translated_article` puts each segment's translation in place of the English (a
segment without one keeps its English, marked by the preview); :func:`preview_html` turns
it into HTML. Until the renderer (``azad.render``) exists that is a plain right-to-left
page; then :func:`preview_html` becomes a call to the renderer's HTML writer.
"""

from __future__ import annotations

from dataclasses import dataclass

from azad.model import Article, Block, ListItem, Segment
from azad.po import load_po
from azad.review.segments import po_file
from azad.review.templating import templates
from azad.settings import Language
from azad.store import ArticleStore
from azad.workspace import Workspace


@dataclass(frozen=True)
class Translated:
    article: Article
    missing: frozenset[str]
    """Ids of segments that have no translation (their English stands in)."""
    unreviewed: frozenset[str]


def translated_article(ws: Workspace, slug: str, lang_key: str) -> Translated:
    catalog = load_po(po_file(ws, slug, lang_key))
    texts = {e.msgctxt: e for e in catalog if not e.obsolete}
    article = ArticleStore(ws).load(slug).article
    missing: set[str] = set()
    unreviewed: set[str] = set()

    def tr(seg: Segment) -> Segment:
        entry = texts.get(seg.id)
        if entry is None or not entry.msgstr:
            missing.add(seg.id)
            return seg
        if "fuzzy" in entry.flags:
            unreviewed.add(seg.id)
        return Segment(id=seg.id, text=entry.msgstr)

    blocks = [
        Block(
            id=b.id,
            kind=b.kind,
            level=b.level,
            ordered=b.ordered,
            segments=[tr(s) for s in b.segments],
            items=[ListItem(id=i.id, segments=[tr(s) for s in i.segments]) for i in b.items],
        )
        for b in article.blocks
    ]
    return Translated(
        Article(
            meta=article.meta.model_copy(update={"language": _code(ws, lang_key)}), blocks=blocks
        ),
        frozenset(missing),
        frozenset(unreviewed),
    )


def _code(ws: Workspace, lang_key: str) -> str:
    return ws.settings.languages[lang_key].code


@dataclass(frozen=True)
class PreviewContext:
    translated: Translated
    lang: Language
    site_name: str


def preview_html(ws: Workspace, slug: str, lang_key: str) -> str:
    """The edition as HTML: the one call to swap for the renderer's HTML once it exists."""
    translated = translated_article(ws, slug, lang_key)
    ctx = PreviewContext(translated, ws.settings.languages[lang_key], ws.settings.site.name)
    return templates.get_template("preview.html").render(page=ctx)
