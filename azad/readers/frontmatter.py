"""YAML metadata blocks of Markdown, checked before pandoc sees the file.

pandoc expands YAML aliases: 491 bytes of nested aliases (a "billion laughs") kept it
busy for two minutes at 1.7 GB. Every block pandoc may take for YAML metadata (the front
matter, and any later ``---`` block after a blank line) goes through PyYAML's safe parser
first, event by event, without building anything: no alias, no more than
:data:`MAX_YAML_EVENTS` nodes, no more than :data:`MAX_YAML_BYTES`. Article metadata is a
handful of plain keys; none of it needs an alias.
"""

from __future__ import annotations

import re

import yaml

from azad.errors import InputError

MAX_YAML_BYTES = 64 * 1024
MAX_YAML_EVENTS = 5_000

# A line "---" opening a block (at the start, or after a blank line) whose next line is not
# blank, up to a line "---" or "..." (pandoc's yaml_metadata_block extension). A superset
# of what pandoc takes is fine: the check only refuses blocks that hold aliases.
_BLOCK = re.compile(
    r"(?:\A|\n[ \t]*\n)---[ \t]*\n(?![ \t]*\n)(.*?)\n(?:---|\.\.\.)[ \t]*(?=\n|\Z)", re.DOTALL
)


def check_yaml_blocks(text: str, name: str) -> None:
    """Refuse a Markdown text whose YAML metadata could make pandoc expand without bound."""
    for match in _BLOCK.finditer(text):
        block = match.group(1)
        size = len(block.encode("utf-8"))
        if size > MAX_YAML_BYTES:
            raise InputError(
                name, f"a YAML metadata block of {size:,} bytes (the limit is {MAX_YAML_BYTES:,})"
            )
        _check_events(block, name)


def _check_events(block: str, name: str) -> None:
    count = 0
    try:
        for event in yaml.parse(block, Loader=yaml.SafeLoader):
            count += 1
            if isinstance(event, yaml.AliasEvent):
                raise InputError(
                    name,
                    f"YAML alias *{event.anchor} in the metadata (aliases are not allowed: "
                    "write the value out)",
                )
            if count > MAX_YAML_EVENTS:
                raise InputError(
                    name,
                    f"YAML metadata with over {MAX_YAML_EVENTS:,} nodes (not article metadata)",
                )
    except yaml.YAMLError:
        return  # not YAML to PyYAML; pandoc reports it if it takes it for metadata
