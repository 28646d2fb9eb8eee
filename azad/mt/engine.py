"""The MT engine: an Argos package driven through CTranslate2 directly, in large batches.

Argos's own ``translate()`` splits sentences with models it downloads, and calls
``translate_batch`` once per paragraph with 32-token batches on one thread pool. Here the
article's segments are the sentences, all of them go to CTranslate2 at once, batched by
tokens, with ``inter_threads`` batches in parallel (one per core) and one thread each.
Decoding settings (beam 4, length penalty 0.2) are Argos's, so outputs match.

Sentences are grouped by token length and cut into chunks that are submitted
asynchronously: one ``translate_batch`` call runs on a single replica, however many
``inter_threads`` there are (measured: a second core sat idle). Concurrent callers of one
model in a process share these calls through :mod:`azad.mt.batching`.

SentencePiece decoding is done with ``sentencepiece`` itself: Argos's
``SentencePieceTokenizer.decode`` turns every ``_`` into a space, which breaks NLLB language
tokens and real underscores.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import ctranslate2
import sentencepiece as spm

from azad.errors import AzadError
from azad.mt.packages import InstalledModel
from azad.settings import MTSettings

# Each chunk's output limit is relative to its own longest source (CTranslate2 takes one
# max_decoding_length per call), plus a little slack for very short sources.
_DECODING_SLACK = 10
# Below a few hundred tokens a chunk's decoding time is mostly per-step overhead, so a
# handful of sentences (one edited paragraph) goes in one or two chunks, not one each:
# measured on the base-sized test model, 4–8 sentences took 0.75–0.8× the time of the
# former 64-token floor.
_MIN_CHUNK_TOKENS = 256


class Backend(Protocol):
    """What translation needs from an MT system (tests use a small double)."""

    @property
    def description(self) -> str:
        """Engine, package and version, as recorded in the PO comments."""
        ...

    @property
    def is_test_model(self) -> bool: ...

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """One translation per sentence, in order."""
        ...


Scored = tuple[str, float | None]
"""A translation and the model's confidence in it (:func:`mean_log_prob`); None where
the engine gives no score."""


@runtime_checkable
class ScoringBackend(Backend, Protocol):
    """A backend that also gives the model's own score of each translation."""

    def translate_scored(self, sentences: Sequence[str]) -> list[Scored]:
        """One (translation, mean log-probability per token) per sentence, in order."""
        ...


def mean_log_prob(
    ct2_score: float, hypothesis_tokens: int, length_penalty: float, forced: int = 0
) -> float:
    """The model's mean log-probability per output token, from CTranslate2's score.

    With ``return_scores`` CTranslate2 gives the summed log-probabilities of the tokens it
    generated (the end token included, a forced target prefix such as NLLB's language token
    not) divided by ``L ** length_penalty``, where ``L`` is the hypothesis's length (prefix
    included) plus the end token; measured against ``score_batch``, which gives every
    token's log-probability. With the project's ``length_penalty`` of 0.2 that number still
    grows with length, so the penalty is undone and the sum divided by the number of
    tokens it covers: a length-independent figure in (-inf, 0]; ``exp`` of it, 0 to 1, is
    the geometric mean of the tokens' probabilities, the editor's "model confidence"."""
    length = hypothesis_tokens + 1
    return ct2_score * length**length_penalty / max(1, length - forced)


@dataclass(frozen=True)
class DecodeOptions:
    beam_size: int = 4
    length_penalty: float = 0.2
    max_decoding_ratio: float = 3.0
    max_batch_tokens: int = 4096

    @classmethod
    def from_settings(cls, mt: MTSettings, **overrides: float | int) -> DecodeOptions:
        values = {
            "beam_size": mt.beam_size,
            "length_penalty": mt.length_penalty,
            "max_decoding_ratio": mt.max_decoding_ratio,
            "max_batch_tokens": mt.max_batch_tokens,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


class CT2Engine:
    """One installed package loaded once: a CTranslate2 translator and its tokenizer."""

    def __init__(self, model: InstalledModel, mt: MTSettings) -> None:
        self.model = model
        self.options = DecodeOptions.from_settings(mt)
        sp_path = model.path / "sentencepiece.model"
        if not sp_path.is_file():
            raise AzadError(
                f"{model.path}: package has no sentencepiece.model (BPE packages are not supported)"
            )
        self.sp = spm.SentencePieceProcessor(model_file=str(sp_path))
        inter = mt.inter_threads or os.cpu_count() or 1
        self.inter_threads = inter
        try:
            self.translator = ctranslate2.Translator(
                str(model.path / "model"),
                device=mt.device,
                compute_type=mt.compute_type,
                inter_threads=inter,
                intra_threads=mt.intra_threads,
            )
        except (RuntimeError, ValueError) as exc:
            raise AzadError(f"{model.path}: cannot load the model: {exc}") from None

    @property
    def description(self) -> str:
        return f"argos/ctranslate2 {self.model.label}"

    @property
    def is_test_model(self) -> bool:
        return self.model.is_test_model

    def encode(self, sentence: str) -> list[str]:
        pieces: list[str] = self.sp.encode(sentence, out_type=str)
        return [*self.model.source_prefix, *pieces, *self.model.source_suffix]

    def decode(self, tokens: list[str]) -> str:
        prefix = self.model.target_prefix
        if prefix and tokens[:1] == [prefix]:
            tokens = tokens[1:]
        text: str = self.sp.decode_pieces(tokens)
        return text.strip()

    def translate(
        self, sentences: Sequence[str], options: DecodeOptions | None = None
    ) -> list[str]:
        return [text for text, _ in self.translate_scored(sentences, options)]

    def translate_scored(
        self, sentences: Sequence[str], options: DecodeOptions | None = None
    ) -> list[Scored]:
        """Translations with the model's mean log-probability per token
        (:func:`mean_log_prob`); returning scores costs CTranslate2 nothing extra."""
        opts = options or self.options
        tokenized = [self.encode(s) for s in sentences]
        prefix = self.model.target_prefix
        # One translate_batch call runs on one of the translator's replicas; submitting
        # several length-sorted chunks asynchronously keeps every replica (core) busy.
        jobs = []
        for chunk in _chunks(tokenized, opts.max_batch_tokens, self.inter_threads):
            longest = max(len(tokenized[i]) for i in chunk)
            futures = self.translator.translate_batch(
                [tokenized[i] for i in chunk],
                target_prefix=[[prefix]] * len(chunk) if prefix else None,
                beam_size=opts.beam_size,
                length_penalty=opts.length_penalty,
                max_batch_size=opts.max_batch_tokens,
                batch_type="tokens",
                replace_unknowns=True,
                max_decoding_length=math.ceil(longest * opts.max_decoding_ratio) + _DECODING_SLACK,
                return_scores=True,
                asynchronous=True,
            )
            jobs.append((chunk, futures))
        results: list[Scored] = [("", None)] * len(sentences)
        for chunk, futures in jobs:
            for i, future in zip(chunk, futures, strict=True):
                result = future.result()
                tokens = result.hypotheses[0]
                score = mean_log_prob(
                    result.scores[0], len(tokens), opts.length_penalty, 1 if prefix else 0
                )
                results[i] = (self.decode(tokens), score)
        return results


def _chunks(tokenized: list[list[str]], max_tokens: int, workers: int) -> list[list[int]]:
    """Indices of ``tokenized`` in chunks of sentences of one token length, at most
    ``max_tokens`` tokens each, small enough that every worker gets about two chunks.

    One length per chunk means no padding, and without padding a sentence's translation
    does not depend on what else is in its batch (measured: with padded chunks of mixed
    lengths, 11 of 352 sentences of the base test model came out differently than alone;
    with equal lengths, none of 616). So an article translates the same alone or in a
    backlog of hundreds (:mod:`azad.mt.batching`), and no padding is computed.
    """
    if not tokenized:
        return []
    total = sum(len(t) for t in tokenized)
    budget = min(max_tokens, max(_MIN_CHUNK_TOKENS, total // (2 * workers) + 1))
    by_length: dict[int, list[int]] = {}
    for i, tokens in enumerate(tokenized):
        by_length.setdefault(len(tokens), []).append(i)
    chunks: list[list[int]] = []
    # Longest first: the slowest chunks start first and the short ones fill in after.
    for length in sorted(by_length, reverse=True):
        group = by_length[length]
        per = max(1, budget // max(1, length))
        chunks += [group[k : k + per] for k in range(0, len(group), per)]
    return chunks


_engines: dict[tuple[Path, MTSettings], CT2Engine] = {}
_engines_lock = threading.Lock()


def get_engine(model: InstalledModel, mt: MTSettings) -> CT2Engine:
    """The engine for ``model``, loaded once per process and shared between threads."""
    key = (model.path, mt)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = CT2Engine(model, mt)
        return engine
