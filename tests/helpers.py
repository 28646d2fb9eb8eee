"""Paths and small helpers shared by the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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


def mark_reviewed(po: Path) -> None:
    """Do what a translator does at the end: every entry reviewed (fuzzy flag cleared)."""
    from azad.po import load_po, save_po

    catalog = load_po(po)
    for entry in catalog:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    save_po(po, catalog)


def approve_translation(ws, slug: str, lang_key: str) -> None:
    """Translate nothing; mark the existing draft reviewed and approve it as an editor."""
    from azad.po import po_path
    from azad.review.state import approve

    mark_reviewed(po_path(ws.article_dir(slug), lang_key))
    approve(ws, slug, lang_key, "editor")
