"""The review queue keeps human work: the regressions of issue 11, cases 1–7, and the rules
behind them (approvals of exact content, runs that write nothing, matching by content)."""

from __future__ import annotations

import multiprocessing
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, approve, copy_file, load_po, po_path, save_po, save_segment, snapshot
from test_review_support import SALANG, add_users, make_queue, review_everything
from test_web import as_user

from azad.queue.articles import ArticleStore
from azad.queue.status import StaleApproval, translation_status
from azad.queue.store import Queue
from azad.review.edits import Edit, apply_edits, read_segments
from azad.review.index import queue_rows
from azad.services.ingest import ingest_files
from azad.services.translate import Job, update_translations
from azad.workspace import Workspace


class Echo:
    """A test double of the engine: "translates" by prefixing, records what it was sent."""

    description = "echo (test double)"
    is_test_model = True

    def __init__(self) -> None:
        self.sent: list[str] = []

    def translate(self, sentences: list[str]) -> list[str]:
        self.sent += sentences
        return [f"MT {s}" for s in sentences]


def md(title: str, *paragraphs: str) -> bytes:
    return ("---\ntitle: " + title + "\n---\n\n" + "\n\n".join(paragraphs) + "\n").encode()


def ingest_text(ws: Workspace, name: str, data: bytes) -> str:
    path = ws.articles_dir / name
    path.write_bytes(data)
    (outcome,) = ingest_files(ws, [path])
    return outcome.slug


def translate(ws: Workspace, slug: str, backend: Echo | None = None, lang: str = "dari") -> Echo:
    backend = backend or Echo()
    article = ArticleStore(ws).load(slug).article
    code = ws.settings.languages[lang].code
    update_translations(ws, [Job(slug, article, lang, code)], backend, None)
    return backend


def review_all(ws: Workspace, slug: str, lang: str = "dari", prefix: str = "HUMAN ") -> None:
    """A translator confirms every unit with their own text, through the save path."""
    edits = [Edit(u.ctx, prefix + u.english, u.rev) for u in read_segments(ws, slug, lang)]
    apply_edits(ws, slug, lang, edits, by="dara", via="web")


def texts(ws: Workspace, slug: str, lang: str = "dari") -> dict[str, tuple[str, str, str]]:
    """English → (translation, state, previous English) of the live units."""
    return {u.english: (u.text, u.state, u.previous_english) for u in read_segments(ws, slug, lang)}


P1 = "The dam was finished in spring. It holds the river back."
P2 = "Farmers downstream are worried about the water. They met the governor on Monday."
P3 = "The governor promised a commission. Its report is due in June."


# --- case 1: a run for a new article leaves published work alone ---------------------------


def test_translating_other_articles_leaves_a_published_translation_byte_identical(
    workspace: Workspace,
) -> None:
    slug = ingest_text(workspace, "dam.md", md("The Dam", P1, P2))
    translate(workspace, slug)
    review_all(workspace, slug)  # the web app writes PO-Revision-Date and Last-Translator
    approve(workspace, slug, "dari", "eddie")
    queue_rows(workspace)  # the translation memory now holds it
    before = snapshot(workspace.article_dir(slug))
    other = ingest_text(workspace, "other.md", md("Another Story", P3))
    # What a run does: every article × language brought up to date.
    for s in (slug, other):
        translate(workspace, s)
    assert snapshot(workspace.article_dir(slug)) == before
    assert translation_status(workspace, slug, "dari").status == "approved"
    headers = load_po(po_path(workspace.article_dir(slug), "dari")).metadata
    assert headers["Last-Translator"] == "dara" and "PO-Revision-Date" in headers
    (row,) = queue_rows(workspace, slug=slug, lang="dari")
    assert row.status == "approved"
    from azad.db.connection import connect

    with connect(workspace) as conn:
        n = conn.execute("SELECT count(*) FROM tm WHERE slug = ?", (slug,)).fetchone()[0]
    assert n == len(read_segments(workspace, slug, "dari"))


def test_a_run_keeps_headers_and_comments_another_writer_put_there(workspace: Workspace) -> None:
    slug = ingest_text(workspace, "dam.md", md("The Dam", P1, P2))
    translate(workspace, slug)
    path = po_path(workspace.article_dir(slug), "dari")
    catalog = load_po(path)  # a CAT tool adds a header and a translator's comment
    catalog.metadata["X-Generator"] = "Poedit 3.4"
    catalog[0].tcomment = "check the name with the desk"
    save_po(path, catalog)
    article_path = workspace.articles_dir / "dam.md"
    article_path.write_bytes(md("The Dam", P1, P2.replace("Monday", "Tuesday")))
    ingest_files(workspace, [article_path])
    translate(workspace, slug)
    after = load_po(path)
    assert after.metadata["X-Generator"] == "Poedit 3.4"
    assert after[0].tcomment == "check the name with the desk"


# --- case 2: a changed English voids the approval; publish refuses --------------------------


def test_an_english_change_voids_the_approval_and_publish_refuses(
    cli, ws_with_models, prefect_api: None
) -> None:
    ws = ws_with_models
    src = ws.articles_dir / "dam.md"
    src.write_bytes(md("The Dam", P1, P2))
    assert cli("ingest", str(src)).code == 0
    assert cli("translate", "the-dam", "--lang", "dari").code == 0
    review_all(ws, "the-dam")
    approve(ws, "the-dam", "dari", "eddie")
    assert cli("publish", "the-dam", "--lang", "dari").code == 0
    pdf = ws.output_dir / "dari" / "the-dam.pdf"
    published = pdf.read_bytes()
    catalog_page = (ws.output_dir / "index.html").read_text()
    assert "the-dam.pdf" in catalog_page

    src.write_bytes(md("The Dam", "A new first paragraph. It moves the others down.", P1, P2))
    assert cli("ingest", str(src)).code == 0  # without translating
    st = translation_status(ws, "the-dam", "dari")
    assert st.status == "changed since approval" and not st.in_sync
    result = cli("publish", "the-dam", "--lang", "dari")
    assert result.code != 0 and "changed since it was approved" in result.out + result.err
    assert pdf.read_bytes() == published  # the edition published before stays
    assert "the-dam.pdf" in (ws.output_dir / "index.html").read_text()
    # A draft never prints a translation under a sentence it was not written for.
    snap = Queue(ws).snapshot("the-dam", "dari")
    shown = snap.file.texts(snap.article.units(), include_drafts=True)
    for ctx, english in snap.article.units():
        if ctx in shown:
            assert shown[ctx] == "HUMAN " + english


def test_a_translation_change_after_approval_is_visible_and_refused(ws) -> None:
    review_everything(ws, SALANG, "dari")
    approve(ws, SALANG, "dari", "eddie")
    seg = read_segments(ws, SALANG, "dari")[2]
    save_segment(ws, SALANG, "dari", seg.ctx, seg.text + " تغییر", seg.rev, by="dara")
    assert translation_status(ws, SALANG, "dari").status == "changed since approval"
    from azad.publish import publish_one

    with pytest.raises(Exception, match="changed since it was approved"):
        publish_one(ws, SALANG, "dari")


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    make_queue(workspace)
    add_users(workspace)
    return workspace


# --- case 3: an approval covers exactly what the editor saw -------------------------------


def test_approve_after_a_translators_save_is_refused_with_what_changed(ws: Workspace) -> None:
    review_everything(ws, SALANG, "dari")
    ed, ed_csrf = as_user(ws, "eddie")
    page = ed.get(f"/t/{SALANG}/dari").text
    (rev,) = re.findall(r'name="rev" value="([^"]*)"', page)
    seg = read_segments(ws, SALANG, "dari")[1]
    save_segment(ws, SALANG, "dari", seg.ctx, "متن تازهٔ مترجم", seg.rev, by="dara")
    r = ed.post(f"/t/{SALANG}/dari/approve", data={"csrf": ed_csrf, "rev": rev, "comment": ""})
    assert r.status_code == 409
    assert "متن تازهٔ مترجم" in r.text and seg.text in r.text and "dara" in r.text
    assert translation_status(ws, SALANG, "dari").record.approved is None
    # Looked at again, it can be approved.
    (rev2,) = re.findall(r'name="rev" value="([^"]*)"', ed.get(f"/t/{SALANG}/dari").text)
    r = ed.post(f"/t/{SALANG}/dari/approve", data={"csrf": ed_csrf, "rev": rev2})
    assert r.status_code == 200 and translation_status(ws, SALANG, "dari").status == "approved"


def test_approve_without_the_revision_is_refused(ws: Workspace) -> None:
    review_everything(ws, SALANG, "dari")
    with pytest.raises(StaleApproval):
        from azad.db.users import User
        from azad.review.actions import approve as approve_

        approve_(ws, SALANG, "dari", User("eddie", "editor"), "")


def test_an_editors_own_save_on_the_page_moves_the_approval_with_it(ws: Workspace) -> None:
    review_everything(ws, SALANG, "dari")
    ed, ed_csrf = as_user(ws, "eddie")
    page = ed.get(f"/t/{SALANG}/dari").text
    (rev,) = re.findall(r'name="rev" value="([^"]*)"', page)
    seg = read_segments(ws, SALANG, "dari")[0]
    r = ed.post(
        f"/api/t/{SALANG}/dari/segments/{seg.ctx}",
        json={"text": "عنوان", "rev": seg.rev, "reviewed": True},
        headers={"X-CSRF-Token": ed_csrf},
    )
    body = r.json()
    assert body["content_rev_before"] == rev and body["content_rev"] != rev
    assert body["status"] == "reviewed"
    r = ed.post(f"/t/{SALANG}/dari/approve", data={"csrf": ed_csrf, "rev": body["content_rev"]})
    assert r.status_code == 200


# --- case 4: re-translation matches by content first -------------------------------------


def test_deleting_a_paragraph_and_editing_the_next_keeps_each_translation_with_its_sentence(
    workspace: Workspace,
) -> None:
    slug = ingest_text(workspace, "dam.md", md("The Dam", P1, P2, P3))
    translate(workspace, slug)
    review_all(workspace, slug)
    edited = P2.replace("on Monday", "on Monday morning")
    ingest_text(workspace, "dam.md", md("The Dam", edited, P3))
    echo = translate(workspace, slug)
    now = texts(workspace, slug)
    old, new = "They met the governor on Monday.", "They met the governor on Monday morning."
    assert echo.sent == [new]
    # Its own previous translation, as a draft, with its own previous English.
    assert now[new] == ("HUMAN " + old, "draft", old)
    # The untouched sentences keep their reviewed translations wherever they moved.
    assert now["Farmers downstream are worried about the water."][1] == "reviewed"
    assert all(now[s][1] == "reviewed" for s in P3.split(". ") if s.endswith("."))
    # The deleted paragraph's translations are kept, obsolete.
    obsolete = {u.english for u in Queue(workspace).read(slug, "dari").obsolete}
    assert obsolete == {"The dam was finished in spring.", "It holds the river back."}


@pytest.mark.parametrize(
    ("before", "after", "expect"),
    [
        # inserted paragraph: nothing moves, only the new sentences are drafted
        ((P1, P3), (P1, P2, P3), {"new": 2}),
        # deleted paragraph
        ((P1, P2, P3), (P1, P3), {"new": 0}),
        # reordered paragraphs
        ((P1, P2, P3), (P3, P1, P2), {"new": 0}),
        # reordered sentences within a paragraph
        (
            (P2,),
            ("They met the governor on Monday. Farmers downstream are worried about the water.",),
            {"new": 0},
        ),
        # a word changed
        (
            (P1,),
            ("The dam was finished in the spring. It holds the river back.",),
            {"changed": 1},
        ),
        # a clause added to a short sentence: not confidently the same sentence, so a
        # fresh draft, with the person's translation as a suggestion
        (
            (P1,),
            ("The dam was finished in spring, after years of work. It holds the river back.",),
            {"suggested": 1},
        ),
        # two sentences merged into one: likewise
        (
            (P2,),
            ("Farmers downstream are worried about the water and met the governor on Monday.",),
            {"suggested": 1},
        ),
        # two paragraphs merged
        ((P1, P2), (P1 + " " + P2,), {"new": 0}),
    ],
    ids=[
        "insert",
        "delete",
        "reorder",
        "reorder-sentences",
        "edit",
        "clause-added",
        "merge",
        "merge-paras",
    ],
)
def test_no_reviewed_translation_is_attached_to_another_sentence_unless_it_is_a_draft(
    workspace: Workspace, before: tuple[str, ...], after: tuple[str, ...], expect: dict[str, int]
) -> None:
    slug = ingest_text(workspace, "a.md", md("Water Talks", *before))
    translate(workspace, slug)
    review_all(workspace, slug)
    written_for = {u.text: u.english for u in read_segments(workspace, slug, "dari")}
    ingest_text(workspace, "a.md", md("Water Talks", *after))
    echo = translate(workspace, slug)
    units = read_segments(workspace, slug, "dari")
    assert [(u.ctx, u.english) for u in units] == ArticleStore(workspace).load(slug).article.units()
    for u in units:
        if u.text in written_for and written_for[u.text] != u.english:
            assert u.state == "draft" and u.previous_english == written_for[u.text], u
        elif u.text.startswith("HUMAN"):
            assert u.state == "reviewed"
    if "new" in expect:
        assert len(echo.sent) == expect["new"]
    if "changed" in expect:
        previous = [u for u in units if u.previous_english]
        assert len(previous) == expect["changed"]
        # The edited sentence keeps the translation a person wrote, as a draft to adapt.
        assert previous[0].text.startswith("HUMAN ") and previous[0].state == "draft"
    if "suggested" in expect:
        assert not any(u.previous_english for u in units)
        offered = [u for u in units if u.provenance.suggestion]
        assert len(offered) == expect["suggested"]
        assert offered[0].is_machine_draft and offered[0].provenance.suggestion.startswith("HUMAN")


def test_a_sentence_that_comes_back_gets_its_old_translation(workspace: Workspace) -> None:
    slug = ingest_text(workspace, "a.md", md("Water Talks", P1, P2))
    translate(workspace, slug)
    review_all(workspace, slug)
    ingest_text(workspace, "a.md", md("Water Talks", P2))
    translate(workspace, slug)
    ingest_text(workspace, "a.md", md("Water Talks", P1, P2))
    echo = translate(workspace, slug)
    assert echo.sent == []
    assert all(state == "reviewed" for _, state, _ in texts(workspace, slug).values())


def test_a_run_with_nothing_to_do_writes_nothing(workspace: Workspace) -> None:
    slug = ingest_text(workspace, "a.md", md("Water Talks", P1, P2))
    translate(workspace, slug)
    review_all(workspace, slug)
    folder = workspace.article_dir(slug)
    before = snapshot(folder), {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    echo = translate(workspace, slug)
    assert echo.sent == []
    assert (snapshot(folder), {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}) == before


# --- case 5: what is published is what the queue reads --------------------------------------


def test_a_line_separator_in_a_translation_reaches_the_edition_intact(ws: Workspace) -> None:
    from azad.publish import edition_of

    seg = read_segments(ws, SALANG, "dari")[1]
    text = "سطر نخست\u2028سطر دوم"
    save_segment(ws, SALANG, "dari", seg.ctx, text, seg.rev, by="dara")
    snap = Queue(ws).snapshot(SALANG, "dari")
    edition, _ = edition_of(ws, snap, draft=True, include_drafts=True)
    printed = "".join(t.text for b in edition.blocks for t in b.texts)
    assert "سطر نخست\u2028سطر دوم" in printed.replace("\u2068", "").replace("\u2069", "")


# --- case 6: slugs are allocated atomically ----------------------------------------------


def _ingest_at_once(root: str, name: str, barrier: Any, out: Any) -> None:
    import time

    # A slow disk: a quarter of a second between choosing a slug and storing the article,
    # so that two processes are surely in that window together.
    save = ArticleStore.save

    def slow_save(self: ArticleStore, slug: str, article: Any) -> Any:
        time.sleep(0.25)
        return save(self, slug, article)

    ArticleStore.save = slow_save  # type: ignore[method-assign]
    ws = Workspace(Path(root))
    barrier.wait()
    (outcome,) = ingest_files(ws, [ws.articles_dir / name])
    out.put(outcome.slug)


def test_two_processes_ingesting_same_titled_files_get_two_slugs(workspace: Workspace) -> None:
    context = multiprocessing.get_context("fork")
    for n in range(4):
        names = [f"round{n}-a.md", f"round{n}-b.md"]
        for i, name in enumerate(names):
            (workspace.articles_dir / name).write_bytes(
                md(f"Same Title {n}", f"Body number {i} of round {n}.")
            )
        barrier, out = context.Barrier(2), context.Queue()
        procs = [
            context.Process(target=_ingest_at_once, args=(str(workspace.root), name, barrier, out))
            for name in names
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        slugs = [out.get(timeout=5) for _ in procs]
        assert sorted(slugs) == [f"same-title-{n}", f"same-title-{n}-2"]
        files = {ArticleStore(workspace).load(s).article.meta.source_file for s in slugs}
        assert files == set(names)


# --- schema versions ------------------------------------------------------------------------


def test_a_database_of_the_first_schema_is_migrated_keeping_its_data(tmp_path: Path) -> None:
    from azad.db.connection import SCHEMA_V1, SCHEMA_VERSION, migrate

    path = tmp_path / "review.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_V1)  # today's databases: no user_version
    conn.execute(
        "INSERT INTO users (name, role, langs, pw_hash, created) VALUES ('dara', 'translator',"
        " 'dari', 'h', 'now')"
    )
    conn.execute(
        "INSERT INTO changes (slug, lang, ctx, at, by, action, old, new, old_fuzzy, new_fuzzy,"
        " base_rev, via) VALUES ('a', 'dari', 'b1.s1', 'now', 'dara', 'save', '', 'x', 1, 0,"
        " 'r', 'web')"
    )
    conn.execute("INSERT INTO status_cache VALUES ('a', 'dari', 'k', 1, 0, 'sha', 0.0, '{}')")
    conn.commit()
    assert migrate(conn) == 0
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT name FROM users").fetchall() == [("dara",)]
    assert conn.execute("SELECT new FROM changes").fetchall() == [("x",)]
    columns = [r[1] for r in conn.execute("PRAGMA table_info(status_cache)")]
    assert "rev" in columns and "in_sync" in columns and "min_score" in columns
    assert conn.execute("SELECT count(*) FROM article_text").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM status_cache").fetchone()[0] == 0  # a cache
    assert conn.execute("SELECT count(*) FROM shown_content").fetchone()[0] == 0
    # version 3: talking, dismissals; version 5: QA results
    for table in ("segment_comments", "qa_dismissals", "qa_results"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    # issue 25: people's e-mail and display names, glossary history, notifications
    assert conn.execute("SELECT email FROM users").fetchall() == [("",)]
    for table in ("display_names", "glossary_history", "notifications", "outbox"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    assert migrate(conn) == SCHEMA_VERSION  # nothing left to do
    conn.close()


def test_what_editors_were_shown_survives_the_table_rename(tmp_path: Path) -> None:
    """Version 6 renames ``snapshots`` (what editors' pages showed) to ``shown_content``:
    the rows a version-5 database holds are kept."""
    from azad.db.connection import MIGRATIONS, SCHEMA_VERSION, migrate

    conn = sqlite3.connect(tmp_path / "review.sqlite3")
    for script in MIGRATIONS[:5]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 5")
    conn.execute("INSERT INTO snapshots VALUES ('a', 'dari', 'r1', '[]', 'now')")
    conn.commit()
    assert migrate(conn) == 5
    assert conn.execute("SELECT slug, rev FROM shown_content").fetchall() == [("a", "r1")]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_a_database_newer_than_the_code_is_refused(workspace: Workspace) -> None:
    from azad.db.connection import connect, db_path
    from azad.errors import AzadError

    path = db_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(AzadError, match="newer"), connect(workspace):
        pass


def test_an_old_approval_of_the_same_file_still_holds(ws: Workspace) -> None:
    """Records written before content revisions name the PO file's hash."""
    import hashlib
    import json

    review_everything(ws, SALANG, "dari")
    path = po_path(ws.article_dir(SALANG), "dari")
    record = ws.article_dir(SALANG) / "dari.review.json"
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    record.write_text(
        json.dumps({"approved": {"by": "eddie", "at": "2026-01-01T00:00:00Z", "po_sha256": sha}})
    )
    assert translation_status(ws, SALANG, "dari").status == "approved"
    copy_file(EXAMPLES / "salang-tunnel.md", ws.root / "elsewhere")  # unrelated
    seg = read_segments(ws, SALANG, "dari")[0]
    save_segment(ws, SALANG, "dari", seg.ctx, seg.text + "!", seg.rev, by="dara")
    assert translation_status(ws, SALANG, "dari").status == "changed since approval"


def test_a_change_of_the_articles_metadata_voids_the_approval(workspace: Workspace) -> None:
    """The edition prints the author and date too: an approval covers them."""
    slug = ingest_text(workspace, "dam.md", md("The Dam", P1))
    translate(workspace, slug)
    review_all(workspace, slug)
    approve(workspace, slug, "dari", "eddie")
    (workspace.articles_dir / "dam.md").write_bytes(
        md("The Dam", P1).replace(b"title: The Dam\n", b"title: The Dam\nauthor: Someone Else\n")
    )
    ingest_files(workspace, [workspace.articles_dir / "dam.md"])
    st = translation_status(workspace, slug, "dari")
    assert st.in_sync and st.status == "changed since approval"


def test_confirming_a_draft_changes_its_revision(ws: Workspace) -> None:
    """A translator whose page still shows the draft cannot undo a colleague's
    confirmation of the same text: the draft flag is part of the segment's revision."""
    seg = read_segments(ws, SALANG, "dari")[1]
    assert seg.state == "draft"
    confirmed = save_segment(ws, SALANG, "dari", seg.ctx, seg.text, seg.rev, by="eddie")
    assert confirmed.reviewed and confirmed.rev != seg.rev
    from azad.review.edits import Conflict

    with pytest.raises(Conflict):
        save_segment(ws, SALANG, "dari", seg.ctx, "متن دیگر", seg.rev, by="dara", reviewed=False)
    assert Queue(ws).read(SALANG, "dari").unit(seg.ctx) == confirmed


def test_a_cat_tool_confirming_a_draft_unchanged_is_imported(ws: Workspace) -> None:
    from translate.storage import xliff

    from azad.review.exchange import export_text, import_file

    seg = read_segments(ws, SALANG, "dari")[1]
    store = xliff.xlifffile.parsestring(export_text(ws, SALANG, "dari", "xliff"))
    unit = next(u for u in store.getunits() if u.getid().endswith(seg.ctx))
    unit.markfuzzy(False)
    unit.markapproved(True)  # confirmed in the CAT tool, text unchanged
    path = ws.root / "confirmed.xlf"
    path.write_bytes(bytes(store))
    report = import_file(ws, path, by="dara")
    assert report.report.count("saved") == 1
    assert Queue(ws).read(SALANG, "dari").unit(seg.ctx).reviewed  # type: ignore[union-attr]


def test_a_provenance_wrapped_by_a_po_tool_reads_the_same(workspace: Workspace) -> None:
    """polib (and scripts built on it) wrap extracted comments at 78 columns, as xgettext
    does: the provenance's one JSON line comes back as several, broken at spaces (dropped)
    or after hyphens. The file still reads with every provenance as it was."""
    import dataclasses

    import polib

    from azad.queue.pofile import parse_po, render_po

    make_queue(workspace)
    path = po_path(workspace.article_dir(SALANG), "dari")
    before = parse_po(path.read_bytes(), path)
    first = before.units[0]
    long_name = "translate-" + "en_fa-" * 14 + "news"  # breaks after a hyphen when wrapped
    renamed = dataclasses.replace(first.provenance, package=long_name)
    units = [dataclasses.replace(first, provenance=renamed), *before.units[1:]]
    path.write_bytes(render_po(dataclasses.replace(before, units=units)))
    polib.pofile(str(path)).save(str(path))  # polib's default wrapping, as a CAT script saves
    comments = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:2] == "#."]
    assert any(line.endswith("-") for line in comments)  # broken after a hyphen
    assert not all(line.startswith(("#. provenance:", "#. azad", "#. qa:")) for line in comments)
    after = parse_po(path.read_bytes(), path)
    assert [u.provenance for u in after.units] == [u.provenance for u in units]
    assert after.units[0].provenance.package == long_name


def _memory_rows(ws: Workspace, slug: str) -> int:
    from azad.db.connection import connect

    with connect(ws) as conn:
        return int(conn.execute("SELECT count(*) FROM tm WHERE slug = ?", (slug,)).fetchone()[0])


def test_the_memory_keeps_only_what_is_approved_through_saves_and_migration(
    workspace: Workspace,
) -> None:
    """The memory's rows of a translation go with its approval: a save after the approval
    takes them away at once (the save knows from the stored status row that there are
    some); a translation never approved has none to take. Rows an old migration left
    without a status row are removed by migration 9."""
    from azad.db.connection import MIGRATIONS, connect

    slug = ingest_text(workspace, "dam.md", md("The Dam", P1, P2))
    translate(workspace, slug)
    review_all(workspace, slug)
    approve(workspace, slug, "dari", "eddie")
    queue_rows(workspace)
    assert _memory_rows(workspace, slug) == len(read_segments(workspace, slug, "dari"))
    unit = read_segments(workspace, slug, "dari")[0]
    apply_edits(workspace, slug, "dari", [Edit(unit.ctx, "تغییر", unit.rev)], by="dara", via="web")
    assert _memory_rows(workspace, slug) == 0  # at once, before any refresh
    # Approved again: its rows are back; then version 4's emptying of the status cache
    # (the memory's rows left behind), and migration 9 after it.
    approve(workspace, slug, "dari", "eddie")
    queue_rows(workspace)
    assert _memory_rows(workspace, slug) > 0
    with connect(workspace) as conn, conn:
        conn.execute("DELETE FROM status_cache")
        conn.executescript(MIGRATIONS[8])
    assert _memory_rows(workspace, slug) == 0
    from azad.review import index

    index._memory.clear()  # as a process started after the upgrade
    queue_rows(workspace)  # the refresh finds the approved file and fills them again
    assert _memory_rows(workspace, slug) == len(read_segments(workspace, slug, "dari"))
