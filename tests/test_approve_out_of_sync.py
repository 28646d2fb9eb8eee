"""An approval is refused while the English changed and the translation was not brought
up to date (issue 23): in the queue, the CLI and the web app, and no approval stamp is
written. Every unit is reviewed, so only the out-of-sync rule stands in the way."""

from __future__ import annotations

import pytest
from test_queue import P1, P2, ingest_text, md, review_all, translate
from test_review_support import add_users
from test_web import as_user

from azad.errors import AzadError
from azad.queue.status import stamp_approval, translation_status
from azad.workspace import Workspace

SLUG = "the-dam"


@pytest.fixture
def out_of_sync(workspace: Workspace) -> str:
    """Translated and reviewed, then the English changed (ingested, not translated)."""
    add_users(workspace)
    ingest_text(workspace, "dam.md", md("The Dam", P1, P2))
    translate(workspace, SLUG)
    review_all(workspace, SLUG)
    ingest_text(workspace, "dam.md", md("The Dam", P2, P1))
    current = translation_status(workspace, SLUG, "dari")
    assert not current.in_sync and not current.unreviewed and current.record.approved is None
    return current.rev


def _not_approved(ws: Workspace) -> None:
    after = translation_status(ws, SLUG, "dari")
    assert after.record.approved is None and after.status != "approved"
    assert not any(e.action == "approve" for e in after.record.history)


def test_the_queue_refuses(workspace: Workspace, out_of_sync: str) -> None:
    with pytest.raises(AzadError, match="English article changed"):
        stamp_approval(workspace, SLUG, "dari", "eddie", out_of_sync)
    _not_approved(workspace)


def test_the_cli_refuses(cli, workspace: Workspace, out_of_sync: str) -> None:
    result = cli("review", "approve", SLUG, "--lang", "dari", "--as", "eddie", "--rev", out_of_sync)
    assert result.code != 0
    assert "English article changed" in result.out + result.err
    _not_approved(workspace)


def test_the_web_app_refuses(workspace: Workspace, out_of_sync: str) -> None:
    ed, csrf = as_user(workspace, "eddie")
    r = ed.post(
        f"/t/{SLUG}/dari/approve",
        data={"csrf": csrf, "rev": out_of_sync, "comment": ""},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "kind=error" in r.headers["location"], r.headers
    page = ed.get(r.headers["location"]).text
    assert "English article changed" in page
    _not_approved(workspace)
