"""Security of the review app, table-driven.

* The role matrix: every route of :data:`azad.web.app.ROUTES` (every action of
  the action route, every export format, both languages for the article routes) × the
  five roles (anonymous, translator for Dari, translator for Pashto, editor, admin) →
  the expected answer; each cell is its own test. Writes carry a valid CSRF token, so
  the matrix tests authorization alone; a refused write leaves every file and table as it
  was. A route without a row fails :func:`test_the_matrix_covers_every_route`.
* CSRF: every write without a token, with a wrong one, and from another site → 403,
  nothing written.
* Sessions: fixation, logout, re-login, password change and user removal end sessions;
  the login form's token is not reused after a login.
* Path traversal in slugs, languages, segment ids, ``/editions/``, ``/preview-fonts/``,
  ``/static/``; zip-slip in model packages.
* The login rate limit per client address, and after the window.
* ``next`` after login is never another site.
"""

from __future__ import annotations

import asyncio
import html
import json
import shutil
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from helpers import approve, snapshot
from starlette.testclient import TestClient
from test_review_support import PASSWORD, SALANG, add_users, make_queue, review_everything

from azad.catalog.write import write_catalog
from azad.cli import run
from azad.db import users
from azad.db.connection import connect
from azad.errors import InputError
from azad.mt.packages import install_file
from azad.notify import prefs as notify_prefs
from azad.publish import submit as publishing
from azad.publish.submit import PublishRun
from azad.queue.status import claim, translation_status
from azad.render.styles import load_styles
from azad.review.dismissals import dismiss
from azad.review.edits import read_segments
from azad.review.qa import check_segment
from azad.review.talk import add_comment, threads
from azad.web.app import ROUTES, create_app
from azad.web.openapi import route_operations
from azad.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from azad.web.views_actions import ACTIONS
from azad.web.views_editor import MEDIA
from azad.web.views_glossary import FORMATS as GLOSSARY_FORMATS
from azad.workspace import Workspace

ANON, TR_DARI, TR_PASHTO, EDITOR, ADMIN = ROLES = (
    "anonymous",
    "translator-dari",
    "translator-pashto",
    "editor",
    "admin",
)
USER_OF = {TR_DARI: "dara", TR_PASHTO: "pasha", EDITOR: "eddie", ADMIN: "ada"}
LANG_OF = {TR_DARI: "dari", TR_PASHTO: "pashto"}
LANGS = ("dari", "pashto")


# --- the workspace ----------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    root: Path
    tokens: dict[str, str]
    """Session cookie of each role (sessions made in the template, valid in every copy)."""
    csrf: dict[str, str]
    font: str
    ctx: dict[str, str]
    """The first segment's id in each language."""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """Two translated articles, the three users of the review tests plus an admin, a
    session for each, and the readers' catalog (so /editions/ has an index)."""
    root = tmp_path_factory.mktemp("matrix") / "ws"
    assert run(["init", str(root)]) == 0
    ws = Workspace(root.resolve())
    make_queue(ws)
    add_users(ws)
    users.add_user(ws, "ada", "admin", [], PASSWORD)
    write_catalog(ws)
    tokens, csrf = {}, {}
    for role, name in USER_OF.items():
        user = users.get_user(ws, name)
        assert user is not None
        tokens[role], sess = users.create_session(ws, user)
        csrf[role] = sess.csrf
    font = load_styles(ws.root, ws.settings.edition).fonts[0].path.name
    ctx = {lang: read_segments(ws, SALANG, lang)[0].ctx for lang in LANGS}
    return Template(root, tokens, csrf, font, ctx)


@pytest.fixture
def ws(template: Template, tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(template.root, root, symlinks=True)
    return Workspace(root.resolve())


def client_as(ws: Workspace, template: Template, role: str, **kwargs: Any) -> TestClient:
    c = TestClient(create_app(ws), follow_redirects=False, **kwargs)
    if role != ANON:
        c.cookies.set(SESSION_COOKIE, template.tokens[role])
    return c


def state_of(ws: Workspace) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Every file of the workspace but the database, and the database's tables that
    record writes (accounts, sessions, failed logins, the change log)."""
    files = {k: v for k, v in snapshot(ws.root).items() if not k.startswith(".azad/")}
    with connect(ws) as conn:
        tables = {
            t: sorted(tuple(row) for row in conn.execute(f"SELECT * FROM {t}"))
            for t in (
                "users",
                "sessions",
                "login_failures",
                "changes",
                "segment_comments",
                "qa_dismissals",
                "display_names",
                "glossary_history",
                "notifications",
                "notify_prefs",
                "outbox",
                "comment_events",
            )
        }
    return files, tables


def session_user(ws: Workspace, token: str) -> str | None:
    found = users.load_session(ws, token)
    return found.user.name if found else None


# --- the matrix -------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    status: int
    location: str | None = None
    """The path (without query) of the redirect."""

    def __str__(self) -> str:
        return f"{self.status}" + (f"→{self.location}" if self.location else "")


OK = Expect(200)
LOGIN = Expect(303, "/login")
UNAUTHORIZED = Expect(401)
FORBIDDEN = Expect(403)

Kind = Literal["read", "form", "json", "login", "logout"]
Setup = Callable[[Workspace, str], None]
"""Prepares the workspace for a row in a language."""
Effect = Callable[[Workspace, str, str], None]
"""Checks an allowed write's effect, given the language and the user's name."""


@dataclass(frozen=True)
class Row:
    method: str
    route: str
    """The route's path as :func:`route_operations` gives it."""
    url: str
    """``{slug}``, ``{lang}``, ``{ctx}`` and ``{font}`` filled in per cell."""
    expect: Mapping[str, Expect]
    kind: Kind = "read"
    lang: str = "dari"
    setup: Setup | None = None
    effect: Effect | None = None

    @property
    def id(self) -> str:
        url = self.url.format(slug="{slug}", lang=self.lang, ctx="{ctx}", font="{font}")
        return f"{self.method} {url}"


def _everyone(outcome: Expect, anonymous: Expect | None = None) -> dict[str, Expect]:
    return {role: (anonymous or outcome) if role == ANON else outcome for role in ROLES}


def _article(lang: str, allowed: Expect, editors_only: bool, api: bool) -> dict[str, Expect]:
    """Anonymous: the login page (401 from the API); a translator: only their language,
    and never an editor's action; editors and admins: allowed."""
    out = {ANON: UNAUTHORIZED if api else LOGIN, EDITOR: allowed, ADMIN: allowed}
    for role, own in LANG_OF.items():
        out[role] = allowed if own == lang and not editors_only else FORBIDDEN
    return out


def _reviewed(ws: Workspace, lang: str) -> None:
    review_everything(ws, SALANG, lang)


def _dismissed(ws: Workspace, lang: str) -> None:
    """The first segment's first QA warning dismissed (by the editor), for a restore."""
    seg = read_segments(ws, SALANG, lang)[0]
    check = check_segment(seg.english, seg.text, ws.settings.languages[lang].code)[0].kind
    editor = users.get_user(ws, USER_OF[EDITOR])
    assert editor is not None
    dismiss(ws, SALANG, lang, seg.ctx, seg.rev, check, editor)


def _commented(ws: Workspace, lang: str) -> None:
    """A question under the first segment, by the editor (comment id 1)."""
    seg = read_segments(ws, SALANG, lang)[0]
    editor = users.get_user(ws, USER_OF[EDITOR])
    assert editor is not None
    add_comment(ws, SALANG, lang, seg.ctx, editor, "Is the name right?")


def _resolved(ws: Workspace, lang: str, user: str) -> None:
    seg = read_segments(ws, SALANG, lang)[0]
    (question,) = threads(ws, SALANG, lang, [seg])[seg.ctx]
    assert question.resolved_by == user


def _approved(ws: Workspace, lang: str) -> None:
    review_everything(ws, SALANG, lang)
    approve(ws, SALANG, lang, "eddie")


def _claimed_by_its_translator(ws: Workspace, lang: str) -> None:
    claim(ws, SALANG, lang, {"dari": "dara", "pashto": "pasha"}[lang])


def _status_is(status: str) -> Effect:
    def check(ws: Workspace, lang: str, user: str) -> None:
        assert translation_status(ws, SALANG, lang).status == status

    return check


def _claimed_by_user(ws: Workspace, lang: str, user: str) -> None:
    assert translation_status(ws, SALANG, lang).claimed_by == user


def _unclaimed(ws: Workspace, lang: str, user: str) -> None:
    assert translation_status(ws, SALANG, lang).claimed_by is None


def _submitted_by_user(ws: Workspace, lang: str, user: str) -> None:
    assert [(SALANG, lang, user)] == SUBMITTED


def _saved(ws: Workspace, lang: str, user: str) -> None:
    seg = read_segments(ws, SALANG, lang)[0]
    assert seg.text == f"متن {user}" and seg.reviewed


SUBMITTED: list[tuple[str, str, str]] = []

ARTICLE_ROWS: list[tuple[str, str, str, Kind, Expect, bool, Setup | None, Effect | None]] = [
    # (method, route suffix after /t/{slug}/{lang}, url suffix, kind, allowed, editors
    # only, setup, effect)
    ("GET", "", "", "read", OK, False, None, None),
    ("GET", "/preview", "/preview", "read", OK, False, None, None),
    ("GET", "/publish-status", "/publish-status", "read", OK, False, None, None),
    *[("GET", "/export.{fmt}", f"/export.{fmt}", "read", OK, False, None, None) for fmt in MEDIA],
    ("GET", "/history/{ctx}", "/history/{ctx}", "read", OK, False, None, None),
    ("POST", "/{action}", "/claim", "form", Expect(303, "/t"), False, None, _claimed_by_user),
    (
        "POST",
        "/{action}",
        "/release",
        "form",
        Expect(303, "/t"),
        False,
        _claimed_by_its_translator,
        _unclaimed,
    ),
    ("POST", "/{action}", "/approve", "form", Expect(303, "/t"), True, _reviewed, None),
    ("POST", "/{action}", "/send-back", "form", Expect(303, "/t"), True, _reviewed, None),
    ("POST", "/{action}", "/publish", "form", Expect(303, "/t"), True, _approved, None),
    *[
        (m, r, r, "form", Expect(303, "/t"), True, None, None)
        for m, r in (
            ("POST", "/segments/send-back"),
            ("POST", "/claim/take-over"),
            ("POST", "/glossary/add"),
        )
    ],
]
EFFECTS = {
    "/approve": _status_is("approved"),
    "/send-back": _status_is("sent back"),
    "/publish": _submitted_by_user,
}


def _rows() -> list[Row]:
    rows = [
        Row("GET", "/login", "/login", {ANON: OK, **{r: Expect(303, "/") for r in USER_OF}}),
        Row("POST", "/login", "/login", _everyone(Expect(303, "/")), kind="login"),
        Row("POST", "/logout", "/logout", _everyone(Expect(303, "/login")), kind="logout"),
        Row("GET", "/", "/", _everyone(OK, LOGIN)),
        Row("GET", "/api/events", "/api/events", _everyone(OK, UNAUTHORIZED)),
        Row("GET", "/preview-fonts/{name}", "/preview-fonts/{font}", _everyone(OK, LOGIN)),
        Row("GET", "/static/{path}", "/static/review.css", _everyone(OK)),
        Row("GET", "/editions", "/editions", _everyone(Expect(308, "/editions/"))),
        Row("GET", "/editions/search", "/editions/search?q=x", _everyone(OK)),
        Row("GET", "/editions/{path}", "/editions/", _everyone(OK)),
        Row("GET", "/openapi.json", "/openapi.json", _everyone(OK)),
        Row("GET", "/favicon.ico", "/favicon.ico", _everyone(OK)),
        # Public, the same answer for everyone; the template has no model installed (its
        # drafts come from a test double), so the models component fails: 503.
        Row("GET", "/healthz", "/healthz", _everyone(Expect(503))),
        Row(
            "GET",
            "/reports/post-edits",
            "/reports/post-edits",
            {ANON: LOGIN, TR_DARI: FORBIDDEN, TR_PASHTO: FORBIDDEN, EDITOR: OK, ADMIN: OK},
        ),
    ]
    rows += _people_rows()
    for lang in LANGS:
        rows += _glossary_rows(lang)
        for method, route, suffix, kind, allowed, editors, setup, effect in ARTICLE_ROWS:
            where = Expect(allowed.status, f"/t/{SALANG}/{lang}") if allowed.location else allowed
            rows.append(
                Row(
                    method,
                    "/t/{slug}/{lang}" + route,
                    "/t/{slug}/{lang}" + suffix,
                    _article(lang, where, editors, api=False),
                    kind,
                    lang,
                    setup,
                    effect or EFFECTS.get(suffix),
                )
            )
        api = "/api/t/{slug}/{lang}/segments/{ctx}"
        rows.append(Row("GET", api, api, _article(lang, OK, False, api=True), lang=lang))
        rows.append(
            Row("POST", api, api, _article(lang, OK, False, api=True), "json", lang, None, _saved)
        )
        for suffix in ("/comments", "/dismiss", "/restore", "/check"):
            rows.append(
                Row(
                    "POST",
                    api + suffix,
                    api + suffix,
                    _article(lang, OK, False, True),
                    "json",
                    lang,
                    _dismissed if suffix == "/restore" else None,
                )
            )
        # Resolving a thread (the first comment of the copied database: id 1).
        rows.append(
            Row(
                "POST",
                api + "/comments/{cid}",
                api + "/comments/1",
                _article(lang, OK, False, True),
                "json",
                lang,
                _commented,
                _resolved,
            )
        )
        events = "/api/t/{slug}/{lang}/events"
        rows.append(Row("GET", events, events, _article(lang, OK, False, api=True), lang=lang))
    return rows


def _glossary_rows(lang: str) -> list[Row]:
    """The glossary page of a language: read by its translators and editors, written by
    editors (a write comes back to the page, done or with the reason in a banner)."""
    back = Expect(303, f"/glossary/{lang}")
    g = "/glossary/{lang}"
    rows = [
        Row("GET", g, g, _article(lang, OK, False, api=False), lang=lang),
        *[
            Row(
                "GET",
                g + "/export.{fmt}",
                f"{g}/export.{fmt}",
                _article(lang, OK, False, False),
                lang=lang,
            )
            for fmt in ("tsv", "tbx")
        ],
    ]
    for suffix in ("/save", "/delete", "/import"):
        rows.append(
            Row("POST", g + suffix, g + suffix, _article(lang, back, True, False), "form", lang)
        )
    return rows


def _prefs_all_off(ws: Workspace, lang: str, user: str) -> None:
    assert not any(notify_prefs.preferences(ws, user).values())


def _people_rows() -> list[Row]:
    """Editors see and edit everyone; a translator only themselves (``/people`` takes them
    to their own page); notifications are chosen by the person alone."""
    own = {ANON: LOGIN, EDITOR: OK, ADMIN: OK, TR_DARI: OK, TR_PASHTO: FORBIDDEN}
    back = Expect(303, "/people/dara")
    return [
        Row(
            "GET",
            "/people",
            "/people",
            {
                ANON: LOGIN,
                TR_DARI: Expect(303, "/people/dara"),
                TR_PASHTO: Expect(303, "/people/pasha"),
                EDITOR: OK,
                ADMIN: OK,
            },
        ),
        Row("GET", "/people/{name}", "/people/dara", own),
        Row(
            "POST",
            "/people/{name}/profile",
            "/people/dara/profile",
            {**{r: back for r in own}, ANON: LOGIN, TR_PASHTO: FORBIDDEN},
            "form",
        ),
        Row(
            "POST",
            "/people/{name}/notifications",
            "/people/dara/notifications",
            {**_everyone(FORBIDDEN, LOGIN), TR_DARI: back},
            "form",
            effect=_prefs_all_off,
        ),
        Row("GET", "/inbox", "/inbox", _everyone(OK, LOGIN)),
        Row("POST", "/inbox/read", "/inbox/read", _everyone(Expect(303, "/inbox"), LOGIN), "form"),
    ]


ROWS = _rows()
PUBLIC = {
    "/static/{path}",
    "/editions",
    "/editions/search",
    "/editions/{path}",
    "/openapi.json",
    "/login",
    "/favicon.ico",
    "/healthz",
}
CELLS = [pytest.param(row, role, id=f"{row.id} | {role}") for row in ROWS for role in ROLES]


T_EXPORT = "/t/{slug}/{lang}/export.{fmt}"


def test_the_matrix_covers_every_route() -> None:
    """A new route, action or export format without a row here fails."""
    assert {(r.method, r.route) for r in ROWS} == set(route_operations(ROUTES))
    assert {r.url.rsplit("/", 1)[1] for r in ROWS if r.route.endswith("/{action}")} == set(ACTIONS)
    exports = {r.url.rsplit(".", 1)[1] for r in ROWS if r.route == T_EXPORT}
    assert exports == set(MEDIA)
    glossary = {r.url.rsplit(".", 1)[1] for r in ROWS if r.route == "/glossary/{lang}/export.{fmt}"}
    assert glossary == set(GLOSSARY_FORMATS)
    assert all(set(r.expect) == set(ROLES) for r in ROWS)
    assert {r.lang for r in ROWS if r.route.startswith(("/t/", "/api/"))} == set(LANGS)


def send(
    c: TestClient,
    row: Row,
    ws: Workspace,
    template: Template,
    role: str,
    csrf: Literal["valid", "missing", "wrong", "cross-site"] = "valid",
) -> Any:
    url = row.url.format(slug=SALANG, lang=row.lang, ctx=template.ctx[row.lang], font=template.font)
    token = {"valid": template.csrf.get(role, ""), "missing": None, "wrong": "forged-token"}.get(
        csrf, template.csrf.get(role, "")
    )
    headers = {"Origin": "https://evil.example"} if csrf == "cross-site" else {}
    if row.kind == "read":
        return c.get(url)
    if row.kind == "json":
        seg = read_segments(ws, SALANG, row.lang)[0]
        body = {"text": f"متن {USER_OF.get(role, '')}", "rev": seg.rev, "reviewed": True}
        if "/comments/" in url:
            body["action"] = "resolve"
        if url.endswith(("/dismiss", "/restore")):  # the segment's first QA warning
            code = ws.settings.languages[row.lang].code
            body["check"] = check_segment(seg.english, seg.text, code)[0].kind
        if token is not None:
            headers["X-CSRF-Token"] = token
        return c.post(url, json=body, headers=headers)
    if row.kind == "login":
        # The form's token is a double submit: the same value in the field and the cookie.
        # A logged-in user posting the form again gets there only with a cookie of hand.
        form_token = "form-token-" + role
        c.cookies.set(LOGIN_CSRF_COOKIE, form_token)
        name = USER_OF.get(role, "dara")
        data = {"name": name, "password": PASSWORD, "next": "/"}
        if csrf != "missing":
            data["csrf"] = "forged-token" if csrf == "wrong" else form_token
        return c.post(url, data=data, headers=headers)
    data = {"comment": "needs work"}
    if row.lang in LANGS:  # the revision the editor page shows (Approve sends it)
        data["rev"] = translation_status(ws, SALANG, row.lang).rev
    if token is not None:
        data["csrf"] = token
    return c.post(url, data=data, headers=headers)


@pytest.fixture
def fake_submit(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """Publish hands the run to the publish flow (tests/test_web_publish.py runs it for
    real); the matrix looks only at who may hand it over."""
    SUBMITTED.clear()

    def submit(ws: Workspace, slug: str, lang: str, by: str) -> tuple[PublishRun, bool]:
        SUBMITTED.append((slug, lang, by))
        return PublishRun(slug, lang, by, "in-process", state="running"), True

    monkeypatch.setattr(publishing, "submit", submit)
    return SUBMITTED


@pytest.mark.parametrize(("row", "role"), CELLS)
def test_role_matrix(
    row: Row, role: str, template: Template, ws: Workspace, fake_submit: list[Any]
) -> None:
    if row.setup:
        row.setup(ws, row.lang)
    c = client_as(ws, template, role)
    before = state_of(ws)
    r = send(c, row, ws, template, role)
    expected = row.expect[role]
    got = Expect(r.status_code, urlsplit(r.headers["location"]).path if r.is_redirect else None)
    assert str(got) == str(expected), r.text[:500]
    assert "content-security-policy" in r.headers
    if role == ANON:  # nothing of the queue before a login, not even a title
        assert "salang" not in r.text.lower()
    if r.status_code == 200 and row.route not in PUBLIC:
        # What a session sees is kept by no shared cache.
        assert {"no-store", "private"} & set(r.headers["cache-control"].replace(",", " ").split())
    allowed = expected.status < 400 and expected != LOGIN
    if row.kind == "read" or (not allowed and row.kind not in ("login", "logout")):
        if row.method == "POST" or not allowed:
            assert state_of(ws) == before, "a refused request wrote something"
        if not allowed:
            assert SALANG.replace("-", " ") not in r.text.lower()
        return
    user = USER_OF.get(role, "dara")
    if row.kind == "login":
        token = r.cookies.get(SESSION_COOKIE)
        assert token and token != template.tokens.get(role)
        assert session_user(ws, token) == user
    elif row.kind == "logout":
        if role == ANON:
            assert state_of(ws) == before
        else:
            assert session_user(ws, template.tokens[role]) is None
    elif row.effect is not None:
        row.effect(ws, row.lang, user)


# --- CSRF on every write ----------------------------------------------------------------

WRITES = [pytest.param(r, id=r.id) for r in ROWS if r.method == "POST" and r.lang == "dari"]
CsrfMode = Literal["missing", "wrong", "other-session", "cross-site"]


@pytest.mark.parametrize("csrf", ["missing", "wrong", "other-session", "cross-site"])
@pytest.mark.parametrize("row", WRITES)
def test_writes_without_the_right_csrf_token_are_refused(
    row: Row, csrf: CsrfMode, template: Template, ws: Workspace, fake_submit: list[Any]
) -> None:
    """As the one role allowed everything (an editor; the login form: anonymous), a write
    without the token, with a forged one, with another session's, or with the right one
    from another site's page: 403, and nothing is written."""
    if row.kind == "login" and csrf == "other-session":
        csrf = "wrong"  # the login form has no session: its token is the form's cookie
    if row.setup:
        row.setup(ws, row.lang)
    role = ANON if row.kind == "login" else EDITOR
    c = client_as(ws, template, role)
    before = state_of(ws)
    if csrf == "other-session":
        r = send(c, row, ws, replace_csrf(template, EDITOR, template.csrf[TR_DARI]), role)
    else:
        r = send(c, row, ws, template, role, csrf)
    assert r.status_code == 403, r.text[:300]
    assert state_of(ws) == before
    assert fake_submit == []
    assert SESSION_COOKIE not in r.cookies
    if role == EDITOR:
        assert session_user(ws, template.tokens[EDITOR]) == "eddie"


def test_a_csrf_token_with_non_ascii_characters_is_refused_not_a_crash(
    template: Template, ws: Workspace
) -> None:
    """Found by schemathesis: the token comparison raised TypeError (HTTP 500) on a
    non-ASCII token, before a session was needed for the login form."""
    anonymous = TestClient(create_app(ws), follow_redirects=False)
    anonymous.cookies.set(LOGIN_CSRF_COOKIE, "form-token")
    r = anonymous.post("/login", data={"csrf": "توکن", "name": "dara", "password": PASSWORD})
    assert r.status_code == 403
    editor = client_as(ws, template, EDITOR)
    assert editor.post("/logout", data={"csrf": "توکن"}).status_code == 403
    r = editor.post(
        f"/api/t/{SALANG}/dari/segments/title",
        json={"text": "x", "rev": "y"},
        headers={"X-CSRF-Token": "caf\xe9".encode("latin-1")},
    )
    assert r.status_code == 403
    assert session_user(ws, template.tokens[EDITOR]) == "eddie"


def replace_csrf(template: Template, role: str, token: str) -> Template:
    return Template(
        template.root,
        template.tokens,
        {**template.csrf, role: token},
        template.font,
        template.ctx,
    )


# --- sessions ---------------------------------------------------------------------------


def form_token(c: TestClient) -> str:
    page = c.get("/login")
    assert page.status_code == 200
    found = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert found == c.cookies.get(LOGIN_CSRF_COOKIE)
    return found


def post_login(c: TestClient, name: str, token: str, password: str = PASSWORD, **extra: str) -> Any:
    return c.post("/login", data={"csrf": token, "name": name, "password": password, **extra})


def test_a_session_cookie_set_before_login_is_not_adopted(ws: Workspace) -> None:
    """Session fixation: a cookie value the attacker chose (and planted) before the victim
    logs in is replaced by a new random one, and gives the attacker nothing."""
    planted = "attacker-chosen-session-value"
    victim = TestClient(create_app(ws), follow_redirects=False)
    victim.cookies.set(SESSION_COOKIE, planted)
    r = post_login(victim, "dara", form_token(victim))
    assert r.status_code == 303
    issued = r.cookies.get(SESSION_COOKIE)
    assert issued and issued != planted and len(issued) >= 40
    assert session_user(ws, issued) == "dara" and session_user(ws, planted) is None
    attacker = TestClient(create_app(ws), follow_redirects=False)
    attacker.cookies.set(SESSION_COOKIE, planted)
    assert attacker.get("/").headers["location"].startswith("/login")
    assert attacker.get(f"/api/t/{SALANG}/dari/segments/title").status_code == 401


def test_login_ends_the_session_the_browser_had(template: Template, ws: Workspace) -> None:
    """Someone logging in on a browser still holding another session (a shared computer,
    or a planted valid cookie): that session ends on the server, not only in the cookie."""
    c = client_as(ws, template, TR_PASHTO)
    r = post_login(c, "dara", form_token_of_hand(c))
    assert r.status_code == 303
    assert session_user(ws, template.tokens[TR_PASHTO]) is None
    old = TestClient(create_app(ws), follow_redirects=False)
    old.cookies.set(SESSION_COOKIE, template.tokens[TR_PASHTO])
    assert old.get("/").status_code == 303


def form_token_of_hand(c: TestClient) -> str:
    """A logged-in browser is not shown the login form; it posts one it kept."""
    c.cookies.set(LOGIN_CSRF_COOKIE, "kept-form-token")
    return "kept-form-token"


def test_logout_ends_the_session_on_the_server(template: Template, ws: Workspace) -> None:
    c = client_as(ws, template, TR_DARI)
    r = c.post("/logout", data={"csrf": template.csrf[TR_DARI]})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert any(
        v.startswith(f"{SESSION_COOKIE}=") and "Max-Age=0" in v
        for v in r.headers.get_list("set-cookie")
    )
    # The old cookie, replayed (a copy taken before the logout): nothing.
    replay = client_as(ws, template, TR_DARI)
    assert replay.get("/").headers["location"].startswith("/login")
    ctx = template.ctx["dari"]
    seg = read_segments(ws, SALANG, "dari")[0]
    r = replay.post(
        f"/api/t/{SALANG}/dari/segments/{ctx}",
        json={"text": "x", "rev": seg.rev},
        headers={"X-CSRF-Token": template.csrf[TR_DARI]},
    )
    assert r.status_code == 401
    assert read_segments(ws, SALANG, "dari")[0] == seg


def test_the_login_forms_token_is_not_reused_after_a_login(ws: Workspace) -> None:
    c = TestClient(create_app(ws), follow_redirects=False)
    first = form_token(c)
    r = post_login(c, "dara", first)
    assert any(
        v.startswith(f"{LOGIN_CSRF_COOKIE}=") and "Max-Age=0" in v
        for v in r.headers.get_list("set-cookie")
    )
    csrf = c.get("/").text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    assert csrf != first
    assert c.post("/logout", data={"csrf": csrf}).status_code == 303
    second = form_token(c)
    assert second != first
    # The first form's token no longer matches the form's cookie.
    assert post_login(c, "dara", first).status_code == 403
    assert post_login(c, "dara", second).status_code == 303


@pytest.mark.parametrize("change", ["new password", "user removed"])
def test_a_new_password_or_removing_the_user_ends_their_sessions(
    change: str, template: Template, ws: Workspace
) -> None:
    c = client_as(ws, template, TR_DARI)
    assert c.get("/").status_code == 200
    if change == "new password":
        users.set_password(ws, "dara", "a brand new password")
    else:
        users.remove_user(ws, "dara")
    assert c.get("/").headers["location"].startswith("/login")
    assert c.get(f"/api/t/{SALANG}/dari/segments/title").status_code == 401
    # Other users keep theirs.
    assert client_as(ws, template, EDITOR).get("/").status_code == 200


def test_an_expired_session_gives_no_access(
    template: Template, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = time.time() + ws.settings.review.session_hours * 3600 + 1
    monkeypatch.setattr(users.time, "time", lambda: later)
    c = client_as(ws, template, EDITOR)
    assert c.get("/").headers["location"].startswith("/login")


# --- the login rate limit ---------------------------------------------------------------


def test_failed_logins_are_limited_per_address_across_user_names(ws: Workspace) -> None:
    """Guessing passwords of many accounts from one address: blocked after the (high)
    per-address limit, even for a right password; another address is not."""
    toml = ws.root / "azad.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(
        text.replace("login_max_address_failures = 50", "login_max_address_failures = 5"),
        encoding="utf-8",
    )
    ws = Workspace(ws.root)
    limit = ws.settings.review.login_max_address_failures
    assert limit == 5
    c = TestClient(create_app(ws), follow_redirects=False, client=("198.51.100.7", 40000))
    token = form_token(c)
    codes = [post_login(c, f"user{i}", token, "guess").status_code for i in range(limit)]
    assert codes == [401] * limit
    r = post_login(c, "eddie", token)
    assert r.status_code == 429 and SESSION_COOKIE not in r.cookies
    other = TestClient(create_app(ws), follow_redirects=False, client=("203.0.113.9", 40000))
    assert post_login(other, "eddie", form_token(other)).status_code == 303


def test_a_login_after_the_window_works(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    limit = ws.settings.review.login_max_failures
    c = TestClient(create_app(ws), follow_redirects=False)
    token = form_token(c)
    for _ in range(limit):
        assert post_login(c, "dara", token, "guess").status_code == 401
    assert post_login(c, "dara", token).status_code == 429
    later = time.time() + ws.settings.review.login_window_s + 1
    monkeypatch.setattr(users.time, "time", lambda: later)
    r = post_login(c, "dara", token)
    assert r.status_code == 303 and session_user(ws, r.cookies[SESSION_COOKIE]) == "dara"


# --- where a login leads ----------------------------------------------------------------

OFFSITE_NEXT = [
    "//evil.example/",
    "///evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]


def lands_here(location: str) -> bool:
    """Whether a browser following ``location`` from this site stays on it (browsers drop
    tabs and newlines from URLs and read a backslash as a slash)."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    target = urlsplit(urljoin("http://testserver/login", cleaned.strip()))
    return target.scheme == "http" and target.netloc == "testserver"


@pytest.mark.parametrize("next_", OFFSITE_NEXT)
def test_next_after_login_never_leaves_the_site(ws: Workspace, next_: str) -> None:
    c = TestClient(create_app(ws), follow_redirects=False)
    page = c.get("/login", params={"next": next_})
    shown = html.unescape(page.text.split('name="next" value="', 1)[1].split('"', 1)[0])
    # What the form posts back (the page's hidden field), and a form made by hand.
    for posted in (shown, next_):
        c.cookies.delete(SESSION_COOKIE)
        r = post_login(c, "dara", form_token(c), next=posted)
        assert r.status_code == 303 and lands_here(r.headers["location"]), r.headers["location"]


def test_next_after_login_keeps_a_path_of_the_site(ws: Workspace) -> None:
    c = TestClient(create_app(ws), follow_redirects=False)
    r = post_login(c, "dara", form_token(c), next=f"/t/{SALANG}/dari")
    assert r.headers["location"] == f"/t/{SALANG}/dari"


# --- path traversal ---------------------------------------------------------------------

SECRET = "SENTINEL-not-for-the-web"


def raw_get(app: Any, target: str, cookie: str | None = None) -> tuple[int, bytes]:
    """GET ``target`` exactly as written (an HTTP client would remove ``..``), with the
    path percent-decoded as uvicorn does."""
    raw_path, _, query = target.partition("?")
    headers = [(b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", f"{SESSION_COOKIE}={cookie}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("latin-1"),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    status: list[int] = []
    body: list[bytes] = []
    requested = False

    async def main() -> None:
        done = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()  # as a server: the client goes once it has the answer
            return {"type": "http.disconnect"}

        async def send_(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if not message.get("more_body", False):
                    done.set()

        await app(scope, receive, send_)

    asyncio.run(main())
    return status[0], b"".join(body)


@pytest.fixture
def secrets_around(ws: Workspace, tmp_path: Path) -> Path:
    """A secret beside the workspace, one in azad.toml, and symbolic links from output/
    to the outside (a file and a folder)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.pdf").write_text(SECRET)
    (tmp_path / "secret.txt").write_text(SECRET)
    with (ws.root / "azad.toml").open("a") as fh:
        fh.write(f"\n# {SECRET}\n")
    (ws.output_dir / "dari").mkdir(parents=True, exist_ok=True)
    (ws.output_dir / "dari" / "leak.pdf").symlink_to(outside / "secret.pdf")
    (ws.output_dir / "leaks").symlink_to(outside, target_is_directory=True)
    return outside


TRAVERSALS = {
    # slugs
    "/t/../dari": 404,
    "/t/%2e%2e/dari": 404,
    "/t/..%2F..%2Fazad.toml/dari": 404,
    "/t/%2Fetc%2Fpasswd/dari": 404,
    "/t/..%5C..%5Cazad.toml/dari": 404,
    "/t/the-salang-tunnel%00/dari": 404,
    "/t/glossary/dari": 404,
    f"/api/t/..%2F{SALANG}/dari/segments/title": 404,
    # languages
    f"/t/{SALANG}/..": 404,
    f"/t/{SALANG}/%2e%2e%2f%2e%2e%2fazad.toml/preview": 404,
    f"/t/{SALANG}/dari%00/export.po": 404,
    f"/t/{SALANG}/..%5Cdari": 404,
    # segment ids
    f"/t/{SALANG}/dari/history/..": 404,
    f"/t/{SALANG}/dari/history/..%2F..%2F..%2Fazad.toml": 404,
    f"/t/{SALANG}/dari/history/%00": 404,
    f"/api/t/{SALANG}/dari/segments/..%2F..%2Fazad.toml": 404,
    f"/api/t/{SALANG}/dari/segments/%2Fetc%2Fpasswd": 404,
    # export formats
    f"/t/{SALANG}/dari/export.%2e%2e%2fazad.toml": 404,
    # the readers' editions (public)
    "/editions/../azad.toml": 404,
    "/editions/%2e%2e/azad.toml": 404,
    "/editions/%2e%2e%2fazad.toml": 404,
    "/editions/..%5Cazad.toml": 404,
    "/editions/..\\azad.toml": 404,
    "/editions//etc/passwd": 404,
    "/editions/%00": 404,
    "/editions/index.html%00.pdf": 404,
    "/editions/....//azad.toml": 404,
    "/editions/dari/leak.pdf": 404,
    "/editions/leaks/secret.pdf": 404,
    "/editions/.%2e/secret.txt": 404,
    "/editions/drafts/../../azad.toml": 404,
    # fonts of the preview
    "/preview-fonts/..%2F..%2Fazad.toml": 404,
    "/preview-fonts/..": 404,
    "/preview-fonts/%00": 404,
    "/preview-fonts/%2Fetc%2Fpasswd": 404,
    # static files
    "/static/../../azad.toml": 404,
    "/static/%2e%2e/%2e%2e/azad.toml": 404,
    "/static/..%2F..%2F..%2Fazad.toml": 404,
    "/static/%00": 404,
    "/static//etc/passwd": 404,
}


@pytest.mark.parametrize(("target", "status"), TRAVERSALS.items(), ids=list(TRAVERSALS))
def test_path_traversal_finds_nothing(
    target: str, status: int, template: Template, ws: Workspace, secrets_around: Path
) -> None:
    code, body = raw_get(create_app(ws), target, cookie=template.tokens[EDITOR])
    assert (code, SECRET.encode() in body) == (status, False), body[:200]
    assert b"[site]" not in body and b"root:" not in body


def test_the_traversal_probes_reach_the_routes_they_aim_at(
    template: Template, ws: Workspace, secrets_around: Path
) -> None:
    """The same requests with the plain name answer 200, so the 404s above are the
    checks refusing, not a typo in the probe."""
    app = create_app(ws)
    cookie = template.tokens[EDITOR]
    for target in [
        f"/t/{SALANG}/dari",
        f"/t/{SALANG}/dari/history/title",
        f"/api/t/{SALANG}/dari/segments/title",
        "/editions/index.html",
        f"/preview-fonts/{template.font}",
        "/static/review.css",
    ]:
        assert raw_get(app, target, cookie)[0] == 200, target
    # A symbolic link inside output/ to a file inside output/ is served.
    (ws.output_dir / "dari" / "inside.pdf").symlink_to(ws.output_dir / "index.html")
    assert raw_get(app, "/editions/dari/inside.pdf")[0] == 200


@pytest.mark.parametrize("row", WRITES)
def test_a_file_sent_to_any_write_is_never_stored_under_its_name(
    row: Row, template: Template, ws: Workspace, tmp_path: Path, fake_submit: list[Any]
) -> None:
    """The app has no upload (the CAT-tool round trip comes back through the CLI's
    ``azad review import``): a multipart form with a file named ``../../azad.toml`` sent
    to every write, with the right token, is answered without a 5xx and its content lands
    nowhere."""
    role = ANON if row.kind == "login" else EDITOR
    c = client_as(ws, template, role)
    c.cookies.set(LOGIN_CSRF_COOKIE, "form-token")
    token = "form-token" if role == ANON else template.csrf[role]
    url = row.url.format(slug=SALANG, lang=row.lang, ctx=template.ctx[row.lang], font="")
    payload = b"[site]\nname = 'UPLOADED-payload'\n"
    before = (ws.root / "azad.toml").read_bytes()
    r = c.post(
        url,
        data={"csrf": token, "name": "dara", "password": PASSWORD},
        files={"file": ("../../azad.toml", payload, "text/plain")},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code < 500
    assert (ws.root / "azad.toml").read_bytes() == before
    stored = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()]
    assert not [p for p in stored if _holds(p, b"UPLOADED-payload")]


def _holds(path: Path, needle: bytes) -> bool:
    try:
        return needle in path.read_bytes()
    except FileNotFoundError:  # gone since listed: SQLite's -shm when a connection closes
        return False


# --- zip-slip in model packages ---------------------------------------------------------

METADATA = json.dumps(
    {"type": "translate", "from_code": "en", "to_code": "fa", "package_version": "9"}
).encode()


def _package(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("pkg/metadata.json", METADATA)
        zf.writestr("pkg/model/model.bin", b"weights")
        zf.writestr("pkg/sentencepiece.model", b"vocabulary")
        for info, data in entries:
            zf.writestr(info, data)
    return path


def _symlink_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o120777) << 16  # S_IFLNK | 0777: how zip stores a symbolic link
    return info


@pytest.mark.parametrize("entry", ["../evil.txt", "pkg/../../evil.txt", "ABSOLUTE", "C:/evil.txt"])
def test_model_packages_with_escaping_entries_are_refused(
    entry: str, workspace: Workspace, tmp_path: Path
) -> None:

    evil = tmp_path / "evil.txt"
    name = str(evil) if entry == "ABSOLUTE" else entry
    archive = _package(tmp_path / "bad.argosmodel", [(name, b"pwned")])
    before = snapshot(workspace.root)
    with pytest.raises(InputError, match="unsafe archive entry"):
        install_file(workspace.models_dir, archive)
    assert snapshot(workspace.root) == before
    assert not evil.exists() and not (workspace.models_dir.parent / "evil.txt").exists()


def test_a_symbolic_link_in_a_model_package_is_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    """A symbolic-link entry pointing outside: refused before Argos extracts anything
    (Python's zipfile would write it as a plain file, but another unpacker may follow it)."""

    (tmp_path / "target.txt").write_text(SECRET)
    archive = _package(
        tmp_path / "link.argosmodel", [(_symlink_entry("pkg/link"), b"../../../target.txt")]
    )
    before = snapshot(workspace.root)
    with pytest.raises(InputError, match="is a symbolic link"):
        install_file(workspace.models_dir, archive)
    assert snapshot(workspace.root) == before
