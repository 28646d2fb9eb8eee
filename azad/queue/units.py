"""What a translation file holds, as typed data: units with a state and a provenance.

A :class:`TranslationFile` is one article × language of the review queue; each
:class:`Unit` is one sentence (or the title). Nothing here knows the PO syntax
(:mod:`azad.queue.pofile` maps between the two), so every rule about states and
revisions is written once, on these types.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Literal, TypeVar

from cachetools import LRUCache

UnitState = Literal["untranslated", "draft", "reviewed"]
"""``draft``: a translation nobody has confirmed (a machine or translation-memory draft,
or a translation whose English changed since; PO's ``fuzzy``). ``reviewed``: confirmed by
a translator."""

Origin = Literal["machine", "memory", "human"]


@dataclass(frozen=True)
class Provenance:
    """Where a unit's draft came from."""

    origin: Origin = "human"
    engine: str = ""
    """``argos/ctranslate2``; empty for human work."""
    package: str = ""
    """The model package and version (``translate-en_fa 1.9``)."""
    test_model: bool = False
    """The draft came from the random-weight test model: not a translation."""
    score: float | None = None
    """The model's score of the draft, where the engine gives one."""
    memory: str = ""
    """For a translation-memory draft: ``slug/lang#ctx`` it came from."""
    draft: str = ""
    """The machine's own text, kept when a translator changes the unit's text."""
    suggestion: str = ""
    """A person's translation of a similar earlier sentence (``suggestion_english``),
    offered to the translator when the English changed too much for it to stay the text
    (:mod:`azad.queue.matching`): never the text itself until someone takes it."""
    suggestion_english: str = ""

    @property
    def is_machine(self) -> bool:
        return self.origin == "machine"

    @property
    def confidence(self) -> float | None:
        """``exp(score)``: the geometric mean of the draft's token probabilities, 0 to 1
        (the score is the mean log-probability per token); None without a score."""
        return None if self.score is None else math.exp(self.score)

    def to_json(self) -> str:
        # Defaults are left out (``is``: a score of 0.0 equals False but is a score).
        data = {k: v for k, v in self.__dict__.items() if not (v is None or v is False or v == "")}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Provenance:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("provenance is not an object")
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence (or the title) of an article in one language."""

    ctx: str
    """The segment id (``b3.s2``, ``title``): PO's ``msgctxt``."""
    english: str
    text: str
    state: UnitState
    provenance: Provenance = field(default_factory=Provenance)
    previous_english: str = ""
    """The English the text was written for, when that differs (PO's ``#| msgid``)."""
    qa: tuple[str, ...] = ()
    """Problems the machine-draft pipeline noticed (a placeholder the model lost)."""
    substitutions: tuple[str, ...] = ()
    """Dari lexicon substitutions applied to the machine draft (``before → after``)."""
    notes: tuple[str, ...] = ()
    """Other extracted comments, kept as they were."""
    translator_comment: str = ""
    """The translator's own comment (PO's ``# …``)."""
    extra_flags: tuple[str, ...] = ()
    """PO flags other than the draft flag (``c-format`` …), kept as they were."""
    obsolete: bool = False

    @property
    def rev(self) -> str:
        """What a translator sees of the unit, hashed: every save names the revision it
        started from, so a change made anywhere (web, CAT tool, a run) is noticed."""
        return unit_rev(self.english, self.text, self.state == "draft")

    @property
    def reviewed(self) -> bool:
        return self.state == "reviewed"

    @property
    def is_machine_draft(self) -> bool:
        """An untouched machine draft: nobody has changed or confirmed it."""
        return self.state == "draft" and self.provenance.is_machine and not self.provenance.draft

    @property
    def machine_text(self) -> str | None:
        """The machine's translation of this unit, as far as the file tells it."""
        if self.provenance.draft:
            return self.provenance.draft
        return self.text if self.is_machine_draft else None

    def with_text(self, text: str, state: UnitState) -> Unit:
        """The unit after a translator's edit: the machine's draft is remembered before
        the text is replaced; a confirmed unit no longer needs its previous English."""
        prov = self.provenance
        if prov.is_machine and not prov.draft and self.text and text != self.text:
            prov = replace(prov, draft=self.text)
        if text and not text.strip():
            state = "draft"
        if not text:
            state = "untranslated"
        return replace(
            self,
            text=text,
            state=state,
            provenance=prov,
            previous_english="" if state == "reviewed" else self.previous_english,
        )


def unit_rev(english: str, text: str, draft: bool) -> str:
    data = "\0".join((english, text, "f" if draft else ""))
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def state_of(text: str, draft_flag: bool) -> UnitState:
    if not text:
        return "untranslated"
    return "draft" if draft_flag else "reviewed"


@dataclass
class TranslationFile:
    """One article × language: its header and units, live ones in article order, then
    the obsolete ones (translations of sentences no longer in the article)."""

    header: str
    metadata: dict[str, str]
    units: list[Unit]
    positions: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    """Where each live unit stood in ``units`` when the file was read (shared between
    copies of one parse, so never changed): a hint, checked at every use, that spares a
    save of one segment a walk through 20,000 units to find it."""

    @property
    def live(self) -> list[Unit]:
        return [u for u in self.units if not u.obsolete]

    @property
    def obsolete(self) -> list[Unit]:
        return [u for u in self.units if u.obsolete]

    def unit(self, ctx: str) -> Unit | None:
        i = self._position(ctx)
        return None if i is None else self.units[i]

    def replace_unit(self, new: Unit) -> None:
        i = self._position(new.ctx)
        if i is None:
            raise KeyError(new.ctx)
        self.units[i] = new

    def _position(self, ctx: str) -> int | None:
        units = self.units
        i = self.positions.get(ctx)
        if i is not None and i < len(units) and units[i].ctx == ctx and not units[i].obsolete:
            return i
        return next((i for i, u in enumerate(units) if not u.obsolete and u.ctx == ctx), None)

    @property
    def unreviewed(self) -> list[str]:
        """Ids of live units that are not reviewed, in file order."""
        return [u.ctx for u in self.live if not u.reviewed]

    def texts(self, units: Iterable[tuple[str, str]], *, include_drafts: bool) -> dict[str, str]:
        """Segment id → translation for the article's ``units`` (id, English): a unit's
        text counts only for the English it was written for, found by id or, where the
        English moved, by its text; drafts only with ``include_drafts``. So a translation
        never prints under a sentence it was not written for, whatever changed."""
        usable = [u for u in self.live if u.text and (include_drafts or u.reviewed)]
        by_pair = {(u.ctx, u.english): u for u in usable}
        by_text: dict[str, list[Unit]] = {}
        for u in usable:
            by_text.setdefault(u.english, []).append(u)
        out: dict[str, str] = {}
        taken: set[int] = set()
        wanted = list(units)
        for ctx, english in wanted:
            unit = by_pair.get((ctx, english))
            if unit is not None:
                out[ctx] = unit.text
                taken.add(id(unit))
        for ctx, english in wanted:
            if ctx not in out:
                free = [u for u in by_text.get(english, []) if id(u) not in taken]
                if free:
                    out[ctx] = free[0].text
                    taken.add(id(free[0]))
        return out

    def content_rev(self, article_sha: str) -> str:
        """The revision of everything an edition of this translation prints: the
        English article (``article_sha``, the hash of its stored JSON) and every live
        unit's English, text and state. Headers and comments do not count: a run that
        rewrote a header would otherwise void an approval of unchanged content."""
        return content_rev(article_sha, self.live)

    def in_sync(self, units: Iterable[tuple[str, str]]) -> bool:
        """Whether the live units are exactly the article's (id, English) units, in order:
        if not, the English changed and the translation was not brought up to date."""
        return [(u.ctx, u.english) for u in self.live] == list(units)


def content_rev(article_sha: str, units: Iterable[Unit]) -> str:
    """The revision of ``article_sha`` and ``units`` (see
    :meth:`TranslationFile.content_rev`): SHA-256 over the article's hash and each unit's
    English, text and state, in order."""
    units = list(units)
    if len(units) < 4 * _BLOCK:
        h = hashlib.sha256(article_sha.encode())
        h.update(b"".join(_rev_bytes.many(units)))
        return h.hexdigest()[:20]
    return _chained_rev(article_sha, units)


_BLOCK = 512
"""Units per remembered hash state (:func:`_chained_rev`)."""


@dataclass(frozen=True)
class _Chain:
    """A long translation's content revision, remembered so the next one can resume:
    its units, the hash state after each full block of :data:`_BLOCK` units (``states[k]``
    before block ``k``), and each block's bytes as hashed."""

    units: list[Unit]
    states: list[Any]
    blocks: list[bytes]

    def same_blocks(self, units: list[Unit]) -> int:
        """How many leading blocks of ``units`` are this chain's (full blocks only)."""
        n = 0
        while n < len(self.states) - 1 and self.block_is(n, units):
            n += 1
        return n

    def block_is(self, n: int, units: list[Unit]) -> bool:
        a, b = n * _BLOCK, (n + 1) * _BLOCK
        return b <= len(units) and b <= len(self.units) and self.units[a:b] == units[a:b]


_chains: LRUCache[str, list[_Chain]] = LRUCache(maxsize=32)
_chains_lock = threading.Lock()


def _chained_rev(article_sha: str, units: list[Unit]) -> str:
    """:func:`content_rev` of a long translation, hashing only from the first block of
    units that differs from a revision computed before: a save of one segment of a
    20,000-segment translation hashed all 6 MB again (a tenth of the save). The hash is
    the same SHA-256 over the same bytes: the state after each block of
    :data:`_BLOCK` units is remembered (a hash object's copy), and so is each block's
    bytes, taken again for a later block whose units are the same; a block counts as
    unchanged only if its units compare equal (``list ==``: the same objects at once,
    else field by field, and equal units have equal bytes). So a save of one segment
    hashes the blocks after it (bytes in hand, the hash in C) and encodes one block."""
    with _chains_lock:
        known = list(_chains.get(article_sha, ()))
    best: _Chain | None = None
    same = 0
    for chain in known:
        n = chain.same_blocks(units)
        if best is None or n > same:
            best, same = chain, n
    if best is None:
        states, blocks = [hashlib.sha256(article_sha.encode())], []
    else:
        states, blocks = best.states[: same + 1], best.blocks[:same]
    h = states[-1].copy()
    for n, start in enumerate(range(same * _BLOCK, len(units), _BLOCK), start=same):
        block = units[start : start + _BLOCK]
        full = len(block) == _BLOCK
        if best is not None and full and best.block_is(n, units):
            data = best.blocks[n]  # e.g. every block after the one a save changed
        else:
            data = b"".join(_rev_bytes.many(block))
        h.update(data)
        blocks.append(data)
        if full:
            states.append(h.copy())
    with _chains_lock:
        chains = [c for c in _chains.get(article_sha, ()) if c is not best][:3]
        _chains[article_sha] = [_Chain(units, states, blocks), *chains]
    return h.hexdigest()[:20]


T = TypeVar("T")


class UnitMemo(Generic[T]):
    """A value derived from a unit, remembered per unit *object* (units are immutable):
    a 20,000-segment translation read from the parse cache is the same objects save after
    save, so its content revision and PO text cost a lookup per unit, not a hash and an
    encoding. Keyed by ``id``; the memo holds the unit itself, so while an entry exists no
    other object can have its id."""

    def __init__(self, compute: Callable[[Unit], T], size: int = 200_000) -> None:
        self._compute = compute
        self._size = size
        self._items: dict[int, tuple[Unit, T]] = {}

    def get(self, unit: Unit) -> T:
        found = self._items.get(id(unit))
        if found is not None and found[0] is unit:
            return found[1]
        value = self._compute(unit)
        if len(self._items) >= self._size:
            self._items = {}  # crude, and safe: the next reads fill it again
        self._items[id(unit)] = (unit, value)
        return value

    def many(self, units: Iterable[Unit]) -> list[T]:
        """:meth:`get` of each of ``units``, in one loop (a save of a 20,000-segment file
        looks up every unit three times: a method call each cost more than the lookup)."""
        items = self._items
        out: list[T] = []
        add = out.append
        for unit in units:
            found = items.get(id(unit))
            add(found[1] if found is not None and found[0] is unit else self.get(unit))
        return out


_rev_bytes: UnitMemo[bytes] = UnitMemo(
    lambda u: "\x1e".join((u.ctx, u.english, u.text, u.state)).encode() + b"\x1d"
)
