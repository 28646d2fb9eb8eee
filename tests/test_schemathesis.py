"""schemathesis against the review app's OpenAPI document (``/openapi.json``,
:mod:`azad.web.openapi`), in process.

Every operation, as an editor and as a Dari translator (a fresh session for each example,
so a generated logout does not end the run), with positive examples (what the document
allows: checked for no 5xx, and for the documented status codes, media types and JSON
bodies) and negative ones (what it forbids: checked for no 5xx). Half the time a path
parameter is replaced by a real one (an article, a language, a segment, a font, a file of
``output/``) and a form's ``csrf`` or the ``X-CSRF-Token`` header by the session's token,
so the examples get past the 404s and the CSRF check into the views. Publishing is
handed to a stand-in (``tests/test_web_publish.py`` runs the real flow). Examples are
derandomized: each run sends the same requests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.routing import Route
from test_review_support import PASSWORD, SALANG, add_users, make_queue

from azad.catalog.write import write_catalog
from azad.cli import run
from azad.db import users
from azad.publish import submit as publishing
from azad.publish.submit import PublishRun
from azad.render.styles import load_styles
from azad.review.edits import read_segments
from azad.web.app import ROUTES, create_app
from azad.web.openapi import OPERATIONS as SPECS
from azad.web.openapi import openapi_schema, route_operations
from azad.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from azad.workspace import Workspace

# Slow (generates requests for every operation): not in `make check`.
pytestmark = pytest.mark.slow

EXAMPLES = 12
"""Per operation, role and mode: 17 operations × 2 roles × 2 modes × 12 ≈ 800 requests."""
OPERATIONS = sorted(route_operations(ROUTES))
ROLES = {"editor": "eddie", "translator-dari": "dara"}
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class Env:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.app = create_app(ws)
        self.schema = schemathesis.openapi.from_asgi("/openapi.json", self.app)
        self.slugs = [SALANG, "red-gold-of-herat"]
        self.langs = list(ws.settings.languages)
        self.ctxs = sorted({s.ctx for s in read_segments(ws, SALANG, "dari")})
        self.fonts = [f.path.name for f in load_styles(ws.root, ws.settings.edition).fonts]
        self.files = {
            "/static/{path}": ["review.css", "editor.js", "publish.js"],
            "/editions/{path}": ["", "index.html", "opds.xml", "feed.xml", "fonts/"],
        }


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, test_packages: dict[str, Path]) -> Env:
    from azad.mt.packages import install_file

    root = tmp_path_factory.mktemp("schemathesis") / "ws"
    assert run(["init", str(root)]) == 0
    ws = Workspace(root.resolve())
    for archive in test_packages.values():  # a healthy installation: /healthz answers 200
        install_file(ws.models_dir, archive)
    make_queue(ws)
    add_users(ws)
    write_catalog(ws)
    return Env(ws)


@pytest.fixture(autouse=True)
def _publish_stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    def submit(ws: Workspace, slug: str, lang: str, by: str) -> tuple[PublishRun, bool]:
        return PublishRun(slug, lang, by, "in-process", state="running"), True

    monkeypatch.setattr(publishing, "submit", submit)


def test_the_document_describes_every_route(env: Env) -> None:
    """Served to anyone, and built from the route table: a route without an entry in
    azad.web.openapi.OPERATIONS cannot be published unnoticed."""
    served = env.schema.raw_schema
    described = {(m.upper(), p) for p, ops in served["paths"].items() for m in ops}
    assert described == set(OPERATIONS)
    with pytest.raises(KeyError):
        openapi_schema([*ROUTES, Route("/new", lambda r: None, methods=["GET"])])


MOSTLY = st.sampled_from([True, True, False])


def _realistic(case: Any, env: Env, data: st.DataObject, csrf: str) -> dict[str, str]:
    """Mostly replace the generated path parameters with real ones (all of them, so the
    request names something that exists) and the generated token with the session's;
    return the cookies to send."""
    params = case.path_parameters or {}
    real = {
        "slug": env.slugs,
        "lang": env.langs,
        "ctx": env.ctxs,
        "name": env.fonts,
        "path": env.files.get(case.path, []),
    }
    if params and data.draw(MOSTLY, label="real target"):
        for name, values in real.items():
            if name in params and values:
                params[name] = data.draw(st.sampled_from(values), label=name)
        body = case.body
        saving = isinstance(body, dict) and "rev" in body and {"slug", "lang", "ctx"} <= set(params)
        if saving and params["lang"] in env.langs and data.draw(st.booleans(), label="rev"):
            segs = read_segments(env.ws, params["slug"], params["lang"])
            body["rev"] = next((s.rev for s in segs if s.ctx == params["ctx"]), "")
    cookies: dict[str, str] = {}
    if isinstance(case.body, dict) and data.draw(MOSTLY, label="right csrf"):
        if case.path == "/login":
            cookies[LOGIN_CSRF_COOKIE] = "form-token"
            case.body["csrf"] = "form-token"
            if data.draw(st.booleans(), label="real account"):
                case.body.update(name="dara", password=PASSWORD)
        else:
            case.body["csrf"] = csrf
    if case.headers and "X-CSRF-Token" in case.headers and data.draw(MOSTLY, label="token"):
        case.headers["X-CSRF-Token"] = csrf
    return cookies


def _constrained(parameter: dict[str, Any]) -> bool:
    """Whether a value can break the parameter's schema (any string fits a bare string)."""
    schema = parameter["schema"]
    return schema.get("type") != "string" or bool(set(schema) - {"type"})


def _runs() -> list[Any]:
    """Operation × role × mode; negative examples only where there is something to get
    wrong (a body, or a parameter with a pattern, a range or a set of values)."""
    out = []
    for method, path in OPERATIONS:
        spec = SPECS[(method, path)]
        modes = [GenerationMode.POSITIVE]
        if spec.get("requestBody") or any(_constrained(p) for p in spec.get("parameters", [])):
            modes.append(GenerationMode.NEGATIVE)
        for role in ROLES:
            for mode in modes:
                out.append(
                    pytest.param(
                        method, path, role, mode, id=f"{method} {path} {role} {mode.value}"
                    )
                )
    return out


@pytest.mark.parametrize(("method", "path", "role", "mode"), _runs())
def test_no_server_error(env: Env, method: str, path: str, role: str, mode: GenerationMode) -> None:
    operation = env.schema[path][method]
    user = users.get_user(env.ws, ROLES[role])
    assert user is not None
    checks = CONFORMANCE if mode == GenerationMode.POSITIVE else [not_a_server_error]
    sent: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def examples(case: Any, data: st.DataObject) -> None:
        token, session = users.create_session(env.ws, user)
        cookies = {SESSION_COOKIE: token, **_realistic(case, env, data, session.csrf)}
        response = case.call(cookies=cookies)
        sent.append(response.status_code)
        case.validate_response(response, checks=checks)

    examples()
    assert sent and all(code < 500 for code in sent)


def test_the_run_reaches_the_views(env: Env, tmp_path: Path) -> None:
    """The schemathesis examples above get past routing and CSRF: a save with the
    session's token through the documented API changes the segment."""
    operation = env.schema["/api/t/{slug}/{lang}/segments/{ctx}"]["POST"]
    user = users.get_user(env.ws, "dara")
    assert user is not None
    token, session = users.create_session(env.ws, user)
    seg = read_segments(env.ws, SALANG, "dari")[0]
    case = operation.Case(
        path_parameters={"slug": SALANG, "lang": "dari", "ctx": seg.ctx},
        headers={"X-CSRF-Token": session.csrf},
        body={"text": "متن از schemathesis", "rev": seg.rev, "reviewed": True},
        media_type="application/json",
    )
    response = case.call(cookies={SESSION_COOKIE: token})
    case.validate_response(response, checks=CONFORMANCE)
    assert response.status_code == 200
    assert read_segments(env.ws, SALANG, "dari")[0].text == "متن از schemathesis"
