"""``azad report``: figures about the queue's work. ``post-edits``: how much translators
changed the machine's drafts before approval, per engine package, language and month."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from azad.cli.context import State, console
from azad.cli.tables import Column, print_json, print_table

report_app = typer.Typer(help="Reports on the review queue's work.", no_args_is_help=True)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@report_app.command("post-edits")
def post_edits(
    lang: Annotated[str, typer.Option(help="dari, pashto, a code such as fa-AF, or all.")] = "all",
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
) -> None:
    """How much translators changed machine drafts before approval: chrF and character
    edit rate between draft and approved text, share accepted unchanged, share from the
    translation memory; per engine package, language and month of approval."""
    from azad.review.postedits import post_edit_report

    ws = State.workspace()
    key = None if lang == "all" else ws.language(lang)[0]
    rows = post_edit_report(ws, key)
    if as_json:
        console.print_json(json.dumps([r.as_dict() for r in rows], ensure_ascii=False))
        return
    if not rows:
        console.print("no approved translations yet: nothing to report")
        return
    table = Table(
        "month",
        "lang",
        "engine package",
        "art.",
        "segs",
        "MT",
        "chrF",
        "edits",
        "same",
        "TM",
        title="Post-editing of machine drafts (approved translations)",
    )
    # Figures stay whole on a narrow terminal; the package name wraps.
    for column in table.columns:
        column.no_wrap = column.header != "engine package"
    table.columns[2].min_width = 10
    for column in table.columns[3:]:
        column.justify = "right"
    for r in rows:
        table.add_row(
            r.month,
            r.lang_key,
            r.package,
            str(r.translations),
            str(r.segments),
            str(r.machine),
            "—" if r.chrf is None else f"{r.chrf:.1f}",
            _pct(r.edit_rate),
            _pct(r.unchanged),
            _pct(r.from_memory),
        )
    console.print(table)
    console.print(
        "art.: approved translations; segs: their segments; MT: drafted by the model; "
        "chrF: its drafts against the approved texts, 0–100 (100 = untouched); "
        "edits: character edits per approved character; same: drafts approved as drafted; "
        "TM: segments drafted from the translation memory"
    )


@report_app.command("people")
def people(
    person: Annotated[str | None, typer.Option(help="One person's login name.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
) -> None:
    """What each person did per ISO week (UTC): segments saved as reviewed, their words,
    translations touched, comments written, translations sent back (the people page's
    figures)."""
    from azad.db.users import require_user
    from azad.review.activity import weekly

    ws = State.workspace()
    if person is not None:
        require_user(ws, person)
    rows = weekly(ws, person)
    if as_json:
        print_json([r.as_dict() for r in rows])
        return
    if not rows:
        console.print("no activity recorded yet")
        return
    columns = [
        Column("week", "whole"),
        Column("person", "wrap"),  # a login name has no spaces: wrapped, it stays whole
        Column("segments", justify="right"),
        Column("words", justify="right", drop=1),  # the first to go on a narrow terminal
        *(Column(name, justify="right") for name in ("articles", "comments", "send-backs")),
    ]
    print_table(
        console,
        columns,
        [
            [r.week, r.person, str(r.segments), str(r.words), str(r.articles),
             str(r.comments), str(r.send_backs)]
            for r in rows
        ],
    )  # fmt: skip
