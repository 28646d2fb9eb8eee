"""The review queue: the one owner of ``translations/``.

In the manner of translate-toolkit's stores: :mod:`~azad.queue.pofile` is the one PO
parser and serialiser, :mod:`~azad.queue.units` the typed units (state, provenance,
revisions), :mod:`~azad.queue.record` the editor's record, :mod:`~azad.queue.store` the
paths, locks and atomic writes, :mod:`~azad.queue.status` the status and the editor's
actions, :mod:`~azad.queue.articles` the stored English articles, and
:mod:`~azad.queue.edits` the translators' saves. Machine drafts, web saves, CAT
exchange, translation memory, QA, preview, publishing, status and the catalog all read
and write through these.
"""
