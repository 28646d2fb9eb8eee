"""Paths and small helpers shared by the tests."""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from starlette.applications import Starlette

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
# The team's shared samples exist on the team's machines and in CI, not in a user's clone.
SHARED_SAMPLES = ROOT.parent / "shared" / "samples"

needs_shared = pytest.mark.skipif(
    not SHARED_SAMPLES.is_dir(), reason="../shared/samples exists only on the team's machines"
)


def snapshot(root: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file below ``root`` with its size, modification time and content."""
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def copy_file(src: Path, dest_dir: Path, name: str | None = None) -> Path:
    dest_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(src, dest_dir / (name or src.name)))


def text_export_to_pdf(text: str, dest: Path) -> Path:
    """Typeset a text export as a PDF much like the site's: one paragraph per line, A4,
    and a page break before each paragraph that starts in lower case (a paragraph the
    page break split)."""
    import html

    from weasyprint import HTML

    paras = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        cls = ' class="brk"' if line[:1].islower() else ""
        paras.append(f"<p{cls}>{html.escape(line)}</p>")
    doc = (
        "<html><head><style>@page{size:A4;margin:2cm}"
        "p{margin:0 0 1em 0;font-size:11pt} .brk{break-before:page}</style></head><body>"
        + "\n".join(paras)
        + "</body></html>"
    )
    HTML(string=doc).write_pdf(dest)
    return dest


# ---- what a CAT tool does to a PO file (outside the project's code, through polib) ----


def load_po(path: Path) -> polib.POFile:
    """Read a PO file as a CAT tool would (the project itself reads through azad.queue)."""
    return polib.pofile(str(path), wrapwidth=0)


def save_po(path: Path, catalog: polib.POFile) -> None:
    """Write a PO file as a CAT tool would: in place, not through the queue."""
    catalog.wrapwidth = 0
    path.write_text(str(catalog) + "\n", encoding="utf-8")


def po_path(article_dir: Path, lang_key: str) -> Path:
    return article_dir / f"{lang_key}.po"


def mark_reviewed(po: Path) -> None:
    """Do what a translator does at the end: every entry reviewed (fuzzy flag cleared)."""
    catalog = load_po(po)
    for entry in catalog:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    save_po(po, catalog)


def approve(ws, slug: str, lang_key: str, editor: str, comment: str = ""):
    """An editor approves the translation as it stands now (having looked at it)."""
    from azad.db.users import User
    from azad.queue import status
    from azad.review.actions import approve as approve_

    current = status.translation_status(ws, slug, lang_key)
    return approve_(ws, slug, lang_key, User(editor, "editor"), current.rev, comment)


def approve_translation(ws, slug: str, lang_key: str) -> None:
    """Translate nothing; mark the existing draft reviewed and approve it as an editor."""
    mark_reviewed(po_path(ws.article_dir(slug), lang_key))
    approve(ws, slug, lang_key, "editor")


@contextlib.contextmanager
def serving(app: Starlette) -> Iterator[str]:
    """``app`` served by uvicorn on a thread, on a free port of 127.0.0.1; its base URL.
    The server is the app's own (:class:`azad.web.live.Server`: open live pages
    end at shutdown instead of holding it up)."""
    import uvicorn

    from azad.web.live import Server

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def save_segment(
    ws, slug: str, lang_key: str, ctx: str, text: str, rev: str, *, by: str, reviewed=True
):
    """Save one segment as the user ``by`` through the web app's own save path
    (:func:`azad.review.saving.save_segment`); returns the saved segment. ``by`` need not
    have an account: without one it saves as a translator of every language."""
    from azad.db.users import User, get_user
    from azad.review.saving import save_segment as save

    user = get_user(ws, by) or User(by, "translator", tuple(ws.settings.languages))
    return save(ws, slug, lang_key, user, ctx, text, rev, reviewed=reviewed).result.segment
