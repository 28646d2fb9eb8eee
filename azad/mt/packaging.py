"""Build and inspect Argos Translate packages (``.argosmodel`` files).

An Argos package is a zip archive holding exactly one top-level folder, which
``argostranslate.package.install_from_path`` extracts verbatim into the packages
directory.  The folder contains:

* ``metadata.json`` – read by ``argostranslate.package.Package``;
* ``model/`` – a CTranslate2 model directory (``model.bin``, ``config.json``,
  vocabularies);
* ``sentencepiece.model`` – the tokenizer Argos uses for both sides;
* ``README.md`` – shown by Argos front ends as the package description.

Besides the keys Argos reads we store ``source_prefix`` / ``source_suffix``:
token lists to put around the SentencePiece tokens of every source sentence.
Argos itself ignores them; our own translation code needs them for models
such as NLLB that expect ``eng_Latn`` before and ``</s>`` after the source.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.version import InvalidVersion, Version

__all__ = [
    "METADATA_FILENAME",
    "index_entry_problem",
    "metadata_problem",
    "pack_argos_model",
    "read_package_metadata",
]

METADATA_FILENAME = "metadata.json"

# Fixed timestamp for every zip entry: a package rebuilt from the same inputs is
# byte-identical, so test fixtures and caches can compare files by hash.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

# Codes and versions become part of a directory name inside the packages dir,
# so they must not be able to smuggle in path separators or "..".
# fullmatch, never "$", which also matches before a final newline ("en\n").
_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
_VERSION_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,31}")
_URL_SCHEMES = ("http://", "https://", "file://")

_RESERVED_KEYS = frozenset(
    {
        "package_version",
        "argos_version",
        "from_code",
        "from_name",
        "to_code",
        "to_name",
        "type",
        "target_prefix",
        "source_prefix",
        "source_suffix",
    }
)


def package_folder_name(from_code: str, to_code: str, package_version: str) -> str:
    """Name of the top-level folder (= installed package directory) of a package."""
    return f"translate-{from_code}_{to_code}-{package_version}"


def pack_argos_model(
    ct2_dir: Path,
    sp_model: Path,
    out_path: Path,
    *,
    from_code: str,
    to_code: str,
    from_name: str,
    to_name: str,
    package_version: str = "1.0",
    argos_version: str = "1.9",
    target_prefix: str = "",
    source_prefix: list[str] | None = None,
    source_suffix: list[str] | None = None,
    extra_metadata: dict[str, Any] | None = None,
) -> Path:
    """Write an Argos Translate package for a CTranslate2 model.

    The archive is written to a temporary file next to ``out_path`` and moved
    into place with :func:`os.replace`, so readers never see a half-written
    package and an interrupted build leaves any previous package intact.

    Args:
        ct2_dir: CTranslate2 model directory (must contain ``model.bin``).
        sp_model: SentencePiece model used to tokenize source and target.
        out_path: Where to write the ``.argosmodel`` file.
        from_code, to_code: Language codes as Argos uses them (``en``, ``fa``...).
        from_name, to_name: Human-readable language names.
        package_version: Package version; also part of the folder name.
        argos_version: Minimum Argos Translate version the package targets.
        target_prefix: Token Argos forces at the start of every target
            (e.g. ``pes_Arab`` for NLLB). Only stored when non-empty, as Argos
            treats any present value as a prefix.
        source_prefix, source_suffix: Tokens to wrap every source sentence in.
        extra_metadata: Additional metadata keys (must not clash with the
            keys above).

    Returns:
        ``out_path``.

    Raises:
        FileNotFoundError: ``ct2_dir``/``model.bin`` or ``sp_model`` is missing.
        ValueError: A code, version or metadata key is invalid.
    """
    ct2_dir = Path(ct2_dir)
    sp_model = Path(sp_model)
    out_path = Path(out_path)

    for label, code in (("from_code", from_code), ("to_code", to_code)):
        if not _CODE_RE.fullmatch(code):
            raise ValueError(f"invalid {label} {code!r}: use letters, digits, '_' or '-'")
    if not _VERSION_RE.fullmatch(package_version) or ".." in package_version:
        raise ValueError(f"invalid package_version {package_version!r}")
    if not (ct2_dir / "model.bin").is_file():
        raise FileNotFoundError(f"{ct2_dir} is not a CTranslate2 model directory (no model.bin)")
    if not sp_model.is_file():
        raise FileNotFoundError(f"SentencePiece model not found: {sp_model}")

    metadata: dict[str, Any] = {
        "package_version": package_version,
        "argos_version": argos_version,
        "from_code": from_code,
        "from_name": from_name,
        "to_code": to_code,
        "to_name": to_name,
        "type": "translate",
    }
    if target_prefix:
        metadata["target_prefix"] = target_prefix
    metadata["source_prefix"] = list(source_prefix or [])
    metadata["source_suffix"] = list(source_suffix or [])
    if extra_metadata:
        clashes = sorted(_RESERVED_KEYS.intersection(extra_metadata))
        if clashes:
            raise ValueError(f"extra_metadata may not override {', '.join(clashes)}")
        metadata.update(extra_metadata)

    folder = package_folder_name(from_code, to_code, package_version)
    readme = _readme_text(metadata)

    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent)
    tmp_path = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            _write_bytes(zf, f"{folder}/{METADATA_FILENAME}", _json_bytes(metadata))
            _write_bytes(zf, f"{folder}/README.md", readme.encode("utf-8"))
            _write_file(zf, f"{folder}/sentencepiece.model", sp_model)
            for source in sorted(p for p in ct2_dir.rglob("*") if p.is_file()):
                rel = source.relative_to(ct2_dir).as_posix()
                _write_file(zf, f"{folder}/model/{rel}", source)
            zf.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp_path, out_path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return out_path


def read_package_metadata(path: Path) -> dict[str, Any]:
    """Return the ``metadata.json`` of an ``.argosmodel`` file without extracting it.

    Also vets the archive the way installing it would need: one top-level
    folder and no entry that would land outside the extraction directory.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: The file is not a zip archive, contains an unsafe entry
            (absolute path or ``..``), has no single top-level folder, or has
            no readable ``metadata.json``. The message names the file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Argos package not found: {path}")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path}: not an Argos package (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            for info in zf.infolist():
                if _is_unsafe_member(info.filename):
                    raise ValueError(
                        f"{path}: unsafe archive entry {info.filename!r} would be extracted "
                        "outside the package directory"
                    )
                if stat.S_ISLNK(info.external_attr >> 16):
                    # Extracted as a plain file today, but a package has no use for links
                    # and another unpacker could follow one out of the package directory.
                    raise ValueError(f"{path}: archive entry {info.filename!r} is a symbolic link")
            tops = {PurePosixPath(name.replace("\\", "/")).parts[0] for name in names if name}
            if len(tops) != 1:
                found = ", ".join(sorted(tops)) or "nothing"
                raise ValueError(
                    f"{path}: an Argos package must hold exactly one top-level folder "
                    f"(found {found})"
                )
            member = f"{tops.pop()}/{METADATA_FILENAME}"
            try:
                raw = zf.read(member)
            except KeyError:
                raise ValueError(f"{path}: no {member} in the archive") from None
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{path}: corrupt zip archive ({exc})") from exc
    try:
        metadata = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: {member} is not valid JSON ({exc})") from exc
    if not isinstance(metadata, dict):
        raise ValueError(f"{path}: {member} must contain a JSON object")
    return metadata


def metadata_problem(metadata: dict[str, Any]) -> str | None:
    """What is wrong with the codes and version of a package's ``metadata.json`` (they
    become part of its name and of paths), or ``None``."""
    for key in ("from_code", "to_code"):
        if not _CODE_RE.fullmatch(str(metadata[key])):
            return f"metadata.json has an invalid {key} {metadata[key]!r}"
    if problem := version_problem(str(metadata["package_version"])):
        return (
            f"metadata.json has an {problem}"
            if problem.startswith("invalid")
            else (f"metadata.json: {problem}")
        )
    return None


def version_problem(version: str, *, number: bool = False) -> str | None:
    """Why ``version`` cannot name a package folder, or, with ``number``, is no version
    number such as ``1.9`` (what the Argos index holds; the project's own NLLB packages
    are versioned ``nllb-600m``); None when it is fine."""
    if not _VERSION_RE.fullmatch(version) or ".." in version:
        return f"invalid package_version {version!r}"
    if number:
        try:
            Version(version)
        except InvalidVersion:
            return f"package_version {version!r} is not a version number"
    return None


def index_entry_problem(entry: Any) -> str | None:
    """What is wrong with one entry of an Argos package index, or ``None``: its codes and
    version become file names, its links are downloaded."""
    if not isinstance(entry, dict):
        return "not an object"
    if entry.get("type", "translate") != "translate":
        return None  # Argos's sbd packages and the like: never installed by this project
    for key in ("from_code", "to_code", "package_version"):
        if not isinstance(entry.get(key), str):
            return f"{key} missing or not a string"
    for key in ("from_code", "to_code"):
        if not _CODE_RE.fullmatch(entry[key]):
            return f"invalid {key} {entry[key]!r}"
    if problem := version_problem(entry["package_version"], number=True):
        return problem
    links = entry.get("links", [])
    if not isinstance(links, list) or not all(isinstance(link, str) for link in links):
        return "links is not a list of addresses"
    for link in links:
        if not link.startswith(_URL_SCHEMES):
            return f"link {link[:80]!r} is not http, https or file"
    return None


def _is_unsafe_member(name: str) -> bool:
    # zipfile.extractall sanitises names itself, but Argos packages may be
    # extracted by other tools too, and a crafted archive is a sign of tampering
    # either way: reject rather than silently rewrite.
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or re.match(r"^[A-Za-z]:", normalized) or "\x00" in name:
        return True
    return ".." in normalized.split("/")


def _zipinfo(arcname: str, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(arcname, date_time=_ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.file_size = size
    return info


def _write_bytes(zf: zipfile.ZipFile, arcname: str, data: bytes) -> None:
    zf.writestr(_zipinfo(arcname, len(data)), data)


def _write_file(zf: zipfile.ZipFile, arcname: str, source: Path) -> None:
    size = source.stat().st_size
    # Stream instead of reading into memory: CTranslate2 weights can be GBs,
    # and above 2 GiB the entry needs zip64 headers decided up front.
    with (
        source.open("rb") as src,
        zf.open(_zipinfo(arcname, size), "w", force_zip64=size > 0x7FFF_0000) as dst,
    ):
        shutil.copyfileobj(src, dst, 1024 * 1024)


def _json_bytes(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _readme_text(metadata: dict[str, Any]) -> str:
    lines = [
        f"# {metadata['from_name']} → {metadata['to_name']}",
        "",
        f"Argos Translate package `{metadata['from_code']}` → `{metadata['to_code']}`, "
        f"version {metadata['package_version']}.",
        "",
        "Contents: `model/` (CTranslate2 model), `sentencepiece.model` (tokenizer), "
        "`metadata.json`.",
    ]
    if metadata.get("source_prefix") or metadata.get("source_suffix"):
        lines += [
            "",
            "Source sentences must be wrapped as "
            f"{metadata.get('source_prefix', [])} + tokens + {metadata.get('source_suffix', [])}.",
        ]
    if metadata.get("target_prefix"):
        lines += ["", f"Target prefix: `{metadata['target_prefix']}`."]
    return "\n".join(lines) + "\n"
