"""Names are matched whole (issue 12, case 5): a trailing newline makes no second user,
slug or package code (``$`` matches before a final newline; ``fullmatch`` does not)."""

from __future__ import annotations

import pytest
from helpers import EXAMPLES, snapshot

from azad.db.users import validate_name
from azad.mt.packaging import index_entry_problem, metadata_problem
from azad.workspace import Workspace, is_valid_slug


@pytest.mark.parametrize("name", ["ed\n", "ed\r\n", "\ned"])
def test_a_user_name_with_a_newline_is_refused(
    cli, workspace: Workspace, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n" * 2))
    assert cli("users", "add", "ed", "--role", "editor", "--password-stdin").code == 0
    before = snapshot(workspace.root)
    result = cli("users", "add", name, "--role", "editor", "--password-stdin")
    assert result.code == 2 and "not a valid user name" in result.err
    assert snapshot(workspace.root) == before
    with pytest.raises(Exception, match="not a valid user name"):
        validate_name(name)


@pytest.mark.parametrize("slug", ["glossary\n", "salang\n", "a-b\n"])
def test_a_slug_with_a_newline_is_refused(cli, workspace: Workspace, slug: str) -> None:
    assert not is_valid_slug(slug)
    before = snapshot(workspace.root)
    result = cli("ingest", str(EXAMPLES / "salang-tunnel.md"), "--slug", slug)
    assert result.code == 2 and "not a valid article slug" in result.err
    assert snapshot(workspace.root) == before


def test_codes_and_versions_with_a_newline_are_refused() -> None:
    meta = {"from_code": "en\n", "to_code": "fa", "package_version": "1.0"}
    assert metadata_problem(meta) == "metadata.json has an invalid from_code 'en\\n'"
    meta = {"from_code": "en", "to_code": "fa", "package_version": "1.0\n"}
    assert metadata_problem(meta) == "metadata.json has an invalid package_version '1.0\\n'"
    entry = {"from_code": "en", "to_code": "fa\n", "package_version": "1.0", "links": []}
    assert index_entry_problem(entry) == "invalid to_code 'fa\\n'"
