"""Where a translation stands, and the editor's actions on its record.

    machine draft → in review → reviewed → approved → published
                                              ↘ changed since approval

* *machine draft*: nothing reviewed yet and nobody holds it;
* *in review*: someone claimed it or reviewed some units;
* *sent back*: an editor sent the article (or some of its segments) back, and it has not
  been reviewed again since: either nothing changed since the send-back, or some units
  still need editing (a segment sent back is a draft until a translator confirms it);
* *reviewed*: every unit reviewed and the units are exactly the English article's;
* *approved*: an editor approved exactly the current content revision;
* *published*: editions were built from exactly the current content revision;
* *changed since approval*: the English article or a translation changed after the
  approval (or publication); ``azad publish`` refuses it until an editor approves again,
  and the edition published before stays in the catalog.

The status is derived from the PO file, the article and the record each time (claims
expire with time); nothing needs to be reset by hand.

A claim says who is working on a translation, so it ends when that work is over: when
every unit is reviewed (:func:`record_after_save`, in the save's own step), when an editor approves
it, when the holder sends it back to someone else, and when it expires. Each end is an
event in the record's history; an expiry is written with the next change of the record,
stamped with the time the claim expired (until then ``claimed_by`` already ignores it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from azad.errors import AzadError
from azad.queue.record import Claim, Event, ReviewRecord, Stamp, now
from azad.queue.store import Queue, Snapshot
from azad.workspace import Workspace

Status = Literal[
    "machine draft",
    "in review",
    "sent back",
    "reviewed",
    "approved",
    "changed since approval",
    "published",
]
STATUSES: tuple[Status, ...] = get_args(Status)
CLAIM_HOURS = 8


class StaleApproval(AzadError):
    """The content changed since the revision the editor approved (HTTP 409)."""

    def __init__(self, slug: str, lang_key: str, seen: str, current: str) -> None:
        self.slug, self.lang_key, self.seen, self.current = slug, lang_key, seen, current
        # Whether anything "changed since" is not known here: the revision may never have
        # been this translation's (a typo); the callers say what they can show.
        super().__init__(
            f"{slug} ({lang_key}): revision {seen} is not the current one ({current}); "
            "look at it again before approving"
        )


@dataclass(frozen=True)
class Counts:
    """What the status needs of a translation (the queue's cache keeps exactly this)."""

    total: int
    unreviewed: int
    rev: str
    in_sync: bool
    file_sha: str


def derive(counts: Counts, record: ReviewRecord) -> Status:
    ok = counts.in_sync and counts.unreviewed == 0
    rev, sha = counts.rev, counts.file_sha
    # A send-back of exactly this content outranks an earlier publication of it: the
    # editor wants work done before it goes out again.
    sent_back = record.sent_back is not None and record.sent_back.covers(rev, sha)
    if ok and not sent_back and record.published and record.published.covers(rev, sha):
        return "published"
    if ok and record.approved and record.approved.covers(rev, sha):
        return "approved"
    if record.sent_back is None and (record.approved or record.published):
        # Approved or published once, not as it is now, and not sent back since.
        return "changed since approval"
    # Sent back and not reviewed again since: the editor's send-back stands until every
    # unit is confirmed again after it (an approval clears it).
    if sent_back or (record.sent_back is not None and not ok):
        return "sent back"
    if ok:
        return "reviewed"
    claimed = record.claimed_by is not None
    if claimed or counts.unreviewed < counts.total:
        return "in review"
    return "machine draft"


@dataclass(frozen=True)
class TranslationStatus:
    slug: str
    lang_key: str
    status: Status
    total: int
    reviewed: int
    unreviewed: list[str]
    """Ids of units that are drafts or empty, in file order."""
    rev: str
    """The content revision: what an approval must name."""
    in_sync: bool
    """The units are exactly the English article's (else a translation run is due)."""
    file_sha: str
    record: ReviewRecord

    @property
    def claimed_by(self) -> str | None:
        return self.record.claimed_by


def counts_of(snap: Snapshot) -> Counts:
    derived = snap.derived
    return Counts(
        total=derived.total,
        unreviewed=len(derived.unreviewed),
        rev=derived.rev,
        in_sync=derived.in_sync,
        file_sha=snap.file_sha,
    )


def status_of(snap: Snapshot) -> TranslationStatus:
    counts = counts_of(snap)
    return TranslationStatus(
        slug=snap.slug,
        lang_key=snap.lang_key,
        status=derive(counts, snap.record),
        total=counts.total,
        reviewed=counts.total - counts.unreviewed,
        unreviewed=list(snap.derived.unreviewed),
        rev=counts.rev,
        in_sync=counts.in_sync,
        file_sha=counts.file_sha,
        record=snap.record,
    )


def translation_status(ws: Workspace, slug: str, lang_key: str) -> TranslationStatus:
    queue = Queue(ws)
    if not queue.has(slug, lang_key):
        raise AzadError(f"{slug}: no {lang_key} translation yet (run 'azad translate {slug}')")
    return status_of(queue.snapshot(slug, lang_key))


def _end_claim(record: ReviewRecord, by: str, why: str) -> None:
    """End the claim ``record`` holds (if any), recorded as ``claim ended`` with why."""
    if record.claim is None:
        return
    holder = record.claim.by
    record.claim = None
    record.history.append(Event(at=now(), by=by, action="claim ended", comment=f"{holder}: {why}"))


def _expire(record: ReviewRecord) -> None:
    """A claim past its expiry leaves the record, recorded at the time it expired."""
    claim = record.claim
    if claim is not None and not claim.active:
        record.claim = None
        record.history.append(Event(at=claim.expires, by=claim.by, action="claim expired"))


def _update(
    ws: Workspace,
    slug: str,
    lang_key: str,
    change: Callable[[ReviewRecord, TranslationStatus], None],
) -> TranslationStatus:
    """Apply ``change(record, status)`` under the translation's lock and save the record."""
    queue = Queue(ws)
    with queue.locked(slug, lang_key):
        current = translation_status(ws, slug, lang_key)
        record = current.record.model_copy(deep=True)
        _expire(record)
        change(record, current)
        queue.save_record(slug, lang_key, record)
    return translation_status(ws, slug, lang_key)


def claim(
    ws: Workspace, slug: str, lang_key: str, user: str, hours: float = CLAIM_HOURS
) -> TranslationStatus:
    def change(record: ReviewRecord, current: TranslationStatus) -> None:
        holder = current.claimed_by
        if holder and holder != user:
            raise AzadError(f"{slug} ({lang_key}) is claimed by {holder}")
        t = now()
        record.claim = Claim(by=user, at=t, expires=t + dt.timedelta(hours=hours))
        record.history.append(Event(at=t, by=user, action="claim"))

    return _update(ws, slug, lang_key, change)


def record_after_save(
    record: ReviewRecord,
    by: str,
    *,
    claim_hours: float | None,
    completed: bool,
    work_left: bool,
) -> ReviewRecord | None:
    """The record after a save by ``by`` (the caller holds the lock, has written the file
    and writes the record), or None when it does not change. A save that completed the
    translation (``completed``: every unit reviewed now, not before) ends the claim on the
    work, whoever saved; with ``claim_hours`` (a translator's save), a save into a
    translation nobody holds that still has ``work_left`` claims it for ``by``
    (someone's claim stands)."""
    if completed:
        if record.claim is None:
            return None
        record = record.model_copy(deep=True)
        _end_claim(record, by, "fully reviewed")
        return record
    if claim_hours is None or not work_left or record.claimed_by is not None:
        return None
    record = record.model_copy(deep=True)
    t = now()
    record.claim = Claim(by=by, at=t, expires=t + dt.timedelta(hours=claim_hours))
    record.history.append(Event(at=t, by=by, action="claim"))
    return record


def take_over(
    ws: Workspace, slug: str, lang_key: str, editor: str, hours: float = CLAIM_HOURS
) -> TranslationStatus:
    """An editor takes the translation over from whoever holds it (recorded, naming the
    holder)."""

    def change(record: ReviewRecord, current: TranslationStatus) -> None:
        holder = current.claimed_by
        if holder is None or holder == editor:
            raise AzadError(f"{slug} ({lang_key}) is not claimed by anyone else")
        t = now()
        record.claim = Claim(by=editor, at=t, expires=t + dt.timedelta(hours=hours))
        record.history.append(Event(at=t, by=editor, action="take over", comment=f"from {holder}"))

    return _update(ws, slug, lang_key, change)


def release(ws: Workspace, slug: str, lang_key: str, user: str) -> TranslationStatus:
    def change(record: ReviewRecord, current: TranslationStatus) -> None:
        record.claim = None
        record.history.append(Event(at=now(), by=user, action="release"))

    return _update(ws, slug, lang_key, change)


def stamp_approval(
    ws: Workspace, slug: str, lang_key: str, editor: str, seen_rev: str, comment: str = ""
) -> TranslationStatus:
    """The record's side of an approval: stamp the content revision ``seen_rev``, the one
    the editor looked at, under the record's lock; refused (:class:`StaleApproval`) if the
    translation or the article changed since. Approving is
    :func:`azad.review.actions.approve`, which checks the role, keeps what the approval
    covers and calls this; nothing else does."""

    def change(record: ReviewRecord, current: TranslationStatus) -> None:
        if seen_rev != current.rev:
            raise StaleApproval(slug, lang_key, seen_rev, current.rev)
        if not current.in_sync:
            raise AzadError(
                f"{slug} ({lang_key}): the English article changed since it was translated; "
                f"run 'azad translate {slug}' first"
            )
        if current.unreviewed:
            raise AzadError(
                f"{slug} ({lang_key}): {len(current.unreviewed)} segments are not reviewed: "
                + ", ".join(current.unreviewed[:10])
                + (" …" if len(current.unreviewed) > 10 else "")
            )
        t = now()
        record.approved = Stamp(by=editor, at=t, rev=current.rev, comment=comment)
        record.sent_back = None
        record.history.append(Event(at=t, by=editor, action="approve", comment=comment))
        _end_claim(record, editor, "approved")

    return _update(ws, slug, lang_key, change)


def send_back(
    ws: Workspace,
    slug: str,
    lang_key: str,
    editor: str,
    comment: str,
    *,
    segments: Sequence[str] = (),
) -> TranslationStatus:
    """Send the translation back with the editor's ``comment``. With ``segments`` (their
    ids), those segments were sent back (made drafts, by the caller, before): that is
    possible in any state; the whole article only once it was reviewed."""
    sendable = ("reviewed", "approved", "published", "changed since approval", "sent back")

    def change(record: ReviewRecord, current: TranslationStatus) -> None:
        if not segments and current.status not in sendable:
            raise AzadError(f"{slug} ({lang_key}) is {current.status}: nothing to send back")
        t = now()
        record.sent_back = Stamp(by=editor, at=t, rev=current.rev, comment=comment)
        record.approved = None
        what = f"{', '.join(segments)}: {comment}" if segments else comment
        record.history.append(Event(at=t, by=editor, action="send back", comment=what))
        if record.claim is not None and record.claim.by == editor:
            # The one who held it sent it back to someone else: not theirs any more. A
            # translator's claim stands: the work is sent back to them.
            _end_claim(record, editor, "sent back")

    return _update(ws, slug, lang_key, change)


def record_published(
    ws: Workspace, slug: str, lang_key: str, by: str, rev: str, files: list[str]
) -> TranslationStatus:
    """Note that editions were built from the content revision ``rev``."""

    def change(record: ReviewRecord, current: TranslationStatus) -> None:
        t = now()
        record.published = Stamp(by=by, at=t, rev=rev, files=files)
        record.history.append(Event(at=t, by=by, action="publish", comment=", ".join(files)))

    return _update(ws, slug, lang_key, change)
