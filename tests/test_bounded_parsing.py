"""Bounded parsing (issue 12, case 4): YAML metadata is checked before pandoc sees it, and
a file that fails is recorded with its error and not read again until it changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import EXAMPLES

from azad.readers import pandoc
from azad.services.ingest import FAILURES_FILE, ingest_each, pending_files, scan_files
from azad.workspace import Workspace

CORPUS = Path(__file__).resolve().parent / "bad_inputs" / "ingest"


def test_an_alias_bomb_is_refused_before_pandoc_runs(workspace: Workspace, monkeypatch) -> None:
    from azad.errors import InputError

    ran: list[str] = []

    def no_pandoc(data: bytes, fmt: str, name: str) -> None:
        # Not the real one: on code without the check, pandoc would spend a minute and a
        # gigabyte on this file before this test could fail.
        ran.append(name)
        raise InputError(name, "pandoc reached")

    monkeypatch.setattr(pandoc, "run_pandoc_to_json", no_pandoc)
    bomb = shutil.copy(CORPUS / "yaml-alias-bomb.md", workspace.articles_dir)
    done, failed = ingest_each(workspace, [Path(bomb)])
    assert done == [] and ran == []
    assert "YAML alias *a" in failed[0].reason


def test_a_file_that_failed_is_not_read_again_until_it_changes(workspace: Workspace) -> None:
    good = Path(shutil.copy(EXAMPLES / "salang-tunnel.md", workspace.articles_dir))
    bad = Path(shutil.copy(CORPUS / "yaml-alias-bomb.md", workspace.articles_dir))
    assert pending_files(workspace) == [good, bad]
    done, failed = ingest_each(workspace, pending_files(workspace))
    assert [o.slug for o in done] == ["the-salang-tunnel"] and len(failed) == 1
    assert (workspace.root / FAILURES_FILE).is_file()
    # The next run reads neither: one is ingested, the other failed and is unchanged.
    pending, skipped = scan_files(workspace)
    assert pending == []
    (error,) = skipped
    assert error.path == str(bad) and "unchanged since it failed" in error.reason
    assert "YAML alias *a" in error.reason
    # Fixed: it is read again, ingested, and its failure forgotten.
    bad.write_text((EXAMPLES / "salang-tunnel.md").read_text().replace("Salang", "Salang Pass"))
    assert scan_files(workspace) == ([bad], [])
    done, failed = ingest_each(workspace, [bad])
    assert len(done) == 1 and failed == []
    assert "yaml-alias-bomb" not in (workspace.root / FAILURES_FILE).read_text()


def test_pandoc_runs_with_a_heap_limit() -> None:
    """GHC's runtime answers "Heap exhausted" at the limit; the reader says so in one line."""
    import pytest

    from azad.errors import InputError

    with pytest.raises(InputError, match="pandoc needed more than"):
        original = pandoc.PANDOC_MAX_HEAP
        pandoc.PANDOC_MAX_HEAP = "4m"  # far below what any document needs
        try:
            pandoc.run_pandoc_to_json(b"# A heading\n\nSome text.\n" * 2000, "markdown", "x.md")
        finally:
            pandoc.PANDOC_MAX_HEAP = original


def test_pdftotext_runs_under_a_memory_limit(monkeypatch, tmp_path: Path) -> None:
    """RLIMIT_AS is set in the child: at 8 MB pdftotext cannot even load its libraries
    (at the real 1 GiB a site PDF needs tens of MB)."""
    import pytest
    from helpers import text_export_to_pdf

    from azad.errors import InputError
    from azad.readers import pdf
    from azad.readers.base import Source

    made = text_export_to_pdf((EXAMPLES / "herat-saffron.txt").read_text(), tmp_path / "a.pdf")
    source = Source("a.pdf", made.read_bytes())
    assert "saffron" in pdf.pdf_text(source).lower()
    monkeypatch.setattr(pdf, "PDFTOTEXT_MAX_BYTES", 8 << 20)
    with pytest.raises(InputError, match="cannot read PDF"):
        pdf.pdf_text(source)


@pytest.mark.slow  # Prefect's temporary API
def test_run_records_a_file_nested_too_deep_and_drafts_the_others(
    prefect_api: None, ws_with_models: Workspace, cli, monkeypatch
) -> None:
    """A 2 KB Markdown file of 1,000 nested quotes: pandoc's AST is deeper than Python's
    recursion limit. ``azad run`` records it among the ingest failures (one line naming it)
    and drafts every other article in every language."""
    import json
    import os

    for key, value in os.environ.items():  # the CLI sets Prefect's environment in-process
        monkeypatch.setenv(key, value)
    ws = ws_with_models
    shutil.copy(EXAMPLES / "salang-tunnel.md", ws.articles_dir)
    deep = Path(shutil.copy(CORPUS / "nested-quotes.md", ws.articles_dir))
    result = cli("run")
    assert result.code == 1, result.err  # one failure: the run says so
    assert "Traceback" not in result.err + result.out
    failures = json.loads((ws.root / FAILURES_FILE).read_text())
    assert list(failures) == [str(deep.resolve())]
    assert failures[str(deep.resolve())]["error"].startswith("nested too deeply")
    for key in ws.settings.languages:
        assert (ws.article_dir("the-salang-tunnel") / f"{key}.po").is_file()
