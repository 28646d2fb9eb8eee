"""The review queue without the web app: the status cache, editor commands, CAT-tool
exchange (XLIFF 1.2, PO, TMX), the translation memory and QA checks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import load_po, save_po, save_segment
from test_review_support import (
    HERAT,
    PASSWORD,
    SALANG,
    copy_workspace,
    entry,
    msgfmt_check,
    po,
    queue_template,
    register_cli,
    review_everything,
)
from translate.storage import tmx, xliff

from azad.cli import run
from azad.glossary import parse_glossary
from azad.queue.status import translation_status
from azad.review.edits import Conflict, history, read_segments
from azad.review.index import queue_rows
from azad.review.qa import check_segment
from azad.translation_memory import lookup
from azad.workspace import Workspace

register_cli()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return queue_template(tmp_path_factory.mktemp("template") / "ws")


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Workspace:
    return copy_workspace(template, tmp_path / "ws")


@pytest.fixture
def azad(ws: Workspace, capsys: pytest.CaptureFixture[str]):
    def invoke(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = run(["--workspace", str(ws.root), *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return invoke


def segment(ws: Workspace, slug: str, lang: str, ctx: str):
    """One segment by id (the first of a file is the title's since titles are translated)."""
    (found,) = [s for s in read_segments(ws, slug, lang) if s.ctx == ctx]
    return found


def status_of(ws: Workspace, slug: str, lang: str) -> str:
    (row,) = queue_rows(ws, slug=slug, lang=lang)
    return row.status


# --- the status cache ------------------------------------------------------------------------


def test_cache_follows_edits_made_outside_the_app(ws: Workspace) -> None:
    assert status_of(ws, SALANG, "dari") == "machine draft"
    # A CAT tool (here polib, writing in place) reviews every entry.
    path = po(ws, SALANG, "dari")
    catalog = load_po(path)
    for e in catalog:
        e.msgstr = "بازبینی " + e.msgctxt
        e.flags.remove("fuzzy")
    inode = path.stat().st_ino
    with path.open("w", encoding="utf-8") as fh:  # in place: same inode
        fh.write(str(catalog) + "\n")
    assert path.stat().st_ino == inode
    (row,) = queue_rows(ws, slug=SALANG, lang="dari")
    assert (row.status, row.reviewed, row.total) == ("reviewed", row.total, len(catalog))
    # One entry back to fuzzy, same size of file, even with the old modification time.
    text = path.read_text(encoding="utf-8")
    first = catalog[0].msgctxt
    changed = text.replace(f'msgctxt "{first}"', f'#, fuzzy\nmsgctxt "{first}"', 1)
    stat = path.stat()
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (row,) = queue_rows(ws, slug=SALANG, lang="dari")
    assert row.status == "in review" and row.reviewed == row.total - 1
    assert row.status == translation_status(ws, SALANG, "dari").status


def test_cache_agrees_with_parsing_every_file(ws: Workspace) -> None:
    review_everything(ws, HERAT, "pashto")
    save_segment(
        ws, SALANG, "dari", "b1.s1", "متن", segment(ws, SALANG, "dari", "b1.s1").rev, by="dara"
    )
    (ws.article_dir(HERAT) / "dari.po").unlink()
    rows = queue_rows(ws)
    assert {(r.slug, r.lang_key) for r in rows} == {
        (SALANG, "dari"),
        (SALANG, "pashto"),
        (HERAT, "pashto"),
    }
    for r in rows:
        st = translation_status(ws, r.slug, r.lang_key)
        assert (r.status, r.reviewed, r.total, r.rev) == (
            st.status,
            st.reviewed,
            st.total,
            st.rev,
        )


def test_a_damaged_po_file_shows_in_the_queue_without_breaking_it(ws: Workspace) -> None:
    po(ws, HERAT, "dari").write_bytes(b"\xff\xfe not a po file")
    rows = {(r.slug, r.lang_key): r for r in queue_rows(ws)}
    assert len(rows) == 4 and rows[(HERAT, "dari")].total == 0


# --- editor commands ---------------------------------------------------------------------------


def test_status_approve_send_back_from_the_command_line(ws: Workspace, azad) -> None:
    code, out, _ = azad("review", "status")
    assert code == 0 and out.count("machine draft") == 4
    # Without a terminal, approve needs the revision the editor reviewed.
    code, _, err = azad("review", "approve", SALANG, "--lang", "dari", "--as", "eddie")
    assert code == 2 and "--rev" in err and len(err.strip().splitlines()) == 1
    rev = translation_status(ws, SALANG, "dari").rev
    code, _, err = azad(
        "review", "approve", SALANG, "--lang", "dari", "--as", "eddie", "--rev", rev
    )
    assert code == 2 and "segments are not reviewed" in err and len(err.strip().splitlines()) == 1
    review_everything(ws, SALANG, "dari")
    rev = translation_status(ws, SALANG, "dari").rev
    code, out, _ = azad("review", "status", SALANG, "--lang", "dari")
    assert code == 0 and rev in out  # the status table shows the revision to approve
    code, _, err = azad("review", "approve", SALANG, "--lang", "dari", "--as", "dara", "--rev", rev)
    assert code == 2 and "only editors" in err
    code, out, _ = azad(
        "review", "approve", SALANG, "--lang", "fa-AF", "--as", "eddie", "--rev", rev
    )
    assert code == 0 and "approved" in out
    code, out, _ = azad("review", "status", SALANG, "--status", "approved")
    assert code == 0 and SALANG in out and "pashto" not in out
    # Any edit after approval voids it, visibly.
    seg = read_segments(ws, SALANG, "dari")[0]
    save_segment(ws, SALANG, "dari", seg.ctx, seg.text + " ", seg.rev, by="dara")
    assert translation_status(ws, SALANG, "dari").status == "changed since approval"
    code, _, _ = azad(
        "review", "send-back", SALANG, "--lang", "dari", "--as", "eddie", "--comment", "b3 is wrong"
    )
    assert code == 0
    st = translation_status(ws, SALANG, "dari")
    assert st.status == "sent back" and st.record.sent_back.comment == "b3 is wrong"


def test_path_like_slug_is_refused_on_the_command_line(ws: Workspace, azad) -> None:
    for args in (
        ["review", "export", "../../etc", "--lang", "dari"],
        ["review", "status", "../../etc"],
        ["review", "approve", "../../etc", "--lang", "dari", "--as", "eddie"],
    ):
        code, _, err = azad(*args)
        assert code == 2 and "not a valid article slug" in err, args
        assert len(err.strip().splitlines()) == 1
    code, _, err = azad("review", "export", SALANG, "--lang", "klingon")
    assert code == 2 and "unknown language" in err


# --- 5. XLIFF and PO round trips ---------------------------------------------------------------


def edit_xliff(path: Path, changes: dict[str, str]) -> None:
    """Change targets as a CAT tool would: parse, set, mark approved, write."""
    store = xliff.xlifffile.parsestring(path.read_bytes())
    for unit in store.getunits():
        ctx = unit.getid().split("\x04")[-1]
        if ctx in changes:
            unit.target = changes[ctx]
            unit.markfuzzy(False)
            unit.markapproved(True)
    path.write_bytes(bytes(store))


def test_xliff_export_change_import(ws: Workspace, azad, tmp_path: Path) -> None:
    out = tmp_path / "salang.xlf"
    code, _, err = azad(
        "review", "export", SALANG, "--lang", "dari", "--format", "xliff", "-o", str(out)
    )
    assert code == 0, err
    assert (
        b'version="1.2"' in out.read_bytes()
        and b"urn:oasis:names:tc:xliff:document:1.2" in out.read_bytes()
    )
    segments = read_segments(ws, SALANG, "dari")
    target = segments[2]
    edit_xliff(out, {target.ctx: "تونل ۲٫۶ کیلومتر طول دارد."})
    code, text, err = azad("review", "import", str(out), "--as", "dara")
    assert code == 0, err
    assert "1 saved" in text and "0 conflicts" in text
    now = {s.ctx: s for s in read_segments(ws, SALANG, "dari")}
    assert now[target.ctx].text == "تونل ۲٫۶ کیلومتر طول دارد." and now[target.ctx].reviewed
    assert all(now[s.ctx].text == s.text for s in segments if s.ctx != target.ctx)
    (change,) = history(ws, SALANG, "dari", target.ctx)
    assert (change.by, change.via, change.old) == ("dara", "import:xliff", target.text)
    msgfmt_check(po(ws, SALANG, "dari"))


def test_xliff_import_does_not_overwrite_a_segment_changed_since_the_export(
    ws: Workspace, azad, tmp_path: Path
) -> None:
    out = tmp_path / "salang.xlf"
    assert azad("review", "export", SALANG, "--lang", "dari", "-o", str(out))[0] == 0
    segments = read_segments(ws, SALANG, "dari")
    a, b = segments[0], segments[1]
    # Meanwhile, in the web app:
    save_segment(ws, SALANG, "dari", a.ctx, "متن وب", a.rev, by="eddie")
    save_segment(ws, SALANG, "dari", segments[5].ctx, "دیگری", segments[5].rev, by="eddie")
    edit_xliff(out, {a.ctx: "متن ابزار", b.ctx: "دومی"})
    code, text, err = azad("review", "import", str(out), "--as", "dara")
    assert code == 1
    assert "1 saved" in text and "1 conflicts" in text and f"conflict {a.ctx}" in err
    assert entry(ws, SALANG, "dari", a.ctx).msgstr == "متن وب"
    assert entry(ws, SALANG, "dari", b.ctx).msgstr == "دومی"
    # The untouched unit of segment 5 did not undo the web save.
    assert entry(ws, SALANG, "dari", segments[5].ctx).msgstr == "دیگری"
    changes = history(ws, SALANG, "dari", a.ctx)
    assert [(c.action, c.new, c.by) for c in changes] == [
        ("save", "متن وب", "eddie"),
        ("conflict", "متن ابزار", "dara"),
    ]
    msgfmt_check(po(ws, SALANG, "dari"))


def test_po_export_change_import(ws: Workspace, azad, tmp_path: Path) -> None:
    out = tmp_path / "salang.po"
    assert (
        azad("review", "export", SALANG, "--lang", "pashto", "--format", "po", "-o", str(out))[0]
        == 0
    )
    msgfmt_check(out)
    catalog = load_po(out)
    first = catalog[0]
    first.msgstr = "د سالنګ تونل"
    first.flags.remove("fuzzy")
    save_po(out, catalog)
    code, text, err = azad("review", "import", str(out), "--as", "pasha")
    assert code == 0, err
    assert "1 saved" in text
    assert entry(ws, SALANG, "pashto", first.msgctxt).msgstr == "د سالنګ تونل"
    assert "azad-rev" not in po(ws, SALANG, "pashto").read_text()
    msgfmt_check(po(ws, SALANG, "pashto"))
    # The same file again: every segment now differs from its export revision or is the
    # same text, so nothing changes and nothing conflicts.
    before = po(ws, SALANG, "pashto").read_bytes()
    code, text, _ = azad("review", "import", str(out), "--as", "pasha")
    assert code == 0 and "0 saved" in text and po(ws, SALANG, "pashto").read_bytes() == before


def test_import_checks_the_account_and_the_file(ws: Workspace, azad, tmp_path: Path) -> None:
    out = tmp_path / "salang.xlf"
    azad("review", "export", SALANG, "--lang", "dari", "-o", str(out))
    seg = read_segments(ws, SALANG, "dari")[0]
    edit_xliff(out, {seg.ctx: "x"})
    before = po(ws, SALANG, "dari").read_bytes()
    code, _, err = azad("review", "import", str(out), "--as", "pasha")
    assert code == 2 and "does not work on dari" in err
    bad = tmp_path / "bad.xlf"
    bad.write_text("<xliff><file original='../../etc/passwd.po'><body/></file></xliff>")
    code, _, err = azad("review", "import", str(bad))
    assert code == 2 and len(err.strip().splitlines()) == 1
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "unterminated\n')
    code, _, err = azad("review", "import", str(broken))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert po(ws, SALANG, "dari").read_bytes() == before


# --- translation memory ------------------------------------------------------------------------


def approve(ws: Workspace, slug: str, lang: str) -> None:
    from helpers import approve as approve_

    review_everything(ws, slug, lang)
    approve_(ws, slug, lang, "eddie")


def test_translation_memory_offers_approved_segments_of_other_articles(ws: Workspace) -> None:
    approve(ws, SALANG, "dari")
    queue_rows(ws)  # the refresh fills the memory
    english = [s.english for s in read_segments(ws, SALANG, "dari")]
    approved = {s.english: s.text for s in read_segments(ws, SALANG, "dari")}
    sentence = english[3]
    altered = sentence.replace("the", "a", 1) if "the" in sentence else sentence + " Indeed."
    exact, fuzzy, none = lookup(
        ws, [sentence, altered, "Saffron grows in Herat."], "dari", exclude_slug=HERAT
    )
    assert exact[0].exact and exact[0].target == approved[sentence] and exact[0].slug == SALANG
    assert fuzzy and fuzzy[0].source == sentence and 0.6 <= fuzzy[0].score < 1.0
    assert none == []
    # Not from the article itself, not from another language, not unapproved work.
    assert lookup(ws, [sentence], "dari", exclude_slug=SALANG) == [[]]
    assert lookup(ws, [sentence], "pashto", exclude_slug=HERAT) == [[]]
    seg = read_segments(ws, SALANG, "dari")[3]
    save_segment(ws, SALANG, "dari", seg.ctx, "تغییر", seg.rev, by="dara")
    queue_rows(ws)
    assert lookup(ws, [sentence], "dari", exclude_slug=HERAT) == [[]]


def test_export_tm_as_tmx(ws: Workspace, azad, tmp_path: Path) -> None:
    approve(ws, SALANG, "dari")
    approve(ws, HERAT, "pashto")
    out = tmp_path / "tm.tmx"
    code, _, err = azad("review", "export-tm", "--format", "tmx", "-o", str(out))
    assert code == 0, err
    store = tmx.tmxfile.parsestring(out.read_bytes())
    pairs = {(u.source, u.target) for u in store.units}
    dari = {(s.english, s.text) for s in read_segments(ws, SALANG, "dari")}
    pashto = {(s.english, s.text) for s in read_segments(ws, HERAT, "pashto")}
    assert pairs == dari | pashto
    assert b'xml:lang="fa-AF"' in out.read_bytes() and b'xml:lang="ps-AF"' in out.read_bytes()
    code, _, _ = azad("review", "export-tm", "--format", "csv", "-o", str(out))
    assert code == 2


# --- QA ------------------------------------------------------------------------------------------

GLOSSARY = parse_glossary(
    "english\tdari\tpashto\tkeep_latin\nKabul\tکابل\tکابل\tno\nADB\t\t\tyes\n"
)


@pytest.mark.parametrize(
    ("english", "target", "lang", "kinds"),
    [
        ("It is 3,400 metres high.", "ارتفاع آن ۳٬۴۰۰ متر است.", "fa-AF", set()),
        ("It is 3,400 metres high.", "ارتفاع آن ۳٬۵۰۰ متر است.", "fa-AF", {"numbers"}),
        ("It opened in 1964.", "در سال ۱۹۶۴ افتتاح شد.", "fa-AF", set()),
        ("Kabul is old.", "شهر قدیمی است.", "fa-AF", {"glossary"}),
        ("Kabul is old.", "کابل قدیمی است.", "fa-AF", set()),
        ("The ADB paid.", "بانک XZ1 پرداخت کرد.", "fa-AF", {"placeholder", "glossary"}),
        ("The ADB paid.", "\u2068ADB\u2069 پرداخت کرد.", "fa-AF", set()),
        ("The bank paid.", "bank پرداخت کرد.", "fa-AF", {"latin"}),
        ("Good.", "Good.", "fa-AF", {"unchanged"}),
        ("Nobody came.", "هيچ كس نیامد.", "fa-AF", {"letters"}),
        ("Nobody came.", "هيڅوک رانغی.", "ps-AF", set()),
        ("Nobody came.", "هيڅوك رانغی.", "ps-AF", {"letters"}),
        ("Why?", "چرا?", "fa-AF", {"endpunc"}),
        ("Why?", "چرا؟", "fa-AF", set()),
        ("He came.", "او  آمد.", "fa-AF", {"doublespacing"}),
        ("He came.", "", "fa-AF", {"empty"}),
    ],
)
def test_qa_checks(english: str, target: str, lang: str, kinds: set[str]) -> None:
    assert {w.kind for w in check_segment(english, target, lang, GLOSSARY)} == kinds


def test_save_conflict_keeps_both_texts(ws: Workspace) -> None:
    seg = read_segments(ws, HERAT, "dari")[0]
    save_segment(ws, HERAT, "dari", seg.ctx, "اول", seg.rev, by="dara")
    with pytest.raises(Conflict) as caught:
        save_segment(ws, HERAT, "dari", seg.ctx, "دوم", seg.rev, by="eddie")
    assert caught.value.current.text == "اول" and caught.value.yours == "دوم"
    assert [c.new for c in history(ws, HERAT, "dari", seg.ctx)] == ["اول", "دوم"]
    # Saving the very text already there is no conflict, whatever the revision.
    save_segment(ws, HERAT, "dari", seg.ctx, "اول", seg.rev, by="eddie")
    assert PASSWORD  # the shared users exist in this workspace too
