"""Backups that restore (issue 22): ``azad backup`` of a live workspace (20 translators
saving through the real save path, a translate run drafting new articles) restored into
another folder holds every save acknowledged before the backup began, in its PO files and
in the change log, with the files and the database agreeing; the restored workspace is
served, logged into, and its comments and approvals are there. Damaged archives and
non-empty folders are refused with one line."""

from __future__ import annotations

import gzip
import io
import json
import random
import shutil
import sqlite3
import tarfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import approve, mark_reviewed, serving
from test_review_support import PASSWORD, USERS, add_users, login, msgfmt_check

from azad.backup import Choice, backup, restore, verify
from azad.cli import run
from azad.db.connection import connect
from azad.db.users import require_user
from azad.mt.packages import install_file
from azad.publish import publish_one
from azad.queue.status import translation_status
from azad.review.edits import Edit, apply_edits, read_segments
from azad.review.talk import add_comment
from azad.services.ingest import ingest_files
from azad.services.translate import translate_articles
from azad.web.app import create_app
from azad.workspace import Workspace

pytestmark = pytest.mark.slow  # savers, a translate run and the restored app served on a port

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SALANG, HERAT = "the-salang-tunnel", "red-gold-of-herat"
SAVERS = 20
BACKUPS = 4
COMMENT = "نام ولسوالی را بررسی کنید"


def _workspace(root: Path, packages: dict[str, Path]) -> Workspace:
    assert run(["init", str(root)]) == 0
    ws = Workspace(root.resolve())
    for archive in packages.values():
        install_file(ws.models_dir, archive)
    ingest_files(ws, [EXAMPLES / "salang-tunnel.md", EXAMPLES / "herat-saffron.txt"])
    translate_articles(ws, [SALANG, HERAT], ["dari", "pashto"])
    add_users(ws)
    mark_reviewed(ws.article_dir(HERAT) / "dari.po")
    approve(ws, HERAT, "dari", "eddie", "looks right")
    first = read_segments(ws, SALANG, "dari")[0]
    add_comment(ws, SALANG, "dari", first.ctx, require_user(ws, "dara"), COMMENT)
    return ws


@dataclass
class Saver:
    """One translator saving one segment again and again through ``apply_edits``."""

    ws: Workspace
    slug: str
    lang: str
    ctx: str
    name: str
    acked: list[tuple[str, float]] = field(default_factory=list)
    """(text, time the save returned) of every acknowledged save, in order."""
    errors: list[BaseException] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        n = 0
        try:
            while not stop.is_set():
                n += 1
                unit = next(
                    u for u in read_segments(self.ws, self.slug, self.lang) if u.ctx == self.ctx
                )
                text = f"ذخیره {self.name} {n}"
                report = apply_edits(
                    self.ws,
                    self.slug,
                    self.lang,
                    [Edit(self.ctx, text, unit.rev)],
                    by=self.name,
                    via="web",
                )
                assert report.results[0].outcome == "saved", report.results[0]
                self.acked.append((text, time.monotonic()))
                # A translator's next save comes a moment later: seven savers on one file
                # back to back could starve one of them past the lock's 30 s (the lock
                # is not fair), which is no part of what the backup is tested for.
                stop.wait(random.uniform(0.05, 0.2))
        except BaseException as exc:
            self.errors.append(exc)


def _savers(ws: Workspace) -> list[Saver]:
    # The approved translation (Herat, Dari) is left alone: its approval must still hold.
    pairs = [(SALANG, "dari"), (SALANG, "pashto"), (HERAT, "pashto")]
    units = {p: [u.ctx for u in read_segments(ws, *p)] for p in pairs}
    out = []
    for i in range(SAVERS):
        slug, lang = pairs[i % len(pairs)]
        out.append(Saver(ws, slug, lang, units[(slug, lang)][i // len(pairs)], f"saver{i}"))
    return out


@dataclass
class Drafting:
    """A translate run going on: new wire articles ingested and machine-translated one
    after another (the test model, both languages) until stopped."""

    ws: Workspace
    done: list[tuple[str, float]] = field(default_factory=list)
    """(slug, time its drafts were written) of every article drafted."""
    errors: list[BaseException] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        corpus = json.loads((EXAMPLES.parent / "azad/data/test_corpus.json").read_text("utf-8"))
        sentences = corpus["en"]
        n = 0
        try:
            while not stop.is_set():
                n += 1
                path = self.ws.articles_dir / f"wire-{n}.md"
                body = " ".join(sentences[(n * 7 + k) % len(sentences)] for k in range(12))
                path.write_text(f"# Wire report number {n}: roads and rivers\n\n{body}\n", "utf-8")
                (outcome,) = ingest_files(self.ws, [path])
                translate_articles(self.ws, [outcome.slug], ["dari", "pashto"])
                self.done.append((outcome.slug, time.monotonic()))
        except BaseException as exc:
            self.errors.append(exc)


def _changes(ws: Workspace) -> list[sqlite3.Row]:
    with connect(ws) as conn:
        return list(conn.execute("SELECT * FROM changes WHERE action = 'save' ORDER BY id"))


def test_a_backup_of_a_live_workspace_restores_every_acknowledged_save(
    tmp_path: Path, test_packages: dict[str, Path]
) -> None:
    ws = _workspace(tmp_path / "live", test_packages)
    savers = _savers(ws)
    drafting = Drafting(ws)
    stop = threading.Event()
    threads = [threading.Thread(target=s.run, args=(stop,)) for s in savers]
    translator = threading.Thread(target=drafting.run, args=(stop,))
    for t in threads:
        t.start()
    translator.start()
    deadline = time.monotonic() + 60
    while min(len(s.acked) for s in savers) < 2 or len(drafting.done) < 2:  # all under way
        errors = [e for s in [*savers, drafting] for e in s.errors]
        assert time.monotonic() < deadline and not errors, errors
        time.sleep(0.05)
    translating_then = translator.is_alive()
    taken = []  # several backups mid-way: each must restore consistently
    for _ in range(BACKUPS):
        began = time.monotonic()
        taken.append((began, backup(ws, tmp_path / f"live-{len(taken)}.tar.gz", Choice()).path))
        time.sleep(0.3)  # saves go on between and after the backups
    stop.set()
    for t in [*threads, translator]:
        t.join(timeout=120)
    assert not [e for s in [*savers, drafting] for e in s.errors]
    assert all(any(at > began for _, at in s.acked) for s in savers), "savers kept saving"
    assert translating_then and any(at > began for _, at in drafting.done), "drafting went on"
    for n, (began, archive) in enumerate(taken):
        rws = _check_restored(archive, tmp_path / f"restored-{n}", began, savers, drafting)

    with serving(create_app(rws)) as url:
        import httpx

        for name in USERS:
            with httpx.Client(base_url=url) as client:
                login(client, name, PASSWORD)
                assert client.get("/").status_code == 200
        with httpx.Client(base_url=url) as client:
            login(client, "eddie")
            page = client.get(f"/t/{SALANG}/dari")
            assert page.status_code == 200 and COMMENT in page.text
        with httpx.Client(base_url=url) as client:  # a translator saves in the restored app
            csrf = login(client, "dara")
            last = read_segments(rws, SALANG, "dari")[-1]
            saved = client.post(
                f"/api/t/{SALANG}/dari/segments/{last.ctx}",
                json={"text": "پس از بازیابی", "rev": last.rev, "reviewed": True},
                headers={"x-csrf-token": csrf},
            )
            assert saved.status_code == 200 and saved.json()["outcome"] == "saved", saved.text
    # An editor approves, and an approved translation is published, at once.
    mark_reviewed(rws.article_dir(HERAT) / "pashto.po")
    approve(rws, HERAT, "pashto", "eddie")
    assert translation_status(rws, HERAT, "pashto").status == "approved"
    outcome = publish_one(rws, HERAT, "dari")
    assert outcome.status == "published", outcome
    assert (rws.output_dir / "dari" / f"{HERAT}.pdf").is_file()
    assert translation_status(rws, HERAT, "dari").status == "published"


def _check_restored(
    archive: Path, folder: Path, began: float, savers: list[Saver], drafting: Drafting
) -> Workspace:
    restore(archive, folder)
    rws = Workspace(folder.resolve())
    changes = _changes(rws)
    saved = {(c["slug"], c["lang"], c["ctx"], c["new"]) for c in changes}
    for s in savers:
        texts = [text for text, _ in s.acked]
        before = [text for text, at in s.acked if at < began]
        assert before, s.name
        unit = next(u for u in read_segments(rws, s.slug, s.lang) if u.ctx == s.ctx)
        # The restored file holds the last save acknowledged before the backup, or a later one.
        assert texts.index(unit.text) >= texts.index(before[-1]), (s.name, unit.text)
        # Every save acknowledged before the backup is in the change log...
        assert all((s.slug, s.lang, s.ctx, t) in saved for t in before), s.name
        # ...and the log and the file agree: the newest logged save is the file's text.
        key = (s.slug, s.lang, s.ctx)
        newest = [c["new"] for c in changes if (c["slug"], c["lang"], c["ctx"]) == key]
        assert newest[-1] == unit.text, (archive.name, s.name, newest[-1], unit.text)
    # Every article drafted before the backup began is there in both languages.
    for slug, at in drafting.done:
        if at < began:
            assert (rws.article_dir(slug) / "dari.po").is_file(), slug
            assert (rws.article_dir(slug) / "pashto.po").is_file(), slug
    for po in sorted(rws.translations_dir.glob("*/*.po")):
        msgfmt_check(po)
    with connect(rws) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert translation_status(rws, HERAT, "dari").status == "approved"
    return rws


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small")
    assert run(["init", str(root / "ws")]) == 0
    ws = Workspace((root / "ws").resolve())
    ingest_files(ws, [EXAMPLES / "salang-tunnel.md"])
    add_users(ws)
    return backup(ws, root / "small.tar.gz").path


def _rewrite(src: Path, dest: Path, change: str | None = None, drop: str | None = None) -> Path:
    """A copy of the archive ``src`` with one member's bytes changed or left out."""
    with tarfile.open(src, "r:gz") as tar, tarfile.open(dest, "w:gz") as out:
        for member in tar:
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == drop:
                continue
            if member.name == change:
                data = data.replace(b"Salang", b"Sa1ang")
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return dest


def test_verify_passes_a_whole_archive_and_names_a_changed_or_missing_file(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["backup", "--verify", str(archive)]) == 0
    assert "ok" in capsys.readouterr().out
    source = "translations/the-salang-tunnel/source.json"
    changed = _rewrite(archive, tmp_path / "changed.tar.gz", change=source)
    assert run(["backup", "--verify", str(changed)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and source in err and "changed" in err, err
    missing = _rewrite(archive, tmp_path / "missing.tar.gz", drop=source)
    assert run(["backup", "--verify", str(missing)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and source in err and "missing" in err, err
    # A restore of a damaged archive writes nothing.
    assert run(["restore", str(changed), str(tmp_path / "never")]) == 2
    assert not (tmp_path / "never").exists()
    assert [p.name for p in tmp_path.iterdir() if "never" in p.name] == []


def test_restore_refuses_a_folder_that_is_not_empty(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    assert run(["restore", str(archive), str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an empty folder" in err, err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(["restore", str(archive), str(empty)]) == 0
    assert (empty / "azad.toml").is_file()


@pytest.mark.parametrize("damage", ["truncated", "not-gzip", "gzip-of-text", "flipped-byte"])
def test_a_corrupt_archive_gives_one_line(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    data = archive.read_bytes()
    bad = tmp_path / "bad.tar.gz"
    if damage == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "not-gzip":
        bad.write_bytes(b"hello, this is not an archive\n" * 20)
    elif damage == "gzip-of-text":
        bad.write_bytes(gzip.compress(b"not a tar file\n" * 100))
    else:
        middle = len(data) // 2
        bad.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    for argv in (["backup", "--verify", str(bad)], ["restore", str(bad), str(tmp_path / "r")]):
        assert run(argv) == 2
        out, err = capsys.readouterr()
        assert err.count("\n") == 1 and str(bad) in err and "Traceback" not in err + out, err
    assert not (tmp_path / "r").exists()


def test_backup_settings_are_validated_with_one_line(workspace: Workspace, cli) -> None:  # type: ignore[no-untyped-def]
    toml = workspace.root / "azad.toml"
    text = toml.read_text()
    for bad, what in (
        ("keep = 7", "keep = 0"),
        ('schedule = "30 2 * * *"', 'schedule = "nightly"'),
        ('schedule = "30 2 * * *"', 'schedule = "99 2 * * *"'),
        ('schedule = "30 2 * * *"', 'schedule = "0 0 31 2 *"'),
        ('destination = "backups"', 'destination = " "'),
    ):
        assert bad in text
        toml.write_text(text.replace(bad, what))
        result = cli("backup")
        assert result.code == 2, result
        assert result.err.count("\n") == 1, result.err
        assert "azad.toml" in result.err and "backup." in result.err, result.err
    toml.write_text(text)


def test_the_nightly_deployment_backs_up_verifies_and_keeps_the_newest(
    workspace: Workspace, prefect_api: None
) -> None:
    from flows.backup import backup_workspace
    from flows.serve import BACKUP_DEPLOYMENT, deployments

    (deployment,) = [d for d in deployments(workspace) if d.name == BACKUP_DEPLOYMENT]
    assert [s.schedule.cron for s in deployment.schedules] == ["30 2 * * *"]  # type: ignore[union-attr]
    toml = workspace.root / "azad.toml"
    toml.write_text(toml.read_text().replace("keep = 7", "keep = 2"))
    folder = workspace.root / "backups"
    folder.mkdir()
    for day in ("20260101", "20260102", "20260103"):
        (folder / f"azad-backup-{day}T023000Z.tar.gz").write_bytes(b"older")
    result = backup_workspace(workspace=str(workspace.root))
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == ["azad-backup-20260103T023000Z.tar.gz", Path(str(result["archive"])).name]
    assert result["files"] and verify(Path(str(result["archive"])))


def test_a_fresh_workspace_restores_with_its_empty_folders(
    workspace: Workspace, tmp_path: Path
) -> None:
    """An archive holds files only; the restored workspace has articles/ and output/ even
    when they were empty, as ``azad init`` made them, and ingests at once."""
    assert not any(workspace.articles_dir.iterdir()) and not any(workspace.output_dir.iterdir())
    archive = tmp_path / "fresh.tar.gz"
    assert run(["--workspace", str(workspace.root), "backup", str(archive)]) == 0
    restored = tmp_path / "restored"
    assert run(["restore", str(archive), str(restored)]) == 0
    for sub in ("articles", "translations", "output"):
        assert (restored / sub).is_dir(), sub
    article = shutil.copy(EXAMPLES / "salang-tunnel.md", restored / "articles")
    assert run(["--workspace", str(restored), "ingest", str(article)]) == 0
    assert (restored / "translations" / "the-salang-tunnel" / "source.json").is_file()
