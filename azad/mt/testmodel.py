"""Build a genuine, tiny Argos Translate package offline, for tests and demos.

Nothing here downloads anything.  :func:`build_test_package` trains a real
SentencePiece model on the small English / Dari / Pashto corpus at the bottom
of ``azad/data/test_corpus.json``, builds a real CTranslate2 Transformer whose weights are drawn
with numpy, and packs both with :func:`azad.mt.packaging.pack_argos_model`.
The result installs with ``argostranslate.package.install_from_path`` and runs
through ``ctranslate2.Translator`` (and Argos' own ``translate``) like any
downloaded package (the weights: :mod:`azad.mt.testweights`).  It does not
translate – it babbles – but it babbles deterministically, in the target
script, with output lengths that follow the source length, which is what
pipeline tests need.
"""

from __future__ import annotations

import collections
import itertools
import json
import random
import tempfile
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import sentencepiece as spm

from azad.mt.packaging import pack_argos_model
from azad.mt.testweights import ARCHITECTURES, build_transformer, output_bias

__all__ = [
    "LANGUAGE_NAMES",
    "TEST_CORPUS",
    "TestModelSize",
    "build_test_package",
    "train_test_sentencepiece",
]

TestModelSize = Literal["tiny", "base"]

LANGUAGE_NAMES = {"en": "English", "fa": "Dari", "ps": "Pashto"}

# Package version of test models: low, so a real package for the same pair is
# always "newer", and distinct from real versions in the installed folder name.
TEST_PACKAGE_VERSION = "0.0.1"


def build_test_package(
    out_dir: Path,
    *,
    from_code: str = "en",
    to_code: str = "fa",
    size: TestModelSize = "tiny",
    seed: int = 0,
) -> Path:
    """Build ``out_dir/translate-{from_code}_{to_code}-test.argosmodel`` and return its path.

    The package is a real Argos package (SentencePiece tokenizer + CTranslate2
    Transformer, int8) with random weights: deterministic for a given ``seed``,
    output in the target language's script (for ``en``, ``fa``, ``ps``) and
    about as many tokens long as the input.  ``size="tiny"`` (2+2 layers,
    d=64, 1k vocabulary) builds in well under a second; ``size="base"``
    (Transformer-base: 6+6 layers, d=512, 8 heads, FFN 2048, 16k vocabulary)
    takes 10–20 s and ~60 MB. Rebuilding with the same arguments gives a
    byte-identical file.

    Metadata marks it with ``"azad_test_model": true``.
    """
    if size not in ARCHITECTURES:
        raise ValueError(f"unknown test model size {size!r} (use 'tiny' or 'base')")
    arch = ARCHITECTURES[size]
    out_dir = Path(out_dir)
    out_path = out_dir / f"translate-{from_code}_{to_code}-test.argosmodel"

    with tempfile.TemporaryDirectory(prefix="azad-testmodel-") as tmp:
        work = Path(tmp)
        sp_path = work / "sentencepiece.model"
        corpus = _training_corpus(arch.synthetic_sentences, seed)
        sp = train_test_sentencepiece(
            sp_path,
            vocab_size=arch.vocab_size,
            sentences=itertools.chain.from_iterable(corpus.values()),
        )
        pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
        bias = output_bias(sp, corpus, to_code)
        spec = build_transformer(arch, pieces, bias, np.random.default_rng(seed))
        model_dir = work / "model"
        model_dir.mkdir()
        spec.save(str(model_dir))
        return pack_argos_model(
            model_dir,
            sp_path,
            out_path,
            from_code=from_code,
            to_code=to_code,
            from_name=LANGUAGE_NAMES.get(from_code, from_code),
            to_name=f"{LANGUAGE_NAMES.get(to_code, to_code)} (test model)",
            package_version=TEST_PACKAGE_VERSION,
            extra_metadata={
                "azad_test_model": True,
                "azad_test_model_size": size,
                "azad_test_model_seed": seed,
            },
        )


def train_test_sentencepiece(
    out_path: Path,
    *,
    vocab_size: int = 1000,
    sentences: Iterable[str] | None = None,
) -> spm.SentencePieceProcessor:
    """Train a unigram SentencePiece model (default: on :data:`TEST_CORPUS`) and load it.

    ``<unk>``, ``<s>`` and ``</s>`` get ids 0–2 and byte fallback is on, so
    every Unicode string is encodable.  Training is deterministic.
    """
    if sentences is None:
        sentences = itertools.chain.from_iterable(TEST_CORPUS.values())
    out_path = Path(out_path)
    with out_path.open("wb") as model_file:
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(sentences),
            model_writer=model_file,
            model_type="unigram",
            vocab_size=vocab_size,
            # The corpus may support fewer pieces than asked; take what there is.
            hard_vocab_limit=False,
            character_coverage=1.0,
            byte_fallback=True,
            # Plain NFKC instead of SentencePiece's default nmt_nfkc, which turns
            # ZWNJ (U+200C, essential in Dari: می‌گوید) into a space.
            normalization_rule_name="nfkc",
            unk_id=0,
            bos_id=1,
            eos_id=2,
            pad_id=-1,
            num_threads=1,  # deterministic regardless of the machine
            minloglevel=2,
        )
    return spm.SentencePieceProcessor(model_file=str(out_path))


# --------------------------------------------------------------------------
# Training text


def _training_corpus(synthetic_per_language: int, seed: int) -> dict[str, list[str]]:
    """Per-language training sentences: the corpus, plus pseudo-words if asked."""
    rng = random.Random(seed)
    corpus: dict[str, list[str]] = {}
    for lang, sentences in TEST_CORPUS.items():
        corpus[lang] = list(sentences)
        if synthetic_per_language:
            corpus[lang] += _pseudo_sentences(sentences, synthetic_per_language, rng)
    return corpus


_BOW, _EOW = "\x02", "\x03"


def _pseudo_sentences(sentences: Sequence[str], count: int, rng: random.Random) -> list[str]:
    """Sentences of pseudo-words from a character-trigram model of ``sentences``.

    They look like the language (same letters, plausible clusters) and give
    SentencePiece enough distinct substrings to fill a 16k vocabulary.
    """
    table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for sentence in sentences:
        for word in sentence.split():
            padded = _BOW * 2 + word + _EOW
            for i in range(2, len(padded)):
                table[padded[i - 2 : i]][padded[i]] += 1
    choices = {
        ctx: (list(counter), list(itertools.accumulate(counter.values())))
        for ctx, counter in table.items()
    }
    out = []
    for _ in range(count):
        words = []
        for _ in range(rng.randint(6, 16)):
            ctx, word = _BOW * 2, ""
            while len(word) < 14:
                chars, cum_weights = choices[ctx]
                char = rng.choices(chars, cum_weights=cum_weights)[0]
                if char == _EOW:
                    break
                word += char
                ctx = ctx[1:] + char
            if word:
                words.append(word)
        out.append(" ".join(words))
    return out


# --------------------------------------------------------------------------
# Output bias: which pieces the babble is made of


def _load_corpus() -> dict[str, tuple[str, ...]]:
    # News-style sentences on the same topics in English, Dari and Pashto, written for the
    # test model (not aligned translations): Dari with Persian ی/ک and ZWNJ, Pashto with its
    # own letters (ټ ډ ړ ښ ږ ګ ڼ ځ څ ې ۍ ئ ي). Data, so it lives in a data file.
    text = (resources.files("azad") / "data" / "test_corpus.json").read_text(encoding="utf-8")
    return {lang: tuple(sentences) for lang, sentences in json.loads(text).items()}


TEST_CORPUS: dict[str, tuple[str, ...]] = _load_corpus()
