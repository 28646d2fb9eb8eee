"""SIGKILL at random points of ingest, translate, a translator's saves and publish
(tests/killharness.py): at least 200 kills, after each one every file of the workspace
parses, no acknowledged save is lost, and running the operation again completes.

The seed is printed with the summary (``pytest -s``) and in every failure message; run
again with ``AZAD_KILL_SEED=<seed>``.  ``bench/kill.py`` runs the same harness with more
kills and prints the table."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import load_po, po_path, save_po
from killharness import (
    FixedDrafts,
    PublishScenario,
    SaveScenario,
    WorkspaceChecker,
    Zygote,
    run_all,
    summary,
)

# Slow (kills hundreds of subprocesses): not in `make check`.
pytestmark = pytest.mark.slow

KILLS = {"ingest": 50, "translate": 50, "save": 50, "publish": 50}
DEFAULT_SEED = 20251128


@contextlib.contextmanager
def workdir(fallback: Path) -> Iterator[Path]:
    """A folder for the workspaces, in memory (tmpfs) where there is one: a SIGKILL tests
    process death, not power loss, so fsync's cost on a disk buys nothing here."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="azad-kill-", dir=shm))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    else:
        yield fallback


def test_200_kills_leave_every_file_whole_and_every_acknowledged_save(
    test_packages: dict[str, Path], tmp_path: Path
) -> None:
    seed = int(os.environ.get("AZAD_KILL_SEED") or DEFAULT_SEED)
    with workdir(tmp_path) as folder:
        stats = run_all(folder, test_packages, KILLS, seed)
    report = summary(stats, seed)
    print(report)
    assert sum(len(s.kills) for s in stats) >= 200, report
    for s in stats:
        assert len(s.kills) == KILLS[s.op], report
        assert s.unparsable == [], report
        assert s.lost == [], report
        assert s.inconsistent == [], report
        assert s.recoveries_failed == [], report
        assert s.recoveries_ok == len(s.kills), report
        # Both kinds of kill: after a random delay, and at a randomly chosen write.
        assert s.count("delay") > 0 and s.count("rename") > 0, report
    # The saves were real: many acknowledged, each checked after every kill.
    assert next(s for s in stats if s.op == "save").acked_saves >= 50 * 15, report


# ---- the harness notices what it is there to notice ----------------------------------------


@pytest.fixture
def save_scenario(tmp_path: Path) -> SaveScenario:
    scenario = SaveScenario(tmp_path / "save", random.Random(1), {})
    with contextlib.redirect_stdout(io.StringIO()):
        scenario.setup()
    return scenario


def test_the_checker_finds_damaged_files(save_scenario: SaveScenario) -> None:
    ws = save_scenario.ws
    checker = WorkspaceChecker(ws.root)
    assert checker.check().problems == []

    slug, lang = save_scenario.files[0]
    po = po_path(ws.article_dir(slug), lang)
    text = po.read_text(encoding="utf-8")
    # Cut at an entry boundary: polib reads a shorter catalog, the checker does not.
    po.write_text(text[: text.rstrip("\n").rindex("\n\n") + 2], encoding="utf-8")
    source = ws.article_dir(slug) / "source.json"
    source.write_bytes(source.read_bytes()[:-20])
    (ws.root / ".azad").mkdir(exist_ok=True)
    (ws.root / ".azad" / "review.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    out = ws.output_dir / "dari"
    out.mkdir(parents=True, exist_ok=True)
    (out / "x.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n")
    (out / "x.epub").write_bytes(b"PK\x03\x04 not a zip")
    (out / "x.json").write_text('{"slug": "x"', encoding="utf-8")
    (ws.article_dir(slug) / "notes.txt").write_text("?", encoding="utf-8")
    (ws.article_dir(slug) / f".{lang}.po.0123456789ab.tmp").write_text("half", encoding="utf-8")

    report = checker.check()
    damaged = {p.split(":")[0] for p in report.problems}
    assert damaged == {
        str(po.relative_to(ws.root)),
        str(source.relative_to(ws.root)),
        ".azad/review.sqlite3",
        "output/dari/x.pdf",
        "output/dari/x.epub",
        "output/dari/x.json",
        f"translations/{slug}/notes.txt",
    }
    # A leftover temporary file is counted, never parsed as data.
    assert report.temps == [f"translations/{slug}/.{lang}.po.0123456789ab.tmp"]


def test_a_lost_acknowledged_save_is_noticed(save_scenario: SaveScenario) -> None:
    from azad.review.edits import Edit, apply_edits, read_segments

    ws = save_scenario.ws
    slug, lang = save_scenario.files[0]
    first, second = read_segments(ws, slug, lang)[:2]
    ack = save_scenario.workdir / "acks-0000.jsonl"
    save_scenario.acks.append(ack)
    records = []
    for seg, text in ((first, "ترجمهٔ r0-1"), (second, "ترجمهٔ r0-2")):
        apply_edits(ws, slug, lang, [Edit(seg.ctx, text, seg.rev)], by="kill-harness", via="t")
        records += [
            {"k": k, "slug": slug, "lang": lang, "ctx": seg.ctx, "text": text, "fuzzy": False}
            for k in ("begin", "ack")
        ]
    ack.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert save_scenario.after_kill() == ([], [])

    # The file loses the second save (as a non-atomic writer killed mid-write might).
    path = po_path(ws.article_dir(slug), lang)
    catalog = load_po(path)
    next(e for e in catalog if e.msgctxt == second.ctx).msgstr = FixedDrafts().translate([""])[0]
    save_po(path, catalog)
    lost, _ = save_scenario.after_kill()
    assert len(lost) == 1 and second.ctx in lost[0]

    # The change log must keep every acknowledged save.
    conn = sqlite3.connect(ws.root / ".azad" / "review.sqlite3")
    with conn:
        conn.execute("DELETE FROM changes WHERE ctx = ?", (first.ctx,))
    conn.close()
    lost, _ = save_scenario.after_kill()
    assert any("change log" in x and "gone" in x for x in lost)


def test_a_publish_killed_at_any_rename_is_completed_by_the_next_run(
    test_packages: dict[str, Path], tmp_path: Path
) -> None:
    """Every write of a publish, in turn: SIGKILL right after its rename, then publish
    again.  The catalog must end up listing exactly what the manifests say (it used to stay
    stale when the kill came after the publication was recorded but before the catalog
    was regenerated: the next run found nothing to publish)."""
    scenario = PublishScenario(tmp_path / "publish", random.Random(2), test_packages)
    with contextlib.redirect_stdout(io.StringIO()):
        scenario.setup()
    kills = 0
    with Zygote(tmp_path / "zygote", "publish") as zygote:
        assert zygote.run("publish", scenario.args(recovery=False)).code == 0
        checker = WorkspaceChecker(scenario.ws.root)
        for n in range(1, 40):
            scenario.prepare()
            run = zygote.run("publish", scenario.args(recovery=False), kill_at_rename=(n, "after"))
            if not run.killed:  # past the last rename: the round's work is done
                assert run.code == 0
                break
            kills += 1
            assert checker.check().problems == []
            assert scenario.after_kill() == ([], []), n
            assert zygote.run("publish", scenario.args(recovery=True)).code == 0
            assert checker.check().problems == []
            assert scenario.after_recovery() == ([], []), n
    # pdf, epub, png, manifest, the review record (and the catalog files that changed)
    assert kills >= 5
