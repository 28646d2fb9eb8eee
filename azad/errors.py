"""Errors a user can act on: each prints as one line naming the file and the problem."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path


class AzadError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits with status 2."""

    def lines(self) -> list[str]:
        """The lines to print: one per problem. A value quoted in the message (a user name,
        slug or language ending in a newline) is no line break: the CLI escapes each line
        as a whole (``azad.text.visible``)."""
        return [str(self)]


class AzadErrors(AzadError):
    """Several problems, one line each."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("\n".join(messages))

    def lines(self) -> list[str]:
        return list(self.messages)


class InputError(AzadError):
    """A file the user gave cannot be used; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        # One line whatever a library put in its message (lxml ends a sentence with "\n").
        self.reason = " ".join(part.strip() for part in reason.splitlines() if part.strip())
        super().__init__(f"{self.path}: {self.reason}")


class InputWarning(UserWarning):
    """Something in an input file was changed or dropped on reading; the message names
    the file. The CLI prints each as one ``warning:`` line."""


LOW_SPACE = 1 << 20


def disk_full(exc: BaseException, where: Path | None = None) -> bool:
    """Whether ``exc`` says the disk (or the user's quota) is full: an ``OSError`` with
    ENOSPC or EDQUOT, SQLite's "database or disk is full", or its "disk I/O error" when
    the disk holding ``where`` has (almost) no space left (in WAL mode SQLite reports a
    full disk as an I/O error of its shared-memory file)."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    if "disk is full" in str(exc):
        return True
    if "disk I/O error" in str(exc) and where is not None:
        try:
            return shutil.disk_usage(where).free < LOW_SPACE
        except OSError:
            return False
    return False


def disk_full_message(exc: BaseException) -> str:
    """One line naming the file, where the error knows it."""
    where = getattr(exc, "filename", None)
    return f"{where}: the disk is full" if where else "the disk is full"
