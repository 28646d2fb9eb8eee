"""The article store: ingested Articles under ``translations/<slug>/``.

``source.json`` holds the current revision; each earlier revision is kept as
``history/rNNNN.json`` because translation needs the difference between them.
Re-ingesting unchanged bytes writes nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from filelock import FileLock
from pydantic import ValidationError
from slugify import slugify

from azad.errors import InputError
from azad.fsutil import atomic_write_text
from azad.model import Article
from azad.workspace import MAX_SLUG_LENGTH, Workspace, is_valid_slug, validate_slug

SOURCE_FILE = "source.json"
HISTORY_DIR = "history"
_TITLE_SLUG_MAX = 60


@dataclass(frozen=True)
class StoredArticle:
    slug: str
    article: Article
    revision: int


@dataclass(frozen=True)
class IngestOutcome:
    slug: str
    status: Literal["new", "unchanged", "revised"]
    revision: int
    article: Article


def slug_for_title(title: str) -> str:
    """An ASCII slug from the title: the part before a colon when that says enough
    ("Sharing the Kabul River: Water, …" → ``sharing-the-kabul-river``)."""
    head = title.split(":", 1)[0]
    base = slugify(
        head if len(head.split()) >= 2 else title, max_length=_TITLE_SLUG_MAX, word_boundary=True
    )
    return base or "article"


class ArticleStore:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def _source_path(self, slug: str) -> Path:
        return self.ws.article_dir(slug) / SOURCE_FILE

    def slugs(self) -> list[str]:
        root = self.ws.translations_dir
        if not root.is_dir():
            return []
        return sorted(p.parent.name for p in root.glob(f"*/{SOURCE_FILE}"))

    def exists(self, slug: str) -> bool:
        return self._source_path(slug).is_file()

    def load(self, slug: str) -> StoredArticle:
        path = self._source_path(slug)
        try:
            article = Article.from_json(path.read_bytes())
        except FileNotFoundError:
            raise InputError(slug, "no such article (see 'azad articles')") from None
        except ValidationError as exc:
            raise InputError(path, f"damaged article file: {exc.errors()[0]['msg']}") from None
        return StoredArticle(slug=slug, article=article, revision=self._revision_count(slug) + 1)

    def history(self, slug: str) -> list[Article]:
        """Earlier revisions, oldest first."""
        folder = self.ws.article_dir(slug) / HISTORY_DIR
        return [Article.from_json(p.read_bytes()) for p in sorted(folder.glob("r*.json"))]

    def previous(self, slug: str) -> Article | None:
        files = sorted((self.ws.article_dir(slug) / HISTORY_DIR).glob("r*.json"))
        return Article.from_json(files[-1].read_bytes()) if files else None

    def all(self) -> Iterator[StoredArticle]:
        for slug in self.slugs():
            yield self.load(slug)

    def resolve(self, name: str) -> str:
        """An article's slug from its slug or the stem of its source file name."""
        if is_valid_slug(name) and self.exists(name):
            return name
        matches = [s.slug for s in self.all() if Path(s.article.meta.source_file).stem == name]
        if len(matches) == 1:
            return matches[0]
        validate_slug(name)
        if matches:
            raise InputError(name, f"ambiguous: matches {', '.join(matches)}")
        raise InputError(name, "no such article (see 'azad articles')")

    def _revision_count(self, slug: str) -> int:
        return len(list((self.ws.article_dir(slug) / HISTORY_DIR).glob("r*.json")))

    @contextlib.contextmanager
    def allocating(self) -> Iterator[None]:
        """Hold the lock under which slugs are chosen and their folders created, so that
        two processes ingesting same-titled files at once get ``x`` and ``x-2``.

        The lock is ``flock`` on the ``translations/`` folder itself rather than a lock
        file (filelock's): a refused ingest must leave the workspace as it was."""
        root = self.ws.translations_dir
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def save_all(self, articles: list[Article], override: str | None = None) -> list[IngestOutcome]:
        """Choose the slugs of ``articles`` and store them, atomically with respect to
        other processes doing the same."""
        with self.allocating():
            slugs = self.assign_slugs(articles, override=override)
            return [self.save(s, a) for s, a in zip(slugs, articles, strict=True)]

    def assign_slugs(self, articles: list[Article], override: str | None = None) -> list[str]:
        """Slugs for ``articles``: an article already ingested from the same file keeps its
        slug; a new one gets one from its title, with a suffix where that is taken."""
        by_file = {s.article.meta.source_file: s.slug for s in self.all()}
        # Every folder counts as taken, not only those with an article yet.
        root = self.ws.translations_dir
        taken = {p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else set()
        slugs: list[str] = []
        for article in articles:
            if override is not None:
                slug = validate_slug(override)
                if self.exists(slug) and self.load(slug).article.meta.source_file != (
                    article.meta.source_file
                ):
                    raise InputError(slug, "slug is taken by another article")
            elif article.meta.source_file in by_file:
                slug = by_file[article.meta.source_file]
            else:
                base = slug_for_title(article.meta.title)[: MAX_SLUG_LENGTH - 4]
                slug, n = base, 2
                while slug in taken or not is_valid_slug(slug):
                    slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            by_file[article.meta.source_file] = slug
            slugs.append(slug)
        return slugs

    def save(self, slug: str, article: Article) -> IngestOutcome:
        """Store ``article`` under ``slug``, keeping the previous revision if it changed."""
        folder = self.ws.article_dir(slug)
        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(folder / ".lock"):
            source = folder / SOURCE_FILE
            if not source.is_file():
                atomic_write_text(source, article.to_json())
                return IngestOutcome(slug, "new", 1, article)
            current = Article.from_json(source.read_bytes())
            if current.meta.source_sha256 == article.meta.source_sha256 and current == article:
                return IngestOutcome(slug, "unchanged", self._revision_count(slug) + 1, article)
            history = folder / HISTORY_DIR
            previous = self.previous(slug)
            # After a crash between the two writes the old revision may already be kept.
            if previous is None or previous != current:
                n = self._revision_count(slug) + 1
                atomic_write_text(history / f"r{n:04d}.json", current.to_json())
            atomic_write_text(source, article.to_json())
            return IngestOutcome(slug, "revised", self._revision_count(slug) + 1, article)
