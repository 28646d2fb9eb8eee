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
import sqlite3
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from azad.db.connection import connect, db_path, writing
from azad.errors import AzadError, InputError
from azad.workspace import Workspace

Role = Literal["translator", "editor", "admin"]
Script = Literal["Latn", "Arab"]
"""The scripts a person's display name is written in (ISO 15924): Latin for the app and
Latin-script editions, Arabic script for the Dari and Pashto editions."""
SCRIPTS: tuple[Script, ...] = get_args(Script)
_ARABIC_SCRIPT_LANGS = frozenset({"fa-AF", "ps-AF"})
MAX_DISPLAY = 80
_EMAIL_RE = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")
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
    display: str = ""
    """The person's name in Latin script as the app shows it (the login name if unset)."""

    @property
    def shown(self) -> str:
        return self.display or self.name

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


def add_user(
    ws: Workspace,
    name: str,
    role: str,
    langs: list[str],
    password: str,
    *,
    email: str = "",
    names: Mapping[Script, str] | None = None,
) -> User:
    """A new account; ``names``: its display names by script (unset scripts show the
    login name)."""
    validate_name(name)
    if role not in ROLES:
        raise InputError(role, f"unknown role (roles: {', '.join(ROLES)})")
    email = validate_email(email)
    clean = {script: validate_display(script, shown) for script, shown in (names or {}).items()}
    user = User(name, role, _lang_keys(ws, role, langs), clean.get("Latn", ""))  # type: ignore[arg-type]
    _check_password(password)
    pw_hash = _hasher().hash(password)
    with writing(ws) as conn:
        if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AzadError(f"user {name} exists already")
        conn.execute(
            "INSERT INTO users (name, role, langs, pw_hash, created, email) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (name, role, ",".join(user.langs), pw_hash, _now(), email),
        )
        _write_names(conn, name, clean)
    return user


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


# --- e-mail addresses and display names ---------------------------------------------------


def script_of(lang_code: str) -> Script:
    """The script a language's editions are written in: ``Arab`` for Dari (``fa-AF``) and
    Pashto (``ps-AF``), else ``Latn``."""
    return "Arab" if lang_code in _ARABIC_SCRIPT_LANGS else "Latn"


def validate_email(email: str) -> str:
    """An address as given (outer spaces removed), or ``""``; anything not shaped like
    ``someone@host.domain`` is refused."""
    email = email.strip()
    if email and (len(email) > 254 or not _EMAIL_RE.fullmatch(email)):
        raise InputError(email, "not an e-mail address (someone@example.org)")
    return email


def _has_arabic_letter(text: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in text)


def validate_display(script: str, shown: str) -> str:
    """A display name for ``script`` with runs of white space made single; ``""`` unsets.
    The Arabic-script name must have Arabic letters, the Latin one must have none (so the
    two cannot be swapped by mistake)."""
    if script not in SCRIPTS:
        raise InputError(script, f"unknown script (scripts: {', '.join(SCRIPTS)})")
    shown = " ".join(shown.split())
    if any(unicodedata.category(c).startswith("C") for c in shown):
        raise InputError(shown, "a display name cannot hold control or format characters")
    if len(shown) > MAX_DISPLAY:
        raise InputError(shown, f"a display name has at most {MAX_DISPLAY} characters")
    if shown and script == "Arab" and not _has_arabic_letter(shown):
        raise InputError(shown, "the Arabic-script name has no Arabic-script letter")
    if shown and script == "Latn" and _has_arabic_letter(shown):
        raise InputError(shown, "the Latin name holds Arabic-script letters")
    return shown


def _write_names(conn: sqlite3.Connection, name: str, names: Mapping[Script, str]) -> None:
    for script, shown in names.items():
        if shown:
            conn.execute(
                "INSERT INTO display_names (name, script, display) VALUES (?, ?, ?) "
                "ON CONFLICT (name, script) DO UPDATE SET display = excluded.display",
                (name, script, shown),
            )
        else:
            conn.execute("DELETE FROM display_names WHERE name = ? AND script = ?", (name, script))


def edit_profile(
    ws: Workspace,
    name: str,
    *,
    email: str | None = None,
    names: Mapping[Script, str] | None = None,
) -> None:
    """Change ``name``'s e-mail address and/or display names (``""`` unsets one); what is
    not given stays as it is."""
    clean = {script: validate_display(script, shown) for script, shown in (names or {}).items()}
    address = validate_email(email) if email is not None else None
    with writing(ws) as conn:
        if not conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AzadError(f"no user {name}")
        if address is not None:
            conn.execute("UPDATE users SET email = ? WHERE name = ?", (address, name))
        _write_names(conn, name, clean)


@dataclass(frozen=True)
class Profile:
    """What the people admin page and ``azad users list`` show of an account."""

    user: User
    email: str
    names: dict[str, str]
    """Display names by script (only those set)."""


def profiles(ws: Workspace) -> list[Profile]:
    with connect(ws) as conn:
        rows = conn.execute(f"SELECT {_USER_COLUMNS}, u.email FROM users u ORDER BY u.name")
        users = [(_from_row(r), r[4]) for r in rows.fetchall()]
        names: dict[str, dict[str, str]] = {}
        for who, script, shown in conn.execute("SELECT name, script, display FROM display_names"):
            names.setdefault(who, {})[script] = shown
    return [Profile(u, email, names.get(u.name, {})) for u, email in users]


def email_of(ws: Workspace, login: str) -> str:
    """``login``'s e-mail address, ``""`` without one (or without the account)."""
    with connect(ws) as conn:
        row = conn.execute("SELECT email FROM users WHERE name = ?", (login,)).fetchone()
    return row[0] if row else ""


def display_names(ws: Workspace, script: Script = "Latn") -> dict[str, str]:
    """Every set display name in ``script``, by login name (for pages naming many people)."""
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT name, display FROM display_names WHERE script = ?", (script,)
        ).fetchall()
    return {r[0]: r[1] for r in rows}


def display_name(ws: Workspace, login: str, script: Script) -> str:
    """The name to print for ``login`` in ``script`` (``Latn``, or ``Arab`` for the Dari
    and Pashto editions: see :func:`script_of`): the display name set for that script, else
    the login name itself (also for a name that is no account, e.g. a PO file's
    Last-Translator)."""
    if not db_path(ws).is_file():
        return login  # no accounts yet: publishing does not create the database for this
    with connect(ws) as conn:
        row = conn.execute(
            "SELECT display FROM display_names WHERE name = ? AND script = ?", (login, script)
        ).fetchone()
    return row[0] if row else login


def set_password(ws: Workspace, name: str, password: str) -> None:
    _check_password(password)
    with writing(ws) as conn:
        cur = conn.execute(
            "UPDATE users SET pw_hash = ? WHERE name = ?", (_hasher().hash(password), name)
        )
        if cur.rowcount == 0:
            raise AzadError(f"no user {name}")
        conn.execute("DELETE FROM sessions WHERE name = ?", (name,))


def remove_user(ws: Workspace, name: str) -> None:
    with writing(ws) as conn:
        conn.execute("DELETE FROM sessions WHERE name = ?", (name,))
        if conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
            raise AzadError(f"no user {name}")


def _from_row(row: object) -> User:
    name, role, langs, display = row[0], row[1], row[2], row[3]  # type: ignore[index]
    return User(name, role, tuple(x for x in langs.split(",") if x), display or "")


# The columns _from_row reads, with the Latin display name (u: users).
_USER_COLUMNS = (
    "u.name, u.role, u.langs, (SELECT display FROM display_names d "
    "WHERE d.name = u.name AND d.script = 'Latn')"
)


def list_users(ws: Workspace) -> list[User]:
    with connect(ws) as conn:
        rows = conn.execute(f"SELECT {_USER_COLUMNS} FROM users u ORDER BY u.name").fetchall()
    return [_from_row(r) for r in rows]


def get_user(ws: Workspace, name: str) -> User | None:
    with connect(ws) as conn:
        row = conn.execute(
            f"SELECT {_USER_COLUMNS} FROM users u WHERE u.name = ?", (name,)
        ).fetchone()
    return _from_row(row) if row else None


def require_user(ws: Workspace, name: str) -> User:
    user = get_user(ws, name)
    if user is None:
        raise AzadError(f"no user {name} (see 'azad users list')")
    return user


def authenticate(ws: Workspace, name: str, password: str) -> User | None:
    with connect(ws) as conn:
        row = conn.execute(
            f"SELECT {_USER_COLUMNS}, u.pw_hash FROM users u WHERE u.name = ?", (name,)
        ).fetchone()
    try:
        _hasher().verify(row[4] if row else _dummy_hash(), password)
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
    with writing(ws) as conn:
        conn.execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
        conn.execute(
            "INSERT INTO sessions (token_hash, name, csrf, expires) VALUES (?, ?, ?, ?)",
            (_token_hash(token), user.name, csrf, expires),
        )
    return token, Session(user, csrf)


def load_session(ws: Workspace, token: str) -> Session | None:
    with connect(ws) as conn:
        row = conn.execute(
            f"SELECT {_USER_COLUMNS}, s.csrf FROM sessions s JOIN users u "
            "ON u.name = s.name WHERE s.token_hash = ? AND s.expires > ?",
            (_token_hash(token), time.time()),
        ).fetchone()
    return Session(_from_row(row), row[4]) if row else None


def end_session(ws: Workspace, token: str) -> None:
    with writing(ws) as conn:
        conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(token),))
