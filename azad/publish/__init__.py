"""Publishing: approved translations → PDF and EPUB editions in ``output/``, and the catalog.

The edges of the renderers, one module per job: :mod:`~azad.publish.selection` (what to
publish), :mod:`~azad.publish.credits` (who translated), :mod:`~azad.publish.rendering`
(a snapshot of the queue → PDF, EPUB, HTML, thumbnail and manifest, in memory),
:mod:`~azad.publish.files` (where the files go; all written or none) and
:mod:`~azad.publish.run` (checking, the process pool, the catalog and the record).

* Without ``draft`` only a translation an editor approved is published, from exactly the
  approved content: the translation and its article are read once
  (:meth:`azad.queue.store.Queue.snapshot`), their content revision is checked against the
  approval, and that same snapshot is rendered. One with drafts or empty units, or whose
  English changed since the approval, is refused with the reason.  A
  translation already published from the same content is left alone (``force`` renders it
  again, after a change of styles).
* ``draft`` renders whatever is there, stamped «پیش‌نویس» / «مسوده» on every page, into
  ``output/drafts/<lang>/``; drafts are not recorded and not in the catalog.
* Every file is rendered in memory first and then written atomically (temporary file and
  rename), so a failure or a kill while rendering leaves the previous edition
  byte-identical; the review record is updated only after all files and the catalog are
  in place, so an interrupted publish is simply published again.
* :func:`publish_many` renders several (slug, language) pairs in a process pool, one
  process per core, and regenerates the catalog once at the end.
"""

from azad.publish.credits import credit_of, translators_of
from azad.publish.files import DRAFTS_DIR, EditionFiles, edition_files, edition_id
from azad.publish.rendering import RenderedEdition, edition_of, render_edition
from azad.publish.run import PublishOutcome, publish_many, publish_one, publish_refusal
from azad.publish.selection import draft_pairs, pending, select_pairs

__all__ = [
    "DRAFTS_DIR",
    "EditionFiles",
    "PublishOutcome",
    "RenderedEdition",
    "credit_of",
    "draft_pairs",
    "edition_files",
    "edition_id",
    "edition_of",
    "pending",
    "publish_many",
    "publish_one",
    "publish_refusal",
    "render_edition",
    "select_pairs",
    "translators_of",
]
