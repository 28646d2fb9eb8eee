"""Export to and import from CAT tools: XLIFF 1.2 and PO, through translate-toolkit.

An exported file names its article and language (XLIFF: ``<file original="SLUG/LANG.po"
target-language="fa-AF">``; PO: the ``X-Azad-Slug`` and ``X-Azad-Lang`` headers) and
carries each segment's revision as a developer note (``azad-rev: …``; in PO an extracted
``#.`` comment). Import applies each unit through :func:`azad.review.edits.apply_edits`
with that revision, so the rules are the web app's: a segment changed since the export is
not overwritten (a conflict, its text kept in the segment's history), and everything of
one file is written in one atomic step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from translate.storage import xliff

from azad.errors import InputError
from azad.queue.pofile import parse_po, render_po
from azad.queue.store import NotFound, Queue, exchange_name, parse_exchange_name
from azad.queue.units import TranslationFile, unit_rev
from azad.review import events
from azad.review.edits import Edit, SaveReport, apply_edits, notes_of
from azad.workspace import Workspace, is_valid_slug

Format = Literal["xliff", "po"]
REV_NOTE = "azad-rev: "
XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"


class Xliff12Unit(xliff.xliffunit):  # type: ignore[misc]
    namespace = XLIFF12_NS


class Xliff12File(xliff.xlifffile):  # type: ignore[misc]
    """translate-toolkit's XLIFF store, writing version 1.2 (it reads 1.1 and 1.2)."""

    UnitClass = Xliff12Unit
    namespace = XLIFF12_NS
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version="1.2" xmlns="{XLIFF12_NS}">
<file original="NoName" source-language="en" datatype="plaintext">
<body>
</body>
</file>
</xliff>"""


def export_text(ws: Workspace, slug: str, lang_key: str, fmt: Format) -> bytes:
    """The ``fmt`` export of ``slug`` × ``lang_key`` (obsolete entries left out)."""
    tf = Queue(ws).read(slug, lang_key)
    code = ws.settings.languages[lang_key].code
    if fmt == "po":
        out = TranslationFile(
            header=tf.header,
            metadata={**tf.metadata, "X-Azad-Slug": slug, "X-Azad-Lang": lang_key},
            units=[replace(u, notes=(*u.notes, REV_NOTE + u.rev)) for u in tf.live],
        )
        return render_po(out)
    if fmt != "xliff":
        raise InputError(fmt, "unknown format (xliff or po)")
    store = Xliff12File(sourcelanguage="en", targetlanguage=code)
    store.switchfile(exchange_name(slug, lang_key), createifmissing=True)
    for u in tf.live:
        unit = store.UnitClass(u.english)
        store.addunit(unit)
        unit.setid(u.ctx)
        unit.target = u.text
        unit.markfuzzy(not u.reviewed)
        unit.markapproved(u.reviewed)
        unit.addnote(REV_NOTE + u.rev, origin="developer")
        notes = notes_of(u)
        if notes:
            unit.addnote("\n".join(notes), origin="translator")
    return bytes(store)


@dataclass
class ImportReport:
    slug: str
    lang_key: str
    report: SaveReport
    skipped: list[str]
    """Units that could not be applied: no revision note, or no such segment."""
    untouched: int = 0
    """Units exactly as exported."""


def _detect(data: bytes, path: Path) -> Format:
    head = data[:2000].lstrip()
    if head.startswith(b"<?xml") or head.startswith(b"<xliff"):
        return "xliff"
    if path.suffix.lower() in (".xlf", ".xliff"):
        return "xliff"
    return "po"


def _rev(notes: str) -> str | None:
    for line in notes.splitlines():
        if line.startswith(REV_NOTE):
            return line[len(REV_NOTE) :].strip()
    return None


Unit = tuple[str, str, str, bool, str | None]
"""ctx, English, target, fuzzy, revision note"""


@dataclass
class _Parsed:
    fmt: Format
    slug: str
    lang_key: str
    declared_lang: str
    """The language the file itself states (XLIFF ``target-language``, the PO ``Language``
    header), or empty."""
    units: list[Unit]


def _parse(path: Path) -> _Parsed:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, exc.strerror or "cannot read") from None
    fmt = _detect(data, path)
    units: list[Unit] = []
    try:
        if fmt == "xliff":
            store = xliff.xlifffile.parsestring(data)
            names = store.getfilenames()
            if len(names) != 1 or not (named := parse_exchange_name(names[0] or "")):
                raise InputError(path, "not an Azad Press export (<file original='SLUG/LANG.po'>)")
            slug, lang_key = named
            declared = str(store.gettargetlanguage() or "")
            for unit in store.getunits():
                ctx = (unit.getid() or "").split("\x04")[-1]
                target = str(unit.target or "")
                fuzzy = unit.isfuzzy() or not unit.isapproved()
                units.append(
                    (ctx, str(unit.source), target, fuzzy, _rev(unit.getnotes("developer")))
                )
        else:
            # The queue's own PO parser: one reading of PO text in the project.
            tf = parse_po(data, path)
            header = tf.metadata
            slug, lang_key = header.get("X-Azad-Slug", ""), header.get("X-Azad-Lang", "")
            if not slug or not lang_key:
                raise InputError(path, "not an Azad Press export (no X-Azad-Slug/X-Azad-Lang)")
            declared = str(header.get("Language", ""))
            for u in tf.live:
                units.append(
                    (u.ctx, u.english, u.text, u.state == "draft", _rev("\n".join(u.notes)))
                )
    except InputError:
        raise
    except Exception as exc:  # the toolkit's parsers raise many kinds on broken input
        raise InputError(path, f"not a readable {fmt.upper()} file: {exc}") from None
    if not is_valid_slug(slug):
        # The message names the file: the slug alone ("glossary: …") does not say which.
        raise InputError(path, f"names {slug!r}, which is not a valid article slug")
    # Two units for one segment would be applied one after the other: the second would
    # either overwrite the first or be recorded as a conflict with it. Neither is meant.
    seen: set[str] = set()
    for ctx, *_ in units:
        if ctx and ctx in seen:
            raise InputError(path, f"segment {ctx!r} appears twice (one unit per segment)")
        seen.add(ctx)
    return _Parsed(fmt, slug, lang_key, declared, units)


def peek_target(path: Path) -> tuple[str, str]:
    """The slug and language an exported file belongs to (checked as :func:`import_file`
    checks them)."""
    parsed = _parse(path)
    return parsed.slug, parsed.lang_key


def import_file(ws: Workspace, path: Path, *, by: str) -> ImportReport:
    """Apply the targets of an exported XLIFF or PO file to the queue."""
    parsed = _parse(path)
    fmt, slug, lang_key, units = parsed.fmt, parsed.slug, parsed.lang_key, parsed.units
    if lang_key not in ws.settings.languages:
        configured = ", ".join(ws.settings.languages)
        raise InputError(path, f"unknown language {lang_key!r} (configured: {configured})")
    code = ws.settings.languages[lang_key].code
    declared = parsed.declared_lang.replace("_", "-")
    if declared and declared.lower() != code.lower():
        # A file whose own language disagrees with the one it names was edited in (or
        # for) another language: applying it would put that language into this one.
        where = "target-language" if fmt == "xliff" else "the Language header"
        raise InputError(
            path,
            f"{where} is {parsed.declared_lang}, but the file is for {lang_key} ({code})",
        )
    try:
        current = {u.ctx: u for u in Queue(ws).read(slug, lang_key).live}
    except NotFound:
        raise InputError(
            path, f"an export of {slug} ({lang_key}), which this workspace does not have"
        ) from None
    edits, skipped = [], []
    untouched = 0
    for ctx, source, target, fuzzy, rev in units:
        if ctx not in current:
            skipped.append(f"{ctx}: no such segment")
        elif rev is None:
            skipped.append(f"{ctx}: no revision note (export with 'azad review export')")
        elif rev == unit_rev(source, target, fuzzy) or (
            not target and rev == unit_rev(source, target, False)
        ):
            # Exactly as exported: not edited in the CAT tool, so nothing to apply (and no
            # conflict with what was saved here since).
            untouched += 1
        else:
            edits.append(Edit(ctx, target, rev, reviewed=not fuzzy and bool(target)))
    if not edits and not untouched:
        detail = (
            f"{len(skipped)} units skipped ({skipped[0]}{', …' if len(skipped) > 1 else ''})"
            if skipped
            else "the file has no units"
        )
        raise InputError(path, f"nothing to import: {detail}")
    report = (
        apply_edits(ws, slug, lang_key, edits, by=by, via=f"import:{fmt}")
        if edits
        else SaveReport()
    )
    finished = report.written and report.reviewed == report.total > 0
    if finished and not all(u.reviewed for u in current.values()):  # not ready before
        events.ready(ws, slug, lang_key, by)
    return ImportReport(slug, lang_key, report, skipped, untouched)
