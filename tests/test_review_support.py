"""Helpers the review tests share (no tests here): a queue of translated articles, users,
logging in through the real login form, and the CLI's review commands."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from pathlib import Path

import polib
from helpers import EXAMPLES, load_po, po_path, save_po
from starlette.testclient import TestClient

from azad.cli import run
from azad.queue.articles import ArticleStore
from azad.services.ingest import ingest_files
from azad.services.translate import Job, update_translations
from azad.web.app import create_app
from azad.workspace import Workspace

PASSWORD = "correct horse battery"
USERS = {
    "dara": ("translator", ["dari"]),
    "pasha": ("translator", ["pashto"]),
    "eddie": ("editor", []),
}
SALANG = "the-salang-tunnel"
HERAT = "red-gold-of-herat"


def register_cli() -> None:
    """Add ``azad users`` and ``azad review`` to the CLI unless azad/cli.py already does."""
    from azad import cli
    from azad.cli.review import review_app
    from azad.cli.users import users_app

    names = {g.name for g in cli.app.registered_groups}
    if "review" not in names:
        cli.app.add_typer(review_app, name="review")
    if "users" not in names:
        cli.app.add_typer(users_app, name="users")


class DariDraftBackend:
    """A test double of the MT engine: a fixed Dari (or Pashto) sentence per segment, so
    tests need no model and know what the drafts say."""

    description = "fixed drafts (test double)"
    is_test_model = True

    def __init__(self, lang_code: str) -> None:
        self.word = "پیش‌نویس" if lang_code == "fa-AF" else "مسوده"

    def translate(self, sentences: Sequence[str]) -> list[str]:
        return [f"{self.word} شماره {n}" for n, _ in enumerate(sentences, start=1)]


def translate(
    ws: Workspace, slugs: Sequence[str], langs: Sequence[str] = ("dari", "pashto")
) -> None:
    store = ArticleStore(ws)
    for key in langs:
        code = ws.settings.languages[key].code
        jobs = [Job(slug, store.load(slug).article, key, code) for slug in slugs]
        update_translations(ws, jobs, DariDraftBackend(code), None)


def make_queue(ws: Workspace, files: Sequence[Path] = ()) -> list[str]:
    """Ingest the example articles (or ``files``) and write machine drafts for both
    languages; return the slugs."""
    outcomes = ingest_files(
        ws, list(files) or [EXAMPLES / "salang-tunnel.md", EXAMPLES / "herat-saffron.txt"]
    )
    slugs = [o.slug for o in outcomes]
    translate(ws, slugs)
    return slugs


def add_users(ws: Workspace) -> None:
    from azad.db.users import add_user

    for name, (role, langs) in USERS.items():
        add_user(ws, name, role, langs, PASSWORD)


def queue_template(root: Path) -> Path:
    """A workspace at ``root`` with the example articles translated and three users: made
    once per module, copied for each test with :func:`copy_workspace`."""
    assert run(["init", str(root)]) == 0
    ws = Workspace(root.resolve())
    make_queue(ws)
    add_users(ws)
    return root


def copy_workspace(template: Path, dest: Path) -> Workspace:
    quiet_database(template)
    shutil.copytree(template, dest, ignore=QUIET)
    return Workspace(dest.resolve())


QUIET = shutil.ignore_patterns("*.sqlite3-wal", "*.sqlite3-shm")
"""What :func:`quiet_database` leaves that a copy of a workspace nobody uses has not."""


def quiet_database(root: Path) -> None:
    """The workspace's database with its write-ahead log written back and emptied, so that
    a copy made without the log files (``ignore=QUIET``) is the workspace as nobody has it
    open: this process keeps a connection per thread, and its log files would otherwise
    be copied along (files a copy's first use deletes, or that let it read on a full
    disk)."""
    from azad.db.connection import db_path

    path = db_path(Workspace(root.resolve()))
    if path.is_file():
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


def as_user(ws: Workspace, name: str, **client_kwargs: object) -> tuple[TestClient, str]:
    """A test client of the app logged in as ``name``, and its CSRF token."""
    client = TestClient(create_app(ws), **client_kwargs)  # type: ignore[arg-type]
    return client, login(client, name)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the login form; return the session's CSRF token."""
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token, page.text
    response = client.post(
        "/login",
        data={"csrf": token.group(1), "name": name, "password": password, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/").text)


def csrf_of(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def po(ws: Workspace, slug: str, lang: str) -> Path:
    return po_path(ws.article_dir(slug), lang)


def review_everything(ws: Workspace, slug: str, lang: str, prefix: str = "بازبینی ") -> None:
    """Mark every entry reviewed, as a translator with a CAT tool would (outside the app)."""
    path = po(ws, slug, lang)
    catalog = load_po(path)
    for entry in catalog:
        entry.msgstr = prefix + entry.msgctxt
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    save_po(path, catalog)


def entry(ws: Workspace, slug: str, lang: str, ctx: str) -> polib.POEntry:
    (found,) = [e for e in load_po(po(ws, slug, lang)) if e.msgctxt == ctx]
    return found


def msgfmt_check(path: Path) -> None:
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
