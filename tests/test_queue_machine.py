"""The newsroom loop as a Hypothesis state machine, on a real workspace with the test model.

Rules: English edits (insert, delete, reorder and edit paragraphs and sentences; add, edit
or remove the note about the author, a unit after the body) and
ingest; the translate flow (``flows.pipeline.translate_articles`` on Prefect's temporary
API) and the library's translation call; web saves through the ASGI app (reviewed and
draft, with current and stale revisions); XLIFF export → edit → import; approve with the
revision the editor page showed (and with a stale one); send back; publish; and runs with
nothing to do. After every step the invariants of the queue are checked:

* no acknowledged save is lost, and none is attached to another English sentence unless
  it is a draft there;
* the status agrees in ``azad review status`` (the cache), the library and the catalog;
* an approval or publication names exactly the content it covers, and the published
  manifest names the published revision;
* nothing is written when there is nothing to do.

``AZAD_MACHINE_EXAMPLES`` and ``AZAD_MACHINE_STEPS`` make it run longer (the defaults keep
``make test`` within a few minutes).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import snapshot
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from starlette.testclient import TestClient
from test_review_support import PASSWORD, add_users, csrf_of
from translate.storage import xliff

from azad.cli import run as azad
from azad.queue.status import translation_status
from azad.queue.store import Queue
from azad.review.exchange import export_text, import_file
from azad.review.index import queue_rows
from azad.services.ingest import ingest_files
from azad.services.translate import translate_articles
from azad.web.app import create_app
from azad.workspace import Workspace

EXAMPLES = int(os.environ.get("AZAD_MACHINE_EXAMPLES", "4"))
STEPS = int(os.environ.get("AZAD_MACHINE_STEPS", "18"))
LANGS = ("dari", "pashto")
SENTENCES = [
    "The dam was finished in spring.",
    "It holds the river back.",
    "Farmers downstream are worried about the water.",
    "They met the governor on Monday.",
    "The governor promised a commission.",
    "Its report is due in June.",
    "Engineers say the spillway is too small.",
    "The ministry disagrees.",
    "Rain came early this year.",
    "Nobody expected the flood.",
    "Wheat prices rose by a tenth.",
    "Traders in Herat blame the roads.",
]
ARTICLES = ("dam", "wheat")
WORDS = ["again", "quickly", "in Kabul", "last year", "twice", "at night"]
# Notes about the author (the closing line of the site's articles), a unit after the body.
NOTES = [
    None,
    "Sample Author writes about water in South Asia.",
    "Sample Author writes about water and farming in South Asia.",
]
REPORT: dict[str, int] = {}


def _login(ws: Workspace, name: str) -> tuple[TestClient, str]:
    c = TestClient(create_app(ws))
    page = c.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    c.post(
        "/login",
        data={"csrf": token.group(1), "name": name, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    return c, csrf_of(c.get("/").text)


class Newsroom(RuleBasedStateMachine):
    def __init__(self, root: Path, packages: dict[str, Path]) -> None:
        super().__init__()
        from azad.mt.packages import install_file

        assert azad(["init", str(root)]) == 0
        self.ws = Workspace(root.resolve())
        for archive in packages.values():
            install_file(self.ws.models_dir, archive)
        add_users(self.ws)
        self.clients = {name: _login(self.ws, name) for name in ("dara", "pasha", "eddie")}
        self.paragraphs: dict[str, list[list[str]]] = {
            "dam": [SENTENCES[0:2], SENTENCES[2:4], SENTENCES[4:6]],
            "wheat": [SENTENCES[8:10], SENTENCES[10:12]],
        }
        self.notes: dict[str, str | None] = {name: None for name in ARTICLES}
        self.acks: dict[tuple[str, str], list[str]] = {}
        """(slug, language) → texts saved and acknowledged, still expected in the file."""
        self.seen: dict[tuple[str, str], str] = {}
        """The content revision an editor page last showed."""
        self.steps = 0
        for name in ARTICLES:
            self._write(name)
        ingest_files(self.ws, [self.ws.articles_dir / f"{n}.md" for n in ARTICLES])
        translate_articles(self.ws, list(self._slugs()), list(LANGS))

    # ---- helpers -----------------------------------------------------------------
    def _slugs(self) -> Iterator[str]:
        yield from ("the-dam", "wheat-prices")

    def _write(self, name: str) -> None:
        title = {"dam": "The Dam", "wheat": "Wheat Prices"}[name]
        body = "\n\n".join(" ".join(p) for p in self.paragraphs[name] if p)
        note = self.notes[name]
        front = f"title: {title}\n" + (f"author_note: {note}\n" if note else "")
        (self.ws.articles_dir / f"{name}.md").write_text(
            f"---\n{front}---\n\n{body}\n", encoding="utf-8"
        )

    def _units(self, slug: str, lang: str):  # type: ignore[no-untyped-def]
        return Queue(self.ws).read(slug, lang).live

    def _forget_replaced(self, slug: str, lang: str, old_text: str) -> None:
        # A translator replacing a text on purpose is not a loss.
        texts = self.acks.get((slug, lang), [])
        if old_text in texts:
            texts.remove(old_text)

    # ---- English edits -------------------------------------------------------------
    @rule(
        name=st.sampled_from(ARTICLES),
        op=st.sampled_from(["insert", "delete", "reorder", "edit", "split", "merge"]),
        data=st.data(),
    )
    def edit_english(self, name: str, op: str, data: st.DataObject) -> None:
        paras = self.paragraphs[name]
        i = data.draw(st.integers(0, max(0, len(paras) - 1)))
        if op == "insert":
            fresh = data.draw(st.sampled_from(SENTENCES))
            paras.insert(i, [f"{fresh[:-1]} {data.draw(st.sampled_from(WORDS))}."])
        elif op == "delete" and len(paras) > 1:
            paras.pop(i)
        elif op == "reorder" and len(paras) > 1:
            paras.insert(data.draw(st.integers(0, len(paras) - 1)), paras.pop(i))
        elif op == "edit" and paras[i]:
            j = data.draw(st.integers(0, len(paras[i]) - 1))
            paras[i][j] = f"{paras[i][j][:-1]} {data.draw(st.sampled_from(WORDS))}."
        elif op == "split" and len(paras[i]) > 1:
            paras.insert(i + 1, [paras[i].pop()])
        elif op == "merge" and i + 1 < len(paras):
            paras[i] += paras.pop(i + 1)
        self._write(name)
        ingest_files(self.ws, [self.ws.articles_dir / f"{name}.md"])

    @rule(name=st.sampled_from(ARTICLES), note=st.sampled_from(NOTES))
    def edit_note_about_the_author(self, name: str, note: str | None) -> None:
        """The closing note is added, edited or removed: a unit after the body."""
        self.notes[name] = note
        self._write(name)
        ingest_files(self.ws, [self.ws.articles_dir / f"{name}.md"])
        REPORT["note edits"] = REPORT.get("note edits", 0) + 1

    # ---- translation runs ----------------------------------------------------------
    @rule()
    def run_library(self) -> None:
        translate_articles(self.ws, list(self._slugs()), list(LANGS))

    @rule()
    def run_flow(self) -> None:
        from flows.pipeline import translate_articles as flow

        outcomes = flow(workspace=str(self.ws.root))
        assert all(o.ok for o in outcomes), outcomes

    @rule()
    def run_with_nothing_to_do(self) -> None:
        translate_articles(self.ws, list(self._slugs()), list(LANGS))
        before = snapshot(self.ws.translations_dir)
        translate_articles(self.ws, list(self._slugs()), list(LANGS))
        assert snapshot(self.ws.translations_dir) == before, "a run with nothing to do wrote"
        REPORT["no-op runs"] = REPORT.get("no-op runs", 0) + 1

    # ---- translators --------------------------------------------------------------
    @rule(
        slug=st.sampled_from(["the-dam", "wheat-prices"]),
        lang=st.sampled_from(LANGS),
        data=st.data(),
        reviewed=st.booleans(),
        stale=st.booleans(),
    )
    def web_save(
        self, slug: str, lang: str, data: st.DataObject, reviewed: bool, stale: bool
    ) -> None:
        units = self._units(slug, lang)
        unit = units[data.draw(st.integers(0, len(units) - 1))]
        c, csrf = self.clients["dara" if lang == "dari" else "pasha"]
        self.steps += 1
        text = f"ترجمهٔ {self.steps} برای {unit.ctx}"
        rev = "0" * 16 if stale else unit.rev
        r = c.post(
            f"/api/t/{slug}/{lang}/segments/{unit.ctx}",
            json={"text": text, "rev": rev, "reviewed": reviewed},
            headers={"X-CSRF-Token": csrf},
        )
        if stale:
            assert r.status_code == 409, r.text
            assert Queue(self.ws).read(slug, lang).unit(unit.ctx) == unit
            REPORT["stale saves refused"] = REPORT.get("stale saves refused", 0) + 1
            return
        assert r.status_code == 200, r.text
        self._forget_replaced(slug, lang, unit.text)
        self.acks.setdefault((slug, lang), []).append(text)
        REPORT["saves"] = REPORT.get("saves", 0) + 1

    @rule(slug=st.sampled_from(["the-dam", "wheat-prices"]), lang=st.sampled_from(LANGS))
    def cat_tool_round_trip(self, slug: str, lang: str) -> None:
        data = export_text(self.ws, slug, lang, "xliff")
        store = xliff.xlifffile.parsestring(data)
        (unit,) = store.getunits()[:1]
        before = Queue(self.ws).read(slug, lang).unit(unit.getid().split("\x04")[-1])
        self.steps += 1
        text = f"متن ابزار {self.steps}"
        unit.target = text
        unit.markfuzzy(False)
        unit.markapproved(True)
        path = self.ws.root / f"{slug}.{lang}.xlf"
        path.write_bytes(bytes(store))
        report = import_file(self.ws, path, by="cat")
        if report.report.count("saved"):
            assert before is not None
            self._forget_replaced(slug, lang, before.text)
            self.acks.setdefault((slug, lang), []).append(text)

    # ---- editors -------------------------------------------------------------------
    @rule(slug=st.sampled_from(["the-dam", "wheat-prices"]), lang=st.sampled_from(LANGS))
    def editor_opens_the_page(self, slug: str, lang: str) -> None:
        c, _ = self.clients["eddie"]
        page = c.get(f"/t/{slug}/{lang}").text
        revs = re.findall(r'name="rev" value="([^"]*)"', page)
        if not revs:
            # Honest controls: the page offers no Approve only where approving cannot
            # succeed (or there is nothing left to approve).
            current = translation_status(self.ws, slug, lang)
            assert (
                current.unreviewed
                or not current.in_sync
                or current.status in ("approved", "published")
            ), current.status
            self.seen.pop((slug, lang), None)
            REPORT["pages without Approve"] = REPORT.get("pages without Approve", 0) + 1
            return
        (rev,) = revs
        self.seen[(slug, lang)] = rev

    @rule(slug=st.sampled_from(["the-dam", "wheat-prices"]), lang=st.sampled_from(LANGS))
    def review_everything_and_approve(self, slug: str, lang: str) -> None:
        c, csrf = self.clients["dara" if lang == "dari" else "pasha"]
        for unit in self._units(slug, lang):
            if not unit.reviewed:
                r = c.post(
                    f"/api/t/{slug}/{lang}/segments/{unit.ctx}",
                    json={"text": unit.text or "متن", "rev": unit.rev, "reviewed": True},
                    headers={"X-CSRF-Token": csrf},
                )
                assert r.status_code == 200, r.text
                self._forget_replaced(slug, lang, unit.text)
                self.acks.setdefault((slug, lang), []).append(unit.text or "متن")
        self.editor_opens_the_page(slug, lang)
        if (slug, lang) in self.seen:  # not when there is nothing it could approve
            self._approve(slug, lang)

    @precondition(lambda self: bool(self.seen))
    @rule(data=st.data())
    def approve_what_was_seen(self, data: st.DataObject) -> None:
        slug, lang = data.draw(st.sampled_from(sorted(self.seen)))
        self._approve(slug, lang)

    def _approve(self, slug: str, lang: str) -> None:
        seen = self.seen[(slug, lang)]
        current = translation_status(self.ws, slug, lang)
        c, csrf = self.clients["eddie"]
        r = c.post(
            f"/t/{slug}/{lang}/approve",
            data={"csrf": csrf, "rev": seen, "comment": ""},
            follow_redirects=False,
        )
        after = translation_status(self.ws, slug, lang)
        if seen != current.rev:
            assert r.status_code == 409, (r.status_code, r.text[:300])
            assert after.record.approved == current.record.approved
            REPORT["stale approvals refused"] = REPORT.get("stale approvals refused", 0) + 1
        elif current.unreviewed or not current.in_sync:
            # Refused as it stands: back to the article with the reason.
            assert r.status_code == 303 and "kind=error" in r.headers["location"]
            assert after.record.approved == current.record.approved
        else:
            assert r.status_code == 303 and "kind=error" not in r.headers["location"], r.headers
            assert after.record.approved is not None and after.record.approved.rev == seen
            REPORT["approvals"] = REPORT.get("approvals", 0) + 1

    @rule(slug=st.sampled_from(["the-dam", "wheat-prices"]), lang=st.sampled_from(LANGS))
    def send_back(self, slug: str, lang: str) -> None:
        c, csrf = self.clients["eddie"]
        c.post(f"/t/{slug}/{lang}/send-back", data={"csrf": csrf, "comment": "again"})

    @rule(slug=st.sampled_from(["the-dam", "wheat-prices"]), lang=st.sampled_from(LANGS))
    def publish(self, slug: str, lang: str) -> None:
        from azad.errors import AzadError
        from azad.publish import publish_one

        current = translation_status(self.ws, slug, lang)
        try:
            outcome = publish_one(self.ws, slug, lang, by="eddie")
        except AzadError:
            assert current.status not in ("approved", "published")
            return
        assert current.status in ("approved", "published")
        assert outcome.status in ("published", "unchanged")
        REPORT["publications"] = REPORT.get("publications", 0) + 1

    # ---- invariants ----------------------------------------------------------------
    @invariant()
    def the_note_is_the_last_unit(self) -> None:
        """Where a translation is in step with its article, the note about the author is
        its last unit exactly when the article has one."""
        for name, slug in zip(ARTICLES, self._slugs(), strict=True):
            for lang in LANGS:
                if not translation_status(self.ws, slug, lang).in_sync:
                    continue
                live = self._units(slug, lang)
                note = self.notes[name]
                assert (live[-1].ctx == "note") == (note is not None), (slug, lang)
                if note is not None:
                    assert live[-1].english == note

    @invariant()
    def no_acknowledged_save_is_lost_or_misattached(self) -> None:
        for (slug, lang), texts in self.acks.items():
            tf = Queue(self.ws).read(slug, lang)
            for text in texts:
                holders = [u for u in tf.units if u.text == text]
                assert holders, f"{slug}/{lang}: the acknowledged save {text!r} is lost"
                for u in holders:
                    if not u.obsolete and u.previous_english:
                        # Moved to an edited sentence: only as a draft.
                        assert u.state == "draft", u

    @invariant()
    def the_status_agrees_everywhere(self) -> None:
        rows = {(r.slug, r.lang_key): r for r in queue_rows(self.ws)}
        for slug in self._slugs():
            for lang in LANGS:
                st_ = translation_status(self.ws, slug, lang)
                row = rows[(slug, lang)]
                assert (row.status, row.rev, row.reviewed, row.total) == (
                    st_.status,
                    st_.rev,
                    st_.reviewed,
                    st_.total,
                )
                record = st_.record
                if st_.status == "approved":
                    assert record.approved is not None and record.approved.rev == st_.rev
                if st_.status == "published":
                    assert record.published is not None and record.published.rev == st_.rev
                manifest = self.ws.output_dir / lang / f"{slug}.json"
                # The catalog lists an edition exactly when one was published, and names
                # the content it was published from.
                assert manifest.is_file() == (record.published is not None)
                if record.published is not None:
                    assert json.loads(manifest.read_bytes())["rev"] == record.published.rev


@pytest.mark.slow
def test_newsroom_state_machine(
    tmp_path_factory: pytest.TempPathFactory, test_packages: dict[str, Path], prefect_api: None
) -> None:
    REPORT.clear()

    def make() -> Newsroom:
        return Newsroom(tmp_path_factory.mktemp("newsroom") / "ws", test_packages)

    run_state_machine_as_test(
        make,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    print(f"\nnewsroom state machine: {EXAMPLES} examples × up to {STEPS} steps; {REPORT}")
