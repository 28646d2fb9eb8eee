"""The credit line's facts: who translated, and whether a machine drafted it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from azad.db.users import display_name, script_of
from azad.queue.record import ReviewRecord
from azad.queue.units import TranslationFile
from azad.render.edition import Credit
from azad.workspace import Workspace

# Names a PO file's Last-Translator has before anyone set it (gettext's template).
_PLACEHOLDER_TRANSLATORS = frozenset({"", "FULL NAME", "FULL NAME <EMAIL@ADDRESS>"})


def translators_of(tf: TranslationFile, record: ReviewRecord) -> list[str]:
    """Who translated: the PO file's Last-Translator and whoever claimed the translation in
    the review queue, in that order; the approving editor when nobody else is known."""
    names: list[str] = []
    last = re.sub(r"\s*<[^>]*>\s*", "", tf.metadata.get("Last-Translator", "")).strip()
    if last not in _PLACEHOLDER_TRANSLATORS:
        names.append(last)
    names += [event.by for event in record.history if event.action == "claim"]
    if not names and record.approved is not None:
        names.append(record.approved.by)
    return list(dict.fromkeys(n for n in names if n))


def printed_names(ws: Workspace, names: Sequence[str], lang_code: str) -> list[str]:
    """``names`` as the edition in ``lang_code`` prints them: each login name's display
    name in the edition's script (:func:`azad.db.users.display_name`), any other name
    as given; a person named twice once."""
    script = script_of(lang_code)
    return list(dict.fromkeys(display_name(ws, name, script) for name in names))


def credit_of(
    tf: TranslationFile,
    record: ReviewRecord,
    translators: Sequence[str] | None,
    ws: Workspace | None = None,
    lang_code: str = "",
) -> Credit:
    """The credit line's facts: names (given, else from the PO file and review record;
    with ``ws``, as printed in ``lang_code``'s script), whether any unit started as a
    machine draft, whether that draft was the test model's."""
    live = tf.live
    names = list(translators) if translators else translators_of(tf, record)
    if ws is not None:
        names = printed_names(ws, names, lang_code)
    return Credit(
        translators=tuple(names),
        machine_draft=any(u.provenance.is_machine or u.provenance.draft for u in live),
        # The test model's words are printed unless every unit from it is known to have
        # been rewritten (a CAT tool that changes a text does not say what it was).
        test_model=any(
            u.provenance.test_model and (not u.provenance.draft or u.text == u.provenance.draft)
            for u in live
        ),
    )
