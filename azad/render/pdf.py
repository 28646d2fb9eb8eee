"""The PDF edition: the edition's HTML through WeasyPrint.

A4 with print margins and a running footer (``styles/print.css``), fonts embedded and
subset (WeasyPrint's default), metadata from the HTML head (title, author, language), and
a tagged PDF declared PDF/UA-1: the structure tree, the document language and the title
shown in the viewer's title bar are what a screen reader needs from a right-to-left text.
"""

from __future__ import annotations

from azad.render.edition import Edition, render_html
from azad.render.styles import Styles

PDF_VARIANT = "pdf/ua-1"


def pdf_css(styles: Styles) -> str:
    """The PDF's stylesheet: @font-face rules with file URLs, the shared stylesheet, then
    the print rules.  Inline in the HTML, so the HTML alone renders the edition."""
    faces = styles.font_face_css(lambda font: font.path.as_uri())
    return f"{faces}\n{styles.edition_css}\n{styles.print_css}"


def edition_pdf_html(edition: Edition, styles: Styles) -> str:
    """The whole HTML document the PDF is made from."""
    return render_html(edition, styles, head_css=pdf_css(styles))


def html_to_pdf(html: str, styles: Styles) -> bytes:
    """Typeset ``html``; relative URLs resolve against the styles folder."""
    # Imported here: WeasyPrint takes half a second to import, which every command that
    # only asks what there is to publish (``azad publish`` with nothing waiting) would pay.
    from weasyprint import HTML

    document = HTML(string=html, base_url=styles.folder.as_uri() + "/")
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return pdf


def render_pdf(edition: Edition, styles: Styles) -> bytes:
    """The PDF edition of ``edition``."""
    return html_to_pdf(edition_pdf_html(edition, styles), styles)
