"""A long translation's content revision is the same SHA-256 whether it is hashed whole
or resumed from remembered states (azad.queue.units._chained_rev): after edits anywhere,
in both languages of one article, with units added and removed."""

from __future__ import annotations

import hashlib
import random

from azad.queue.units import Provenance, Unit, content_rev


def reference(article_sha: str, units: list[Unit]) -> str:
    """The revision as documented: the article's hash, then each unit's id, English,
    text and state."""
    h = hashlib.sha256(article_sha.encode())
    for u in units:
        h.update("\x1e".join((u.ctx, u.english, u.text, u.state)).encode() + b"\x1d")
    return h.hexdigest()[:20]


def unit(n: int, text: str) -> Unit:
    return Unit(
        ctx=f"s{n}", english=f"Sentence {n}.", text=text, state="reviewed", provenance=Provenance()
    )


def test_resumed_revisions_equal_whole_ones_through_edits() -> None:
    rng = random.Random(7)
    files = {
        lang: [unit(n, f"{lang} {n}") for n in range(3 * 512 + 700)] for lang in ("dari", "pashto")
    }
    sha = "a" * 64
    for step in range(120):
        lang = rng.choice(list(files))
        units = files[lang]
        kind = rng.random()
        i = rng.choice([0, 511, 512, len(units) - 1, rng.randrange(len(units))])
        if kind < 0.7:  # a save: one unit replaced by a new object
            units[i] = unit(int(units[i].ctx[1:]), f"{lang} edit {step}")
        elif kind < 0.8:  # equal content, another object
            units[i] = unit(int(units[i].ctx[1:]), units[i].text)
        elif kind < 0.9:
            units.insert(i, unit(10_000 + step, "inserted"))
        elif len(units) > 2100:
            del units[i]
        if step == 60:
            sha = "b" * 64  # the English changed
        got = content_rev(sha, units)
        assert got == reference(sha, units), (step, lang, i)
        assert content_rev(sha, list(units)) == got  # asked again: the same


def test_a_units_remembered_position_is_only_a_hint() -> None:
    """A parsed file remembers where each unit stood (azad.queue.parsed); a caller that
    then inserts or moves units still finds and replaces the right one."""
    from pathlib import Path

    from azad.queue.parsed import ParsedFiles
    from azad.queue.pofile import render_po
    from azad.queue.units import TranslationFile

    tf = TranslationFile("", {}, [unit(n, f"t{n}") for n in range(50)])
    data = render_po(tf)
    files = ParsedFiles()
    files.put(data, tf, Path("/nonexistent/dari.po"), Path("/nonexistent/cache"))
    read = files.get(data, Path("/nonexistent/dari.po"), Path("/nonexistent/cache"))
    assert read.positions["s10"] == 10 and read.unit("s10").text == "t10"  # type: ignore[union-attr]
    read.units.insert(0, unit(999, "new"))  # every unit one further than remembered
    read.units.reverse()
    assert read.unit("s10").text == "t10"  # type: ignore[union-attr]
    read.replace_unit(unit(10, "changed"))
    assert [u.text for u in read.units if u.ctx == "s10"] == ["changed"]
    assert read.unit("s999").text == "new"  # type: ignore[union-attr]
    assert read.unit("s12345") is None
