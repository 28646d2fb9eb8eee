from __future__ import annotations

import dataclasses

from azad.mt.engine import CT2Engine, _chunks, get_engine
from azad.mt.packages import resolve_model
from azad.settings import MTSettings
from azad.workspace import Workspace


def engine(ws: Workspace, **meta: object) -> CT2Engine:
    model = resolve_model(ws.models_dir, "translate-en_fa")
    assert model is not None
    if meta:
        model = dataclasses.replace(model, metadata={**model.metadata, **meta})
    return CT2Engine(model, MTSettings())


def test_translates_every_sentence_in_order(ws_with_models: Workspace) -> None:
    e = engine(ws_with_models)
    sentences = [f"Sentence number {n} is about the river and its {n} dams." for n in range(40)]
    sentences += [
        "Short.",
        "A much longer sentence that goes on and on about water, drought, "
        "migration, dams, canals and the long road to an agreement between neighbours.",
    ]
    out = e.translate(sentences)
    assert len(out) == len(sentences) and all(out)
    # Batching must not change a sentence's translation: each alone gives the same text.
    for i in (0, 17, 40, 41):
        assert e.translate([sentences[i]]) == [out[i]]


def test_nllb_style_tokens_are_added_and_dropped(ws_with_models: Workspace) -> None:
    e = engine(
        ws_with_models, source_prefix=["eng_Latn"], source_suffix=["</s>"], target_prefix="prs_Arab"
    )
    tokens = e.encode("Hello world")
    assert tokens[0] == "eng_Latn" and tokens[-1] == "</s>" and len(tokens) > 3
    # The language token is dropped; underscores in the text survive decoding.
    pieces = e.sp.encode("snake_case name", out_type=str)
    assert e.decode(["prs_Arab", *pieces]) == "snake_case name"


def test_engine_is_loaded_once(ws_with_models: Workspace) -> None:
    model = resolve_model(ws_with_models.models_dir, "translate-en_ps")
    assert model is not None
    assert get_engine(model, MTSettings()) is get_engine(model, MTSettings())


def test_chunks_cover_every_sentence_once_and_respect_the_budget() -> None:
    tokenized = [["t"] * n for n in (3, 50, 7, 7, 120, 1, 33, 64, 2, 90)]
    chunks = _chunks(tokenized, max_tokens=128, workers=2)
    assert sorted(i for c in chunks for i in c) == list(range(len(tokenized)))
    for chunk in chunks:
        longest = max(len(tokenized[i]) for i in chunk)
        assert len(chunk) == 1 or len(chunk) * longest <= 128
    assert len(chunks) >= 2


def test_a_few_sentences_share_chunks() -> None:
    # One edited paragraph: four sentences of 45 tokens fit two chunks, not four.
    chunks = _chunks([["t"] * 45] * 4, max_tokens=4096, workers=2)
    assert sorted(i for c in chunks for i in c) == [0, 1, 2, 3]
    assert len(chunks) <= 2
