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

4. *The whole article, the cover, the sync* (issue 26), beside the edition itself: in part
   1 each sample is also rendered (f) without its closing line and note and (g) without
   the cover (no thumbnail, no ``--epub-cover-image``); the table gives what the note and
   the cover add.  Part 4 publishes one article (the Kabul sample: closing line and note)
   in Dari and Pashto and sends its editions, feeds and catalog with
   ``azad.publish.sync.sync_all`` to Debian's OpenSSH server on 127.0.0.1 (a temporary
   ``sshd`` with its own keys, as the tests run it) over rsync and over SFTP, first
   send and unchanged, against (h) one plain ``rsync -a`` of the same files.  Needs root
   (sshd) and openssh-server, rsync; ``--no-sync`` skips it.

Translations are synthetic Dari and Pashto sentences of the English sentences' length (no
model is needed; the renderers only see text).  Prints a table of times and ratios.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import getpass
import io
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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
from azad.publish.rendering import thumbnail_png  # noqa: E402
from azad.publish.sync import public_files, state_path, sync_all  # noqa: E402
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
KABUL = ROOT / "tests" / "data" / "kabul-river-water.txt"


def samples() -> list[Article]:
    # The Kabul sample ends with a closing line and a note about the author.
    paths = [*sorted((ROOT / "examples").iterdir()), KABUL]
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
    if article.meta.author_note:
        out["note"] = " ".join(words[:12]) + "."
    return out


def without_note(article: Article) -> Article:
    """``article`` without its closing line and note (as before issue 26)."""
    meta = article.meta.model_copy(update={"author_note": None, "closing": None})
    return article.model_copy(update={"meta": meta})


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


def project_render(
    article: Article, key: str, settings: Settings, styles: Styles, *, cover: bool = True
) -> None:
    """What a publish renders of one edition (``azad.publish.rendering.render_edition``):
    the PDF, its first page as the thumbnail and the EPUB's cover, the EPUB, the page."""
    edition = edition_of(article, key, settings, styles)
    pdf = render_pdf(edition, styles)
    png = thumbnail_png(pdf) if cover else None
    render_epub(edition, styles, identifier=edition_id("bench", edition.lang), cover=png)
    render_reading(edition, styles, "bench")


Direct = tuple[str, str, list[str], str, str, list[tuple[str, str, str]]]
"""PDF HTML, article HTML, pandoc arguments (with the cover), CSS text, base URL, and the
fonts to subset: (source, characters, target: a .ttf for pandoc or a .woff2 for the
page)."""


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
    # The same cover pandoc gets from the project (the PDF's first page, made in the
    # direct run by the same pdftoppm call).
    args.append(f"--epub-cover-image={folder / 'cover.png'}")
    return pdf_html, article_html, args, str(css_path), styles.folder.as_uri() + "/", fonts


def direct_render(inputs: Direct) -> None:
    """WeasyPrint and pandoc on the same HTML, nothing else."""
    pdf_html, article_html, args, css, base_url, fonts = inputs
    pdf = HTML(string=pdf_html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None
    folder = Path(css).parent
    (folder / "direct.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "24", "-f", "1", "-l", "1", "-singlefile",
         str(folder / "direct.pdf"), str(folder / "cover")],
        check=True, capture_output=True,
    )  # fmt: skip
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


Row = tuple[str, float, float, float, float]
"""Sample, project s, direct s, the note's share s (f), the cover's share s (g)."""


def bench_samples(rounds: int) -> list[Row]:
    settings = load_settings(ROOT / "azad.toml")
    styles = load_styles(ROOT, settings.edition)
    rows = []
    for article in samples():
        bare = without_note(article)
        for key in ("dari", "pashto"):
            inputs = direct_inputs(article, key, settings, styles)
            project_render(article, key, settings, styles)  # warm caches (fonts, templates)
            direct_render(inputs)
            p, d, f, g = [], [], [], []
            for _ in range(rounds):
                # Subset again, as the direct calls do.
                azad_fonts._subset.cache_clear()
                p.append(timed(lambda a=article, k=key: project_render(a, k, settings, styles)))
                d.append(timed(lambda i=inputs: direct_render(i)))
                azad_fonts._subset.cache_clear()
                f.append(timed(lambda a=bare, k=key: project_render(a, k, settings, styles)))
                azad_fonts._subset.cache_clear()
                g.append(
                    timed(
                        lambda a=article, k=key: project_render(a, k, settings, styles, cover=False)
                    )
                )
            name = f"{article.meta.source_file} ({key})"
            full = statistics.median(p)
            note = full - statistics.median(f) if article.meta.author_note else 0.0
            rows.append((name, full, statistics.median(d), note, full - statistics.median(g)))
    return rows


def make_workspace(
    n: int,
    root: Path,
    keys: tuple[str, ...] = ("dari",),
    base: list[Article] | None = None,
) -> tuple[Workspace, list[tuple[str, str]], list[Direct]]:
    """``n`` approved translations into each of ``keys`` (copies of ``base``, the samples
    by default) in a fresh workspace."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert run(["init", str(root)]) == 0
    ws = Workspace(root.resolve())
    store = ArticleStore(ws)
    base = base or samples()
    styles = load_styles(ws.root, ws.settings.edition)
    pairs, inputs = [], []
    for i, key in ((i, key) for i in range(n) for key in keys):
        src = base[i % len(base)]
        article = src.model_copy(
            update={
                "meta": src.meta.model_copy(
                    update={"source_file": f"{i:03d}-{src.meta.source_file}"}
                )
            }
        )
        slug = f"bench-{i:03d}"
        if key == keys[0]:
            store.save(slug, article)
        translations = synthetic(article, key)
        code = ws.settings.languages[key].code
        tf = new_file(code, article.meta.title, {"Last-Translator": "bench"})
        bench = Provenance(origin="machine", engine="bench")
        tf.units = [
            Unit(ctx, english, translations[ctx], "reviewed", provenance=bench)
            for ctx, english in article.units()
        ]
        queue = Queue(ws)
        with queue.locked(slug, key):
            queue.write(slug, key, tf)
        approve(ws, slug, key, User("bench", "editor"), translation_status(ws, slug, key).rev)
        pairs.append((slug, key))
        inputs.append(direct_inputs(article, key, ws.settings, styles))
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


@contextlib.contextmanager
def sshd(folder: Path) -> Iterator[tuple[int, Path, str]]:
    """Debian's OpenSSH server on a free port of 127.0.0.1 with its own host key, letting
    in one key made here: (port, the client's key, the known_hosts line)."""
    folder.mkdir(parents=True)
    for name in ("host_key", "client"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)], check=True
        )
    shutil.copy(folder / "client.pub", folder / "authorized_keys")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    config = folder / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {folder / 'host_key'}\n"
        f"PidFile {folder / 'sshd.pid'}\nAuthorizedKeysFile {folder / 'authorized_keys'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        "PermitRootLogin prohibit-password\nStrictModes no\nSubsystem sftp internal-sftp\n"
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(exist_ok=True)
    proc = subprocess.Popen(
        ["/usr/sbin/sshd", "-D", "-E", str(folder / "sshd.log"), "-f", str(config)]
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "sshd did not start"
                time.sleep(0.05)
        key, kind = (folder / "host_key.pub").read_text().split()[:2]
        yield port, folder / "client", f"[127.0.0.1]:{port} {key} {kind}\n"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


def bench_sync(rounds: int) -> list[tuple[str, float, int, int]]:
    """One article's editions (Kabul, Dari and Pashto) with the feeds and the catalog sent
    to sshd on 127.0.0.1: (run, median s, files, bytes)."""
    tmp = Path(tempfile.mkdtemp(prefix="azad-bench-sync-"))
    kabul = read_source(
        Source(KABUL.name, KABUL.read_bytes()),
        ReadOptions(site=load_settings(ROOT / "azad.toml").site),
    )
    ws, pairs, _ = make_workspace(1, tmp / "ws", ("dari", "pashto"), [kabul])
    publish_many(ws, pairs, workers=1)
    files = public_files(ws)
    count = sum(len(f) for f in files.values())
    size = sum((ws.output_dir / rel).stat().st_size for f in files.values() for rel in f)
    rows = []
    with sshd(tmp / "sshd") as (port, key, known):
        shutil.copy(key, ws.root / "site_key")
        (ws.root / "known_hosts").write_text(known)
        user = getpass.getuser()
        toml = ws.root / "azad.toml"
        base = toml.read_text(encoding="utf-8")
        spaces = {}
        for transport in ("rsync", "sftp"):
            (ws.root / transport).mkdir()
            shutil.copytree(ws.output_dir, ws.root / transport / "output")
            shutil.copy(ws.root / "site_key", ws.root / transport / "site_key")
            shutil.copy(ws.root / "known_hosts", ws.root / transport / "known_hosts")
            (ws.root / transport / "azad.toml").write_text(
                base + f'\n[publish]\n[[publish.destinations]]\nname = "site"\n'
                f'transport = "{transport}"\nhost = "127.0.0.1"\nport = {port}\n'
                f'user = "{user}"\npath = "{tmp / transport}"\nkey_file = "site_key"\n',
                encoding="utf-8",
            )
            spaces[transport] = Workspace(ws.root / transport)
        ssh = [
            *("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes"),
            *("-o", f"IdentityFile={ws.root / 'site_key'}", "-p", str(port)),
            *("-o", f"UserKnownHostsFile={ws.root / 'known_hosts'}"),
        ]
        rsync = ["rsync", "-a", "--exclude=drafts", "--exclude=*.json", "-e", " ".join(ssh)]
        command = [*rsync, f"{ws.output_dir}/", f"{user}@127.0.0.1:{tmp / 'direct'}/"]
        times: dict[str, list[float]] = {}
        for _ in range(rounds):  # side by side, one after the other in each round
            for transport, space in spaces.items():
                first, again = _sync_once(space, tmp / transport)
                times.setdefault(f"sync_all over {transport}, first send", []).append(first)
                times.setdefault(f"sync_all over {transport}, unchanged", []).append(again)
            shutil.rmtree(tmp / "direct", ignore_errors=True)
            plain = timed(lambda: subprocess.run(command, check=True))
            times.setdefault("(h) one plain rsync -a of output/", []).append(plain)
        for name, values in times.items():
            sent = "unchanged" not in name
            rows.append((name, statistics.median(values), count * sent, size * sent))
    return rows


def _sync_once(ws: Workspace, site: Path) -> tuple[float, float]:
    """Seconds of ``sync_all`` to an empty site, then again with nothing changed."""
    shutil.rmtree(site, ignore_errors=True)
    state_path(ws, "site").unlink(missing_ok=True)
    start = time.perf_counter()
    assert [o.status for o in sync_all(ws)] == ["sent"]
    first = time.perf_counter() - start
    start = time.perf_counter()
    assert [o.status for o in sync_all(ws)] == ["up to date"]
    return first, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-sequential", action="store_true", help="skip (e)")
    parser.add_argument("--catalog", type=int, default=1000, help="editions in part 3")
    parser.add_argument("--no-sync", action="store_true", help="skip part 4 (needs sshd)")
    parser.add_argument("--parts", default="1234", help="which parts to run (default 1234)")
    args = parser.parse_args()
    if "1" in args.parts:
        part_samples(args)
    if "2" in args.parts:
        part_many(args)
    if "3" in args.parts:
        part_catalog(args)
    if "4" in args.parts and not args.no_sync:
        part_sync(args)


def part_samples(args: argparse.Namespace) -> None:
    print("1. one article: project renderers vs WeasyPrint + pandoc (+ pdftoppm for the")
    print("   cover) on the same HTML; what the closing line + note and the cover add")
    head = f"{'edition':<40} {'project s':>10} {'direct s':>10} {'ratio':>7}"
    print(f"{head} {'note ms':>8} {'cover ms':>9}")
    rows = bench_samples(args.rounds)
    for name, p, d, note, cover in rows:
        times = f"{name:<40} {p:>10.3f} {d:>10.3f} {p / d:>7.3f}"
        print(f"{times} {note * 1000:>8.0f} {cover * 1000:>9.0f}")
    total_p = sum(r[1] for r in rows)
    total_d = sum(r[2] for r in rows)
    print(f"{'all samples':<40} {total_p:>10.3f} {total_d:>10.3f} {total_p / total_d:>7.3f}")
    print()


def part_many(args: argparse.Namespace) -> None:
    print("2. many articles: publish_many (whole publish) vs direct calls")
    print(f"{'run':<40} {'project s':>10} {'direct s':>10} {'ratio':>7}")
    for name, p, d in bench_many(args.articles, not args.no_sequential):
        if d is None:
            continue
        print(f"{name:<40} {p:>10.3f} {d:>10.3f} {p / d:>7.3f}")
    print()


def part_catalog(args: argparse.Namespace) -> None:
    print("3. the catalog: write_catalog over generated manifests")
    print(f"{'run':<52} {'s':>8} {'ms/edition':>11} {'index KB':>9}")
    for name, seconds, size in bench_catalog(args.catalog):
        per = seconds / (args.catalog + 1) * 1000
        print(f"{name:<52} {seconds:>8.3f} {per:>11.3f} {size / 1000:>9.1f}")
    print()


def part_sync(args: argparse.Namespace) -> None:
    print("4. sync: one article's editions (Dari + Pashto), feeds, catalog to sshd on 127.0.0.1")
    print(f"{'run':<44} {'median s':>9} {'files':>6} {'KB':>8}")
    for name, seconds, files, size in bench_sync(args.rounds):
        print(f"{name:<44} {seconds:>9.3f} {files:>6} {size / 1000:>8.1f}")


if __name__ == "__main__":
    main()
