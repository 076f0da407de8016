"""Text for Adaptive Card TextBlocks, which Teams renders as a subset of Markdown.

User text must show as typed: the characters that start formatting in that subset are
backslash-escaped (CommonMark allows escaping any ASCII punctuation): emphasis ``* _ ~``,
code ``` ` ```, links ``[ ]``, and ``< >`` so that ``<at>name</at>`` can never become a
mention (a mention also needs an entity, which the bot never adds). At the start of a line a
list or heading marker (``- + #`` or ``1.``) is escaped too. Everything else stays readable.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>~])")
_LINE_START = re.compile(r"^(\s*)([-+>]|#+|\d+\.)(?=\s|$)", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape(text: str) -> str:
    """``text`` as literal characters in a Markdown TextBlock (a whole line or paragraph)."""
    return line_starts(escape_inline(text))


def escape_inline(text: str) -> str:
    """``text`` escaped for the middle of a line (its start is the line's business)."""
    return _SPECIAL.sub(r"\\\1", _CONTROL.sub("", text))


def line_starts(markdown: str) -> str:
    """Escape list and heading markers at the start of each line of ``markdown``."""
    return _LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), markdown)


def _escape_marker(marker: str) -> str:
    if marker[-1] == ".":
        return marker[:-1] + "\\."
    return "\\" + marker if not marker.startswith("\\") else marker


def bold(text: str) -> str:
    escaped = escape_inline(text).strip()
    return f"**{escaped}**" if escaped else ""
