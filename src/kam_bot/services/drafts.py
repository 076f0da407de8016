"""Pending drafts: what the confirm-and-save conversation keeps between two turns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass
class PendingDraft:
    user_id: int
    surface: str
    kind: str
    """``visit``, ``promise``, ``price`` or ``stock``."""
    rest: str
    """The line after its verb: parsed again at each turn."""
    line: str
    """The line as typed, shown back whenever it is not saved."""
    created_at: datetime
    expires_at: datetime
    state: dict[str, Any] = field(default_factory=dict)
    """The answers given so far and what is being asked (``handlers.conversation``)."""
    id: int | None = None


class PendingDrafts(Protocol):
    def get(self, user_id: int, surface: str) -> PendingDraft | None: ...

    def put(self, draft: PendingDraft) -> PendingDraft:
        """Insert or replace the person's draft on that surface; returns it with its id."""
        ...

    def drop(self, user_id: int, surface: str) -> None: ...
