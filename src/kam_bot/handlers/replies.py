"""The neutral reply model every adapter renders: Slack as blocks, the console as text, Teams as cards.

User-typed text travels in ``Span(kind="user")`` so each adapter escapes it for its own markup;
text from the catalog is ``plain`` or ``bold``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class SpanKind(StrEnum):
    PLAIN = "plain"
    BOLD = "bold"
    USER = "user"
    """Typed by a person: escaped by every renderer, never interpreted as markup or mentions."""


class Span(BaseModel):
    text: str
    kind: SpanKind = SpanKind.PLAIN


class Line(BaseModel):
    """One line of spans; build with ``Line.of("text", user(name), other_line)``."""

    spans: list[Span] = Field(default_factory=list)

    @classmethod
    def of(cls, *parts: Part) -> Line:
        """A line from plain strings, spans and other lines (their spans are spliced in)."""
        spans: list[Span] = []
        for part in parts:
            if isinstance(part, Line):
                spans.extend(part.spans)
            elif isinstance(part, Span):
                spans.append(part)
            else:  # a str (a digest or a tick of morning DMs builds tens of thousands of these)
                spans.append(Span(text=str(part)))
        # validated, not model_construct: pydantic's validator (its spans taken as they are) is about
        # twice as fast as model_construct's loop over the fields in Python
        return cls(spans=spans)

    @property
    def plain(self) -> str:
        return "".join(s.text for s in self.spans)


Part = str | Span | Line
"""What a line is built from."""


def user(text: str | None) -> Span:
    # a str, or nothing (validated: faster than model_construct, see Line.of)
    return Span(text=str(text) if text else "", kind=SpanKind.USER)


def bold(text: str) -> Span:
    return Span(text=text, kind=SpanKind.BOLD)


class Action(BaseModel):
    """A button. ``action_id`` names the intention (``promise.done``), ``value`` its argument."""

    action_id: str
    label: str
    value: str = ""
    style: str | None = None
    """``primary`` or ``danger`` or None."""


class Section(BaseModel):
    title: str | None = None
    lines: list[Line] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    more: int = 0
    """How many further lines were left out ("and N more")."""


class Reply(BaseModel):
    title: str | None = None
    sections: list[Section] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    ok: bool = True
    """False for an error the user must act on."""

    @classmethod
    def text(cls, *lines: Line | str, ok: bool = True, title: str | None = None) -> Reply:
        return cls(
            title=title,
            sections=[Section(lines=[ln if isinstance(ln, Line) else Line.of(ln) for ln in lines])],
            ok=ok,
        )

    def plain_text(self) -> str:
        """Everything as plain text: the console's rendering and a fallback for notifications."""
        out: list[str] = []
        if self.title:
            out.append(self.title)
        for section in self.sections:
            if section.title:
                out.append(section.title)
            out.extend(line.plain for line in section.lines)
        return "\n".join(out)
