"""QA warnings of many segments at once, remembered by exactly what they were computed
from, in this process and in the review database.

The editor page counts every segment's warnings for its filter bar, so a 20,000-segment
article needs 20,000 checks (about 1.6 s) before its first page can be shown. The result
of a check depends only on the English, the text, the language, the glossary's content
and the checks' own code; the key is a hash of all five (:data:`CHECKS_VERSION` covers the
code), so a remembered result can never be stale: a changed text, glossary or check is a
different key. A restarted app reads them back in one query instead of checking again, and
the translate flow checks new drafts once (:func:`check_translation`) so that even the
first open of a fresh translation finds them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from translate.__version__ import sver as toolkit_version

from azad import glossary as glossary_module
from azad.db.connection import connect, writing
from azad.glossary import Glossary, load_glossary
from azad.lang import common, digits, invisible
from azad.queue.store import Queue
from azad.queue.units import Unit
from azad.review import qa
from azad.review.qa import QAWarning, check_segment
from azad.workspace import Workspace


def _checks_version() -> str:
    """A hash of the checks' code (this package's modules they run, translate-toolkit's
    version): a new release or an edited check computes every warning afresh."""
    h = hashlib.sha256(toolkit_version.encode())
    for module in (qa, common, digits, invisible, glossary_module):
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()[:16]


CHECKS_VERSION = _checks_version()

_MEMORY_MAX = 400_000
"""Results kept in this process (a few hundred bytes each)."""
ROWS_MAX = 1_000_000
"""Results kept in the database; beyond it the oldest go (they are recomputed if needed)."""
_CHUNK = 500  # keys per query (SQLite allows 32,766 parameters; smaller chunks plan faster)

Key = bytes
_memory: dict[Path, dict[Key, tuple[QAWarning, ...]]] = {}
"""Per workspace: what is in memory is also in that workspace's database."""
_lock = threading.Lock()


def glossary_version(path: Path) -> str:
    """SHA-256 of the glossary file's bytes (``none`` without one)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "none"


def _key(prefix: bytes, english: str, text: str) -> Key:
    # NUL cannot occur in a segment (saves refuse control characters, PO cannot hold it).
    return hashlib.sha256(prefix + english.encode() + b"\0" + text.encode()).digest()[:20]


def warnings_for(
    ws: Workspace, units: Sequence[Unit], lang_code: str, glossary: Glossary, glossary_key: str
) -> list[tuple[QAWarning, ...]]:
    """QA warnings of each unit: from this process's memory, else from the database, else
    checked now (and remembered in both). ``glossary_key`` is :func:`glossary_version` of
    the file ``glossary`` was read from."""
    prefix = f"{CHECKS_VERSION}\0{lang_code}\0{glossary_key}\0".encode()
    keys = [_key(prefix, u.english, u.text) for u in units]
    found: dict[Key, tuple[QAWarning, ...]] = {}
    with _lock:
        memory = _memory.setdefault(ws.root, {})
        for k in keys:
            hit = memory.get(k)
            if hit is not None:
                found[k] = hit
    missing = list(dict.fromkeys(k for k in keys if k not in found))
    if missing:
        with connect(ws) as conn:
            found.update(_read(conn, missing))
        computed: dict[Key, tuple[QAWarning, ...]] = {}
        for k, u in zip(keys, units, strict=True):
            if k not in found:
                found[k] = computed[k] = tuple(
                    check_segment(u.english, u.text, lang_code, glossary)
                )
        if computed:
            with writing(ws) as conn:
                _write(conn, computed)
        _remember(ws, {k: found[k] for k in missing})
    return [found[k] for k in keys]


def check_translation(ws: Workspace, slug: str, lang_key: str) -> int:
    """Check every live segment of one translation now (the translate flow calls this after
    writing drafts), so that its editor page need not; returns the segments checked."""
    units = Queue(ws).read(slug, lang_key).live
    code = ws.settings.languages[lang_key].code
    path = ws.glossary_path
    warnings_for(ws, units, code, load_glossary(path), glossary_version(path))
    return len(units)


def _remember(ws: Workspace, results: dict[Key, tuple[QAWarning, ...]]) -> None:
    with _lock:
        memory = _memory.setdefault(ws.root, {})
        if sum(map(len, _memory.values())) + len(results) > _MEMORY_MAX:
            _memory.clear()  # a crude bound: the databases still have them
            memory = _memory[ws.root] = {}
        memory.update(results)


def _read(conn: sqlite3.Connection, keys: list[Key]) -> dict[Key, tuple[QAWarning, ...]]:
    out: dict[Key, tuple[QAWarning, ...]] = {}
    decoded: dict[str, tuple[QAWarning, ...]] = {}  # most segments share a few outcomes
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT key, warnings FROM qa_results WHERE key IN ({marks})", chunk
        ).fetchall()
        for key, data in rows:
            found = decoded.get(data)
            if found is None:
                try:
                    found = decoded[data] = tuple(QAWarning(k, m) for k, m in json.loads(data))
                except (ValueError, TypeError):
                    continue  # a damaged row is checked again (and rewritten)
            out[bytes(key)] = found
    return out


def _write(conn: sqlite3.Connection, results: dict[Key, tuple[QAWarning, ...]]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO qa_results (key, warnings) VALUES (?, ?)",
        [
            (k, json.dumps([[w.kind, w.message] for w in ws_], ensure_ascii=False))
            for k, ws_ in results.items()
        ],
    )
    # Oldest first out: ids only grow, so the newest ROWS_MAX stay.
    conn.execute(
        "DELETE FROM qa_results WHERE id <= (SELECT max(id) FROM qa_results) - ?", (ROWS_MAX,)
    )
