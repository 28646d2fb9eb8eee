"""The EPUB 3 edition: the edition's article HTML through pandoc.

pandoc reads the article fragment (the same HTML as the PDF's, without the page rules),
splits it into chapters and writes the package.  Our template
(``styles/templates/edition.epub3``) puts ``dir="rtl"`` and ``lang`` on every content
document and makes the title page the site's header and verse; metadata sets
``dc:language`` and ``page-progression-direction="rtl"``; the fonts are embedded.  pandoc
labels the hidden landmarks of the navigation document in English whatever the language,
so they are relabelled in the edition's language afterwards.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pypandoc
from markupsafe import Markup

from azad.errors import AzadError
from azad.render.edition import Edition, render_parts
from azad.render.styles import Styles
from azad.text import xml_safe

PANDOC_TIMEOUT_S = 120
NAV_DOCUMENT = "EPUB/nav.xhtml"
# Landmark types pandoc writes → the label of labels.toml naming them.
LANDMARK_LABELS = {"titlepage": "title_page", "toc": "contents", "bodymatter": "start"}


class RenderError(AzadError):
    """A renderer failed (pandoc exited with an error)."""


@cache
def pandoc_path() -> str:
    return str(pypandoc.get_pandoc_path())


def epub_css(styles: Styles) -> str:
    """The e-book's stylesheet: @font-face rules pointing at the embedded fonts
    (pandoc puts them in ``EPUB/fonts/``, the stylesheet in ``EPUB/styles/``) and the
    shared stylesheet; no page rules."""
    faces = styles.font_face_css(lambda font: f"../fonts/{font.path.name}")
    return f"{faces}\n{styles.edition_css}"


def epub_inputs(edition: Edition, styles: Styles) -> tuple[str, str]:
    """The article HTML pandoc reads and the title page's XHTML."""
    masthead, article = render_parts(edition, styles)
    titlepage = styles.templates.get_template("titlepage.html.j2").render(
        e=edition, masthead=Markup(masthead)
    )
    return article, titlepage


def pandoc_args(
    edition: Edition, styles: Styles, *, identifier: str, titlepage: str, css_path: Path
) -> list[str]:
    """pandoc's command line (without input and output)."""
    meta = {
        "title": edition.plain_title,
        "lang": edition.lang,
        "dir": "rtl",
        "page-progression-direction": "rtl",
        "toc-title": edition.labels["contents"],
        "identifier": identifier,
        "publisher": edition.site.name,
    }
    if edition.plain_author:
        meta["author"] = edition.plain_author
    args = ["--from=html", "--to=epub3", f"--template={styles.epub_template}"]
    # -M values are literal strings (a metadata file would parse them as Markdown).
    for key, value in meta.items():
        args.append(f"--metadata={key}:{xml_safe(value)}")
    args += [
        f"--variable=titlepage-html:{xml_safe(titlepage)}",
        f"--css={css_path}",
        "--epub-title-page=true",
        "--split-level=1",
        "--toc-depth=2",
    ]
    args += [f"--epub-embed-font={font.path}" for font in styles.fonts]
    return args


def html_to_epub(article_html: str, args: list[str]) -> bytes:
    """Run pandoc on ``article_html`` with ``args``; the EPUB's bytes."""
    with tempfile.TemporaryDirectory(prefix="azad-epub-") as tmp:
        out = Path(tmp) / "edition.epub"
        try:
            proc = subprocess.run(
                [pandoc_path(), *args, f"--output={out}"],
                # pandoc copies characters XML forbids into content.opf and the XHTML.
                input=xml_safe(article_html).encode("utf-8"),
                capture_output=True,
                timeout=PANDOC_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise RenderError(f"pandoc did not finish within {PANDOC_TIMEOUT_S} s") from None
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RenderError(f"pandoc failed: {message[0] if message else proc.returncode}")
        return out.read_bytes()


def render_epub(edition: Edition, styles: Styles, *, identifier: str) -> bytes:
    """The EPUB edition of ``edition``; ``identifier`` is its stable ``dc:identifier``
    (``urn:uuid:…``), the same for every republication of one article and language."""
    article, titlepage = epub_inputs(edition, styles)
    with tempfile.TemporaryDirectory(prefix="azad-epub-css-") as tmp:
        css_path = Path(tmp) / "edition.css"
        css_path.write_text(epub_css(styles), encoding="utf-8")
        args = pandoc_args(
            edition, styles, identifier=identifier, titlepage=titlepage, css_path=css_path
        )
        epub = html_to_epub(article, args)
    return relabel_landmarks(epub, edition.labels)


def relabel_landmarks(epub: bytes, labels: Mapping[str, str]) -> bytes:
    """``epub`` with the landmarks of its navigation document in the edition's language."""
    source = zipfile.ZipFile(io.BytesIO(epub))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == NAV_DOCUMENT:
                data = _relabel(data.decode("utf-8"), labels).encode("utf-8")
            # The mimetype entry stays first and uncompressed, as EPUB requires.  Level 1:
            # the fonts are most of the bytes, and recompressing them harder costs more
            # time than it saves space.
            if info.filename == "mimetype":
                target.writestr(info, data, compress_type=zipfile.ZIP_STORED)
            else:
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


_LANDMARK = re.compile(r'(<a href="[^"]*" epub:type="(\w+)">)([^<]*)(</a>)')


def _relabel(nav: str, labels: Mapping[str, str]) -> str:
    def label(m: re.Match[str]) -> str:
        name = LANDMARK_LABELS.get(m.group(2))
        return m.group(1) + (labels[name] if name else m.group(3)) + m.group(4)

    return _LANDMARK.sub(label, nav)
