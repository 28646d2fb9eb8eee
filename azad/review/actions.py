"""What a user may do to an article × language, with the role checks in one place.

The web app and the CLI both call these, so "only editors approve" holds whichever way
the action comes in. Publishing goes through :func:`publish_translation`, the one hook
into the publishing code (``azad.publish``, imported only when an editor publishes).
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from typing import Any

from azad.errors import AzadError
from azad.review import state
from azad.review.segments import po_file
from azad.review.users import User
from azad.workspace import Workspace


class Forbidden(AzadError):
    """The user's role does not allow this (HTTP 403)."""


class PublishUnavailable(AzadError):
    """The publishing code is not installed yet (HTTP 501)."""


def require_lang(user: User, lang_key: str) -> None:
    if not user.can_edit(lang_key):
        raise Forbidden(f"{user.name} ({user.label}) does not work on {lang_key}")


def require_editor(user: User) -> None:
    if not user.is_editor:
        raise Forbidden(f"only editors may do this; {user.name} is a {user.role}")


def claim(ws: Workspace, slug: str, lang_key: str, user: User) -> state.TranslationStatus:
    require_lang(user, lang_key)
    po_file(ws, slug, lang_key)
    return state.claim(ws, slug, lang_key, user.name, hours=ws.settings.review.claim_hours)


def release(ws: Workspace, slug: str, lang_key: str, user: User) -> state.TranslationStatus:
    require_lang(user, lang_key)
    current = state.translation_status(ws, slug, lang_key)
    holder = current.claimed_by
    if holder and holder != user.name and not user.is_editor:
        raise Forbidden(f"{slug} ({lang_key}) is claimed by {holder}")
    return state.release(ws, slug, lang_key, user.name)


def claim_on_save(ws: Workspace, slug: str, lang_key: str, user: User) -> None:
    """A translator who saves into an unclaimed translation holds it from then on, so
    the queue shows who is working on what. Reads only the small record when it is held."""
    record = state.load_record(state.record_path(ws.article_dir(slug), lang_key))
    claim_ = record.claim
    if claim_ is None or claim_.expires <= state.now():
        # If someone claimed it in the meantime, their claim stands.
        with contextlib.suppress(AzadError):
            state.claim(ws, slug, lang_key, user.name, hours=ws.settings.review.claim_hours)


def approve(
    ws: Workspace, slug: str, lang_key: str, user: User, comment: str = ""
) -> state.TranslationStatus:
    require_editor(user)
    po_file(ws, slug, lang_key)
    return state.approve(ws, slug, lang_key, user.name, comment)


def send_back(
    ws: Workspace, slug: str, lang_key: str, user: User, comment: str
) -> state.TranslationStatus:
    require_editor(user)
    po_file(ws, slug, lang_key)
    if not comment.strip():
        raise AzadError("say what needs work: a comment is required to send back")
    return state.send_back(ws, slug, lang_key, user.name, comment.strip())


PUBLISH_MODULE = "azad.publish"
PUBLISH_FUNCTION = "publish_one"


def _publisher() -> Callable[..., Any]:
    try:
        module = importlib.import_module(PUBLISH_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != PUBLISH_MODULE:
            raise
        raise PublishUnavailable("publishing is not available yet (no azad.publish)") from None
    fn = getattr(module, PUBLISH_FUNCTION, None)
    if fn is None:
        raise PublishUnavailable(f"publishing is not available yet (no {PUBLISH_FUNCTION})")
    return fn  # type: ignore[no-any-return]


def publish_translation(ws: Workspace, slug: str, lang_key: str, user: User) -> Any:
    """Build the editions of one approved translation.

    Calls ``azad.publish.publish_one(ws, slug, lang_key, by=user.name)``, which builds the
    editions from the PO file's current content and records the publication
    (:func:`azad.review.state.record_published`); returns its outcome. Raises
    :class:`Forbidden` for non-editors, :class:`PublishUnavailable` while the publishing
    code is missing, and :class:`AzadError` if the translation is not approved as it
    stands (checked here too, so the answer is the same whatever the publisher does).
    """
    require_editor(user)
    current = state.translation_status(ws, slug, lang_key)
    if current.status not in ("approved", "published"):
        raise AzadError(f"{slug} ({lang_key}) is {current.status}: approve it before publishing")
    return _publisher()(ws, slug, lang_key, by=user.name)
