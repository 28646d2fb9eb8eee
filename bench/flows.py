"""What Prefect costs: the flows against the same library calls in a plain loop.

Usage: .venv/bin/python bench/flows.py [--articles 50]
       .venv/bin/python bench/flows.py --backlog 200

Two fresh workspaces get the same ``--articles`` English articles (the examples under
different titles) and the tiny test model. One is translated with ``translate_articles``
and published with ``publish_editions`` (one task per article × language, Prefect's
temporary local API, started before timing); the other by calling ``translate_articles``
of the library per article × language and ``publish_many`` in a plain loop. Approving the
drafts (a translator's and an editor's job) happens between the two steps on both sides
and is not timed. Prints seconds per step and the ratio flows / loop.

With ``--backlog N``, the translate flow over a backlog against the physical floor:
N articles of distinct sentences (the examples' paragraphs, every repetition given an
opener of its own, as in bench/mt.py) are ingested into a workspace whose two languages are
served by the base-sized test model (not timed). Then, side by side in one run:

* the translate_articles flow (Prefect's temporary API, started before timing): one task per
  article × language, tasks of one language sharing model calls (azad.mt.batching);
* the floor: for each language, one raw CTranslate2 ``translate_batch`` call over all the
  distinct segments the flow sends (tokenized beforehand, not timed), at the engine's
  settings (beam, length penalty, token batches);
* a stricter floor: the same segments as raw asynchronous calls on every core at once, both
  languages together (what the hardware can do with no Python at all).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This script is bench/flows.py: keep its folder off sys.path so that `flows` is the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
TMP = Path(tempfile.mkdtemp(prefix="azad-bench-flows-"))
for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[var] = str(TMP / var.lower())
os.environ["PREFECT_HOME"] = str(TMP / "prefect")
os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"

from azad.demo import MARKER, approve_everything  # noqa: E402
from azad.publish import pending, publish_many  # noqa: E402
from azad.queue.articles import ArticleStore  # noqa: E402
from azad.services.ingest import ingest_each  # noqa: E402
from azad.services.translate import translate_articles  # noqa: E402
from azad.workspace import Workspace  # noqa: E402


def make_workspace(name: str, n: int) -> Workspace:
    root = TMP / name
    azad = str(Path(sys.executable).parent / "azad")
    subprocess.run([azad, "init", str(root)], check=True, capture_output=True)
    subprocess.run(
        [azad, "-w", str(root), "models", "build-test-model"], check=True, capture_output=True
    )
    (root / MARKER).touch()
    examples = sorted((ROOT / "examples").iterdir())
    for i in range(n):
        src = examples[i % len(examples)]
        text = src.read_text(encoding="utf-8")
        # A distinct title (and so slug) per copy, in each format's own title line.
        if src.suffix == ".md":
            text = re.sub(r'^title: "(.*)"$', rf'title: "\1 (no. {i})"', text, count=1, flags=re.M)
        else:
            text = text.replace("Red Gold of Herat:", f"Red Gold of Herat no. {i}:", 1)
        (root / "articles" / f"{src.stem}-{i}{src.suffix}").write_text(text, encoding="utf-8")
    return Workspace(root)


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def loop_side(ws: Workspace) -> dict[str, float]:
    def translate() -> None:
        files = sorted(ws.articles_dir.iterdir())
        ingest_each(ws, files)
        for slug in ArticleStore(ws).slugs():
            for key in ws.settings.languages:
                translate_articles(ws, [slug], [key])

    t_translate = timed(translate)
    approve_everything(ws)
    t_publish = timed(lambda: publish_many(ws, pending(ws)))
    return {"translate": t_translate, "publish": t_publish}


def flow_side(ws: Workspace) -> dict[str, float]:
    from flows.pipeline import publish_editions
    from flows.pipeline import translate_articles as translate_flow

    t_translate = timed(lambda: translate_flow(workspace=str(ws.root)))
    approve_everything(ws)
    t_publish = timed(lambda: publish_editions(workspace=str(ws.root)))
    return {"translate": t_translate, "publish": t_publish}


def write_backlog(root: Path, n: int) -> None:
    distinct = _bench_mt().distinct

    from azad.readers import ReadOptions, Source, read_source
    from azad.services.ingest import ingest_each, pending_files
    from azad.workspace import Workspace

    ws = Workspace(root)
    examples = sorted((ROOT / "examples").iterdir())
    bodies = []
    for path in examples:
        article = read_source(
            Source(path.name, path.read_bytes()), ReadOptions(site=ws.settings.site)
        )
        bodies.append(
            [[s.text for s in b.all_segments()] for b in article.blocks if b.kind == "paragraph"]
        )
    paragraphs = distinct([p for i in range(n) for p in bodies[i % len(bodies)]])
    at = 0
    for i in range(n):
        count = len(bodies[i % len(bodies)])
        text = "\n\n".join(" ".join(p) for p in paragraphs[at : at + count])
        at += count
        front = f'---\ntitle: "Backlog article no. {i}"\nauthor: Bench\ndate: 2025-09-18\n---\n\n'
        (ws.articles_dir / f"backlog-{i:04d}.md").write_text(front + text + "\n", encoding="utf-8")
    done, failed = ingest_each(ws, pending_files(ws))
    assert not failed and len(done) == n, failed


def segments_sent(root: Path) -> dict[str, list[str]]:
    """Per language, the distinct texts the flow sends to the model (protected)."""
    from azad.glossary import load_glossary
    from azad.mt.protect import protect
    from azad.queue.articles import ArticleStore
    from azad.workspace import Workspace

    ws = Workspace(root)
    glossary = load_glossary(ws.glossary_path)
    units = [e for s in ArticleStore(ws).all() for _, e in s.article.units()]
    out = {}
    for key, lang in ws.settings.languages.items():
        out[key] = list(dict.fromkeys(protect(u, glossary, lang.code).text for u in units))
    return out


def floors(root: Path) -> tuple[float, float, int]:
    from azad.mt.engine import CT2Engine, _chunks
    from azad.mt.select import select_model
    from azad.workspace import Workspace

    ws = Workspace(root)
    texts = segments_sent(root)
    engines = {k: CT2Engine(select_model(ws, k).model, ws.settings.mt) for k in texts}
    tokens = {k: [engines[k].encode(t) for t in texts[k]] for k in texts}

    def call(k: str, toks: list[list[str]], asynchronous: bool):  # type: ignore[no-untyped-def]
        e = engines[k]
        prefix = e.model.target_prefix
        return e.translator.translate_batch(
            toks,
            target_prefix=[[prefix]] * len(toks) if prefix else None,
            beam_size=e.options.beam_size,
            length_penalty=e.options.length_penalty,
            max_batch_size=e.options.max_batch_tokens,
            batch_type="tokens",
            replace_unknowns=True,
            max_decoding_length=max(len(t) for t in toks) * 3 + 10,
            asynchronous=asynchronous,
        )

    start = time.perf_counter()
    for k in texts:
        call(k, tokens[k], False)
    one_call = time.perf_counter() - start

    start = time.perf_counter()
    jobs = []
    for k in texts:
        cores = engines[k].inter_threads
        for chunk in _chunks(tokens[k], engines[k].options.max_batch_tokens, cores):
            jobs += call(k, [tokens[k][i] for i in chunk], True)
    for job in jobs:
        job.result()
    parallel = time.perf_counter() - start
    return one_call, parallel, sum(len(t) for t in texts.values())


def run_backlog(tmp: Path, n: int) -> None:
    import subprocess

    root = tmp / "backlog"
    azad = str(Path(sys.executable).parent / "azad")
    subprocess.run([azad, "init", str(root)], check=True, capture_output=True)
    subprocess.run(
        [azad, "-w", str(root), "models", "build-test-model", "--size", "base"],
        check=True,
        capture_output=True,
    )
    print(f"writing and ingesting {n} articles…", file=sys.stderr)
    write_backlog(root, n)
    print("raw CTranslate2 floors…", file=sys.stderr)
    one_call, parallel, n_segments = floors(root)

    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        from flows.pipeline import translate_articles

        print("the translate flow…", file=sys.stderr)
        start = time.perf_counter()
        outcomes = translate_articles(workspace=str(root))
        t_flow = time.perf_counter() - start
    assert all(o.ok for o in outcomes) and len(outcomes) == 2 * n
    sent = sum(o.sent for o in outcomes)
    print()
    print(
        f"{n} articles × 2 languages: {len(outcomes)} tasks, {sent} segments to translate "
        f"({n_segments} distinct per the floor); base test model"
    )
    print(f"  translate flow                              {t_flow:8.1f} s")
    print(f"  floor: one raw CTranslate2 call per language {one_call:7.1f} s")
    print(f"  raw asynchronous chunks, all cores           {parallel:7.1f} s")
    print(f"flow / one raw call: {t_flow / one_call:.2f}  (goal ≤ 1.3)")
    print(f"flow / raw chunks on all cores: {t_flow / parallel:.2f}")


def _bench_mt():  # type: ignore[no-untyped-def]
    """bench/mt.py as a module (this folder is off sys.path: see above)."""
    spec = importlib.util.spec_from_file_location("bench_mt", ROOT / "bench" / "mt.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument(
        "--backlog", type=int, metavar="N", help="the translate flow over N articles vs raw CT2"
    )
    args = parser.parse_args()
    if args.backlog:
        run_backlog(TMP, args.backlog)
        return
    print(f"preparing two workspaces with {args.articles} articles…", file=sys.stderr)
    ws_loop = make_workspace("loop", args.articles)
    ws_flow = make_workspace("flows", args.articles)

    from prefect.testing.utilities import prefect_test_harness

    start = time.perf_counter()
    with prefect_test_harness(server_startup_timeout=120):
        startup = time.perf_counter() - start
        print("plain loop…", file=sys.stderr)
        loop = loop_side(ws_loop)
        print("flows…", file=sys.stderr)
        flows = flow_side(ws_flow)

    n_po = len(list(ws_flow.translations_dir.glob("*/*.po")))
    n_editions = len(list(ws_flow.output_dir.glob("*/*.pdf")))
    print()
    print(
        f"{args.articles} articles, {n_po} PO files, {n_editions} PDF editions per side; "
        f"{os.cpu_count()} cores"
    )
    print(f"{'step':12} {'loop s':>8} {'flows s':>8} {'flows / loop':>13}")
    for step in ("translate", "publish"):
        print(f"{step:12} {loop[step]:8.1f} {flows[step]:8.1f} {flows[step] / loop[step]:13.2f}")
    total_loop, total_flows = sum(loop.values()), sum(flows.values())
    print(
        f"{'total':12} {total_loop:8.1f} {total_flows:8.1f} {total_flows / total_loop:13.2f}"
        "  (goal ≤ 1.3)"
    )
    print(f"(Prefect's temporary server took {startup:.1f} s to start, before timing)")


if __name__ == "__main__":
    main()
