"""Argos Translate packages of a workspace: list, install (index or file), remove, resolve.

All access to ``argostranslate`` goes through here. Argos reads its settings from the
environment when ``argostranslate.settings`` is first imported, and its package functions
read the module's attributes at call time; :func:`use_packages_dir` sets both, so one
process can serve several workspaces (tests do).

Downloads use our own :func:`download` (``http``, ``https`` and ``file`` URLs, with a
progress callback) because Argos's downloader only speaks HTTP and cannot show progress;
installation is :mod:`azad.mt.install` (checked, staged, renamed into place), not Argos's
``install_from_path``, which extracts whatever the archive holds straight into the folder.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from azad.errors import AzadError, InputError
from azad.fsutil import atomic_write_bytes
from azad.mt.install import check_members, install_archive, is_package_folder
from azad.mt.packaging import index_entry_problem, metadata_problem, read_package_metadata

INDEX_FILE = "index.json"
PACKAGE_FILES = ("model/model.bin", "sentencepiece.model")
"""Files of a package's folder the engine (:mod:`azad.mt.engine`) cannot do without."""
_lock = threading.Lock()
Progress = Callable[[int, int | None], None]
"""Called with (bytes so far, total bytes or None)."""


@dataclass(frozen=True)
class InstalledModel:
    """An installed Argos translate package, with the metadata the engine needs."""

    path: Path
    from_code: str
    to_code: str
    version: str
    to_name: str
    metadata: dict[str, Any] = field(compare=False, repr=False)

    @property
    def name(self) -> str:
        """The argospm name, e.g. ``translate-en_fa``."""
        return f"translate-{self.from_code}_{self.to_code}"

    @property
    def is_test_model(self) -> bool:
        return bool(self.metadata.get("azad_test_model"))

    @property
    def target_prefix(self) -> str:
        return str(self.metadata.get("target_prefix") or "")

    @property
    def source_prefix(self) -> list[str]:
        return list(self.metadata.get("source_prefix") or [])

    @property
    def source_suffix(self) -> list[str]:
        return list(self.metadata.get("source_suffix") or [])

    @property
    def label(self) -> str:
        test = " (test model: output is not a translation)" if self.is_test_model else ""
        return f"{self.name} {self.version}{test}"


class NotInIndex(AzadError):
    """The package index lists no package of that name."""


def downloads_dir(packages_dir: Path) -> Path:
    """Beside the packages folder, not in it: Argos takes every folder there for a package."""
    return packages_dir.parent / f".{packages_dir.name}-downloads"


def use_packages_dir(packages_dir: Path) -> Any:
    """Point Argos at ``packages_dir`` (its ``ARGOS_PACKAGES_DIR``) and return
    ``argostranslate.package``."""
    packages_dir.mkdir(parents=True, exist_ok=True)
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages_dir)
    # Imported only now: argostranslate reads ARGOS_PACKAGES_DIR when first imported.
    from argostranslate import package, settings

    settings.package_data_dir = packages_dir
    settings.package_dirs = [packages_dir]
    settings.local_package_index = packages_dir / INDEX_FILE
    settings.downloads_dir = downloads_dir(packages_dir)
    return package


def installed_models(packages_dir: Path) -> list[InstalledModel]:
    """Every translate package installed in ``packages_dir``, through Argos's own listing."""
    with _lock:
        package = use_packages_dir(packages_dir)
        found = []
        # Not Argos's get_installed_packages: it takes every folder for a package and
        # fails on one without metadata.json (an install's staging folder, a leftover).
        for folder in sorted(packages_dir.iterdir()):
            if not is_package_folder(folder):
                continue
            pkg = package.Package(folder)
            if pkg.type != "translate":
                continue
            meta = json.loads((Path(pkg.package_path) / "metadata.json").read_text("utf-8"))
            found.append(
                InstalledModel(
                    path=Path(pkg.package_path),
                    from_code=pkg.from_code,
                    to_code=pkg.to_code,
                    version=str(pkg.package_version),
                    to_name=pkg.to_name,
                    metadata=meta,
                )
            )
    return sorted(found, key=lambda m: (m.name, m.is_test_model, m.path.name))


def resolve_model(
    packages_dir: Path, package_name: str, version: str = ""
) -> InstalledModel | None:
    """The installed package called ``package_name``: a real one before a test model,
    the highest version first (``version``: only that one); None when nothing serves it."""
    candidates = [m for m in installed_models(packages_dir) if m.name == package_name]
    if version:
        candidates = [m for m in candidates if _version_key(m.version) == _version_key(version)]
    if not candidates:
        return None
    real = [m for m in candidates if not m.is_test_model]
    return max(real or candidates, key=lambda m: _version_key(m.version))


def _version_key(version: str) -> Version:
    try:
        return Version(version)
    except InvalidVersion:
        return Version("0")


def install_file(
    packages_dir: Path, archive: Path, *, expect: tuple[str, str] | None = None
) -> InstalledModel:
    """Check an ``.argosmodel`` archive and install it whole or not at all
    (:mod:`azad.mt.install`); ``expect``: the (from, to) codes of the language asked for."""
    if not archive.is_file():
        raise InputError(archive, "no such file")
    if not zipfile.is_zipfile(archive):
        raise InputError(archive, "not an Argos package (not a zip archive)")
    try:
        with zipfile.ZipFile(archive) as zf:
            check_members(archive, zf)  # before a single byte is decompressed
        meta = read_package_metadata(archive)  # refuses no metadata, bad JSON
    except zipfile.BadZipFile as exc:
        raise InputError(archive, f"corrupt zip archive ({exc})") from None
    except ValueError as exc:
        raise InputError(archive, str(exc).removeprefix(f"{archive}: ")) from None
    missing = [k for k in ("from_code", "to_code", "package_version") if k not in meta]
    if missing:
        raise InputError(archive, f"metadata.json lacks {', '.join(missing)}")
    if meta.get("type", "translate") != "translate":
        raise InputError(archive, f"not a translate package (type {meta.get('type')!r})")
    if problem := metadata_problem(meta):
        raise InputError(archive, problem)
    codes = (str(meta["from_code"]), str(meta["to_code"]))
    if expect is not None and codes != expect:
        raise InputError(
            archive,
            f"a package for {codes[0]}→{codes[1]}, not the {expect[0]}→{expect[1]} asked for",
        )
    # Argos installs any archive with a metadata.json; the engine needs these two files,
    # and finding them missing at the first translation is too late.
    if absent := _missing_members(archive, PACKAGE_FILES):
        raise InputError(archive, f"not a usable translate package: no {', '.join(absent)}")
    with _lock:
        packages_dir.mkdir(parents=True, exist_ok=True)
        target = install_archive(packages_dir, archive, meta)
    for model in installed_models(packages_dir):
        if model.path == target:
            return model
    raise InputError(archive, "installed, but Argos does not list it (unexpected layout)")


def _missing_members(archive: Path, wanted: tuple[str, ...]) -> list[str]:
    """Which of ``wanted`` (paths inside the package's one top-level folder) the
    archive lacks; :func:`read_package_metadata` has checked the archive's layout."""
    with zipfile.ZipFile(archive) as zf:
        names = [name.replace("\\", "/") for name in zf.namelist()]
    inside = {name.split("/", 1)[1] for name in names if "/" in name}
    return [name for name in wanted if name not in inside]


def remove(packages_dir: Path, model: InstalledModel) -> None:
    with _lock:
        package = use_packages_dir(packages_dir)
        if is_package_folder(model.path) and model.path.parent == packages_dir:
            package.uninstall(package.Package(model.path))
            return
    raise AzadError(f"{model.path}: not installed")


def download(url: str, dest: Path, progress: Progress | None = None) -> Path:
    """Fetch ``url`` (http, https or file) to ``dest`` atomically."""
    if not url.startswith(("http://", "https://", "file://")):
        raise InputError(url, "unsupported URL scheme (use http, https or file)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as resp:
            total = resp.headers.get("Content-Length")
            total_n = int(total) if total and total.isdigit() else None
            done = 0
            while chunk := resp.read(1 << 20):
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total_n)
        os.replace(tmp, dest)
    except (urllib.error.URLError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or exc
        raise InputError(url, f"download failed: {reason}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def update_index(packages_dir: Path, index_url: str) -> Path:
    """Download the package index to the workspace (where Argos looks for it)."""
    target = packages_dir / INDEX_FILE
    data_path = download(index_url, downloads_dir(packages_dir) / INDEX_FILE)
    try:
        index = json.loads(data_path.read_bytes())
        if not isinstance(index, list):
            raise ValueError("not a list of packages")
    except (ValueError, UnicodeDecodeError) as exc:
        data_path.unlink(missing_ok=True)
        raise InputError(index_url, f"not an Argos package index: {exc}") from None
    # Every entry is checked before the index is written: its codes and version become
    # file names, its links are fetched.
    for n, entry in enumerate(index, start=1):
        if problem := index_entry_problem(entry):
            data_path.unlink(missing_ok=True)
            raise InputError(index_url, f"package index entry {n}: {problem}")
    atomic_write_bytes(target, data_path.read_bytes())
    data_path.unlink()
    return target


@dataclass(frozen=True)
class AvailableModel:
    name: str
    from_code: str
    to_code: str
    version: str
    links: list[str]


def available_models(packages_dir: Path) -> list[AvailableModel]:
    """Packages in the workspace's copy of the index, through Argos's own reader."""
    if not (packages_dir / INDEX_FILE).is_file():
        # Argos would try the network and, offline, recurse until RecursionError.
        raise AzadError("no package index yet: run 'azad models update-index'")
    with _lock:
        package = use_packages_dir(packages_dir)
        return [
            AvailableModel(
                name=f"translate-{p.from_code}_{p.to_code}",
                from_code=p.from_code,
                to_code=p.to_code,
                version=str(p.package_version),
                links=list(p.links),
            )
            for p in package.get_available_packages()
            if p.type == "translate"
        ]


def install_from_index(
    packages_dir: Path, index_url: str, package_name: str, progress: Progress | None = None
) -> InstalledModel:
    """Update the index, download ``package_name`` and install it."""
    update_index(packages_dir, index_url)
    matches = [m for m in available_models(packages_dir) if m.name == package_name]
    if not matches:
        raise NotInIndex(f"the package index has no {package_name}")
    chosen = max(matches, key=lambda m: _version_key(m.version))
    if not chosen.links:
        raise AzadError(f"the package index lists {package_name} without a download link")
    # The file name comes from values the index check has vetted, never from a link.
    archive = downloads_dir(packages_dir) / f"{chosen.name}-{chosen.version}.argosmodel"
    errors = []
    for link in chosen.links:
        try:
            download(link, archive, progress)
            break
        except InputError as exc:
            errors.append(str(exc))
    else:
        raise AzadError("; ".join(errors))
    try:
        model = install_file(packages_dir, archive, expect=(chosen.from_code, chosen.to_code))
    finally:
        archive.unlink(missing_ok=True)
    return model
