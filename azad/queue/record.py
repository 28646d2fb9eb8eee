"""The editor's record of one article × language: claim, approval, send-back, publication.

Stored as ``translations/<slug>/<lang>.review.json`` beside the PO file. Every stamp names
the *content revision* it was given for (:func:`azad.queue.units.content_rev`: the English
article and every unit's English, text and state), so an approval covers exactly the
content the editor saw and nothing written later.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid")
    by: str
    at: dt.datetime
    expires: dt.datetime

    @property
    def active(self) -> bool:
        return self.expires > now()


class Stamp(BaseModel):
    """Who did something to which content, when."""

    model_config = ConfigDict(extra="forbid")
    by: str
    at: dt.datetime
    rev: str = ""
    """The content revision (see :mod:`azad.queue.units`)."""
    po_sha256: str = ""
    """Records written before content revisions name the PO file's SHA-256 instead; such
    a stamp holds while the file is byte-identical."""
    comment: str = ""
    files: list[str] = Field(default_factory=list)

    def covers(self, rev: str, file_sha: str) -> bool:
        if self.rev:
            return self.rev == rev
        return bool(self.po_sha256) and self.po_sha256 == file_sha


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

    @property
    def claimed_by(self) -> str | None:
        """Who holds the translation now (a claim expires)."""
        return self.claim.by if self.claim is not None and self.claim.active else None
