"""Which of the editor's buttons can succeed now: the editor page shows Approve, Send back
and Publish only where :mod:`azad.review.actions` would accept them, and says why the
others are missing.

The rules mirror the checks of :func:`azad.review.actions.approve` (every segment reviewed,
the English unchanged), :func:`azad.queue.status.send_back` (something reviewed or
approved to send back) and :func:`azad.review.actions.publish_translation` (approved or
published as it stands, no run of it under way). The actions keep their own checks: a
page shown before someone else's change can still be refused, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from azad.db.users import User
from azad.publish.submit import PublishRun
from azad.queue.status import TranslationStatus

SENDABLE = ("reviewed", "approved", "published", "changed since approval")
PUBLISHABLE = ("approved", "published")


@dataclass(frozen=True)
class Controls:
    approve: bool = False
    send_back: bool = False
    publish: bool = False
    publishing: bool = False
    """A publish run of this translation is under way (the button shows it, disabled)."""
    hints: list[str] = field(default_factory=list)
    """Why a button an editor might look for is not there."""


def controls_for(user: User, current: TranslationStatus, run: PublishRun | None = None) -> Controls:
    if not user.is_editor:
        return Controls()
    status = current.status
    hints = []
    approve = False
    if status in PUBLISHABLE:
        pass  # approved as it stands: nothing to approve again
    elif not current.in_sync:
        hints.append("Approve: the English changed; the translation must be brought up to date")
    elif current.unreviewed:
        n = len(current.unreviewed)
        hints.append(f"Approve: {n} segment{'s' if n != 1 else ''} not reviewed yet")
    else:
        approve = True
    send_back = status in SENDABLE
    publishing = run is not None and run.active
    publish = status in PUBLISHABLE and user.can_edit(current.lang_key) and not publishing
    if status not in PUBLISHABLE:
        hints.append(f"Publish: it is {status}; an editor approves it first")
    return Controls(approve, send_back, publish, publishing, hints)
