"""The translation memory: segments of approved and published translations.

The rows are kept by the queue's cache refresh (:mod:`azad.review.index`) in an SQLite
FTS5 table, so a fuzzy lookup asks the full-text index for a few candidates sharing words
with the English and scores only those (difflib ratio), instead of comparing against every
approved sentence. TMX export goes through translate-toolkit.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from translate.storage.tmx import tmxfile

from azad.fsutil import atomic_write_bytes
from azad.review.db import connect
from azad.review.index import refresh
from azad.workspace import Workspace

_WORD = re.compile(r"\w{2,}")
_CANDIDATES = 30


@dataclass(frozen=True)
class TMMatch:
    source: str
    target: str
    score: float
    """1.0 for the same English; otherwise difflib's similarity ratio."""
    slug: str
    ctx: str

    @property
    def exact(self) -> bool:
        return self.score >= 1.0

    @property
    def percent(self) -> int:
        return int(self.score * 100)


def lookup(
    ws: Workspace,
    english: list[str],
    lang_key: str,
    *,
    exclude_slug: str,
    limit: int = 3,
) -> list[list[TMMatch]]:
    """Best matches for each English sentence among other articles' approved segments.

    The caller refreshes the cache first if it needs the newest approvals (the editor
    page does, through the queue refresh)."""
    min_score = ws.settings.review.tm_min_similarity
    out: list[list[TMMatch]] = []
    with connect(ws) as conn:
        for sentence in english:
            words = list(dict.fromkeys(w.lower() for w in _WORD.findall(sentence)))
            if not words:
                out.append([])
                continue
            query = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
            rows = conn.execute(
                "SELECT slug, ctx, source, target FROM tm WHERE tm MATCH ? AND lang = ? "
                "AND slug != ? ORDER BY rank LIMIT ?",
                (f"source: ({query})", lang_key, exclude_slug, _CANDIDATES),
            ).fetchall()
            found: dict[tuple[str, str], TMMatch] = {}
            for slug, ctx, source, target in rows:
                score = (
                    1.0
                    if source == sentence
                    else difflib.SequenceMatcher(None, source, sentence).ratio()
                )
                if score >= min_score and (source, target) not in found:
                    found[(source, target)] = TMMatch(source, target, score, slug, ctx)
            out.append(sorted(found.values(), key=lambda m: -m.score)[:limit])
    return out


def export_tmx(ws: Workspace, dest: Path, lang_keys: list[str]) -> int:
    """Write the approved segments of ``lang_keys`` as TMX (English source); return how
    many translation units were written."""
    refresh(ws)
    store = tmxfile(sourcelanguage="en")
    seen: set[tuple[str, str, str]] = set()
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT lang, source, target FROM tm ORDER BY slug, lang, rowid"
        ).fetchall()
    codes = {key: ws.settings.languages[key].code for key in lang_keys}
    for lang, source, target in rows:
        if lang not in codes or not target or (lang, source, target) in seen:
            continue
        seen.add((lang, source, target))
        store.addtranslation(source, "en", target, codes[lang])
    atomic_write_bytes(dest, bytes(store))
    return len(seen)
