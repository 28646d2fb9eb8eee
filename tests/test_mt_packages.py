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


def _repack(test_package: Path, tmp_path: Path, version: str, **meta: object) -> Path:
    """The test package's weights as a non-test package of another version."""
    from azad.mt.packaging import pack_argos_model

    work = tmp_path / f"v{version}"
    with zipfile.ZipFile(test_package) as zf:
        zf.extractall(work)
    (folder,) = (p for p in work.iterdir() if p.is_dir())
    return pack_argos_model(
        folder / "model",
        folder / "sentencepiece.model",
        work / "pkg.argosmodel",
        from_code="en",
        to_code="ps",
        from_name="English",
        to_name="Pashto",
        package_version=version,
        extra_metadata=meta,
    )


def test_the_larger_nllb_model_serves_unless_one_is_pinned(
    cli, workspace: Workspace, test_packages, tmp_path
) -> None:
    from azad.mt.nllb import package_version, size_label
    from azad.mt.packages import install_file

    sizes = {"600M": 615_073_792, "1.3B": 1_370_638_336}
    versions = {name: package_version(n) for name, n in sizes.items()}
    assert versions == {"600M": "615", "1.3B": "1371"}
    assert [size_label(n) for n in sizes.values()] == ["615M", "1.4B"]
    # The 1.3B's folder sorts before the 600M's ("1371" < "615" as text): the number counts.
    for name, n in sizes.items():
        archive = _repack(
            test_packages["ps"], tmp_path, versions[name], model=f"hub/{name}", size=size_label(n)
        )
        install_file(workspace.models_dir, archive)
    served = resolve_model(workspace.models_dir, "translate-en_ps")
    assert served is not None and served.version == "1371"
    listing = cli("models", "list")
    assert "hub/1.3B (1.4B)" in listing.out and "hub/600M (615M)" in listing.out
    assert "pashto (ps-AF): translate-en_ps 1371" in listing.out

    settings = workspace.root / "azad.toml"
    text = settings.read_text()
    pinned = text.replace(
        'package = "translate-en_ps"\n', 'package = "translate-en_ps"\npackage_version = "615"\n'
    )
    assert pinned != text
    settings.write_text(pinned)
    assert "pashto (ps-AF): translate-en_ps 615" in cli("models", "list").out
    from azad.mt.select import select_model

    assert select_model(Workspace(workspace.root), "pashto").model.version == "615"

    settings.write_text(pinned.replace('package_version = "615"', 'package_version = "3"'))
    assert cli("ingest", str(EXAMPLES / "salang-tunnel.md")).code == 0
    result = cli("translate", "the-salang-tunnel", "--lang", "pashto")
    assert result.code == 2
    assert result.err.strip() == (
        "azad: error: translate-en_ps version 3 is not installed (azad.toml pins it for "
        "Pashto: see 'azad models list')"
    )


def test_build_nllb_names_a_missing_sentencepiece_file_before_converting(
    cli, workspace: Workspace, tmp_path
) -> None:
    saved = tmp_path / "saved-by-transformers-5"
    saved.mkdir()
    (saved / "config.json").write_text("{}")
    before = snapshot(workspace.root)
    result = cli("models", "build-nllb", "--lang", "pashto", "--source", str(saved))
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"azad: error: {saved}: no sentencepiece.bpe.model (NLLB's SentencePiece model; a "
        "folder written by save_pretrained lacks it: copy it from the hub's checkout of the "
        "model)"
    ]
    assert snapshot(workspace.root) == before


def test_build_nllb_help_shows_the_extra(cli) -> None:
    result = cli("models", "build-nllb", "--help")
    assert result.code == 0
    assert "pip install -e '.[nllb]'" in result.out
