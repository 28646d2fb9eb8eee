"""The demo's stand-in for translators and an editor: in a workspace made by `make demo`
(marked by a `.azad-demo` file) only, mark every machine draft reviewed and approve it as
the `demo` editor, so that the demo can go on to publish. Nowhere else."""

from __future__ import annotations

import sys
from pathlib import Path

from azad.errors import AzadError
from azad.po import load_po, locked, po_path, save_po
from azad.review.state import approve, translation_status
from azad.store import ArticleStore
from azad.workspace import Workspace

MARKER = ".azad-demo"
EDITOR = "demo"


def approve_everything(ws: Workspace) -> list[tuple[str, str]]:
    if not (ws.root / MARKER).is_file():
        raise AzadError(f"{ws.root}: not a demo workspace (no {MARKER}); refusing to approve")
    done = []
    for slug in ArticleStore(ws).slugs():
        for key in ws.settings.languages:
            path = po_path(ws.article_dir(slug), key)
            if not path.is_file():
                continue
            if translation_status(ws, slug, key).status in ("approved", "published"):
                continue
            with locked(path):
                catalog = load_po(path)
                for entry in catalog:
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                catalog.metadata["Last-Translator"] = "demo (machine draft, not reviewed)"
                save_po(path, catalog)
            approve(ws, slug, key, EDITOR, comment="approved by the demo, unreviewed")
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
