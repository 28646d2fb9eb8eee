"""Load test of the review app: translators saving segments while others load pages.

Usage: .venv/bin/python bench/load.py [--seconds 30] [--savers 20] [--loaders 4]
           [--articles 20] [--max-requests 200000] [--json] [--workspace DIR] [--keep]

Builds a workspace with ``--articles`` articles (the example articles repeated, as
bench/review.py does) and a PO file per language each, adds one account per client, and
serves the app with ``azad review serve`` in its own process on 127.0.0.1 (a free port).
Then, for ``--seconds`` (and at most ``--max-requests`` requests in all):

* each *saver* is a translator with their own account (half Dari, half Pashto): it reads
  a segment through the JSON API, saves a new, unique text against the revision it read,
  and on 409 reads the segment again and retries with another text. A quarter of the
  picks go to a few "hot" segments every translator of the language shares, so saves
  contend on the same segments (409s) and on the same files (the file lock);
* each *loader* is an editor loading the queue page and an editor page.

Every client runs in its own thread with its own connection, back to back (no pauses).
Saves are also shown split by file (the files holding the hot segments, and the others):
a file's saves wait for each other at its lock. A request's latency is measured from
sending it to having read the whole response; 409s are counted as conflicts, not errors;
an error is any other non-2xx answer, a redirect (a lost session), an answer that does
not say what it should, or an exception.

Lost updates: revisions are content hashes and every text is unique, so a segment's
acknowledged saves (HTTP 200) must form one chain, each starting from the revision the
previous one returned. After the run (server stopped) an acknowledged save counts as lost
unless its text is what the PO file holds now or some later acknowledged save started from
its revision (someone saw it before replacing it). Also checked, and counted as errors
when they fail: no two acknowledged saves started from one revision; the change log
(SQLite) has exactly one ``save`` row per acknowledged save, in server order each
replacing the previous one's text, the last one the file's text, and one ``conflict`` row
per 409; every PO file passes ``msgfmt --check``.

Exits 1 if there were errors or lost updates.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from review import PASSWORD, build, wait_until_up  # noqa: E402  (bench/review.py: the same workspace)

from azad.db.connection import connect  # noqa: E402
from azad.db.users import add_user  # noqa: E402
from azad.queue.articles import ArticleStore  # noqa: E402
from azad.queue.store import Queue as ReviewQueue  # noqa: E402
from azad.review.edits import read_segments  # noqa: E402
from azad.workspace import Workspace  # noqa: E402

LANGS = ("dari", "pashto")
EDITOR = "editor"  # made by review.build
HOT_SHARE = 0.25
HOT_FILES = 2
HOT_PER_FILE = 3
MAX_ATTEMPTS = 10
"""Tries of one save (a 409 means reading the segment again and retrying)."""
REQUEST_TIMEOUT_S = 30.0

SAVE = "save (POST JSON API)"
READ = "segment read (GET JSON API)"
QUEUE = "queue page (GET /)"
EDITOR_PAGE = "editor page (GET /t/…)"
KINDS = (SAVE, READ, QUEUE, EDITOR_PAGE)
SAVE_SHARED = "  of which to the shared files"
SAVE_OTHER = "  of which to other files"
"""Saves split by file: the files holding the hot segments take more of the saves, and a
file's saves wait for each other (its lock)."""

T = TypeVar("T")
Key = tuple[str, str, str]
"""(slug, language, segment id)"""


# --- what the clients record ------------------------------------------------------------


@dataclass(frozen=True)
class Ack:
    """A save the server acknowledged (HTTP 200)."""

    key: Key
    by: str
    text: str
    reviewed: bool
    base_rev: str
    new_rev: str


@dataclass
class KindStats:
    latencies_ms: list[float] = field(default_factory=list)
    count: int = 0
    errors: int = 0
    conflicts: int = 0


class Recorder:
    """Everything the clients measure, shared by their threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.kinds: dict[str, KindStats] = {k: KindStats() for k in KINDS}
        self.saves_by_file: dict[str, KindStats] = {
            SAVE_SHARED: KindStats(),
            SAVE_OTHER: KindStats(),
        }
        self.acks: list[Ack] = []
        self.refused: list[tuple[Key, str]] = []
        """(segment, text) of every save answered 409."""
        self.setup_errors = 0
        self.samples: list[str] = []

    def request(
        self,
        kind: str,
        ms: float | None,
        *,
        error: str = "",
        conflict: bool = False,
        part: str | None = None,
    ) -> None:
        """One request of ``kind`` (and of the breakdown ``part`` of saves)."""
        with self._lock:
            for stats in [self.kinds[kind]] + ([self.saves_by_file[part]] if part else []):
                stats.count += 1
                if ms is not None:
                    stats.latencies_ms.append(ms)
                if conflict:
                    stats.conflicts += 1
                if error:
                    stats.errors += 1
            if error:
                self._sample(f"{kind}: {error}")

    def setup_error(self, message: str) -> None:
        with self._lock:
            self.setup_errors += 1
            self._sample(message)

    def _sample(self, message: str) -> None:
        if len(self.samples) < 10:
            self.samples.append(message[:300])

    def ack(self, ack: Ack) -> None:
        with self._lock:
            self.acks.append(ack)

    def refuse(self, key: Key, text: str) -> None:
        with self._lock:
            self.refused.append((key, text))


class Budget:
    """The run's bounds: a deadline and a total number of requests."""

    def __init__(self, seconds: float, max_requests: int) -> None:
        self.seconds = seconds
        self.max_requests = max_requests
        self.started = 0.0
        self.deadline = math.inf
        self._sent = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + self.seconds

    def open(self) -> bool:
        with self._lock:
            return self._sent < self.max_requests and time.monotonic() < self.deadline

    def take(self) -> bool:
        """May one more request be sent? (It is counted if so.)"""
        with self._lock:
            if self._sent >= self.max_requests or time.monotonic() >= self.deadline:
                return False
            self._sent += 1
            return True


# --- the workspace and the server -------------------------------------------------------


@dataclass
class Queue:
    ws: Workspace
    segments: dict[tuple[str, str], list[str]]
    """Segment ids of every (slug, language) file."""
    initial: dict[Key, str]
    """Every segment's revision before the run."""
    hot: dict[str, list[Key]]
    """Per language, the segments all its translators share."""
    hot_files: set[tuple[str, str]]
    savers: list[tuple[str, str]]
    """(account, language) of each saver."""


def saver_accounts(n: int) -> list[tuple[str, str]]:
    return [(f"{LANGS[i % 2]}{i // 2 + 1}", LANGS[i % 2]) for i in range(n)]


def prepare(ws: Workspace, savers: int) -> Queue:
    """Accounts for the savers (hashing passwords is slow on purpose: in parallel), and
    every segment's id and revision before the run."""
    accounts = saver_accounts(savers)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda a: add_user(ws, a[0], "translator", [a[1]], PASSWORD), accounts))
    slugs = ArticleStore(ws).slugs()
    segments: dict[tuple[str, str], list[str]] = {}
    initial: dict[Key, str] = {}
    for slug in slugs:
        for lang in LANGS:
            segs = read_segments(ws, slug, lang)
            segments[slug, lang] = [s.ctx for s in segs]
            initial.update({(slug, lang, s.ctx): s.rev for s in segs})
    hot = {
        lang: [
            (slug, lang, ctx)
            for slug in slugs[:HOT_FILES]
            for ctx in segments[slug, lang][:HOT_PER_FILE]
        ]
        for lang in LANGS
    }
    hot_files = {(slug, lang) for slug in slugs[:HOT_FILES] for lang in LANGS}
    return Queue(ws, segments, initial, hot, hot_files, accounts)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def served(ws: Workspace, meanwhile: Callable[[], T]) -> Iterator[tuple[str, T]]:
    """``azad review serve`` in its own process, as in production (its log goes to
    ``server.log`` in the workspace); ``meanwhile()`` runs while it starts."""
    port = free_port()
    log = (ws.root / "server.log").open("wb")
    cmd = [sys.executable, "-m", "azad", "--workspace", str(ws.root), "review", "serve"]
    proc = subprocess.Popen(
        [*cmd, "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        result = meanwhile()
        wait_until_up(base, proc, 60, "; see server.log")
        yield base, result
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# --- the clients ------------------------------------------------------------------------


def login(client: httpx.Client, name: str) -> str:
    """Log in through the form; return the session's CSRF token."""
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError(f"{name}: no form token on the login page ({page.status_code})")
    r = client.post(
        "/login", data={"csrf": token.group(1), "name": name, "password": PASSWORD, "next": "/"}
    )
    if r.status_code != 303:
        raise RuntimeError(f"{name}: login answered {r.status_code}")
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/").text)
    if found is None:
        raise RuntimeError(f"{name}: no CSRF token after logging in")
    return found.group(1)


def timed(
    rec: Recorder, kind: str, send: Callable[..., httpx.Response], *args: Any, **kwargs: Any
) -> tuple[httpx.Response | None, float]:
    """``send(*args, **kwargs)`` and its latency in ms; an exception is recorded."""
    t = time.perf_counter()
    try:
        response = send(*args, **kwargs)
    except httpx.HTTPError as exc:
        rec.request(kind, None, error=f"{type(exc).__name__}: {exc}")
        return None, 0.0
    return response, (time.perf_counter() - t) * 1000


def unexpected(response: httpx.Response) -> str:
    return f"HTTP {response.status_code} {response.request.url.path}: {response.text[:120]!r}"


class Saver:
    def __init__(
        self, n: int, name: str, lang: str, queue: Queue, rec: Recorder, budget: Budget
    ) -> None:
        self.name, self.lang = name, lang
        self.queue, self.rec, self.budget = queue, rec, budget
        self.rng = random.Random(n)
        self.files = [k for k in queue.segments if k[1] == lang]
        self.texts = 0

    def pick(self) -> Key:
        if self.rng.random() < HOT_SHARE:
            return self.rng.choice(self.queue.hot[self.lang])
        slug, lang = self.rng.choice(self.files)
        return slug, lang, self.rng.choice(self.queue.segments[slug, lang])

    def read(self, client: httpx.Client, key: Key) -> str | None:
        """The segment's current revision, or None (recorded as an error)."""
        slug, lang, ctx = key
        response, ms = timed(self.rec, READ, client.get, f"/api/t/{slug}/{lang}/segments/{ctx}")
        if response is None:
            return None
        if response.status_code == 200 and isinstance(response.json().get("rev"), str):
            self.rec.request(READ, ms)
            return str(response.json()["rev"])
        self.rec.request(READ, ms, error=unexpected(response))
        return None

    def save(self, client: httpx.Client, csrf: str, key: Key) -> None:
        """Read, save; on 409 read again and retry, at most MAX_ATTEMPTS times."""
        slug, lang, ctx = key
        part = SAVE_SHARED if (slug, lang) in self.queue.hot_files else SAVE_OTHER
        if not self.budget.take():
            return
        rev = self.read(client, key)
        for _ in range(MAX_ATTEMPTS):
            if rev is None or not self.budget.take():
                return
            self.texts += 1
            # Unique text: every revision of the run is distinct (revisions hash the text).
            text = f"ترجمه‌ی «{self.name}» شماره {self.texts}\u200c {ctx}"
            reviewed = self.rng.random() < 0.8
            response, ms = timed(
                self.rec,
                SAVE,
                client.post,
                f"/api/t/{slug}/{lang}/segments/{ctx}",
                json={"text": text, "rev": rev, "reviewed": reviewed},
                headers={"X-CSRF-Token": csrf},
            )
            if response is None:
                return
            if response.status_code == 409:
                self.rec.request(SAVE, ms, conflict=True, part=part)
                self.rec.refuse(key, text)
                if not self.budget.take():
                    return
                rev = self.read(client, key)
                continue
            body = response.json() if response.status_code == 200 else {}
            if body.get("outcome") != "saved" or body.get("text") != text:
                self.rec.request(SAVE, ms, error=unexpected(response), part=part)
                return
            self.rec.request(SAVE, ms, part=part)
            self.rec.ack(Ack(key, self.name, text, reviewed, rev, str(body["rev"])))
            return

    def run(self, base: str, ready: threading.Barrier) -> None:
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
            csrf = start(client, self.name, self.rec, ready)
            if csrf is None:
                return
            while self.budget.open():
                self.save(client, csrf, self.pick())


def start(client: httpx.Client, name: str, rec: Recorder, ready: threading.Barrier) -> str | None:
    """Log ``name`` in and wait for every client to be ready: the session's CSRF token, or
    None when the run is off (this login failed, and the others are told, or another's)."""
    try:
        csrf = login(client, name)
    except (httpx.HTTPError, RuntimeError) as exc:
        rec.setup_error(f"{name}: {exc}")
        ready.abort()
        return None
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        return None
    return csrf


class Loader:
    def __init__(self, n: int, queue: Queue, rec: Recorder, budget: Budget) -> None:
        self.queue, self.rec, self.budget = queue, rec, budget
        self.rng = random.Random(1000 + n)

    def page(self, client: httpx.Client, kind: str, url: str, marker: str) -> None:
        response, ms = timed(self.rec, kind, client.get, url)
        if response is None:
            return
        if response.status_code == 200 and marker in response.text:
            self.rec.request(kind, ms)
        else:
            self.rec.request(kind, ms, error=unexpected(response))

    def run(self, base: str, ready: threading.Barrier) -> None:
        files = sorted(self.queue.segments)
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
            if start(client, EDITOR, self.rec, ready) is None:
                return
            while self.budget.take():
                self.page(client, QUEUE, "/", '<meta name="csrf-token"')
                if not self.budget.take():
                    return
                slug, lang = self.rng.choice(files)
                self.page(client, EDITOR_PAGE, f"/t/{slug}/{lang}", "<textarea")


# --- checking the result ----------------------------------------------------------------


@dataclass
class Verdict:
    acknowledged: int = 0
    segments: int = 0
    lost: int = 0
    forks: int = 0
    log_save_rows: int = 0
    log_conflict_rows: int = 0
    log_mismatches: int = 0
    files_checked: int = 0
    damaged_files: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        if len(self.notes) < 10:
            self.notes.append(message)


def verify(queue: Queue, rec: Recorder) -> Verdict:
    """Compare what the clients were told with the files and the change log (the server
    has stopped)."""
    ws = queue.ws
    v = Verdict(acknowledged=len(rec.acks))
    by_key: dict[Key, list[Ack]] = defaultdict(list)
    for ack in rec.acks:
        by_key[ack.key].append(ack)
    v.segments = len(by_key)
    final: dict[Key, tuple[str, str]] = {}  # rev, text
    for slug, lang in queue.segments:
        for seg in read_segments(ws, slug, lang):
            final[slug, lang, seg.ctx] = (seg.rev, seg.text)

    # 1. The clients' view: acknowledged saves form one chain ending in the file's text.
    for key, acks in by_key.items():
        final_rev = final[key][0]
        bases = [a.base_rev for a in acks]
        started_from = set(bases)
        v.forks += len(bases) - len(started_from)
        for ack in acks:
            if ack.new_rev != final_rev and ack.new_rev not in started_from:
                v.lost += 1
                v.note(f"lost: {key} {ack.text!r} (file has {final[key][1]!r})")
    changed = {k for k in queue.initial if final[k][0] != queue.initial[k]}
    for key in changed - by_key.keys():
        v.log_mismatches += 1
        v.note(f"changed without an acknowledged save: {key}")

    # 2. The server's view: the change log, in the order the server wrote it.
    with connect(ws) as conn:
        rows = conn.execute(
            "SELECT slug, lang, ctx, by, action, old, new, base_rev FROM changes ORDER BY id"
        ).fetchall()
    saves: dict[Key, list[Any]] = defaultdict(list)
    conflicts: list[tuple[Key, str]] = []
    for row in rows:
        key = (row["slug"], row["lang"], row["ctx"])
        if row["action"] == "save":
            saves[key].append(row)
        else:
            conflicts.append((key, row["new"]))
    v.log_save_rows = sum(len(r) for r in saves.values())
    v.log_conflict_rows = len(conflicts)
    for key in by_key.keys() | saves.keys():
        logged = [(r["by"], r["new"], r["base_rev"]) for r in saves.get(key, [])]
        acked = [(a.by, a.text, a.base_rev) for a in by_key.get(key, [])]
        if sorted(logged) != sorted(acked):
            v.log_mismatches += 1
            v.note(f"change log ≠ acknowledged saves: {key}")
            continue
        for prev, row in zip(saves[key], saves[key][1:], strict=False):
            if row["old"] != prev["new"]:
                v.log_mismatches += 1
                v.note(f"change log: a save of {key} replaced a text it did not follow")
        if saves[key] and saves[key][-1]["new"] != final[key][1]:
            v.log_mismatches += 1
            v.note(f"change log: the last save of {key} is not the file's text")
    if sorted(conflicts) != sorted(rec.refused):
        v.log_mismatches += 1
        v.note(f"{len(conflicts)} conflict rows for {len(rec.refused)} answers 409")

    # 3. The files themselves.
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        v.note("msgfmt not found: PO files not checked")
    else:
        for slug, lang in queue.segments:
            path = ReviewQueue(ws).po_path(slug, lang)
            v.files_checked += 1
            check = subprocess.run(
                [msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
            )
            if check.returncode != 0:
                v.damaged_files += 1
                v.note(f"msgfmt --check {path.name}: {check.stderr.strip()[:200]}")
    return v


# --- the report -------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted ``values`` (0 if none)."""
    if not values:
        return 0.0
    return values[max(0, math.ceil(q / 100 * len(values)) - 1)]


def figures(s: KindStats, elapsed: float) -> dict[str, Any]:
    lat = sorted(s.latencies_ms)
    return {
        "count": s.count,
        "per_s": s.count / elapsed if elapsed else 0.0,
        "p50_ms": percentile(lat, 50),
        "p95_ms": percentile(lat, 95),
        "p99_ms": percentile(lat, 99),
        "max_ms": lat[-1] if lat else 0.0,
        "errors": s.errors,
        "conflicts": s.conflicts,
    }


def summary(rec: Recorder, v: Verdict, elapsed: float, args: argparse.Namespace) -> dict[str, Any]:
    kinds = {kind: figures(s, elapsed) for kind, s in rec.kinds.items()}
    request_errors = sum(s.errors for s in rec.kinds.values())
    check_errors = v.forks + v.log_mismatches + v.damaged_files
    return {
        "seconds": round(elapsed, 2),
        "savers": args.savers,
        "loaders": args.loaders,
        "articles": args.articles,
        "requests": sum(s.count for s in rec.kinds.values()),
        "kinds": kinds,
        "saves_by_file": {k: figures(s, elapsed) for k, s in rec.saves_by_file.items()},
        "errors": request_errors + rec.setup_errors + check_errors,
        "request_errors": request_errors,
        "setup_errors": rec.setup_errors,
        "conflicts": sum(s.conflicts for s in rec.kinds.values()),
        "acknowledged_saves": v.acknowledged,
        "segments_saved": v.segments,
        "lost_updates": v.lost,
        "stale_saves_accepted": v.forks,
        "change_log": {
            "save_rows": v.log_save_rows,
            "conflict_rows": v.log_conflict_rows,
            "mismatches": v.log_mismatches,
        },
        "po_files_checked": v.files_checked,
        "po_files_damaged": v.damaged_files,
        "error_samples": rec.samples,
        "notes": v.notes,
    }


def table(s: dict[str, Any]) -> str:
    head = (
        f"{'request':<30} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'errors':>6} {'409':>5}"
    )
    lines = [head, "-" * len(head)]
    rows = list(s["kinds"].items())
    rows[1:1] = s["saves_by_file"].items()  # under the saves
    for kind, k in rows:
        lines.append(
            f"{kind:<30} {k['count']:>7} {k['per_s']:>7.1f} {k['p50_ms']:>8.1f} "
            f"{k['p95_ms']:>8.1f} {k['p99_ms']:>8.1f} {k['max_ms']:>8.1f} "
            f"{k['errors']:>6} {k['conflicts']:>5}"
        )
    total_rate = s["requests"] / s["seconds"] if s["seconds"] else 0.0
    lines.append(
        f"{'all':<30} {s['requests']:>7} {total_rate:>7.1f} {'':>8} {'':>8} {'':>8} {'':>8} "
        f"{s['request_errors']:>6} {s['conflicts']:>5}"
    )
    log = s["change_log"]
    lines += [
        "",
        f"{s['savers']} savers, {s['loaders']} loaders, {s['articles']} articles × 2 languages,"
        f" {s['seconds']} s",
        f"acknowledged saves: {s['acknowledged_saves']} on {s['segments_saved']} segments",
        f"lost updates: {s['lost_updates']}",
        f"stale saves accepted (two acknowledged saves from one revision): "
        f"{s['stale_saves_accepted']}",
        f"change log: {log['save_rows']} save rows, {log['conflict_rows']} conflict rows, "
        f"{log['mismatches']} mismatches",
        f"PO files: {s['po_files_checked']} checked with msgfmt --check, "
        f"{s['po_files_damaged']} damaged",
        f"errors: {s['errors']} (requests {s['request_errors']}, setup {s['setup_errors']})",
    ]
    for message in s["error_samples"] + s["notes"]:
        lines.append(f"  {message}")
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------


def run_load(queue: Queue, base: str, args: argparse.Namespace) -> tuple[Recorder, float]:
    rec = Recorder()
    budget = Budget(args.seconds, args.max_requests)
    clients = [
        Saver(n, name, lang, queue, rec, budget) for n, (name, lang) in enumerate(queue.savers)
    ]
    loaders = [Loader(n, queue, rec, budget) for n in range(args.loaders)]
    ready = threading.Barrier(len(clients) + len(loaders), action=budget.start)
    runs: list[Callable[[str, threading.Barrier], None]] = [c.run for c in clients]
    runs += [c.run for c in loaders]
    threads = [threading.Thread(target=run, args=(base, ready), daemon=True) for run in runs]
    for t in threads:
        t.start()
    # Logins (Argon2) happen before the barrier; the clock starts when all are in.
    stop_by = time.monotonic() + 120 + args.seconds + 2 * REQUEST_TIMEOUT_S
    for t in threads:
        t.join(timeout=max(0.0, stop_by - time.monotonic()))
    elapsed = time.monotonic() - budget.started if budget.started else 0.0
    stuck = sum(t.is_alive() for t in threads)
    if stuck:
        rec.setup_error(f"{stuck} clients did not stop")
    return rec, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the run")
    parser.add_argument("--savers", type=int, default=20, help="translators saving")
    parser.add_argument("--loaders", type=int, default=4, help="editors loading pages")
    parser.add_argument("--articles", type=int, default=20, help="articles in the queue")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="hard cap on requests in all"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--workspace", type=Path, help="where to build it (default: temporary)")
    parser.add_argument("--keep", action="store_true", help="keep the workspace")
    args = parser.parse_args()
    if args.savers < 1 or args.loaders < 0 or args.articles < 2 or args.seconds <= 0:
        parser.error("need --savers ≥ 1, --loaders ≥ 0, --articles ≥ 2, --seconds > 0")
    if args.workspace is not None and args.workspace.exists():
        parser.error(f"{args.workspace} exists (the workspace is built from scratch)")
    root = args.workspace or Path(tempfile.mkdtemp(prefix="azad-load-")) / "ws"
    t0 = time.monotonic()

    def progress(message: str) -> None:
        print(f"[{time.monotonic() - t0:5.1f} s] {message}", file=sys.stderr, flush=True)

    try:
        progress(f"building {args.articles} articles × 2 languages in {root}")
        with contextlib.redirect_stdout(sys.stderr):  # `azad init` talks; stdout is the result's
            ws = build(root, args.articles)  # with the account "editor"
        progress("starting azad review serve; adding accounts meanwhile")
        with served(ws, lambda: prepare(ws, args.savers)) as (base, queue):
            progress(f"serving on {base}; logging in, then {args.seconds:g} s of load")
            rec, elapsed = run_load(queue, base, args)
            progress("stopping the server")
        progress("checking files and the change log")
        result = summary(rec, verify(queue, rec), elapsed, args)
        progress("done")
    finally:
        if args.keep:
            progress(f"kept {root}")
        else:
            shutil.rmtree(root if args.workspace else root.parent, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else table(result))
    return 1 if result["errors"] or result["lost_updates"] else 0


if __name__ == "__main__":
    sys.exit(main())
