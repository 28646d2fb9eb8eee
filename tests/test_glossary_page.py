"""The glossary page of a language (issue 25): list, search, add, edit, delete (editors),
every change in the glossary's history, QA checks that use a change at once, and TSV and
TBX files that go out and come back in with every term."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient
from test_review_support import SALANG, copy_workspace, queue_template
from test_review_support import as_user as support_as_user

from azad.glossary import Glossary, GlossaryEntry, load_glossary, save_glossary
from azad.review.edits import read_segments
from azad.review.glossary_edits import history
from azad.workspace import Workspace

TERMS = (
    GlossaryEntry("Kabul", "کابل", "کابل", note="capital"),
    GlossaryEntry("Asian Development Bank", "بانک انکشاف آسیایی", "د آسیا پراختیايي بانک"),
    GlossaryEntry("ADB", keep_latin=True, note="acronym stays in Latin"),
    GlossaryEntry("provincial council", "شورای ولایتی", ""),  # no Pashto form yet
    GlossaryEntry("Ghazni", "", "غزني"),  # no Dari form yet
    GlossaryEntry("AT&T <US>", "ای‌تی‌اند‌تی", "اې ټي اند ټي", note='quotes "and" <tags>'),
    GlossaryEntry("Helmand", "هلمند", "هلمند", note="ښځې ګډه ټولنې"),  # Pashto letters in a note
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return queue_template(tmp_path_factory.mktemp("glossary-page") / "ws")


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(template, tmp_path / "ws")


def as_user(ws: Workspace, name: str) -> tuple[TestClient, str]:
    return support_as_user(ws, name, follow_redirects=False)


def flash(r: Any) -> tuple[str, bool]:
    """The banner a write comes back with, and whether it is an error."""
    assert r.status_code == 303, r.text[:300]
    query = parse_qs(urlsplit(r.headers["location"]).query)
    return query["msg"][0], query.get("kind") == ["error"]


def upload(client: TestClient, csrf: str, lang: str, name: str, data: bytes) -> Any:
    return client.post(
        f"/glossary/{lang}/import", data={"csrf": csrf}, files={"file": (name, data)}
    )


def test_tsv_and_tbx_round_trips_keep_every_term(ws: Workspace, tmp_path: Path) -> None:
    save_glossary(Glossary(TERMS), ws.glossary_path)
    ed, _ = as_user(ws, "eddie")
    tsv = ed.get("/glossary/dari/export.tsv")
    assert tsv.status_code == 200 and tsv.headers["content-type"].startswith("text/tab-sep")
    tbx = {lang: ed.get(f"/glossary/{lang}/export.tbx") for lang in ("dari", "pashto")}
    assert b'xml:lang="fa-AF"' in tbx["dari"].content
    assert b'xml:lang="ps-AF"' in tbx["pashto"].content

    # TSV into a workspace without a glossary: the same entries, in the same order.
    fresh = copy_workspace(ws.root, tmp_path / "fresh")
    fresh.glossary_path.unlink()
    client, fresh_csrf = as_user(fresh, "eddie")
    message, error = flash(upload(client, fresh_csrf, "dari", "glossary.tsv", tsv.content))
    assert (
        not error
        and message == f"Imported glossary.tsv: {len(TERMS)} added, 0 changed, 0 unchanged."
    )
    assert load_glossary(fresh.glossary_path).entries == TERMS

    # TBX, one file per language, into another: every term, every form, note, Latin.
    other = copy_workspace(ws.root, tmp_path / "other")
    other.glossary_path.unlink()
    client, other_csrf = as_user(other, "eddie")
    for lang, name in (("dari", "g-fa.tbx"), ("pashto", "g-ps.tbx")):
        message, error = flash(upload(client, other_csrf, lang, name, tbx[lang].content))
        assert not error, message
    assert load_glossary(other.glossary_path).entries == TERMS
    # Again: nothing changes, and the history says so by having no new rows.
    rows = len(history(other))
    message, _ = flash(upload(client, other_csrf, "dari", "g-fa.tbx", tbx["dari"].content))
    assert message.endswith(f"0 added, 0 changed, {len(TERMS)} unchanged.")
    assert len(history(other)) == rows
    # Bad files: one line naming the file, nothing written.
    before = other.glossary_path.read_bytes()
    for name, data, says in (
        ("broken.tbx", b"<martif><text><body><termEntry>", "broken.tbx: not a TBX file"),
        ("bad.tsv", b"english\tdari\nKabul\tx\n", "bad.tsv: line 1: the header lacks"),
        ("terms.csv", b"a,b", "terms.csv: not a .tsv or .tbx file"),
        ("latin1.tsv", "english\tdari\tpashto\nCafé\té\t\n".encode("latin-1"), "not valid UTF-8"),
    ):
        message, error = flash(upload(client, other_csrf, "dari", name, data))
        assert error and says in message, message
    assert other.glossary_path.read_bytes() == before


def test_editors_add_edit_and_delete_terms_and_the_history_keeps_each(ws: Workspace) -> None:
    ed, csrf = as_user(ws, "eddie")
    seg = read_segments(ws, SALANG, "dari")[1]
    term = re.findall(r"[A-Z][a-z]{3,}", seg.english)[0]
    api = f"/api/t/{SALANG}/dari/segments/{seg.ctx}"
    assert not any(term in w for w in ed.get(api).json()["warnings"])

    r = ed.post(
        "/glossary/dari/save",
        data={"csrf": csrf, "english": term, "form": "واژه", "note": "a place"},
    )
    assert flash(r) == (f"Added {term}.", False)
    # The checks use it at once: the draft lacks the form.
    assert any(f"glossary: {term} → واژه" in w for w in ed.get(api).json()["warnings"])
    page = ed.get("/glossary/dari").text
    assert f"<td>{term}</td>" in page and "واژه" in page

    # Edit: rename and change the form; the Pashto cell stays as it was.
    ed.post("/glossary/pashto/save", data={"csrf": csrf, "english": term, "form": "وییکه",
                                          "original": term})  # fmt: skip
    r = ed.post(
        "/glossary/dari/save",
        data={"csrf": csrf, "english": term + " Pass", "form": "کتل", "original": term},
    )
    assert flash(r) == (f"Saved {term} Pass.", False)
    glossary = load_glossary(ws.glossary_path)
    assert glossary.get(term) is None
    entry = glossary.get(term + " Pass")
    assert entry is not None and (entry.dari, entry.pashto, entry.note) == ("کتل", "وییکه", "")
    # Refused: renaming onto another term, an edit of a term someone removed, bad cells.
    ed.post("/glossary/dari/save", data={"csrf": csrf, "english": "Bamyan", "form": "بامیان"})
    for data, says in (
        ({"english": "Bamyan", "original": term + " Pass"}, "Bamyan: is already in the glossary"),
        ({"english": "Bamyan", "form": "دیگر"}, "Bamyan: is already in the glossary"),
        ({"english": "Gone", "original": "Gone"}, "Gone: no such term"),
        ({"english": "#x"}, "a term cannot start with #"),
        ({"english": "Tab", "form": "ب\tپ"}, "form: holds a tab"),
    ):
        message, error = flash(ed.post("/glossary/dari/save", data={"csrf": csrf, **data}))
        assert error and says in message, message
    bamyan = load_glossary(ws.glossary_path).get("Bamyan")
    assert bamyan is not None and bamyan.dari == "بامیان"  # the refused add changed nothing
    r = ed.post("/glossary/dari/delete", data={"csrf": csrf, "english": "Bamyan"})
    assert flash(r) == ("Deleted Bamyan.", False)
    assert load_glossary(ws.glossary_path).get("Bamyan") is None

    rows = history(ws)  # newest first
    assert [(h.action, h.english, h.by) for h in rows[:5]] == [
        ("delete", "Bamyan", "eddie"),
        ("add", "Bamyan", "eddie"),
        ("edit", term + " Pass", "eddie"),
        ("edit", term, "eddie"),
        ("add", term, "eddie"),
    ]
    assert rows[0].before is not None and rows[0].after is None
    rename = rows[2]
    assert rename.before is not None and rename.before.english == term
    assert rename.after is not None and rename.after.dari == "کتل"
    page = ed.get("/glossary/dari").text
    assert "Recent changes" in page and "delete" in page

    # The editor page's "add a term" lands in the same history.
    r = ed.post(
        f"/t/{SALANG}/dari/glossary/add", data={"csrf": csrf, "english": "Salang", "form": "سالنگ"}
    )
    assert r.status_code == 303
    assert (history(ws)[0].action, history(ws)[0].english) == ("add", "Salang")


def test_translators_read_and_search_their_languages_glossary_only(ws: Workspace) -> None:
    save_glossary(Glossary(TERMS), ws.glossary_path)
    tr, csrf = as_user(ws, "dara")
    page = tr.get("/glossary/dari?q=bank").text
    assert "Asian Development Bank" in page and "Kabul" not in page
    assert "1 of 7 terms" in page
    assert tr.get("/glossary/dari?q=شورای").text.count("provincial council") == 1
    assert "/glossary/dari/save" not in tr.get("/glossary/dari").text  # no editor forms
    assert tr.get("/glossary/pashto").status_code == 403
    before = ws.glossary_path.read_bytes()
    r = tr.post("/glossary/dari/save", data={"csrf": csrf, "english": "X", "form": "ی"})
    assert r.status_code == 403
    r = tr.post("/glossary/dari/delete", data={"csrf": csrf, "english": "Kabul"})
    assert r.status_code == 403
    assert ws.glossary_path.read_bytes() == before
    assert tr.get("/glossary/dari/export.tbx").status_code == 200
    assert tr.get("/glossary/dari/export.csv").status_code == 404
