"""What a form is, independent of any platform: fields, their kind, choices, limits and hints.

A platform renders each ``Field`` with its own widget: ``TEXT`` a text input (``multiline``
for long text), ``DATE`` a date picker, ``CHOICE``/``MULTI_CHOICE`` a list (``expanded``:
radio buttons / checkboxes, else a drop-down; ``groups`` for a grouped list), ``ACCOUNT`` a
search over every account (20,000 of them: typed search, never a full list). ``Note`` is a
line of text, ``Break`` a divider with an optional heading. Field ids are stable: submitted
values and errors are keyed by them (repeated inputs carry their slot: ``promise_text:0``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kam_bot.handlers.prefill import Problem
from kam_bot.services.errors import ServiceError

TEXT_MAX = 3000
"""The longest text any form field takes (``services.inputs.MAX_TEXT``)."""


class FieldKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    ACCOUNT = "account"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class ChoiceGroup:
    label: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Field:
    id: str
    kind: FieldKind
    label: str
    value: str | date | tuple[str, ...] | None = None
    """TEXT: the text; DATE: the date; CHOICE: the chosen value; MULTI_CHOICE: the chosen values;
    ACCOUNT: the account id as text (its name in ``value_label``)."""
    value_label: str | None = None
    required: bool = False
    max_length: int = TEXT_MAX
    multiline: bool = False
    choices: tuple[Choice, ...] = ()
    groups: tuple[ChoiceGroup, ...] = ()
    expanded: bool = False
    """Show every choice at once (radio buttons, checkboxes) instead of a drop-down."""
    hint: str | None = None
    """Help under the field, or what to fix there."""
    placeholder: str | None = None
    refresh: bool = False
    """Changing this field re-renders the form (the account: its decision chain is listed)."""

    @property
    def all_choices(self) -> tuple[Choice, ...]:
        return self.choices or tuple(c for g in self.groups for c in g.choices)


@dataclass(frozen=True)
class Note:
    """A line of plain text between fields."""

    text: str


@dataclass(frozen=True)
class Break:
    """A divider, with a heading when ``title`` is set."""

    title: str | None = None


Item = Field | Note | Break


@dataclass(frozen=True)
class Form:
    id: str
    """Which form (``visit``, ``promise``, ``price``, ``stock``): what a submission is for."""
    title: str
    submit: str
    items: tuple[Item, ...]
    problems: tuple[Problem, ...] = ()
    """What to fix, listed above the fields (a prefill's gaps)."""
    account_error: ServiceError | None = None
    """Why the typed account was not found (with suggestions), shown above the fields."""
    intro: str | None = None
    fields_by_id: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields_by_id", {i.id: i for i in self.items if isinstance(i, Field)})

    def field(self, field_id: str) -> Field:
        return self.fields_by_id[field_id]


ERROR_LIMIT = 300
"""The longest message shown under one field (Slack's modal errors are short)."""

FieldErrors = dict[str, str]
"""Field id -> what is wrong there, in the user's language."""
