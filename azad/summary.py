"""Run summaries, shared by the CLI and the Prefect artifacts."""

from __future__ import annotations

from dataclasses import dataclass


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
