"""Machine drafts into the review queue: Article + existing translation → updated one.

Units are matched to the article's sentences **by content first**: the same English keeps
its translation wherever it moved; an edited sentence gets the previous translation of
the old sentence it is confidently the same as (:func:`azad.queue.matching.similarity` ≥
``SAME``, calibrated on ``tests/data/edits/``), best pairs first, as a draft with the
previous English kept (``#| msgid``). There is no "same place" fallback: any other new
sentence's text is a fresh machine draft (or an approved translation-memory match), and
a person's translation of the most similar unused old sentence (or of the one it replaced
in place) is kept on it as a *suggestion* (``Provenance.suggestion``), never as its text.
Only new and changed sentences go to the model. A translation a person wrote (reviewed,
or edited but not yet confirmed) that follows its edited sentence is never replaced by a
machine draft: it stays as the unit's text, marked as a draft, with the new machine draft
kept beside it. Units whose sentence disappeared stay as obsolete entries, and come back
if the sentence does. A run with nothing to do for a file writes nothing.

Before the model is asked, each new or changed sentence is looked up in the translation
memory (:mod:`azad.translation_memory`, built once per run): the same English approved in any
article of the language becomes the draft (provenance ``memory``, naming the segment it
came from) and is not sent to the model. Every machine draft carries the model's score
(:func:`azad.mt.engine.mean_log_prob`) in its provenance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from azad.glossary import Glossary, load_glossary
from azad.lang import postprocess
from azad.model import Article
from azad.mt.engine import Backend, Scored, ScoringBackend
from azad.mt.protect import protect, restore
from azad.mt.select import engine_for, select_model
from azad.queue.articles import ArticleStore
from azad.queue.matching import SAME, SUGGEST, similarity, upper_bound
from azad.queue.pofile import new_file
from azad.queue.store import FileStamp, Queue
from azad.queue.units import Provenance, TranslationFile, Unit
from azad.translation_memory import ApprovedMemory, MemoryHit, approved_memory
from azad.workspace import Workspace

EntryState = Literal["kept", "new", "changed"]
_SUGGEST_WORK = 200_000
"""Past this many (new sentence × unused old translation) comparisons, a new sentence's
suggestion is only the translation of the sentence it replaced in place."""


@dataclass
class Draft:
    """A machine translation of one segment, post-processed, with notes for the reviewer."""

    text: str
    flags: list[str] = field(default_factory=list)
    substitutions: list[str] = field(default_factory=list)
    score: float | None = None
    """The model's mean log-probability per token (:func:`azad.mt.engine.mean_log_prob`)."""
    memory: MemoryHit | None = None
    """Set when the draft is an approved translation of the same English, not the model's."""


def draft_segments(
    sentences: Sequence[str], backend: Backend, lang_code: str, glossary: Glossary | None
) -> list[Draft]:
    """Protect, translate in one batch, post-process and restore every sentence."""
    protected = [protect(s, glossary, lang_code) for s in sentences]
    raw: list[Scored] = []
    if protected and isinstance(backend, ScoringBackend):
        raw = backend.translate_scored([p.text for p in protected])
    elif protected:
        raw = [(out, None) for out in backend.translate([p.text for p in protected])]
    drafts = []
    for prot, (out, score) in zip(protected, raw, strict=True):
        # Language post-processing runs while placeholders still stand for URLs, e-mails
        # and Latin names, so their punctuation and digits are never touched.
        post = postprocess(out, lang_code)
        restored = restore(post.text, prot, lang_code)
        drafts.append(
            Draft(
                text=restored.text,
                flags=list(restored.flags),
                substitutions=[f"{s.before} → {s.after}" for s in post.substitutions],
                score=None if score is None else round(score, 4),
            )
        )
    return drafts


def memory_draft(hit: MemoryHit) -> Draft:
    return Draft(text=hit.text, memory=hit)


def _draft_provenance(draft: Draft, machine: Provenance) -> Provenance:
    if draft.memory is not None:
        return Provenance(origin="memory", memory=draft.memory.ref)
    return replace(machine, score=draft.score)


@dataclass
class PlannedEntry:
    ctx: str
    english: str
    state: EntryState
    old: Unit | None = None
    suggestion: Unit | None = None
    """For a new sentence: a person's translation of a similar (or replaced) sentence."""


@dataclass
class Plan:
    """What updating one translation file involves; ``to_translate`` are indices into
    ``entries``."""

    entries: list[PlannedEntry]
    obsolete: list[Unit]

    @property
    def to_translate(self) -> list[int]:
        return [i for i, e in enumerate(self.entries) if e.state != "kept"]


def plan_update(article: Article, existing: TranslationFile | None) -> Plan:
    """Match the article's units with the units of the existing translation file."""
    old = existing.live if existing is not None else []
    dead = existing.obsolete if existing is not None else []
    units = article.units()
    planned: list[PlannedEntry | None] = [None] * len(units)
    used: set[int] = set()
    revived: set[int] = set()

    # 1. The same English keeps its translation: at the same place first, then the
    # nearest unused one; all sentences before any similarity, so that an inserted or
    # deleted paragraph cannot make an edited sentence take a moved sentence's unit.
    by_text: dict[str, list[int]] = {}
    for i, u in enumerate(old):
        by_text.setdefault(u.english, []).append(i)
    for n, (ctx, english) in enumerate(units):
        for i in by_text.get(english, []):
            if old[i].ctx == ctx and i not in used:
                used.add(i)
                planned[n] = PlannedEntry(ctx, english, "kept", old[i])
                break
    for n, (ctx, english) in enumerate(units):
        if planned[n] is None:
            free = [i for i in by_text.get(english, []) if i not in used]
            if free:
                i = min(free, key=lambda i: abs(i - n))
                used.add(i)
                planned[n] = PlannedEntry(ctx, english, "kept", old[i])
    # A sentence that comes back finds its obsolete translation.
    dead_by_text = {u.english: j for j, u in reversed(list(enumerate(dead))) if u.text}
    for n, (ctx, english) in enumerate(units):
        j = dead_by_text.get(english)
        if planned[n] is None and j is not None and j not in revived:
            revived.add(j)
            planned[n] = PlannedEntry(ctx, english, "kept", replace(dead[j], obsolete=False))

    # 2. An edited sentence: the old sentence it is confidently the same as, best pairs
    # first (a pair's rank: similarity, then nearness), so that of two edited sentences
    # competing for one old unit, the more similar one gets it.
    pairs: list[tuple[float, int, int, int]] = []
    free_old = [i for i in range(len(old)) if i not in used]
    for n, (_ctx, english) in enumerate(units):
        if planned[n] is not None:
            continue
        for i in free_old:
            if upper_bound(old[i].english, english) < SAME:
                continue
            ratio = similarity(old[i].english, english)
            if ratio >= SAME:
                pairs.append((ratio, -abs(i - n), n, i))
    for _ratio, _dist, n, i in sorted(pairs, reverse=True):
        if planned[n] is None and i not in used:
            used.add(i)
            planned[n] = PlannedEntry(units[n][0], units[n][1], "changed", old[i])

    # 3. Any other sentence is new: a fresh draft. A person's translation of the most
    # similar unused old sentence, or else of the one it replaced in place, is offered
    # as a suggestion (it also stays an obsolete entry).
    human = [i for i in range(len(old)) if i not in used and _human(old[i])]
    new = [n for n in range(len(units)) if planned[n] is None]
    by_ctx = {u.ctx: i for i, u in enumerate(old)}
    search = len(human) * len(new) <= _SUGGEST_WORK
    for n in new:
        ctx, english = units[n]
        best, score = None, SUGGEST
        for i in human if search else ():
            if upper_bound(old[i].english, english) >= score:
                ratio = similarity(old[i].english, english)
                if ratio >= score:
                    best, score = i, ratio
        if best is None:
            at = by_ctx.get(ctx)
            best = at if at is not None and at not in used and _human(old[at]) else None
        planned[n] = PlannedEntry(
            ctx, english, "new", suggestion=old[best] if best is not None else None
        )

    obsolete = [replace(u, obsolete=True) for i, u in enumerate(old) if i not in used and u.text]
    obsolete += [u for j, u in enumerate(dead) if j not in revived]
    return Plan(entries=[p for p in planned if p is not None], obsolete=obsolete)


def _human(unit: Unit) -> bool:
    """A translation a person wrote or confirmed."""
    return bool(unit.text) and not unit.is_machine_draft


def provenance_of(backend: Backend) -> Provenance:
    engine, _, package = backend.description.partition(" ")
    return Provenance(
        origin="machine", engine=engine, package=package, test_model=backend.is_test_model
    )


def build_file(
    plan: Plan,
    drafts: dict[int, Draft],
    existing: TranslationFile | None,
    *,
    new_header: TranslationFile,
    provenance: Provenance,
) -> TranslationFile:
    """The updated translation file: kept units as they were (moved to their sentence's
    id), new and changed ones drafted; the existing header and metadata are kept, with
    ``new_header``'s azad fields brought up to date."""
    units: list[Unit] = []
    for n, item in enumerate(plan.entries):
        if item.state == "kept" and item.old is not None:
            units.append(replace(item.old, ctx=item.ctx))
            continue
        draft = drafts[n]
        unit = Unit(
            ctx=item.ctx,
            english=item.english,
            text=draft.text,
            state="draft" if draft.text else "untranslated",
            provenance=_draft_provenance(draft, provenance),
            qa=tuple(draft.flags),
            substitutions=tuple(draft.substitutions),
        )
        hint = item.suggestion
        if hint is not None:
            unit = replace(
                unit,
                provenance=replace(
                    unit.provenance, suggestion=hint.text, suggestion_english=hint.english
                ),
            )
        old = item.old
        if item.state == "changed" and old is not None:
            unit = replace(
                unit,
                previous_english=old.previous_english or old.english,
                translator_comment=old.translator_comment,
                notes=old.notes,
            )
            if old.text and not old.is_machine_draft:
                # A person's translation stays; the new machine draft is kept beside it.
                unit = replace(
                    unit,
                    text=old.text,
                    state="draft",
                    provenance=replace(old.provenance, draft=draft.text),
                )
        units.append(unit)
    units += plan.obsolete
    if existing is None:
        return replace(new_header, units=units)
    metadata = {**existing.metadata}
    for key, value in new_header.metadata.items():
        if key.startswith("X-Azad-") or key not in metadata:
            metadata[key] = value
    return TranslationFile(header=existing.header, metadata=metadata, units=units)


@dataclass
class TranslateReport:
    slug: str
    lang_key: str
    path: Path
    total: int
    kept: int
    new: int
    changed: int
    flagged: int
    written: bool
    memory: int = 0
    """New or changed sentences drafted from the translation memory (not sent to the model)."""

    @property
    def sent(self) -> int:
        return self.new + self.changed - self.memory


@dataclass
class Job:
    """One article × language to bring up to date."""

    slug: str
    article: Article
    lang_key: str
    lang_code: str


def update_translations(
    ws: Workspace,
    jobs: Sequence[Job],
    backend: Backend,
    glossary: Glossary | None,
    memory: ApprovedMemory | None = None,
) -> list[TranslateReport]:
    """Update the translation files of ``jobs`` (all of one language) with one batched
    model call for all their new and changed segments.

    Translation runs without holding the files' locks (it takes seconds); under its lock,
    a file that changed meanwhile is re-read and re-planned, so a translator's save in the
    meantime is kept. A file whose plan keeps everything as it is is not written.
    ``memory``: the language's approved segments (built here, once, when not given).
    """
    if len({j.lang_code for j in jobs}) > 1:
        raise ValueError("update_translations takes jobs of one language")
    if not jobs:
        return []
    queue = Queue(ws)
    lang_code = jobs[0].lang_code
    provenance = provenance_of(backend)
    memories = [memory] if memory is not None else []

    def drafts_of(sentences: list[str]) -> dict[str, Draft]:
        """Drafts of ``sentences``: from the memory where it has one, the rest from the
        model in one call. The memory is built on first need: a run with nothing to
        draft does not read it."""
        if not sentences:
            return {}
        if not memories:
            memories.append(approved_memory(ws, jobs[0].lang_key))
        hits = {s: memories[0].get(s) for s in sentences}
        out = {s: memory_draft(h) for s, h in hits.items() if h is not None}
        ask = [s for s in sentences if s not in out]
        out.update(zip(ask, draft_segments(ask, backend, lang_code, glossary), strict=True))
        return out

    wanted: dict[str, None] = {}
    first: list[tuple[FileStamp, TranslationFile | None, Plan]] = []
    for job in jobs:
        stamp = queue.stamp(job.slug, job.lang_key)
        existing = queue.read_optional(job.slug, job.lang_key)
        plan = plan_update(job.article, existing)
        first.append((stamp, existing, plan))
        wanted.update((plan.entries[i].english, None) for i in plan.to_translate)
    cache = drafts_of(list(wanted))
    reports = []
    for job, (stamp, existing, plan) in zip(jobs, first, strict=True):
        with queue.locked(job.slug, job.lang_key):
            if queue.stamp(job.slug, job.lang_key) != stamp:
                # Saved meanwhile: plan again on what is there now.
                existing = queue.read_optional(job.slug, job.lang_key)
                plan = plan_update(job.article, existing)
            missing = [
                plan.entries[i].english
                for i in plan.to_translate
                if plan.entries[i].english not in cache
            ]
            if missing:  # the file changed under us in a way that needs more drafts
                cache.update(drafts_of(missing))
            drafts = {i: cache[plan.entries[i].english] for i in plan.to_translate}
            meta = job.article.meta
            header = new_file(
                job.lang_code,
                f"{meta.title} — {job.lang_code}",
                {"X-Azad-Slug": job.slug, "X-Azad-Source-SHA256": meta.source_sha256},
            )
            updated = build_file(plan, drafts, existing, new_header=header, provenance=provenance)
            unchanged = existing is not None and (
                updated.units == existing.units
                and updated.metadata == existing.metadata
                and updated.header == existing.header
            )
            written = False if unchanged else queue.write(job.slug, job.lang_key, updated)
        states = [e.state for e in plan.entries]
        reports.append(
            TranslateReport(
                slug=job.slug,
                lang_key=job.lang_key,
                path=queue.po_path(job.slug, job.lang_key),
                total=len(states),
                kept=states.count("kept"),
                new=states.count("new"),
                changed=states.count("changed"),
                flagged=sum(1 for d in drafts.values() if d.flags),
                written=written,
                memory=sum(1 for d in drafts.values() if d.memory is not None),
            )
        )
    return reports


def translate_articles(
    ws: Workspace, slugs: Sequence[str], lang_keys: Sequence[str]
) -> list[TranslateReport]:
    """Bring the PO files of ``slugs`` × ``lang_keys`` up to date, one batched model call
    per language. Every language's model is checked before anything is translated."""
    store = ArticleStore(ws)
    stored = [store.load(store.resolve(s)) for s in slugs]
    selections = [select_model(ws, key) for key in lang_keys]
    glossary = load_glossary(ws.glossary_path)
    reports: list[TranslateReport] = []
    for selection in selections:
        _, lang = ws.language(selection.lang_key)
        jobs = [Job(s.slug, s.article, selection.lang_key, lang.code) for s in stored]
        reports += update_translations(ws, jobs, engine_for(ws, selection), glossary)
    return reports
