"""Cost of the translation memory that machine drafting consults (azad/translation_memory.py).

Usage: .venv/bin/python bench/memory.py [--articles 1000] [--repeat 5]

Builds a workspace under bench/results/ with ``--articles`` approved Dari translations (the
example articles repeated; drafts from a stand-in for the model: the memory is measured,
not MT), then measures side by side in one run:

* a cold build (first in a process: every approved PO file parsed);
* a warm build (what every later run in the process pays: one ``stat`` per file);
* the lookups of one article's sentences in a built memory;
* what building the memory per segment instead of per run would cost for that article.

It prints seconds and ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from azad import translation_memory as memory_mod  # noqa: E402
from azad.cli import run  # noqa: E402
from azad.db.users import User  # noqa: E402
from azad.queue.articles import ArticleStore  # noqa: E402
from azad.queue.status import translation_status  # noqa: E402
from azad.queue.store import Queue  # noqa: E402
from azad.review.actions import approve  # noqa: E402
from azad.services.ingest import ingest_files  # noqa: E402
from azad.services.translate import Job, update_translations  # noqa: E402
from azad.workspace import Workspace  # noqa: E402


class FixedDrafts:
    description = "fixed drafts (benchmark)"
    is_test_model = True

    def translate(self, sentences: list[str]) -> list[str]:
        return [f"پیش‌نویس {n}" for n in range(len(sentences))]


def build(root: Path, articles: int) -> tuple[Workspace, list[str]]:
    if root.exists():
        shutil.rmtree(root)
    assert run(["init", str(root)]) == 0
    ws = Workspace(root.resolve())
    seeds = ingest_files(ws, sorted((ROOT / "examples").iterdir()))
    store = ArticleStore(ws)
    for n in range(articles - len(seeds)):
        seed = seeds[n % len(seeds)]
        store.save(f"{seed.slug}-{n}", seed.article)
    slugs = store.slugs()
    jobs = [Job(s, store.load(s).article, "dari", "fa-AF") for s in slugs]
    update_translations(ws, jobs, FixedDrafts(), None)
    queue = Queue(ws)
    for i, slug in enumerate(slugs):
        tf = queue.read(slug, "dari")
        # Each copy's texts differ, so the memory holds many distinct entries.
        units = [u.with_text(f"{u.text} {i}", "reviewed") for u in tf.live]
        queue.write(slug, "dari", replace(tf, units=units + tf.obsolete))
        rev = translation_status(ws, slug, "dari").rev
        approve(ws, slug, "dari", User("editor", "editor"), rev)
    english = [u.english for u in queue.read(slugs[0], "dari").live]
    return ws, english


def timed(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ws, english = build(ROOT / "bench" / "results" / "memory-ws", args.articles)

    def cold() -> None:
        memory_mod._cache.clear()
        memory_mod.approved_memory(ws, "dari")

    def warm() -> None:
        memory_mod.approved_memory(ws, "dari")

    cold_s = timed(cold, args.repeat)
    warm()
    warm_s = timed(warm, args.repeat)
    built = memory_mod.approved_memory(ws, "dari")
    lookup_s = timed(lambda: [built.get(e) for e in english], args.repeat)
    hits = sum(built.get(e) is not None for e in english)
    per_segment_s = warm_s * len(english)
    print(f"{args.articles} approved Dari translations, {len(built)} distinct English sentences")
    print(f"cold build (parse every approved file): {cold_s:.3f} s")
    print(f"warm build (stat only, every later run): {warm_s:.4f} s  ({cold_s / warm_s:.0f}x less)")
    n = len(english)
    print(f"lookups of one article's {n} sentences: {lookup_s * 1e6:.0f} µs ({hits} hits)")
    print(
        f"a memory per segment instead of per run: {per_segment_s:.3f} s for that article "
        f"({per_segment_s / warm_s:.0f}x the per-run build)"
    )


if __name__ == "__main__":
    main()
