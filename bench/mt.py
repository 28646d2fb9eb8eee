"""Machine translation throughput, measured side by side in one run.

Usage: .venv/bin/python bench/mt.py [--segments 1000] [--size base]
       .venv/bin/python bench/mt.py --memory [--size base]

On the Transformer-base-sized test package (6+6 layers, d=512, 16k vocabulary; random
weights, so the outputs are babble of realistic length) and the example articles repeated
to about ``--segments`` sentence segments, it prints segments per second and the ratio to
the engine for:

  (a) argostranslate.translate.translate per paragraph, Argos's defaults (as LibreTranslate
      calls it), with a sentencizer that returns the project's segments (Argos's own would
      download a model);
  (b) the project's engine, same decoding settings (beam 4, length penalty 0.2);
  (c) the engine at beam 1;
  (d) one raw CTranslate2 call over all segments with the engine's settings (the floor);

then how many of (b)'s paragraph translations are identical to (a)'s, and the cost of
bringing an article's PO files up to date after one paragraph changed, relative to
translating it from scratch.

With ``--memory``: the peak resident memory (VmHWM) of a worker process translating
with the test model, as a fresh process per number of concurrent tasks (1, 2, 4, 8, 16, 32
threads, each bringing one article's PO file up to date through the process's batching
queue, as the translate flow's tasks do), beside the same process after loading the model
and before translating.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TMP = Path(tempfile.mkdtemp(prefix="azad-bench-mt-"))
# Argos creates its data and cache folders on import: keep them out of the user's home.
for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[var] = str(TMP / var.lower())

from azad.model import Article  # noqa: E402
from azad.mt.engine import CT2Engine, DecodeOptions, _chunks  # noqa: E402
from azad.mt.packages import install_file, use_packages_dir  # noqa: E402
from azad.mt.testmodel import build_test_package  # noqa: E402
from azad.readers import ReadOptions, Source, read_source  # noqa: E402
from azad.readers.base import RawBlock, assemble  # noqa: E402
from azad.services.translate import Job, update_translations  # noqa: E402
from azad.settings import MTSettings, load_settings  # noqa: E402


def examples() -> list[Article]:
    site = load_settings(ROOT / "azad.toml").site
    paths = sorted((ROOT / "examples").iterdir())
    shared = ROOT.parent / "shared" / "samples"
    if shared.is_dir():
        paths += sorted(shared.iterdir())
    return [read_source(Source(p.name, p.read_bytes()), ReadOptions(site=site)) for p in paths]


def paragraphs_of(articles: Sequence[Article], target: int) -> list[list[str]]:
    """Blocks as lists of segments, articles repeated until ``target`` segments."""
    out: list[list[str]] = []
    count = 0
    while count < target:
        for article in articles:
            for block in article.blocks:
                segs = [s.text for s in block.all_segments()]
                out.append(segs)
                count += len(segs)
    return out


_OPENERS = [
    "Indeed",
    "Still",
    "Moreover",
    "Meanwhile",
    "Even so",
    "In fact",
    "Later",
    "By then",
    "At first",
    "Above all",
    "Again",
    "Yet",
    "Even now",
    "In short",
]


def distinct(paras: list[list[str]]) -> list[list[str]]:
    """``paras`` with every repeated sentence given an opener of its own ("Indeed, …")."""
    seen: dict[str, int] = {}
    out = []
    for para in paras:
        varied = []
        for sentence in para:
            n = seen[sentence] = seen.get(sentence, -1) + 1
            if n:
                opener = " ".join(_OPENERS[k % len(_OPENERS)] for k in _digits(n))
                sentence = f"{opener}, {sentence[:1].lower()}{sentence[1:]}"
            varied.append(sentence)
        out.append(varied)
    return out


def _digits(n: int) -> list[int]:
    base = len(_OPENERS)
    digits = []
    while n:
        n, d = divmod(n - 1, base)
        digits.append(d)
    return digits


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def peak_rss_mib() -> float:
    """This process's peak resident memory: VmHWM, not ru_maxrss, which on Linux carries
    the parent's peak over fork and exec (the parent built the model: hundreds of MiB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def memory_worker(size: str, tasks: int) -> None:
    """One worker process: load the model, run ``tasks`` article tasks at once, print the
    peak RSS (MiB) after loading and at the end."""
    import threading

    from azad.mt.batching import batching
    from azad.mt.engine import get_engine
    from azad.mt.packages import resolve_model

    model = resolve_model(Path(os.environ["AZAD_BENCH_PACKAGES"]), "translate-en_fa")
    assert model is not None
    imported = peak_rss_mib()
    backend = batching(get_engine(model, MTSettings()))
    loaded = peak_rss_mib()
    articles = examples()

    from azad.cli import run as azad
    from azad.workspace import Workspace

    root = TMP / "memory-ws"
    azad(["init", str(root)])
    ws = Workspace(root)

    def task(i: int) -> None:
        article = articles[i % len(articles)]
        update_translations(ws, [Job(f"a{i}", article, "dari", "fa-AF")], backend, None)

    threads = [threading.Thread(target=task, args=(i,)) for i in range(tasks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    peak = peak_rss_mib()
    print(f"{imported:.1f} {loaded:.1f} {peak:.1f} {backend.stats.calls}")


def memory(size: str) -> None:
    import subprocess

    print(f"{'concurrent tasks':>16} {'imports MiB':>12} {'model loaded MiB':>17} "
          f"{'peak MiB':>9} {'growth MiB':>11} {'model calls':>12}")  # fmt: skip
    # Built here, not in the workers: building holds memory a worker never would.
    install_file(TMP / "packages", build_test_package(TMP, to_code="fa", size=size))
    env = {**os.environ, "AZAD_BENCH_PACKAGES": str(TMP / "packages")}
    first = None
    for tasks in (1, 2, 4, 8, 16, 32):
        out = subprocess.run(
            [sys.executable, __file__, "--size", size, "--memory-worker", str(tasks)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        imported, loaded, peak, calls = float(out[0]), float(out[1]), float(out[2]), int(out[3])
        first = peak if first is None else first
        print(
            f"{tasks:16} {imported:12.1f} {loaded:17.1f} {peak:9.1f} {peak - first:11.1f} "
            f"{calls:12}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1000)
    parser.add_argument("--size", choices=["tiny", "base"], default="base")
    parser.add_argument(
        "--argos-share",
        type=float,
        default=0.2,
        help="share of the paragraphs that (a) translates: it is ~10x slower, and rates "
        "(segments/s) compare fairly on a share (default 0.2)",
    )
    parser.add_argument("--memory", action="store_true", help="peak RSS of a worker")
    parser.add_argument("--memory-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_worker:
        memory_worker(args.size, args.memory_worker)
        return
    if args.memory:
        memory(args.size)
        return

    print(f"building the {args.size} test package…", file=sys.stderr)
    packages = TMP / "packages"
    model = install_file(packages, build_test_package(TMP, to_code="fa", size=args.size))
    articles = examples()
    paras = paragraphs_of(articles, args.segments)
    segments = [s for p in paras for s in p]
    print(
        f"{len(segments)} segments in {len(paras)} paragraphs; {os.cpu_count()} cores",
        file=sys.stderr,
    )

    mt = MTSettings()  # the defaults azad.toml ships: int8, beam 4, lp 0.2, inter = cores
    engine = CT2Engine(model, mt)

    # (a) Argos per paragraph, its defaults, our segments as its sentences.
    argos_pkg = use_packages_dir(packages)
    from argostranslate import sbd, translate

    by_paragraph = {" ".join(p): p for p in paras}

    class ProjectSegments(sbd.ISentenceBoundaryDetectionModel):
        def __init__(self, pkg: object) -> None:
            self.pkg = pkg

        def split_sentences(self, text: str) -> list[str]:
            return by_paragraph[text]

    argos_pkg.get_installed_packages()
    translation = translate.get_translation_from_codes("en", "fa")
    inner = translation.underlying if hasattr(translation, "underlying") else translation
    inner.sentencizer = ProjectSegments(inner.pkg)
    argos_paras = paras[: max(1, round(len(paras) * args.argos_share))]
    argos_n = sum(len(p) for p in argos_paras)
    print(f"(a) argostranslate per paragraph, {argos_n} segments…", file=sys.stderr)
    t_a, argos_out = timed(
        lambda: [translate.translate(" ".join(p), "en", "fa") for p in argos_paras]
    )
    # Reported per segment, so that a share of the corpus compares with the whole.
    rates: dict[str, float] = {"(a) argostranslate.translate per paragraph": argos_n / t_a}

    print("(b) engine…", file=sys.stderr)
    t_b, engine_out = timed(lambda: engine.translate(segments))
    rates["(b) engine, beam 4"] = len(segments) / t_b

    print("(c) engine beam 1…", file=sys.stderr)
    beam1 = DecodeOptions.from_settings(mt, beam_size=1)
    t_c, _ = timed(lambda: engine.translate(segments, beam1))
    rates["(c) engine, beam 1"] = len(segments) / t_c

    print("(d) raw CTranslate2 floor…", file=sys.stderr)
    tokens = [engine.encode(s) for s in segments]
    opts = engine.options
    t_d, _ = timed(
        lambda: engine.translator.translate_batch(
            tokens,
            beam_size=opts.beam_size,
            length_penalty=opts.length_penalty,
            max_batch_size=opts.max_batch_tokens,
            batch_type="tokens",
            replace_unknowns=True,
        )
    )
    rates["(d) raw CTranslate2, one call"] = len(segments) / t_d

    # A single translate_batch call runs on one replica; (e) is the floor with the engine's
    # parallel chunking but none of its tokenizing, decoding or bookkeeping.
    print("(e) raw CTranslate2, chunks in parallel…", file=sys.stderr)
    chunks = _chunks(tokens, opts.max_batch_tokens, engine.inter_threads)

    def raw_parallel() -> None:
        futures = [
            engine.translator.translate_batch(
                [tokens[i] for i in chunk],
                beam_size=opts.beam_size,
                length_penalty=opts.length_penalty,
                max_batch_size=opts.max_batch_tokens,
                batch_type="tokens",
                replace_unknowns=True,
                asynchronous=True,
            )
            for chunk in chunks
        ]
        for group in futures:
            for f in group:
                f.result()

    t_e, _ = timed(raw_parallel)
    rates["(e) raw CTranslate2, parallel chunks"] = len(segments) / t_e

    engine_rate = rates["(b) engine, beam 4"]
    print()
    print(f"{'':46} {'segments/s':>10} {'time / engine time':>19}")
    for name, rate in rates.items():
        print(f"{name:46} {rate:10.1f} {engine_rate / rate:19.2f}")
    print()
    print(f"engine speed-up over (a): {engine_rate / rates[next(iter(rates))]:.1f}×  (goal ≥ 10×)")
    print(f"engine time / raw floor (d): {t_b / t_d:.3f}  (goal ≤ 1.15)")
    print(f"engine time / parallel raw (e): {t_b / t_e:.3f}")

    # Identical outputs: Argos decodes a paragraph's sentences as one token stream.
    outs = iter(engine_out)  # type: ignore[call-overload]
    joined = [" ".join(next(outs) for _ in p) for p in paras][: len(argos_paras)]
    pairs = list(zip(argos_out, joined, strict=True))  # type: ignore[call-overload]
    same = sum(a == b for a, b in pairs)
    # Argos decodes a paragraph's sentences as one token stream, so a sentence whose first
    # piece has no word-start mark is glued to the previous one; the engine translates
    # sentences and joins them with a space. Compared without spaces, that difference goes.
    same_tokens = sum(a.replace(" ", "") == b.replace(" ", "") for a, b in pairs)
    print(
        f"paragraphs identical between (a) and (b): {same}/{len(pairs)} exactly, "
        f"{same_tokens}/{len(pairs)} ignoring spaces between sentences"
    )

    # Re-translation after one changed paragraph, through the whole PO update path: on the
    # bench corpus as one long article, and on one example article. The corpus repeats the
    # examples, and a repeated sentence is translated once: its repetitions are varied so
    # that the long article's full run translates every one of its segments, as a real
    # article's would.
    print()
    long_article = assemble(
        articles[0].meta, [RawBlock("paragraph", " ".join(p)) for p in distinct(paras)]
    )
    for article in [long_article, articles[0]]:
        t_full, t_one, changed = retranslate_cost(article, engine)
        n = sum(1 for _ in article.segments())
        print(
            f"one paragraph changed in a {n}-segment article: {t_one:.2f} s vs full "
            f"{t_full:.2f} s = {t_one / t_full:.3f}× ({changed}/{n} = {changed / n:.3f} of "
            "the segments changed)"
        )


def retranslate_cost(article: Article, engine: CT2Engine) -> tuple[float, float, int]:
    from azad.cli import run as azad
    from azad.workspace import Workspace

    root = Path(tempfile.mkdtemp(dir=TMP)) / "ws"
    azad(["init", str(root)])
    ws = Workspace(root)
    t_full, _ = timed(
        lambda: update_translations(ws, [Job("a", article, "dari", "fa-AF")], engine, None)
    )
    target = max(
        (b for b in article.blocks if b.kind == "paragraph"), key=lambda b: len(b.segments)
    )
    blocks = [
        b.model_copy(
            update={
                "segments": [s.model_copy(update={"text": s.text + " Indeed."}) for s in b.segments]
            }
        )
        if b is target
        else b
        for b in article.blocks
    ]
    changed = article.model_copy(update={"blocks": blocks})
    t_one, _ = timed(
        lambda: update_translations(ws, [Job("a", changed, "dari", "fa-AF")], engine, None)
    )
    return t_full, t_one, len(target.segments)


if __name__ == "__main__":
    main()
