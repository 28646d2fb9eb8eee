"""The EPUB 3 edition: the edition's article HTML through pandoc.

pandoc reads the article fragment (the same HTML as the PDF's, without the page rules),
splits it into chapters and writes the package.  Our template
(``styles/templates/edition.epub3``) puts ``dir="rtl"`` and ``lang`` on every content
document and makes the title page the site's header and verse; metadata sets
``dc:language``, ``page-progression-direction="rtl"``, ``dc:date`` (the article's date)
and ``dcterms:modified`` (the approval time, through ``SOURCE_DATE_EPOCH``, which pandoc
also uses for the zip entries' times); the fonts are embedded, subset to the characters
the book uses (:mod:`azad.render.fonts`).  pandoc labels the hidden landmarks of the
navigation document in English whatever the language, so they are relabelled in the
edition's language afterwards, through an XML parser (lxml).

Everything that goes in is fixed by the approved content (identifier, dates, fonts), so the
same approved content gives a byte-identical EPUB.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import lxml.html
import pypandoc
from lxml import etree
from markupsafe import Markup

from azad.errors import AzadError
from azad.render.edition import Edition, render_parts
from azad.render.fonts import characters, subset_font
from azad.render.styles import Styles
from azad.text import xml_safe

PANDOC_TIMEOUT_S = 120
NAV_DOCUMENT = "EPUB/nav.xhtml"
PACKAGE_DOCUMENT = "EPUB/content.opf"
CHAPTER_DOCUMENT = "EPUB/text/ch001.xhtml"
OPF_NS = "http://www.idpf.org/2007/opf"
# EPUB Accessibility 1.1: what the book offers, stated in its package (schema.org's
# accessibility properties, read by reading systems and checked by Ace by DAISY).
ACCESSIBILITY = (
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
    ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
    ("a11y:certifiedBy", "Azad Press"),
)
SUMMARY_DEFAULT = (
    "The full text of the article in reading order, with headings and a table of contents "
    "for navigation and a text alternative for the cover image; text can be resized. "
    "No known hazards."
)
# Landmark types pandoc writes → the label of labels.toml naming them.
LANDMARK_LABELS = {
    "titlepage": "title_page",
    "toc": "contents",
    "bodymatter": "start",
    "cover": "cover",
}
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
# Zip entry times need a moment; a draft (no approval) is stamped with this one rather than
# the clock, so that two renders of one draft are identical too.
EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


class RenderError(AzadError):
    """A renderer failed (pandoc exited with an error)."""


@cache
def pandoc_path() -> str:
    return str(pypandoc.get_pandoc_path())


def find_pandoc() -> str:
    """Look for pandoc afresh, as pypandoc does (``PYPANDOC_PANDOC``, else its bundled one
    or ``PATH``), rather than take the path remembered (``azad doctor``)."""
    pypandoc.clean_pandocpath_cache()
    return str(pypandoc.get_pandoc_path())


def epub_css(styles: Styles) -> str:
    """The e-book's stylesheet: @font-face rules pointing at the embedded fonts
    (pandoc puts them in ``EPUB/fonts/``, the stylesheet in ``EPUB/styles/``) and the
    shared stylesheet; no page rules."""
    faces = styles.font_face_css(lambda font: f"../fonts/{font.path.name}")
    return f"{faces}\n{styles.edition_css}"


def epub_inputs(edition: Edition, styles: Styles) -> tuple[str, str]:
    """The article HTML pandoc reads and the title page's XHTML."""
    masthead, article = render_parts(edition, styles, book=True)
    titlepage = styles.templates.get_template("titlepage.html.j2").render(
        e=edition, masthead=Markup(masthead)
    )
    return article, titlepage


def modified(edition: Edition) -> dt.datetime:
    """The book's modification time: the approval, whole seconds, UTC."""
    moment = edition.modified or EPOCH
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return max(moment.astimezone(dt.UTC).replace(microsecond=0), EPOCH)


def subset_fonts(
    edition: Edition,
    styles: Styles,
    texts: Sequence[str],
    folder: Path,
    *,
    cache_dir: Path | None = None,
) -> list[Path]:
    """The edition's fonts subset to the characters of ``texts`` (the book's documents) and
    of its labels, written to ``folder`` under their own names (pandoc names the embedded
    files after them); ``cache_dir``: the workspace's cache (:func:`subset_font`)."""
    chars = characters(*map(text_of, texts), *edition.labels.values(), edition.plain_title)
    paths = []
    for font in styles.fonts:
        path = folder / font.path.name
        path.write_bytes(subset_font(font.path, chars, cache_dir=cache_dir))
        paths.append(path)
    return paths


def text_of(html: str) -> str:
    """The text of an HTML fragment, without its markup (whose tag and attribute names
    would otherwise pull the whole Latin alphabet into the fonts)."""
    if not html.strip():
        return ""
    return str(lxml.html.fragment_fromstring(html, create_parent="div").text_content())


def pandoc_args(
    edition: Edition,
    styles: Styles,
    *,
    identifier: str,
    titlepage: str,
    css_path: Path,
    fonts: Sequence[Path] | None = None,
) -> list[str]:
    """pandoc's command line (without input and output); ``fonts``: the files to embed
    (default: the styles' whole fonts)."""
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
    if edition.article_date:
        meta["date"] = edition.article_date.isoformat()
    meta = {key: xml_safe(value) for key, value in meta.items()}
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
    paths = fonts if fonts is not None else [font.path for font in styles.fonts]
    args += [f"--epub-embed-font={path}" for path in paths]
    return args


def pandoc_env(edition: Edition) -> dict[str, str]:
    """pandoc's environment: ``SOURCE_DATE_EPOCH`` is the approval time, which pandoc
    writes as ``dcterms:modified`` and as every zip entry's time."""
    return {**os.environ, "SOURCE_DATE_EPOCH": str(int(modified(edition).timestamp()))}


def html_to_epub(article_html: str, args: list[str], env: Mapping[str, str] | None = None) -> bytes:
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
                env=dict(env) if env is not None else None,
            )
        except subprocess.TimeoutExpired:
            raise RenderError(f"pandoc did not finish within {PANDOC_TIMEOUT_S} s") from None
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RenderError(f"pandoc failed: {message[0] if message else proc.returncode}")
        return out.read_bytes()


def render_epub(
    edition: Edition,
    styles: Styles,
    *,
    identifier: str,
    cover: bytes | None = None,
    font_cache: Path | None = None,
) -> bytes:
    """The EPUB edition of ``edition``; ``identifier`` is its stable ``dc:identifier``
    (``urn:uuid:…``), the same for every republication of one article and language;
    ``cover``: a PNG for the cover (the catalog's thumbnail of the PDF's first page),
    marked ``cover-image``; ``font_cache``: the workspace's cache, for the font subsets."""
    article, titlepage = epub_inputs(edition, styles)
    with tempfile.TemporaryDirectory(prefix="azad-epub-") as tmp:
        css_path = Path(tmp) / "edition.css"
        css_path.write_text(epub_css(styles), encoding="utf-8")
        fonts_dir = Path(tmp) / "fonts"
        fonts_dir.mkdir()
        fonts = subset_fonts(edition, styles, [article, titlepage], fonts_dir, cache_dir=font_cache)
        args = pandoc_args(
            edition,
            styles,
            identifier=identifier,
            titlepage=titlepage,
            css_path=css_path,
            fonts=fonts,
        )
        if cover is not None:
            cover_path = Path(tmp) / "cover.png"
            cover_path.write_bytes(cover)
            args.append(f"--epub-cover-image={cover_path}")
        epub = html_to_epub(article, args, pandoc_env(edition))
    return repack(epub, edition.labels, modified(edition))


def repack(epub: bytes, labels: Mapping[str, str], moment: dt.datetime) -> bytes:
    """``epub`` with the landmarks of its navigation document in the edition's language,
    the accessibility metadata in its package,
    ``mimetype`` first and stored (uncompressed) as EPUB requires (EPUBCheck 5 does not
    notice a compressed one, tests/test_publish.py checks it), and every entry dated
    ``moment`` with fixed attributes, so that the same content gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(epub))
    infos = sorted(source.infolist(), key=lambda i: i.filename != "mimetype")
    out = io.BytesIO()
    date_time = moment.astimezone(dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(out, "w") as target:
        for info in infos:
            data = source.read(info)
            if info.filename == NAV_DOCUMENT:
                data = relabel_nav(data, labels)
            elif info.filename == CHAPTER_DOCUMENT:
                data = drop_repeated_title(data)
            elif info.filename == PACKAGE_DOCUMENT:
                summary = labels.get("accessibility_summary", SUMMARY_DEFAULT)
                data = accessibility_metadata(data, summary)

            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            if info.filename == "mimetype":
                entry.compress_type = zipfile.ZIP_STORED
                target.writestr(entry, data)
            else:
                entry.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(entry, data, compresslevel=9)
    return out.getvalue()


def relabel_nav(nav: bytes, labels: Mapping[str, str]) -> bytes:
    """The navigation document with each landmark's label (``<a epub:type="toc">``) in the
    edition's language (labels.toml), set through lxml: no pattern over pandoc's markup."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    tree = etree.parse(io.BytesIO(nav), parser)
    links = tree.iterfind(f".//{{{XHTML_NS}}}a[@{{{EPUB_NS}}}type]")
    for link in links:
        name = LANDMARK_LABELS.get(link.get(f"{{{EPUB_NS}}}type", ""))
        if name and name in labels:
            for child in list(link):
                link.remove(child)
            link.text = labels[name]
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def _parse_xml(data: bytes) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    return etree.parse(io.BytesIO(data), parser)


def accessibility_metadata(opf: bytes, summary: str) -> bytes:
    """The package document with the EPUB Accessibility 1.1 metadata of
    :data:`ACCESSIBILITY` that pandoc did not write (it writes some) and
    ``schema:accessibilitySummary`` in the book's language, added to its ``<metadata>``."""
    tree = _parse_xml(opf)
    metadata = tree.find(f"{{{OPF_NS}}}metadata")
    if metadata is None:
        raise RenderError("pandoc wrote a package document without <metadata>")
    present = {
        (m.get("property"), (m.text or "").strip()) for m in metadata.iter(f"{{{OPF_NS}}}meta")
    }
    wanted = [*ACCESSIBILITY, ("schema:accessibilitySummary", summary)]
    if any(p == "schema:accessibilitySummary" for p, _ in present):
        wanted.pop()
    lines = "".join(
        f'    <meta property="{prop}">{escape(value)}</meta>\n'
        for prop, value in wanted
        if (prop, value) not in present
    )
    # Inserted as text before </metadata>'s line: through lxml they would carry an opf:
    # prefix.
    end = opf.rindex(b"</metadata>")
    end = opf.rindex(b"\n", 0, end) + 1
    return opf[:end] + lines.encode("utf-8") + opf[end:]


def drop_repeated_title(xhtml: bytes) -> bytes:
    """The chapter without the heading pandoc gives a chapter that has none (the book's
    title, which the title page shows just before): the title page carries the title,
    author, date and credit, once."""
    tree = _parse_xml(xhtml)
    section = tree.find(f".//{{{XHTML_NS}}}body/{{{XHTML_NS}}}section")
    first = section[0] if section is not None and len(section) else None
    if (
        first is None
        or first.tag != f"{{{XHTML_NS}}}h1"
        or "unnumbered" not in first.get("class", "")
    ):
        return xhtml
    section.remove(first)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")
