"""The demo's stand-in for translators and an editor: in a workspace made by `make demo`
(marked by a `.azad-demo` file) only, mark every machine draft reviewed and approve it as
the `demo` editor, so that the demo can go on to publish. Nowhere else."""

from __future__ import annotations

import sys
from pathlib import Path

from azad.db.users import User
from azad.errors import AzadError
from azad.queue.articles import ArticleStore
from azad.queue.status import translation_status
from azad.queue.store import Queue
from azad.review.actions import approve
from azad.review.edits import Edit, apply_edits
from azad.workspace import Workspace

MARKER = ".azad-demo"
EDITOR = "demo"
TRANSLATOR = "demo (machine draft, not reviewed)"


def approve_everything(ws: Workspace) -> list[tuple[str, str]]:
    if not (ws.root / MARKER).is_file():
        raise AzadError(f"{ws.root}: not a demo workspace (no {MARKER}); refusing to approve")
    queue = Queue(ws)
    done = []
    for slug, key in queue.pairs(ArticleStore(ws).slugs()):
        if translation_status(ws, slug, key).status in ("approved", "published"):
            continue
        # Through the translators' own save path, so the change log says who did it.
        edits = [
            Edit(u.ctx, u.text, u.rev, reviewed=True)
            for u in queue.read(slug, key).live
            if not u.reviewed and u.text
        ]
        if edits:
            apply_edits(ws, slug, key, edits, by=TRANSLATOR, via="demo")
        current = translation_status(ws, slug, key)
        editor = User(EDITOR, "editor")
        approve(ws, slug, key, editor, current.rev, comment="approved by the demo, unreviewed")
        done.append((slug, key))
    return done


def main(argv: list[str]) -> int:
    ws = Workspace.find(Path(argv[0]) if argv else None)
    try:
        done = approve_everything(ws)
    except AzadError as exc:
        print(f"azad: error: {exc}", file=sys.stderr)
        return 2
    print(
        f"DEMO ONLY, in {ws.root}: {len(done)} machine drafts marked reviewed and approved "
        f"by the '{EDITOR}' editor without any human review."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
