"""Build a genuine, tiny Argos Translate package offline, for tests and demos.

Nothing here downloads anything.  :func:`build_test_package` trains a real
SentencePiece model on the small English / Dari / Pashto corpus at the bottom
of this module, builds a real CTranslate2 Transformer whose weights are drawn
with numpy, and packs both with :func:`azad.mt.packaging.pack_argos_model`.
The result installs with ``argostranslate.package.install_from_path`` and runs
through ``ctranslate2.Translator`` (and Argos' own ``translate``) like any
downloaded package.  It does not translate – it babbles – but it babbles
deterministically, in the target script, with output lengths that follow the
source length, which is what pipeline tests need.

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

import collections
import itertools
import math
import random
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import ctranslate2
import numpy as np
import sentencepiece as spm

from azad.mt.packaging import pack_argos_model

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


@dataclass(frozen=True)
class _Architecture:
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


_ARCHITECTURES: dict[str, _Architecture] = {
    "tiny": _Architecture(2, 2, 64, 4, 128, 1000, 0, 2.4, 0.0, "int8"),
    "base": _Architecture(6, 6, 512, 8, 2048, 16000, 8000, 3.25, 3.0, "int8"),
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
    if size not in _ARCHITECTURES:
        raise ValueError(f"unknown test model size {size!r} (use 'tiny' or 'base')")
    arch = _ARCHITECTURES[size]
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
        bias = _output_bias(sp, corpus, to_code)
        spec = _build_transformer(arch, pieces, bias, np.random.default_rng(seed))
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


def _output_bias(
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


def _build_transformer(
    arch: _Architecture,
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


# --------------------------------------------------------------------------
# Training corpus, written for this module: news-style sentences on the same
# topics in English, Dari and Pashto (not aligned translations).  Dari uses
# Persian ی/ک and ZWNJ, spelled \u200c so it stays visible in the source;
# Pashto uses its own letters (ټ ډ ړ ښ ږ ګ ڼ ځ څ ې ۍ ئ ي).

_ENGLISH: tuple[str, ...] = (  # English
    "The provincial council met on Monday to discuss the new budget for schools and clinics.",
    "Heavy snow closed the Salang Pass for several hours on Thursday morning.",
    "Farmers in Helmand say the price of wheat has risen sharply this year.",
    "The ministry announced that 10,000 teachers will receive training before spring.",
    "A new bridge over the Kabul River was opened to traffic last week.",
    "Doctors warned that cases of measles are increasing among young children.",
    "The national cricket team won its third match of the tournament in Sharjah.",
    "Officials said the dam will provide electricity to more than 50,000 homes.",
    "Many families returned to their villages after the floods receded.",
    "Prices of flour, rice and cooking oil remained stable in the capital's markets.",
    "The university reopened its library after the renovation work was completed.",
    "An earthquake of magnitude 5.2 was felt in Herat and the neighbouring districts.",
    "Traders at the Torkham crossing complained about long delays at the border.",
    "The health department opened two new clinics in remote mountain villages.",
    "Girls' education remains one of the most debated issues in the country.",
    "A convoy carrying food aid reached Badakhshan after a three-day journey.",
    "Local elders called for calm after a dispute over water rights.",
    "The price of saffron has doubled since last autumn, according to exporters.",
    "Rain is expected across the northern provinces later this week.",
    "The spokesman declined to comment on the report.",
    "Thousands of people gathered in the stadium to watch the final.",
    "Pomegranates from Kandahar are being shipped to markets in India and the Gulf.",
    "The road between Mazar-i-Sharif and Sheberghan was repaired in September.",
    "Several journalists said they had been prevented from covering the event.",
    "The World Health Organization delivered vaccines to 12 provinces.",
    "Students are preparing for the university entrance exam, known as the Kankor.",
    "Power cuts have become more frequent as winter approaches.",
    "A fire destroyed dozens of shops in the old bazaar on Sunday night.",
    "The central bank said the afghani had strengthened against the dollar.",
    "Teachers in rural areas often wait months for their salaries.",
    "A new railway line could cut travel time between Herat and the border by half.",
    "Residents say the water supply has improved since the new wells were dug.",
    "The festival of Nowruz was celebrated with music, poetry and traditional food.",
    "Returnees from Iran and Pakistan need shelter, work and medical care.",
    "The minister visited the hospital and spoke with patients and nurses.",
    "Drought has affected more than half of the country's farmland.",
    "The court postponed the hearing until next month.",
    "Women's cooperatives are selling carpets and embroidery online.",
    "The report says one in three children is malnourished.",
    "Engineers are testing a solar power plant near Kandahar airport.",
    "Flash floods damaged 300 houses in Baghlan province on Friday.",
    "The football league will resume after a two-month break.",
    "Authorities announced a ban on the sale of fireworks during the holidays.",
    "Wheat seeds and fertiliser were distributed to 4,000 farmers.",
    "The poet read from her new collection at a small gathering in Kabul.",
    "Mobile phone companies are expanding their networks into rural districts.",
    "The United Nations called for more funding for humanitarian programmes.",
    "Shopkeepers said fewer customers came to the market this month.",
    "The bus was travelling from Kabul to Jalalabad when the accident happened.",
    "Archaeologists have found ancient coins near the site of the Buddhas of Bamiyan.",
    "The government plans to build 20 new schools in Paktia and Khost.",
    "Cold weather has increased demand for coal and firewood.",
    "Young people are learning computer skills at a new training centre.",
    "The mayor promised to clean the streets and repair the drainage canals.",
    "A cholera outbreak has been reported in two districts of Nangarhar.",
    "Exports of dried fruit rose by 15 percent compared with last year.",
    "The committee will publish its findings by the end of the year.",
    "Several roads remain blocked by landslides after days of heavy rain.",
    "Women and children make up most of the displaced population.",
    "The new airport terminal is expected to open in March.",
    "Prices for medicine have risen because of shortages at the border.",
    "The team's captain thanked supporters for their patience.",
    "Officials urged people not to travel on mountain roads at night.",
    "A language school in Herat offers free English classes for girls.",
    "The harvest of almonds and apricots has been better than expected.",
    "The radio station broadcasts news in Dari, Pashto and Uzbek.",
    "Hospitals in the south are running out of beds for patients.",
    "Villagers built a small hydropower plant with help from a charity.",
    "The country's population is estimated at more than 40 million.",
    "Negotiations on the trade agreement will continue next week.",
    "Carpet weavers say demand from Europe has fallen sharply.",
    "A charity is providing warm clothes and blankets to orphans.",
    "The district governor said security on the highway had improved.",
    "Pilgrims returned home after performing the Hajj in Saudi Arabia.",
    "Public transport fares have increased by almost a third.",
    "The study found that most households spend half their income on food.",
    "A sandstorm reduced visibility across Nimroz and Farah.",
    "Schools will close for the winter holidays in early December.",
    "The minister said the new law would protect the rights of workers.",
    "Tomato farmers in Nangarhar are struggling to find buyers.",
    '"We have no other choice," said one shopkeeper in the old city.',
    "Snow leopards have been spotted again in the Wakhan Corridor.",
    "The museum in Kabul reopened with an exhibition of ancient pottery.",
    "Police arrested three men suspected of smuggling fuel.",
    "What will happen to the students who missed their exams?",
    "The price of gold fell slightly on Tuesday.",
    "The wedding season has brought more customers to tailors and bakers.",
    "Health workers are going door to door to vaccinate children against polio.",
    "The storm knocked down power lines and trees across the city.",
    "A new textbook for primary schools will be printed in three languages.",
    "The mine produces coal for power stations and brick kilns.",
    "Fishermen on the Amu Darya say the river is lower than ever.",
    "Over 70 percent of the population lives in rural areas.",
    "The conference brought together scientists from 15 countries.",
    "Several villages in Ghor are cut off by snow every winter.",
    "The bakery sells bread at a lower price to widows and the poor.",
    "According to the survey, most young people want to continue their studies.",
    "Children fly kites on the hills above the city every Friday.",
    "The government said it would pay compensation to flood victims.",
    "The number of tourists visiting Band-e-Amir has increased this summer.",
    "Melons from Kunduz are famous for their sweetness.",
    "The hospital needs more doctors, especially women doctors.",
    "Workers are repairing the ancient walls of the citadel in Herat.",
    "Next year's budget focuses on agriculture, health and education.",
)

_DARI: tuple[str, ...] = (  # Persian script, ZWNJ
    "شورای ولایتی روز دوشنبه برای بررسی بودجهٔ جدید مکتب\u200cها و کلینیک\u200cها جلسه کرد.",
    "برف سنگین روز پنجشنبه کوتل سالنگ را برای چند ساعت مسدود کرد.",
    "دهقانان در هلمند می\u200cگویند که قیمت گندم امسال به شدت بالا رفته است.",
    "وزارت معارف اعلام کرد که ده هزار معلم پیش از بهار آموزش می\u200cبینند.",
    "یک پل جدید بالای دریای کابل هفتهٔ گذشته به روی ترافیک باز شد.",
    "داکتران هشدار دادند که موارد سرخکان در میان کودکان خردسال رو به افزایش است.",
    "تیم ملی کرکت سومین بازی خود را در این رقابت\u200cها در شارجه برد.",
    "مقامات گفتند که این بند برای بیش از پنجاه هزار خانه برق تأمین می\u200cکند.",
    "بسیاری از خانواده\u200cها پس از فروکش کردن سیلاب به قریه\u200cهای خود برگشتند.",
    "قیمت آرد، برنج و روغن خوراکی در بازارهای پایتخت ثابت ماند.",
    "پوهنتون پس از پایان کار ترمیم، کتابخانهٔ خود را دوباره باز کرد.",
    "زمین\u200cلرزه\u200cای به بزرگی ۵٫۲ ریشتر در هرات و ولسوالی\u200cهای همجوار احساس شد.",
    "تاجران در گذرگاه تورخم از تأخیرهای طولانی در سرحد شکایت کردند.",
    "ریاست صحت عامه دو کلینیک جدید در قریه\u200cهای دوردست کوهستانی گشود.",
    "آموزش دختران یکی از بحث\u200cبرانگیزترین موضوعات در کشور باقی مانده است.",
    "کاروانی حامل کمک\u200cهای غذایی پس از سفری سه\u200cروزه به بدخشان رسید.",
    "ریش\u200cسفیدان محل پس از اختلاف بر سر حقابه خواستار آرامش شدند.",
    "به گفتهٔ صادرکنندگان، قیمت زعفران از خزان گذشته تا کنون دو برابر شده است.",
    "انتظار می\u200cرود اواخر این هفته در ولایت\u200cهای شمالی باران ببارد.",
    "سخنگو از اظهار نظر دربارهٔ این گزارش خودداری کرد.",
    "هزاران نفر برای تماشای بازی نهایی در ورزشگاه جمع شدند.",
    "انارهای قندهار به بازارهای هند و کشورهای خلیج فرستاده می\u200cشوند.",
    "سرک میان مزارشریف و شبرغان در ماه سنبله ترمیم شد.",
    "چند خبرنگار گفتند که از پوشش این رویداد جلوگیری شده است.",
    "سازمان جهانی صحت واکسین\u200cها را به دوازده ولایت رساند.",
    "شاگردان برای امتحان کانکور آماده می\u200cشوند.",
    "با نزدیک شدن زمستان، قطع برق بیشتر شده است.",
    "آتش\u200cسوزی شب یکشنبه ده\u200cها دکان را در بازار کهنه ویران کرد.",
    "د افغانستان بانک گفت که ارزش افغانی در برابر دالر بالا رفته است.",
    "معلمان در مناطق روستایی اغلب ماه\u200cها منتظر معاش خود می\u200cمانند.",
    "یک خط آهن جدید می\u200cتواند زمان سفر میان هرات و سرحد را نصف کند.",
    "باشندگان می\u200cگویند که پس از حفر چاه\u200cهای جدید، آب آشامیدنی بهتر شده است.",
    "جشن نوروز با موسیقی، شعر و غذاهای سنتی برگزار شد.",
    "عودت\u200cکنندگان از ایران و پاکستان به سرپناه، کار و خدمات صحی نیاز دارند.",
    "وزیر از شفاخانه دیدن کرد و با بیماران و نرس\u200cها گفت\u200cوگو کرد.",
    "خشکسالی بیش از نیمی از زمین\u200cهای زراعتی کشور را متأثر ساخته است.",
    "محکمه جلسهٔ رسیدگی را تا ماه آینده به تعویق انداخت.",
    "تعاونی\u200cهای زنان قالین و گلدوزی را به صورت آنلاین می\u200cفروشند.",
    "در این گزارش آمده است که از هر سه کودک یکی دچار سوءتغذی است.",
    "انجنیران یک نیروگاه برق آفتابی را در نزدیکی میدان هوایی قندهار آزمایش می\u200cکنند.",
    "سیلاب\u200cهای ناگهانی روز جمعه به سیصد خانه در ولایت بغلان آسیب رساند.",
    "لیگ فوتبال پس از یک وقفهٔ دوماهه از سر گرفته می\u200cشود.",
    "مقامات فروش آتش\u200cبازی را در روزهای عید ممنوع اعلام کردند.",
    "تخم گندم و کود کیمیاوی میان چهار هزار دهقان توزیع شد.",
    "شاعر در یک محفل کوچک در کابل از مجموعهٔ تازهٔ خود شعر خواند.",
    "شرکت\u200cهای مخابراتی شبکه\u200cهای خود را به ولسوالی\u200cهای دوردست گسترش می\u200cدهند.",
    "سازمان ملل متحد خواستار بودجهٔ بیشتر برای برنامه\u200cهای بشردوستانه شد.",
    "دکانداران گفتند که این ماه مشتریان کمتری به بازار آمدند.",
    "این بس از کابل به سوی جلال\u200cآباد در حرکت بود که حادثه رخ داد.",
    "باستان\u200cشناسان در نزدیکی جای بوداهای بامیان سکه\u200cهای باستانی یافته\u200cاند.",
    "حکومت قصد دارد بیست مکتب جدید در پکتیا و خوست بسازد.",
    "هوای سرد تقاضا برای ذغال سنگ و هیزم را بیشتر کرده است.",
    "جوانان در یک مرکز آموزشی جدید مهارت\u200cهای کمپیوتر را فرا می\u200cگیرند.",
    "شاروال وعده داد که کوچه\u200cها را پاک و جوی\u200cهای آب را ترمیم کند.",
    "شیوع وبا در دو ولسوالی ننگرهار گزارش شده است.",
    "صادرات میوهٔ خشک نسبت به سال گذشته پانزده درصد افزایش یافت.",
    "کمیته یافته\u200cهای خود را تا پایان سال نشر خواهد کرد.",
    "چندین سرک پس از روزها باران شدید هنوز به دلیل لغزش زمین مسدود است.",
    "زنان و کودکان بیشترین شمار بیجاشدگان را تشکیل می\u200cدهند.",
    "انتظار می\u200cرود ترمینل جدید میدان هوایی در ماه حمل گشایش یابد.",
    "قیمت دوا به دلیل کمبود در سرحد بالا رفته است.",
    "کپتان تیم از هواداران برای شکیبایی\u200cشان سپاسگزاری کرد.",
    "مقامات از مردم خواستند که شب\u200cها در سرک\u200cهای کوهستانی سفر نکنند.",
    "یک آموزشگاه زبان در هرات برای دختران صنف\u200cهای رایگان انگلیسی دایر می\u200cکند.",
    "حاصل بادام و زردآلو بهتر از آنچه انتظار می\u200cرفت بوده است.",
    "این رادیو به زبان\u200cهای دری، پشتو و ازبکی خبر پخش می\u200cکند.",
    "شفاخانه\u200cهای جنوب برای بیماران بستر کافی ندارند.",
    "روستاییان با کمک یک مؤسسهٔ خیریه یک بند برق کوچک ساختند.",
    "نفوس کشور بیش از چهل میلیون نفر تخمین زده می\u200cشود.",
    "گفت\u200cوگوها دربارهٔ موافقت\u200cنامهٔ تجارتی هفتهٔ آینده ادامه می\u200cیابد.",
    "قالین\u200cبافان می\u200cگویند که تقاضا از اروپا به شدت کاهش یافته است.",
    "یک مؤسسهٔ خیریه به یتیمان لباس گرم و کمپل توزیع می\u200cکند.",
    "ولسوال گفت که امنیت شاهراه بهتر شده است.",
    "حاجیان پس از ادای فریضهٔ حج از عربستان سعودی به خانه برگشتند.",
    "کرایهٔ ترانسپورت عامه تقریباً یک سوم افزایش یافته است.",
    "این پژوهش نشان داد که بیشتر خانواده\u200cها نیمی از درآمد خود را صرف غذا می\u200cکنند.",
    "طوفان ریگ دید را در نیمروز و فراه کاهش داد.",
    "مکتب\u200cها در اوایل قوس برای رخصتی\u200cهای زمستانی بسته می\u200cشوند.",
    "وزیر گفت که قانون جدید از حقوق کارگران حمایت خواهد کرد.",
    "دهقانان رومی\u200cکار در ننگرهار برای یافتن خریدار مشکل دارند.",
    "یک دکاندار در شهر کهنه گفت: «ما چارهٔ دیگری نداریم.»",
    "پلنگ برفی دوباره در دهلیز واخان دیده شده است.",
    "موزیم کابل با نمایشگاهی از ظروف سفالی باستانی دوباره گشایش یافت.",
    "پولیس سه مرد را به ظن قاچاق تیل بازداشت کرد.",
    "بر سر شاگردانی که امتحان خود را از دست دادند چه خواهد آمد؟",
    "قیمت طلا روز سه\u200cشنبه اندکی کاهش یافت.",
    "فصل عروسی\u200cها مشتریان بیشتری را به خیاط\u200cها و نانوایی\u200cها آورده است.",
    "کارکنان صحی خانه به خانه می\u200cروند تا کودکان را در برابر فلج اطفال واکسین کنند.",
    "توفان سیم\u200cهای برق و درختان را در سراسر شهر به زمین انداخت.",
    "یک کتاب درسی جدید برای مکتب\u200cهای ابتدایی به سه زبان چاپ خواهد شد.",
    "این معدن برای نیروگاه\u200cها و خشت\u200cپزی\u200cها ذغال سنگ تولید می\u200cکند.",
    "ماهیگیران دریای آمو می\u200cگویند که سطح آب پایین\u200cتر از همیشه است.",
    "بیش از هفتاد درصد نفوس در مناطق روستایی زندگی می\u200cکنند.",
    "این کنفرانس دانشمندانی از پانزده کشور را گرد هم آورد.",
    "چندین قریه در غور هر زمستان به دلیل برف از دیگر مناطق جدا می\u200cشوند.",
    "این نانوایی نان را به قیمت کمتر به بیوه\u200cزنان و بینوایان می\u200cفروشد.",
    "بر اساس این نظرسنجی، بیشتر جوانان می\u200cخواهند تحصیلات خود را ادامه دهند.",
    "کودکان هر جمعه بر تپه\u200cهای بالای شهر گدی\u200cپران بازی می\u200cکنند.",
    "حکومت گفت که به آسیب\u200cدیدگان سیلاب غرامت می\u200cپردازد.",
    "شمار گردشگرانی که از بند امیر دیدن کرده\u200cاند امسال افزایش یافته است.",
    "خربوزه\u200cهای کندز به شیرینی شهرت دارند.",
    "شفاخانه به داکتران بیشتر، به ویژه داکتران زن، نیاز دارد.",
    "کارگران دیوارهای باستانی قلعهٔ هرات را ترمیم می\u200cکنند.",
    "بودجهٔ سال آینده بر زراعت، صحت و معارف تمرکز دارد.",
)

_PASHTO: tuple[str, ...] = (  # Pashto script
    "ولایتي شورا د دوشنبې په ورځ د ښوونځیو او کلینیکونو د نوې بودیجې په اړه غونډه وکړه.",
    "درنو واورو د پنجشنبې په ورځ د سالنګ کوتل د څو ساعتونو لپاره وتاړه.",
    "په هلمند کې بزګران وايي چې سږکال د غنمو بیه ډېره لوړه شوې ده.",
    "د پوهنې وزارت اعلان وکړ چې لس زره ښوونکي به تر پسرلي وړاندې روزنه ترلاسه کړي.",
    "د کابل سیند پر سر یو نوی پل تېره اونۍ د ترافیکو پر مخ پرانیستل شو.",
    "ډاکټرانو خبرداری ورکړ چې په کوچنیو ماشومانو کې د شرې ناروغي زیاتېږي.",
    "د کرکټ ملي لوبډلې په شارجه کې د سیالیو درېیمه لوبه وګټله.",
    "چارواکو وویل چې دا بند به له پنځوس زرو ډېرو کورونو ته بریښنا ورکړي.",
    "ګڼ شمېر کورنۍ د سیلاب له کمېدو وروسته خپلو کلیو ته ستنې شوې.",
    "د پلازمېنې په بازارونو کې د اوړو، وریجو او غوړیو بیې ثابتې پاتې شوې.",
    "پوهنتون د بیارغونې کار له بشپړېدو وروسته خپل کتابتون بیا پرانیست.",
    "په هرات او شاوخوا ولسوالیو کې د ۵٫۲ درجو زلزله احساس شوه.",
    "د تورخم پر لار سوداګرو په پوله کې د اوږدو ځنډونو شکایت وکړ.",
    "د عامې روغتیا ریاست په لرو پرتو غرنیو کلیو کې دوه نوي کلینیکونه پرانیستل.",
    "د نجونو زده کړه په هېواد کې یوه له تر ټولو ډېرو بحث لرونکو موضوعګانو څخه ده.",
    "د خوراکي مرستو یو کاروان له درې ورځني سفر وروسته بدخشان ته ورسېد.",
    "سیمه ییزو مشرانو د اوبو پر سر له شخړې وروسته د ارامۍ غوښتنه وکړه.",
    "د صادرونکو په وینا، د زعفرانو بیه له تېر مني راهیسې دوه چنده شوې ده.",
    "تمه کېږي چې د همدې اونۍ په پای کې په شمالي ولایتونو کې باران وورېږي.",
    "ویاند د دې راپور په اړه له څرګندونو ډډه وکړه.",
    "زرګونه کسان د وروستۍ لوبې د لیدو لپاره لوبغالي ته راټول شول.",
    "د کندهار انار د هند او خلیج هېوادونو بازارونو ته لېږل کېږي.",
    "د مزار شریف او شبرغان ترمنځ سړک د وږي په میاشت کې ورغول شو.",
    "څو خبریالانو وویل چې د دې پېښې له پوښښ څخه منع شوي دي.",
    "د روغتیا نړیوال سازمان دولسو ولایتونو ته واکسینونه ورسول.",
    "زده کوونکي د کانکور ازموینې ته چمتو کېږي.",
    "د ژمي په رارسېدو سره د بریښنا پرې کېدل زیات شوي دي.",
    "د یکشنبې په شپه اور په زاړه بازار کې لسګونه دوکانونه وسوځول.",
    "مرکزي بانک وویل چې افغانۍ د ډالر په وړاندې پیاوړې شوې ده.",
    "په کلیوالو سیمو کې ښوونکي ډېری وخت د خپلو معاشونو لپاره میاشتې انتظار باسي.",
    "یو نوی اورګاډي پټلۍ کولای شي د هرات او پولې ترمنځ د سفر وخت نیمایي کړي.",
    "اوسېدونکي وايي چې د نویو څاګانو له کیندلو وروسته د څښاک اوبه ښې شوې دي.",
    "د نوروز جشن په موسیقۍ، شعر او دودیزو خوړو ولمانځل شو.",
    "له ایران او پاکستان څخه راستانه شوي کسان سرپناه، کار او روغتیايي خدماتو ته اړتیا لري.",
    "وزیر له روغتون څخه لیدنه وکړه او له ناروغانو او نرسانو سره یې خبرې وکړې.",
    "وچکالۍ د هېواد له نیمایي ډېرې کرنیزې ځمکې اغېزمنې کړې دي.",
    "محکمې اورېدنه راتلونکې میاشتې ته وځنډوله.",
    "د ښځو کوپراتیفونه غالۍ او ګلدوزي په انلاین ډول پلوري.",
    "راپور وايي چې له هرو دریو ماشومانو یو یې د خوارځواکۍ ښکار دی.",
    "انجنیران د کندهار هوايي ډګر ته نږدې د لمریزې بریښنا یوه فابریکه ازمويي.",
    "ناڅاپي سیلابونو د جمعې په ورځ په بغلان ولایت کې درې سوه کورونو ته زیان ورساوه.",
    "د فوټبال لیګ به له دوه میاشتني ځنډ وروسته بیا پیل شي.",
    "چارواکو د اخترونو په ورځو کې د اور لوبو پلور منع اعلان کړ.",
    "د غنمو تخم او سره څلورو زرو بزګرانو ته ووېشل شول.",
    "شاعرې په کابل کې په یوه کوچنۍ غونډه کې له خپلې نوې ټولګې شعرونه ولوستل.",
    "د ګرځنده ټلیفون شرکتونه خپلې شبکې لرې پرتو ولسوالیو ته غځوي.",
    "ملګرو ملتونو د بشري پروګرامونو لپاره د لا ډېرو پیسو غوښتنه وکړه.",
    "دوکاندارانو وویل چې په دې میاشت کې لږ پېرودونکي بازار ته راغلل.",
    "بس له کابل څخه جلال اباد ته روان و چې پېښه رامنځته شوه.",
    "لرغونپوهانو د بامیان د بودا مجسمو ځای ته نږدې لرغوني سکې موندلې دي.",
    "حکومت پلان لري چې په پکتیا او خوست کې شل نوي ښوونځي جوړ کړي.",
    "سړې هوا د ډبرو سکرو او لرګیو غوښتنه زیاته کړې ده.",
    "ځوانان په یوه نوي روزنیز مرکز کې د کمپیوټر مهارتونه زده کوي.",
    "ښاروال ژمنه وکړه چې کوڅې به پاکې او د اوبو ویالې به ورغوي.",
    "د ننګرهار په دوو ولسوالیو کې د کولرا خپرېدل راپور شوي دي.",
    "د وچو مېوو صادرات د تېر کال په پرتله پنځلس سلنه زیات شول.",
    "کمېټه به د کال تر پایه خپلې موندنې خپرې کړي.",
    "د ورځو ورځو سختو بارانونو وروسته څو سړکونه لا هم د ښویېدنو له امله بند دي.",
    "ښځې او ماشومان د بې ځایه شویو وګړو ډېره برخه جوړوي.",
    "تمه کېږي چې د هوايي ډګر نوی ترمینل د وري په میاشت کې پرانیستل شي.",
    "په پوله کې د کموالي له امله د درملو بیې لوړې شوې دي.",
    "د لوبډلې کپتان له ملاتړو څخه د هغوی د زغم مننه وکړه.",
    "چارواکو له خلکو وغوښتل چې د شپې له خوا په غرنیو سړکونو سفر ونه کړي.",
    "په هرات کې د ژبې یو ښوونځی نجونو ته وړیا انګلیسي ټولګي جوړوي.",
    "د بادامو او زردالو حاصل له تمې ښه و.",
    "دا راډیو په دري، پښتو او ازبکي ژبو خبرونه خپروي.",
    "په سویل کې روغتونونه د ناروغانو لپاره بسترونه نه لري.",
    "کلیوالو د یوې خیریه ټولنې په مرسته یو کوچنی برېښنايي بند جوړ کړ.",
    "د هېواد نفوس له څلوېښتو میلیونو ډېر اټکل کېږي.",
    "د سوداګریز تړون په اړه خبرې اترې به راتلونکې اونۍ دوام ومومي.",
    "غالۍ اوبدونکي وايي چې له اروپا څخه غوښتنه په ډېره کچه راټیټه شوې ده.",
    "یوه خیریه ټولنه یتیمانو ته ګرمې جامې او کمپلې ورکوي.",
    "ولسوال وویل چې پر لویه لار امنیت ښه شوی دی.",
    "حاجیان له سعودي عربستان څخه د حج له ادا کولو وروسته کورونو ته راستانه شول.",
    "د عامه ترانسپورت کرایې نږدې درېیمه برخه زیاتې شوې دي.",
    "څېړنې وښوده چې ډېری کورنۍ د خپل عاید نیمایي برخه په خوړو لګوي.",
    "د شګو توپان په نیمروز او فراه کې لید کم کړ.",
    "ښوونځي به د لیندۍ په پیل کې د ژمي رخصتیو لپاره وتړل شي.",
    "وزیر وویل چې نوی قانون به د کارګرانو له حقونو ساتنه وکړي.",
    "په ننګرهار کې د رومي بانجانو بزګران د پېرودونکو په موندلو کې ستونزې لري.",
    "د زاړه ښار یو دوکاندار وویل: «موږ بله چاره نه لرو.»",
    "د واورو پړانګ بیا د واخان په دهلیز کې لیدل شوی دی.",
    "د کابل موزیم د لرغونو خاورینو لوښو له نندارتون سره بیا پرانیستل شو.",
    "پولیسو درې تنه د تېلو د قاچاق په تور ونیول.",
    "هغه زده کوونکي به څه وکړي چې خپلې ازموینې یې له لاسه ورکړې؟",
    "د سه شنبې په ورځ د سرو زرو بیه لږ څه راټیټه شوه.",
    "د وادونو موسم خیاطانو او نانوایانو ته ډېر پېرودونکي راوستي دي.",
    "روغتیايي کارکوونکي کور په کور ګرځي څو ماشومان د ګوزڼ پر ضد واکسین کړي.",
    "توپان د ښار په ګوټ ګوټ کې د بریښنا لینونه او ونې وغورځولې.",
    "د لومړنیو ښوونځیو لپاره یو نوی درسي کتاب به په درې ژبو چاپ شي.",
    "دا کان د بریښنا فابریکو او د خښتو بټیو لپاره ډبرین سکاره تولیدوي.",
    "د امو سیند کبګیران وايي چې د سیند اوبه له هر وخت ټیټې دي.",
    "له اویا سلنې ډېر وګړي په کلیوالو سیمو کې ژوند کوي.",
    "دې کنفرانس د پنځلسو هېوادونو پوهان سره راټول کړل.",
    "په غور کې څو کلي هر ژمی د واورو له امله له نورو سیمو پرې کېږي.",
    "دا نانوايي کونډو او بېوزلو ته ډوډۍ په ټیټه بیه پلوري.",
    "د دې سروې له مخې، ډېری ځوانان غواړي خپلې زده کړې ته دوام ورکړي.",
    "ماشومان هره جمعه د ښار پورته غونډیو ته د ګډیو د الوتلو لپاره ځي.",
    "حکومت وویل چې سیلاب ځپلو ته به تاوان ورکړي.",
    "سږکال د بند امیر لیدو ته د راغلو ګرځندویانو شمېر زیات شوی دی.",
    "د کندز خټکي په خوږوالي مشهور دي.",
    "روغتون ډېرو ډاکټرانو ته اړتیا لري، په ځانګړي ډول ښځینه ډاکټرانو ته.",
    "کارګران د هرات د کلا لرغوني دېوالونه بیا رغوي.",
    "راتلونکي کال بودیجه پر کرنه، روغتیا او ښوونې تمرکز لري.",
    "مهرباني وکړئ، خپل ماشومان ښوونځي ته ولېږئ او د هغوی زده کړې ته پام وکړئ.",
    "لوبغاړو وویل: «راشئ چې د خپل ټیم ملاتړ وکړئ.»",
    "پوهنځی ته د نوي کال لپاره ګڼ شمېر زده کوونکي نوم لیکنه کوي.",
    "د ډاکټرۍ څانګه د مېرمنو لپاره ډېر ارزښت لري او ټولنه ورته اړتیا لري.",
)

TEST_CORPUS: dict[str, tuple[str, ...]] = {"en": _ENGLISH, "fa": _DARI, "ps": _PASHTO}
