from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from helpers import EXAMPLES, snapshot

from azad.mt.packages import installed_models, resolve_model
from azad.workspace import Workspace


def write_index(tmp_path: Path, archives: list[Path]) -> str:
    """A local copy of the Argos index format, pointing at local package files."""
    entries = []
    for archive in archives:
        with zipfile.ZipFile(archive) as zf:
            meta_name = next(n for n in zf.namelist() if n.endswith("/metadata.json"))
            meta = json.loads(zf.read(meta_name))
        meta["links"] = [archive.resolve().as_uri()]
        entries.append(meta)
    index = tmp_path / "index" / "index.json"
    index.parent.mkdir()
    index.write_text(json.dumps(entries))
    return index.as_uri()


def set_index_url(ws: Workspace, url: str) -> None:
    settings = ws.root / "azad.toml"
    text = settings.read_text()
    start = text.index("index_url = ")
    end = text.index("\n", start)
    settings.write_text(text[:start] + f'index_url = "{url}"' + text[end:])


def test_install_from_a_local_index(cli, workspace: Workspace, test_packages, tmp_path) -> None:
    set_index_url(workspace, write_index(tmp_path, [test_packages["fa"]]))
    result = cli("models", "install", "dari")
    assert result.code == 0, result.err
    assert "installed translate-en_fa" in result.out
    model = resolve_model(workspace.models_dir, "translate-en_fa")
    assert model is not None and model.is_test_model and model.to_code == "fa"
    listing = cli("models", "list")
    assert "dari (fa-AF): translate-en_fa" in listing.out
    assert "pashto (ps-AF): nothing" in listing.out


def test_index_without_pashto_names_the_alternative(
    cli, workspace: Workspace, test_packages, tmp_path
) -> None:
    set_index_url(workspace, write_index(tmp_path, [test_packages["fa"]]))
    result = cli("models", "install", "pashto")
    assert result.code == 2
    assert "has no translate-en_ps" in result.err and "build-nllb --lang pashto" in result.err
    assert installed_models(workspace.models_dir) == []


def test_unreachable_index(cli, workspace: Workspace, tmp_path) -> None:
    set_index_url(workspace, (tmp_path / "nowhere.json").as_uri())
    result = cli("models", "install", "dari")
    assert result.code == 2 and "download failed" in result.err


def test_install_file_list_and_remove(cli, workspace: Workspace, test_packages) -> None:
    assert cli("models", "install-file", str(test_packages["ps"])).code == 0
    assert [m.name for m in installed_models(workspace.models_dir)] == ["translate-en_ps"]
    result = cli("models", "remove", "translate-en_ps")
    assert result.code == 0 and "removed" in result.out
    assert installed_models(workspace.models_dir) == []


def test_real_package_is_preferred_to_the_test_model(
    workspace: Workspace, test_packages, tmp_path
) -> None:
    from azad.mt.packages import install_file
    from azad.mt.packaging import pack_argos_model

    install_file(workspace.models_dir, test_packages["fa"])
    # The same weights repacked without the test-model mark stand in for a real package.
    with zipfile.ZipFile(test_packages["fa"]) as zf:
        zf.extractall(tmp_path / "x")
    (folder,) = (tmp_path / "x").iterdir()
    real = pack_argos_model(
        folder / "model",
        folder / "sentencepiece.model",
        tmp_path / "real.argosmodel",
        from_code="en",
        to_code="fa",
        from_name="English",
        to_name="Persian",
        package_version="1.9",
    )
    install_file(workspace.models_dir, real)
    chosen = resolve_model(workspace.models_dir, "translate-en_fa")
    assert chosen is not None and not chosen.is_test_model and chosen.version == "1.9"


BAD_ARCHIVES = {
    "not a zip": lambda p: p.write_text("not a zip"),
    "no metadata": lambda p: _zip(p, {"pkg/model/model.bin": b"x"}),
    "path traversal": lambda p: _zip(
        p,
        {
            "pkg/metadata.json": b'{"from_code":"en","to_code":"fa","package_version":"1"}',
            "../../evil.txt": b"x",
        },
    ),
}


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


@pytest.mark.parametrize("make", BAD_ARCHIVES.values(), ids=BAD_ARCHIVES.keys())
def test_bad_package_files(make, cli, workspace: Workspace, tmp_path) -> None:
    archive = tmp_path / "bad.argosmodel"
    make(archive)
    before = snapshot(workspace.root)
    result = cli("models", "install-file", str(archive))
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and "bad.argosmodel" in result.err
    assert snapshot(workspace.root) == before
    assert not (tmp_path.parent / "evil.txt").exists()


def test_translate_without_a_model_names_the_fix(cli, workspace: Workspace) -> None:
    assert cli("ingest", str(EXAMPLES / "salang-tunnel.md")).code == 0
    before = snapshot(workspace.root)
    result = cli("translate", "the-salang-tunnel", "--lang", "pashto")
    assert result.code == 2
    assert "azad models build-nllb --lang pashto" in result.err
    assert snapshot(workspace.root) == before


def test_build_test_model_command(cli, workspace: Workspace) -> None:
    result = cli("models", "build-test-model")
    assert result.code == 0, result.err
    assert "test model" in result.err
    names = sorted(m.name for m in installed_models(workspace.models_dir))
    assert names == ["translate-en_fa", "translate-en_ps"]
    shutil.rmtree(workspace.models_dir)
