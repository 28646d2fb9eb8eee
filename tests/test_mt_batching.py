"""The per-process batching queue in front of an engine (real tiny test model)."""

from __future__ import annotations

import threading
import time

import pytest

from azad.mt.batching import BatchingBackend, batching
from azad.mt.engine import CT2Engine, get_engine
from azad.mt.packages import resolve_model
from azad.settings import MTSettings
from azad.workspace import Workspace


@pytest.fixture
def engine(ws_with_models: Workspace) -> CT2Engine:
    model = resolve_model(ws_with_models.models_dir, "translate-en_fa")
    assert model is not None
    return CT2Engine(model, MTSettings())


ARTICLES = [
    [f"Article {a} says the river {a} rose by {n} metres in the spring." for n in range(5)]
    + ["Both would cost billions of dollars."]  # the same sentence in every article
    for a in range(7)
]


def test_concurrent_requests_share_model_calls(engine: CT2Engine) -> None:
    alone = [engine.translate(sentences) for sentences in ARTICLES]
    backend = BatchingBackend(engine)
    results: dict[int, list[str]] = {}
    # A long first request keeps the engine busy while the others arrive and queue.
    long_request = [
        f"Sentence {n} of a very long article about dams and canals." for n in range(400)
    ]
    first = threading.Thread(target=lambda: results.setdefault(-1, backend.translate(long_request)))
    first.start()
    while not backend._busy:
        time.sleep(0.001)

    def one(i: int) -> None:
        results[i] = backend.translate(ARTICLES[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(ARTICLES))]
    for t in threads:
        t.start()
    for t in [first, *threads]:
        t.join()
    # Every article got its own translations, the same as translated alone.
    assert [results[i] for i in range(len(ARTICLES))] == alone
    assert len(results[-1]) == 400
    # Two model calls for eight requests: the long one, then the seven queued meanwhile,
    # with the sentence they share translated once.
    assert backend.stats.calls == 2 and backend.stats.largest == len(ARTICLES)
    assert backend.stats.sentences == 400 + 5 * len(ARTICLES) + 1


def test_a_failing_request_fails_alone(engine: CT2Engine) -> None:
    backend = BatchingBackend(engine)
    outcomes: dict[str, object] = {}
    long_request = [f"Sentence {n} about the road." for n in range(300)]
    first = threading.Thread(target=lambda: backend.translate(long_request))
    first.start()
    while not backend._busy:
        time.sleep(0.001)

    def call(name: str, sentences: list) -> None:
        try:
            outcomes[name] = backend.translate(sentences)
        except Exception as exc:
            outcomes[name] = exc

    good = threading.Thread(target=call, args=("good", ARTICLES[0]))
    bad = threading.Thread(target=call, args=("bad", [None]))  # not a sentence
    for t in (good, bad):
        t.start()
    for t in (first, good, bad):
        t.join()
    assert outcomes["good"] == engine.translate(ARTICLES[0])
    assert isinstance(outcomes["bad"], Exception)


def test_one_queue_per_engine_in_a_process(ws_with_models: Workspace) -> None:
    model = resolve_model(ws_with_models.models_dir, "translate-en_fa")
    assert model is not None
    queue = batching(get_engine(model, MTSettings()))
    assert batching(get_engine(model, MTSettings())) is queue
    assert queue.translate([]) == []


def test_a_sentence_translates_the_same_in_any_company(engine: CT2Engine, workspace) -> None:
    """Batched with anything else, a sentence's draft is the one it gets alone: a backlog
    translated in shared calls gives the same PO files as one article at a time."""
    from helpers import EXAMPLES

    from azad.services.ingest import read_article

    sentences = [
        s.text
        for path in sorted(EXAMPLES.iterdir())
        for s in read_article(path, workspace).segments()
    ]
    sentences += [f"In {n} years, {s[:1].lower()}{s[1:]}" for n, s in enumerate(sentences)]
    together = engine.translate(sentences)
    assert together == [engine.translate([s])[0] for s in sentences]


def test_chunks_hold_sentences_of_one_length() -> None:
    """No padding: what makes a translation independent of its batch (the tiny model is
    too stable to show the difference; the base one showed it for 11 of 352 sentences)."""
    from azad.mt.engine import _chunks

    tokenized = [["t"] * n for n in (3, 50, 7, 7, 120, 1, 33, 64, 2, 90, 7, 50, 3, 3)]
    chunks = _chunks(tokenized, max_tokens=128, workers=2)
    assert sorted(i for c in chunks for i in c) == list(range(len(tokenized)))
    for chunk in chunks:
        assert len({len(tokenized[i]) for i in chunk}) == 1
    assert sorted(len(c) for c in chunks if len(tokenized[c[0]]) in (3, 7)) == [3, 3]
