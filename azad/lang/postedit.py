"""Language-aware post-editing of machine translation output.

It may run before or after :func:`azad.mt.protect.restore`:

* before (on the model's output, placeholders still in it): placeholders are treated as
  verbatim, direction-neutral text, and glossary targets restored afterwards are exactly
  what the editors wrote (neither folded nor touched by the Dari lexicon);
  ``Substitution.start`` then refers to the text before restoration;
* after: URLs, e-mail addresses, acronyms and dates are inside Unicode isolates, which
  post-editing leaves alone, and ``Substitution.start`` refers to the final text.
"""

from __future__ import annotations

from azad.lang.common import DARI, Postedit, check_lang
from azad.lang.dari import Lexicon, postprocess_dari
from azad.lang.pashto import postprocess_pashto


def postprocess(text: str, lang: str, *, lexicon: Lexicon | None = None) -> Postedit:
    """Post-edit ``text`` for ``lang`` (``fa-AF`` or ``ps-AF``).

    Idempotent: post-editing the result again changes nothing.  ``lexicon`` replaces the
    shipped Dari lexicon (a workspace's own); Pashto has none and ignores it.
    """
    if check_lang(lang) == DARI:
        return postprocess_dari(text, lexicon)
    return postprocess_pashto(text)
