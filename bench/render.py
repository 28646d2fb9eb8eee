"""Rendering editions: the project's cost against WeasyPrint and pandoc called directly on
the same HTML, measured side by side in one run.

Usage: .venv/bin/python bench/render.py [--articles 200] [--rounds 3] [--no-sequential]

1. *Samples* (the example articles, and ../shared/samples when present, in Dari and
   Pashto), one process, alternating: (a) the project's renderers — edition data, Jinja2
   templates, WeasyPrint, pandoc with subset fonts, landmark relabelling and repacking,
   the HTML reading edition with its WOFF2 fonts — against (b) ``HTML(string=…)
   .write_pdf()``, fontTools' subsetter (the same characters and options, TrueType for
   pandoc and WOFF2 for the page) and the pandoc command, on the HTML (a) produced.  The
   project's subset cache is emptied before each of its renders, so both subset every
   time.  Median of ``--rounds``.
2. *Many articles* (``--articles`` copies of the samples, Dari, approved): (c)
   ``azad.publish.publish_many`` — the whole publish: renders, thumbnails, manifests,
   atomic writes, review records, catalog — in its process pool (one worker per core),
   against (d) the direct WeasyPrint + pandoc calls in a pool of as many processes, and
   (e) the direct calls in a plain loop in one process.
3. *Catalog of 1,000 editions* (``--catalog``): ``azad.catalog.write.write_catalog`` over
   generated manifests (index and language pages, paged OPDS and Atom), from scratch and
   again unchanged; the time per edition and the first page's size.

Translations are synthetic Dari and Pashto sentences of the English sentences' length (no
model is needed; the renderers only see text).  Prints a table of times and ratios.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import io
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fontTools import subset  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from weasyprint import HTML  # noqa: E402

from azad.cli import run  # noqa: E402
from azad.db.users import User  # noqa: E402
from azad.model import Article  # noqa: E402
from azad.publish import edition_id, publish_many  # noqa: E402
from azad.queue.articles import ArticleStore  # noqa: E402
from azad.queue.pofile import new_file  # noqa: E402
from azad.queue.status import translation_status  # noqa: E402
from azad.queue.store import Queue  # noqa: E402
from azad.queue.units import Provenance, Unit  # noqa: E402
from azad.readers import ReadOptions, Source, read_source  # noqa: E402
from azad.render import Credit, build_edition, load_styles, render_epub, render_pdf  # noqa: E402
from azad.render import fonts as azad_fonts  # noqa: E402
from azad.render.epub import epub_css, epub_inputs, pandoc_args, pandoc_path, text_of  # noqa: E402
from azad.render.html import render_reading  # noqa: E402
from azad.render.pdf import PDF_VARIANT, edition_pdf_html  # noqa: E402
from azad.render.styles import Styles  # noqa: E402
from azad.review.actions import approve  # noqa: E402
from azad.settings import Settings, load_settings  # noqa: E402
from azad.workspace import Workspace  # noqa: E402

# Sentences are made of these words (split at spaces).
DARI_WORDS = "افغانستان زعفران دهقانان هرات کشور آب راه تونل مردم سال زمستان کابل ولایت تجارت"
PASHTO_WORDS = "هېواد ښوونځی بزګران لار اوبه ژمی کابل ولایت سوداګري بازار خلک کال ټولنه ګډه ډېر"
WORDS = {"dari": DARI_WORDS.split(" "), "pashto": PASHTO_WORDS.split(" ")}


def samples() -> list[Article]:
    paths = sorted((ROOT / "examples").iterdir())
    shared = ROOT.parent / "shared" / "samples"
    if shared.is_dir():
        paths += sorted(shared.iterdir())
    site = load_settings(ROOT / "azad.toml").site
    return [read_source(Source(p.name, p.read_bytes()), ReadOptions(site=site)) for p in paths]


def synthetic(article: Article, key: str) -> dict[str, str]:
    words = WORDS[key]
    out = {}
    for n, seg in enumerate(article.segments()):
        count = max(3, len(seg.text.split()))
        out[seg.id] = " ".join(words[(n + i) % len(words)] for i in range(count)) + "."
    out["title"] = " ".join(words[:6])
    return out


def edition_of(article: Article, key: str, settings: Settings, styles: Styles):  # type: ignore[no-untyped-def]
    return build_edition(
        article,
        synthetic(article, key),
        settings.site,
        key,
        settings.languages[key],
        styles,
        credit=Credit(("bench",), machine_draft=True),
        authors=settings.edition.authors,
    )


def project_render(article: Article, key: str, settings: Settings, styles: Styles) -> None:
    edition = edition_of(article, key, settings, styles)
    render_pdf(edition, styles)
    render_epub(edition, styles, identifier=edition_id("bench", edition.lang))
    render_reading(edition, styles, "bench")


Direct = tuple[str, str, list[str], str, str, list[tuple[str, str, str]]]
"""PDF HTML, article HTML, pandoc arguments, CSS text, base URL, and the fonts to subset:
(source, characters, target: a .ttf for pandoc or a .woff2 for the page)."""


def direct_subset(source: str, chars: str, target: str) -> None:
    """fontTools' subsetter with the project's options, nothing else."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.flavor = "woff2" if target.endswith(".woff2") else None
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    font.flavor = options.flavor
    font.save(target, reorderTables=True)


def direct_inputs(article: Article, key: str, settings: Settings, styles: Styles) -> Direct:
    """The HTML the project produced, and pandoc's arguments, prepared outside the timing."""
    edition = edition_of(article, key, settings, styles)
    pdf_html = edition_pdf_html(edition, styles)
    article_html, titlepage = epub_inputs(edition, styles)
    folder = Path(tempfile.mkdtemp(prefix="azad-bench-css-"))
    css_path = folder / "edition.css"
    css_path.write_text(epub_css(styles))
    labels = edition.labels.values()
    book_chars = azad_fonts.characters(
        text_of(article_html), text_of(titlepage), *labels, edition.plain_title
    )
    page = render_reading(edition, styles, "bench").html.decode()
    page_chars = azad_fonts.characters(text_of(page.split("<body", 1)[1]), *labels)
    fonts = [(str(f.path), book_chars, str(folder / f.path.name)) for f in styles.fonts]
    fonts += [(str(f.path), page_chars, str(folder / f"{f.path.stem}.woff2")) for f in styles.fonts]
    args = pandoc_args(
        edition,
        styles,
        identifier=edition_id("bench", edition.lang),
        titlepage=titlepage,
        css_path=css_path,
        fonts=[folder / f.path.name for f in styles.fonts],
    )
    return pdf_html, article_html, args, str(css_path), styles.folder.as_uri() + "/", fonts


def direct_render(inputs: Direct) -> None:
    """WeasyPrint and pandoc on the same HTML, nothing else."""
    pdf_html, article_html, args, _css, base_url, fonts = inputs
    HTML(string=pdf_html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT)
    for source, chars, target in fonts:
        direct_subset(source, chars, target)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [pandoc_path(), *args, f"--output={tmp}/out.epub"],
            input=article_html.encode(),
            check=True,
            capture_output=True,
        )


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_samples(rounds: int) -> list[tuple[str, float, float]]:
    settings = load_settings(ROOT / "azad.toml")
    styles = load_styles(ROOT, settings.edition)
    rows = []
    for article in samples():
        for key in ("dari", "pashto"):
            inputs = direct_inputs(article, key, settings, styles)
            project_render(article, key, settings, styles)  # warm caches (fonts, templates)
            direct_render(inputs)
            p, d = [], []
            for _ in range(rounds):
                azad_fonts._subset.cache_clear()  # subset again, as the direct calls do
                p.append(timed(lambda a=article, k=key: project_render(a, k, settings, styles)))
                d.append(timed(lambda i=inputs: direct_render(i)))
            name = f"{article.meta.source_file} ({key})"
            rows.append((name, statistics.median(p), statistics.median(d)))
    return rows


def make_workspace(n: int, root: Path) -> tuple[Workspace, list[tuple[str, str]], list[Direct]]:
    """``n`` approved Dari translations (copies of the samples) in a fresh workspace."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert run(["init", str(root)]) == 0
    ws = Workspace(root.resolve())
    store = ArticleStore(ws)
    base = samples()
    styles = load_styles(ws.root, ws.settings.edition)
    pairs, inputs = [], []
    for i in range(n):
        src = base[i % len(base)]
        article = src.model_copy(
            update={
                "meta": src.meta.model_copy(
                    update={"source_file": f"{i:03d}-{src.meta.source_file}"}
                )
            }
        )
        slug = f"bench-{i:03d}"
        store.save(slug, article)
        translations = synthetic(article, "dari")
        tf = new_file("fa-AF", article.meta.title, {"Last-Translator": "bench"})
        bench = Provenance(origin="machine", engine="bench")
        tf.units = [
            Unit(ctx, english, translations[ctx], "reviewed", provenance=bench)
            for ctx, english in article.units()
        ]
        queue = Queue(ws)
        with queue.locked(slug, "dari"):
            queue.write(slug, "dari", tf)
        approve(ws, slug, "dari", User("bench", "editor"), translation_status(ws, slug, "dari").rev)
        pairs.append((slug, "dari"))
        inputs.append(direct_inputs(article, "dari", ws.settings, styles))
    return ws, pairs, inputs


def bench_many(n: int, sequential: bool) -> list[tuple[str, float, float | None]]:
    tmp = Path(tempfile.mkdtemp(prefix="azad-bench-render-"))
    ws, pairs, inputs = make_workspace(n, tmp / "ws")
    workers = os.cpu_count() or 1
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["azad.publish.run"])
    # Start the fork server (both (c) and (d) fork their workers from it) before timing.
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        pool.submit(os.getpid).result()
    project = timed(lambda: publish_many(ws, pairs, workers=workers))
    published = len(list((ws.output_dir / "dari").glob("*.pdf")))
    assert published == n, published

    def direct_pool() -> None:
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            list(pool.map(direct_render, inputs))

    pooled = timed(direct_pool)
    loop = timed(lambda: [direct_render(i) for i in inputs]) if sequential else None
    return [
        (f"{n} articles, {workers} processes", project, pooled),
        ("  direct, one process", project, loop),
    ]


def bench_catalog(n: int) -> list[tuple[str, float, int]]:
    """``write_catalog`` over ``n`` generated manifests (copies of one real edition's files)."""
    import datetime as dt
    import json

    from azad.catalog.write import write_catalog

    tmp = Path(tempfile.mkdtemp(prefix="azad-bench-catalog-"))
    ws, pairs, _ = make_workspace(1, tmp / "ws")
    publish_many(ws, pairs, workers=1)
    slug = pairs[0][0]
    folder = ws.output_dir / "dari"
    template = json.loads((folder / f"{slug}.json").read_text())
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for i in range(n):
        key = ("dari", "pashto")[i % 2]
        target = ws.output_dir / key
        target.mkdir(exist_ok=True)
        name = f"gen-{i:04d}"
        (target / f"{name}.pdf").hardlink_to(folder / f"{slug}.pdf")
        moment = (base + dt.timedelta(hours=i)).isoformat()
        manifest = {**template, "slug": name, "lang_key": key, "id": f"urn:gen:{i}",
                    "published": moment, "approved": moment,
                    "pdf": {"file": f"{name}.pdf", "bytes": 30_000}}  # fmt: skip
        (target / f"{name}.json").write_text(json.dumps(manifest, ensure_ascii=False))
    total = n + 1
    first = timed(lambda: write_catalog(ws))
    again = timed(lambda: write_catalog(ws))
    size = (ws.output_dir / "index.html").stat().st_size
    pages = len(list(ws.output_dir.glob("*.html"))) + len(list(ws.output_dir.glob("*.xml")))
    return [
        (f"{total} editions, from scratch ({pages} pages and feeds)", first, size),
        (f"{total} editions, unchanged", again, size),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-sequential", action="store_true", help="skip (e)")
    parser.add_argument("--catalog", type=int, default=1000, help="editions in part 3")
    args = parser.parse_args()

    print("1. one article: project renderers vs WeasyPrint + pandoc on the same HTML")
    print(f"{'edition':<40} {'project s':>10} {'direct s':>10} {'ratio':>7}")
    rows = bench_samples(args.rounds)
    for name, p, d in rows:
        print(f"{name:<40} {p:>10.3f} {d:>10.3f} {p / d:>7.3f}")
    total_p = sum(p for _, p, _ in rows)
    total_d = sum(d for _, _, d in rows)
    print(f"{'all samples':<40} {total_p:>10.3f} {total_d:>10.3f} {total_p / total_d:>7.3f}")
    print()
    print("2. many articles: publish_many (whole publish) vs direct calls")
    print(f"{'run':<40} {'project s':>10} {'direct s':>10} {'ratio':>7}")
    for name, p, d in bench_many(args.articles, not args.no_sequential):
        if d is None:
            continue
        print(f"{name:<40} {p:>10.3f} {d:>10.3f} {p / d:>7.3f}")
    print()
    print("3. the catalog: write_catalog over generated manifests")
    print(f"{'run':<52} {'s':>8} {'ms/edition':>11} {'index KB':>9}")
    for name, seconds, size in bench_catalog(args.catalog):
        per = seconds / (args.catalog + 1) * 1000
        print(f"{name:<52} {seconds:>8.3f} {per:>11.3f} {size / 1000:>9.1f}")


if __name__ == "__main__":
    main()
