"""Status of one article × language in the review queue, and the editor's record of it.

The status is derived from the PO file and a small record beside it,
``translations/<slug>/<lang>.review.json`` (claim, approval, send-back, publication):

    machine draft → in review → reviewed → approved → published

* *machine draft*: every entry is still an unreviewed machine draft and nobody holds it;
* *in review*: someone claimed it or reviewed some entries, or an editor sent it back and
  it has not been edited since;
* *reviewed*: no fuzzy and no empty entry;
* *approved*: an editor approved exactly the current content (the PO file's SHA-256);
* *published*: editions were built from exactly the current content.

Any edit after approval or publication changes the PO file's hash and so returns the
translation to *reviewed* (or *in review*): nothing needs to be reset by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polib
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from azad.errors import AzadError, InputError
from azad.fsutil import atomic_write_text
from azad.po import load_po, locked, po_path
from azad.workspace import Workspace

Status = Literal["machine draft", "in review", "reviewed", "approved", "published"]
STATUSES: tuple[Status, ...] = ("machine draft", "in review", "reviewed", "approved", "published")
CLAIM_HOURS = 8


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid")
    by: str
    at: dt.datetime
    expires: dt.datetime


class Stamp(BaseModel):
    """Who did something to which content (the PO file's SHA-256), when."""

    model_config = ConfigDict(extra="forbid")
    by: str
    at: dt.datetime
    po_sha256: str
    comment: str = ""
    files: list[str] = Field(default_factory=list)


class Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: dt.datetime
    by: str
    action: str
    comment: str = ""


class ReviewRecord(BaseModel):
    """The editor's side of one article × language; the translation itself is the PO file."""

    model_config = ConfigDict(extra="forbid")
    claim: Claim | None = None
    approved: Stamp | None = None
    sent_back: Stamp | None = None
    published: Stamp | None = None
    history: list[Event] = Field(default_factory=list)


def record_path(article_dir: Path, lang_key: str) -> Path:
    return article_dir / f"{lang_key}.review.json"


def load_record(path: Path) -> ReviewRecord:
    if not path.is_file():
        return ReviewRecord()
    try:
        return ReviewRecord.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise InputError(path, f"damaged review record: {exc.errors()[0]['msg']}") from None


def save_record(path: Path, record: ReviewRecord) -> None:
    atomic_write_text(path, record.model_dump_json(indent=2) + "\n")


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class TranslationStatus:
    slug: str
    lang_key: str
    status: Status
    total: int
    reviewed: int
    unreviewed: list[str]
    """Segment ids that are fuzzy or empty, in file order."""
    po_sha256: str
    record: ReviewRecord

    @property
    def claimed_by(self) -> str | None:
        claim = self.record.claim
        return claim.by if claim and claim.expires > now() else None


def derive_status(catalog: polib.POFile, sha: str, record: ReviewRecord) -> Status:
    entries = [e for e in catalog if not e.obsolete]
    unreviewed = [e for e in entries if not e.msgstr or "fuzzy" in e.flags]
    return status_from_counts(len(entries), len(unreviewed), sha, record)


def status_from_counts(total: int, unreviewed: int, sha: str, record: ReviewRecord) -> Status:
    """The status from the PO file's counts and hash and the review record (what the
    queue's cache keeps, so it need not parse the file again)."""
    # A send-back of exactly this content outranks an earlier publication of it: the
    # editor wants work done before it goes out again.
    sent_back = record.sent_back is not None and record.sent_back.po_sha256 == sha
    if record.published and record.published.po_sha256 == sha and not unreviewed and not sent_back:
        return "published"
    if record.approved and record.approved.po_sha256 == sha and not unreviewed:
        return "approved"
    if not unreviewed and not sent_back:
        return "reviewed"
    claimed = record.claim is not None and record.claim.expires > now()
    if sent_back or claimed or unreviewed < total:
        return "in review"
    return "machine draft"


def translation_status(ws: Workspace, slug: str, lang_key: str) -> TranslationStatus:
    article_dir = ws.article_dir(slug)
    path = po_path(article_dir, lang_key)
    if not path.is_file():
        raise AzadError(f"{slug}: no {lang_key} translation yet (run 'azad translate {slug}')")
    catalog = load_po(path)
    sha = file_sha256(path)
    record = load_record(record_path(article_dir, lang_key))
    entries = [e for e in catalog if not e.obsolete]
    unreviewed = [e.msgctxt or e.msgid for e in entries if not e.msgstr or "fuzzy" in e.flags]
    return TranslationStatus(
        slug=slug,
        lang_key=lang_key,
        status=derive_status(catalog, sha, record),
        total=len(entries),
        reviewed=len(entries) - len(unreviewed),
        unreviewed=unreviewed,
        po_sha256=sha,
        record=record,
    )


def _update(
    ws: Workspace,
    slug: str,
    lang_key: str,
    change: Callable[[ReviewRecord, TranslationStatus], None],
) -> TranslationStatus:
    """Apply ``change(record, status)`` under the PO file's lock and save the record."""
    path = po_path(ws.article_dir(slug), lang_key)
    with locked(path):
        current = translation_status(ws, slug, lang_key)
        record = current.record.model_copy(deep=True)
        change(record, current)
        save_record(record_path(ws.article_dir(slug), lang_key), record)
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


def release(ws: Workspace, slug: str, lang_key: str, user: str) -> TranslationStatus:
    def change(record: ReviewRecord, current: TranslationStatus) -> None:
        record.claim = None
        record.history.append(Event(at=now(), by=user, action="release"))

    return _update(ws, slug, lang_key, change)


def approve(
    ws: Workspace, slug: str, lang_key: str, editor: str, comment: str = ""
) -> TranslationStatus:
    def change(record: ReviewRecord, current: TranslationStatus) -> None:
        if current.unreviewed:
            raise AzadError(
                f"{slug} ({lang_key}): {len(current.unreviewed)} segments are not reviewed: "
                + ", ".join(current.unreviewed[:10])
                + (" …" if len(current.unreviewed) > 10 else "")
            )
        t = now()
        record.approved = Stamp(by=editor, at=t, po_sha256=current.po_sha256, comment=comment)
        record.sent_back = None
        record.history.append(Event(at=t, by=editor, action="approve", comment=comment))

    return _update(ws, slug, lang_key, change)


def send_back(
    ws: Workspace, slug: str, lang_key: str, editor: str, comment: str
) -> TranslationStatus:
    def change(record: ReviewRecord, current: TranslationStatus) -> None:
        if current.status not in ("reviewed", "approved", "published"):
            raise AzadError(f"{slug} ({lang_key}) is {current.status}: nothing to send back")
        t = now()
        record.sent_back = Stamp(by=editor, at=t, po_sha256=current.po_sha256, comment=comment)
        record.approved = None
        record.history.append(Event(at=t, by=editor, action="send back", comment=comment))

    return _update(ws, slug, lang_key, change)


def record_published(
    ws: Workspace, slug: str, lang_key: str, by: str, po_sha256: str, files: list[str]
) -> TranslationStatus:
    """Note that editions were built from the PO content whose hash is ``po_sha256``."""

    def change(record: ReviewRecord, current: TranslationStatus) -> None:
        t = now()
        record.published = Stamp(by=by, at=t, po_sha256=po_sha256, files=files)
        record.history.append(Event(at=t, by=by, action="publish", comment=", ".join(files)))

    return _update(ws, slug, lang_key, change)


def queue(ws: Workspace) -> list[TranslationStatus]:
    """Every article × language that has a PO file."""
    from azad.store import ArticleStore

    out = []
    for slug in ArticleStore(ws).slugs():
        for key in ws.settings.languages:
            if po_path(ws.article_dir(slug), key).is_file():
                out.append(translation_status(ws, slug, key))
    return out
