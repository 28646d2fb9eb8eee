"""Errors a user can act on: each prints as one line naming the file and the problem."""

from __future__ import annotations

from pathlib import Path


class AzadError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits with status 2."""


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
