"""A person's save of one segment, as the editor page sends it: the one save path of the
web app (and of the tests that stand in for it).

Around :func:`azad.review.edits.apply_edits` (which owns the lock, the revision check and
the change log) it adds what a save by a person means: a stale base revision is a
:class:`~azad.review.edits.Conflict` carrying both texts and who changed it last; a
translator who saves into an unclaimed translation holds it from then on; and an editor's
own save moves what the editor's page may approve (:func:`azad.review.shown.remember_change`).
"""

from __future__ import annotations

from dataclasses import dataclass

from azad.db.users import User
from azad.review import events
from azad.review.edits import Conflict, Edit, EditResult, SaveReport, apply_edits, last_change
from azad.review.shown import remember_change
from azad.workspace import Workspace


@dataclass(frozen=True)
class SegmentSave:
    report: SaveReport
    result: EditResult
    """``saved`` or ``unchanged`` (a conflict raises)."""
    holder: str | None
    """Who held the translation's claim when the save came in (saving into someone
    else's claim is allowed, nothing typed is lost, but the answer says so)."""


def save_segment(
    ws: Workspace,
    slug: str,
    lang_key: str,
    user: User,
    ctx: str,
    text: str,
    base_rev: str,
    *,
    reviewed: bool = True,
    via: str = "web",
) -> SegmentSave:
    """Save one segment as ``user``; :class:`Conflict` if it changed since ``base_rev``."""
    # One read of the file, and the answer from what the save had in hand: a translator
    # saving into a translation nobody holds claims it in the same step.
    report = apply_edits(
        ws,
        slug,
        lang_key,
        [Edit(ctx, text, base_rev, reviewed)],
        by=user.name,
        via=via,
        claim_hours=None if user.is_editor else ws.settings.review.claim_hours,
    )
    holder = report.holder
    (result,) = report.results
    if result.outcome == "conflict":
        raise Conflict(ctx, text, result.segment, last_change(ws, slug, lang_key, ctx))
    if result.outcome == "saved" and result.segment.reviewed and report.reviewed == report.total:
        # This save left every segment reviewed, and the segment was a draft before it:
        # the translation has just become ready for an editor.
        change = last_change(ws, slug, lang_key, ctx)
        if change is not None and change.old_draft:
            events.ready(ws, slug, lang_key, user.name)
    if user.is_editor and report.rev_before != report.rev_after:
        # The editor's page may approve this revision next: keep what it covers, so a
        # refusal can say what changed since.
        saved = [r.segment for r in report.results if r.outcome == "saved"]
        remember_change(
            ws, slug, lang_key, report.rev_before, report.rev_after, saved, report.after
        )
    return SegmentSave(report, result, holder)
