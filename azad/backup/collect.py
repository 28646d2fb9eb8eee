"""Gathering a live workspace for a backup: what goes in, and under which locks.

Everything is first *staged*: hard links (a copy across file systems) in a private folder
of the workspace, made while the writers that own the files are held off, so that the
archive is written afterwards from files nobody changes (every writer here replaces a file
by a rename, which leaves a staged link with the old content).

1. ``translations/``, ``articles/``, ``azad.toml`` and the review database, together:
   under the flock on ``translations/`` (no article is created or ingested), every
   article folder's lock (no article revision is written) and every translation's lock
   (no save, approval or draft is written). A save writes its PO file and commits its
   change-log rows while holding its translation's lock, so the database copied then
   (SQLite's online backup API, one step: one consistent read) has exactly the saves
   that the files have.
2. ``output/`` under the catalog's lock (a catalog and the editions it lists).
3. The rest of the workspace (site files, styles), and the models' weights if asked.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import os
import resource
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock

from azad.catalog.entries import LOCK as CATALOG_LOCK
from azad.db.connection import connect, db_path
from azad.errors import AzadError
from azad.mt.packages import downloads_dir
from azad.queue.articles import ArticleStore
from azad.queue.store import LOCK_TIMEOUT_S, Queue
from azad.workspace import Workspace

STAGING_PREFIX = "backup-staging-"
# Never in a backup: locks, atomic writes' temporary files, what is rebuilt on its own.
SKIPPED_NAMES = ("*.lock", ".*.tmp", "*.sqlite3-wal", "*.sqlite3-shm", "*.sqlite3-journal")


@dataclass
class Staged:
    """Files linked into ``folder``, each under its name in the archive."""

    folder: Path
    names: list[str] = field(default_factory=list)

    def add(self, source: Path, name: str) -> None:
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                raise
            shutil.copy2(source, target)
        self.names.append(name)


@dataclass(frozen=True)
class Choice:
    """What a backup holds beyond the queue, the articles and the database."""

    with_models: bool = False
    with_editions: bool = True


def _rel(ws: Workspace, path: Path) -> str | None:
    """``path`` relative to the workspace as written (not resolved: ``articles/`` may be a
    link), or None when it lies outside."""
    try:
        return path.relative_to(ws.root).as_posix()
    except ValueError:
        return None


def _skipped(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in SKIPPED_NAMES)


def _walk(top: Path) -> Iterator[Path]:
    """Regular files under ``top`` (``top`` itself may be a link; links inside are not
    followed: they are not the workspace's files)."""
    if not top.is_dir():
        return
    for folder, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if not _skipped(name) and path.is_file() and not path.is_symlink():
                yield path


def _stage_tree(staged: Staged, ws: Workspace, top: Path, fallback_name: str) -> None:
    prefix = _rel(ws, top) or fallback_name
    for path in _walk(top):
        staged.add(path, f"{prefix}/{path.relative_to(top).as_posix()}")


@contextlib.contextmanager
def _queue_quiet(ws: Workspace) -> Iterator[None]:
    """Hold off every writer of ``translations/``: the queue's gate (no new writer starts),
    the allocation flock, then each article folder's lock, then each translation's lock,
    always in that order and sorted (so two backups, or a backup and a writer, never wait
    on each other in a circle); each lock is held by at most one writer at a time, so the
    wait is for the writers already at work."""
    store = ArticleStore(ws)
    queue = Queue(ws)
    with queue.held_still(), store.allocating(), contextlib.ExitStack() as stack:
        slugs = store.slugs()
        _enough_descriptors(len(slugs) * (1 + len(ws.settings.languages)) + 64)
        for slug in slugs:
            folder = ws.article_dir(slug)
            if folder.is_dir():
                stack.enter_context(FileLock(folder / ".lock", timeout=LOCK_TIMEOUT_S))
        for slug in slugs:
            for lang_key in ws.settings.languages:
                stack.enter_context(queue.locked(slug, lang_key, gate=False))
        if ws.glossary_path.is_file():
            stack.enter_context(FileLock(f"{ws.glossary_path}.lock", timeout=LOCK_TIMEOUT_S))
        yield


def _enough_descriptors(needed: int) -> None:
    """Each held lock is an open file: a newsroom's years of articles need more than a
    service's usual 1,024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed or soft == resource.RLIM_INFINITY:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise AzadError(
            f"a backup holds {needed} locks at once, more than this process may open "
            f"({hard}): raise the open-files limit (LimitNOFILE= / ulimit -n)"
        )
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def copy_database(ws: Workspace, target: Path) -> None:
    """The review database through SQLite's online backup API, in one step (one read
    transaction: a consistent copy while others write), as a single file (no WAL)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with connect(ws) as source:  # migrates an older database first
        dest = sqlite3.connect(target)
        try:
            source.backup(dest, pages=-1)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()


def excluded(ws: Workspace, choice: Choice, extra: tuple[Path, ...] = ()) -> list[Path]:
    """Folders and files of the workspace that phase 3 leaves out (staged before, rebuilt
    on their own, or not the workspace's: Prefect's temporary API, older backups)."""
    out = [
        ws.translations_dir,
        ws.articles_dir,
        ws.output_dir,
        ws.cache_dir,
        db_path(ws),
        ws.root / ".prefect",
        downloads_dir(ws.models_dir),
        ws.root / ws.settings.backup.destination,
        *extra,
    ]
    if not choice.with_models:
        out.append(ws.models_dir)
    return out


def stage(ws: Workspace, folder: Path, choice: Choice, extra_excluded: tuple[Path, ...]) -> Staged:
    """Link everything the backup holds into ``folder`` (see the module's docstring)."""
    staged = Staged(folder)
    db_rel = _rel(ws, db_path(ws)) or ".azad/review.sqlite3"
    with _queue_quiet(ws):
        _stage_tree(staged, ws, ws.translations_dir, "translations")
        _stage_tree(staged, ws, ws.articles_dir, "articles")
        staged.add(ws.root / "azad.toml", "azad.toml")
        copy_database(ws, folder / db_rel)
        staged.names.append(db_rel)
    if choice.with_editions and ws.output_dir.is_dir():
        with FileLock(str(ws.output_dir / CATALOG_LOCK), timeout=LOCK_TIMEOUT_S):
            _stage_tree(staged, ws, ws.output_dir, "output")
    if choice.with_models and _rel(ws, ws.models_dir) is None:
        _stage_tree(staged, ws, ws.models_dir, "models")
    skip = {p.resolve() for p in excluded(ws, choice, (folder, *extra_excluded))}
    for top, dirs, files in os.walk(ws.root):
        here = Path(top)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() not in skip)
        for name in sorted(files):
            path = here / name
            if here == ws.root and name == "azad.toml":
                continue
            if _skipped(name) or path.is_symlink() or not path.is_file():
                continue
            if path.resolve() in skip:
                continue
            staged.add(path, path.relative_to(ws.root).as_posix())
    return staged
