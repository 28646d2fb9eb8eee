"""Sessions, CSRF and response headers of the review app.

* The session cookie holds a random token (the database stores its hash): HttpOnly,
  SameSite=Lax, and Secure when the request came over HTTPS or ``[review]
  secure_cookies`` says the app is behind an HTTPS proxy.
* Every write needs the session's CSRF token: a hidden ``csrf`` field in forms, the
  ``X-CSRF-Token`` header in JSON requests. The login form, which has no session yet,
  carries a token that must match a short-lived cookie (double submit). A request whose
  ``Origin`` names another site is refused as well.
* Every response forbids framing and inline scripts (CSP), and is not sniffed. A view
  may set its own ``Content-Security-Policy`` or ``Cache-Control`` (the readers'
  editions, the preview): the middleware adds each default only where the response has
  none, so a looser policy is confined to the responses that ask for it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import ClassVar
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from azad.db.users import Session, load_session
from azad.errors import AzadError
from azad.workspace import Workspace

SESSION_COOKIE = "azad_session"
LOGIN_CSRF_COOKIE = "azad_login_csrf"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.DOTALL | re.IGNORECASE)


def inline_style_csp(html: str) -> str:
    """The CSP of a static page whose only inline content is its ``<style>`` elements (the
    readers' catalog, the edition preview): those elements allowed by their hashes, fonts
    and images of this site only, no script, no form, no framing. Hashes rather than
    'unsafe-inline', so text in the page can never add a stylesheet of its own."""
    hashes = [
        "'sha256-{}'".format(
            base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
        )
        for css in _STYLE_ELEMENT.findall(html)
    ]
    style_src = " ".join(dict.fromkeys(hashes)) or "'none'"
    return (
        f"default-src 'none'; style-src {style_src}; font-src 'self'; img-src 'self'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
    )


class LoginRequired(AzadError):
    """No valid session: HTML pages redirect to the login page, the API answers 401."""


class CsrfError(AzadError):
    """A write without the session's CSRF token, or from another site (HTTP 403)."""


def workspace(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


def session(request: Request) -> Session | None:
    if "session" not in request.state:
        token = request.cookies.get(SESSION_COOKIE)
        request.state.session = load_session(workspace(request), token) if token else None
    found: Session | None = request.state.session
    return found


def require_session(request: Request) -> Session:
    found = session(request)
    if found is None:
        raise LoginRequired("log in first")
    return found


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def same_token(given: str, expected: str) -> bool:
    """Constant-time comparison of a token a request carries with the right one. As bytes:
    ``compare_digest`` raises TypeError on a str with a non-ASCII character, and anyone
    can send one (an HTTP 500 instead of 403)."""
    return secrets.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode())


def check_csrf(request: Request, sess: Session, token: str | None) -> None:
    if not _same_origin(request):
        raise CsrfError("request from another site refused")
    if not token or not same_token(token, sess.csrf):
        raise CsrfError("missing or wrong CSRF token: reload the page")


def check_login_csrf(request: Request, token: str | None) -> None:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not _same_origin(request):
        raise CsrfError("request from another site refused")
    if not token or not cookie or not same_token(token, cookie):
        raise CsrfError("the login form expired: reload the page")


def secure(request: Request) -> bool:
    return workspace(request).settings.review.secure_cookies or request.url.scheme == "https"


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure(request),
    )


def delete_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=secure(request))


class SecurityHeaders:
    """ASGI middleware adding the security headers to every HTTP response."""

    HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"cache-control", b"no-store"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                message["headers"] = headers + [h for h in self.HEADERS if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
