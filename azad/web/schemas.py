"""The JSON segment API's bodies as pydantic models: they validate what comes in, build
what goes out, and give the OpenAPI document its schemas (:func:`openapi_schema_of`), so
the three cannot drift apart.

Starlette stays the framework (the app is a handful of HTML pages and forms that FastAPI
would not simplify); pydantic, already the settings' and records' library, supplies what
FastAPI would have: request validation and JSON Schema.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class SaveRequest(BaseModel):
    """``POST /api/t/{slug}/{lang}/segments/{ctx}``."""

    # Strict: "true" is not a boolean and 1 is not a string; unknown fields are ignored, as
    # a CAT tool's client may send more than this.
    model_config = ConfigDict(strict=True)
    text: str
    rev: str = Field(description="the segment's revision the text was written against")
    reviewed: bool = Field(True, description="confirm the segment; false: save as a draft")


class SegmentOut(BaseModel):
    ctx: str
    english: str
    text: str
    rev: str = Field(description="pass back as `rev` when saving")
    state: Literal["untranslated", "draft", "reviewed"]
    reviewed: bool
    warnings: list[str]
    checks: list[str] = Field(
        default_factory=list, description="the check of each warning, in order (for dismissing)"
    )
    comments: int = Field(0, description="comments under the segment")


class SavedOut(SegmentOut):
    outcome: Literal["saved", "unchanged"]
    total: int
    reviewed_count: int
    status: str = Field(description="the translation's status now")
    content_rev_before: str
    content_rev: str = Field(description="the translation's content revision after the save")
    claimed_by: str | None = Field(None, description="who holds the translation")
    warning: str = Field("", description="e.g. the translation is claimed by someone else")


class CommentRequest(BaseModel):
    """``POST /api/t/{slug}/{lang}/segments/{ctx}/comments``."""

    model_config = ConfigDict(strict=True)
    text: str = Field(max_length=4000)
    reply_to: int | None = Field(
        None, description="answer this comment (in its thread); a reply reopens a resolved one"
    )


class CommentOut(BaseModel):
    at: str
    by: str
    by_name: str = Field("", description="the display name of `by` (`by` itself if unset)")
    role: str
    kind: Literal["comment", "send back"]
    text: str
    id: int = 0
    parent: int | None = Field(None, description="the thread's first comment, for a reply")
    edited_at: str | None = None
    deleted_at: str | None = Field(None, description="deleted by its author (text removed)")
    resolved_at: str | None = Field(None, description="for a thread's first comment")
    resolved_by: str | None = None
    resolved_by_name: str | None = Field(None, description="the display name of `resolved_by`")
    at_shown: str | None = Field(
        None, description="when, as the app writes a moment (local time, solar date)"
    )


class ThreadActionRequest(BaseModel):
    """``POST /api/t/{slug}/{lang}/segments/{ctx}/comments/{id}``."""

    model_config = ConfigDict(strict=True)
    action: Literal["edit", "delete", "resolve", "reopen"] = Field(
        description="edit and delete: your own comments only; resolve and reopen: its thread"
    )
    text: str = Field("", max_length=4000, description="the new text (edit)")


class CheckRequest(BaseModel):
    """``POST /api/t/{slug}/{lang}/segments/{ctx}/check``: a text being typed."""

    model_config = ConfigDict(strict=True)
    text: str = Field(max_length=60_000)


class CheckOut(BaseModel):
    ctx: str
    warnings: list[str]
    checks: list[str]


class CommentsOut(BaseModel):
    ctx: str
    comments: list[CommentOut]
    open_questions: int
    """Open threads over the whole translation after the action: the page's count
    follows the user's own action at once, not at the live stream's next tick."""


class DismissRequest(BaseModel):
    """``POST /api/t/{slug}/{lang}/segments/{ctx}/dismiss`` (and ``…/restore``)."""

    model_config = ConfigDict(strict=True)
    check: str = Field(max_length=64, description="the check's name (`checks` of the segment)")
    rev: str = Field(max_length=64, description="the segment's revision the warning was seen on")


class DismissedOut(BaseModel):
    check: str
    message: str
    by: str
    by_name: str = Field("", description="the display name of `by` (`by` itself if unset)")
    at: str


class DismissOut(BaseModel):
    ctx: str
    warnings: list[str]
    checks: list[str]
    dismissed: list[DismissedOut]
    comments: list[CommentOut] | None = Field(
        default=None, description="after a restore: the segment's thread, which records it"
    )


class TheirText(BaseModel):
    text: str
    rev: str
    state: str
    reviewed: bool
    by: str | None = Field(description="who saved it last")
    by_name: str | None = Field(None, description="the display name of `by`")
    at: str | None = Field(description="when (ISO 8601)")
    at_shown: str | None = Field(
        None, description="when, as the app writes a moment (local time, solar date)"
    )
    via: str | None


class YourText(BaseModel):
    text: str


class DiffToken(BaseModel):
    op: Literal["eq", "del", "ins"]
    text: str = Field(description="words joined by single spaces")


class ConflictOut(BaseModel):
    error: str
    conflict: Literal[True]
    yours: YourText
    current: TheirText
    diff: list[DiffToken] = Field(
        default_factory=list,
        description="word diff of `yours.text` against `current.text`: `del` only in the "
        "file's text, `ins` only in yours",
    )


class ErrorOut(BaseModel):
    error: str


def openapi_schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON Schema as OpenAPI 3.0 writes it: nested models inline, and
    ``X | None`` as a nullable ``X``."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})
    return _openapi30(schema, definitions)


def _openapi30(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_openapi30(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _openapi30(definitions[node["$ref"].rsplit("/", 1)[1]], definitions)
    options = node.get("anyOf")
    if options and {"type": "null"} in options and len(options) == 2:
        (kept,) = [o for o in options if o != {"type": "null"}]
        rest = {k: v for k, v in node.items() if k != "anyOf"}
        return {**_openapi30(kept, definitions), **rest, "nullable": True}
    out = {k: _openapi30(v, definitions) for k, v in node.items() if k != "title"}
    if "const" in out:  # 3.0 has no const: a one-value enum says the same
        out["enum"] = [out.pop("const")]
    return out
