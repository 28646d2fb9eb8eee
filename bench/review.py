"""Response times of the review app with a large queue.

Usage: .venv/bin/python bench/review.py [--articles 1000] [--requests 200] [--keep]

Builds a workspace under bench/results/ with ``--articles`` articles (the example articles
repeated, one PO file per language each: 2 × 1,000 = 2,000 article × language entries in
the queue), serves the app with uvicorn on 127.0.0.1 and measures over HTTP, with a
logged-in editor:

* the queue page (all 2,000 entries, cache warm), and the same after 50 PO files were
  rewritten outside the app (as a CAT tool would);
* one segment save (JSON API), on random segments of random files;
* the editor page of one article (glossary, QA, translation-memory lookups), and the same
  filtered to the segments failing a QA check;
* a long article (``--long`` segments, 20,000 by default: a Markdown file of headings and
  one-sentence paragraphs, as in issue 14) in the same queue: its editor page (the first
  page of 200 segments), filtered and on a later page, ordered least confident first, and
  a save into it.

It prints median, 95th percentile and maximum per kind of request; the target is a p95
under 150 ms for every page and save of the ordinary queue; for the long article, under
1 s for its page and what a short article's save costs for its saves.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import polib  # noqa: E402

from azad.cli import run  # noqa: E402
from azad.ingest import ingest_files  # noqa: E402
from azad.queue.articles import ArticleStore  # noqa: E402
from azad.queue.store import Queue  # noqa: E402
from azad.review.index import queue_rows  # noqa: E402
from azad.review.segments import read_segments  # noqa: E402
from azad.review.users import add_user  # noqa: E402
from azad.translate import Job, update_translations  # noqa: E402
from azad.workspace import Workspace  # noqa: E402

PASSWORD = "benchmark password"
TARGET_MS = 150.0
LONG_MS = 1000.0


class FixedDrafts:
    """Stands in for the MT engine: the queue's content, not MT, is measured here."""

    description = "fixed drafts (benchmark)"
    is_test_model = True

    def translate(self, sentences: list[str]) -> list[str]:
        return [f"پیش‌نویس {n}" for n in range(len(sentences))]


def build(root: Path, articles: int) -> Workspace:
    if root.exists():
        shutil.rmtree(root)
    assert run(["init", str(root)]) == 0
    ws = Workspace(root.resolve())
    seeds = ingest_files(ws, sorted((ROOT / "examples").iterdir()))
    store = ArticleStore(ws)
    for n in range(articles - len(seeds)):
        seed = seeds[n % len(seeds)].article
        store.save(f"{seeds[n % len(seeds)].slug}-{n}", seed)
    slugs = store.slugs()
    for key, lang in ws.settings.languages.items():
        jobs = [Job(s, store.load(s).article, key, lang.code) for s in slugs]
        update_translations(ws, jobs, FixedDrafts(), None)
    add_user(ws, "editor", "editor", [], PASSWORD)
    return ws


def add_long_article(ws: Workspace, segments: int) -> str:
    """A Markdown article of ``segments`` segments (a heading and a one-sentence
    paragraph per section), ingested and drafted in Dari; returns its slug."""
    sections = max(1, (segments - 1) // 2)
    parts = ["---\ntitle: The long report\nauthor: Bench\n---\n"]
    for n in range(sections):
        parts.append(
            f"## Section {n}\n\nSection {n} says the road carried {1000 + n} trucks in "
            f"{1960 + n % 60}.\n"
        )
    path = ws.root / "articles" / "long-report.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")
    (outcome,) = ingest_files(ws, [path])
    store = ArticleStore(ws)
    code = ws.settings.languages["dari"].code
    job = Job(outcome.slug, store.load(outcome.slug).article, "dari", code)
    update_translations(ws, [job], FixedDrafts(), None)
    return outcome.slug


SERVER = """
import sys, uvicorn
from pathlib import Path
from azad.review.web.app import create_app
from azad.workspace import Workspace
uvicorn.run(create_app(Workspace(Path(sys.argv[1]))), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning")
"""


def serve(ws: Workspace) -> tuple[str, Callable[[], None]]:
    """The app in its own process, as ``azad review serve`` runs it (the client's work in
    this process does not compete with the server for the interpreter lock)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(ws.root), str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, proc, 30)
    except SystemExit:
        proc.kill()
        raise

    def stop() -> None:
        proc.terminate()
        proc.wait(timeout=10)

    return base, stop


def wait_until_up(base: str, proc: subprocess.Popen[bytes], seconds: float, hint: str = "") -> None:
    """Return once the server at ``base`` answers; exit if it died or took over ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(base + "/login", timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit(f"the server did not start{hint}") from None
            time.sleep(0.1)


def login(client: httpx.Client) -> str:
    page = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    client.post("/login", data={"csrf": token, "name": "editor", "password": PASSWORD})
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)


def timed(fn: Callable[[], httpx.Response], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        response = fn()
        out.append((time.perf_counter() - t) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"unexpected {response.status_code}: {response.text[:200]}")
    return out


def row(name: str, times: list[float], target: float | None) -> str:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    verdict = "" if target is None else ("ok" if p95 < target else "TOO SLOW")
    return (
        f"{name:<44} {len(times):>5} {statistics.median(times):>9.1f} {p95:>9.1f} "
        f"{max(times):>9.1f}  {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--long", type=int, default=20_000, help="segments of the long article")
    parser.add_argument("--keep", action="store_true", help="keep the workspace")
    args = parser.parse_args()
    root = ROOT / "bench" / "results" / "review-ws"
    t = time.perf_counter()
    ws = build(root, args.articles)
    long_slug = add_long_article(ws, args.long)
    built_s = time.perf_counter() - t
    entries = len(queue_rows(ws))
    cold_s = time.perf_counter() - t - built_s
    print(
        f"queue: {entries} article × language entries (built in {built_s:.1f} s; "
        f"cache filled in {cold_s:.2f} s)"
    )
    base, stop = serve(ws)
    rng = random.Random(4)
    slugs = [s for s in ArticleStore(ws).slugs() if s != long_slug]
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            csrf = login(client)
            results: list[tuple[str, list[float], float | None]] = []
            results.append(
                (
                    "queue page (2,000 entries, warm)",
                    timed(lambda: client.get("/"), args.requests),
                    TARGET_MS,
                )
            )
            results.append(
                (
                    "queue page, one language and status",
                    timed(lambda: client.get("/?lang=dari&status=machine+draft"), args.requests),
                    TARGET_MS,
                )
            )

            # 50 files rewritten behind the app's back, then the queue again.
            changed = []
            for slug in rng.sample(slugs, min(50, len(slugs))):
                # As a CAT tool would: in place, through polib, not through the queue.
                path = Queue(ws).po_path(slug, "pashto")
                catalog = polib.pofile(str(path), wrapwidth=0)
                catalog[0].msgstr = "د بهر ژباړه"
                catalog.save(str(path))
                changed.append(slug)
            results.append(
                ("queue page after 50 outside edits (1st)", timed(lambda: client.get("/"), 1), None)
            )

            targets = []
            for _ in range(args.requests):
                slug = rng.choice(slugs)
                lang = rng.choice(["dari", "pashto"])
                targets.append((slug, lang))

            def save_one() -> httpx.Response:
                slug, lang = targets.pop()
                segs = read_segments(ws, slug, lang)  # the page the translator loaded
                seg = rng.choice(segs)
                return client.post(
                    f"/api/t/{slug}/{lang}/segments/{seg.ctx}",
                    json={"text": f"ترجمه {rng.random():.6f}", "rev": seg.rev, "reviewed": True},
                    headers={"X-CSRF-Token": csrf},
                )

            # Timing includes reading the segment's revision client-side; that read is small
            # next to the save and is left in, so the figure is an upper bound.
            results.append(("segment save (JSON API)", timed(save_one, args.requests), TARGET_MS))
            editor_url = f"/t/{slugs[0]}/dari"
            results.append(
                ("editor page (one article)", timed(lambda: client.get(editor_url), 50), TARGET_MS)
            )
            filtered = editor_url + "?filter=check:numbers"
            results.append(
                ("editor page, failing a check", timed(lambda: client.get(filtered), 50), TARGET_MS)
            )

            long_url = f"/t/{long_slug}/dari"
            n_long = len(read_segments(ws, long_slug, "dari"))
            first = timed(lambda: client.get(long_url), 1)
            results.append((f"long article ({n_long} segs): 1st page, cold", first, None))
            results.append(
                (
                    f"long article: page 1 of {-(-n_long // 200)}",
                    timed(lambda: client.get(long_url), 20),
                    LONG_MS,
                )
            )
            results.append(
                (
                    "long article: failing a check, page 3",
                    timed(lambda: client.get(long_url + "?filter=check:numbers&page=3"), 20),
                    LONG_MS,
                )
            )
            results.append(
                (
                    "long article: least confident first",
                    timed(lambda: client.get(long_url + "?sort=confidence"), 20),
                    LONG_MS,
                )
            )
            long_segs = read_segments(ws, long_slug, "dari")

            def save_long() -> httpx.Response:
                seg = rng.choice(long_segs)
                response = client.post(
                    f"/api/t/{long_slug}/dari/segments/{seg.ctx}",
                    json={"text": f"ترجمه {rng.random():.6f}", "rev": seg.rev, "reviewed": True},
                    headers={"X-CSRF-Token": csrf},
                )
                long_segs[long_segs.index(seg)] = replace(
                    seg, text=response.json().get("text", seg.text), state="reviewed"
                )
                return response

            results.append(("long article: segment save", timed(save_long, 40), None))
    finally:
        stop()
    print()
    print(f"{'request':<44} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    for name, times, target in results:
        print(row(name, times, target))
    if not args.keep:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
