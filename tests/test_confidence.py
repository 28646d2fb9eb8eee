"""The model's confidence: shown per machine-drafted segment on the editor page, and a
translation's lowest / mean confidence for "least confident first"."""

from __future__ import annotations

import math
import re

from helpers import EXAMPLES, load_po, save_po
from starlette.testclient import TestClient
from test_review_support import add_users, login

from azad.queue.store import Queue
from azad.review.index import queue_rows
from azad.services.ingest import ingest_files
from azad.services.translate import translate_articles
from azad.web.app import create_app
from azad.workspace import Workspace


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


def test_least_confident_first_orders_the_queue_and_the_segments(
    ws_with_models: Workspace,
) -> None:
    """A translation's confidence is its lowest machine-draft score (the queue's cache);
    "least confident first" orders the queue by it and an article's segments by theirs."""
    ws = ws_with_models
    salang, herat = drafted(ws)
    rows = {r.slug: r for r in queue_rows(ws, lang="dari")}
    for slug in (salang, herat):
        units = Queue(ws).read(slug, "dari").live
        assert rows[slug].min_score == min(u.provenance.score for u in units)  # type: ignore[type-var]
    add_users(ws)
    c = TestClient(create_app(ws))
    login(c, "dara")
    queue = c.get("/?lang=dari&sort=confidence").text
    shown = list(dict.fromkeys(re.findall(r'href="/t/([a-z0-9-]+)/dari"', queue)))
    assert shown == sorted((salang, herat), key=lambda s: rows[s].min_score or 0.0)
    page = c.get(f"/t/{salang}/dari?sort=confidence").text
    score = {u.ctx: u.provenance.score for u in Queue(ws).read(salang, "dari").live}
    order = [
        score[ctx]
        for ctx in re.findall(r'<div class="seg[^"]*" id="seg-[^"]+" data-ctx="([^"]+)"', page)
    ]
    assert len(order) == len(score) and order == sorted(order)  # type: ignore[type-var]


def test_reviewed_segments_no_longer_count(ws_with_models: Workspace) -> None:
    ws = ws_with_models
    salang, _ = drafted(ws)
    path = Queue(ws).po_path(salang, "dari")
    catalog = load_po(path)
    for entry in catalog:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    save_po(path, catalog)
    (row,) = queue_rows(ws, slug=salang, lang="dari")
    assert row.reviewed == row.total and row.min_score is None
