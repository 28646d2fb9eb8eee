"""Logging in and out. Failed logins are counted per user name + client address pair
(429 past ``[review] login_max_failures``), per address across names, and per account,
which slows down rather than locks (``azad.db.login_limits``). The client address is
``request.client``: the app's proxy-headers middleware sets it from ``X-Forwarded-For``
only when the peer is one of ``[review] trusted_proxies``."""

from __future__ import annotations

import secrets
from asyncio import sleep

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from azad.db import login_limits, users
from azad.web.common import chrome, render, safe_next
from azad.web.pages import LoginPage
from azad.web.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    check_csrf,
    check_login_csrf,
    delete_cookie,
    require_session,
    session,
    set_cookie,
    workspace,
)

LOGIN_FORM_S = 3600


def _login_page(request: Request, error: str = "", name: str = "", status: int = 200) -> Response:
    # The same token while the form's cookie lives, so a retry after a typo works.
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    page = LoginPage(
        chrome(request), token, safe_next(request.query_params.get("next")), error, name
    )
    response = render("login.html", page, status)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, LOGIN_FORM_S)
    return response


def login_form(request: Request) -> Response:
    if session(request) is not None:
        return RedirectResponse("/", status_code=303)
    return _login_page(request)


async def login(request: Request) -> Response:
    form = await request.form()
    check_login_csrf(request, str(form.get("csrf", "")))
    name = str(form.get("name", "")).strip()[:64]
    password = str(form.get("password", ""))[:1024]
    ws = workspace(request)
    address = request.client.host if request.client else "?"
    if await run_in_threadpool(login_limits.login_blocked, ws, name, address):
        return _login_page(request, "Too many failed logins: wait a few minutes.", name, 429)
    # The account's slow-down: awaited, so a waiting attempt holds no thread.
    delay = await run_in_threadpool(login_limits.slowdown_s, ws, name, address)
    if delay:
        await sleep(delay)
    user = await run_in_threadpool(users.authenticate, ws, name, password)
    if user is None:
        await run_in_threadpool(login_limits.record_login_failure, ws, name, address)
        return _login_page(request, "Wrong name or password.", name, 401)
    token, _ = await run_in_threadpool(users.create_session, ws, user)
    # A login always starts a new session under a new cookie (an attacker-chosen cookie
    # is never adopted), and ends the one this browser had: the replaced cookie must not
    # stay valid on the server, e.g. on a shared computer where the next person logs in.
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        await run_in_threadpool(users.end_session, ws, previous)
    response = RedirectResponse(safe_next(str(form.get("next", "/"))), status_code=303)
    hours = ws.settings.review.session_hours
    set_cookie(request, response, SESSION_COOKIE, token, int(hours * 3600))
    delete_cookie(request, response, LOGIN_CSRF_COOKIE)
    return response


async def logout(request: Request) -> Response:
    sess = require_session(request)
    form = await request.form()
    check_csrf(request, sess, str(form.get("csrf", "")))
    token = request.cookies.get(SESSION_COOKIE, "")
    await run_in_threadpool(users.end_session, workspace(request), token)
    response = RedirectResponse("/login", status_code=303)
    delete_cookie(request, response, SESSION_COOKIE)
    return response
