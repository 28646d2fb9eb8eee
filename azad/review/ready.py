"""Whose turn it is: what the queue's "ready for me" view and an editor's order show.

* An editor's work is what is *ready for approval*: every segment reviewed and not
  approved as it stands (``reviewed``, or ``changed since approval`` with nothing left
  to review), in sync with its English.
* A translator's work is what they hold, what was sent back, and drafts nobody else
  holds (in their languages; the queue shows no other).
"""

from __future__ import annotations

from azad.db.users import User
from azad.review.index import QueueRow


def ready_for_approval(row: QueueRow) -> bool:
    complete = row.total > 0 and row.reviewed == row.total and row.in_sync
    return complete and row.status in ("reviewed", "changed since approval")


def ready_for(user: User, row: QueueRow) -> bool:
    if user.is_editor:
        return ready_for_approval(row)
    holder = row.claimed_by
    if holder == user.name:
        return True
    if holder is not None:
        return False
    return row.status in ("sent back", "machine draft", "in review", "changed since approval") and (
        row.reviewed < row.total or row.status == "sent back"
    )
