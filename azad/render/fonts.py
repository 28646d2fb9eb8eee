"""Fonts subset to the characters an edition uses (fontTools' subsetter).

The EPUB and the HTML reading edition embed only the glyphs their text needs: a two-page
article uses a hundred-odd characters of fonts that cover thousands.  Arabic script needs
more than the characters' own glyphs: the subsetter keeps every OpenType layout feature
(``*``) and follows GSUB from the kept characters, so initial, medial, final and ligature
forms and mark positioning survive.

Subsets are byte-for-byte reproducible (no timestamp is recalculated), so republishing
the same text gives the same font files and the same EPUB.  Making one costs 0.2–0.5 s
(WOFF2 more), and every ``azad publish`` is a new process: subsets are kept in the
workspace's cache as well as in memory, keyed by the font's bytes, the characters and
the fontTools version.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path
from typing import Literal

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

from azad.fsutil import FileCache

Flavor = Literal["ttf", "woff2"]

# Always kept, whatever the text: the space family, digits in both scripts (list numbers
# and page furniture come from CSS, not from the text), the bidi controls the editions
# insert, ZWNJ/ZWJ (Dari and Pashto spelling) and the basic punctuation of both scripts.
ALWAYS = (
    " \u00a0.,:;!?()[]«»-–—/%"
    "0123456789"
    "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9"
    "\u060c\u061b\u061f\u066a\u066b\u066c\u06d4"
    "\u200c\u200d\u200e\u200f\u2066\u2067\u2068\u2069"
)


def characters(*texts: str) -> str:
    """The distinct characters of ``texts`` and :data:`ALWAYS`, sorted (a stable cache key
    and a stable subset)."""
    chars: set[str] = set(ALWAYS)
    for text in texts:
        chars.update(text)
    return "".join(sorted(chars))


DISK_FILES = 256
"""Subsets kept in a workspace's cache (tens of kilobytes each), the most recently used."""


def subset_font(
    path: Path, chars: str, flavor: Flavor = "ttf", *, cache_dir: Path | None = None
) -> bytes:
    """``path`` reduced to the glyphs ``chars`` need (with their shaping forms), as TrueType
    or WOFF2 bytes; ``cache_dir``: a workspace's cache, where subsets are kept between
    processes."""
    stat = path.stat()
    return _subset(path, stat.st_mtime_ns, stat.st_size, chars, flavor, cache_dir)


@lru_cache(maxsize=64)
def _subset(
    path: Path, mtime_ns: int, size: int, chars: str, flavor: Flavor, cache_dir: Path | None
) -> bytes:
    del mtime_ns, size  # only part of the cache key: an edited font is subset again
    if cache_dir is None:
        return _make_subset(path, chars, flavor)
    disk = FileCache(cache_dir, "fonts", f".{flavor}", DISK_FILES)
    key = hashlib.sha256(
        "\0".join((fontTools.version, flavor, chars)).encode() + path.read_bytes()
    ).hexdigest()
    found = disk.get(key)
    if found is not None:
        return found
    data = _make_subset(path, chars, flavor)
    disk.put(key, data)
    return data


def _make_subset(path: Path, chars: str, flavor: Flavor) -> bytes:
    options = subset.Options()
    options.layout_features = ["*"]  # Arabic shaping: init/medi/fina, ligatures, marks
    options.name_IDs = ["*"]  # family names and the OFL notice stay in the font
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False  # screens and e-readers hint themselves; saves a third
    options.flavor = None if flavor == "ttf" else flavor
    font = TTFont(str(path), recalcTimestamp=False, lazy=False)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in chars])
        subsetter.subset(font)
        font.flavor = options.flavor
        out = io.BytesIO()
        font.save(out, reorderTables=True)
    finally:
        font.close()
    return out.getvalue()
