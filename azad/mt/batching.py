"""One model call for many concurrent callers: a per-process batching queue per engine.

The translate flow runs one task per article × language, so on its own the model would
see one article's sentences at a time, in small and slow batches. Here every task thread
of a process that translates with the same engine puts its sentences in one queue; while
the engine is busy, requests gather, and the next call takes all of them at once. Nothing
waits on a timer: a lone request goes straight to the model, and under load the batches
grow by themselves.

Whoever finds the engine idle leads: it runs one call for everything queued (its own
request included), hands the results out, and passes the lead to the oldest request that
arrived meanwhile, so no thread serves others for ever. A failing call is retried request
by request, so that one bad article fails alone.

The engine groups sentences by token length (:func:`azad.mt.engine._chunks`), so a
sentence's translation does not depend on the company it is batched with.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

from azad.mt.engine import Backend, Scored, ScoringBackend


@dataclass(eq=False)
class _Request:
    sentences: list[str]
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    result: list[Scored] | None = None
    error: BaseException | None = None


@dataclass
class BatchStats:
    calls: int = 0
    requests: int = 0
    sentences: int = 0
    largest: int = 0
    """Most requests served by one call."""


class BatchingBackend:
    """A :class:`~azad.mt.engine.Backend` that coalesces concurrent ``translate`` calls."""

    def __init__(self, engine: Backend) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._pending: list[_Request] = []
        self._busy = False
        self.stats = BatchStats()

    @property
    def description(self) -> str:
        return self.engine.description

    @property
    def is_test_model(self) -> bool:
        return self.engine.is_test_model

    def translate(self, sentences: Sequence[str]) -> list[str]:
        return [text for text, _ in self.translate_scored(sentences)]

    def translate_scored(self, sentences: Sequence[str]) -> list[Scored]:
        """Translations with the engine's scores (None where the engine gives none)."""
        request = _Request(list(sentences))
        if not request.sentences:
            return []
        with self._lock:
            self._pending.append(request)
            if not self._busy:
                self._busy = request.lead = True
        if not request.lead:
            request.done.wait()  # served by a leader, or promoted to lead
        if request.lead:
            self._serve()
        if request.error is not None:
            raise request.error
        assert request.result is not None
        return request.result

    def _serve(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        try:
            self._run(batch)
        finally:
            with self._lock:
                successor = self._pending[0] if self._pending else None
                if successor is not None:
                    successor.lead = True
                else:
                    self._busy = False
            for request in batch:
                request.done.set()
            if successor is not None:
                successor.done.set()

    def _run(self, batch: list[_Request]) -> None:
        # The same sentence in several articles (a standard closing line) goes once.
        unique = list(dict.fromkeys(s for r in batch for s in r.sentences))
        try:
            translated = dict(zip(unique, self._translate(unique), strict=True))
        except BaseException as exc:
            if len(batch) == 1:
                batch[0].error = exc
                return
            for request in batch:  # one bad article must not fail the others
                self._run([request])
            return
        for request in batch:
            request.result = [translated[s] for s in request.sentences]
        self.stats.calls += 1
        self.stats.requests += len(batch)
        self.stats.sentences += len(unique)
        self.stats.largest = max(self.stats.largest, len(batch))

    def _translate(self, sentences: list[str]) -> list[Scored]:
        if isinstance(self.engine, ScoringBackend):
            return self.engine.translate_scored(sentences)
        return [(text, None) for text in self.engine.translate(sentences)]


# Weak: a queue lives while some task uses it (and keeps its engine, so the id is not
# reused meanwhile); an idle one is dropped with its statistics.
_backends: weakref.WeakValueDictionary[int, BatchingBackend] = weakref.WeakValueDictionary()
_backends_lock = threading.Lock()


def batching(engine: Backend) -> BatchingBackend:
    """The process's one batching queue in front of ``engine`` (engines are loaded once
    per process, :func:`azad.mt.engine.get_engine`, so one queue per model)."""
    with _backends_lock:
        backend = _backends.get(id(engine))
        if backend is None:
            backend = _backends[id(engine)] = BatchingBackend(engine)
        return backend
