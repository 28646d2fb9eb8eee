"""``azad doctor``: check an installation and say what to fix."""

from __future__ import annotations

import typer
from rich.text import Text

from azad.cli.context import State, console


def doctor() -> None:
    """Check pandoc, the edition's fonts, a model per language, free disk, writable
    folders, the review database's schema and Prefect; print what to fix. Exit status 1
    when something is broken."""
    from azad.health.doctor import examine

    findings = examine(State.workspace())
    for f in findings:
        mark = ("ok  ", "green") if f.ok else ("FAIL", "bold red")
        console.print(Text.assemble(mark, f" {f.component}: {f.detail}"), soft_wrap=True)
        if not f.ok and f.fix:
            console.print(f"      fix: {f.fix}", soft_wrap=True, markup=False)
    broken = [f for f in findings if not f.ok]
    if broken:
        console.print(f"{len(broken)} problem(s) to fix", markup=False)
        raise typer.Exit(1)
    console.print("everything needed is in place", markup=False)
