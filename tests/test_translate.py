from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import polib
from helpers import EXAMPLES, SHARED_SAMPLES, copy_file, load_po, needs_shared, save_po

from azad.model import Article
from azad.queue.articles import ArticleStore
from azad.queue.store import Queue
from azad.services.translate import Job, plan_update, update_translations
from azad.workspace import Workspace


class RecordingBackend:
    """A test double: 'translates' by echoing, and records what it was sent."""

    description = "echo (test double)"
    is_test_model = True

    def __init__(self, drop_placeholders: bool = False) -> None:
        self.sent: list[str] = []
        self.drop = drop_placeholders

    def translate(self, sentences: Sequence[str]) -> list[str]:
        self.sent.extend(sentences)
        if self.drop:
            import re

            return [re.sub(r"XZ\d+", "", s) for s in sentences]
        return list(sentences)


def msgfmt_check(path: Path) -> None:
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)


def ingest(cli, path: Path) -> str:
    result = cli("ingest", str(path))
    assert result.code == 0, result.err
    return result.out.split()[1]


def test_translate_all_languages_with_the_test_model(cli, ws_with_models: Workspace) -> None:
    slug = ingest(cli, EXAMPLES / "herat-saffron.txt")
    result = cli("translate", "herat-saffron", "--lang", "all")
    assert result.code == 0, result.err
    assert "TEST MODEL" in result.err
    article = ArticleStore(ws_with_models).load(slug).article
    segments = list(article.segments())
    for key in ("dari", "pashto"):
        path = ws_with_models.article_dir(slug) / f"{key}.po"
        msgfmt_check(path)
        catalog = load_po(path)
        # The title first, then one entry per sentence segment, in reading order, then
        # the note about the author.
        assert article.meta.author_note
        assert [(e.msgctxt, e.msgid) for e in catalog] == [
            ("title", article.meta.title),
            *[(s.id, s.text) for s in segments],
            ("note", article.meta.author_note),
        ]
        assert all("fuzzy" in e.flags and e.msgstr for e in catalog)
        units = Queue(ws_with_models).read(slug, key).live
        assert all(u.provenance.engine == "argos/ctranslate2" for u in units)
        assert all(u.provenance.package.startswith("translate-en_") for u in units)
        assert all(u.provenance.test_model and u.is_machine_draft for u in units)
    assert catalog.metadata["Language"] == "ps_AF"


@needs_shared
def test_translate_the_shared_sample(cli, ws_with_models: Workspace) -> None:
    ingest(cli, SHARED_SAMPLES / "kabul-river-water.txt")
    result = cli("translate", "kabul-river-water", "--lang", "all")
    assert result.code == 0, result.err
    for key in ("dari", "pashto"):
        path = ws_with_models.article_dir("sharing-the-kabul-river") / f"{key}.po"
        msgfmt_check(path)
        entries = load_po(path)
        # the title, 23 sentences, and the closing note about the author last
        assert len(entries) == 1 + 23 + 1
        assert entries[-1].msgctxt == "note"
        assert entries[-1].msgid.startswith("Sample Author is")


def test_second_run_sends_nothing_and_writes_nothing(cli, ws_with_models: Workspace) -> None:
    slug = ingest(cli, EXAMPLES / "salang-tunnel.md")
    assert cli("translate", slug, "--lang", "dari").code == 0
    path = ws_with_models.article_dir(slug) / "dari.po"
    before = path.stat().st_mtime_ns, path.read_bytes()
    result = cli("translate", slug, "--lang", "dari")
    assert result.code == 0
    assert "0 segments sent to the model" in result.out
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def review_all(path: Path, prefix: str = "REVIEWED ") -> None:
    catalog = load_po(path)
    for entry in catalog:
        entry.msgstr = prefix + entry.msgid
        entry.flags.remove("fuzzy")
    save_po(path, catalog)


def test_changed_paragraph_is_the_only_one_retranslated(
    cli, ws_with_models: Workspace, tmp_path: Path
) -> None:
    src = copy_file(EXAMPLES / "salang-tunnel.md", tmp_path / "in")
    slug = ingest(cli, src)
    assert cli("translate", slug, "--lang", "dari").code == 0
    po = ws_with_models.article_dir(slug) / "dari.po"
    review_all(po)

    old_sentence = "Both would cost billions of dollars."
    new_sentence = "Both would cost several billion dollars."
    src.write_text(src.read_text().replace(old_sentence, new_sentence))
    ingest(cli, src)
    article = ArticleStore(ws_with_models).load(slug).article
    (block,) = [b for b in article.blocks if new_sentence in b.text]

    backend = RecordingBackend()
    job = Job(slug, article, "dari", "fa-AF")
    (report,) = update_translations(ws_with_models, [job], backend, None)
    assert backend.sent == [new_sentence]
    assert (report.kept, report.changed, report.new) == (len(report_entries(po)) - 1, 1, 0)

    catalog = load_po(po)
    changed = [e for e in catalog if e.msgid == new_sentence]
    assert len(changed) == 1
    assert "fuzzy" in changed[0].flags and changed[0].previous_msgid == old_sentence
    # The reviewed translation stays for the translator to adapt; the draft is a comment.
    assert changed[0].msgstr == "REVIEWED " + old_sentence
    unit = Queue(ws_with_models).read(slug, "dari").unit(changed[0].msgctxt)
    assert unit is not None and unit.provenance.draft == new_sentence
    others = [e for e in catalog if e.msgid != new_sentence]
    assert others and all(_reviewed(e) and e.msgstr == "REVIEWED " + e.msgid for e in others)
    assert {e.msgctxt for e in catalog} == {"title"} | {s.id for s in article.segments()}
    assert [s.id for s in block.segments if s.text == new_sentence] == [changed[0].msgctxt]


def _reviewed(entry: polib.POEntry) -> bool:
    return bool(entry.msgstr) and "fuzzy" not in entry.flags and not entry.obsolete


def report_entries(path: Path) -> list[polib.POEntry]:
    return [e for e in load_po(path) if not e.obsolete]


def test_inserted_paragraph_does_not_disturb_the_others(workspace: Workspace) -> None:
    from azad.readers import ReadOptions, Source, read_source

    text = (EXAMPLES / "salang-tunnel.md").read_text()
    first = read_source(Source("a.md", text.encode()), ReadOptions())
    inserted = text.replace(
        "## An Ageing Structure",
        "A new paragraph appears here. It has two sentences.\n\n## An Ageing Structure",
    )
    second = read_source(Source("a.md", inserted.encode()), ReadOptions())
    art_dir = workspace.article_dir("a")
    backend = RecordingBackend()
    update_translations(workspace, [Job("a", first, "dari", "fa-AF")], backend, None)
    review_all(art_dir / "dari.po")
    backend.sent.clear()
    update_translations(workspace, [Job("a", second, "dari", "fa-AF")], backend, None)
    assert backend.sent == ["A new paragraph appears here.", "It has two sentences."]
    catalog = load_po(art_dir / "dari.po")
    assert sum(_reviewed(e) for e in catalog) == 1 + len(list(first.segments()))


def test_removed_segments_are_kept_as_obsolete(workspace: Workspace) -> None:
    tmp_path = workspace.article_dir("a")
    from azad.readers import ReadOptions, Source, read_source

    text = (EXAMPLES / "salang-tunnel.md").read_text()
    first = read_source(Source("a.md", text.encode()), ReadOptions())
    shorter = text.replace("Both would cost billions of dollars. ", "")
    second = read_source(Source("a.md", shorter.encode()), ReadOptions())
    backend = RecordingBackend()
    update_translations(workspace, [Job("a", first, "dari", "fa-AF")], backend, None)
    review_all(tmp_path / "dari.po")
    update_translations(workspace, [Job("a", second, "dari", "fa-AF")], backend, None)
    catalog = load_po(tmp_path / "dari.po")
    (gone,) = catalog.obsolete_entries()
    assert gone.msgid == "Both would cost billions of dollars."
    assert gone.msgstr == "REVIEWED Both would cost billions of dollars."
    msgfmt_check(tmp_path / "dari.po")


def test_lost_placeholder_is_flagged_not_repaired(workspace: Workspace) -> None:
    tmp_path = workspace.article_dir("a")
    from azad.readers import ReadOptions, Source, read_source

    article = read_source(
        Source("a.md", b"---\ntitle: Roads\n---\n\nThe ADB paid 40 million dollars in 2021.\n"),
        ReadOptions(),
    )
    update_translations(
        workspace,
        [Job("a", article, "dari", "fa-AF")],
        RecordingBackend(drop_placeholders=True),
        None,
    )
    (entry,) = [e for e in load_po(tmp_path / "dari.po") if e.msgctxt == "b1.s1"]
    assert any(
        q.startswith("placeholder") for q in Queue(workspace).read("a", "dari").unit("b1.s1").qa
    )
    assert "ADB" not in entry.msgstr


def test_plan_of_an_unchanged_article_translates_nothing(workspace: Workspace) -> None:
    from azad.readers import ReadOptions, Source, read_source

    article: Article = read_source(
        Source("a.md", (EXAMPLES / "salang-tunnel.md").read_bytes()), ReadOptions()
    )
    update_translations(workspace, [Job("a", article, "dari", "fa-AF")], RecordingBackend(), None)
    plan = plan_update(article, Queue(workspace).read("a", "dari"))
    assert plan.to_translate == [] and plan.obsolete == []


def test_a_save_made_while_the_model_runs_is_kept(workspace: Workspace) -> None:
    tmp_path = workspace.article_dir("a")
    from azad.readers import ReadOptions, Source, read_source

    text = (EXAMPLES / "salang-tunnel.md").read_text()
    first = read_source(Source("a.md", text.encode()), ReadOptions())
    second = read_source(
        Source("a.md", text.replace("billions of", "several billion").encode()), ReadOptions()
    )
    po = tmp_path / "dari.po"
    update_translations(workspace, [Job("a", first, "dari", "fa-AF")], RecordingBackend(), None)

    class SavingBackend(RecordingBackend):
        """A translator saves a segment while the model is busy with the changed one."""

        def translate(self, sentences: Sequence[str]) -> list[str]:
            catalog = load_po(po)
            entry = next(e for e in catalog if e.msgctxt == "title")
            entry.msgstr, entry.flags = "عنوان بازبینی‌شده", []
            save_po(po, catalog)
            return super().translate(sentences)

    backend = SavingBackend()
    update_translations(workspace, [Job("a", second, "dari", "fa-AF")], backend, None)
    assert backend.sent == ["Both would cost several billion dollars."]
    catalog = load_po(po)
    (title,) = [e for e in catalog if e.msgctxt == "title"]
    assert title.msgstr == "عنوان بازبینی‌شده" and _reviewed(title)
    assert [e.msgid for e in catalog if "fuzzy" in e.flags and e.previous_msgid] == [
        "Both would cost several billion dollars."
    ]


def _article(*sentences: str) -> Article:
    from azad.readers import ReadOptions, Source, read_source

    body = "\n\n".join(sentences)
    return read_source(Source("a.md", f"---\ntitle: T\n---\n\n{body}\n".encode()), ReadOptions())


def _retranslate(workspace: Workspace, before: Article, after: Article) -> RecordingBackend:
    """Translate ``before``, review everything (``REVIEWED`` + the English), then bring
    the translation up to date with ``after``."""
    backend = RecordingBackend()
    update_translations(workspace, [Job("a", before, "dari", "fa-AF")], backend, None)
    review_all(workspace.article_dir("a") / "dari.po")
    backend.sent.clear()
    update_translations(workspace, [Job("a", after, "dari", "fa-AF")], backend, None)
    return backend


HOSPITAL = "The governor visited the new hospital in Herat."
TEACHERS = "Teachers in the capital have not been paid for months."


def test_an_unrelated_replacement_gets_a_fresh_draft_and_the_old_text_as_a_suggestion(
    workspace: Workspace,
) -> None:
    """Issue 23's case: the reviewed translation of the hospital visit never becomes the
    text of the teachers' sentence that replaced it; it is a suggestion there, and stays
    an obsolete entry."""
    farmers = "Farmers downstream are worried about the water."
    backend = _retranslate(workspace, _article(HOSPITAL, farmers), _article(TEACHERS, farmers))
    assert backend.sent == [TEACHERS]
    tf = Queue(workspace).read("a", "dari")
    (unit,) = [u for u in tf.live if u.english == TEACHERS]
    assert unit.text == TEACHERS and unit.is_machine_draft and not unit.previous_english
    assert unit.provenance.suggestion == "REVIEWED " + HOSPITAL
    assert unit.provenance.suggestion_english == HOSPITAL
    (gone,) = tf.obsolete
    assert (gone.english, gone.text) == (HOSPITAL, "REVIEWED " + HOSPITAL)
    (kept,) = [u for u in tf.live if u.english == farmers]
    assert kept.reviewed and kept.text == "REVIEWED " + farmers


def test_five_unrelated_replacements_carry_no_other_sentences_text(workspace: Workspace) -> None:
    old = [
        HOSPITAL,
        "The dam was finished in spring.",
        "Its report is due in June.",
        "Engineers say the spillway is too small.",
        "Rain came early this year.",
    ]
    new = [
        TEACHERS,
        "Nobody expected the flood in the valley.",
        "The road to the pass is open again.",
        "Traders in the bazaar blame the border closures.",
        "The council met on the first day of the month.",
    ]
    _retranslate(workspace, _article(*old), _article(*new))
    tf = Queue(workspace).read("a", "dari")
    for english in new:
        (unit,) = [u for u in tf.live if u.english == english]
        assert unit.text == english and unit.is_machine_draft, unit
    assert sorted(u.english for u in tf.obsolete) == sorted(old)


COMPETED = (
    "Engineers from the ministry say the spillway of the new dam is too small for the spring "
    "floods."
)


def test_competing_edits_the_more_similar_sentence_takes_the_old_translation(
    workspace: Workspace,
) -> None:
    """Two edited sentences both resemble the one old sentence: the more similar one gets
    its translation (best pairs first), wherever the other stands; the other gets a fresh
    draft."""
    closer = COMPETED.replace("is too small", "is far too small")
    farther = closer.replace("ministry say", "ministry now say")
    plan = plan_update(_article(farther, closer), None)
    assert [e.state for e in plan.entries] == ["new", "new", "new"]
    _retranslate(workspace, _article(COMPETED), _article(farther, closer))
    tf = Queue(workspace).read("a", "dari")
    (near,) = [u for u in tf.live if u.english == closer]
    (far,) = [u for u in tf.live if u.english == farther]
    assert near.text == "REVIEWED " + COMPETED and near.previous_english == COMPETED
    assert near.state == "draft" and near.provenance.draft == closer
    assert far.text == farther and far.is_machine_draft and not far.previous_english
