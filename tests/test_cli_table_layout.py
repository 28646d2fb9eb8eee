"""How ``azad.cli.tables`` lays a table out at a given width (issue 24): the least needed
columns go first, and say so on stderr; whole cells (slugs, paths) are never cut; when even
the whole columns cannot fit, each row becomes ``name: value`` lines; a cell is text, never
Rich markup. (The commands themselves, in a pipe at 80 columns: tests/test_cli_tables.py.)"""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from azad.cli.tables import Column, print_table

SLUG = "saffron-farmers-of-herat-count-the-cost-of-a-dry-spring"
COLUMNS = [
    Column("slug", "whole"),
    Column("title", "wrap"),
    Column("author", "wrap", drop=2),
    Column("date", drop=1),
    Column("rev", drop=3, justify="right"),
]
ROW = [SLUG, "Saffron Farmers of Herat", "A Writer Of Many Words", "2026-03-21", "12"]


def layout(width: int, columns: list[Column], rows: list[list[str]]) -> str:
    out = io.StringIO()
    print_table(Console(file=out, width=width, highlight=False), columns, rows)
    return out.getvalue()


def header(text: str) -> list[str]:
    """The column names in a table's header line."""
    line = next(ln for ln in text.splitlines() if ln.startswith("┃"))
    return [cell.strip() for cell in line.strip("┃").split("┃")]


def test_a_wide_terminal_shows_every_column(capsys: pytest.CaptureFixture[str]) -> None:
    text = layout(160, COLUMNS, [ROW])
    assert header(text) == ["slug", "title", "author", "date", "rev"]
    assert SLUG in text and capsys.readouterr().err == ""


def test_the_least_needed_columns_go_first_and_stderr_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = layout(100, COLUMNS, [ROW])
    # rev (drop 3) goes first, then author (drop 2); date (drop 1) is kept at 100.
    assert header(text) == ["slug", "title", "date"]
    assert all(len(line) <= 100 for line in text.splitlines())
    assert SLUG in text  # whole, on one line
    err = " ".join(capsys.readouterr().err.split())
    assert "left out at 100 columns: rev, author" in err and "--json" in err


def test_whole_columns_that_cannot_fit_become_name_value_lines() -> None:
    text = layout(40, COLUMNS, [ROW, ROW])
    assert "┃" not in text  # no table
    lines = text.splitlines()
    assert f"slug:   {SLUG}" in lines  # whole, even past 40 columns
    assert "date:   2026-03-21" in lines and "rev:    12" in lines
    assert lines.count("") == 1  # a blank line between the two rows


def test_a_cell_is_text_not_markup() -> None:
    text = layout(160, COLUMNS, [[SLUG, "[bold]Kabul[/bold] [red]", "x", "", "1"]])
    assert "[bold]Kabul[/bold] [red]" in text
