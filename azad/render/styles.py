"""The styles folder: fonts, the one stylesheet, print rules, templates and each language's
wording of the editions.

``styles/`` (or the folder ``[edition] styles_dir`` names) holds::

    fonts/*.ttf          the fonts azad.toml names (OFL, licences beside them)
    edition.css          the stylesheet of both editions, PDF and EPUB
    print.css            page rules of the PDF only (@page, running footer, stamps)
    catalog.css          the readers' catalog page
    reading.css          the HTML reading edition's screen rules
    labels.toml          per language code: credit lines, stamps, navigation titles …
    abbreviations.txt    abbreviations whose period stays in their Latin run (optional:
                         the project's table where a styles folder has none)
    templates/*.html.j2  the edition's HTML (Jinja2)
    templates/edition.epub3   pandoc's EPUB 3 template with dir="rtl"

Everything is read once by :func:`load_styles` (the edge); renderers only take the
resulting :class:`Styles`.  An editor changes fonts, wording or layout here and in
``azad.toml``, never in code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Literal

import jinja2
from fontTools.ttLib import TTFont, TTLibError

from azad.errors import InputError
from azad.lang.common import isolate
from azad.render.bidi import (
    ABBREVIATIONS_FILE,
    isolate_markup,
    isolate_runs,
    project_abbreviations,
    read_abbreviations,
)
from azad.render.xmlsafe import finalize
from azad.settings import EditionSettings

PROJECT_STYLES = Path(__file__).resolve().parents[2] / "styles"
"""The project's own styles folder (the repository's ``styles/``)."""

FontRole = Literal["body", "display"]
# The stylesheet names fonts by role; @font-face rules map the roles to the files
# azad.toml names, so changing a font never touches the CSS.
FAMILY = {"body": "Edition Body", "display": "Edition Display"}

REQUIRED_LABELS = (
    "credit",
    "credit_machine",
    "names_separator",
    "names_last_separator",
    "draft",
    "test_model",
    "test_model_latin",
    "original",
    "contents",
    "title_page",
    "start",
    "author",
    "date",
    "kilobytes",
    "megabytes",
    "catalog_title",
    "download",
    "read",
    "english_original",
    "catalog_link",
    "count",
    "empty",
    "catalog_empty",
    "older",
    "newer",
    "page",
)


@dataclass(frozen=True)
class FontFile:
    path: Path
    role: FontRole
    weight: int
    italic: bool


@dataclass(frozen=True)
class Styles:
    """Everything a renderer needs besides the article: read once, immutable."""

    folder: Path
    edition_css: str
    print_css: str
    catalog_css: str
    """The readers' catalog page (``output/index.html``)."""
    reading_css: str
    """The HTML reading edition's screen rules, after edition.css."""
    fonts: tuple[FontFile, ...]
    labels: dict[str, dict[str, str]]
    """Language code (``fa-AF``) → label name → text."""
    templates: jinja2.Environment = field(compare=False)
    epub_template: Path
    abbreviations: frozenset[str] = frozenset()
    """Abbreviations whose period belongs to their Latin run (:mod:`azad.render.bidi`)."""

    def font_face_css(self, url: Callable[[FontFile], str]) -> str:
        """@font-face rules for every font, ``url(font)`` giving its address (a file URL
        for WeasyPrint, ``../fonts/NAME`` inside an EPUB)."""
        rules = []
        for font in self.fonts:
            rules.append(
                "@font-face {\n"
                f'  font-family: "{FAMILY[font.role]}";\n'
                f'  src: url("{url(font)}");\n'
                f"  font-weight: {font.weight};\n"
                f"  font-style: {'italic' if font.italic else 'normal'};\n"
                "}\n"
            )
        return "".join(rules)


def styles_folder(root: Path, settings: EditionSettings) -> Path:
    return (root / settings.styles_dir).resolve() if settings.styles_dir else PROJECT_STYLES


def load_styles(root: Path, settings: EditionSettings) -> Styles:
    """Read the styles folder of the workspace at ``root``; a missing or damaged file is an
    :class:`InputError` naming it.  Cached per process (publishing many articles reads the
    fonts and templates once) and keyed on the files' modification times, so a
    long-running process (the web app) sees an editor's change."""
    folder = styles_folder(root, settings)
    if not folder.is_dir():
        raise InputError(folder, "styles folder not found ([edition] styles_dir in azad.toml)")
    return _load(folder, tuple(settings.body_fonts), tuple(settings.display_fonts), _stamp(folder))


def _stamp(folder: Path) -> tuple[tuple[str, int], ...]:
    files = [*folder.glob("*"), *folder.glob("fonts/*"), *folder.glob("templates/*")]
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in files if p.is_file()))


@cache
def _load(
    folder: Path,
    body_fonts: tuple[str, ...],
    display_fonts: tuple[str, ...],
    stamp: tuple[tuple[str, int], ...],
) -> Styles:
    del stamp  # only part of the cache key
    roles: tuple[tuple[FontRole, tuple[str, ...]], ...] = (
        ("body", body_fonts),
        ("display", display_fonts),
    )
    fonts = tuple(_font(folder / "fonts" / name, role) for role, names in roles for name in names)
    labels_path = folder / "labels.toml"
    try:
        labels = tomllib.loads(_read(labels_path))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(labels_path, f"not valid TOML: {exc}") from None
    for lang, table in labels.items():
        missing = [k for k in REQUIRED_LABELS if not isinstance(table.get(k), str)]
        if not isinstance(table, dict) or missing:
            raise InputError(labels_path, f"[{lang}] lacks {', '.join(missing)}")
    epub_template = folder / "templates" / "edition.epub3"
    _read(epub_template)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt variable is an error, not a blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # No character XML cannot carry reaches an HTML, XHTML or EPUB file.
        finalize=finalize,
    )
    table = folder / ABBREVIATIONS_FILE
    abbreviations = (
        read_abbreviations(_read(table).splitlines())
        if table.is_file()
        else project_abbreviations()
    )
    # Latin runs and numbers inside RTL text
    env.filters["bidi"] = partial(isolate_runs, abbreviations=abbreviations)
    env.filters["ltr"] = isolate  # a wholly left-to-right text (the English title)
    # Isolates as elements too (<span dir>): browsers and e-readers honour those.
    env.filters["isolates"] = isolate_markup
    return Styles(
        folder=folder,
        edition_css=_read(folder / "edition.css"),
        print_css=_read(folder / "print.css"),
        catalog_css=_read(folder / "catalog.css"),
        reading_css=_read(folder / "reading.css"),
        fonts=fonts,
        labels=labels,
        templates=env,
        epub_template=epub_template,
        abbreviations=abbreviations,
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "missing from the styles folder") from None
    except UnicodeDecodeError:
        raise InputError(path, "not valid UTF-8") from None


def _font(path: Path, role: FontRole) -> FontFile:
    # Weight and style come from the font itself, so azad.toml only lists file names.
    try:
        with TTFont(path, lazy=True) as font:
            weight = int(font["OS/2"].usWeightClass)
            italic = bool(font["OS/2"].fsSelection & 1)
    except FileNotFoundError:
        raise InputError(path, "font file not found ([edition] fonts in azad.toml)") from None
    except (TTLibError, KeyError, OSError) as exc:
        raise InputError(path, f"not a usable TrueType/OpenType font: {exc}") from None
    return FontFile(path=path, role=role, weight=weight, italic=italic)
