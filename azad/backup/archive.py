"""A backup archive: a gzip'd tar of the staged workspace with ``MANIFEST.json`` last
(each file's size and SHA-256, hashed as it is written, the installed models, the schema
version); written to a temporary file beside the destination and renamed, so a
destination holds a whole archive or none. Restoring checks every file against the
manifest before anything lands in the target folder."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from azad.backup.collect import STAGING_PREFIX, Choice, stage
from azad.db.connection import SCHEMA_VERSION
from azad.errors import InputError
from azad.fsutil import fsync_dir
from azad.mt.packages import installed_models
from azad.workspace import Workspace

MANIFEST = "MANIFEST.json"
FORMAT = "azad-backup/1"
SUFFIX = ".tar.gz"
RESTORED_MANIFEST = ".azad/restored-from.json"
"""A restored workspace keeps its archive's manifest here (``azad doctor`` reads which
models the backed-up workspace had)."""
CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int
    size: int
    manifest: dict[str, Any]


class _Hashing:
    """A file object that hashes what ``tarfile`` reads from it."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.sha = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.sha.update(data)
        return data


def models_of(ws: Workspace) -> list[dict[str, Any]]:
    """The installed models, by name and version (no paths)."""
    if not ws.models_dir.is_dir():
        return []
    return [
        {
            "name": m.name,
            "version": m.version,
            "language": m.to_code,
            "test_model": m.is_test_model,
        }
        for m in installed_models(ws.models_dir)
    ]


def archive_name(now: dt.datetime | None = None) -> str:
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"azad-backup-{stamp}{SUFFIX}"


def destination_path(ws: Workspace, dest: Path | None) -> Path:
    """``dest`` itself, a new archive's name in it when it is a folder, or one in the
    configured ``[backup] destination``."""
    if dest is None:
        folder = ws.root / ws.settings.backup.destination
        folder.mkdir(parents=True, exist_ok=True)
        return folder / archive_name()
    if dest.is_dir():
        return dest / archive_name()
    if not dest.name.endswith((SUFFIX, ".tgz")):
        raise InputError(dest, f"a backup archive's name ends with {SUFFIX}")
    if not dest.parent.is_dir():
        raise InputError(dest.parent, "no such folder")
    return dest


def backup(ws: Workspace, dest: Path | None = None, choice: Choice | None = None) -> BackupResult:
    """Write one consistent archive of ``ws`` to ``dest`` (see :func:`destination_path`)."""
    choice = choice or Choice(
        with_models=ws.settings.backup.with_models,
        with_editions=ws.settings.backup.with_editions,
    )
    target = destination_path(ws, dest)
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    staging = ws.root / ".azad" / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
    staging.mkdir(parents=True)
    try:
        staged = stage(ws, staging, choice, (target, tmp))
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "schema_version": SCHEMA_VERSION,
            "with_models": choice.with_models,
            "with_editions": choice.with_editions,
            "models": models_of(ws),
            "files": [],
        }
        with open(tmp, "xb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
                for name in sorted(staged.names):
                    manifest["files"].append(_add(tar, staging / name, name))
                data = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = (
                    len(data),
                    int(dt.datetime.now().timestamp()),
                    0o644,
                )
                tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupResult(target, len(manifest["files"]), target.stat().st_size, manifest)


def _add(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    st = path.stat()
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = st.st_size, int(st.st_mtime), st.st_mode & 0o777
    with path.open("rb") as fh:
        hashing = _Hashing(fh)
        tar.addfile(info, hashing)  # type: ignore[arg-type]
    return {"path": name, "size": st.st_size, "sha256": hashing.sha.hexdigest()}


def rotate(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` archives this command named in ``folder``."""
    found = sorted(folder.glob(f"azad-backup-*{SUFFIX}"))
    gone = found[: max(0, len(found) - keep)]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


# ---- reading ---------------------------------------------------------------------------


# What a cut-short or altered archive raises on reading (gzip's CRC check included).
_DAMAGED = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)


def _bad(archive: Path, reason: str) -> InputError:
    return InputError(archive, f"not a usable backup archive: {reason}")


@contextlib.contextmanager
def _open(archive: Path) -> Iterator[tarfile.TarFile]:
    if not archive.is_file():
        raise InputError(archive, "no such file")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            yield tar
    except _DAMAGED as exc:
        raise _bad(archive, str(exc) or type(exc).__name__) from None


def _safe_name(archive: Path, member: tarfile.TarInfo) -> str:
    name = member.name
    parts = Path(name).parts
    if not member.isfile() or name.startswith("/") or ".." in parts or not parts:
        raise _bad(archive, f"unexpected member {name!r}")
    return name


def read_checked(archive: Path, unpack_to: Path | None = None) -> dict[str, Any]:
    """Read every member of ``archive``, check it against the manifest, and return the
    manifest; with ``unpack_to``, also write each file there (the caller removes it all
    on an error). Any damage is one :class:`InputError` naming the archive."""
    seen: dict[str, tuple[int, str]] = {}
    manifest: dict[str, Any] | None = None
    with _open(archive) as tar:
        try:
            for member in tar:
                name = _safe_name(archive, member)
                fh = tar.extractfile(member)
                assert fh is not None  # a regular file
                if name == MANIFEST:
                    manifest = _parse_manifest(archive, fh.read())
                    continue
                sha = hashlib.sha256()
                out: IO[bytes] | None = None
                if unpack_to is not None:
                    dest = unpack_to / name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    out = dest.open("wb")
                try:
                    while chunk := fh.read(CHUNK):
                        sha.update(chunk)
                        if out is not None:
                            out.write(chunk)
                finally:
                    if out is not None:
                        out.close()
                        os.chmod(unpack_to / name, member.mode & 0o777 | 0o600)  # type: ignore[operator]
                        os.utime(unpack_to / name, (member.mtime, member.mtime))  # type: ignore[operator]
                seen[name] = (member.size, sha.hexdigest())
        except _DAMAGED as exc:
            raise _bad(archive, str(exc) or type(exc).__name__) from None
    if manifest is None:
        raise _bad(archive, f"no {MANIFEST} (cut short?)")
    listed = {f["path"]: (f["size"], f["sha256"]) for f in manifest["files"]}
    for name, (size, sha) in listed.items():
        if name not in seen:
            raise _bad(archive, f"{name} is missing")
        if seen[name] != (size, sha):
            raise _bad(archive, f"{name} has changed (its SHA-256 is not the manifest's)")
    extra = sorted(set(seen) - set(listed))
    if extra:
        raise _bad(archive, f"{extra[0]} is not in the manifest")
    return manifest


def _parse_manifest(archive: Path, data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
        if manifest.get("format") != FORMAT:
            raise ValueError(f"format {manifest.get('format')!r}, expected {FORMAT!r}")
        for f in manifest["files"]:
            if not (isinstance(f["path"], str) and isinstance(f["sha256"], str)):
                raise ValueError("a file without path or SHA-256")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _bad(archive, f"damaged {MANIFEST} ({exc})") from None
    return dict(manifest)


def verify(archive: Path) -> dict[str, Any]:
    """Check ``archive`` (every file against the manifest; the database's integrity)."""
    with tempfile.TemporaryDirectory(prefix="azad-verify-") as tmp:
        manifest = read_checked(archive, Path(tmp))
        _check_database(archive, Path(tmp))
    return manifest


def _check_database(archive: Path, root: Path) -> None:
    from azad.settings import load_settings

    settings = load_settings(root / "azad.toml")
    path = root / settings.review.database
    if not path.is_file():
        raise _bad(archive, "no review database")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _bad(archive, f"the review database is damaged ({exc})") from None
    finally:
        conn.close()
    if result != "ok":
        raise _bad(archive, f"the review database is damaged ({result})")


def restore(archive: Path, folder: Path) -> dict[str, Any]:
    """Make ``folder`` (empty or new) the workspace backed up in ``archive``. Everything
    is unpacked and checked beside it first, so a damaged archive leaves ``folder`` as it
    was."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(folder, "not an empty folder; restore into an empty or new folder")
    if not archive.is_file():
        raise InputError(archive, "no such file")
    parent = folder.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    unpack = Path(tempfile.mkdtemp(prefix=f".{folder.name}.restoring-", dir=parent))
    try:
        manifest = read_checked(archive, unpack)
        _check_database(archive, unpack)
        _make_folders(unpack)
        keep = unpack / RESTORED_MANIFEST
        keep.parent.mkdir(parents=True, exist_ok=True)
        keep.write_text(json.dumps({k: v for k, v in manifest.items() if k != "files"}))
        os.chmod(unpack, 0o755)
        if folder.exists():
            folder.rmdir()  # empty: checked above
        os.replace(unpack, folder)
        fsync_dir(parent)
    except BaseException:
        shutil.rmtree(unpack, ignore_errors=True)
        raise
    return manifest


def _make_folders(root: Path) -> None:
    """An archive holds files, not empty folders: the workspace's own folders (as
    ``azad init`` makes them) are made again, so that ``azad run`` finds ``articles/`` and
    the catalog its ``output/`` even when they were empty. Only inside the workspace: a
    path in azad.toml pointing elsewhere belongs to that other disk."""
    ws = Workspace(root)
    with contextlib.suppress(InputError):  # azad.toml unreadable: restored as it was
        for sub in (ws.articles_dir, ws.translations_dir, ws.output_dir):
            if sub.resolve().is_relative_to(root.resolve()):
                sub.mkdir(parents=True, exist_ok=True)


def missing_models(ws: Workspace) -> list[dict[str, Any]]:
    """Models the backed-up workspace had that this restored one has not (weights left
    out of the archive); empty for a workspace that was not restored."""
    try:
        manifest = json.loads((ws.root / RESTORED_MANIFEST).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return []
    have = {(m["name"], m["version"]) for m in models_of(ws)}
    return [m for m in manifest.get("models", []) if (m["name"], m["version"]) not in have]
