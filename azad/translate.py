"""Machine drafts into the review queue: Article + existing PO → updated PO.

Only segments that are new or whose English changed go to the model; every translation
of an unchanged segment is kept as it was (reviewed ones stay reviewed). A segment whose
English changed is marked fuzzy with the previous English kept (``#| msgid``); if its
old translation had been reviewed, that translation stays in ``msgstr`` for the translator
to adapt and the new machine draft goes into a comment, so nothing a translator wrote is
lost. Segments that disappeared from the article stay in the file as obsolete entries.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polib

from azad.glossary import Glossary, load_glossary
from azad.lang import postprocess
from azad.model import Article
from azad.mt.engine import Backend
from azad.mt.protect import protect, restore
from azad.mt.select import engine_for, select_model
from azad.po import (
    SUBTITLE_ID,
    TITLE_ID,
    is_reviewed,
    load_po,
    locked,
    new_catalog,
    po_path,
    save_po,
)
from azad.store import ArticleStore
from azad.workspace import Workspace

EntryState = Literal["kept", "new", "changed"]
_SIMILAR_ENOUGH = 0.6


@dataclass
class Draft:
    """A machine translation of one segment, post-processed, with notes for the reviewer."""

    text: str
    flags: list[str] = field(default_factory=list)
    substitutions: list[str] = field(default_factory=list)


def draft_segments(
    sentences: Sequence[str], backend: Backend, lang_code: str, glossary: Glossary | None
) -> list[Draft]:
    """Protect, translate in one batch, post-process and restore every sentence."""
    protected = [protect(s, glossary, lang_code) for s in sentences]
    raw = backend.translate([p.text for p in protected]) if protected else []
    drafts = []
    for prot, out in zip(protected, raw, strict=True):
        # Language post-processing runs while placeholders still stand for URLs, e-mails
        # and Latin names, so their punctuation and digits are never touched.
        post = postprocess(out, lang_code)
        restored = restore(post.text, prot, lang_code)
        drafts.append(
            Draft(
                text=restored.text,
                flags=list(restored.flags),
                substitutions=[f"{s.before} → {s.after}" for s in post.substitutions],
            )
        )
    return drafts


@dataclass
class PlannedEntry:
    ctx: str
    english: str
    state: EntryState
    old: polib.POEntry | None = None


@dataclass
class Plan:
    """What updating one PO file involves; ``to_translate`` are indices into ``entries``."""

    entries: list[PlannedEntry]
    obsolete: list[polib.POEntry]

    @property
    def to_translate(self) -> list[int]:
        return [i for i, e in enumerate(self.entries) if e.state != "kept"]


def translatable_units(article: Article) -> list[tuple[str, str]]:
    """(id, English) of everything an edition prints translated: the title (and subtitle)
    first, then every sentence segment."""
    units = [(TITLE_ID, article.meta.title)]
    if article.meta.subtitle:
        units.append((SUBTITLE_ID, article.meta.subtitle))
    return units + [(s.id, s.text) for s in article.segments()]


def plan_update(article: Article, existing: polib.POFile | None) -> Plan:
    """Match the article's segments with the entries of the existing PO file."""
    old_entries = [e for e in existing if not e.obsolete] if existing is not None else []
    old_obsolete = [e for e in existing.obsolete_entries()] if existing is not None else []
    used: set[int] = set()
    segments = translatable_units(article)
    planned: list[PlannedEntry | None] = [None] * len(segments)

    # Pass 1: the same English (at the same place first, then anywhere) keeps its
    # translation; done for all segments before pass 2 so that an inserted paragraph does
    # not steal the entries of the paragraphs after it.
    by_ctx = {e.msgctxt: i for i, e in enumerate(old_entries)}
    by_text: dict[str, list[int]] = {}
    for i, e in enumerate(old_entries):
        by_text.setdefault(e.msgid, []).append(i)
    for n, (ctx, english) in enumerate(segments):
        at = by_ctx.get(ctx)
        if at is not None and at not in used and old_entries[at].msgid == english:
            used.add(at)
            planned[n] = PlannedEntry(ctx, english, "kept", old_entries[at])
    for n, (ctx, english) in enumerate(segments):
        if planned[n] is None:
            for i in by_text.get(english, []):
                if i not in used:
                    used.add(i)
                    planned[n] = PlannedEntry(ctx, english, "kept", old_entries[i])
                    break

    # Pass 2: a changed sentence is the unused entry at the same place, or the most similar.
    for n, (ctx, english) in enumerate(segments):
        if planned[n] is not None:
            continue
        match = _changed_match(english, ctx, old_entries, used, by_ctx)
        if match is not None:
            used.add(match)
            planned[n] = PlannedEntry(ctx, english, "changed", old_entries[match])
        else:
            planned[n] = PlannedEntry(ctx, english, "new")

    obsolete = [e for i, e in enumerate(old_entries) if i not in used and e.msgstr] + old_obsolete
    return Plan(entries=[p for p in planned if p is not None], obsolete=obsolete)


def _changed_match(
    english: str, ctx: str, old: list[polib.POEntry], used: set[int], by_ctx: dict[str, int]
) -> int | None:
    same_place = by_ctx.get(ctx)
    if same_place is not None and same_place not in used:
        return same_place
    best, best_ratio = None, _SIMILAR_ENOUGH
    for i, entry in enumerate(old):
        if i in used:
            continue
        ratio = difflib.SequenceMatcher(None, entry.msgid, english).ratio()
        if ratio >= best_ratio:
            best, best_ratio = i, ratio
    return best


def build_catalog(
    plan: Plan,
    drafts: dict[int, Draft],
    *,
    lang_code: str,
    title: str,
    engine: str,
    metadata: dict[str, str],
) -> polib.POFile:
    """The updated PO file: kept entries as they were, new and changed ones drafted."""
    catalog = new_catalog(lang_code, title)
    catalog.metadata.update(metadata)
    for n, item in enumerate(plan.entries):
        if item.state == "kept" and item.old is not None:
            entry = item.old
            entry.msgctxt = item.ctx
            catalog.append(entry)
            continue
        draft = drafts[n]
        comments = [f"machine draft: {engine}"]
        comments += [f"qa: {flag}" for flag in draft.flags]
        comments += [f"lexicon: {sub}" for sub in draft.substitutions]
        entry = polib.POEntry(
            msgctxt=item.ctx, msgid=item.english, msgstr=draft.text, flags=["fuzzy"]
        )
        if item.state == "changed" and item.old is not None:
            entry.previous_msgid = item.old.msgid
            entry.tcomment = item.old.tcomment
            if is_reviewed(item.old):
                # The reviewed translation stays; the new draft is a suggestion beside it.
                entry.msgstr = item.old.msgstr
                comments.insert(1, f"new machine draft: {draft.text}")
        entry.comment = "\n".join(comments)
        catalog.append(entry)
    for old in plan.obsolete:
        old.obsolete = True
        catalog.append(old)
    return catalog


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

    @property
    def sent(self) -> int:
        return self.new + self.changed


@dataclass
class Job:
    """One article × language to bring up to date."""

    slug: str
    article: Article
    article_dir: Path
    lang_key: str
    lang_code: str


def update_translations(
    jobs: Sequence[Job], backend: Backend, glossary: Glossary | None
) -> list[TranslateReport]:
    """Update the PO files of ``jobs`` (all of one language) with one batched model call
    for all their new and changed segments.

    Translation runs without holding the files' locks (it takes seconds); under its lock,
    a file that changed meanwhile is re-read and re-planned, so a translator's save in the
    meantime is kept.
    """
    if len({j.lang_code for j in jobs}) > 1:
        raise ValueError("update_translations takes jobs of one language")
    if not jobs:
        return []
    lang_code = jobs[0].lang_code
    wanted: dict[str, None] = {}
    first: list[tuple[_Stamp, Plan]] = []
    for job in jobs:
        path = po_path(job.article_dir, job.lang_key)
        stamp = _stamp(path)
        plan = plan_update(job.article, _read(path))
        first.append((stamp, plan))
        wanted.update((plan.entries[i].english, None) for i in plan.to_translate)
    cache = dict(
        zip(wanted, draft_segments(list(wanted), backend, lang_code, glossary), strict=True)
    )
    reports = []
    for job, (stamp, plan) in zip(jobs, first, strict=True):
        path = po_path(job.article_dir, job.lang_key)
        with locked(path):
            if _stamp(path) != stamp:  # saved meanwhile: plan again on what is there now
                plan = plan_update(job.article, _read(path))
            missing = [
                plan.entries[i].english
                for i in plan.to_translate
                if plan.entries[i].english not in cache
            ]
            if missing:  # the file changed under us in a way that needs more drafts
                cache.update(
                    zip(missing, draft_segments(missing, backend, lang_code, glossary), strict=True)
                )
            drafts = {i: cache[plan.entries[i].english] for i in plan.to_translate}
            meta = job.article.meta
            catalog = build_catalog(
                plan,
                drafts,
                lang_code=job.lang_code,
                title=f"{meta.title} — {job.lang_code}",
                engine=backend.description,
                metadata={"X-Azad-Slug": job.slug, "X-Azad-Source-SHA256": meta.source_sha256},
            )
            written = save_po(path, catalog)
        states = [e.state for e in plan.entries]
        reports.append(
            TranslateReport(
                slug=job.slug,
                lang_key=job.lang_key,
                path=path,
                total=len(states),
                kept=states.count("kept"),
                new=states.count("new"),
                changed=states.count("changed"),
                flagged=sum(1 for d in drafts.values() if d.flags),
                written=written,
            )
        )
    return reports


def _read(path: Path) -> polib.POFile | None:
    return load_po(path) if path.is_file() else None


_Stamp = tuple[int, int, int] | None


def _stamp(path: Path) -> _Stamp:
    """The file's identity and version: every save replaces the file (a new inode), and
    an editor writing in place changes its mtime or size."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


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
        jobs = [
            Job(s.slug, s.article, ws.article_dir(s.slug), selection.lang_key, lang.code)
            for s in stored
        ]
        reports += update_translations(jobs, engine_for(ws, selection), glossary)
    return reports
