"""The model's confidence in a translation's machine drafts, for "least confident first".

Every machine draft carries the model's mean log-probability per token in its provenance
(:func:`azad.mt.engine.mean_log_prob`); ``exp`` of it, 0 to 1, is what the editor shows.
A translation's confidence is taken over the segments still waiting for a translator
(not reviewed) that have a machine score: its lowest and its mean. A translation with none
(all reviewed, or drafted before scores were recorded) has no confidence and sorts last.

Per process, each PO file's figures are cached under its inode, mtime and size, so sorting
the queue re-reads only files that changed since (the queue page ``stat``s them anyway).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from azad.errors import AzadError
from azad.queue.store import Queue, stat_key
from azad.queue.units import Unit
from azad.workspace import Workspace


@dataclass(frozen=True)
class TranslationConfidence:
    lowest: float | None
    """The least confident waiting segment's confidence (0 to 1)."""
    mean: float | None
    """Mean confidence of the waiting segments with a score."""
    scored: int
    """How many waiting segments have a score."""


NONE = TranslationConfidence(None, None, 0)


def segment_confidence(unit: Unit) -> float | None:
    """The model's confidence in ``unit``'s machine draft (0 to 1), or None."""
    return unit.provenance.confidence


def confidence_of_units(units: Iterable[Unit]) -> TranslationConfidence:
    values = [c for u in units if not u.reviewed and (c := segment_confidence(u)) is not None]
    if not values:
        return NONE
    return TranslationConfidence(min(values), math.fsum(values) / len(values), len(values))


_cache: dict[str, tuple[str, TranslationConfidence]] = {}
_cache_lock = threading.Lock()


def translation_confidence(ws: Workspace, slug: str, lang_key: str) -> TranslationConfidence:
    """The confidence of ``slug`` × ``lang_key``'s waiting machine drafts (cached per
    version of its PO file)."""
    queue = Queue(ws)
    path = str(queue.po_path(slug, lang_key))
    key = stat_key(path)
    if key is None:
        return NONE
    with _cache_lock:
        cached = _cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        found = confidence_of_units(queue.read(slug, lang_key).live)
    except (AzadError, OSError):
        found = NONE
    with _cache_lock:
        _cache[path] = (key, found)
    return found


class _Row(Protocol):
    @property
    def slug(self) -> str: ...

    @property
    def lang_key(self) -> str: ...


R = TypeVar("R", bound=_Row)


def least_confident_first(ws: Workspace, rows: Sequence[R]) -> list[R]:
    """``rows`` (queue rows: anything with ``slug`` and ``lang_key``) ordered by their
    lowest confidence, least confident first; rows without one last, in their order."""
    keyed = [
        (translation_confidence(ws, r.slug, r.lang_key).lowest, i, r) for i, r in enumerate(rows)
    ]
    keyed.sort(key=lambda t: (t[0] is None, t[0] if t[0] is not None else 0.0, t[1]))
    return [r for _, _, r in keyed]


def least_confident_segments(units: Sequence[Unit]) -> list[Unit]:
    """An article's segments ordered by their machine draft's confidence, least confident
    first; segments without a score last, in article order."""
    keyed = [(segment_confidence(u), i, u) for i, u in enumerate(units)]
    keyed.sort(key=lambda t: (t[0] is None, t[0] if t[0] is not None else 0.0, t[1]))
    return [u for _, _, u in keyed]
