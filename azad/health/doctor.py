"""``azad doctor``: everything an installation needs, each with what to do when it is
missing: pandoc, the edition's fonts, a model per language (and the models a restored
backup had), free disk, writable folders, the review database's schema, Prefect.

Nothing here writes to the workspace but a probe file (created and removed at once) in
each folder it must be able to write to; the database is opened read-only."""

from __future__ import annotations

import sqlite3
import subprocess
import tempfile

from azad.backup import missing_models
from azad.db.connection import SCHEMA_VERSION, db_path
from azad.errors import AzadError
from azad.health.components import Finding, disk, models, prefect_api
from azad.render.epub import find_pandoc
from azad.render.styles import load_styles, styles_folder
from azad.workspace import Workspace


def pandoc() -> Finding:
    fix = (
        "install pandoc (make setup installs pypandoc-binary; or Debian's pandoc with "
        "PYPANDOC_PANDOC=/usr/bin/pandoc)"
    )
    try:
        path = find_pandoc()
        done = subprocess.run([path, "--version"], capture_output=True, timeout=30, check=True)
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        return Finding("pandoc", False, f"not usable ({' '.join(str(exc).split())})", fix)
    return Finding("pandoc", True, done.stdout.decode(errors="replace").splitlines()[0])


def fonts(ws: Workspace) -> Finding:
    try:
        styles = load_styles(ws.root, ws.settings.edition)
    except AzadError as exc:
        return Finding(
            "fonts",
            False,
            str(exc),
            f"put the font file into {styles_folder(ws.root, ws.settings.edition)}/fonts/, "
            "or name one that is there in azad.toml's [edition] body_fonts / display_fonts",
        )
    return Finding("fonts", True, ", ".join(sorted({f.path.name for f in styles.fonts})))


def restored_models(ws: Workspace) -> list[Finding]:
    """The models a restored backup's workspace had whose weights were left out."""
    out = []
    for m in missing_models(ws):
        out.append(
            Finding(
                f"model {m['name']}",
                False,
                f"version {m['version']} was installed when the backup was made; its "
                "weights were not in the archive",
                f"install {m['name']} {m['version']} again ('azad models install', "
                "'azad models install-file', or 'azad models build-test-model' for the "
                "test model)",
            )
        )
    return out


def writable(ws: Workspace) -> list[Finding]:
    """Each folder the workspace writes to, tried with a real file: permission bits do
    not tell the whole story (root, read-only mounts, ACLs)."""
    folders = [
        ("translations", ws.translations_dir),
        ("articles", ws.articles_dir),
        ("output", ws.output_dir),
        ("database folder", db_path(ws).parent),
        ("models", ws.models_dir),
    ]
    out = []
    for label, folder in folders:
        if not folder.exists():
            continue
        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".azad-doctor-"):
                pass
        except OSError as exc:
            out.append(
                Finding(
                    f"writable {label}",
                    False,
                    f"{folder}: cannot write ({exc.strerror})",
                    f"give the user running Azad Press write access to {folder} "
                    "(chown/chmod, or a read-write mount)",
                )
            )
    if not out:
        out.append(Finding("writable folders", True, "translations, articles, output, database"))
    return out


def schema(ws: Workspace) -> Finding:
    path = db_path(ws)
    if not path.is_file():
        return Finding("database", True, "not created yet (made on first use)")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return Finding(
            "database",
            False,
            f"{path}: {exc}",
            "restore the review database from a backup (docs/backup.md)",
        )
    if check != "ok":
        return Finding("database", False, f"{path}: {check}", "restore it from a backup")
    if version > SCHEMA_VERSION:
        return Finding(
            "database",
            False,
            f"schema version {version} is newer than this Azad Press ({SCHEMA_VERSION})",
            "upgrade Azad Press to the version that wrote it",
        )
    if version < SCHEMA_VERSION:
        return Finding(
            "database", True, f"schema version {version}: migrated to {SCHEMA_VERSION} on next use"
        )
    return Finding("database", True, f"schema version {version}")


def prefect() -> Finding:
    found = prefect_api()
    if found is not None:
        return found
    return Finding(
        "prefect",
        True,
        "PREFECT_API_URL not set: flows start a temporary local API (.prefect/ in the "
        "workspace); set it to use a Prefect server",
    )


def examine(ws: Workspace) -> list[Finding]:
    """Every check, in the order an operator fixes things."""
    checks = [pandoc(), fonts(ws)]
    checks += models(ws)
    checks += restored_models(ws)
    checks.append(disk(ws))
    checks += writable(ws)
    checks.append(schema(ws))
    checks.append(prefect())
    return checks
