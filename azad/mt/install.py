"""Installing an ``.argosmodel`` archive: all of it, or nothing.

Argos's own ``install_from_path`` runs ``extractall`` straight into the packages folder:
an archive that fails part-way (a bad CRC, a full disk) leaves a half-extracted folder
that then serves the language, and the folder it writes is whatever the archive's top
folder is called. Here:

1. every member is checked before anything is written (:func:`check_members`): no
   absolute or ``..`` path, no link or device, at most :data:`MAX_MEMBERS` members and
   :data:`MAX_UNCOMPRESSED` bytes in all, no member that expands more than
   :data:`MAX_RATIO` times (a zip bomb), and room on the disk;
2. ``metadata.json`` is read first and its codes and version checked, against the
   language asked for when there is one;
3. the archive is extracted into a hidden staging folder inside the packages folder (the
   same file system, so the last step is a rename), each member's size held to what its
   header declares;
4. the folder is renamed into place under the name the project derives from the
   metadata (:func:`azad.mt.packaging.package_folder_name`), never the archive's.

The packages folder is unchanged until step 4; the package it held keeps serving.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
import uuid
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from azad.errors import InputError
from azad.mt.packaging import METADATA_FILENAME, package_folder_name

MAX_MEMBERS = 1_000
"""An Argos package holds a dozen files; NLLB's a few more."""
MAX_UNCOMPRESSED = 8 * 2**30
"""8 GiB: the largest package the project builds (NLLB-200 3.3B, int8) is about 3.5 GB."""
MAX_RATIO = 100
"""Model weights barely compress (≈1.1:1), vocabularies and JSON ≈3:1; a member over
:data:`RATIO_FLOOR` that expands a hundredfold is a bomb, not a model."""
RATIO_FLOOR = 1 << 20
STAGING_PREFIX = ".staging-"
RETIRED_PREFIX = ".retired-"
STALE_S = 3600
"""A staging folder older than this is the leftover of an install that was killed."""


def check_members(archive: Path, zf: zipfile.ZipFile) -> str:
    """Check every member of ``zf`` (see the module's step 1); return the name of the
    archive's one top folder."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(archive, f"{len(infos):,} archive entries (the limit is {MAX_MEMBERS:,})")
    total = 0
    tops = set()
    for info in infos:
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if (
            name.startswith("/")
            or (len(name) > 1 and name[1] == ":")
            or "\x00" in name
            or ".." in name.split("/")
        ):
            raise InputError(
                archive,
                f"unsafe archive entry {info.filename!r} would be extracted "
                "outside the package directory",
            )
        mode = info.external_attr >> 16
        # Zip writers often store permission bits without a file type: that is a file.
        if stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
            raise InputError(archive, f"archive entry {info.filename!r} is {kind}")
        if parts:
            tops.add(parts[0])
        total += info.file_size
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise InputError(
                archive,
                f"archive entry {info.filename!r} expands {ratio:,} times "
                f"(to {info.file_size:,} bytes): a zip bomb, not a model",
            )
    if total > MAX_UNCOMPRESSED:
        raise InputError(
            archive,
            f"expands to {total:,} bytes (the limit is {MAX_UNCOMPRESSED:,})",
        )
    if len(tops) != 1:
        found = ", ".join(sorted(tops)) or "nothing"
        raise InputError(
            archive, f"an Argos package must hold exactly one top-level folder (found {found})"
        )
    return tops.pop()


def check_room(archive: Path, zf: zipfile.ZipFile, packages_dir: Path) -> None:
    """Refuse before extracting when the disk cannot hold the package."""
    need = sum(info.file_size for info in zf.infolist())
    free = shutil.disk_usage(packages_dir).free
    if need > free:
        raise InputError(
            archive, f"needs {need:,} bytes in {packages_dir}, which has {free:,} free"
        )


def install_archive(packages_dir: Path, archive: Path, meta: dict[str, object]) -> Path:
    """Extract ``archive`` (checked by :func:`check_members`, metadata already read and
    checked) into staging and rename it into place; return the package's folder."""
    folder = package_folder_name(
        str(meta["from_code"]), str(meta["to_code"]), str(meta["package_version"])
    )
    target = packages_dir / folder
    remove_stale(packages_dir)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=packages_dir))
    try:
        with zipfile.ZipFile(archive) as zf:
            top = check_members(archive, zf)
            check_room(archive, zf, packages_dir)
            for info in zf.infolist():
                _extract(zf, info, top, staging, archive)
        if not (staging / METADATA_FILENAME).is_file():
            raise InputError(archive, f"no {top}/{METADATA_FILENAME} in the archive")
        _into_place(staging, target)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        # A damaged member: a bad CRC, a broken deflate stream, a truncated file.
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(archive, f"corrupt zip archive ({exc}); nothing installed") from None
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        reason = exc.strerror or str(exc)
        raise InputError(archive, f"cannot install: {reason}; nothing installed") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _extract(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, top: str, staging: Path, archive: Path
) -> None:
    rel = PurePosixPath(info.filename.replace("\\", "/")).parts[1:]
    if not rel:
        return
    dest = staging.joinpath(*rel)
    if info.is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    left = info.file_size
    with zf.open(info) as src, dest.open("xb") as out:
        while chunk := src.read(1 << 20):
            left -= len(chunk)
            if left < 0:  # zipfile trusts the header; a forged one does not get past this
                raise InputError(
                    archive, f"archive entry {info.filename!r} is longer than declared"
                )
            out.write(chunk)


def _into_place(staging: Path, target: Path) -> None:
    """One rename; a package of the same name and version is retired first (a second
    rename, then removed), since a folder cannot be renamed onto a non-empty one."""
    retired = None
    if target.exists():
        retired = target.with_name(f"{RETIRED_PREFIX}{target.name}-{uuid.uuid4().hex[:8]}")
        os.rename(target, retired)
    try:
        os.rename(staging, target)
    except BaseException:
        if retired is not None:
            os.rename(retired, target)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def remove_stale(packages_dir: Path) -> None:
    """Remove staging and retired folders left by an install that was killed."""
    now = time.time()
    for path in packages_dir.glob(".*"):
        if not path.name.startswith((STAGING_PREFIX, RETIRED_PREFIX)) or not path.is_dir():
            continue
        try:
            if now - path.stat().st_mtime > STALE_S:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def is_package_folder(path: Path) -> bool:
    """A folder the packages folder lists: not hidden (staging, retired), with metadata."""
    return path.is_dir() and not path.name.startswith(".") and (path / METADATA_FILENAME).is_file()
