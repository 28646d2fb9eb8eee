"""The model's confidence: shown per machine-drafted segment on the editor page, and a
translation's lowest / mean confidence for "least confident first"."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from helpers import EXAMPLES, load_po, save_po
from starlette.testclient import TestClient
from test_review_support import add_users, login

from azad.ingest import ingest_files
from azad.queue.store import Queue
from azad.review.confidence import (
    NONE,
    least_confident_first,
    least_confident_segments,
    translation_confidence,
)
from azad.review.web.app import create_app
from azad.translate import translate_articles
from azad.workspace import Workspace


@dataclass(frozen=True)
class Row:
    slug: str
    lang_key: str


def drafted(ws: Workspace) -> list[str]:
    outcomes = ingest_files(ws, [EXAMPLES / "salang-tunnel.md", EXAMPLES / "herat-saffron.txt"])
    slugs = [o.slug for o in outcomes]
    translate_articles(ws, slugs, ["dari"])
    return slugs


def test_the_editor_page_shows_the_models_confidence_per_segment(
    ws_with_models: Workspace,
) -> None:
    ws = ws_with_models
    slug = drafted(ws)[0]
    add_users(ws)
    c = TestClient(create_app(ws))
    login(c, "dara")
    page = c.get(f"/t/{slug}/dari").text
    shown = [int(p) for p in re.findall(r'class="confidence"[^>]*>model confidence (\d+)%', page)]
    units = Queue(ws).read(slug, "dari").live
    assert len(shown) == len(units) > 5
    expected = [round(math.exp(u.provenance.score) * 100) for u in units]  # type: ignore[arg-type]
    assert shown == expected and all(0 <= p <= 100 for p in shown)


def test_lowest_and_mean_confidence_and_least_confident_first(ws_with_models: Workspace) -> None:
    ws = ws_with_models
    salang, herat = drafted(ws)
    figures = {s: translation_confidence(ws, s, "dari") for s in (salang, herat)}
    for slug, conf in figures.items():
        units = Queue(ws).read(slug, "dari").live
        values = [math.exp(u.provenance.score) for u in units]  # type: ignore[arg-type]
        assert conf.scored == len(units)
        assert conf.lowest == min(values)
        assert math.isclose(conf.mean or 0, sum(values) / len(values))
    rows = [Row(salang, "dari"), Row(herat, "dari"), Row("nothing-here", "dari")]
    ordered = least_confident_first(ws, rows)
    assert ordered[-1].slug == "nothing-here"
    lowest = [figures[r.slug].lowest for r in ordered[:2]]
    assert lowest == sorted(lowest)  # type: ignore[type-var]
    segs = least_confident_segments(Queue(ws).read(salang, "dari").live)
    confidences = [u.provenance.confidence for u in segs]
    assert confidences == sorted(confidences)  # type: ignore[type-var]


def test_reviewed_segments_no_longer_count(ws_with_models: Workspace) -> None:
    ws = ws_with_models
    salang, _ = drafted(ws)
    path = Queue(ws).po_path(salang, "dari")
    catalog = load_po(path)
    for entry in catalog:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    save_po(path, catalog)
    assert translation_confidence(ws, salang, "dari") == NONE
