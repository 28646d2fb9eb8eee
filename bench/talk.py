"""What segment comments and dismissed QA warnings cost the review app's pages.

Usage: .venv/bin/python bench/talk.py [--articles 1000] [--comments 20000] [--requests 60]

Builds the queue of bench/review.py (``--articles`` articles × 2 languages) and a copy of
it with ``--comments`` comments (and as many dismissals) spread over every translation, a
hundred of them on the measured article; serves both with uvicorn on 127.0.0.1 and
measures, side by side (requests to the two servers interleaved, so both see the same
machine load), the queue page, one editor page and a segment save. It prints median and
p95 of each and the ratio of the medians (with / without).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from review import build, login, serve, timed  # noqa: E402

from azad.db.connection import connect  # noqa: E402
from azad.review.edits import read_segments  # noqa: E402
from azad.review.index import queue_rows  # noqa: E402
from azad.review.talk import text_sha  # noqa: E402
from azad.workspace import Workspace  # noqa: E402


def fill(ws: Workspace, n: int, slug: str, lang: str) -> None:
    """``n`` comments and ``n`` dismissals over the whole queue, 100 of each on ``slug``."""
    rows = queue_rows(ws)
    rng = random.Random(1)
    units = read_segments(ws, slug, lang)
    comments, dismissals = [], []
    for i in range(n):
        s, lg, u = (slug, lang, units[i % len(units)]) if i < 100 else (*_pick(rng, rows), None)
        ctx, english, text = (u.ctx, u.english, u.text) if u else (f"b{i}.s1", str(i), str(i))
        comments.append((s, lg, ctx, text_sha(english), "2026-01-01T00:00:00", "ed", "editor",
                         "comment", f"comment {i}"))  # fmt: skip
        dismissals.append((s, lg, ctx, text_sha(english), text_sha(text), f"check{i}", "ed",
                           "2026-01-01T00:00:00"))  # fmt: skip
    with connect(ws) as conn, conn:
        conn.executemany(
            "INSERT INTO segment_comments (slug, lang, ctx, english_sha, at, by, role, kind, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            comments,
        )
        conn.executemany("INSERT INTO qa_dismissals VALUES (?, ?, ?, ?, ?, ?, ?, ?)", dismissals)


def _pick(rng: random.Random, rows: list) -> tuple[str, str]:  # type: ignore[type-arg]
    r = rng.choice(rows)
    return r.slug, r.lang_key


def clients(base: str, slug: str, lang: str, ctx: str) -> dict[str, Callable[[], httpx.Response]]:
    """The three requests measured, against the server at ``base``."""
    client = httpx.Client(base_url=base, timeout=60)
    csrf = login(client)
    seg = client.get(f"/api/t/{slug}/{lang}/segments/{ctx}").json()

    def save() -> httpx.Response:
        nonlocal seg
        text = seg["text"] + " ا" if len(seg["text"]) < 300 else "پیش‌نویس"
        r = client.post(
            f"/api/t/{slug}/{lang}/segments/{ctx}",
            json={"text": text, "rev": seg["rev"], "reviewed": True},
            headers={"X-CSRF-Token": csrf},
        )
        seg = r.json()
        return r

    client.get("/")  # warm the queue's cache
    return {
        "queue page": lambda: client.get("/"),
        "editor page": lambda: client.get(f"/t/{slug}/{lang}"),
        "segment save": save,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    plain = build(ROOT / "bench" / "results" / "talk-ws", args.articles)
    talked_root = ROOT / "bench" / "results" / "talk-ws-comments"
    if talked_root.exists():
        shutil.rmtree(talked_root)
    shutil.copytree(plain.root, talked_root)
    talked = Workspace(talked_root.resolve())
    slug, lang = queue_rows(plain)[0].slug, "dari"
    ctx = read_segments(plain, slug, lang)[3].ctx
    fill(talked, args.comments, slug, lang)
    (base_a, stop_a, _), (base_b, stop_b, _) = serve(plain), serve(talked)
    try:
        a, b = clients(base_a, slug, lang, ctx), clients(base_b, slug, lang, ctx)
        # Interleaved, one request each in turn: both see the same machine load.
        times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in a}
        for name in a:
            for _ in range(args.requests):
                times[name][0].extend(timed(a[name], 1))
                times[name][1].extend(timed(b[name], 1))
    finally:
        stop_a()
        stop_b()
    print(f"{args.articles * 2} queue entries; {args.comments} comments and dismissals")
    print(f"{'request':<14} {'median/p95 without':>20} {'median/p95 with':>18} {'ratio':>7}")
    for name, (without, with_) in times.items():
        ma, mb = statistics.median(without), statistics.median(with_)
        pa, pb = (statistics.quantiles(x, n=20)[-1] for x in (without, with_))
        print(f"{name:<14} {ma:>9.1f}/{pa:>7.1f} ms {mb:>9.1f}/{pb:>7.1f} ms {mb / ma:>6.2f}x")


if __name__ == "__main__":
    main()
