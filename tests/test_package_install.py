"""Model packages are installed whole or not at all (issue 12, cases 2, 3, 5): a corrupted,
oversized, misnamed or hostile package, or a hostile index entry, leaves ``models/``
byte-identical (hashed, every folder and file) and the previous package serving."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zipfile
from pathlib import Path

import pytest
from test_mt_packages import set_index_url

from azad.mt.packages import install_file, installed_models, resolve_model
from azad.mt.packaging import pack_argos_model
from azad.workspace import Workspace


def tree_hash(root: Path) -> str:
    """Every folder and file below ``root``: names, kinds, file bytes."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root)).encode()
        if path.is_symlink():
            digest.update(b"L" + rel + os.readlink(path).encode())
        elif path.is_dir():
            digest.update(b"D" + rel)
        else:
            digest.update(b"F" + rel + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def repack(tmp_path: Path, source: Path, *, to_code: str, version: str, name: str = "pkg") -> Path:
    """``source``'s weights as a package en→``to_code`` of ``version``."""
    unpacked = tmp_path / f"unpacked-{name}"
    with zipfile.ZipFile(source) as zf:
        zf.extractall(unpacked)
    (folder,) = unpacked.iterdir()
    return pack_argos_model(
        folder / "model",
        folder / "sentencepiece.model",
        tmp_path / f"{name}.argosmodel",
        from_code="en",
        to_code=to_code,
        from_name="English",
        to_name=to_code,
        package_version=version,
    )


def rewrite(
    source: Path, dest: Path, *, top: str | None = None, metadata_last: bool = False
) -> Path:
    """``source`` with its top folder renamed to ``top`` and/or metadata.json last."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        infos = zin.infolist()
        if metadata_last:
            infos.sort(key=lambda i: i.filename.endswith("metadata.json"))
        for info in infos:
            name = info.filename
            if top is not None:
                name = f"{top}/{name.split('/', 1)[1]}"
            zout.writestr(name, zin.read(info))
    return dest


def corrupt_largest_member(archive: Path) -> None:
    """Flip one byte in the middle of the biggest member's data (as a bad download does)."""
    with zipfile.ZipFile(archive) as zf:
        info = max(zf.infolist(), key=lambda i: i.compress_size)
    data = bytearray(archive.read_bytes())
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_len + extra_len
    data[start + info.compress_size // 2] ^= 0xFF
    archive.write_bytes(bytes(data))


@pytest.fixture
def dari_ws(workspace: Workspace, test_packages: dict[str, Path]) -> Workspace:
    install_file(workspace.models_dir, test_packages["fa"])
    return workspace


def assert_refused_and_untouched(cli, ws: Workspace, args: list[str], message: str) -> None:
    before = tree_hash(ws.models_dir)
    serving = resolve_model(ws.models_dir, "translate-en_fa")
    assert serving is not None
    result = cli(*args)
    assert result.code == 2, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.err
    assert tree_hash(ws.models_dir) == before
    assert resolve_model(ws.models_dir, "translate-en_fa") == serving
    # And it still translates.
    assert cli("models", "list").code == 0


def test_a_corrupted_byte_leaves_nothing_and_the_old_package_serving(
    cli, dari_ws: Workspace, test_packages: dict[str, Path], tmp_path: Path
) -> None:
    newer = repack(tmp_path, test_packages["fa"], to_code="fa", version="2.0")
    corrupt_largest_member(newer)
    assert_refused_and_untouched(
        cli, dari_ws, ["models", "install-file", str(newer)], "nothing installed"
    )


def test_corrupted_with_metadata_last_leaves_nothing(
    cli, dari_ws: Workspace, test_packages: dict[str, Path], tmp_path: Path
) -> None:
    newer = repack(tmp_path, test_packages["fa"], to_code="fa", version="2.0")
    last = rewrite(newer, tmp_path / "last.argosmodel", metadata_last=True)
    corrupt_largest_member(last)
    assert_refused_and_untouched(
        cli, dari_ws, ["models", "install-file", str(last)], "nothing installed"
    )


def test_metadata_last_installs_fine(
    dari_ws: Workspace, test_packages: dict[str, Path], tmp_path: Path
) -> None:
    newer = repack(tmp_path, test_packages["fa"], to_code="fa", version="2.0")
    last = rewrite(newer, tmp_path / "last.argosmodel", metadata_last=True)
    model = install_file(dari_ws.models_dir, last)
    assert model.version == "2.0"
    assert resolve_model(dari_ws.models_dir, "translate-en_fa") == model


@pytest.mark.slow
def test_a_zip_bomb_is_refused_before_extracting(
    cli, dari_ws: Workspace, test_packages: dict[str, Path], tmp_path: Path
) -> None:
    """1.0 MB that expands to 1 GiB of zeros."""
    bomb = repack(tmp_path, test_packages["fa"], to_code="fa", version="2.0")
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as zf:
        top = zf.namelist()[0].split("/")[0]
        with zf.open(f"{top}/model/padding.bin", "w", force_zip64=True) as out:
            zeros = bytes(1 << 20)
            for _ in range(1024):
                out.write(zeros)
    assert bomb.stat().st_size < 3_000_000
    assert_refused_and_untouched(
        cli, dari_ws, ["models", "install-file", str(bomb)], "a zip bomb, not a model"
    )


def test_too_many_members(cli, dari_ws: Workspace, tmp_path: Path) -> None:
    archive = tmp_path / "many.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        for n in range(1_001):
            zf.writestr(f"translate-en_fa-3.0/f{n}", b"")
    assert_refused_and_untouched(
        cli, dari_ws, ["models", "install-file", str(archive)], "1,001 archive entries"
    )


def test_the_folder_name_is_derived_never_taken_from_the_archive(
    dari_ws: Workspace, test_packages: dict[str, Path], tmp_path: Path
) -> None:
    """An en→ps package whose top folder is the Dari package's name does not replace it."""
    dari = resolve_model(dari_ws.models_dir, "translate-en_fa")
    assert dari is not None
    dari_before = tree_hash(dari.path)
    ps = repack(tmp_path, test_packages["ps"], to_code="ps", version="0.0.1")
    disguised = rewrite(ps, tmp_path / "disguised.argosmodel", top=dari.path.name)
    model = install_file(dari_ws.models_dir, disguised)
    assert model.path.name == "translate-en_ps-0.0.1" and model.to_code == "ps"
    assert tree_hash(dari.path) == dari_before
    assert resolve_model(dari_ws.models_dir, "translate-en_fa") == dari


def write_index(tmp_path: Path, entries: list[dict[str, object]]) -> str:
    index = tmp_path / "index" / "index.json"
    index.parent.mkdir(exist_ok=True)
    index.write_text(json.dumps(entries))
    return index.as_uri()


def _entry(archive: Path, **changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "type": "translate",
        "from_code": "en",
        "to_code": "fa",
        "from_name": "English",
        "to_name": "Persian",
        "package_version": "2.0",
        "argos_version": "1.9",
        "links": [archive.resolve().as_uri()],
    }
    entry.update(changes)
    return entry


HOSTILE_ENTRIES = {
    "version that is a path": (
        {"package_version": "/../../../../victim"},
        "invalid package_version '/../../../../victim'",
    ),
    "version that is no number": ({"package_version": "latest"}, "is not a version number"),
    "code with a trailing newline": ({"to_code": "fa\n"}, "invalid to_code 'fa\\n'"),
    "code that is a path": ({"to_code": "../fa"}, "invalid to_code '../fa'"),
    "link with another scheme": ({"links": ["ftp://example.org/p.argosmodel"]}, "is not http"),
    "links that are not a list": ({"links": "file:///etc/passwd"}, "links is not a list"),
}


@pytest.mark.parametrize("changes,message", HOSTILE_ENTRIES.values(), ids=HOSTILE_ENTRIES.keys())
def test_a_hostile_index_entry_writes_nothing(
    cli,
    dari_ws: Workspace,
    test_packages: dict[str, Path],
    tmp_path: Path,
    changes: dict[str, object],
    message: str,
) -> None:
    newer = repack(tmp_path, test_packages["fa"], to_code="fa", version="2.0")
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    set_index_url(dari_ws, write_index(tmp_path, [_entry(newer, **changes)]))
    assert_refused_and_untouched(cli, dari_ws, ["models", "install", "dari"], message)
    assert victim.read_text() == "keep me"
    assert not (dari_ws.models_dir / "index.json").exists()


def test_an_index_entry_for_dari_that_delivers_pashto_is_refused(
    cli, dari_ws: Workspace, test_packages: dict[str, Path], tmp_path: Path
) -> None:
    ps = repack(tmp_path, test_packages["ps"], to_code="ps", version="2.0")
    set_index_url(dari_ws, write_index(tmp_path, [_entry(ps)]))
    before = tree_hash(dari_ws.models_dir)
    result = cli("models", "install", "dari")
    assert result.code == 2
    assert "a package for en→ps, not the en→fa asked for" in result.err
    assert len(result.err.strip().splitlines()) == 1
    # The index itself was fine and is kept; no package changed.
    after = tree_hash(dari_ws.models_dir)
    (dari_ws.models_dir / "index.json").unlink()
    assert tree_hash(dari_ws.models_dir) == before, after
    assert [m.to_code for m in installed_models(dari_ws.models_dir)] == ["fa"]


def test_a_good_index_entry_installs_and_replaces_what_serves(
    cli, dari_ws: Workspace, test_packages: dict[str, Path], tmp_path: Path
) -> None:
    newer = repack(tmp_path, test_packages["fa"], to_code="fa", version="2.0")
    set_index_url(dari_ws, write_index(tmp_path, [_entry(newer)]))
    result = cli("models", "install", "dari")
    assert result.code == 0, result.err
    serving = resolve_model(dari_ws.models_dir, "translate-en_fa")
    assert serving is not None and serving.version == "2.0"


def test_leftovers_do_not_break_the_listing(cli, dari_ws: Workspace) -> None:
    """A staging folder of a killed install, or any folder without metadata.json."""
    (dari_ws.models_dir / ".staging-abc" / "model").mkdir(parents=True)
    (dari_ws.models_dir / "translate-en_fa-9.9" / "model").mkdir(parents=True)
    result = cli("models", "list")
    assert result.code == 0, result.err
    assert "dari (fa-AF): translate-en_fa 0.0.1" in result.out


def test_reinstalling_the_same_version_replaces_it_whole(
    dari_ws: Workspace, test_packages: dict[str, Path]
) -> None:
    (model,) = installed_models(dari_ws.models_dir)
    (model.path / "stray.txt").write_text("x")
    again = install_file(dari_ws.models_dir, test_packages["fa"])
    assert again.path == model.path and not (model.path / "stray.txt").exists()
    assert [p.name for p in dari_ws.models_dir.iterdir() if p.name.startswith(".")] == []
