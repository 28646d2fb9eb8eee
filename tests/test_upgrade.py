"""Upgrades keep data (issue 22): a workspace written by an early Azad Press (commit
c906ed1, the first with ``azad review``; made by ``tests/data/upgrade/make_workspace.sh``,
kept in ``tests/data/upgrade/workspace``) opens with today's code: the database is
migrated, old provenance comments are read, the approval still holds, the edition is
still in the catalog, the accounts log in, the change log and the editor's comments are
there, and a backup of it restores."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from test_review_support import PASSWORD, login

from azad.backup import backup, restore, verify
from azad.catalog.entries import load_entries
from azad.catalog.write import write_catalog
from azad.db.connection import SCHEMA_VERSION, connect
from azad.db.users import authenticate
from azad.queue.status import translation_status
from azad.queue.store import Queue
from azad.review.edits import history
from azad.web.app import create_app
from azad.workspace import Workspace

FIXTURE = Path(__file__).parent / "data" / "upgrade" / "workspace"
SLUG = "the-salang-tunnel"


@pytest.fixture
def old(tmp_path: Path) -> Workspace:
    shutil.copytree(FIXTURE, tmp_path / "ws")
    return Workspace((tmp_path / "ws").resolve())


def test_the_fixture_was_written_by_the_first_schema() -> None:
    import sqlite3

    conn = sqlite3.connect(f"file:{FIXTURE / '.azad/review.sqlite3'}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    finally:
        conn.close()


def test_an_old_workspace_opens_with_its_data(old: Workspace) -> None:
    with connect(old) as conn:  # migrations run on first use
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for name in ("eddie", "dara", "pasha"):
        assert authenticate(old, name, PASSWORD) is not None, name
    # The old "#. machine draft:" comments are read as provenance.
    dari = Queue(old).read(SLUG, "dari")
    first = dari.units[0]
    assert first.provenance.is_machine and first.provenance.test_model
    assert first.provenance.package.startswith("translate-en_fa")
    assert first.provenance.draft  # the machine's own text, kept after the translator's save
    assert first.text == "متن بازبینی‌شده شماره 1"
    # The approval (and the publication) still hold; Pashto is still a draft in work.
    assert translation_status(old, SLUG, "dari").status == "published"
    assert translation_status(old, SLUG, "pashto").status == "machine draft"
    record = Queue(old).load_record(SLUG, "dari")
    assert record.approved is not None and record.approved.comment == "Approved for print"
    assert [h.comment for h in record.history][:1] == ["Check the tunnel's name"]
    # The change log: the translator's saves, the second one after the send-back.
    ctx = dari.units[1].ctx
    assert [c.new for c in history(old, SLUG, "dari", ctx)][-1] == "تونل سالنگ"
    # The edition is still in the catalog, also once today's code writes the catalog again.
    assert [(e.lang, e.slug) for e in load_entries(old)] == [("fa-AF", SLUG)]
    write_catalog(old)
    assert f"dari/{SLUG}.pdf" in (old.output_dir / "index.html").read_text("utf-8")


def test_the_old_workspace_is_served_and_its_backup_restores(
    old: Workspace, tmp_path: Path
) -> None:
    client = TestClient(create_app(old))
    login(client, "eddie")
    assert SLUG in client.get("/").text
    assert client.get(f"/t/{SLUG}/dari").status_code == 200
    assert client.get(f"/editions/dari/{SLUG}.pdf").status_code == 200

    archive = backup(old, tmp_path / "old.tar.gz").path
    verify(archive)
    restore(archive, tmp_path / "restored")
    again = Workspace((tmp_path / "restored").resolve())
    assert translation_status(again, SLUG, "dari").status == "published"
    assert authenticate(again, "dara", PASSWORD) is not None
    assert (again.output_dir / "dari" / f"{SLUG}.pdf").read_bytes() == (
        old.output_dir / "dari" / f"{SLUG}.pdf"
    ).read_bytes()
