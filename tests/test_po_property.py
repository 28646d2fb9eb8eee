"""PO files through the project's one write and read path (azad.queue.pofile.render_po,
parse_po): every field of every unit survives any text a translator, a CAT tool or an English
source can bring: Arabic script, ZWNJ, bidi marks and isolates, quotes, backslashes,
escape-like sequences, tabs, carriage returns, newlines, line and paragraph separators,
control characters, and Unicode at large.

Left out of the generated text, and why:

* lone surrogates (U+D800–U+DFFF): not characters; no UTF-8 file can hold them;
* NUL: PO strings cannot hold it (a compiled catalog ends strings with it) and the review
  app refuses it (``segments._clean``);
* an empty English text: ``msgid ""`` is the PO header, and a segment always has English.

Comments are lines in the PO format, so for them the property is line by line: polib
drops white space at the ends of a comment line, empty extracted-comment lines and empty
lines opening a translator comment, and a carriage return ends a comment line (test
below). The only comment text the project reads back, the machine draft kept beside an
edit, loses at most white space at its end, which no one sees.

What the properties found (fixed in azad/queue/pofile.py, each kept below as an explicit
example):
U+2028, U+2029, U+0085 and U+001C–U+001E in a text cut it short on reading; a carriage
return in a comment, or a title starting with "," or ":", made the file unreadable; a
comment ending in a backslash made gettext's tools drop the entry's msgctxt.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import polib
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from azad.queue.parsed import from_bytes, to_bytes
from azad.queue.pofile import new_file, parse_po, render_po
from azad.queue.store import Queue
from azad.queue.units import Provenance, TranslationFile, Unit, state_of
from azad.review.edits import Edit, apply_edits, read_segments
from azad.services.ingest import ingest_files
from azad.workspace import Workspace

# Slow (property-based, runs msgfmt): not in `make check`.
pytestmark = pytest.mark.slow

# --- strategies ---------------------------------------------------------------------------

SPECIAL = [
    "\u200c",  # ZWNJ, in every other Dari and Pashto word (می‌روم)
    "\u200d",  # ZWJ
    "\u200e",  # LRM
    "\u200f",  # RLM
    "\u061c",  # ALM
    "\u2066",  # LRI
    "\u2067",  # RLI
    "\u2068",  # FSI (the renderer wraps Latin runs in FSI…PDI)
    "\u2069",  # PDI
    "\u202a",  # LRE
    "\u202b",  # RLE
    "\u202c",  # PDF
    "\u202d",  # LRO
    "\u202e",  # RLO
    "«",
    "»",
    "،",
    "؛",
    "؟",
    "٪",
    '"',
    "'",
    "\\",
    "\n",
    "\t",
    "\r",
    "\v",
    "\f",
    "\b",
    "\a",
    "\x1b",
    "\x7f",
    "\x85",  # NEL: a cp1252 ellipsis decoded as Latin-1
    "\u2028",  # LINE SEPARATOR: pasted from PDFs and word processors
    "\u2029",  # PARAGRAPH SEPARATOR
    "\x1c",
    "\x1d",
    "\x1e",
    "\x1f",
    "\ufeff",  # BOM / ZWNBSP
    "\xa0",
    "\u202f",
    "\u3000",
    " ",
    "#",
    "%",
]
# Sequences that look like PO syntax or escapes, to be kept as they are.
TOKENS = [
    "\\n",
    '\\"',
    "\\\\",
    '\\"\\',
    '""',
    'msgstr "',
    '"\nmsgid "x',
    "#, fuzzy",
    "#~ ",
    "#| msgid ",
    "\r\n",
    "%s",
    "{0}",
    "XZ1",
]

arabic_script = st.one_of(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),  # Arabic (Dari, Pashto)
    st.characters(min_codepoint=0x0750, max_codepoint=0x077F),  # Arabic Supplement
    st.characters(min_codepoint=0x08A0, max_codepoint=0x08FF),  # Arabic Extended-A
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),  # Presentation Forms-A
    st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFF),  # Presentation Forms-B
)
anything = st.characters(codec="utf-8", exclude_characters="\0")  # utf-8: no surrogates
piece = st.one_of(
    arabic_script,
    arabic_script,  # weighted: most of a translation is Arabic script
    st.sampled_from(SPECIAL),
    st.sampled_from(TOKENS),
    anything,
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),  # English
)
text = st.lists(piece, max_size=24).map("".join)
english = text.filter(bool)


_STRUCTURED = ("provenance: ", "qa: ", "lexicon: ", "machine draft")


def comment_line(strip: bool) -> st.SearchStrategy[str]:
    line = text.map(lambda s: s.replace("\n", " ").replace("\r", " ").strip())
    return line.filter(bool) if strip else line


# Extracted comments the queue reads as notes (the structured lines have their own fields).
note_line = comment_line(True).filter(lambda s: not s.startswith(_STRUCTURED))
# Blank lines are kept inside a translator comment, but not at its start (polib).
translator_comment = st.lists(comment_line(False), max_size=4).map(
    lambda lines: "\n".join(lines).lstrip("\n")
)


@st.composite
def segment_ids(draw: st.DrawFn) -> str:
    """Ids as azad.model makes them: title, subtitle, b3.s2, b5.i1.s1."""
    kind = draw(st.sampled_from(["title", "subtitle", "sentence", "item"]))
    if kind in ("title", "subtitle"):
        return kind
    block, sentence = draw(st.integers(1, 300)), draw(st.integers(1, 40))
    if kind == "item":
        return f"b{block}.i{draw(st.integers(1, 50))}.s{sentence}"
    return f"b{block}.s{sentence}"


provenances = st.one_of(
    st.just(Provenance()),
    st.builds(
        Provenance,
        origin=st.sampled_from(["machine", "memory", "human"]),
        engine=comment_line(False),
        package=comment_line(False),
        test_model=st.booleans(),
        score=st.none() | st.floats(-50, 0, allow_nan=False),
        memory=comment_line(False),
        draft=text,  # the machine's own text: any text, newlines and CRs included
    ),
)


@st.composite
def units(draw: st.DrawFn, msg: st.SearchStrategy[str] = text) -> list[Unit]:
    ctxs = draw(st.lists(segment_ids(), min_size=1, max_size=6, unique=True))
    out = []
    for ctx in ctxs:
        obsolete = draw(st.booleans())
        translation = draw(msg)
        out.append(
            Unit(
                ctx=ctx,
                english=draw(msg.filter(bool)),
                text=translation,
                state=state_of(translation, draw(st.booleans())),
                provenance=draw(provenances),
                # polib skips "#~|" lines: an obsolete entry's previous English is not read
                # back (the history of a segment that is gone: nothing shows it).
                previous_english="" if obsolete else draw(msg),
                qa=tuple(draw(st.lists(comment_line(True), max_size=2))),
                substitutions=tuple(draw(st.lists(comment_line(True), max_size=2))),
                notes=tuple(draw(st.lists(note_line, max_size=3))),
                translator_comment=draw(translator_comment),
                obsolete=obsolete,
            )
        )
    return out


titles = comment_line(True)
lang_codes = st.sampled_from(["fa-AF", "ps-AF"])


def scratch() -> tempfile.TemporaryDirectory[str]:
    """A folder for one example, in memory where there is one: saves fsync, and the
    property is about content (durability: tests/test_fsutil.py)."""
    shm = Path("/dev/shm")
    return tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None)


def file_of(lang_code: str, title: str, entries: list[Unit]) -> TranslationFile:
    tf = new_file(lang_code, title, {"X-Azad-Slug": "an-article"})
    tf.units = list(entries)
    return tf


def expected(unit: Unit) -> Unit:
    if unit.obsolete:
        # polib writes no extracted comments for obsolete entries: what is kept of a
        # sentence that is gone is its English, its translation and its state.
        return Unit(
            unit.ctx,
            unit.english,
            unit.text,
            unit.state,
            translator_comment=unit.translator_comment,
            obsolete=True,
        )
    return unit


# --- the round trip -----------------------------------------------------------------------


def u(ctx: str, english: str, text: str, draft: bool, previous: str = "", **kw: object) -> Unit:
    return Unit(ctx, english, text, state_of(text, draft), previous_english=previous, **kw)  # type: ignore[arg-type]


@given(lang_codes, titles, units())
@example("fa-AF", "Title", [u("b1.s1", "A\u2028B", "الف\u2028ب", False)])
@example("ps-AF", "T", [u("b1.s1", "x\x85y", "\x1c", True, "p\u2029q", qa=("ok",))])
@example("fa-AF", ":colon", [u("title", "T", "", True)])
@example("fa-AF", ", comma", [u("title", "T", "", True)])
@settings(max_examples=200, deadline=None)
def test_po_round_trip_keeps_every_field(lang_code: str, title: str, entries: list[Unit]) -> None:
    tf = file_of(lang_code, title, entries)
    data = render_po(tf)
    loaded = parse_po(data, "dari.po")
    # The file lists live units first, obsolete ones at the end.
    order = [e for e in entries if not e.obsolete] + [e for e in entries if e.obsolete]
    assert loaded.units == [expected(e) for e in order]
    # The title heads the header; one starting with "," or ":" gets a space in front
    # (written as is, polib would read it as a flags or references line).
    shown = f" {title}" if title[:1] in (",", ":") else title
    assert loaded.header.split("\n") == [
        shown,
        *new_file(lang_code, "", {}).header.split("\n")[1:],
    ]
    assert loaded.metadata == tf.metadata
    # Read and written again, the file is the same: no churn, nothing rewritten.
    assert render_po(loaded) == data
    # The parse's disk copy (azad.queue.parsed) gives back exactly the parse.
    assert from_bytes(to_bytes(loaded)) == loaded


def msgfmt_ok(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )


# For msgfmt, two rules about the texts themselves, not about writing them: msgid and
# msgstr both begin (and end) with a newline or neither does, and no string holds U+0004
# (a compiled catalog separates msgctxt from msgid with it, as it ends strings with NUL).
unframed = text.map(lambda s: s.strip("\n").replace("\x04", ""))


@given(lang_codes, titles, units(unframed))
@example("fa-AF", "C:\\", [u("b1.s1", "a", "b", False, "c", notes=("draft: x\\",))])
@settings(max_examples=60, deadline=None)
def test_written_po_files_pass_msgfmt_check(
    lang_code: str, title: str, entries: list[Unit]
) -> None:
    with scratch() as tmp:
        path = Path(tmp) / "pashto.po"
        path.write_bytes(render_po(file_of(lang_code, title, entries)))
        check = msgfmt_ok(path)
        assert check.returncode == 0, check.stderr
        # gettext reads the same strings the queue does.
        mo = Path(tmp) / "out.mo"
        subprocess.run(["msgfmt", "--use-fuzzy", "-o", str(mo), str(path)], check=True)
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo))}
        for unit in entries:
            if not unit.obsolete and unit.text:
                assert compiled[unit.ctx, unit.english] == unit.text


# --- two of the bugs, through the review app's save path ----------------------------------


def _queue_file(ws: Workspace, msgstr: str) -> None:
    # What a CAT tool might leave: written with polib, a draft of an older Azad Press.
    catalog = polib.POFile(wrapwidth=0)
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fa_AF"}
    entry = polib.POEntry(msgctxt="b1.s1", msgid="One sentence.", msgstr=msgstr, flags=["fuzzy"])
    entry.comment = "machine draft: test"
    catalog.append(entry)
    src = ws.articles_dir / "an-article.md"
    src.write_text("---\ntitle: An Article\n---\n\nOne sentence.\n", encoding="utf-8")
    ingest_files(ws, [src])
    Queue(ws).po_path("an-article", "dari").write_text(str(catalog), encoding="utf-8")


def test_a_pasted_line_separator_survives_a_save_and_a_reload(workspace: Workspace) -> None:
    _queue_file(workspace, "پیش‌نویس")
    (seg,) = read_segments(workspace, "an-article", "dari")
    text = "سطر نخست\u2028سطر دوم\x85 پایان"  # was read back mangled, without an error
    edit = Edit(seg.ctx, text, seg.rev)
    apply_edits(workspace, "an-article", "dari", [edit], by="dara", via="web")
    (after,) = read_segments(workspace, "an-article", "dari")
    assert after.text == text and after.reviewed
    assert msgfmt_ok(workspace.article_dir("an-article") / "dari.po").returncode == 0


def test_a_draft_with_a_carriage_return_kept_beside_an_edit_leaves_a_readable_file(
    workspace: Workspace,
) -> None:
    # A CAT tool wrote the draft with a Windows line break; the first save in the app keeps
    # the machine's draft beside the edit, which once held the raw CR.
    _queue_file(workspace, "سطر یک\r\nسطر دو")
    (seg,) = read_segments(workspace, "an-article", "dari")
    edit = Edit(seg.ctx, "ترجمه‌ی تازه", seg.rev)
    apply_edits(workspace, "an-article", "dari", [edit], by="dara", via="web")
    (after,) = read_segments(workspace, "an-article", "dari")  # was: not a valid PO file
    assert after.text == "ترجمه‌ی تازه"
    assert after.machine_text == "سطر یک\r\nسطر دو"  # kept whole now: provenance is JSON
    assert msgfmt_ok(workspace.article_dir("an-article") / "dari.po").returncode == 0
