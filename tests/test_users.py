"""``azad users``: accounts in the review database, passwords hashed with Argon2."""

from __future__ import annotations

import io
import sqlite3

import pytest
from argon2 import Type
from argon2.exceptions import VerifyMismatchError
from test_review_support import PASSWORD, register_cli

from azad.db.connection import db_path
from azad.db.users import (
    CHEAP_HASHES_ENV,
    add_user,
    authenticate,
    get_user,
    list_users,
    make_hasher,
)
from azad.workspace import Workspace

register_cli()


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch):
    def feed(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    return feed


def test_add_list_remove(cli, workspace: Workspace, stdin) -> None:
    stdin(PASSWORD + "\n")
    r = cli("users", "add", "dara", "--role", "translator", "--lang", "dari", "--password-stdin")
    assert r.code == 0, r.err
    stdin(PASSWORD + "\n")
    r = cli("users", "add", "eddie", "--role", "editor", "--password-stdin")
    assert r.code == 0, r.err
    listed = cli("users", "list").out
    assert "dara" in listed and "translator" in listed and "dari" in listed and "eddie" in listed
    assert [(u.name, u.role, u.langs) for u in list_users(workspace)] == [
        ("dara", "translator", ("dari",)),
        ("eddie", "editor", ()),
    ]
    # Only an Argon2 hash is stored, never the password.
    raw = db_path(workspace).read_bytes()
    assert PASSWORD.encode() not in raw
    with sqlite3.connect(db_path(workspace)) as conn:
        (pw_hash,) = conn.execute("SELECT pw_hash FROM users WHERE name = 'dara'").fetchone()
    assert pw_hash.startswith("$argon2id$")
    assert authenticate(workspace, "dara", PASSWORD) is not None
    assert authenticate(workspace, "dara", PASSWORD + "x") is None

    assert cli("users", "remove", "dara").code == 0
    assert get_user(workspace, "dara") is None
    r = cli("users", "remove", "dara")
    assert r.code == 2 and r.err.strip() == "azad: error: no user dara"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bad name!", "--role", "editor"], "not a valid user name"),
        (["x", "--role", "king"], "unknown role"),
        (["x", "--role", "translator"], "needs at least one --lang"),
        (["x", "--role", "translator", "--lang", "klingon"], "unknown language"),
        (["../../etc", "--role", "editor"], "not a valid user name"),
    ],
)
def test_bad_accounts_are_refused_with_one_line(
    cli, workspace: Workspace, stdin, args: list[str], message: str
) -> None:
    stdin(PASSWORD + "\n")
    r = cli("users", "add", *args, "--password-stdin")
    assert r.code == 2
    assert len(r.err.strip().splitlines()) == 1 and message in r.err
    assert list_users(workspace) == []


def test_short_password_and_duplicate_are_refused(cli, workspace: Workspace, stdin) -> None:
    stdin("short\n")
    r = cli("users", "add", "eddie", "--role", "editor", "--password-stdin")
    assert r.code == 2 and "at least 8 characters" in r.err
    stdin(PASSWORD + "\n")
    assert cli("users", "add", "eddie", "--role", "editor", "--password-stdin").code == 0
    stdin(PASSWORD + "\n")
    r = cli("users", "add", "eddie", "--role", "admin", "--password-stdin")
    assert r.code == 2 and "exists already" in r.err
    assert get_user(workspace, "eddie").role == "editor"


def test_new_password_ends_sessions(cli, workspace: Workspace, stdin) -> None:
    from azad.db.users import create_session, load_session

    stdin(PASSWORD + "\n")
    cli("users", "add", "eddie", "--role", "editor", "--password-stdin")
    token, _ = create_session(workspace, get_user(workspace, "eddie"))
    assert load_session(workspace, token) is not None
    stdin("another long password\n")
    assert cli("users", "passwd", "eddie", "--password-stdin").code == 0
    assert load_session(workspace, token) is None
    assert authenticate(workspace, "eddie", "another long password") is not None


def test_production_password_hashes_are_argon2id_at_full_cost(workspace: Workspace) -> None:
    """The suite hashes cheaply (tests/conftest.py sets CHEAP_HASHES_ENV); without that
    variable, or with any other value, the app hashes at RFC 9106's cost, and a password
    so hashed logs in."""
    for environ in ({}, {CHEAP_HASHES_ENV: "0"}, {CHEAP_HASHES_ENV: "yes"}):
        params = make_hasher(environ)
        assert (params.type, params.time_cost, params.memory_cost, params.parallelism) == (
            Type.ID,
            3,
            65536,
            4,
        )
        assert (params.salt_len, params.hash_len) == (16, 32)
    hasher = make_hasher({})
    strong = hasher.hash(PASSWORD)
    assert strong.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert hasher.verify(strong, PASSWORD)
    assert not hasher.check_needs_rehash(strong)
    with pytest.raises(VerifyMismatchError):
        hasher.verify(strong, PASSWORD + "x")

    # A workspace whose hashes were made at full cost: its users log in.
    add_user(workspace, "eddie", "editor", [], "a placeholder password")
    with sqlite3.connect(db_path(workspace)) as conn:
        conn.execute("UPDATE users SET pw_hash = ? WHERE name = 'eddie'", (strong,))
    assert authenticate(workspace, "eddie", PASSWORD) is not None
    assert authenticate(workspace, "eddie", PASSWORD + "x") is None


def test_the_suite_hashes_cheaply(workspace: Workspace) -> None:
    """What keeps a thousand logins in the suite from costing 64 MiB and three passes each."""
    assert make_hasher().memory_cost == 8
    add_user(workspace, "dara", "translator", ["dari"], PASSWORD)
    with sqlite3.connect(db_path(workspace)) as conn:
        (pw_hash,) = conn.execute("SELECT pw_hash FROM users WHERE name = 'dara'").fetchone()
    assert pw_hash.startswith("$argon2id$v=19$m=8,t=1,p=1$")
