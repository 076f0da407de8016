"""Reading a modal's submitted (or current) state: ``view.state.values[block_id][action_id]``."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from kam_bot.adapters.slack.forms.elements import base_block_id, read_metadata


class FormState:
    """Block ids are read without their revision suffix (see ``elements.modal``)."""

    def __init__(self, view: dict[str, Any]) -> None:
        values: dict[str, dict[str, Any]] = (view.get("state") or {}).get("values") or {}
        self.values = {base_block_id(k): v for k, v in values.items()}
        self.block_ids = [base_block_id(b["block_id"]) for b in view.get("blocks") or [] if b.get("block_id")]
        self.rev = int(read_metadata(view).get("r") or 0)
        self.meta = read_metadata(view)

    def _element(self, block_id: str) -> dict[str, Any]:
        block = self.values.get(block_id) or {}
        return next(iter(block.values()), {}) if block else {}

    def text(self, block_id: str) -> str:
        return str(self._element(block_id).get("value") or "").strip()

    def option(self, block_id: str) -> str | None:
        selected = self._element(block_id).get("selected_option") or {}
        value = selected.get("value")
        return str(value) if value is not None else None

    def option_label(self, block_id: str) -> str | None:
        selected = self._element(block_id).get("selected_option") or {}
        text = (selected.get("text") or {}).get("text")
        return str(text) if text is not None else None

    def options(self, block_id: str) -> list[str]:
        return [str(o["value"]) for o in self._element(block_id).get("selected_options") or []]

    def date(self, block_id: str) -> date | None:
        value = self._element(block_id).get("selected_date")
        try:  # Slack's picker sends ISO dates; a forged one reads as no date (asked for again)
            return date.fromisoformat(str(value)[:10]) if value else None
        except ValueError:
            return None

    def date_text(self, block_id: str) -> str:
        return str(self._element(block_id).get("selected_date") or "").strip()

    def time(self, block_id: str) -> time | None:
        value = self._element(block_id).get("selected_time")
        try:
            return time.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    def conversation(self, block_id: str) -> str | None:
        value = self._element(block_id).get("selected_conversation")
        return str(value) if value else None

    def with_prefix(self, prefix: str) -> list[str]:
        """Block ids of the view starting with ``prefix`` (``promise_text:`` ...), in view order."""
        ids = self.block_ids or list(self.values)
        return [b for b in ids if b.startswith(prefix)]

    def slots(self, prefix: str) -> list[int]:
        """The slot numbers of repeated inputs (``promise_text:0``, ``promise_text:1`` ...)."""
        out = []
        for block_id in self.with_prefix(prefix):
            index = block_id[len(prefix) :].split(":", 1)[0]
            if index.isdigit():
                out.append(int(index))
        return sorted(set(out))
