"""Accounts, roles and sessions, in the review database (the login rate limit:
:mod:`azad.db.login_limits`).

Roles: a *translator* edits the languages listed for them; an *editor* edits every
language and approves, sends back and publishes; an *admin* can do all an editor can.
Passwords are hashed with Argon2id (argon2-cffi); session tokens are random and only
their SHA-256 is stored, so a copy of the database does not let anyone log in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from azad.db.connection import connect
from azad.errors import AzadError, InputError
from azad.workspace import Workspace

Role = Literal["translator", "editor", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
# fullmatch: "$" would also match before a final newline ("ed\n" beside "ed").
NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")
MIN_PASSWORD = 8

# Production cost: Argon2id as RFC 9106 recommends where memory is limited (3 passes
# over 64 MiB, 4 lanes; argon2-cffi's defaults, pinned here so an upgrade cannot lower them).
STRONG = Parameters(
    type=Type.ID,
    version=19,
    salt_len=16,
    hash_len=32,
    time_cost=3,
    memory_cost=65536,
    parallelism=4,
)
# The test suite only: the same algorithm at the lowest cost, so that a thousand logins
# do not cost a thousand × 64 MiB. tests/conftest.py sets it, for subprocesses too.
CHEAP_HASHES_ENV = "AZAD_TEST_CHEAP_PASSWORD_HASHES"
_CHEAP = dataclasses.replace(STRONG, time_cost=1, memory_cost=8, parallelism=1)


def make_hasher(environ: Mapping[str, str] = os.environ) -> PasswordHasher:
    """The password hasher: production cost unless the test suite's variable is set."""
    cheap = environ.get(CHEAP_HASHES_ENV) == "1"
    return PasswordHasher.from_parameters(_CHEAP if cheap else STRONG)


@functools.cache
def _hasher() -> PasswordHasher:
    return make_hasher()


@functools.cache
def _dummy_hash() -> str:
    """Checked when the user does not exist, so a login takes as long either way."""
    return _hasher().hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    langs: tuple[str, ...] = ()
    """Language keys (``dari``) a translator works in; editors and admins have all."""

    @property
    def is_editor(self) -> bool:
        return self.role in ("editor", "admin")

    def can_edit(self, lang_key: str) -> bool:
        return self.is_editor or lang_key in self.langs

    @property
    def label(self) -> str:
        return f"{self.role} ({', '.join(self.langs)})" if self.role == "translator" else self.role


def validate_name(name: str) -> str:
    if not NAME_RE.fullmatch(name):
        raise InputError(
            name, "not a valid user name (lower-case letters, digits, '.', '_', '-'; ≤ 32)"
        )
    return name


def _lang_keys(ws: Workspace, role: Role, langs: list[str]) -> tuple[str, ...]:
    keys = tuple(dict.fromkeys(ws.language(lang)[0] for lang in langs))
    if role == "translator" and not keys:
        raise AzadError("a translator needs at least one --lang (e.g. --lang dari)")
    return keys if role == "translator" else ()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AzadError(f"the password must have at least {MIN_PASSWORD} characters")


def add_user(ws: Workspace, name: str, role: str, langs: list[str], password: str) -> User:
    validate_name(name)
    if role not in ROLES:
        raise InputError(role, f"unknown role (roles: {', '.join(ROLES)})")
    user = User(name, role, _lang_keys(ws, role, langs))  # type: ignore[arg-type]
    _check_password(password)
    pw_hash = _hasher().hash(password)
    with connect(ws) as conn, conn:
        if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AzadError(f"user {name} exists already")
        conn.execute(
            "INSERT INTO users (name, role, langs, pw_hash, created) VALUES (?, ?, ?, ?, ?)",
            (name, role, ",".join(user.langs), pw_hash, dt.datetime.now(dt.UTC).isoformat()),
        )
    return user


def set_password(ws: Workspace, name: str, password: str) -> None:
    _check_password(password)
    with connect(ws) as conn, conn:
        cur = conn.execute(
            "UPDATE users SET pw_hash = ? WHERE name = ?", (_hasher().hash(password), name)
        )
        if cur.rowcount == 0:
            raise AzadError(f"no user {name}")
        conn.execute("DELETE FROM sessions WHERE name = ?", (name,))


def remove_user(ws: Workspace, name: str) -> None:
    with connect(ws) as conn, conn:
        conn.execute("DELETE FROM sessions WHERE name = ?", (name,))
        if conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
            raise AzadError(f"no user {name}")


def _from_row(row: object) -> User:
    name, role, langs = row[0], row[1], row[2]  # type: ignore[index]
    return User(name, role, tuple(x for x in langs.split(",") if x))


def list_users(ws: Workspace) -> list[User]:
    with connect(ws) as conn:
        rows = conn.execute("SELECT name, role, langs FROM users ORDER BY name").fetchall()
    return [_from_row(r) for r in rows]


def get_user(ws: Workspace, name: str) -> User | None:
    with connect(ws) as conn:
        row = conn.execute("SELECT name, role, langs FROM users WHERE name = ?", (name,)).fetchone()
    return _from_row(row) if row else None


def require_user(ws: Workspace, name: str) -> User:
    user = get_user(ws, name)
    if user is None:
        raise AzadError(f"no user {name} (see 'azad users list')")
    return user


def authenticate(ws: Workspace, name: str, password: str) -> User | None:
    with connect(ws) as conn:
        row = conn.execute(
            "SELECT name, role, langs, pw_hash FROM users WHERE name = ?", (name,)
        ).fetchone()
    try:
        _hasher().verify(row[3] if row else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    return _from_row(row) if row else None


# --- sessions --------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    """Token every form and JSON write of this session must carry."""


def create_session(ws: Workspace, user: User) -> tuple[str, Session]:
    """A new session for ``user``: the cookie value and the session."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = time.time() + ws.settings.review.session_hours * 3600
    with connect(ws) as conn, conn:
        conn.execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
        conn.execute(
            "INSERT INTO sessions (token_hash, name, csrf, expires) VALUES (?, ?, ?, ?)",
            (_token_hash(token), user.name, csrf, expires),
        )
    return token, Session(user, csrf)


def load_session(ws: Workspace, token: str) -> Session | None:
    with connect(ws) as conn:
        row = conn.execute(
            "SELECT u.name, u.role, u.langs, s.csrf FROM sessions s JOIN users u "
            "ON u.name = s.name WHERE s.token_hash = ? AND s.expires > ?",
            (_token_hash(token), time.time()),
        ).fetchone()
    return Session(_from_row(row), row[3]) if row else None


def end_session(ws: Workspace, token: str) -> None:
    with connect(ws) as conn, conn:
        conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(token),))
