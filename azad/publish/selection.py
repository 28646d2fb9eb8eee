"""What a publish run works on: the named translations, or every approved one not yet
published from its current content."""

from __future__ import annotations

from collections.abc import Sequence

from azad.queue.articles import ArticleStore
from azad.queue.status import translation_status
from azad.queue.store import Queue
from azad.workspace import Workspace


def _targets(
    ws: Workspace, slugs: Sequence[str] | None, lang_keys: Sequence[str] | None
) -> tuple[list[str], list[str]]:
    """The articles (default: all) and language keys (default: all) asked for, checked."""
    store = ArticleStore(ws)
    names = [store.resolve(s) for s in slugs] if slugs else store.slugs()
    return names, _keys(ws, lang_keys)


def _keys(ws: Workspace, lang_keys: Sequence[str] | None) -> list[str]:
    """The language keys asked for (default: all), checked."""
    return [ws.language(k)[0] for k in lang_keys] if lang_keys else list(ws.settings.languages)


def pending(
    ws: Workspace,
    slugs: Sequence[str] | None = None,
    lang_keys: Sequence[str] | None = None,
    *,
    include_published: bool = False,
) -> list[tuple[str, str]]:
    """(slug, language key) of every approved translation not yet published from its
    current content (``include_published``: and those already published), among
    ``slugs`` and ``lang_keys`` (default: all)."""
    wanted = ("approved", "published") if include_published else ("approved",)
    names, keys = _targets(ws, slugs, lang_keys)
    out = []
    for slug in names:
        for key in keys:
            if not Queue(ws).has(slug, key):
                continue
            if translation_status(ws, slug, key).status in wanted:
                out.append((slug, key))
    return out


def draft_pairs(
    ws: Workspace, slugs: Sequence[str] | None = None, lang_keys: Sequence[str] | None = None
) -> list[tuple[str, str]]:
    """(slug, language key) of every translation there is, among ``slugs`` and
    ``lang_keys``: what a draft run renders."""
    names, keys = _targets(ws, slugs, lang_keys)
    return [(slug, key) for slug in names for key in keys if Queue(ws).has(slug, key)]


def select_pairs(
    ws: Workspace,
    slugs: Sequence[str] | None,
    lang_keys: Sequence[str] | None,
    *,
    draft: bool = False,
    force: bool = False,
) -> list[tuple[str, str]]:
    """What a publish run works on: the named articles in the named languages (each then
    published or refused on its own), or, with no names, every approved translation not yet
    published (``force``: and those published; ``draft``: every translation there is)."""
    if slugs:
        names, keys = _targets(ws, slugs, lang_keys)
        return [(slug, key) for slug in names for key in keys]
    keys = _keys(ws, lang_keys)
    if draft:
        return draft_pairs(ws, lang_keys=keys)
    return pending(ws, lang_keys=keys, include_published=force)
