"""Run summaries, shared by the CLI and the Prefect artifacts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from azad.publish import PublishOutcome
    from azad.publish.sync import SyncOutcome
    from azad.workspace import Workspace


@dataclass(frozen=True)
class TaskOutcome:
    """What one article × language task did."""

    name: str
    ok: bool
    segments: int = 0
    sent: int = 0
    seconds: float = 0.0
    error: str = ""
    cached: bool = False
    """Nothing ran: Prefect's cache knew the article, model and PO file unchanged."""


def translation_summary(outcomes: list[TaskOutcome]) -> str:
    """A Markdown table of a translation run, failures named."""
    ok = [o for o in outcomes if o.ok]
    failed = [o for o in outcomes if not o.ok]
    lines = [
        "# Translation run",
        "",
        f"{len(ok)} article × language tasks done, {len(failed)} failed; "
        f"{sum(o.sent for o in ok)} segments sent to the model.",
        "",
        "| article (language) | segments | sent to model | seconds |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [f"| {o.name} | {o.segments} | {o.sent} | {o.seconds:.1f} |" for o in ok]
    if failed:
        lines += ["", "## Failed", ""] + [f"- {o.name}: {o.error}" for o in failed]
    return "\n".join(lines) + "\n"


def publish_summary(
    ws: Workspace, outcomes: Sequence[PublishOutcome], synced: Sequence[SyncOutcome] = ()
) -> str:
    """A Markdown list of a publish run with links to the files, and what each
    destination received."""
    lines = ["# Editions", ""]
    if not outcomes:
        lines.append("Nothing to publish: no approved translation waits for publication.")
    for o in outcomes:
        if o.status == "failed":
            lines.append(f"- **{o.slug} ({o.lang_key})** failed: {o.error}")
            continue
        links = ", ".join(f"[{p.name}]({p.resolve().as_uri()})" for p in o.files)
        lines.append(f"- {o.slug} ({o.lang_key}): {o.status} — {links}")
    lines += [
        "",
        f"Catalog: [{ws.output_dir / 'index.html'}]"
        f"({(ws.output_dir / 'index.html').resolve().as_uri()})",
    ]
    if synced:
        lines += ["", "## Destinations", ""]
        lines += [f"- {s.line()}" for s in synced]
    return "\n".join(lines) + "\n"
