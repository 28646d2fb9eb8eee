"""The preview of a translation: the edition as the renderer builds it, in the browser.

The same calls as publishing (:func:`azad.render.edition.build_edition`, then
:func:`azad.render.edition.render_html`, with the PO file read as
:mod:`azad.publish` reads it), so what the editor sees is what readers will get, with
three differences for a translation still in work:

* every entry's current text is used, a fuzzy one included (publishing would refuse it);
  a segment without any translation prints its English, isolated and marked ``lang="en"``
  by the renderer, and highlighted here;
* unless the translation is approved as it stands, the edition carries the draft stamp
  («پیش‌نویس» / «مسوده»), as ``azad publish --draft`` would;
* a bar above the edition says how many segments are unreviewed or missing.

The @font-face rules point at :data:`FONT_ROUTE` (the app serves the styles folder's
fonts there), and the page's only inline content is its ``<style>`` element, which the
route's CSP allows by hash (:func:`azad.web.security.inline_style_csp`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from azad.queue.status import status_of
from azad.queue.store import Queue
from azad.render.edition import render_html
from azad.render.styles import load_styles
from azad.web.templating import templates
from azad.workspace import Workspace

FONT_ROUTE = "/preview-fonts/"

# Screen layout around the edition's own stylesheet (which is written for A4 and
# e-readers), and the marks of the preview only.
PREVIEW_CSS = """
html { background: #ecebe6; }
body { max-width: 44em; margin: 1.5em auto; padding: 2.5em 3em; background: #fff;
  box-shadow: 0 1px 6px rgba(0, 0, 0, .25); }
.edition-article span[lang="en"] { background: #ffe2e2; }
.edition-article .byline span[lang="en"] { background: none; }
.preview-bar { font: 14px/1.4 system-ui, sans-serif; text-align: left; direction: ltr;
  background: #1d3557; color: #fff; padding: .5em 1em; margin: -2.5em -3em 2em -3em; }
.preview-bar .warn { color: #ffd166; }
"""


@dataclass(frozen=True)
class PreviewBar:
    status: str
    total: int
    unreviewed: int
    missing: int
    draft: bool


def font_file(ws: Workspace, name: str) -> Path | None:
    """The font of the workspace's styles called ``name``, or None: only the fonts the
    styles use are served, by file name (never a path)."""
    styles = load_styles(ws.root, ws.settings.edition)
    return next((f.path for f in styles.fonts if f.path.name == name), None)


def preview_html(
    ws: Workspace,
    slug: str,
    lang_key: str,
    font_url: Callable[[str], str] = lambda name: FONT_ROUTE + quote(name),
) -> str:
    """The edition of ``slug`` in ``lang_key`` as one HTML document, as it stands in the
    PO file now; ``font_url`` gives the address of a font file by name."""
    # azad.publish imports WeasyPrint: only when someone previews.
    from azad.publish import edition_of

    key = ws.language(lang_key)[0]
    snap = Queue(ws).snapshot(slug, key)
    status = status_of(snap).status
    draft = status not in ("approved", "published")
    edition, styles = edition_of(ws, snap, draft=draft, include_drafts=True)
    translations = snap.file.texts(snap.article.units(), include_drafts=True)
    ids = [ctx for ctx, _ in snap.article.units()]
    drafts = {u.ctx for u in snap.file.live if u.text and u.state == "draft"}
    bar = PreviewBar(
        status=status,
        total=len(ids),
        unreviewed=sum(1 for i in ids if i in drafts),
        missing=sum(1 for i in ids if not translations.get(i, "").strip()),
        draft=draft,
    )
    css = styles.font_face_css(lambda font: font_url(font.path.name))
    html = render_html(edition, styles, head_css=f"{css}\n{styles.edition_css}\n{PREVIEW_CSS}")
    banner = templates.get_template("preview_bar.html").render(page=bar)
    # The bar goes first in the body; the rest is the renderer's document untouched.
    return re.sub(r"<body\b[^>]*>", lambda m: m.group(0) + banner, html, count=1)
