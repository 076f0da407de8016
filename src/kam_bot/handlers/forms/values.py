"""Submitted values, as every platform hands them to the neutral forms.

``FormValues`` is what a form is read from: Slack's ``FormState`` satisfies it over
``view.state``; ``MappingValues`` over a flat mapping of field id -> value (an Adaptive
Card's ``Action.Submit`` data, a test) where dates are ISO text and multi-choices lists or
comma-separated text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol


class FormValues(Protocol):
    def text(self, field_id: str) -> str:
        """The text typed there, stripped; "" when empty."""
        ...

    def option(self, field_id: str) -> str | None:
        """The chosen value of a single choice (or an account's id)."""
        ...

    def option_label(self, field_id: str) -> str | None:
        """The label of that choice when the platform sends it (an account's name), else None."""
        ...

    def options(self, field_id: str) -> list[str]:
        """The chosen values of a multiple choice."""
        ...

    def date(self, field_id: str) -> date | None: ...

    def date_text(self, field_id: str) -> str:
        """What was sent for a date, as text: "" when none (a date that reads as None but is not
        empty was forged)."""
        ...

    def with_prefix(self, prefix: str) -> list[str]:
        """Field ids starting with ``prefix`` (``promise_text:``), in form order."""
        ...

    def slots(self, prefix: str) -> list[int]:
        """The slot numbers of repeated fields (``promise_text:0``, ``promise_text:1`` ...)."""
        ...


class MappingValues:
    """``FormValues`` over a flat mapping; ``order`` lists the form's field ids as shown."""

    def __init__(
        self,
        data: Mapping[str, Any],
        order: Sequence[str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self._data = data
        self._order = list(order) if order is not None else list(data)
        self._labels = labels or {}

    def text(self, field_id: str) -> str:
        value = self._data.get(field_id)
        return str(value).strip() if value is not None else ""

    def option(self, field_id: str) -> str | None:
        value = self.text(field_id)
        return value or None

    def option_label(self, field_id: str) -> str | None:
        return self._labels.get(field_id)

    def options(self, field_id: str) -> list[str]:
        value = self._data.get(field_id)
        if isinstance(value, list | tuple):
            return [str(v) for v in value if str(v).strip()]
        return [v.strip() for v in str(value or "").split(",") if v.strip()]

    def date(self, field_id: str) -> date | None:
        text = self.text(field_id)[:10]
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None

    def date_text(self, field_id: str) -> str:
        return self.text(field_id)

    def with_prefix(self, prefix: str) -> list[str]:
        return [f for f in self._order if f.startswith(prefix)]

    def slots(self, prefix: str) -> list[int]:
        out = set()
        for field_id in self.with_prefix(prefix):
            index = field_id[len(prefix) :].split(":", 1)[0]
            if index.isdigit():
                out.add(int(index))
        return sorted(out)
