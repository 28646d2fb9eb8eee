"""The bad-input corpus (``tests/bad_inputs/``, listed in ``cases.toml``): at every entry
point (ingest, PO/XLIFF import, ``azad.toml``, the glossary, model packages, the web app)
a bad input gets one line naming the file and the problem with exit status 2, or a 4xx
with one message, and the workspace is exactly as it was. Inputs that are only unusual
(a BOM and mixed line endings, scripts and iframes in HTML) are read, cleanly."""

from __future__ import annotations

import contextlib
import html
import json
import re
import shutil
import sqlite3
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, snapshot
from starlette.testclient import TestClient
from test_review_support import add_users, make_queue, register_cli

from azad.cli import run
from azad.db.users import create_session, require_user
from azad.queue.articles import ArticleStore
from azad.settings import SETTINGS_FILE
from azad.web.app import create_app
from azad.web.security import SESSION_COOKIE
from azad.workspace import Workspace

register_cli()

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
ENTRIES = (
    "ingest",
    "linked",
    "linked-folder",
    "import",
    "settings",
    "glossary",
    "install-file",
    "cli",
    "web",
)
DATABASE = ".azad/review.sqlite3"  # [review] database of a new workspace


@dataclass(frozen=True)
class Case:
    """One ``[[case]]`` of ``cases.toml`` (see ``bad_inputs/README.md``)."""

    id: str
    entry: str
    input: str = ""
    generated: bool = False
    # entry = "cli": the arguments after --workspace
    args: list[str] = field(default_factory=list)
    expect: str = "error"
    message: str = ""
    # expect = "ok"
    title: str = ""
    has: list[str] = field(default_factory=list)
    lacks: list[str] = field(default_factory=list)
    # entry = "web"
    user: str = ""
    method: str = "POST"
    url: str = ""
    content_type: str = "application/json"
    csrf: str = "header"
    chunked: bool = False
    status: int = 0


def load_cases() -> list[Case]:
    raw = tomllib.loads((CORPUS / "cases.toml").read_text("utf-8"))["case"]
    known = {f.name for f in fields(Case)}
    for item in raw:
        unknown = set(item) - known
        assert not unknown, f"{item.get('id')}: unknown field(s) {sorted(unknown)}"
    return [Case(**item) for item in raw]


CASES = load_cases()


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def generated_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The binary and large cases, written once per session (the 20 MB file is never
    committed)."""
    from bad_inputs.make_cases import make_cases

    out = tmp_path_factory.mktemp("bad_inputs")
    make_cases(out)
    return out


@dataclass(frozen=True)
class Template:
    root: Path
    sessions: dict[str, tuple[str, str]]
    """user name → (session cookie, CSRF token)"""


@pytest.fixture(scope="module")
def queue_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A workspace with two translated articles, the review app's users and a session
    for each, made once; each case works on a copy."""
    root = tmp_path_factory.mktemp("queue") / "ws"
    assert run(["init", str(root)]) == 0
    ws = Workspace(root.resolve())
    make_queue(ws)
    add_users(ws)
    sessions = {}
    for name in ("dara", "eddie"):
        token, sess = create_session(ws, require_user(ws, name))
        sessions[name] = (token, sess.csrf)
    return Template(root, sessions)


@pytest.fixture
def queue_ws(queue_template: Template, tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(queue_template.root, root)
    return Workspace(root.resolve())


def input_path(case: Case, generated_dir: Path) -> Path:
    return (generated_dir if case.generated else CORPUS) / case.input


def workspace_state(root: Path) -> tuple[dict[str, Any], list[str]]:
    """Every file of the workspace (size, mtime, bytes), and the review database by its
    content. SQLite's files themselves are left out of the byte comparison: opening the
    database (to read a session or a user) may checkpoint its write-ahead log into the
    main file and create or remove the -wal and -shm files without any row changing, so
    the database is compared row by row (every table, sessions included) instead."""
    files = {k: v for k, v in snapshot(root).items() if not k.startswith(DATABASE)}
    db = root / DATABASE
    if not db.is_file():
        return files, []
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return files, list(conn.iterdump())


# --- the cases ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, request: pytest.FixtureRequest, generated_dir: Path) -> None:
    path = input_path(case, generated_dir)
    if case.entry == "web":
        check_web(case, path, request.getfixturevalue("queue_template"), request)
    else:
        check_cli(case, path, request)


@dataclass
class CliRun:
    ws: Workspace
    args: list[str]
    named: Path | str
    """The file (or the value, escaped) the one line of an error must name."""


def prepare_cli(case: Case, path: Path, request: pytest.FixtureRequest) -> CliRun:
    if case.entry in ("ingest", "linked", "linked-folder", "install-file", "settings"):
        ws: Workspace = request.getfixturevalue("workspace")
    else:
        ws = request.getfixturevalue("queue_ws")
    if case.entry == "ingest":
        return CliRun(ws, ["ingest", str(path)], path)
    if case.entry == "linked":
        # A link in articles/ to the corpus file, which is outside the workspace.
        link = ws.articles_dir / path.name
        link.symlink_to(path)
        return CliRun(ws, ["ingest", str(link)], link)
    if case.entry == "linked-folder":
        # articles/ itself a link to a folder outside the workspace (a shared folder).
        shared = request.getfixturevalue("tmp_path") / "shared-articles"
        shared.mkdir()
        shutil.copy(path, shared)
        shutil.rmtree(ws.articles_dir)
        ws.articles_dir.symlink_to(shared, target_is_directory=True)
        return CliRun(ws, ["ingest", str(ws.articles_dir / path.name)], ws.articles_dir)
    if case.entry == "cli":
        return CliRun(ws, case.args, "")
    if case.entry == "install-file":
        return CliRun(ws, ["models", "install-file", str(path)], path)
    if case.entry == "import":
        return CliRun(ws, ["review", "import", str(path), "--as", "eddie"], path)
    if case.entry == "settings":
        shutil.copyfile(path, ws.root / SETTINGS_FILE)
        return CliRun(ws, ["articles"], ws.root / SETTINGS_FILE)
    assert case.entry == "glossary", case.entry
    shutil.copyfile(path, ws.glossary_path)
    # With articles waiting, translate would write PO files if the glossary let it.
    return CliRun(ws, ["translate", "--lang", "all"], ws.glossary_path)


def check_cli(case: Case, path: Path, request: pytest.FixtureRequest) -> None:
    capsys: pytest.CaptureFixture[str] = request.getfixturevalue("capsys")
    prepared = prepare_cli(case, path, request)
    before = workspace_state(prepared.ws.root)
    capsys.readouterr()
    code = run(["--workspace", str(prepared.ws.root), *prepared.args])
    out, err = capsys.readouterr()
    if case.expect == "ok":
        assert code == 0, err
        if case.entry in ("ingest", "linked-folder"):
            check_clean_article(case, prepared.ws)
        else:
            assert workspace_state(prepared.ws.root) == before
        return
    assert case.expect == "error", case.expect
    assert code == 2, f"exit status {code}; stdout: {out!r}; stderr: {err!r}"
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    (line,) = lines
    assert line.startswith("azad: error: "), line
    assert str(prepared.named) in line, f"the message does not name {prepared.named}: {line}"
    assert case.message in line
    assert workspace_state(prepared.ws.root) == before


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def check_clean_article(case: Case, ws: Workspace) -> None:
    """The one stored Article has the title, the paragraphs ``has`` (each exactly one
    block), and none of ``lacks`` anywhere in its text."""
    (stored,) = ArticleStore(ws).all()
    article = stored.article
    assert article.meta.title == case.title
    blocks = [" ".join(s.text for s in block.segments) for block in article.blocks]
    for paragraph in case.has:
        assert paragraph in blocks, blocks
    data = json.loads(article.to_json())
    for name in ("source_file", "source_sha256", "source_format"):  # not the text
        data["meta"].pop(name)
    text = "\n".join(_strings(data))
    for unwanted in case.lacks:
        assert unwanted not in text, f"{unwanted!r} survived: {text}"


def check_web(case: Case, path: Path, template: Template, request: pytest.FixtureRequest) -> None:
    ws: Workspace = request.getfixturevalue("queue_ws")
    client = TestClient(create_app(ws), raise_server_exceptions=False)
    headers = {"content-type": case.content_type}
    body = path.read_bytes()
    if case.user:
        token, csrf = template.sessions[case.user]
        client.cookies.set(SESSION_COOKIE, token)
        if case.csrf == "header":
            headers["x-csrf-token"] = csrf
        elif case.csrf == "form":
            body = f"csrf={csrf}&".encode() + body
    content: bytes | Iterator[bytes] = body
    if case.chunked:  # no Content-Length: the limit must count the bytes as they come
        content = (body[i : i + 65536] for i in range(0, len(body), 65536))
    before = workspace_state(ws.root)
    response = client.request(case.method, case.url, content=content, headers=headers)
    assert 400 <= case.status < 500, case.status
    assert response.status_code == case.status, response.text[:500]
    message = web_message(response.headers.get("content-type", ""), response.text)
    assert case.message in message
    assert "\n" not in message and "Traceback" not in response.text
    assert workspace_state(ws.root) == before


def web_message(content_type: str, text: str) -> str:
    """The error message of a JSON answer, an HTML error page, or a plain-text answer."""
    if content_type.startswith("application/json"):
        error: str = json.loads(text)["error"]
        return error
    if content_type.startswith("text/html"):
        found = re.search(r'<p class="error">(.*?)</p>', text, re.DOTALL)
        assert found, text
        return html.unescape(found.group(1))
    return text


# --- the corpus itself ----------------------------------------------------------------------


def test_the_corpus_is_complete_and_consistent(generated_dir: Path) -> None:
    from bad_inputs.make_cases import CASES as GENERATED
    from bad_inputs.make_cases import main

    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    errors = [c for c in CASES if c.expect == "error"]
    assert len(errors) >= 30
    for case in CASES:
        assert case.entry in ENTRIES, case.id
        assert case.expect in ("error", "ok"), case.id
        assert (case.message != "") == (case.expect == "error"), case.id
        assert (case.entry == "web") == (case.status != 0), case.id
        if case.entry == "cli":
            assert case.args and not case.input, case.id
        elif case.generated:
            assert case.input in GENERATED, case.id
        else:
            assert (CORPUS / case.input).is_file(), case.id
    # Every input is a case; nothing large is committed (the script makes those).
    used = {c.input for c in CASES if c.input}
    assert set(GENERATED) <= used
    static = {
        str(p.relative_to(CORPUS))
        for p in CORPUS.rglob("*")
        if p.is_file() and p.parent != CORPUS and "__pycache__" not in p.parts
    }
    assert static <= used, static - used
    assert all((CORPUS / p).stat().st_size < 10_000 for p in static)
    # The script wrote exactly its cases (into the session's folder), and says how to call it.
    written = {str(p.relative_to(generated_dir)) for p in generated_dir.rglob("*") if p.is_file()}
    assert written == set(GENERATED)
    assert main([]) == 2


def test_a_file_over_the_limit_in_articles_is_pending_without_being_read(
    workspace: Workspace, generated_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``azad run`` hashes articles/ to find new files: the 20 MB+ case is reported by
    ingest (too large) and never read into memory for its hash."""
    import hashlib

    from azad.services import ingest
    from azad.services.ingest import pending_files

    big = shutil.copy(generated_dir / "ingest/over-20-mb.txt", workspace.articles_dir)
    small = shutil.copy(EXAMPLES / "herat-saffron.txt", workspace.articles_dir)
    hashed: list[str] = []
    real_file_digest = hashlib.file_digest

    def file_digest(fh: Any, digest: str) -> Any:
        hashed.append(Path(fh.name).name)
        return real_file_digest(fh, digest)

    monkeypatch.setattr(ingest.hashlib, "file_digest", file_digest)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} read whole"))
    assert pending_files(workspace) == [Path(small), Path(big)]
    assert hashed == ["herat-saffron.txt"]
