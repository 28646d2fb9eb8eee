from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import EXAMPLES, SHARED_SAMPLES, copy_file, needs_shared, snapshot

from azad.cli import run
from azad.model import Article
from azad.queue.articles import ArticleStore
from azad.workspace import Workspace


def test_ingest_stores_articles_and_prints_a_summary(cli, workspace: Workspace) -> None:
    result = cli("ingest", str(EXAMPLES / "herat-saffron.txt"), str(EXAMPLES / "salang-tunnel.md"))
    assert result.code == 0, result.err
    assert "red-gold-of-herat" in result.out and "the-salang-tunnel" in result.out
    assert "Example Writer" in result.out
    stored = Article.from_json(
        (workspace.translations_dir / "red-gold-of-herat" / "source.json").read_bytes()
    )
    assert stored.meta.title.startswith("Red Gold of Herat")
    listing = cli("articles")
    assert listing.code == 0
    assert "red-gold-of-herat" in listing.out and "the-salang-tunnel" in listing.out


@needs_shared
def test_ingest_json_of_the_shared_sample(cli) -> None:
    result = cli("ingest", str(SHARED_SAMPLES / "kabul-river-water.txt"), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["meta"]["title"] == (
        "Sharing the Kabul River: Water, Drought and the Long Road to a Basin Agreement"
    )
    assert data["meta"]["author"] == "Sample Author"
    assert data["meta"]["date"] == "2025-03-14"
    assert sum(b["kind"] == "heading" for b in data["blocks"]) == 3


def test_reingest_unchanged_writes_nothing(cli, workspace: Workspace) -> None:
    src = EXAMPLES / "salang-tunnel.md"
    assert cli("ingest", str(src)).code == 0
    before = snapshot(workspace.root)
    result = cli("ingest", str(src))
    assert result.code == 0 and "unchanged" in result.out
    assert snapshot(workspace.root) == before


def test_changed_file_keeps_the_previous_revision(
    cli, workspace: Workspace, tmp_path: Path
) -> None:
    src = copy_file(EXAMPLES / "salang-tunnel.md", tmp_path / "in")
    assert cli("ingest", str(src)).code == 0
    src.write_text(src.read_text().replace("about 3,400 metres", "about 3,363 metres"))
    result = cli("ingest", str(src))
    assert result.code == 0 and "revised" in result.out
    store = ArticleStore(workspace)
    current = store.load("the-salang-tunnel")
    assert current.revision == 2
    (previous,) = store.history("the-salang-tunnel")
    assert "3,400 metres" in previous.blocks[0].text
    assert "3,363 metres" in current.article.blocks[0].text
    assert previous.meta.source_sha256 != current.article.meta.source_sha256


def test_slug_is_stable_and_collisions_get_a_suffix(
    cli, workspace: Workspace, tmp_path: Path
) -> None:
    a = copy_file(EXAMPLES / "salang-tunnel.md", tmp_path / "in", "one.md")
    b = copy_file(EXAMPLES / "salang-tunnel.md", tmp_path / "in", "two.md")
    assert cli("ingest", str(a), str(b)).code == 0
    assert ArticleStore(workspace).slugs() == ["the-salang-tunnel", "the-salang-tunnel-2"]
    # Same file again (changed): the slug it had, not a new one.
    a.write_text(a.read_text() + "\nOne more paragraph.\n")
    result = cli("ingest", str(a))
    assert "revised" in result.out and "the-salang-tunnel " in result.out
    assert ArticleStore(workspace).slugs() == ["the-salang-tunnel", "the-salang-tunnel-2"]


def test_show_resolves_a_source_file_stem(cli) -> None:
    assert cli("ingest", str(EXAMPLES / "herat-saffron.txt")).code == 0
    result = cli("show", "herat-saffron")
    assert result.code == 0
    assert json.loads(result.out)["meta"]["source_file"] == "herat-saffron.txt"


def test_workspace_from_environment(workspace: Workspace, monkeypatch, capsys) -> None:
    monkeypatch.setenv("AZAD_WORKSPACE", str(workspace.root))
    assert run(["ingest", str(EXAMPLES / "salang-tunnel.md")]) == 0
    assert (workspace.translations_dir / "the-salang-tunnel" / "source.json").is_file()


def _zip_bytes() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "x")
    return buf.getvalue()


BAD_FILES: dict[str, tuple[str, bytes, str]] = {
    "empty": ("empty.txt", b"", "file is empty"),
    "only white space": ("blank.md", b"  \n\n \t\n", "file is empty"),
    "binary": ("binary.txt", bytes(range(256)) * 4, "binary file"),
    "invalid utf-8": (
        "latin1.txt",
        "Caf\u00e9 au lait. Title\n".encode("latin-1"),
        "not valid UTF-8",
    ),
    "unsupported extension": ("article.rtf", b"{\\rtf1 hello}", "unsupported file type '.rtf'"),
    "no title": (
        "notitle.txt",
        "افغانستان آزاد – آزاد افغانستان\n\nAA-AA\n".encode(),
        "no recognisable title",
    ),
    "renamed zip": ("renamed.docx", _zip_bytes(), "cannot be read as docx"),
}


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_input(case: tuple[str, bytes, str], cli, workspace: Workspace, tmp_path: Path) -> None:
    name, data, reason = case
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(data)
    before = snapshot(workspace.root)
    result = cli("ingest", str(path))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert str(path) in lines[0] and reason in lines[0]
    assert snapshot(workspace.root) == before


def test_file_over_the_size_limit(cli, workspace: Workspace, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(20_000_001)
    before = snapshot(workspace.root)
    result = cli("ingest", str(big))
    assert result.code == 2
    assert "too large" in result.err and "20,000,000" in result.err and str(big) in result.err
    assert snapshot(workspace.root) == before


def test_size_limit_is_configurable(cli, workspace: Workspace) -> None:
    settings = workspace.root / "azad.toml"
    settings.write_text(settings.read_text().replace("max_bytes = 20_000_000", "max_bytes = 1000"))
    result = cli("ingest", str(EXAMPLES / "herat-saffron.txt"))
    assert result.code == 2 and "the limit is 1,000" in result.err


@pytest.mark.parametrize(
    "slug", ["../../etc", "/etc/passwd", "a/b", "Upper", "..", "x" * 81, "glossary"]
)
def test_slug_that_is_a_path_is_refused(slug: str, cli, workspace: Workspace) -> None:
    before = snapshot(workspace.root)
    result = cli("ingest", str(EXAMPLES / "salang-tunnel.md"), "--slug", slug)
    assert result.code == 2
    assert "not a valid article slug" in result.err and slug in result.err
    assert snapshot(workspace.root) == before
    assert cli("show", slug).code == 2


def test_one_bad_file_in_a_batch_writes_nothing(cli, workspace: Workspace, tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("")
    before = snapshot(workspace.root)
    result = cli("ingest", str(EXAMPLES / "salang-tunnel.md"), str(empty))
    assert result.code == 2 and str(empty) in result.err
    assert snapshot(workspace.root) == before


def test_missing_file(cli, tmp_path: Path) -> None:
    result = cli("ingest", str(tmp_path / "nope.txt"))
    assert result.code == 2 and "no such file" in result.err


def test_no_workspace(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["articles"]) == 2
    assert "no azad.toml" in capsys.readouterr().err
