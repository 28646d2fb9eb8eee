"""What a user may do to an article × language, with the role checks in one place.

The web app and the CLI both call these, so "only editors approve" holds whichever way
the action comes in. Publishing goes through :func:`publish_translation`, which submits
the publish flow (:mod:`azad.publish.submit`).
"""

from __future__ import annotations

from azad.db.users import User
from azad.errors import AzadError
from azad.publish import submit
from azad.queue import status as state
from azad.queue.store import Queue
from azad.review import events
from azad.review.shown import remember
from azad.review.threads import open_question_count
from azad.workspace import Workspace


class Forbidden(AzadError):
    """The user's role does not allow this (HTTP 403)."""


def require_lang(user: User, lang_key: str) -> None:
    if not user.can_edit(lang_key):
        raise Forbidden(f"{user.name} ({user.label}) does not work on {lang_key}")


def require_editor(user: User) -> None:
    if not user.is_editor:
        raise Forbidden(f"only editors may do this; {user.name} is a {user.role}")


def claim(ws: Workspace, slug: str, lang_key: str, user: User) -> state.TranslationStatus:
    require_lang(user, lang_key)
    Queue(ws).require(slug, lang_key)
    return state.claim(ws, slug, lang_key, user.name, hours=ws.settings.review.claim_hours)


def release(ws: Workspace, slug: str, lang_key: str, user: User) -> state.TranslationStatus:
    require_lang(user, lang_key)
    current = state.translation_status(ws, slug, lang_key)
    holder = current.claimed_by
    if holder and holder != user.name and not user.is_editor:
        raise Forbidden(f"{slug} ({lang_key}) is claimed by {holder}")
    return state.release(ws, slug, lang_key, user.name)


class OpenQuestions(AzadError):
    """An approval of a translation with open comment threads, not confirmed."""


def approve(
    ws: Workspace,
    slug: str,
    lang_key: str,
    user: User,
    seen_rev: str,
    comment: str = "",
    *,
    ignore_open_questions: bool = False,
) -> state.TranslationStatus:
    """Approve the content revision ``seen_rev`` the editor looked at
    (:class:`azad.queue.status.StaleApproval` if it changed since); with open questions
    under its segments only when ``ignore_open_questions`` says the editor confirmed."""
    require_editor(user)
    Queue(ws).require(slug, lang_key)
    if not ignore_open_questions:
        n = open_question_count(ws, slug, lang_key)
        if n:
            raise OpenQuestions(
                f"{slug} ({lang_key}) has {n} open question{'s' if n != 1 else ''} in its "
                "comments: answer or resolve them, or confirm that you approve anyway"
            )
    # What the approval covers, kept (once per revision) so that the editor page can show
    # which segments changed since (an approval from the command line too). The revision
    # is a hash of the content, so units read with it are its content, whatever happens
    # between this read and the approval.
    snap = Queue(ws).snapshot(slug, lang_key)
    if snap.rev == seen_rev:
        remember(ws, slug, lang_key, snap.rev, snap.file.live)
    done = state.stamp_approval(ws, slug, lang_key, user.name, seen_rev, comment)
    events.approved(ws, slug, lang_key, user, comment)
    return done


def send_back(
    ws: Workspace, slug: str, lang_key: str, user: User, comment: str
) -> state.TranslationStatus:
    require_editor(user)
    Queue(ws).require(slug, lang_key)
    if not comment.strip():
        raise AzadError("say what needs work: a comment is required to send back")
    done = state.send_back(ws, slug, lang_key, user.name, comment.strip())
    events.sent_back(ws, slug, lang_key, user, comment.strip())
    return done


def publish_translation(
    ws: Workspace, slug: str, lang_key: str, user: User
) -> tuple[submit.PublishRun, bool]:
    """Submit the ``publish_editions`` flow for one approved translation
    (:func:`azad.publish.submit.submit`); returns the run and whether it is new (False:
    one for this translation is still under way).

    Raises :class:`Forbidden` for non-editors and :class:`AzadError` if the translation is
    not approved as it stands (checked before anything is submitted, so the editor gets
    the answer at once rather than from a failed run).
    """
    require_editor(user)
    require_lang(user, lang_key)
    current = state.translation_status(ws, slug, lang_key)
    if current.status not in ("approved", "published"):
        raise AzadError(f"{slug} ({lang_key}) is {current.status}: approve it before publishing")
    return submit.submit(ws, slug, lang_key, user.name)
