"""Issue 14, scale: the caches that let a 20,000-segment translation open and save at
the cost of a short one stay exact. The parsed-PO cache returns what a parse would, the
entry-by-entry rendering writes what polib writes, and a cached article is the stored
one. (The figures themselves are in bench/review.py, never in tests.)"""

from __future__ import annotations

from dataclasses import replace

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_po_property import _STRUCTURED, file_of, lang_codes, provenances, segment_ids, text

from azad.queue.pofile import _comment_lines, _entry, parse_po, render_po, round_trips
from azad.queue.store import Queue
from azad.queue.units import Unit, state_of
from azad.workspace import Workspace

# Slow (long articles and many files): not in `make check`.
pytestmark = pytest.mark.slow

# Comment lines with everything polib changes: white space at the ends, empty lines, CRs,
# the structured prefixes; titles starting with "," or ":".
flags = st.sampled_from(["c-format", "x y", ""])
rough_line = st.one_of(text, st.sampled_from(["", " x", "x ", "a\rb", "provenance: {}", ","]))


@st.composite
def rough_units(draw: st.DrawFn) -> list[Unit]:
    out = []
    for ctx in draw(st.lists(segment_ids(), min_size=1, max_size=5, unique=True)):
        translation = draw(text)
        draft = draw(st.booleans())
        if draw(st.booleans()):  # half the units: nothing polib would change
            obsolete = draw(st.booleans())
            plain = Unit(ctx, draw(text.filter(bool)), translation, state_of(translation, draft))
            if not obsolete:
                plain = replace(plain, provenance=draw(provenances), previous_english=draw(text))
            out.append(replace(plain, obsolete=obsolete))
            continue
        out.append(
            Unit(
                ctx=ctx,
                english=draw(text.filter(bool)),
                text=translation,
                # Now and then a state the text contradicts (a draft with no text).
                state=draw(st.sampled_from([state_of(translation, draft), "draft"])),
                provenance=draw(provenances),
                previous_english=draw(text),
                qa=tuple(draw(st.lists(rough_line, max_size=2))),
                notes=tuple(draw(st.lists(rough_line, max_size=2))),
                translator_comment="\n".join(draw(st.lists(rough_line, max_size=3))),
                extra_flags=tuple(
                    draw(st.lists(st.sampled_from(["c-format", "x y", ""]), max_size=2))
                ),
                obsolete=draw(st.booleans()),
            )
        )
    return out


def polib_render(tf) -> bytes:  # type: ignore[no-untyped-def]
    """What render_po wrote before it remembered entries: polib's own POFile text."""
    catalog = polib.POFile(wrapwidth=0)
    catalog.header = "\n".join(
        " " + line if line[:1] in (",", ":") else line
        for line in _comment_lines(tf.header).split("\n")
    )
    catalog.metadata = dict(tf.metadata)
    for unit in tf.units:
        catalog.append(_entry(unit))
    return (str(catalog) + "\n").encode("utf-8")


@given(lang_codes, st.one_of(text, st.sampled_from([",t", ":t", " t"])), rough_units())
@settings(max_examples=300, deadline=None)
def test_what_a_writer_remembers_is_what_parsing_its_bytes_gives(
    lang_code: str, title: str, entries: list[Unit]
) -> None:
    tf = file_of(lang_code, title.replace("\n", " "), entries)
    data = render_po(tf)
    assert data == polib_render(tf)  # entry by entry, byte for byte polib's file
    if round_trips(tf):
        back = parse_po(data, "x.po")
        assert (back.header, back.metadata, back.units) == (tf.header, tf.metadata, tf.units)


def test_round_trips_refuses_what_polib_changes() -> None:
    base = file_of("fa-AF", "Title", [Unit("b1.s1", "One.", "یک.", "reviewed")])
    assert round_trips(base)
    for bad in [
        Unit("b1.s1", "One.", "", "draft"),  # a draft without text reads back untranslated
        Unit("b1.s1", "One.", "یک.", "reviewed", notes=("trailing ",)),
        Unit("b1.s1", "One.", "یک.", "reviewed", notes=("qa: looks like a flag line",)),
        Unit("b1.s1", "One.", "یک.", "reviewed", translator_comment="a\rb"),
        Unit("b1.s1", "One.", "یک.", "reviewed", obsolete=True, qa=("lost",)),
    ]:
        assert not round_trips(file_of("fa-AF", "Title", [bad])), bad
    assert not round_trips(file_of("fa-AF", ", title", []))
    assert _STRUCTURED  # the prefixes the property test leaves out of notes


def test_the_parse_cache_hands_out_copies(workspace: Workspace) -> None:
    from test_review_support import make_queue

    (slug, _) = make_queue(workspace)
    queue = Queue(workspace)
    first = queue.read(slug, "dari")
    first.units.clear()
    first.metadata["X-Changed"] = "yes"
    again = queue.read(slug, "dari")
    assert again.units and "X-Changed" not in again.metadata
    # A file changed behind the cache's back (a CAT tool) is read as it is now.
    path = queue.po_path(slug, "dari")
    data = path.read_bytes().replace(again.units[1].text.encode(), "ویرایش بیرونی".encode(), 1)
    path.write_bytes(data)
    assert queue.read(slug, "dari").units[1].text == "ویرایش بیرونی"
