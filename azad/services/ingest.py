"""Ingest: English files in, Articles stored in the workspace.

All files are read and parsed before anything is written, so one bad file in a batch
leaves the workspace as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from azad.errors import AzadError, AzadErrors, InputError
from azad.fsutil import atomic_write_bytes
from azad.model import Article
from azad.queue.articles import ArticleStore, IngestOutcome
from azad.readers import READERS, ReadOptions, Source, read_source, reader_for
from azad.workspace import Workspace


class InputErrors(AzadErrors):
    """Several files could not be used; one line per file."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__([str(e) for e in errors])


def load_source(path: Path, *, max_bytes: int) -> Source:
    """Read a file's bytes after checking that it exists, is a file and is not too large."""
    reader_for(str(path))  # an unsupported extension is refused before reading
    if not path.exists():
        raise InputError(path, "no such file")
    if not path.is_file():
        raise InputError(path, "not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(path, f"file is too large ({size:,} bytes; the limit is {max_bytes:,})")
    if size == 0:
        raise InputError(path, "file is empty")
    try:
        return Source(name=path.name, data=path.read_bytes())
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None


def check_not_linked_out(path: Path, workspace: Workspace) -> None:
    """Refuse a file in ``articles/`` that is a symbolic link to a file outside the
    workspace: whatever sits in ``articles/`` is drafted and may be published, and a link
    would carry any file the service can read (``/etc/…``, another site's drafts) into
    the editions. ``articles/`` itself may be a link (to a shared folder, say): files
    inside its target are its own. A file the user names outside ``articles/`` is theirs
    to give."""
    folder = workspace.articles_dir
    absolute = Path(os.path.abspath(path))
    inside = absolute.parent == Path(os.path.abspath(folder))
    if not inside and path.parent.exists():
        inside = path.parent.resolve() == folder.resolve()
    if not inside or not path.is_symlink():
        return
    target = path.resolve()
    if target.is_relative_to(workspace.root.resolve()) or target.is_relative_to(folder.resolve()):
        return
    raise InputError(
        path,
        "a symbolic link to a file outside the workspace (refused: copy the file into "
        f"{folder.name}/ instead)",
    )


def read_article(path: Path, workspace: Workspace, *, allow_non_english: bool = False) -> Article:
    """Read one file into an Article with the workspace's site profile and limits."""
    check_not_linked_out(path, workspace)
    settings = workspace.settings
    source = load_source(path, max_bytes=settings.ingest.max_bytes)
    options = ReadOptions(site=settings.site, allow_non_english=allow_non_english)
    try:
        return read_source(source, options)
    except InputError as exc:
        # Readers name the file by its base name; the user gave a path.
        raise InputError(path, exc.reason) from None


def ingest_files(
    workspace: Workspace,
    paths: list[Path],
    *,
    slug: str | None = None,
    allow_non_english: bool = False,
) -> list[IngestOutcome]:
    """Read every file, then store each Article; nothing is written if any file is bad."""
    if slug is not None and len(paths) != 1:
        raise AzadError("--slug names one article: give exactly one file")
    articles: list[Article] = []
    errors: list[InputError] = []
    for path in paths:
        try:
            articles.append(read_article(path, workspace, allow_non_english=allow_non_english))
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    return ArticleStore(workspace).save_all(articles, override=slug)


FAILURES_FILE = ".azad/ingest-failures.json"
"""Files ``azad run`` could not ingest, by path: their SHA-256 and the error. A file that
failed (a parser bomb that took pandoc to its limits, say) is not read again until its
bytes change."""


def _failures_path(workspace: Workspace) -> Path:
    return workspace.root / FAILURES_FILE


def _load_failures(workspace: Workspace) -> dict[str, dict[str, str]]:
    try:
        with _failures_path(workspace).open("rb") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return {}  # none yet, or damaged: at worst a bad file is read once more
    return data if isinstance(data, dict) else {}


def _digest(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def supported_files(folder: Path) -> list[Path]:
    """The files directly in ``folder`` that a reader takes (sorted by name); other files
    (notes, images, hidden files) are left alone."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in READERS
    )


def expand_folders(paths: list[Path]) -> list[Path]:
    """``paths`` with every folder replaced by its supported files: users point the
    pipeline at a folder as often as at files."""
    expanded: list[Path] = []
    for path in paths:
        expanded += supported_files(path) if path.is_dir() else [path]
    return expanded


def pending_files(workspace: Workspace, paths: list[Path] | None = None) -> list[Path]:
    """English files that are new or changed since they were last ingested: ``paths`` (a
    folder stands for its supported files), or every supported file in the workspace's
    ``articles/`` folder; not those that failed before and are unchanged since
    (:func:`failed_before`)."""
    return scan_files(workspace, paths)[0]


def failed_before(workspace: Workspace, paths: list[Path] | None = None) -> list[InputError]:
    """The errors of files that failed before and are unchanged since."""
    return scan_files(workspace, paths)[1]


def scan_files(
    workspace: Workspace, paths: list[Path] | None = None
) -> tuple[list[Path], list[InputError]]:
    """(files to ingest, errors of files that failed before and are unchanged)."""
    paths = supported_files(workspace.articles_dir) if paths is None else expand_folders(paths)
    known = {
        s.article.meta.source_file: s.article.meta.source_sha256
        for s in ArticleStore(workspace).all()
    }
    max_bytes = workspace.settings.ingest.max_bytes
    failures = _load_failures(workspace)
    pending = []
    skipped: list[InputError] = []
    for path in paths:
        try:
            if path.stat().st_size > max_bytes:
                # Ingest refuses it by its size without reading it; so does this check.
                pending.append(path)
                continue
            digest = _digest(path)
        except OSError:
            pending.append(path)  # let ingest report the problem with the file
            continue
        failed = failures.get(str(path.resolve()))
        if failed and failed.get("sha256") == digest:
            skipped.append(InputError(path, f"{failed.get('error')} (unchanged since it failed)"))
        elif known.get(path.name) != digest:
            pending.append(path)
    return pending, skipped


def ingest_each(
    workspace: Workspace, paths: list[Path]
) -> tuple[list[IngestOutcome], list[InputError]]:
    """Ingest every file on its own: a bad file is reported and the others go on."""
    done: list[IngestOutcome] = []
    failed: list[InputError] = []
    failures = _load_failures(workspace)
    before = dict(failures)
    for path in paths:
        key = str(path.resolve())
        try:
            done += ingest_files(workspace, [path])
            failures.pop(key, None)
        except InputError as exc:
            failed.append(exc)
            try:
                failures[key] = {"sha256": _digest(path), "error": exc.reason}
            except OSError:
                failures.pop(key, None)  # unreadable: nothing to compare with next time
    if failures != before:
        target = _failures_path(workspace)
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, json.dumps(failures, indent=1).encode() + b"\n")
    return done, failed
