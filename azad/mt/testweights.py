"""The test model's Transformer: random weights, with a few wired by hand.

How the babble gets realistic lengths.  Random Transformers either stop at
once or never stop, so a few weights are wired by hand (the rest is random):

* the *encoder* position encodings carry a linear ramp (``_D_SRC_RAMP``);
* the last head of the last decoder cross-attention has zero query and key
  weights, so it attends uniformly over the source and copies the *mean* of
  that ramp – proportional to the source length – into ``_D_SRC_LEN``;
* the *decoder* position encodings carry a ramp too (``_D_TGT_POS``);
* the ``</s>`` row of the output projection reads ``_D_TGT_POS − c·_D_SRC_LEN``,
  so ``</s>`` wins once the output is about as long as the input.

Each signal lives in a +/- pair of dimensions that no other sublayer writes
to.  Further tweaks keep the babble varied rather than looping: FFN outputs
are re-centred, position encodings are random rather than sinusoidal, token
embeddings are weak, and the projection reads the token just emitted back
negatively.  The projection bias prefers pieces seen in the target
language's part of the corpus (so ``fa``/``ps`` output is in Arabic script)
and forbids byte-fallback and control pieces.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from dataclasses import dataclass
from typing import Any

import ctranslate2
import numpy as np
import sentencepiece as spm


@dataclass(frozen=True)
class Architecture:
    encoder_layers: int
    decoder_layers: int
    d_model: int
    num_heads: int
    ffn_dim: int
    vocab_size: int
    # Extra pseudo-word sentences per language: the hand-written corpus only
    # supports ~1–2k pieces, a Transformer-base-sized vocabulary needs more.
    synthetic_sentences: int
    # Weight of the source-length signal against the target position in the
    # </s> logit (see module docstring); tuned per architecture so that output
    # length ≈ source length.  It depends on the typical encoder output scale.
    length_gain: float
    # Added to the </s> bias: larger vocabularies have larger maximum token
    # logits, which </s> must beat.  Tuned together with length_gain.
    eos_offset: float
    quantization: str


ARCHITECTURES: dict[str, Architecture] = {
    "tiny": Architecture(2, 2, 64, 4, 128, 1000, 0, 2.4, 0.0, "int8"),
    "base": Architecture(6, 6, 512, 8, 2048, 16000, 8000, 3.25, 3.0, "int8"),
}

# Hand-wired residual dimensions (see module docstring), as +/- pairs: layer
# norm subtracts the mean over all dimensions, and that mean (set by the random
# weights) cancels out of the difference of a pair.
_D_SRC_RAMP = (0, 1)
_D_SRC_LEN = (2, 3)
_D_TGT_POS = (4, 5)
_RESERVED = [*_D_SRC_RAMP, *_D_SRC_LEN, *_D_TGT_POS]

# Position tables must cover every position CTranslate2 may ask for:
# translate_batch truncates sources at max_input_length=1024 by default.
_MAX_POSITIONS = 1024
# Per-position slope of the ramps; small, so the layer norms stay near-linear
# over sentence-sized lengths.
_RAMP = 0.03
# Logit slope of </s> per unit of (normalised) ramp difference.
_EOS_SLOPE = 40.0
# Spread of random token logits and the preference for target-language pieces.
_LOGIT_SCALE = 2.5
_TARGET_BONUS = 4.0
_FORBIDDEN = -1.0e4
_WORD_BONUS = 1.0
_POSITION_SCALE = 1.0
# Token embeddings are kept weaker than position and source information: when
# the decoder state is mostly a function of the previous token, decoding
# collapses into cycles ("a b a b ...").
_EMBEDDING_SCALE = 0.4
# Strength of the "don't repeat the token just emitted" read-out.
_REPEAT_PENALTY = 4.0


def output_bias(
    sp: spm.SentencePieceProcessor, corpus: dict[str, list[str]], to_code: str
) -> np.ndarray:
    """Projection bias favouring pieces used by the target language.

    Control pieces (``<unk>``, ``<s>``) and byte-fallback pieces are forbidden:
    a lone byte piece decodes to U+FFFD.  ``</s>`` is handled separately.
    """
    size = sp.get_piece_size()
    counts = {
        lang: np.bincount(
            np.fromiter(itertools.chain.from_iterable(sp.encode(sentences)), dtype=np.int64),
            minlength=size,
        )
        for lang, sentences in corpus.items()
    }
    bias = np.zeros(size, dtype=np.float32)
    if to_code in counts:
        total = np.sum(list(counts.values()), axis=0).astype(np.float32)
        share = np.divide(counts[to_code], total, out=np.zeros(size, np.float32), where=total > 0)
        # +bonus for pieces only the target uses, -bonus for pieces it never uses.
        bias += _TARGET_BONUS * (2.0 * share - 1.0)
    for i in range(size):
        if sp.is_byte(i) or sp.is_unknown(i) or (sp.is_control(i) and i != sp.eos_id()):
            bias[i] = _FORBIDDEN
            continue
        piece = sp.id_to_piece(i)
        text = piece.lstrip("\u2581")
        if piece.startswith("\u2581") and text:
            # Word-initial pieces make the babble look like words, not one long blob.
            bias[i] += _WORD_BONUS
        if text and all(unicodedata.category(ch) in ("Mn", "Cf") for ch in text):
            # Lone combining marks / ZWNJ only make sense after particular letters.
            bias[i] -= _TARGET_BONUS
    return bias


# --------------------------------------------------------------------------
# The Transformer


class _Weights:
    """Random weight factory with the hand-wired dimensions kept clean."""

    def __init__(self, rng: np.random.Generator, d_model: int) -> None:
        self.rng = rng
        self.d = d_model

    def normal(self, shape: tuple[int, ...], std: float) -> np.ndarray:
        return self.rng.standard_normal(shape, dtype=np.float32) * np.float32(std)

    def linear(self, spec: Any, out_dim: int, in_dim: int, gain: float = 1.0) -> None:
        """Fill a LinearSpec with N(0, gain²/in_dim) weights and small biases."""
        spec.weight = self.normal((out_dim, in_dim), gain / math.sqrt(in_dim))
        spec.bias = self.normal((out_dim,), 0.02)

    def residual_output(self, spec: Any, in_dim: int, gain: float) -> None:
        """A linear layer that writes into the residual stream, except reserved dims."""
        self.linear(spec, self.d, in_dim, gain)
        spec.weight[_RESERVED, :] = 0.0
        spec.bias[_RESERVED] = 0.0

    def layer_norm(self, spec: Any) -> None:
        gamma = 1.0 + self.normal((self.d,), 0.05)
        beta = self.normal((self.d,), 0.02)
        # Reserved dims must pass through normalisation unscaled and unshifted.
        gamma[_RESERVED] = 1.0
        beta[_RESERVED] = 0.0
        spec.gamma = gamma
        spec.beta = beta

    def feed_forward(self, spec: Any, ffn_dim: int) -> None:
        self.layer_norm(spec.layer_norm)
        self.linear(spec.linear_0, ffn_dim, self.d, gain=math.sqrt(2.0))
        self.residual_output(spec.linear_1, ffn_dim, gain=0.5)
        # ReLU outputs are positive on average: without re-centring, every FFN
        # adds the same vector at every position and the decoder's choices
        # become position- and input-independent.  E[relu(N(0, 2))] = 1/sqrt(pi).
        spec.linear_1.bias -= spec.linear_1.weight.sum(axis=1) / math.sqrt(math.pi)

    def self_attention(self, spec: Any) -> None:
        self.layer_norm(spec.layer_norm)
        # Fused Q, K, V; queries scaled up so attention is peaked, not uniform.
        self.linear(spec.linear[0], 3 * self.d, self.d)
        spec.linear[0].weight[: self.d] *= 2.0
        self.residual_output(spec.linear[1], self.d, gain=0.7)

    def cross_attention(self, spec: Any) -> None:
        self.layer_norm(spec.layer_norm)
        self.linear(spec.linear[0], self.d, self.d, gain=2.0)
        self.linear(spec.linear[1], 2 * self.d, self.d)
        self.residual_output(spec.linear[2], self.d, gain=1.0)

    def position_encodings(self, ramp_dims: tuple[int, int]) -> np.ndarray:
        """Random (learned-style) encodings, with a +/- linear ramp in ``ramp_dims``.

        Random rather than sinusoidal: neighbouring sinusoidal encodings are
        nearly identical, which lets a random decoder repeat itself.
        """
        positions = np.arange(_MAX_POSITIONS, dtype=np.float32)[:, None]
        table = self.normal((_MAX_POSITIONS, self.d), _POSITION_SCALE)
        table[:, _RESERVED] = 0.0
        plus, minus = ramp_dims
        table[:, plus] = _RAMP * positions[:, 0]
        table[:, minus] = -_RAMP * positions[:, 0]
        return table


def build_transformer(
    arch: Architecture,
    pieces: list[str],
    output_bias: np.ndarray,
    rng: np.random.Generator,
) -> ctranslate2.specs.TransformerSpec:
    d, heads = arch.d_model, arch.num_heads
    vocab = len(pieces)
    w = _Weights(rng, d)
    spec = ctranslate2.specs.TransformerSpec.from_config(
        num_layers=(arch.encoder_layers, arch.decoder_layers), num_heads=heads
    )

    # Shared source/target vocabulary: one embedding table, which CTranslate2
    # stores once (it aliases identical variables).  Scaled by sqrt(d) at run time.
    embeddings = w.normal((vocab, d), _EMBEDDING_SCALE / math.sqrt(d))
    embeddings[:, _RESERVED] = 0.0

    encoder = spec.encoder
    encoder.embeddings[0].weight = embeddings
    encoder.position_encodings.encodings = w.position_encodings(_D_SRC_RAMP)
    for layer in encoder.layer:
        w.self_attention(layer.self_attention)
        w.feed_forward(layer.ffn, arch.ffn_dim)
    w.layer_norm(encoder.layer_norm)

    decoder = spec.decoder
    decoder.embeddings.weight = embeddings
    decoder.position_encodings.encodings = w.position_encodings(_D_TGT_POS)
    for layer in decoder.layer:
        w.self_attention(layer.self_attention)
        w.cross_attention(layer.attention)
        w.feed_forward(layer.ffn, arch.ffn_dim)
    _wire_length_head(decoder.layer[-1].attention, d, heads)
    w.layer_norm(decoder.layer_norm)

    projection = w.normal((vocab, d), _LOGIT_SCALE / math.sqrt(d))
    # The decoder state carries the embedding of the token just emitted; reading
    # it back negatively makes immediate repeats ("x x x ...") unlikely, which
    # random decoders otherwise fall into.
    projection -= (_REPEAT_PENALTY / (_EMBEDDING_SCALE**2 * math.sqrt(d))) * embeddings
    projection[:, _RESERVED] = 0.0
    eos = 2  # train_test_sentencepiece pins </s> to id 2
    if pieces[eos] != "</s>":
        raise AssertionError(f"expected </s> at id {eos}, got {pieces[eos]!r}")
    # </s> becomes likely once target position exceeds the source-length signal;
    # the random part of its row adds a little content-dependent jitter.
    projection[eos] *= 0.5
    half_slope = 0.5 * _EOS_SLOPE
    projection[eos, _D_TGT_POS] = (half_slope, -half_slope)
    projection[eos, _D_SRC_LEN] = (-half_slope * arch.length_gain, half_slope * arch.length_gain)
    bias = output_bias.astype(np.float32).copy()
    bias[eos] = _TARGET_BONUS + 2.0 * _LOGIT_SCALE + arch.eos_offset
    decoder.projection.weight = projection
    decoder.projection.bias = bias

    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    spec.validate()
    spec.optimize(quantization=arch.quantization)
    return spec


def _wire_length_head(attention: Any, d: int, heads: int) -> None:
    """Make the last head of a cross-attention copy mean(_D_SRC_RAMP) into _D_SRC_LEN."""
    head_dim = d // heads
    head = slice(d - head_dim, d)
    query = attention.linear[0]
    key_value = attention.linear[1]
    output = attention.linear[2]
    # Zero queries and keys: every source position gets the same score, so the
    # head averages over the (unpadded) source.
    query.weight[head] = 0.0
    query.bias[head] = 0.0
    key_value.weight[head] = 0.0
    key_value.bias[head] = 0.0
    # Its first value channel reads the encoder's ramp...
    values = slice(d + head.start, d + head.stop)
    key_value.weight[values] = 0.0
    key_value.bias[values] = 0.0
    key_value.weight[d + head.start, _D_SRC_RAMP] = (0.5, -0.5)
    # ...and the output projection writes it (only) into the _D_SRC_LEN pair.
    output.weight[:, head] = 0.0
    output.weight[_D_SRC_LEN, head.start] = (1.0, -1.0)
