"""Backups of a live workspace and restoring them (``azad backup``, ``azad restore``,
the ``azad-backup`` deployment; docs/backup.md)."""

from azad.backup.archive import (
    MANIFEST,
    BackupResult,
    backup,
    missing_models,
    restore,
    rotate,
    verify,
)
from azad.backup.collect import Choice

__all__ = [
    "MANIFEST",
    "BackupResult",
    "Choice",
    "backup",
    "missing_models",
    "restore",
    "rotate",
    "verify",
]
