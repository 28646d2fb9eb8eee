"""The components a running installation needs, each checked cheaply: what ``GET
/healthz`` answers (one ok/failing word each) and what ``azad doctor`` starts from.

A check returns a :class:`Finding`; its ``detail`` and ``fix`` are for the operator at the
terminal (``azad doctor``) and never leave the machine through ``/healthz``, which names
no versions, paths or models."""

from __future__ import annotations

import os
import shutil
import sqlite3
import urllib.error
import urllib.request
from dataclasses import dataclass

from azad.db.connection import SCHEMA_VERSION, connect, db_path
from azad.errors import AzadError, disk_full
from azad.mt.select import select_model
from azad.workspace import Workspace

MIN_FREE_BYTES = 100 * 1024 * 1024
"""Below this much free space on the workspace's disk a save or a publication may fail
(an edition is a few MB; SQLite needs room for its journal)."""
PREFECT_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class Finding:
    component: str
    ok: bool
    detail: str = ""
    """What was found (for the terminal only)."""
    fix: str = ""
    """What to do about it, when not ok."""

    @property
    def word(self) -> str:
        return "ok" if self.ok else "failing"


def database(ws: Workspace) -> Finding:
    try:
        with connect(ws) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute("SELECT count(*) FROM users").fetchone()
    except (sqlite3.Error, AzadError, OSError) as exc:
        if disk_full(exc, db_path(ws).parent):
            # SQLite needs room for its WAL and shared-memory files even to read.
            return Finding("database", False, "cannot be opened: the disk is full", "free space")
        return Finding(
            "database",
            False,
            f"{db_path(ws)}: {exc}",
            "restore the review database from a backup (docs/backup.md)",
        )
    if version != SCHEMA_VERSION:
        return Finding(
            "database",
            False,
            f"schema version {version}, this Azad Press has {SCHEMA_VERSION}",
            "install the Azad Press version that wrote it, or a newer one",
        )
    return Finding("database", True, f"schema version {version}")


def disk(ws: Workspace) -> Finding:
    try:
        free = shutil.disk_usage(ws.root).free
    except OSError as exc:
        return Finding("disk", False, str(exc), "check the workspace's file system")
    mb = free // (1024 * 1024)
    if free < MIN_FREE_BYTES:
        return Finding(
            "disk",
            False,
            f"{mb} MB free on the workspace's disk (at least {MIN_FREE_BYTES >> 20} MB needed)",
            "free some space (old backups, output/drafts/, .azad/cache/) or grow the disk",
        )
    return Finding("disk", True, f"{mb} MB free")


def models(ws: Workspace) -> list[Finding]:
    """One finding per configured language: is a model installed that serves it?"""
    out = []
    for key in ws.settings.languages:
        try:
            chosen = select_model(ws, key)
        except AzadError as exc:
            out.append(Finding(f"model {key}", False, str(exc)))
            continue
        except (OSError, ValueError) as exc:
            out.append(Finding(f"model {key}", False, f"damaged ({exc})", "install it again"))
            continue
        out.append(Finding(f"model {key}", True, chosen.model.label))
    return out


def prefect_api() -> Finding | None:
    """The Prefect server in ``PREFECT_API_URL``, if one is configured (otherwise flows
    start a temporary local API of their own)."""
    url = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    if not url:
        return None
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=PREFECT_TIMEOUT_S) as answer:
            ok = answer.status == 200
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Finding(
            "prefect",
            False,
            f"{url}: {getattr(exc, 'reason', exc)}",
            "start the Prefect server (prefect server start, or its service) or fix "
            "PREFECT_API_URL",
        )
    return Finding("prefect", ok, url, "" if ok else "the Prefect server answers, but not healthy")


def healthz(ws: Workspace) -> dict[str, str]:
    """``/healthz``'s answer: one word per component, nothing else."""
    found = [database(ws), disk(ws)]
    model_findings = models(ws)
    found.append(Finding("models", all(f.ok for f in model_findings)))
    prefect = prefect_api()
    if prefect is not None:
        found.append(prefect)
    return {f.component: f.word for f in found}
