"""Text hygiene (issue 12, cases 1, 6, 7, 8): one gate every reader's output passes, XML
writers that cannot emit what XML forbids even from an older ``source.json``, and terminal
output that shows control characters instead of obeying them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from helpers import approve_translation

from azad.publish import edition_files, publish_one
from azad.queue.articles import ArticleStore
from azad.services.ingest import ingest_files
from azad.services.translate import translate_articles
from azad.text import clean_source, xml_safe
from azad.workspace import Workspace

BAD = "\x01\x08\x0b\x1b\ufffe\uffff\ud800\u202e\u2066"


def test_clean_source_removes_what_english_source_has_no_use_for() -> None:
    text, removed = clean_source(f"Ka{BAD}bul\tand\ncafe\u0301")
    assert text == "Kabul\tand\ncafé" and removed == len(BAD)


def test_xml_safe_keeps_bidi_isolates_of_translations() -> None:
    # Dari and Pashto output puts Latin runs in isolates: those stay in the XML.
    assert xml_safe("\u2068COVID-19\u2069\x08\ud800") == "\u2068COVID-19\u2069"


def test_ingest_warns_naming_the_file(cli, tmp_path: Path) -> None:
    source = tmp_path / "poisoned.md"
    source.write_text("---\ntitle: Kabul\u202e River\n---\n\nThe river\x02 runs.\n")
    result = cli("ingest", str(source))
    assert result.code == 0, result.err
    assert "warning: poisoned.md: removed 2 control or bidi-override" in result.err


def _old_source_json(ws: Workspace, slug: str) -> None:
    """Put control characters into ``source.json`` as a version without the gate wrote it."""
    path = ws.article_dir(slug) / "source.json"
    data = json.loads(path.read_text("utf-8"))
    data["meta"]["author"] = "Sample\x08 Writer\x1b[2J"
    data["meta"]["title"] = data["meta"]["title"] + "\x02"
    data["blocks"][0]["segments"][0]["text"] += "\x0c"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


@pytest.mark.slow
def test_xml_of_editions_and_feeds_is_well_formed_from_an_old_source(
    ws_with_models: Workspace,
) -> None:
    from helpers import EXAMPLES

    ws = ws_with_models
    (outcome,) = ingest_files(ws, [EXAMPLES / "salang-tunnel.md"])
    _old_source_json(ws, outcome.slug)
    translate_articles(ws, [outcome.slug], ["dari"])
    approve_translation(ws, outcome.slug, "dari")
    assert "\x08" in (ArticleStore(ws).load(outcome.slug).article.meta.author or "")
    published = publish_one(ws, outcome.slug, "dari")
    assert published.status == "published", published.error
    epub = edition_files(ws, outcome.slug, "dari").epub
    with zipfile.ZipFile(epub) as zf:
        xml_members = [n for n in zf.namelist() if n.endswith((".opf", ".xhtml", ".ncx"))]
        assert any(n.endswith("content.opf") for n in xml_members)
        for name in xml_members:
            ET.fromstring(zf.read(name))  # raises on a control character
    for feed in ("opds.xml", "feed.xml"):
        ET.fromstring((ws.output_dir / feed).read_bytes())


def test_terminal_output_shows_escapes_instead_of_obeying_them(cli, workspace: Workspace) -> None:
    from helpers import EXAMPLES

    assert cli("ingest", str(EXAMPLES / "salang-tunnel.md")).code == 0
    (slug,) = ArticleStore(workspace).slugs()
    path = workspace.article_dir(slug) / "source.json"
    data = json.loads(path.read_text("utf-8"))
    data["meta"]["title"] = "Evil\x1b[2J\x1b]0;owned\x07 [red]title[/red]\u202e"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    listing = cli("articles")
    assert listing.code == 0, listing.err
    assert "\x1b" not in listing.out and "\x07" not in listing.out
    assert "\u202e" not in listing.out
    assert "\\x1b[2J" in listing.out.replace("\n", "").replace(" ", "")
    # Rich markup in a title is text, not a colour.
    assert "[red]title[/red]" in listing.out.replace("\n", "")


def test_ingest_summary_shows_escapes(cli, tmp_path: Path) -> None:
    source = tmp_path / "t.html"
    source.write_text(
        "<html><head><title>[bold]Kabul[/bold] River</title></head>"
        "<body><p>The river runs.</p></body></html>"
    )
    result = cli("ingest", str(source))
    assert result.code == 0, result.err
    assert "title:    [bold]Kabul[/bold] River" in result.out


def test_a_dari_article_is_refused_unless_allowed(cli, workspace: Workspace) -> None:
    """Case 9: refused as not English; --allow-non-english takes a mixed article."""
    dari = Path(__file__).resolve().parent / "bad_inputs" / "ingest" / "dari-article.md"
    refused = cli("ingest", str(dari))
    assert refused.code == 2 and "not English" in refused.err
    assert ArticleStore(workspace).slugs() == []
    allowed = cli("ingest", "--allow-non-english", str(dari))
    assert allowed.code == 0, allowed.err
    assert len(ArticleStore(workspace).slugs()) == 1


def test_arabic_script_share() -> None:
    from azad.readers.language import arabic_script_share

    assert arabic_script_share("Kabul 2025") == 0.0
    assert arabic_script_share("کابل") == 1.0
    assert arabic_script_share("ab کابل") == 4 / 6
    assert arabic_script_share("۱۲۳ --") == 0.0  # digits and punctuation are no letters
