"""``make test-nllb``: build-nllb → models list → translate on a tiny random NLLB, offline.

The model has NLLB's architecture (M2M100) and an NLLB tokenizer over a small SentencePiece
model trained here, with random weights: its output is no translation, but every step of
the real path runs (transformers' checkpoint, CTranslate2's converter, the package, the
engine), and the engine's tokens and outputs must equal raw CTranslate2 driven with the
Hugging Face tokenizer's ids. Needs the ``[nllb]`` extra (torch), so not in ``make test``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import EXAMPLES

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from azad.mt.nllb import package_version, size_label  # noqa: E402
from azad.mt.packages import resolve_model  # noqa: E402
from azad.workspace import Workspace  # noqa: E402

PASHTO_TEXT = "د افغانستان خلک په کابل کې اوسېږي. دا یو ښار دی چې غرونه لري.\n"


@pytest.fixture(scope="module")
def tiny_nllb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(a folder as transformers 5's save_pretrained writes it, the SentencePiece model)."""
    import sentencepiece as spm
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    work = tmp_path_factory.mktemp("nllb")
    corpus = work / "corpus.txt"
    corpus.write_text(
        "".join(p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.iterdir()))
        + PASHTO_TEXT * 10,
        encoding="utf-8",
    )
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(work / "sp"),
        vocab_size=500,
        model_type="bpe",
        character_coverage=1.0,
        minloglevel=2,
    )
    # The hub's layout (sentencepiece.bpe.model) is what NllbTokenizer converts from.
    hub = work / "hub"
    hub.mkdir()
    shutil.copy(work / "sp.model", hub / "sentencepiece.bpe.model")
    tokenizer = NllbTokenizer.from_pretrained(
        hub, src_lang="eng_Latn", extra_special_tokens=FAIRSEQ_LANGUAGE_CODES
    )
    torch.manual_seed(0)
    config = M2M100Config(
        vocab_size=len(tokenizer),
        d_model=32,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=256,
        scale_embedding=True,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
    )
    saved = work / "tiny-nllb"
    M2M100ForConditionalGeneration(config).save_pretrained(saved)
    tokenizer.save_pretrained(saved)
    return saved, work / "sp.model"


def test_build_list_translate(tiny_nllb: tuple[Path, Path], ws_with_models: Workspace, cli):
    saved, sp_model = tiny_nllb
    ws = ws_with_models  # the test models are installed too: the NLLB package must win
    # 1. transformers 5 writes no SentencePiece file: one line naming it, before converting.
    assert not (saved / "sentencepiece.bpe.model").exists()
    result = cli("models", "build-nllb", "--lang", "pashto", "--source", str(saved))
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1
    assert f"{saved}: no sentencepiece.bpe.model" in result.err
    assert "converting" not in result.out

    # 2. With the file in place: converted, packed, installed; metadata says what it is.
    shutil.copy(sp_model, saved / "sentencepiece.bpe.model")
    result = cli("models", "build-nllb", "--lang", "pashto", "--source", str(saved))
    assert result.code == 0, result.err
    model = resolve_model(ws.models_dir, "translate-en_ps")
    assert model is not None and not model.is_test_model
    from transformers import M2M100ForConditionalGeneration

    parameters = M2M100ForConditionalGeneration.from_pretrained(saved).num_parameters()
    assert model.version == package_version(parameters)
    assert model.metadata["model"] == str(saved.resolve())
    assert model.metadata["size"] == size_label(parameters)
    assert model.metadata["parameters"] == parameters
    assert "600M" not in json.dumps(model.metadata)

    # 3. models list shows it serving Pashto, with its source and size.
    listing = cli("models", "list")
    assert f"pashto (ps-AF): translate-en_ps {model.version}" in listing.out
    assert size_label(parameters) in listing.out

    # 4. translate through the CLI, then the engine against raw CTranslate2.
    assert cli("ingest", str(EXAMPLES / "salang-tunnel.md")).code == 0
    result = cli("translate", "the-salang-tunnel", "--lang", "pashto")
    assert result.code == 0, result.err
    po = (ws.article_dir("the-salang-tunnel") / "pashto.po").read_text(encoding="utf-8")
    assert f"translate-en_ps {model.version}" in po
    _engine_equals_raw_ctranslate2(ws, model, saved)


def _engine_equals_raw_ctranslate2(ws: Workspace, model, saved: Path) -> None:
    import math

    import ctranslate2
    import sentencepiece as spm
    from transformers import AutoTokenizer

    from azad.mt.engine import CT2Engine

    sentences = [
        "The Salang tunnel was opened in 1964.",
        "Hello world.",
        "It carries most of the traffic between Kabul and the north.",
    ]
    tokenizer = AutoTokenizer.from_pretrained(saved, src_lang="eng_Latn")
    engine = CT2Engine(model, ws.settings.mt)
    hf_tokens = [tokenizer.convert_ids_to_tokens(tokenizer(s).input_ids) for s in sentences]
    assert [engine.encode(s) for s in sentences] == hf_tokens
    opts = engine.options
    translator = ctranslate2.Translator(str(model.path / "model"), compute_type="int8")
    sp = spm.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))
    for sentence, tokens in zip(sentences, hf_tokens, strict=True):
        # One sentence per call: the engine gives each chunk a limit from its longest source.
        (raw,) = translator.translate_batch(
            [tokens],
            target_prefix=[["pbt_Arab"]],
            beam_size=opts.beam_size,
            length_penalty=opts.length_penalty,
            max_decoding_length=math.ceil(len(tokens) * opts.max_decoding_ratio) + 10,
        )
        hypothesis = raw.hypotheses[0]
        assert hypothesis[0] == "pbt_Arab"
        assert engine.translate([sentence]) == [sp.decode_pieces(hypothesis[1:]).strip()]
