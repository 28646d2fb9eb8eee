"""Response times of the review app with a large queue.

Usage: .venv/bin/python bench/review.py [--articles 1000] [--requests 200] [--streams 20]
[--keep]

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

With ``--streams`` (20 by default) that many live pages (Server-Sent Events: 10 queue
pages, one on the long article, the rest on one article's editor page) stay open through
every measurement, as open browser tabs would; the idle server's CPU without and with them
is printed side by side (the one watcher's cost).

It prints median, 95th percentile and maximum per kind of request; the target is a p95
under 150 ms for every page and save of the ordinary queue; for the long article, under
1 s for its page and what a short article's save costs for its saves. The long article's
first page is asked for first, from a server started after the article was drafted and
checked as the translate flow does (a restart). Last, the floors the one-PO-file design
sets, measured in this process: writing the whole file (every save does; one write of a
copy of the file after each save over HTTP, side by side, and the ratio save / floor),
and parsing it (polib, or the disk copy of an earlier parse).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import polib  # noqa: E402

from azad.cli import run  # noqa: E402
from azad.db.users import add_user  # noqa: E402
from azad.queue.articles import ArticleStore  # noqa: E402
from azad.queue.parsed import from_bytes, to_bytes  # noqa: E402
from azad.queue.pofile import parse_po  # noqa: E402
from azad.queue.store import Queue, flush_caches  # noqa: E402
from azad.queue.units import Unit  # noqa: E402
from azad.review.edits import read_segments  # noqa: E402
from azad.review.index import queue_rows  # noqa: E402
from azad.review.qa_results import check_translation  # noqa: E402
from azad.services.ingest import ingest_files  # noqa: E402
from azad.services.translate import Job, update_translations  # noqa: E402
from azad.workspace import Workspace  # noqa: E402

PASSWORD = "benchmark password"
TARGET_MS = 150.0
LONG_MS = 1000.0
SAVE = "segment save (JSON API)"
LONG_SAVE = "long article: segment save"


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
    check_translation(ws, outcome.slug, "dari")  # as the translate flow does after drafting
    flush_caches()
    return outcome.slug


SERVER = """
import sys, uvicorn
from pathlib import Path
from azad.web.app import create_app
from azad.workspace import Workspace
ws = Workspace(Path(sys.argv[1]))
if len(sys.argv) > 3:  # a baseline checkout on a copy of the workspace: its own database
    from azad.db.users import add_user, get_user
    if get_user(ws, "editor") is None:
        add_user(ws, "editor", "editor", [], sys.argv[3])
try:  # the app's own server: open live pages end at shutdown
    from azad.web.live import Server
except ImportError:  # a baseline from before live pages
    Server = uvicorn.Server
app = create_app(ws)
config = uvicorn.Config(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
Server(config).run()
"""


def serve(
    ws: Workspace, source: Path | None = None
) -> tuple[str, Callable[[], None], subprocess.Popen[bytes]]:
    """The app in its own process, as ``azad review serve`` runs it (the client's work in
    this process does not compete with the server for the interpreter lock); with
    ``source``, the ``azad`` package of that folder (a baseline checkout) serves."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ)
    argv = [sys.executable, "-c", SERVER, str(ws.root), str(port)]
    if source is not None:
        env["PYTHONPATH"] = str(source)
        argv.append(PASSWORD)
    # Started in the workspace: "python -c" puts its working folder first on sys.path,
    # which must not be this checkout when a baseline's azad/ is to serve.
    proc = subprocess.Popen(argv, env=env, cwd=source or ws.root)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, proc, 60)
    except SystemExit:
        proc.kill()
        raise

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    return base, stop, proc


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
    p95 = p(times, 95)
    verdict = "" if target is None else ("ok" if p95 < target else "TOO SLOW")
    return (
        f"{name:<44} {len(times):>5} {statistics.median(times):>9.1f} {p95:>9.1f} "
        f"{max(times):>9.1f}  {verdict}"
    )


@dataclass
class Server:
    name: str
    ws: Workspace
    client: httpx.Client
    csrf: str


Measure = tuple[str, int, Callable[[Server], httpx.Response], float | None]


def measures(args: argparse.Namespace, slugs: list[str], long_slug: str) -> list[Measure]:
    rng = random.Random(4)
    editor_url = f"/t/{slugs[0]}/dari"
    long_url = f"/t/{long_slug}/dari"
    seen: dict[tuple[str, str], list[Unit]] = {}

    def save(server: Server, slug: str, lang: str) -> httpx.Response:
        # The segments as the translator's page loaded them (kept up to date with the
        # answers, so no save conflicts).
        key = (server.name + slug, lang)
        if key not in seen:
            seen[key] = read_segments(server.ws, slug, lang)
        segs = seen[key]
        i = rng.randrange(len(segs))
        seg = segs[i]
        response = server.client.post(
            f"/api/t/{slug}/{lang}/segments/{seg.ctx}",
            json={"text": f"ترجمه {rng.random():.6f}", "rev": seg.rev, "reviewed": True},
            headers={"X-CSRF-Token": server.csrf},
        )
        if response.status_code == 200:
            segs[i] = replace(seg, text=response.json()["text"], state="reviewed")
        return response

    def save_any(server: Server) -> httpx.Response:
        return save(server, rng.choice(slugs), rng.choice(["dari", "pashto"]))

    n, n_long = args.requests, args.long_requests
    return [
        ("queue page (2,000 entries, warm)", n, lambda s: s.client.get("/"), TARGET_MS),
        (
            "queue page, one language and status",
            n,
            lambda s: s.client.get("/?lang=dari&status=machine+draft"),
            TARGET_MS,
        ),
        ("queue page, search of the English", n, lambda s: s.client.get("/?q=saffron"), TARGET_MS),
        (SAVE, n, save_any, TARGET_MS),
        ("editor page (one article)", n // 2, lambda s: s.client.get(editor_url), TARGET_MS),
        (
            "editor page, failing a check",
            n // 2,
            lambda s: s.client.get(editor_url + "?filter=check:numbers"),
            TARGET_MS,
        ),
        ("long article: 1st page, cold", 1, lambda s: s.client.get(long_url), None),
        ("long article: page 1", n_long, lambda s: s.client.get(long_url), LONG_MS),
        (
            "long article: failing a check, page 3",
            n_long,
            lambda s: s.client.get(long_url + "?filter=check:numbers&page=3"),
            LONG_MS,
        ),
        (
            "long article: least confident first",
            n_long,
            lambda s: s.client.get(long_url + "?sort=confidence"),
            LONG_MS,
        ),
        # More saves than page loads: their p50 is set against the floor's (on a shared
        # machine 20 were too few for a steady median).
        (LONG_SAVE, max(60, n_long), lambda s: save(s, long_slug, "dari"), None),
    ]


def outside_edits(ws: Workspace, slugs: list[str]) -> None:
    """50 PO files rewritten in place through polib, as a CAT tool would."""
    for slug in random.Random(5).sample(slugs, min(50, len(slugs))):
        path = Queue(ws).po_path(slug, "pashto")
        catalog = polib.pofile(str(path), wrapwidth=0)
        catalog[0].msgstr = "د بهر ژباړه"
        catalog.save(str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--long", type=int, default=20_000, help="segments of the long article")
    parser.add_argument("--long-requests", type=int, default=10)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a folder holding another version's azad/ package (e.g. from 'git archive "
        "COMMIT azad | tar -x -C DIR'): served on a copy of the workspace, every request "
        "alternating between the two, ratios printed",
    )
    parser.add_argument("--keep", action="store_true", help="keep the workspace")
    parser.add_argument(
        "--streams",
        type=int,
        default=20,
        help="live pages (Server-Sent Events) held open while measuring (0: none)",
    )
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
        f"cache filled in {cold_s:.2f} s); long article: "
        f"{len(read_segments(ws, long_slug, 'dari'))} segments"
    )
    workspaces = [("this", ws, None)]
    if args.baseline:
        base_root = root.with_name("review-ws-baseline")
        if base_root.exists():
            shutil.rmtree(base_root)
        shutil.copytree(root, base_root, ignore=shutil.ignore_patterns(".azad"))
        workspaces.insert(0, ("baseline", Workspace(base_root.resolve()), args.baseline))
    slugs = [s for s in ArticleStore(ws).slugs() if s != long_slug]
    floor = Floor(ws, {SAVE: slugs[0], LONG_SAVE: long_slug})
    servers: list[Server] = []
    stops: list[Callable[[], object]] = []
    streams: list[SseStream] = []
    results: dict[str, dict[str, list[float]]] = {}
    try:
        for name, space, source in workspaces:
            url, stop, proc = serve(space, source)
            stops.append(stop)
            client = httpx.Client(base_url=url, timeout=300)
            servers.append(Server(name, space, client, login(client)))
            if name == "this" and args.streams:
                # The watcher's own cost, side by side: the idle server without and with
                # the streams open (it looks at every entry's stamps once a second).
                quiet = idle_cpu(proc)
                streams = open_streams(url, client, args.streams, slugs[0], long_slug)
                # The watcher's first looks read the followed translations' state once
                # (the long article's too): not the steady cost measured next.
                time.sleep(3)
                stops.insert(0, lambda opened=streams: [st.close() for st in opened])
                watched = idle_cpu(proc)
                print(
                    f"idle server CPU: {quiet:.1f} ms/s without streams, {watched:.1f} ms/s "
                    f"with {len(streams)} open (the watcher over {entries} entries)"
                )
        plan = measures(args, slugs, long_slug)
        for title, count, fn, _ in plan:
            results[title] = {s.name: [] for s in servers}
            for _ in range(count):
                for server in servers:  # alternating: both see the same machine load
                    results[title][server.name] += timed(lambda s=server, f=fn: f(s), 1)
                floor.measure(title)  # a save's floor, side by side with the saves
            if title.startswith("queue page, search"):
                for server in servers:
                    outside_edits(server.ws, slugs)
                title2 = "queue page after 50 outside edits (1st)"
                results[title2] = {s.name: timed(lambda s=s: s.client.get("/"), 1) for s in servers}
    finally:
        for server in servers:
            server.client.close()
        for stop in stops:
            stop()
    targets = {title: target for title, _, _, target in plan}
    if args.streams:
        got = sum(len(st.events) for st in streams)
        print(
            f"\n{len(streams)} live streams open through the measurements (10 on the queue, "
            f"{len(streams) - 11} on an article's editor page, 1 on the long article): "
            f"{got} events received"
        )
    print()
    for server in servers:
        print(f"{server.name}: {'request':<38} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
        for title, by in results.items():
            print(row(f"  {title}", by[server.name], targets.get(title)))
    if len(servers) == 2:
        print()
        print(f"{'ratio baseline / this':<44} {'p50':>9} {'p95':>9}")
        for title, by in results.items():
            a, b = by["baseline"], by["this"]
            print(f"{title:<44} {p(a, 50) / p(b, 50):>9.2f} {p(a, 95) / p(b, 95):>9.2f}")
    title = "long article: 1st page after a restart"
    results[title] = {"this": restarts(ws, f"/t/{long_slug}/dari", max(3, args.long_requests // 2))}
    targets[title] = LONG_MS
    print(row(f"  {title}", results[title]["this"], LONG_MS))
    floors(
        ws,
        [
            ("the 20,000-segment article", long_slug, results[LONG_SAVE], floor.times[LONG_SAVE]),
            ("an article of the 2,000-entry queue", slugs[0], results[SAVE], floor.times[SAVE]),
        ],
    )
    floor.close()
    if not args.keep:
        shutil.rmtree(root)
        shutil.rmtree(root.with_name("review-ws-baseline"), ignore_errors=True)


class SseStream:
    """An open live page (``EventSource``) on a thread, over a plain socket: it counts
    the events it receives."""

    def __init__(self, base: str, path: str, token: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.sock = socket.create_connection((host, int(port)))
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n"
            f"Cookie: azad_session={token}\r\nConnection: close\r\n\r\n".encode()
        )
        self.events: list[str] = []
        self.status = ""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            f = self.sock.makefile("rb")
            self.status = f.readline().decode().split(" ")[1]
            for line in f:
                if line.startswith(b"event: "):
                    self.events.append(line[7:].decode().strip())
        except (OSError, ValueError, IndexError):
            pass

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def open_streams(
    base: str, client: httpx.Client, n: int, slug: str, long_slug: str
) -> list[SseStream]:
    """``n`` live pages: 10 queue pages, one long-article page, the rest on ``slug``."""
    token = client.cookies["azad_session"]
    paths = ["/api/events"] * min(10, n) + [f"/api/t/{long_slug}/dari/events"]
    paths += [f"/api/t/{slug}/dari/events"] * max(0, n - len(paths))
    streams = [SseStream(base, path, token) for path in paths[:n]]
    deadline = time.monotonic() + 30
    while not all(st.events for st in streams):  # every one said hello
        if time.monotonic() > deadline:
            raise SystemExit(f"streams did not open: {[st.status for st in streams]}")
        time.sleep(0.05)
    return streams


def cpu_s(proc: subprocess.Popen[bytes]) -> float:
    """The process's CPU time so far (user + system), from /proc."""
    fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(proc: subprocess.Popen[bytes], seconds: float = 5.0) -> float:
    """The server's CPU (ms per second) over ``seconds`` in which no request is made."""
    before = cpu_s(proc)
    time.sleep(seconds)
    return (cpu_s(proc) - before) * 1000 / seconds


def restarts(ws: Workspace, url: str, n: int) -> list[float]:
    """The first page of ``url`` from a newly started server, ``n`` times (each server
    stopped as a service manager stops it: SIGTERM, so it writes what it keeps at exit)."""
    out = []
    for _ in range(n):
        base, stop, _ = serve(ws)
        try:
            with httpx.Client(base_url=base, timeout=300) as client:
                login(client)
                out += timed(lambda c=client: c.get(url), 1)
        finally:
            stop()
    return out


class Floor:
    """What the one-PO-file-per-language design costs whatever the app does: a save must
    write the whole file (render it and write it atomically, with fsync, as
    ``Queue.write`` does). Measured in this process on a copy of each measured file (in a
    scratch workspace: the server's own files are not touched), one write after each
    save over HTTP, so that saves and floor see the same machine at the same moments."""

    def __init__(self, ws: Workspace, cases: dict[str, str]) -> None:
        # As the app's editor page does (azad.web.editor_work.gc_paused): this process
        # holds the whole benchmark's objects, and collections set off by the thousands
        # of units read here would walk all of them.
        gc.freeze()
        self.scratch = ws.root.with_name(ws.root.name + "-floor")
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir()
        shutil.copy(ws.root / "azad.toml", self.scratch / "azad.toml")
        self.ws = Workspace(self.scratch.resolve())
        self.queue = Queue(self.ws)
        self.cases = cases
        self.times: dict[str, list[float]] = {title: [] for title in cases}
        for slug in set(cases.values()):
            src = Queue(ws).po_path(slug, "dari")
            dest = self.queue.po_path(slug, "dari")
            dest.parent.mkdir(parents=True)
            shutil.copy(src, dest)

    def measure(self, title: str) -> None:
        slug = self.cases.get(title)
        if slug is None:
            return
        tf = self.queue.read(slug, "dari")
        i = len(self.times[title])
        unit = tf.units[1 + i % (len(tf.units) - 1)]
        tf.replace_unit(unit.with_text(unit.text + " ۱", "reviewed"))
        t = time.perf_counter()
        with self.queue.locked(slug, "dari"):
            # Render and write once (read=b"": nothing read back to compare).
            self.queue.write(slug, "dari", tf, read=b"")
        self.times[title].append((time.perf_counter() - t) * 1000)

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


Case = tuple[str, str, dict[str, list[float]], list[float]]
"""What :func:`floors` prints: name, slug, the saves by server, the floor's writes."""


def floors(ws: Workspace, cases: list[Case]) -> None:
    """Each case's save (over HTTP) against its floor (:class:`Floor`, measured side by
    side with the saves), and what a first open must pay for its parse (polib, or the
    disk copy of an earlier parse, azad.queue.parsed)."""
    queue = Queue(ws)
    print()
    for name, slug, saves, writes in cases:
        path = queue.po_path(slug, "dari")
        data = path.read_bytes()
        polib_parses, copies = [], []
        copy = to_bytes(parse_po(data, path))
        for _ in range(3):
            t = time.perf_counter()
            parse_po(data, path)
            polib_parses.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            from_bytes(copy)
            copies.append((time.perf_counter() - t) * 1000)
        mb = len(data) / 1e6
        print(f"{name}: its file is {mb:.2f} MB")
        print(row("  floor: write the whole file (one save)", writes, None))
        print(row("  parse with polib (no disk copy)", polib_parses, None))
        print(row("  parse read back from its disk copy", copies, None))
        for server, times in saves.items():
            # Each save is followed by its floor write: the median of those pairs' ratios
            # is the one figure a slow moment of a shared machine cannot tilt.
            paired = statistics.median(t / w for t, w in zip(times, writes, strict=False))
            print(
                f"  {server}: save (HTTP) p50 {p(times, 50):.1f} ms, p95 {p(times, 95):.1f} ms;"
                f" ratio save / floor, p50: {p(times, 50) / p(writes, 50):.2f}"
                f" (median of {len(times)} side-by-side pairs: {paired:.2f})"
            )
        print(f"  ratio polib parse / disk copy, p50: {p(polib_parses, 50) / p(copies, 50):.2f}")


def p(times: list[float], q: int) -> float:
    if q == 50 or len(times) < 2:
        return statistics.median(times)
    # "inclusive": a few samples never give a 95th percentile above their maximum.
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


if __name__ == "__main__":
    main()
