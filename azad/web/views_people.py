"""People: ``/people`` (editors: everyone, with their e-mail and display names) and a page
per person (``/people/{name}``: their week-by-week activity, their profile, and for
themselves the notifications they choose). Editors see and edit everyone; a translator
sees and edits only themselves (``/people`` takes them to their own page)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from azad.db import users
from azad.db.users import Profile, Session
from azad.errors import AzadError
from azad.notify import inbox as notify
from azad.notify import prefs as notify_prefs
from azad.review import activity
from azad.review.actions import Forbidden, require_editor
from azad.review.activity import WeekRow
from azad.review.edits import NotFound
from azad.settings import Language
from azad.web.common import chrome, render
from azad.web.pages import Chrome
from azad.web.security import check_csrf, require_session, workspace


@dataclass(frozen=True)
class PeoplePage:
    chrome: Chrome
    people: list[Profile]


@dataclass(frozen=True)
class PersonPage:
    chrome: Chrome
    person: Profile
    weeks: list[WeekRow]
    own: bool
    prefs: dict[tuple[str, str], bool]
    events: dict[str, str]
    channels: dict[str, str]


async def people(request: Request) -> Response:
    sess = require_session(request)
    if not sess.user.is_editor:
        return RedirectResponse(f"/people/{quote(sess.user.name)}", status_code=303)
    ws = workspace(request)
    found = await run_in_threadpool(users.profiles, ws)
    return render("people.html", PeoplePage(chrome(request), found))


def _person(request: Request, sess: Session) -> str:
    """The ``{name}`` of the URL: an account; only editors may look at someone else."""
    name = request.path_params["name"]
    if name != sess.user.name:
        require_editor(sess.user)
    if users.get_user(workspace(request), name) is None:
        raise NotFound("no such person")
    return name


async def person(request: Request) -> Response:
    sess = require_session(request)
    name = await run_in_threadpool(_person, request, sess)
    ws = workspace(request)

    def build() -> PersonPage:
        profile = next(p for p in users.profiles(ws) if p.user.name == name)
        return PersonPage(
            chrome(request),
            profile,
            activity.weekly(ws, name),
            name == sess.user.name,
            notify_prefs.preferences(ws, name),
            notify_prefs.EVENTS,
            notify_prefs.CHANNELS,
        )

    return render("person.html", await run_in_threadpool(build))


def _back(name: str, message: str, error: bool = False) -> RedirectResponse:
    query = urlencode({"msg": message[:300], **({"kind": "error"} if error else {})})
    return RedirectResponse(f"/people/{quote(name)}?{query}", status_code=303)


async def profile(request: Request) -> Response:
    """The person's e-mail address and display names (themselves, or an editor)."""
    sess = require_session(request)
    form = await request.form()
    check_csrf(request, sess, str(form.get("csrf", "")))
    name = await run_in_threadpool(_person, request, sess)

    def text(key: str) -> str:
        value = form.get(key, "")
        return value[:300] if isinstance(value, str) else ""

    try:
        await run_in_threadpool(
            users.edit_profile,
            workspace(request),
            name,
            email=text("email"),
            names={"Latn": text("latin"), "Arab": text("arabic")},
        )
    except (Forbidden, NotFound):
        raise
    except AzadError as exc:
        return _back(name, str(exc), error=True)
    return _back(name, "Saved.")


async def notifications(request: Request) -> Response:
    """Which notifications the person gets, by e-mail and in the app (themselves only)."""
    sess = require_session(request)
    form = await request.form()
    check_csrf(request, sess, str(form.get("csrf", "")))
    name = request.path_params["name"]
    if name != sess.user.name:
        raise Forbidden("only you choose your notifications")
    chosen = {
        (event, channel)
        for event in notify_prefs.EVENTS
        for channel in notify_prefs.CHANNELS
        if form.get(f"{event}:{channel}") == "on"
    }
    await run_in_threadpool(notify_prefs.choose, workspace(request), name, chosen)
    return _back(name, "Your notifications are saved.")


@dataclass(frozen=True)
class InboxPage:
    chrome: Chrome
    notes: list[notify.Note]
    languages: dict[str, Language]


async def inbox(request: Request) -> Response:
    """The user's notifications, newest first (seeing them does not mark them read)."""
    sess = require_session(request)
    ws = workspace(request)
    notes = await run_in_threadpool(notify.inbox, ws, sess.user.name)
    return render("inbox.html", InboxPage(chrome(request), notes, ws.settings.languages))


async def inbox_read(request: Request) -> Response:
    sess = require_session(request)
    form = await request.form()
    check_csrf(request, sess, str(form.get("csrf", "")))
    await run_in_threadpool(notify.mark_read, workspace(request), sess.user.name)
    return RedirectResponse("/inbox", status_code=303)
