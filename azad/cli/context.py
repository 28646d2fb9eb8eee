"""What every command shares: the chosen workspace and the consoles."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from azad.workspace import Workspace

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class State:
    """Set by the top-level ``--workspace`` option before a command runs."""

    workspace_path: Path | None = None

    @classmethod
    def workspace(cls) -> Workspace:
        return Workspace.find(cls.workspace_path)
