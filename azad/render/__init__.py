"""Renderers of the editions: data in (Article, translations, site profile, language),
data out (HTML text, PDF and EPUB bytes).  No file is written here; publishing
(:mod:`azad.publish`) does that.

* :mod:`azad.render.styles` – the styles folder, read once: fonts, stylesheets, templates,
  each language's wording;
* :mod:`azad.render.bidi` – Latin runs and numbers isolated inside right-to-left text;
* :mod:`azad.render.edition` – the edition's data and its HTML (one document for both);
* :mod:`azad.render.pdf` – the PDF through WeasyPrint;
* :mod:`azad.render.epub` – the EPUB 3 through pandoc.
"""

from azad.render.bidi import isolate_runs
from azad.render.edition import Credit, Edition, build_edition, render_html, render_parts
from azad.render.epub import RenderError, render_epub
from azad.render.pdf import render_pdf
from azad.render.styles import Styles, load_styles

__all__ = [
    "Credit",
    "Edition",
    "RenderError",
    "Styles",
    "build_edition",
    "isolate_runs",
    "load_styles",
    "render_epub",
    "render_html",
    "render_parts",
    "render_pdf",
]
