"""Break each rule of the review queue on purpose and check that a test catches it.

Usage: .venv/bin/python scripts/mutations.py [N ...]   (default: every mutation)
Each mutation edits one source file, runs the tests named beside it, and restores the
file; the line says CAUGHT or NOT CAUGHT. Run it on a clean work tree."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
M = [
 ("drop the draft flag from the unit revision", "azad/queue/units.py",
  '    data = "\\0".join((english, text, "f" if draft else ""))', '    data = "\\0".join((english, text, ""))',
  ["tests/test_queue.py", "tests/test_review.py", "tests/test_web.py"]),
 ("match by position first", "azad/services/translate.py",
  "    # 2. An edited sentence: the most similar unused old sentence, best pairs first.",
  "    for n, (ctx, english) in enumerate(units):\n        at = {u.ctx: i for i, u in enumerate(old)}.get(ctx)\n        if planned[n] is None and at is not None and at not in used:\n            used.add(at)\n            planned[n] = PlannedEntry(ctx, english, 'changed', old[at])\n    # 2.",
  ["tests/test_queue.py", "tests/test_translate.py"]),
 ("skip the approval revision check", "azad/queue/status.py",
  "        if seen_rev != current.rev:\n", "        if False:\n",
  ["tests/test_queue.py"]),
 ("let a run rewrite an unchanged file", "azad/services/translate.py",
  "            written = False if unchanged else queue.write(job.slug, job.lang_key, updated)",
  "            written = queue.write(job.slug, job.lang_key, replace(updated, metadata={**updated.metadata, 'X-Run': str(id(plan))}))",
  ["tests/test_queue.py"]),
 ("leave the article out of the content revision", "azad/queue/units.py",
  "    h = hashlib.sha256(article_sha.encode())", "    h = hashlib.sha256()",
  ["tests/test_queue.py"]),
 ("publish without the status check", "azad/publish.py",
  "    refusal = publish_refusal(status.status, status.unreviewed, status.total, status.in_sync)",
  "    refusal = ''",
  ["tests/test_queue.py"]),
 ("keep a reviewed translation reviewed under an edited sentence", "azad/services/translate.py",
  '                    state="draft",\n                    provenance=replace(old.provenance, draft=draft.text),',
  '                    state=old.state,\n                    provenance=replace(old.provenance, draft=draft.text),',
  ["tests/test_queue.py"]),
 ("allocate slugs without the lock", "azad/queue/articles.py",
  "        with self.allocating():\n            slugs = self.assign_slugs(",
  "        if True:\n            slugs = self.assign_slugs(",
  ["tests/test_queue.py::test_two_processes_ingesting_same_titled_files_get_two_slugs"]),
 ("print a translation by its id alone", "azad/queue/units.py",
  "            unit = by_pair.get((ctx, english))",
  "            unit = next((u for u in usable if u.ctx == ctx), None)",
  ["tests/test_queue.py"]),
 ("a run replaces the header another writer wrote", "azad/services/translate.py",
  "    return TranslationFile(header=existing.header, metadata=metadata, units=units)",
  "    return TranslationFile(header=existing.header, metadata=new_header.metadata, units=units)",
  ["tests/test_queue.py"]),
 ("a save ignores its base revision", "azad/review/edits.py",
  "            stale = unit.rev != edit.base_rev", "            stale = False",
  ["tests/test_web.py", "tests/test_queue.py"]),
 ("parse PO text with polib's own line splitting", "azad/queue/pofile.py",
  "        catalog = polib.pofile(_PoText(text), wrapwidth=0)", "        catalog = polib.pofile(text, wrapwidth=0)",
  ["tests/test_queue.py", "tests/test_po_property.py"]),
 ("the status cache ignores the article", "azad/review/index.py",
  '                found[(slug, lang)] = f"{po_key}|{record_key}|{source_key}"',
  '                found[(slug, lang)] = f"{po_key}|{record_key}"',
  ["tests/test_queue_machine.py", "tests/test_queue.py"]),
 ("an editor page's Approve follows any save", "azad/web/static/editor.js",
  "    if (approveRev && approveRev.value === data.content_rev_before) {",
  "    if (approveRev) {",
  ["tests/test_browser.py::test_an_editors_approve_covers_only_what_the_page_showed"]),
 # Talking (issue 14): comments, send back, dismissals, claims.
 ("a comment shows under whatever segment has its id", "azad/review/talk.py",
  "        if comment.ctx in holders:",
  "        if True:\n            out.setdefault(comment.ctx, []).append(comment)\n        elif comment.ctx in holders:",
  ["tests/test_talk.py::test_a_comment_follows_its_sentence_and_never_lands_on_another"]),
 ("sending a segment back empties it", "azad/review/talk.py",
  "SegmentEdit(u.ctx, u.text, u.rev, reviewed=False)", "SegmentEdit(u.ctx, '', u.rev, reviewed=False)",
  ["tests/test_talk.py::test_an_editor_sends_one_segment_back_after_approval"]),
 ("a segment sent back stays reviewed", "azad/review/talk.py",
  "SegmentEdit(u.ctx, u.text, u.rev, reviewed=False)", "SegmentEdit(u.ctx, u.text, u.rev, reviewed=True)",
  ["tests/test_talk.py::test_an_editor_sends_one_segment_back_after_approval"]),
 ("a send-back shows as in review", "azad/queue/status.py",
  '        return "sent back"\n', '        return "in review"\n', ["tests/test_talk.py"]),
 ("a send-back stands after the fix", "azad/queue/status.py",
  "    if sent_back or (record.sent_back is not None and not ok):", "    if record.sent_back is not None:",
  ["tests/test_talk.py::test_an_editor_sends_one_segment_back_after_approval"]),
 ("a dismissal covers any text", "azad/review/dismissals.py",
  "    return (text_sha(unit.english), text_sha(unit.text), check)", "    return (text_sha(unit.english), '', check)",
  ["tests/test_talk.py::test_a_translator_dismisses_a_warning_for_exactly_that_text"]),
 ("dismissed warnings count in the QA totals", "azad/web/views_editor.py",
  "        all_warnings.append(warnings)", "        all_warnings.append(warnings + [d.warning for d in dismissed])",
  ["tests/test_talk.py::test_a_translator_dismisses_a_warning_for_exactly_that_text"]),
 ("a save into another's claim says nothing", "azad/review/talk.py",
  "    if holder is None or holder == user:", "    if True:",
  ["tests/test_talk.py::test_saving_into_another_translators_claim_warns_and_names_the_holder"]),
 ("a glossary form is replaced silently", "azad/glossary.py",
  "            if have and have != form:", "            if False:",
  ["tests/test_talk.py::test_an_editor_adds_a_glossary_term_that_the_checks_then_use"]),
]
sel = sys.argv[1:] and [int(a) for a in sys.argv[1:]] or range(len(M))
for i in sel:
    name, f, old, new, tests = M[i]
    p = ROOT / f
    src = p.read_text()
    assert old in src, (name, old)
    p.write_text(src.replace(old, new, 1))
    try:
        r = subprocess.run([str(ROOT/".venv/bin/python"), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests],
                           cwd=ROOT, capture_output=True, text=True, timeout=900)
        tail = [l for l in r.stdout.splitlines() if l.startswith("FAILED") or l.startswith("ERROR")]
        print(f"[{i}] {name}: {'CAUGHT' if r.returncode else 'NOT CAUGHT'} {tail[:2]}", flush=True)
    finally:
        p.write_text(src)
