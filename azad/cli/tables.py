"""Tables for a terminal of any width and for a pipe (80 columns unless ``COLUMNS`` says
otherwise), and the same rows as JSON.

A column is *whole* (a slug, a path, a revision: something a reader copies into the next
command), *wrapping* (a title: broken between words) or short (a status, a count). Whole
cells are never cut or folded: when the table does not fit, the least needed columns are
left out first (said on stderr, with ``--json`` as the way to get everything), and if the
whole columns alone do not fit, every row is printed as ``name: value`` lines instead.
Cells are :class:`rich.text.Text`, so a title holding ``[b]`` is text, not Rich markup.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from azad.cli.context import err_console
from azad.text import visible

Kind = Literal["whole", "wrap", "short"]
WRAP_MIN = 12
"""The narrowest a wrapping column gets (its longest word may still fold inside it)."""


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "short"
    drop: int = 0
    """0: always shown; otherwise left out when the table does not fit, highest first."""
    justify: Literal["left", "right"] = "left"


def _widest(header: str, cells: Sequence[str]) -> int:
    return max([cell_len(header), *(cell_len(line) for c in cells for line in c.split("\n"))])


def _needed(columns: Sequence[Column], cells: Sequence[Sequence[str]]) -> int:
    """The narrowest the table can be with every cell whole (wrapping cells wrapped)."""
    width = 1  # the left border; each column adds its padding and right border
    for col, values in zip(columns, cells, strict=True):
        widest = _widest(col.header, values)
        width += min(widest, max(WRAP_MIN, cell_len(col.header))) if col.kind == "wrap" else widest
        width += 3
    return width


def _visible_lines(cell: str) -> str:
    """A cell as the terminal shows it: each line's control and bidi characters as escapes
    (an article's title cannot move the cursor), the lines of a many-line cell kept."""
    return "\n".join(visible(line) for line in cell.split("\n"))


def print_table(console: Console, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
    """Print ``rows`` (plain text, never Rich markup) under ``columns`` so that it fits
    ``console.width``."""
    rows = [[_visible_lines(cell) for cell in row] for row in rows]
    shown = list(range(len(columns)))

    def cells_of(indexes: Sequence[int]) -> list[list[str]]:
        return [[row[i] for row in rows] for i in indexes]

    def fits(indexes: Sequence[int]) -> bool:
        return _needed([columns[i] for i in indexes], cells_of(indexes)) <= console.width

    dropped: list[str] = []
    while not fits(shown):
        droppable = [i for i in shown if columns[i].drop]
        if not droppable:
            break
        worst = max(droppable, key=lambda i: (columns[i].drop, i))
        shown.remove(worst)
        dropped.append(columns[worst].header)
    if not fits(shown):
        _print_records(console, columns, rows)
        return
    table = Table()
    for i in shown:
        col, values = columns[i], [row[i] for row in rows]
        if col.kind == "wrap":
            table.add_column(col.header, overflow="fold", justify=col.justify)
        else:
            # Never cut or folded: as wide as its widest cell.
            table.add_column(
                col.header, no_wrap=True, min_width=_widest(col.header, values), justify=col.justify
            )
    for row in rows:
        table.add_row(*(Text(row[i]) for i in shown))
    console.print(table)
    if dropped and rows:
        err_console.print(
            f"(left out at {console.width} columns: {', '.join(dropped)}; "
            "a wider terminal or --json shows them)",
            style="dim",
            highlight=False,
        )


def _print_records(
    console: Console, columns: Sequence[Column], rows: Sequence[Sequence[str]]
) -> None:
    """Every row as ``header: value`` lines, a blank line between rows."""
    pad = max(cell_len(c.header) for c in columns) + 1
    for n, row in enumerate(rows):
        if n:
            console.print()
        for col, value in zip(columns, row, strict=True):
            first, *more = value.split("\n")
            console.print(Text(f"{col.header + ':':<{pad}} {first}"), soft_wrap=True)
            for line in more:  # a cell of several lines (files): each under the first
                console.print(Text(f"{'':<{pad}} {line}"), soft_wrap=True)


def print_json(data: Any) -> None:
    """``data`` as JSON on stdout: UTF-8, not ASCII-escaped, one document."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()
