"""Kill-at-random fault injection: SIGKILL the pipeline in the middle of its work.

For each of the four operations that write to a workspace (ingest, translate, a
translator's saves, publish) a child process performs the operation and is killed with
SIGKILL after a random delay; then every file of the workspace is checked (each parses
as what its name says it is), the saves the child had acknowledged are looked for, and
the operation is run again to completion (recovery: no stale lock, no damaged file in the
way) and the workspace checked once more.

**Children.**  Starting Python and importing azad costs more than a second, so the
children are forked from a *zygote*: a separate process (``python killharness.py
--zygote``) that imports azad and its renderers once, stays single-threaded (checked
before every fork: CTranslate2's thread pools and the like are created by the children,
never by the zygote), and forks one child per run.  The zygote waits for the child with a
pidfd and kills it itself when the delay is up, so the pid signalled is always its own
unreaped child; after a kill it also kills the child's process group, i.e. the helpers
the child had started (pandoc, pdftoppm), which would otherwise run on as orphans.  Each
operation has its own workspace and zygote; :func:`run_all` drives them all at once, a
thread each (the runs spend much of their time waiting, on fsync or on helpers).

**When.**  Each operation is first run without a kill to measure its duration ``d``;
then most runs are killed after a delay drawn uniformly from ``[0, 1.2 d]`` with a
seeded RNG (the seed is printed), so kills land in every phase; a draw past the end of
the run lets it complete (an attempt, not a kill).  ``d`` follows the machine's load: it
is the median of the last complete runs of a round's work.  The writes come at the end of
each operation and take little time, so uniform delays seldom hit them; a share of the
runs (:data:`RENAME_SHARE`) is therefore killed at a randomly chosen write instead: the
child SIGKILLs itself just before or just after its n-th ``os.replace`` (every atomic
write ends in one).  Each kill is classified by what it interrupted: nothing written yet,
partly written, everything written (the recovery run then writes nothing), or which side
of a rename.

**Acknowledged saves.**  The save child writes a ``begin`` line (one ``write(2)`` to an
``O_APPEND`` file outside the workspace) before each call to
:func:`azad.review.edits.apply_edits` and an ``ack`` line per saved segment after it
returned.  A SIGKILL cannot undo a completed ``write(2)`` (the page cache outlives the
process), so no fsync is needed for these records.  Every acknowledged save must be in
the PO file (unless a later acknowledged save of the same segment superseded it) and in
the change log; a save in flight at the kill may be there or not.

Temporary files left by a killed atomic write (``.<name>.XXXXXXXXXXXX.tmp``, see
:mod:`azad.fsutil`) are not data: they are counted, never parsed, and must keep the
hidden name that no reader of the workspace lists.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import html.parser
import itertools
import json
import os
import random
import re
import select
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import traceback
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLES = ROOT / "examples"

MEASURED_RUNS = 2
"""Uninterrupted runs measured before the first kill."""
RENAME_SHARE = 0.25
"""Share of the runs killed at a rename rather than after a delay."""
DURATION_SAMPLES = 9
"""Complete runs whose median duration sets the kill window."""
KILL_WINDOW = 1.2
"""Delays are drawn from ``[0, KILL_WINDOW × measured duration]``."""
RUN_TIMEOUT_S = 120.0
"""A run that is not killed must finish within this (a stale lock would block it for the
PO lock's 30 s timeout and then fail)."""

TEMP_RE = re.compile(r"^\.(?P<target>.+)\.[0-9a-f]{12}\.tmp$")
"""The name :func:`azad.fsutil.stage_bytes` gives a temporary file (``.<name>.``, twelve
random hex digits, ``.tmp``)."""


# ==== the zygote (its own process) and the children it forks ===============================

PRELOAD: dict[str, tuple[str, ...]] = {
    "ingest": ("azad.cli", "azad.services.ingest"),
    "translate": ("azad.cli", "azad.services.translate", "azad.mt.engine", "azad.mt.select"),
    "save": ("azad.review.edits", "azad.queue.status"),
    "publish": (
        "azad.publish",
        "azad.catalog",
        "azad.catalog.feeds",
        "azad.render.pdf",
        "azad.render.epub",
        "azad.render.html",
    ),
}
"""What each operation's zygote imports (a zygote serves one operation)."""


def _threads() -> int:
    """Threads of this process, native ones included (``threading`` sees only Python's)."""
    return len(os.listdir("/proc/self/task"))


def _settled_threads(seconds: float = 30.0) -> int:
    """Threads of this process once any that a library started while loading has ended
    (on a loaded machine one may still be finishing when the imports return); a thread
    that stays is still reported, and the zygote refused."""
    deadline = time.monotonic() + seconds
    while (n := _threads()) != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    return n


def _warm_up() -> None:
    """Do once in the zygote what every publishing child would otherwise do first:
    WeasyPrint's font configuration and the first layout (no threads are started)."""
    import weasyprint

    weasyprint.HTML(string="<p style='font-family: sans-serif'>warm-up سلام</p>").write_pdf()


def zygote_main(op: str, proto_in: IO[bytes], proto_out: IO[bytes]) -> None:
    """Serve run requests of ``op`` (one JSON object a line) until stdin closes."""
    import importlib

    for name in PRELOAD[op]:
        importlib.import_module(name)
    if op == "publish":
        _warm_up()
    # Children start with what the zygote has; the collector must not walk (and so copy,
    # page by page) the whole inherited heap in every child.
    gc.collect()
    gc.freeze()
    proto_out.write(json.dumps({"ready": True, "threads": _settled_threads()}).encode() + b"\n")
    proto_out.flush()
    for line in proto_in:
        request = json.loads(line)
        try:
            reply = _fork_run(request, proto_in, proto_out)
        except Exception as exc:
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        proto_out.write(json.dumps(reply).encode() + b"\n")
        proto_out.flush()


def _fork_run(request: dict[str, Any], proto_in: IO[bytes], proto_out: IO[bytes]) -> dict[str, Any]:
    threads = _threads()
    if threads != 1:
        return {"error": f"the zygote runs {threads} threads: forking it is not safe"}
    kill_after: float | None = request["kill_after"]
    timeout = kill_after if kill_after is not None else request.get("timeout", RUN_TIMEOUT_S)
    sys.stdout.flush()
    sys.stderr.flush()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child
        _child(request, proto_in, proto_out)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # the child does it too: whichever comes first
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], max(timeout, 0.0))
        elapsed = time.monotonic() - started
        signalled = not ready
        if signalled:
            os.kill(pid, signal.SIGKILL)  # our own child, not yet reaped: the pid is its own
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(pidfd)
    code = os.waitstatus_to_exitcode(status)
    if code == -signal.SIGKILL:
        # The helpers it had started (pandoc, pdftoppm) would run on as orphans.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    return {
        "pid": pid,
        "code": code,
        "killed": code == -signal.SIGKILL,
        "timed_out": signalled and kill_after is None,
        "elapsed": elapsed,
    }


def _child(request: dict[str, Any], proto_in: IO[bytes], proto_out: IO[bytes]) -> None:
    code = 70
    try:
        os.setpgid(0, 0)
        proto_in.close()
        proto_out.close()
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        # Helpers' temporary files (thumbnails) stay inside the harness's folder.
        import tempfile

        os.environ["TMPDIR"] = tempfile.tempdir = request["tmp"]
        print(f"--- {request['op']} pid {os.getpid()}", flush=True)
        kill_at = request.get("kill_at_rename")
        renames = _count_renames(tuple(kill_at) if kill_at else None)
        code = OPS[request["op"]](request["args"])
        Path(request["renames"]).write_text(str(renames()), encoding="utf-8")
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _count_renames(kill_at: tuple[int, str] | None) -> Callable[[], int]:
    """Count this process's ``os.replace`` calls (every atomic write ends in one); with
    ``kill_at = (n, "before" | "after")`` SIGKILL the process just before or just after
    the n-th.  Returns the counter."""
    real = os.replace
    count = 0

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        nonlocal count
        count += 1
        if kill_at is not None and count == kill_at[0] and kill_at[1] == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        real(src, dst, **kwargs)
        if kill_at is not None and count == kill_at[0] and kill_at[1] == "after":
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace  # in this child only
    return lambda: count


@dataclass(frozen=True)
class RunResult:
    code: int
    killed: bool
    """The child died of a SIGKILL (the zygote's when the delay was up, or its own at a
    rename)."""
    elapsed: float
    """Seconds from the fork to the child's exit or to the kill."""
    timed_out: bool = False
    renames: int | None = None
    """The child's ``os.replace`` calls, if it completed."""


class Zygote:
    """The parent's handle on a zygote process."""

    def __init__(self, workdir: Path, op: str) -> None:
        self.workdir = workdir
        self.op = op
        workdir.mkdir(parents=True, exist_ok=True)
        self.tmp = workdir / "tmp"
        self.tmp.mkdir(exist_ok=True)
        self._stderr = (workdir / "zygote.log").open("ab")
        env = dict(os.environ)
        env.pop("AZAD_WORKSPACE", None)
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--zygote", op],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            cwd=workdir,
        )
        hello = self._read()
        if not hello.get("ready") or hello.get("threads") != 1:
            raise RuntimeError(f"zygote did not start cleanly: {hello}")
        self.runs = 0

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            log = (self.workdir / "zygote.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the zygote died:\n{log}")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def run(
        self,
        op: str,
        args: dict[str, Any],
        *,
        kill_after: float | None = None,
        kill_at_rename: tuple[int, str] | None = None,
    ) -> RunResult:
        """Run ``op`` in a fresh child; kill it after ``kill_after`` seconds, or at its
        ``kill_at_rename`` = (n, "before" | "after") n-th ``os.replace`` (None: let it
        finish, within :data:`RUN_TIMEOUT_S`)."""
        if op != self.op:
            raise ValueError(f"this zygote serves {self.op}, not {op}")
        self.runs += 1
        renames = self.workdir / "renames"
        renames.unlink(missing_ok=True)
        request = {
            "op": op,
            "args": args,
            "kill_after": kill_after,
            "kill_at_rename": kill_at_rename,
            "timeout": RUN_TIMEOUT_S,
            "log": str(self.log_path),
            "tmp": str(self.tmp),
            "renames": str(renames),
        }
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        self.proc.stdin.flush()
        reply = self._read()
        if "error" in reply:
            raise RuntimeError(f"zygote: {reply['error']}")
        count = None
        if not reply["killed"] and renames.is_file():  # a killed child may have left it empty
            count = int(renames.read_text())
        return RunResult(
            reply["code"], reply["killed"], reply["elapsed"], reply["timed_out"], count
        )

    @property
    def log_path(self) -> Path:
        return self.workdir / "children.log"

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # our own zygote
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._stderr.close()

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- the operations, as the children run them ---------------------------------------------


def _op_ingest(args: dict[str, Any]) -> int:
    from azad.cli import run

    return run(["--workspace", args["ws"], "ingest", *args["files"]])


def _op_translate(args: dict[str, Any]) -> int:
    from azad.cli import run

    return run(["--workspace", args["ws"], "translate", *args["slugs"], "--lang", "all"])


def _op_save(args: dict[str, Any]) -> int:
    """A translator saving segments, one after the other, each against the revision just
    read; some saves carry several segments (one ``apply_edits`` call, one write)."""
    from azad.review.edits import Edit, apply_edits, read_segments
    from azad.workspace import Workspace

    ws = Workspace(Path(args["ws"]))
    rng = random.Random(args["seed"])
    ack = os.open(args["ack"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    n = 0
    for _ in range(args["saves"]):
        slug, lang = rng.choice(args["files"])
        segments = read_segments(ws, slug, lang)
        edits = []
        for segment in rng.sample(segments, k=rng.choice((1, 1, 1, 2, 3))):
            n += 1
            text = f"ترجمهٔ {args['tag']}-{n} «بازبینی»\u200cشده"
            edits.append(Edit(segment.ctx, text, segment.rev, reviewed=rng.random() < 0.8))
        _ack_lines(ack, "begin", slug, lang, [(e.ctx, e.text, not e.reviewed) for e in edits])
        report = apply_edits(ws, slug, lang, edits, by="kill-harness", via="kill-harness")
        saved = [
            (r.ctx, r.segment.text, r.segment.state == "draft")
            for r in report.results
            if r.outcome == "saved"
        ]
        _ack_lines(ack, "ack", slug, lang, saved)
        if len(saved) != len(edits):  # one writer, fresh revisions: every edit must apply
            print("not saved:", [r for r in report.results if r.outcome != "saved"])
            return 3
    return 0


def _ack_lines(
    fd: int, kind: str, slug: str, lang: str, items: Sequence[tuple[str, str, bool]]
) -> None:
    lines = "".join(
        json.dumps({"k": kind, "slug": slug, "lang": lang, "ctx": c, "text": t, "fuzzy": f}) + "\n"
        for c, t, f in items
    )
    if lines:
        os.write(fd, lines.encode())  # one small write(2): a kill leaves all lines or none


def _op_publish(args: dict[str, Any]) -> int:
    """What ``azad publish`` does without Prefect around it: every approved translation not
    yet published, through publish_many (one worker: in this process), then the catalog."""
    from azad.publish import publish_many, select_pairs
    from azad.workspace import Workspace

    ws = Workspace(Path(args["ws"]))
    outcomes = publish_many(ws, select_pairs(ws, None, None), workers=1)
    for o in outcomes:
        print(o.slug, o.lang_key, o.status, o.error)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


OPS: dict[str, Callable[[dict[str, Any]], int]] = {
    "ingest": _op_ingest,
    "translate": _op_translate,
    "save": _op_save,
    "publish": _op_publish,
}


# ==== checking a workspace =================================================================

SKIP_DIRS = frozenset({"models", ".models-downloads", ".prefect", "articles"})
"""Not written by the operations under test (models are installed once, articles/ holds
the harness's input files)."""


@dataclass
class CheckReport:
    files: int = 0
    """Files checked (or known good and unchanged since)."""
    problems: list[str] = field(default_factory=list)
    """Files that do not parse as what they are, or that should not be there."""
    temps: list[str] = field(default_factory=list)
    """Temporary files of interrupted atomic writes (relative paths)."""


def _stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


BINARY_KINDS = (".pdf", ".epub", ".png", ".woff2", ".ttf")
"""Files whose check is a function of their bytes alone: bytes found whole once are
whole again (a republication rewrites the same fonts and images under a new inode, and
decompiling every glyph of a font again took most of the publish loop's time)."""


class WorkspaceChecker:
    """Parses every file of a workspace by kind; a file found good is not parsed again
    until its inode, size or modification time changes (atomic writes make a new inode),
    nor a binary file whose exact bytes were found good before."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._good: dict[str, tuple[int, int, int]] = {}
        self._good_bytes: set[bytes] = set()
        """SHA-256 of the :data:`BINARY_KINDS` files found whole (suffix included)."""
        self._fonts: dict[str, bytes] | None = None

    def check(self) -> CheckReport:
        report = CheckReport()
        for folder, dirs, files in os.walk(self.root):
            here = Path(folder)
            if here == self.root:
                dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            for name in sorted(files):
                path = here / name
                rel = str(path.relative_to(self.root))
                if TEMP_RE.match(name):
                    report.temps.append(rel)
                    continue
                try:
                    st = path.stat()
                except FileNotFoundError:
                    continue
                report.files += 1
                key = _stat_key(st)
                if self._good.get(rel) == key and not name.endswith((".sqlite3", "-wal")):
                    continue
                try:
                    self._verify(path, rel)
                except Exception as exc:
                    report.problems.append(f"{rel}: {type(exc).__name__}: {exc}"[:400])
                    self._good.pop(rel, None)
                else:
                    self._good[rel] = key
        return report

    def _verify(self, path: Path, rel: str) -> None:
        if path.suffix in BINARY_KINDS:
            digest = hashlib.sha256(path.suffix.encode() + path.read_bytes()).digest()
            if digest in self._good_bytes:
                return
            self._verify_kind(path, rel)
            self._good_bytes.add(digest)
        else:
            self._verify_kind(path, rel)

    def _verify_kind(self, path: Path, rel: str) -> None:
        name = path.name
        parts = Path(rel).parts
        if name.endswith((".lock", "-shm", "-wal")):
            return  # filelock's files (no content); SQLite's, checked with the database
        if name == "azad.toml":
            from azad.settings import load_settings

            load_settings(path)
        elif name.endswith(".sqlite3"):
            _check_sqlite(path)
        elif name.endswith(".po"):
            _check_po(path)
        elif name == "source.json" or (len(parts) >= 2 and parts[-2] == "history"):
            from azad.model import Article

            if not re.fullmatch(r"source\.json|r\d{4}\.json", name):
                raise ValueError("unexpected file name in the article store")
            Article.from_json(path.read_bytes())
        elif name.endswith(".review.json"):
            from azad.queue.record import ReviewRecord

            ReviewRecord.model_validate_json(path.read_bytes())
        elif name.endswith(".tsv"):
            from azad.glossary import load_glossary

            load_glossary(path)
        elif parts[0] == "output":
            self._check_output(path, parts)
        elif parts[:3] == (".azad", "cache", "fonts") and path.suffix in (".ttf", ".woff2"):
            _check_font(path)  # font subsets kept between processes (azad.render.fonts)
        else:
            raise ValueError("unexpected file")

    def _check_output(self, path: Path, parts: tuple[str, ...]) -> None:
        suffix = path.suffix
        if suffix == ".pdf":
            _check_pdf(path)
        elif suffix == ".epub":
            _check_epub(path)
        elif suffix == ".png":
            _check_png(path)
        elif suffix == ".json":
            _check_manifest(path)
        elif suffix == ".html":
            _check_html(path)
        elif suffix == ".xml":
            ET.fromstring(path.read_bytes())
        elif suffix == ".woff2":
            _check_font(path)  # the reading editions' and the catalog's fonts
        elif suffix == ".ttf":
            if path.read_bytes() != self._styles_fonts().get(path.name):
                raise ValueError("differs from the styles folder's font of that name")
        else:
            raise ValueError("unexpected file in output/")

    def _styles_fonts(self) -> dict[str, bytes]:
        if self._fonts is None:
            from azad.render.styles import load_styles
            from azad.workspace import Workspace

            ws = Workspace(self.root)
            styles = load_styles(ws.root, ws.settings.edition)
            self._fonts = {f.path.name: f.path.read_bytes() for f in styles.fonts}
        return self._fonts


# What a CAT tool or an editor does, outside the project's save paths: tests/helpers.py
# (tests/ is sys.path[0] of the harness and its zygotes alike).
from helpers import approve, load_po, po_path  # noqa: E402

_PO_CACHE: dict[Path, tuple[tuple[int, int, int], Any]] = {}
_PO_CACHE_LOCK = threading.Lock()


def load_po_cached(path: Path) -> Any:
    """A PO file read as a CAT tool would, parsed once per version of the file (its inode, size and
    modification time; atomic writes make a new inode).  The catalog must not be changed."""

    key = _stat_key(path.stat())
    with _PO_CACHE_LOCK:
        hit = _PO_CACHE.get(path)
    if hit is not None and hit[0] == key:
        return hit[1]
    catalog = load_po(path)
    with _PO_CACHE_LOCK:
        _PO_CACHE[path] = (key, catalog)
    return catalog


def _check_po(path: Path) -> None:
    from azad.model import Article
    from azad.queue.pofile import parse_po, render_po

    data = path.read_bytes()
    text = data.decode("utf-8")
    tf = parse_po(data, path)
    # Every PO file here is written by render_po, so it must be exactly what render_po
    # makes of it (but for the previous msgid of obsolete entries, "#~| msgid", which
    # polib's parser drops).
    kept = "".join(line for line in text.splitlines(True) if not line.startswith("#~| "))
    if render_po(tf).decode("utf-8") != kept:
        raise ValueError("not what render_po writes (cut short or altered)")
    if not tf.metadata.get("Content-Type"):
        raise ValueError("no header")
    # A file cut at an entry boundary is still a valid, shorter catalog: it must hold an
    # entry for every unit of the article revision it was translated from.
    sha = tf.metadata.get("X-Azad-Source-SHA256")
    if sha is None:
        return
    folder = path.parent
    for source in [folder / "source.json", *sorted((folder / "history").glob("r*.json"))[::-1]]:
        article = Article.from_json(source.read_bytes())
        if article.meta.source_sha256 == sha:
            units = {ctx for ctx, _ in article.units()}
            live = {u.ctx for u in tf.live}
            if live != units:
                raise ValueError(
                    f"entries differ from the article's: {len(live)} for {len(units)} units"
                )
            return
    raise ValueError("translated from no revision of the article")


def _check_font(path: Path) -> None:
    """A whole font: fontTools reads every table of it."""
    from fontTools.ttLib import TTFont

    with TTFont(path) as font:
        font.ensureDecompiled()


def _check_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path, timeout=30)
    try:
        (result,) = conn.execute("PRAGMA integrity_check").fetchone()
        conn.execute("SELECT count(*) FROM changes").fetchone()
    finally:
        conn.close()
    if result != "ok":
        raise ValueError(f"integrity_check: {result}")


def _check_pdf(path: Path) -> None:
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise ValueError("no PDF header or no %%EOF at the end")
    proc = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=False)
    if proc.returncode != 0 or proc.stderr.strip():
        raise ValueError(f"pdfinfo: {proc.stderr.decode(errors='replace').strip()}")


def _check_epub(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        first = zf.infolist()[0]
        if first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
            raise ValueError("mimetype is not the first, stored entry")
        if zf.read(first) != b"application/epub+zip":
            raise ValueError("wrong mimetype")
        bad = zf.testzip()
        if bad is not None:
            raise ValueError(f"bad CRC in {bad}")
        if "META-INF/container.xml" not in zf.namelist():
            raise ValueError("no META-INF/container.xml")


def _check_png(path: Path) -> None:
    from PIL import Image

    data = path.read_bytes()
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or not data.endswith(b"IEND\xaeB`\x82"):
        raise ValueError("not a complete PNG")
    with Image.open(path) as image:
        image.verify()


def _check_manifest(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    for key in ("slug", "lang", "id", "title", "published", "rev", "pdf", "epub"):
        if key not in raw:
            raise ValueError(f"manifest lacks {key}")


class _HTMLEnd(html.parser.HTMLParser):
    closed = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "html":
            self.closed = True


def _check_html(path: Path) -> None:
    parser = _HTMLEnd()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    if not parser.closed:
        raise ValueError("no closing </html>")


def file_state(root: Path) -> dict[str, tuple[int, int, int]]:
    """Stat keys of the workspace's data files (no locks, temporary files or databases):
    what tells which files a run wrote."""
    out = {}
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root:
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in files:
            if name.endswith((".lock", ".tmp", "-wal", "-shm", ".sqlite3")):
                continue
            path = Path(folder) / name
            with contextlib.suppress(FileNotFoundError):
                out[str(path.relative_to(root))] = _stat_key(path.stat())
    return out


def changed(
    before: dict[str, tuple[int, int, int]], after: dict[str, tuple[int, int, int]]
) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


# ==== the scenarios: one per operation ======================================================


class FixedDrafts:
    """An MT stand-in for building the save and publish workspaces in the parent (the
    translate scenario uses the real test model, in the children)."""

    description = "fixed drafts (kill harness)"
    is_test_model = True

    def translate(self, sentences: Sequence[str]) -> list[str]:
        return [f"پیش‌نویس {n}" for n in range(len(sentences))]


def new_workspace(root: Path) -> Any:
    from azad.cli import run
    from azad.workspace import Workspace

    if root.exists():
        shutil.rmtree(root)
    code = run(["init", str(root)])
    if code != 0:
        raise RuntimeError(f"azad init {root} failed")
    return Workspace(root.resolve())


def markdown_article(title: str, paragraphs: Sequence[str], url: str) -> str:
    head = (
        f'---\ntitle: "{title}"\nauthor: Example Writer\ndate: 2025-09-18\n'
        f"section: European Languages\nurl: {url}\n---\n\n"
    )
    return head + "\n\n".join(paragraphs) + "\n"


WEEKLY = [
    "In week {n}, about {k} lorries crossed the pass before the snow closed it.",
    "Drivers counted {k} buses at the northern gate during week {n}.",
    "The week {n} report listed {k} hours of closures and one new ventilation fan.",
]
STABLE_PARAGRAPHS = [
    "The Salang Tunnel crosses the Hindu Kush and links Kabul with the northern provinces. "
    "It was for decades the highest road tunnel in the world.",
    "Engineers who inspected it list new ventilation fans, a rebuilt drainage system and "
    "avalanche galleries as the most urgent needs.",
    "Until a second tunnel is built, the Salang will remain the country's most important "
    "road link.",
]


def round_article(n: int, rng: random.Random) -> str:
    """A short article whose last paragraph changes every round (changed and new
    segments for translation; the stable ones keep their ids)."""
    weekly = " ".join(
        s.format(n=n, k=rng.randrange(100, 9999)) for s in rng.sample(WEEKLY, k=rng.randint(1, 3))
    )
    return markdown_article(
        "The Salang Road: A Weekly Count",
        [*STABLE_PARAGRAPHS, weekly],
        "https://example.org/articles/salang-weekly",
    )


@dataclass
class KillRecord:
    mode: str
    """``delay`` (the zygote's SIGKILL after a random delay) or ``rename`` (the child's
    own SIGKILL just before or after a randomly chosen ``os.replace``)."""
    at: float
    """Seconds after the fork."""
    fraction: float
    """``at`` / the run's duration as estimated then."""
    phase: str
    """What the kill interrupted: ``nothing written``, ``partly written``, ``all written``
    (or, for saves, whether one was in flight); ``before rename`` or ``after rename``."""


@dataclass
class OpStats:
    op: str
    duration: float = 0.0
    """The median duration of the last complete runs at the end (seconds)."""
    measured: list[float] = field(default_factory=list)
    """The uninterrupted runs measured before the first kill."""
    renames: int = 0
    """``os.replace`` calls of the last complete run (an atomic write each)."""
    attempts: int = 0
    kills: list[KillRecord] = field(default_factory=list)
    completed_before_kill: int = 0
    unparsable: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    inconsistent: list[str] = field(default_factory=list)
    """Invariants of the operation broken after a kill or after recovery."""
    recoveries_ok: int = 0
    recoveries_failed: list[str] = field(default_factory=list)
    recovery_max: float = 0.0
    """The longest recovery run (seconds): a lock left behind would show as 30 s."""
    acked_saves: int = 0
    temps_max: int = 0
    """Most temporary files of interrupted writes seen at once in the workspace."""
    temps_end: int = 0
    files_checked: int = 0
    wall: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)
    """Where the wall time went (prepare, killed runs, checks, recovery runs)."""

    @property
    def ok(self) -> bool:
        return not (self.unparsable or self.lost or self.inconsistent or self.recoveries_failed)

    def count(self, mode: str, phase: str | None = None) -> int:
        return sum(1 for k in self.kills if k.mode == mode and phase in (None, k.phase))


class Scenario:
    """One operation on its own workspace: set up, give each run work, check."""

    op = ""

    def __init__(self, workdir: Path, rng: random.Random, packages: dict[str, Path]) -> None:
        self.workdir = workdir
        self.rng = rng
        self.packages = packages
        self.ws: Any = None
        self.round = 0

    def setup(self) -> None:
        raise NotImplementedError

    def prepare(self) -> None:
        """Give the next run something to do (in the parent, before the run)."""

    def args(self, *, recovery: bool) -> dict[str, Any]:
        raise NotImplementedError

    def after_kill(self) -> tuple[list[str], list[str]]:
        """(lost saves, broken invariants) right after a kill."""
        return [], []

    def after_recovery(self) -> tuple[list[str], list[str]]:
        return self.after_kill()

    def acked(self) -> int:
        return 0

    def full_recovery(self, by_kill: set[str]) -> bool:
        """Whether the recovery run after a kill that changed ``by_kill`` did a whole
        round's work (so its duration is a sample of the run's)."""
        return not by_kill

    def phase(self, by_kill: set[str], by_recovery: set[str]) -> str:
        if not by_kill:
            return "nothing written"
        return "all written" if not by_recovery else "partly written"


class IngestScenario(Scenario):
    """``azad ingest`` of the example files and generated ones: every round five small
    files are revised (a new revision each: history + source; small, so that writing is a
    good part of the run) and now and then a new one appears."""

    op = "ingest"
    TOWNS = ("Herat", "Balkh", "Kunduz")

    def setup(self) -> None:
        self.ws = new_workspace(self.workdir / "ws")
        self.inputs = self.ws.articles_dir
        for src in sorted(EXAMPLES.iterdir()):
            shutil.copy(src, self.inputs / src.name)
        self.versions: dict[str, set[str]] = {}
        """File name → SHA-256 of every version it had (a kill may leave any of them
        stored: this round's or an earlier one)."""
        self._write_variants()

    def _write_variants(self) -> None:
        n = self.round
        for i, town in enumerate(self.TOWNS):
            self._put(
                f"weekly-{i}.md",
                markdown_article(
                    f"{town} Weekly: Prices and Roads",
                    [
                        f"Traders in {town} met again this week.",
                        f"In round {n} a sack of flour cost {self.rng.randrange(900, 2000)} "
                        "afghanis in the main bazaar.",
                    ],
                    f"https://example.org/articles/{town.lower()}-weekly",
                ),
            )
        if n % 10 == 5:
            self._put(
                f"new-{n}.md",
                markdown_article(
                    f"Round {n} Notes: A Short Report",
                    [f"Round {n} brought news from {self.rng.choice(self.TOWNS)}."],
                    f"https://example.org/articles/round-{n}",
                ),
            )
        for path in self.inputs.iterdir():
            self.versions.setdefault(path.name, set()).add(_sha(path))

    def _put(self, name: str, text: str) -> None:
        (self.inputs / name).write_text(text, encoding="utf-8")

    def prepare(self) -> None:
        self.round += 1
        self._write_variants()

    def args(self, *, recovery: bool) -> dict[str, Any]:
        files = sorted(str(p) for p in self.inputs.iterdir())
        return {"ws": str(self.ws.root), "files": files}

    def _stored(self, *, after_kill: bool) -> tuple[dict[str, list[str]], list[str]]:
        from azad.model import Article
        from azad.queue.articles import ArticleStore

        store = ArticleStore(self.ws)
        by_file: dict[str, list[str]] = {}
        broken = []
        for slug in store.slugs():
            folder = self.ws.article_dir(slug)
            current = Article.from_json((folder / "source.json").read_bytes())
            by_file.setdefault(current.meta.source_file, []).append(current.meta.source_sha256)
            history = sorted((folder / "history").glob("r*.json"))
            numbers = [int(p.stem[1:]) for p in history]
            if numbers != list(range(1, len(numbers) + 1)):
                broken.append(f"{slug}: history revisions {numbers}")
            # Equal revisions are equal files (Article.to_json is deterministic).
            revisions = [p.read_bytes() for p in history] + [(folder / "source.json").read_bytes()]
            pairs = list(itertools.pairwise(revisions))
            if after_kill and pairs and pairs[-1][0] == pairs[-1][1]:
                # Killed between keeping the old revision and writing the new one: the
                # next ingest of that file finds the old revision kept (store.save).
                pairs.pop()
            if any(a == b for a, b in pairs):
                broken.append(f"{slug}: two consecutive revisions are equal")
        return by_file, broken

    def after_kill(self) -> tuple[list[str], list[str]]:
        by_file, broken = self._stored(after_kill=True)
        for name, shas in by_file.items():
            if len(shas) != 1:
                broken.append(f"{name}: stored {len(shas)} times")
            elif shas[0] not in self.versions.get(name, set()):
                broken.append(f"{name}: stored content is no version of the file")
        return [], broken

    def after_recovery(self) -> tuple[list[str], list[str]]:
        by_file, broken = self._stored(after_kill=False)
        for path in self.inputs.iterdir():
            if by_file.get(path.name) != [_sha(path)]:
                broken.append(f"{path.name}: not stored as it is now ({by_file.get(path.name)})")
        return [], broken


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class TranslateScenario(Scenario):
    """``azad translate SLUG… --lang all`` with the tiny test model: every round one
    article has a revised last paragraph (changed, new and obsolete entries) and a
    translator has saved a reviewed translation of a stable segment, which must stay."""

    op = "translate"

    def setup(self) -> None:
        from azad.mt.packages import install_file
        from azad.services.ingest import ingest_files

        self.ws = new_workspace(self.workdir / "ws")
        for archive in self.packages.values():
            install_file(self.ws.models_dir, archive)
        self.source = self.ws.articles_dir / "salang-weekly.md"
        self.source.write_text(round_article(0, self.rng), encoding="utf-8")
        herat = self.ws.articles_dir / "herat-saffron.txt"
        shutil.copy(EXAMPLES / "herat-saffron.txt", herat)
        outcomes = ingest_files(self.ws, [self.source, herat])
        self.slugs = [o.slug for o in outcomes]
        self.markers: dict[tuple[str, str, str], str] = {}
        self.units_before: dict[str, set[str]] = {}

    def _units(self, slug: str) -> set[str]:
        from azad.queue.articles import ArticleStore

        article = ArticleStore(self.ws).load(slug).article
        return {ctx for ctx, _ in article.units()}

    def prepare(self) -> None:
        from azad.review.edits import Edit, apply_edits, read_segments
        from azad.services.ingest import ingest_files

        self.round += 1
        self.units_before = {s: self._units(s) for s in self.slugs}
        # A translator's save between two runs, on a segment whose English stays.
        slug = self.rng.choice(self.slugs)
        lang = self.rng.choice(list(self.ws.settings.languages))
        stable = [
            s
            for s in read_segments(self.ws, slug, lang)
            if not (slug == self.slugs[0] and s.ctx.startswith(f"b{len(STABLE_PARAGRAPHS) + 1}."))
        ]
        seg = self.rng.choice(stable)
        text = f"بازبینی دور {self.round}"
        apply_edits(self.ws, slug, lang, [Edit(seg.ctx, text, seg.rev)], by="tr", via="harness")
        self.markers[(slug, lang, seg.ctx)] = text
        self.source.write_text(round_article(self.round, self.rng), encoding="utf-8")
        ingest_files(self.ws, [self.source])

    def args(self, *, recovery: bool) -> dict[str, Any]:
        return {"ws": str(self.ws.root), "slugs": self.slugs}

    def _check(self, *, complete: bool) -> tuple[list[str], list[str]]:

        lost, broken = [], []
        catalogs = {}
        for slug in self.slugs:
            units = self._units(slug)
            for lang in self.ws.settings.languages:
                path = po_path(self.ws.article_dir(slug), lang)
                if not path.is_file():
                    broken.append(f"{slug}/{lang}.po missing")
                    continue
                catalog = catalogs[(slug, lang)] = load_po_cached(path)
                live = {e.msgctxt for e in catalog if not e.obsolete}
                allowed = [units] if complete else [units, self.units_before.get(slug, units)]
                if live not in allowed:
                    broken.append(f"{slug}/{lang}.po: entries match no revision of the article")
        for (slug, lang, ctx), text in self.markers.items():
            catalog = catalogs.get((slug, lang))
            entry = next((e for e in catalog or [] if e.msgctxt == ctx and not e.obsolete), None)
            if entry is None or entry.msgstr != text or "fuzzy" in entry.flags:
                lost.append(f"{slug}/{lang} {ctx}: the translator's {text!r} is gone")
        return lost, broken

    def after_kill(self) -> tuple[list[str], list[str]]:
        return self._check(complete=False)

    def after_recovery(self) -> tuple[list[str], list[str]]:
        return self._check(complete=True)

    def acked(self) -> int:
        return len(self.markers)


class SaveScenario(Scenario):
    """A translator saving segments (``apply_edits``, as the web app's save does) over two
    articles × two languages; every acknowledged save must survive."""

    op = "save"
    SAVES_PER_RUN = 15
    OURS = "action = 'save' AND by = 'kill-harness'"
    """The change-log rows of the children's saves."""

    def setup(self) -> None:
        from azad.queue.articles import ArticleStore
        from azad.services.ingest import ingest_files
        from azad.services.translate import Job, update_translations

        self.ws = new_workspace(self.workdir / "ws")
        outcomes = ingest_files(self.ws, sorted(EXAMPLES.iterdir()))
        store = ArticleStore(self.ws)
        for key, lang in self.ws.settings.languages.items():
            jobs = [Job(o.slug, store.load(o.slug).article, key, lang.code) for o in outcomes]
            update_translations(self.ws, jobs, FixedDrafts(), None)
        self.files = [[o.slug, key] for o in outcomes for key in self.ws.settings.languages]
        self.acks: list[Path] = []

    def args(self, *, recovery: bool) -> dict[str, Any]:
        n = len(self.acks)
        ack = self.workdir / f"acks-{n:04d}.jsonl"
        self.acks.append(ack)
        return {
            "ws": str(self.ws.root),
            "files": self.files,
            "saves": self.SAVES_PER_RUN,
            "ack": str(ack),
            "seed": self.rng.randrange(2**32),
            "tag": f"r{n}",
        }

    def _read_acks(self) -> None:
        """Take in the records written since the last call (the files only grow, and the
        run that writes one has ended when this is called)."""
        if not hasattr(self, "expected"):
            self.expected: dict[Key, tuple[str, bool]] = {}
            self.in_flight: dict[Key, set[tuple[str, bool]]] = {}
            self.unlogged: set[tuple[str, str, str, str, int]] = set()
            self.n_acked = 0
            self._offsets: dict[Path, int] = {}
            self._last_id = 0
            self._rows_seen = 0
        for path in self.acks:
            offset = self._offsets.get(path, 0)
            if not path.is_file() or path.stat().st_size == offset:
                continue
            data = path.read_bytes()[offset:]
            complete = data[: data.rfind(b"\n") + 1]  # one write(2) a batch: never cut
            self._offsets[path] = offset + len(complete)
            for line in complete.decode("utf-8").splitlines():
                rec = json.loads(line)
                key = (rec["slug"], rec["lang"], rec["ctx"])
                value = (rec["text"], rec["fuzzy"])
                if rec["k"] == "begin":
                    self.in_flight.setdefault(key, set()).add(value)
                else:
                    self.n_acked += 1
                    self.expected[key] = value
                    self.in_flight[key] = set()
                    self.unlogged.add((*key, rec["text"], int(rec["fuzzy"])))

    def after_kill(self) -> tuple[list[str], list[str]]:
        from azad.db.connection import db_path

        self._read_acks()
        lost, broken = [], []
        catalogs = {
            (slug, lang): {
                e.msgctxt: e
                for e in load_po_cached(po_path(self.ws.article_dir(slug), lang))
                if not e.obsolete
            }
            for slug, lang in self.files
        }
        for key, (text, fuzzy) in self.expected.items():
            entry = catalogs[(key[0], key[1])].get(key[2])
            actual = (entry.msgstr, "fuzzy" in entry.flags) if entry is not None else None
            if actual != (text, fuzzy) and actual not in self.in_flight.get(key, set()):
                lost.append(f"{'/'.join(key)}: acknowledged {text!r}, file has {actual!r}")
        for key, values in self.in_flight.items():
            if key in self.expected or not values:
                continue
            entry = catalogs[(key[0], key[1])].get(key[2])
            ours = entry is not None and entry.msgstr.startswith("ترجمهٔ r")
            if ours and (entry.msgstr, "fuzzy" in entry.flags) not in values:
                broken.append(f"{'/'.join(key)}: text {entry.msgstr!r} was never saved")
        # Every acknowledged save is in the change log too (committed before the return),
        # and no row, once seen, disappears.
        conn = sqlite3.connect(db_path(self.ws), timeout=30)
        try:
            (seen,) = conn.execute(
                f"SELECT count(*) FROM changes WHERE id <= ? AND {self.OURS}", (self._last_id,)
            ).fetchone()
            rows = conn.execute(
                "SELECT id, slug, lang, ctx, new, new_fuzzy FROM changes"
                f" WHERE id > ? AND {self.OURS} ORDER BY id",
                (self._last_id,),
            ).fetchall()
        finally:
            conn.close()
        if seen != self._rows_seen:
            lost.append(f"change log: {self._rows_seen - seen} rows seen before are gone")
        self.unlogged -= {tuple(r[1:]) for r in rows}
        if rows:
            self._last_id = rows[-1][0]
            self._rows_seen = seen + len(rows)
        for row in sorted(self.unlogged):
            lost.append(f"{'/'.join(row[:3])}: {row[3]!r} not in the change log")
        return lost, broken

    def acked(self) -> int:
        self._read_acks()
        return self.n_acked

    def full_recovery(self, by_kill: set[str]) -> bool:
        return True  # the recovery run makes as many saves as any run

    def phase(self, by_kill: set[str], by_recovery: set[str]) -> str:
        # Every save run writes; what matters is whether a save was in flight.
        return "a save in flight" if self._in_flight_last() else "between saves"

    def _in_flight_last(self) -> bool:
        path = self.acks[-2] if len(self.acks) >= 2 else None
        if path is None or not path.is_file():
            return False
        lines = path.read_text(encoding="utf-8").splitlines()
        return bool(lines) and json.loads(lines[-1])["k"] == "begin"


Key = tuple[str, str, str]
"""(slug, language key, segment id)."""


class PublishScenario(Scenario):
    """Publishing approved translations (PDF, EPUB, thumbnail, manifest, review record,
    catalog): every round an editor approves a new revision of one or both languages."""

    op = "publish"

    def setup(self) -> None:
        from azad.queue.articles import ArticleStore
        from azad.services.ingest import ingest_files
        from azad.services.translate import Job, update_translations

        self.ws = new_workspace(self.workdir / "ws")
        source = self.ws.articles_dir / "salang-weekly.md"
        source.write_text(round_article(0, self.rng), encoding="utf-8")
        (outcome,) = ingest_files(self.ws, [source])
        self.slug = outcome.slug
        article = ArticleStore(self.ws).load(self.slug).article
        for key, lang in self.ws.settings.languages.items():
            job = Job(self.slug, article, key, lang.code)
            update_translations(self.ws, [job], FixedDrafts(), None)
            from azad.review.edits import Edit, apply_edits, read_segments

            edits = [Edit(u.ctx, u.text, u.rev) for u in read_segments(self.ws, self.slug, key)]
            apply_edits(self.ws, self.slug, key, edits, by="tr", via="harness")
            approve(self.ws, self.slug, key, "editor")

    def prepare(self) -> None:
        from azad.review.edits import Edit, apply_edits, read_segments

        self.round += 1
        langs = list(self.ws.settings.languages)
        for key in self.rng.sample(langs, k=1 if self.rng.random() < 0.85 else 2):
            seg = self.rng.choice(read_segments(self.ws, self.slug, key))
            edit = Edit(seg.ctx, f"نسخهٔ {self.round} از این جمله.", seg.rev)
            apply_edits(self.ws, self.slug, key, [edit], by="tr", via="harness")
            approve(self.ws, self.slug, key, "editor")

    def args(self, *, recovery: bool) -> dict[str, Any]:
        return {"ws": str(self.ws.root)}

    def _check(self, *, complete: bool) -> tuple[list[str], list[str]]:
        from azad.publish import edition_files
        from azad.queue.status import translation_status

        broken = []
        out = self.ws.output_dir
        ids = set()
        for key in self.ws.settings.languages:
            status = translation_status(self.ws, self.slug, key)
            files = edition_files(self.ws, self.slug, key)
            assert files.manifest is not None
            if status.status not in ("approved", "published"):
                broken.append(f"{key}: status {status.status}")
            if complete and status.status != "published":
                broken.append(f"{key}: not published after the recovery run")
            if files.manifest.is_file():
                manifest = json.loads(files.manifest.read_bytes())
                ids.add(manifest["id"])
                # The manifest is renamed last: the catalog never lists missing files.
                for f in (files.pdf, files.epub, files.html):
                    if f is not None and not f.is_file():
                        broken.append(f"{key}: manifest written, {f.name} missing")
                if status.status == "published" and manifest["rev"] != status.rev:
                    broken.append(f"{key}: published, but the files are of other content")
                if complete:
                    for f, part in ((files.pdf, "pdf"), (files.epub, "epub")):
                        if f.is_file() and f.stat().st_size != manifest[part]["bytes"]:
                            broken.append(f"{key}: {f.name} is not the manifest's")
        if complete:
            # After a publish that ran to its end, the catalog is what the manifests make.
            for path, data in expected_catalog(self.ws).items():
                if not path.is_file() or path.read_bytes() != data:
                    broken.append(f"{path.relative_to(out)} is stale: not what the manifests make")
            opds = ET.fromstring((out / "opds.xml").read_bytes())
            listed = {e.text for e in opds.iter("{http://www.w3.org/2005/Atom}id")}
            for edition in ids - listed:
                broken.append(f"catalog lacks {edition}")
        return [], broken

    def after_kill(self) -> tuple[list[str], list[str]]:
        return self._check(complete=False)

    def after_recovery(self) -> tuple[list[str], list[str]]:
        return self._check(complete=True)


def expected_catalog(ws: Any) -> dict[Path, bytes]:
    """The catalog files as :func:`azad.catalog.write.write_catalog` would write them now."""
    from azad.catalog.entries import load_entries
    from azad.catalog.write import catalog_files

    entries = load_entries(ws)
    if not entries:
        return {}  # the feeds' date would be "now"
    return catalog_files(ws, entries)


SCENARIOS: dict[str, type[Scenario]] = {
    s.op: s for s in (IngestScenario, TranslateScenario, SaveScenario, PublishScenario)
}


# ==== the loop ==============================================================================


def run_kills(
    scenario: Scenario,
    zygote: Zygote,
    kills: int,
    *,
    rename_share: float = RENAME_SHARE,
    max_attempts: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> OpStats:
    """Measure uninterrupted runs, then kill runs at random until ``kills`` kills landed
    (or ``max_attempts`` runs were made).

    A share ``rename_share`` of the runs is killed at a rename (a write: uniform delays
    mostly land in reading, parsing and rendering, since the writes come at the end and
    take little time), the others after a random delay.  The delay window follows the run's
    duration as the machine's load changes: it is the median of the last
    :data:`DURATION_SAMPLES` complete runs of a round's work, i.e. the measured runs, the
    runs that completed before their kill, and the recovery runs after a kill that had
    written nothing (they redo the whole round)."""
    started = time.monotonic()
    stats = OpStats(scenario.op)
    checker = WorkspaceChecker(scenario.ws.root)
    # The first run does the initial work (translating whole articles, publishing every
    # edition); the duration is measured on rounds like the ones that are killed.
    samples: list[float] = []
    for n in range(1 + MEASURED_RUNS):
        if n:
            scenario.prepare()
        run = zygote.run(scenario.op, scenario.args(recovery=False))
        if run.code != 0:
            raise RuntimeError(f"{scenario.op}: an uninterrupted run failed:\n{zygote.log_tail()}")
        if n:
            samples.append(run.elapsed)
            stats.renames = run.renames or stats.renames
        _check_after(scenario, checker, stats, recovery=True)
    stats.measured = list(samples)
    limit = max_attempts if max_attempts is not None else kills * 3
    clock = stats.seconds
    while len(stats.kills) < kills and stats.attempts < limit:
        stats.attempts += 1
        duration = statistics.median(samples[-DURATION_SAMPLES:])
        with _timed(clock, "prepare"):
            scenario.prepare()
            delay: float | None = scenario.rng.uniform(0, KILL_WINDOW * duration)
            at_rename = None
            if stats.renames and scenario.rng.random() < rename_share:
                delay = None
                at_rename = (
                    scenario.rng.randint(1, stats.renames),
                    scenario.rng.choice(("before", "after")),
                )
            before = file_state(scenario.ws.root)
        with _timed(clock, "killed runs"):
            result = zygote.run(
                scenario.op,
                scenario.args(recovery=False),
                kill_after=delay,
                kill_at_rename=at_rename,
            )
        if not result.killed:
            if result.code != 0:
                stats.recoveries_failed.append(
                    f"run {stats.attempts} exited {result.code}\n{zygote.log_tail(2000)}"
                )
            stats.completed_before_kill += 1
            samples.append(result.elapsed)
            stats.renames = result.renames or stats.renames
            with _timed(clock, "checks"):
                _check_after(scenario, checker, stats, recovery=True)
            continue
        with _timed(clock, "checks"):
            after_kill = file_state(scenario.ws.root)
            _check_after(scenario, checker, stats, recovery=False)
        with _timed(clock, "recovery runs"):
            recovery = zygote.run(scenario.op, scenario.args(recovery=True))
        stats.recovery_max = max(stats.recovery_max, recovery.elapsed)
        if recovery.code == 0:
            stats.recoveries_ok += 1
        else:
            stats.recoveries_failed.append(
                f"kill {len(stats.kills) + 1}: recovery exited {recovery.code}"
                + (" (timed out)" if recovery.timed_out else "")
                + f"\n{zygote.log_tail(2000)}"
            )
        with _timed(clock, "checks"):
            by_kill = changed(before, after_kill)
            if at_rename is None:
                phase = scenario.phase(by_kill, changed(after_kill, file_state(scenario.ws.root)))
            else:
                phase = f"{at_rename[1]} rename"
            record = KillRecord(
                "delay" if at_rename is None else "rename",
                result.elapsed,
                result.elapsed / duration,
                phase,
            )
            stats.kills.append(record)
            _check_after(scenario, checker, stats, recovery=True)
        if recovery.code == 0 and scenario.full_recovery(by_kill):
            samples.append(recovery.elapsed)
            stats.renames = recovery.renames or stats.renames
        if progress is not None and len(stats.kills) % 10 == 0:
            progress(f"{scenario.op}: {len(stats.kills)} kills")
    stats.acked_saves = scenario.acked()
    stats.duration = statistics.median(samples[-DURATION_SAMPLES:])
    stats.temps_end = len(checker.check().temps)
    stats.wall = time.monotonic() - started
    return stats


@contextlib.contextmanager
def _timed(clock: dict[str, float], what: str) -> Iterator[None]:
    started = time.monotonic()
    try:
        yield
    finally:
        clock[what] = clock.get(what, 0.0) + time.monotonic() - started


def _check_after(
    scenario: Scenario, checker: WorkspaceChecker, stats: OpStats, *, recovery: bool
) -> None:
    report = checker.check()
    stats.files_checked += report.files
    stats.temps_max = max(stats.temps_max, len(report.temps))
    where = f"{'after recovery' if recovery else 'after kill'} {len(stats.kills)}"
    stats.unparsable += [f"{where}: {p}" for p in report.problems]
    if report.problems:
        return  # the invariants need the files parsed
    try:
        lost, broken = scenario.after_recovery() if recovery else scenario.after_kill()
    except Exception as exc:
        lost, broken = [], [f"checking failed: {type(exc).__name__}: {exc}"]
    stats.lost += [f"{where}: {x}" for x in lost]
    stats.inconsistent += [f"{where}: {x}" for x in broken]


def run_all(
    workdir: Path,
    packages: dict[str, Path],
    kills: dict[str, int],
    seed: int,
    *,
    progress: Callable[[str], None] | None = None,
    parallel: bool = True,
) -> list[OpStats]:
    """Every operation of ``kills`` (op → kills), each with its own workspace, zygote and
    RNG (derived from ``seed``); with ``parallel`` all at once, a thread of this process
    driving each (each loop also waits: on helpers, on fsync, on its own checks, so more
    loops than cores pay).  The workspaces are set up first, one after the other, here."""
    import concurrent.futures
    import io

    scenarios = []
    for op in kills:
        scenario = SCENARIOS[op](workdir / op, random.Random(f"{seed}:{op}"), packages)
        with contextlib.redirect_stdout(io.StringIO()):  # azad init's message
            scenario.setup()
        scenarios.append(scenario)

    # The zygotes start together (importing azad is CPU-heavy) and the durations are
    # measured once all are up, under the load the kill loops will run under.
    barrier = threading.Barrier(len(scenarios) if parallel else 1)

    def one(scenario: Scenario) -> OpStats:
        try:
            zygote = Zygote(workdir / scenario.op / "zygote", scenario.op)
        except BaseException:
            barrier.abort()  # the others stop waiting (BrokenBarrierError)
            raise
        with zygote:
            barrier.wait(timeout=RUN_TIMEOUT_S)
            return run_kills(scenario, zygote, kills[scenario.op], progress=progress)

    if not parallel:
        return [one(s) for s in scenarios]
    with concurrent.futures.ThreadPoolExecutor(len(scenarios)) as pool:
        futures = [pool.submit(one, s) for s in scenarios]
    errors = [e for e in (f.exception() for f in futures) if e is not None]
    if errors:
        # The cause (a zygote that did not start, say), not the BrokenBarrierError it
        # caused in the other loops: pool.map raised whichever came first in order.
        causes = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)]
        raise (causes or errors)[0]
    return [f.result() for f in futures]


# ==== the report ============================================================================


def summary(stats: Sequence[OpStats], seed: int) -> str:
    """The table: one line per operation and the total, then every problem found."""
    head = (
        "operation",
        "run s",
        "kills",
        "delay",
        "rename",
        "done first",
        "delay kills at (×run) min/med/max",
        "delay kills: nothing/partly/all written",
        "rename kills: before/after",
        "unparsable",
        "lost",
        "broken",
        "recovered",
        "longest recovery s",
        "acked saves",
        "temps max/end",
        "wall s",
    )
    rows = [head]
    for s in stats:
        fractions = [k.fraction for k in s.kills if k.mode == "delay"] or [0.0]
        if s.op == "save":
            phase = "in flight {}, between {}".format(
                s.count("delay", "a save in flight"), s.count("delay", "between saves")
            )
        else:
            phase = "/".join(
                str(s.count("delay", p))
                for p in ("nothing written", "partly written", "all written")
            )
        rows.append(
            (
                s.op,
                f"{s.duration:.2f}",
                str(len(s.kills)),
                str(s.count("delay")),
                str(s.count("rename")),
                str(s.completed_before_kill),
                f"{min(fractions):.2f}/{statistics.median(fractions):.2f}/{max(fractions):.2f}",
                phase,
                f"{s.count('rename', 'before rename')}/{s.count('rename', 'after rename')}"
                f" of {s.renames}",
                str(len(s.unparsable)),
                str(len(s.lost)),
                str(len(s.inconsistent)),
                f"{s.recoveries_ok}/{len(s.kills)}",
                f"{s.recovery_max:.2f}",
                str(s.acked_saves),
                f"{s.temps_max}/{s.temps_end}",
                f"{s.wall:.1f}",
            )
        )
    total = sum(len(s.kills) for s in stats)
    totals = {
        "operation": "total",
        "kills": str(total),
        "delay": str(sum(s.count("delay") for s in stats)),
        "rename": str(sum(s.count("rename") for s in stats)),
        "done first": str(sum(s.completed_before_kill for s in stats)),
        "unparsable": str(sum(len(s.unparsable) for s in stats)),
        "lost": str(sum(len(s.lost) for s in stats)),
        "broken": str(sum(len(s.inconsistent) for s in stats)),
        "recovered": f"{sum(s.recoveries_ok for s in stats)}/{total}",
        "acked saves": str(sum(s.acked_saves for s in stats)),
    }
    rows.append(tuple(totals.get(h, "") for h in head))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [f"kill harness, seed {seed}"]
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    for s in stats:
        for label, items in (
            ("unparsable", s.unparsable),
            ("lost", s.lost),
            ("broken", s.inconsistent),
            ("recovery failed", s.recoveries_failed),
        ):
            for item in items[:10]:
                lines.append(f"{s.op}: {label}: {item}")
    return "\n".join(lines)


def histogram(stats: OpStats, buckets: int = 6) -> str:
    """Delay kills by the fraction of the run they landed at, in buckets of 0.2."""
    counts = [0] * buckets
    for k in stats.kills:
        if k.mode == "delay":
            counts[min(int(k.fraction / 0.2), buckets - 1)] += 1
    return " ".join(f"{i * 0.2:.1f}-{(i + 1) * 0.2:.1f}:{c}" for i, c in enumerate(counts))


def as_dict(stats: OpStats) -> dict[str, Any]:
    return dataclasses.asdict(stats)


if __name__ == "__main__" and sys.argv[1:2] == ["--zygote"]:
    # The protocol keeps the original stdout; anything printed goes to stderr (the log).
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    zygote_main(sys.argv[2], sys.stdin.buffer, proto_out)
