"""Machine drafting with the real test model: exact translation-memory matches of approved
segments become drafts before the model is asked, and every machine draft carries the
model's own score."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import pytest
from helpers import EXAMPLES, approve, load_po, save_po

from azad import translation_memory as memory_mod
from azad.mt.engine import Scored, get_engine, mean_log_prob
from azad.mt.select import engine_for, select_model
from azad.queue.articles import ArticleStore
from azad.queue.store import Queue
from azad.services import translate as translate_mod
from azad.services.ingest import ingest_files
from azad.services.translate import Job, translate_articles, update_translations
from azad.workspace import Workspace

REUSED = [
    "The Salang Tunnel crosses the Hindu Kush at an altitude of about 3,400 metres and "
    "links Kabul with the northern provinces.",
    "Built with Soviet help and opened in 1964, it was for decades the highest road tunnel "
    "in the world.",
]
NEW = "A new sentence about mountain roads appears here."


class Spy:
    """The real engine, with a record of what it was asked to translate."""

    def __init__(self, ws: Workspace) -> None:
        self.engine = engine_for(ws, select_model(ws, "dari"))
        self.sent: list[str] = []

    @property
    def description(self) -> str:
        return self.engine.description

    @property
    def is_test_model(self) -> bool:
        return self.engine.is_test_model

    def translate(self, sentences: Sequence[str]) -> list[str]:
        return [text for text, _ in self.translate_scored(sentences)]

    def translate_scored(self, sentences: Sequence[str]) -> list[Scored]:
        self.sent.extend(sentences)
        return self.engine.translate_scored(sentences)


def approved_salang(ws: Workspace) -> str:
    """Salang translated by the model, every unit rewritten by a translator, approved."""
    (outcome,) = ingest_files(ws, [EXAMPLES / "salang-tunnel.md"])
    translate_articles(ws, [outcome.slug], ["dari"])
    path = Queue(ws).po_path(outcome.slug, "dari")
    catalog = load_po(path)
    for i, entry in enumerate(catalog):
        entry.msgstr = f"ترجمهٔ تاییدشده {i}"
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    save_po(path, catalog)
    approve(ws, outcome.slug, "dari", "eddie")
    return outcome.slug


def write_article(ws: Workspace, name: str, title: str, sentences: list[str]) -> str:
    path = ws.root / "articles" / name
    path.write_text(
        f'---\ntitle: "{title}"\nauthor: Example Writer\ndate: 2025-10-01\n---\n\n'
        + " ".join(sentences)
        + "\n",
        encoding="utf-8",
    )
    (outcome,) = ingest_files(ws, [path])
    return outcome.slug


def test_approved_sentences_are_drafted_from_memory_not_by_the_model(
    ws_with_models: Workspace,
) -> None:
    ws = ws_with_models
    salang = approved_salang(ws)
    approved = {u.english: u for u in Queue(ws).read(salang, "dari").live}
    slug = write_article(ws, "roads.md", "Mountain Roads", [*REUSED, NEW])
    spy = Spy(ws)
    (report,) = update_translations(
        ws, [Job(slug, ArticleStore(ws).load(slug).article, "dari", "fa-AF")], spy, None
    )
    units = {u.english: u for u in Queue(ws).read(slug, "dari").live}
    for english in REUSED:
        unit, source = units[english], approved[english]
        assert unit.text == source.text and unit.state == "draft"  # fuzzy: to be confirmed
        assert unit.provenance.origin == "memory"
        assert unit.provenance.memory == f"{salang}/dari#{source.ctx}"
        assert unit.provenance.score is None
    # Only the title and the new sentence went to the model.
    assert len(spy.sent) == 2 and report.memory == 2 and report.sent == 2
    assert not any("Salang" in s or "Soviet" in s for s in spy.sent)
    machine = units[NEW]
    assert machine.provenance.origin == "machine" and machine.provenance.test_model
    assert machine.provenance.score is not None and machine.provenance.score < 0


def test_nothing_is_taken_from_a_translation_not_approved(ws_with_models: Workspace) -> None:
    """Machine drafts nobody approved, and an approved translation changed since its
    approval, are not memory."""
    ws = ws_with_models
    salang = approved_salang(ws)
    path = Queue(ws).po_path(salang, "dari")
    catalog = load_po(path)
    catalog[-1].msgstr += " تغییر"  # changed since approval
    save_po(path, catalog)
    (herat,) = ingest_files(ws, [EXAMPLES / "herat-saffron.txt"])
    translate_articles(ws, [herat.slug], ["dari"])  # machine drafts only
    herat_text = [u.english for u in Queue(ws).read(herat.slug, "dari").live][3:5]
    slug = write_article(ws, "roads.md", "Mountain Roads", [*REUSED, *herat_text, NEW])
    (report,) = translate_articles(ws, [slug], ["dari"])
    origins = {u.provenance.origin for u in Queue(ws).read(slug, "dari").live}
    assert origins == {"machine"} and report.memory == 0


def test_a_persons_text_is_never_replaced_by_a_memory_match(ws_with_models: Workspace) -> None:
    ws = ws_with_models
    salang = approved_salang(ws)
    before = REUSED[0].replace("provinces", "province")
    slug = write_article(ws, "roads.md", "Mountain Roads", [before, NEW])
    translate_articles(ws, [slug], ["dari"])
    path = Queue(ws).po_path(slug, "dari")
    catalog = load_po(path)
    for entry in catalog:
        entry.msgstr = "متن مترجم " + entry.msgctxt
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    save_po(path, catalog)
    # The English is edited into exactly a sentence approved in Salang.
    (ws.root / "articles" / "roads.md").write_text(
        (ws.root / "articles" / "roads.md").read_text().replace("province.", "provinces."),
        encoding="utf-8",
    )
    ingest_files(ws, [ws.root / "articles" / "roads.md"])
    (report,) = translate_articles(ws, [slug], ["dari"])
    unit = {u.english: u for u in Queue(ws).read(slug, "dari").live}[REUSED[0]]
    assert unit.text.startswith("متن مترجم ") and unit.state == "draft"
    assert unit.provenance.origin != "memory"
    approved = {u.english: u.text for u in Queue(ws).read(salang, "dari").live}
    assert unit.provenance.draft == approved[REUSED[0]]  # kept beside it, for reference
    assert report.sent == 0


def test_one_memory_per_run_and_approved_files_parsed_once(
    ws_with_models: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = ws_with_models
    approved_salang(ws)
    slugs = [write_article(ws, f"r{i}.md", f"Road Number {i}", [*REUSED, NEW]) for i in range(4)]
    built: list[str] = []
    real_memory = translate_mod.approved_memory

    def counting_memory(ws: Workspace, lang_key: str) -> memory_mod.ApprovedMemory:
        built.append(lang_key)
        return real_memory(ws, lang_key)

    snapshots: list[str] = []
    real_snapshot = Queue.snapshot

    def counting_snapshot(self: Queue, slug: str, lang_key: str):  # type: ignore[no-untyped-def]
        snapshots.append(slug)
        return real_snapshot(self, slug, lang_key)

    monkeypatch.setattr(translate_mod, "approved_memory", counting_memory)
    monkeypatch.setattr(Queue, "snapshot", counting_snapshot)
    reports = translate_articles(ws, slugs, ["dari"])
    assert built == ["dari"]  # one memory for the run's four articles
    assert all(r.memory == 2 for r in reports)
    translate_articles(ws, slugs, ["dari"])
    assert built == ["dari"]  # nothing to draft: the memory is not even read
    # Only the approved translation is read for the memory, and only the first time.
    memory_mod.approved_memory(ws, "dari")
    assert len(snapshots) <= 1


def test_the_score_is_the_mean_log_probability_per_token(ws_with_models: Workspace) -> None:
    """What CTranslate2's score_batch (a separate forced-decoding pass) says the drafts'
    tokens cost, per token, is what the engine records."""
    engine = get_engine(select_model(ws_with_models, "dari").model, ws_with_models.settings.mt)
    sentences = ["The river runs through Kabul.", NEW, "Yes."]
    scored = engine.translate_scored(sentences)
    # One sentence per call: padding in a mixed batch changes int8 results a little.
    for sentence, (text, score) in zip(sentences, scored, strict=True):
        tokens = [engine.encode(sentence)]
        (result,) = engine.translator.translate_batch(
            tokens, beam_size=engine.options.beam_size, length_penalty=0.2, max_decoding_length=64
        )
        (check,) = engine.translator.score_batch(tokens, [result.hypotheses[0]])
        assert text and score is not None
        mean = sum(check.log_probs) / len(check.log_probs)
        # Beam search (4 rows) and forced decoding (1 row) quantise activations slightly
        # differently (int8): equal within 2 %, while a wrong normalisation (CTranslate2's
        # own score, sum / L**0.2) is off by a factor L**0.8, 2.4 for three tokens.
        assert math.isclose(score, mean, rel_tol=0.02)
        raw = sum(check.log_probs) / len(check.log_probs) ** 0.2
        assert not math.isclose(score, raw, rel_tol=0.5)
    # A forced target prefix (NLLB's language token) is in the length, not in the sum.
    tokens = [engine.encode(NEW)]
    first = engine.translator.translate_batch(tokens, beam_size=1)[0].hypotheses[0][0]
    (result,) = engine.translator.translate_batch(
        tokens, target_prefix=[[first]], beam_size=4, length_penalty=0.2, return_scores=True
    )
    (check,) = engine.translator.score_batch(tokens, [result.hypotheses[0]])
    generated = check.log_probs[1:]
    score = mean_log_prob(result.scores[0], len(result.hypotheses[0]), 0.2, forced=1)
    assert math.isclose(score, sum(generated) / len(generated), rel_tol=0.02)
    # The raw CTranslate2 score is not length-normalised with a penalty of 0.2.
    assert mean_log_prob(-10.0, 9, 0.2) == pytest.approx(-10.0 * 10**0.2 / 10)


def test_machine_drafts_record_the_score_in_the_po_file(ws_with_models: Workspace) -> None:
    ws = ws_with_models
    (outcome,) = ingest_files(ws, [EXAMPLES / "herat-saffron.txt"])
    translate_articles(ws, [outcome.slug], ["dari", "pashto"])
    for lang in ("dari", "pashto"):
        text = Queue(ws).po_path(outcome.slug, lang).read_text(encoding="utf-8")
        units = Queue(ws).read(outcome.slug, lang).live
        assert units and all(u.provenance.score is not None for u in units if u.text)
        assert '"score": -' in text


def test_the_translate_command_says_how_many_came_from_memory(
    cli, ws_with_models: Workspace
) -> None:
    ws = ws_with_models
    salang = approved_salang(ws)
    slug = write_article(ws, "roads.md", "Mountain Roads", [*REUSED, NEW])
    result = cli("translate", slug, "--lang", "dari")
    assert result.code == 0, result.err
    assert "2 segments sent to the model" in result.out
    assert "2 drafted from the translation memory" in result.out
    po_text = Queue(ws).po_path(slug, "dari").read_text(encoding="utf-8")
    assert f'"memory": "{salang}/dari#b1.s1", "origin": "memory"' in po_text


def test_the_editor_names_where_a_memory_draft_came_from(ws_with_models: Workspace) -> None:
    from starlette.testclient import TestClient
    from test_review_support import add_users, login

    from azad.web.app import create_app

    ws = ws_with_models
    salang = approved_salang(ws)
    slug = write_article(ws, "roads.md", "Mountain Roads", [*REUSED, NEW])
    translate_articles(ws, [slug], ["dari"])
    add_users(ws)
    c = TestClient(create_app(ws))
    login(c, "dara")
    page = c.get(f"/t/{slug}/dari").text
    sources = re.findall(r'Draft from the translation memory: approved in <a href="([^"]+)"', page)
    assert sources == [f"/t/{salang}/dari#seg-b1.s1", f"/t/{salang}/dari#seg-b1.s2"]
    assert c.get(sources[0].split("#")[0]).status_code == 200
