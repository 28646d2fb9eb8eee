"""Parsed PO files, remembered by the SHA-256 of their bytes: in this process, and for
large files also on disk (``.azad/cache/parsed/`` in the workspace).

Every read still reads and hashes the whole file, so nothing can be stale, whoever wrote
it and however; only the parse is saved. Parsing a 20,000-segment file with polib takes
about 0.75 s, reading its remembered units back about 0.2 s: the disk copy is what lets a
restarted review app open such an article in under a second. A disk copy that is damaged,
or was written by another version of :class:`~azad.queue.units.Unit`, is ignored (the file
is parsed, and the copy replaced). Disk copies are written off the caller's thread once
the file has been quiet for :data:`QUIET_S`, so saves do not pay for them, and at exit.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import threading
import time
from dataclasses import fields
from pathlib import Path

from cachetools import LRUCache

from azad.fsutil import FileCache
from azad.queue.pofile import parse_po, render_po
from azad.queue.units import Provenance, TranslationFile, Unit

MEMORY_FILES = 64
"""Parsed files kept in this process."""
DISK_MIN_BYTES = 256 * 1024
"""Smaller files parse in a few milliseconds (and there may be thousands): not kept on disk."""
DISK_FILES = 64
"""Disk copies kept per workspace, the most recently used."""
WARM_AFTER_S = 1.0
"""After a large file's first read, when its entries' PO text is prepared for its saves."""
QUIET_S = 20.0
"""A disk copy is written once its file has not changed for this long, or at exit."""

_UNIT_FIELDS = tuple(f.name for f in fields(Unit))
_PROV_FIELDS = tuple(f.name for f in fields(Provenance))
# A disk copy names the fields it was written with: a copy from another version is ignored.
_FORMAT = hashlib.sha256(json.dumps([1, _UNIT_FIELDS, _PROV_FIELDS]).encode()).hexdigest()[:12]
_TUPLES = frozenset(f.name for f in fields(Unit) if f.default == ())  # JSON gives lists

Parsed = tuple[str, dict[str, str], tuple[Unit, ...], dict[str, int]]


def to_bytes(tf: TranslationFile) -> bytes:
    """``tf`` as the disk copy's JSON (one array per unit, fields in declaration order)."""
    rows = []
    for u in tf.units:
        row: list[object] = [getattr(u, name) for name in _UNIT_FIELDS]
        row[_UNIT_FIELDS.index("provenance")] = [getattr(u.provenance, n) for n in _PROV_FIELDS]
        rows.append(row)
    doc = {"format": _FORMAT, "header": tf.header, "metadata": tf.metadata, "units": rows}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def from_bytes(data: bytes) -> TranslationFile:
    """The :class:`TranslationFile` of :func:`to_bytes`; ValueError if ``data`` is not one
    (damaged, or written with other fields)."""
    try:
        doc = json.loads(data)
        if doc["format"] != _FORMAT:
            raise ValueError("written by another version")
        provenances: dict[tuple[object, ...], Provenance] = {}
        units = []
        prov_at = _UNIT_FIELDS.index("provenance")
        tuple_at = [i for i, name in enumerate(_UNIT_FIELDS) if name in _TUPLES]
        for row in doc["units"]:
            key = tuple(row[prov_at])
            prov = provenances.get(key)
            if prov is None:  # equal provenances (same origin, no score) shared
                prov = provenances[key] = Provenance(*key)
            row[prov_at] = prov
            for i in tuple_at:
                row[i] = tuple(row[i])
            units.append(Unit(*row))
        return TranslationFile(str(doc["header"]), dict(doc["metadata"]), units)
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a parsed-file copy: {exc}") from None


def _positions(units: list[Unit]) -> dict[str, int]:
    """Each live unit's index (the first, should an id appear twice)."""
    out: dict[str, int] = {}
    for i, u in enumerate(units):
        if not u.obsolete:
            out.setdefault(u.ctx, i)
    return out


class ParsedFiles:
    """The parses of one process (shared by every :class:`~azad.queue.store.Queue`).
    Returns a new :class:`TranslationFile` each time (units are immutable; the list and
    the header dictionary are copied), so a caller's changes never reach the cache."""

    def __init__(self) -> None:
        self._files: LRUCache[bytes, Parsed] = LRUCache(maxsize=MEMORY_FILES)
        """The parses, the least recently used dropped first (guarded by ``_lock``)."""
        self._lock = threading.Condition()
        self._pending: dict[Path, tuple[Path, bytes, TranslationFile, float]] = {}
        """PO file → its disk copy to write: cache folder, digest, units, when."""
        self._writer: threading.Thread | None = None
        atexit.register(self.flush)

    def get(
        self, data: bytes, path: Path, cache_dir: Path, digest: bytes | None = None
    ) -> TranslationFile:
        """The parse of ``data`` (the bytes of ``path``, whose SHA-256 ``digest`` is, when
        the caller has it): remembered, else parsed."""
        digest = digest or hashlib.sha256(data).digest()
        with self._lock:
            found = self._files.get(digest)
        if found is None:
            tf = self._from_disk(cache_dir, digest, len(data)) or parse_po(data, path)
            self.put(data, tf, path, cache_dir, digest=digest)
            if len(data) >= DISK_MIN_BYTES:
                # The first save of a file formats every entry once (~0.5 s for 20,000),
                # later saves only the changed ones: do it while the page is being read,
                # once it has been sent (started at once, it doubled the first page's time).
                warm = threading.Timer(WARM_AFTER_S, render_po, args=(tf,))
                warm.daemon = True
                warm.start()
            return tf
        header, metadata, units, positions = found
        return TranslationFile(header, dict(metadata), list(units), positions)

    def put(
        self,
        data: bytes,
        tf: TranslationFile,
        path: Path,
        cache_dir: Path,
        *,
        digest: bytes | None = None,
    ) -> None:
        """Remember ``tf`` as the parse of ``data``, the bytes of ``path`` (it must be
        exactly that)."""
        digest = digest or hashlib.sha256(data).digest()
        # A writer's file keeps its units where they were (a save replaces one): its
        # positions stay right; they are only hints anyway (TranslationFile.positions).
        positions = tf.positions or _positions(tf.units)
        with self._lock:
            self._files[digest] = (tf.header, dict(tf.metadata), tuple(tf.units), positions)
            if len(data) < DISK_MIN_BYTES or _disk(cache_dir).has(digest.hex()):
                return
            # The newest version of the file replaces a copy still waiting: a translator
            # saving every few seconds costs one copy once they pause, not one per save
            # (writing 20,000 units takes ~0.15 s of this process's time).
            frozen = TranslationFile(tf.header, dict(tf.metadata), list(tf.units))
            due = time.monotonic() + QUIET_S
            self._pending[path] = (cache_dir, digest, frozen, due)
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_when_quiet, name="azad-parsed", daemon=True
                )
                self._writer.start()
            self._lock.notify()

    def _from_disk(self, cache_dir: Path, digest: bytes, size: int) -> TranslationFile | None:
        if size < DISK_MIN_BYTES:
            return None
        data = _disk(cache_dir).get(digest.hex())
        try:
            return None if data is None else from_bytes(data)
        except ValueError:
            return None

    def _write_when_quiet(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                due = [k for k, (*_, at) in self._pending.items() if at <= now]
                if not due:
                    wait = min((at for *_, at in self._pending.values()), default=now + 60)
                    self._lock.wait(timeout=wait - now)
                    continue
                cache_dir, digest, tf, _ = self._pending.pop(due[0])
            _write(cache_dir, digest, tf)

    def flush(self) -> None:
        """Write every waiting disk copy now (at exit, so that a restarted app finds them;
        tests and benches call it too)."""
        with self._lock:
            waiting = list(self._pending.values())
            self._pending.clear()
        for cache_dir, digest, tf, _ in waiting:
            _write(cache_dir, digest, tf)


def _write(cache_dir: Path, digest: bytes, tf: TranslationFile) -> None:
    _disk(cache_dir).put(digest.hex(), to_bytes(tf))


def _disk(cache_dir: Path) -> FileCache:
    return FileCache(cache_dir, "parsed", ".json", DISK_FILES)
