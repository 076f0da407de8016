"""Conversation references: where a platform lets the bot write first to a person.

Teams gives one only when the app is installed or the person writes; without it a reminder
cannot be delivered (the outbox says ``no_teams_conversation``). Slack needs none.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel


class ConversationRef(BaseModel):
    platform: str
    external_id: str
    """The person's id on that platform (Teams: the AAD object id)."""
    conversation_id: str
    service_url: str
    tenant_id: str | None = None
    bot_id: str | None = None
    user_id: int | None = None


class ConversationRefs(Protocol):
    """The store of references, one per (platform, person); a newer one replaces the older."""

    def save(self, ref: ConversationRef) -> None: ...

    def get(self, platform: str, external_id: str) -> ConversationRef | None: ...

    def known(self, platform: str, external_ids: list[str]) -> set[str]:
        """Which of these people can be written to first."""
        ...

    def save_card(self, platform: str, message_id: str, content: dict[str, Any]) -> None:
        """Keep what a sent message with buttons showed (replaced when it changes)."""
        ...

    def card(self, platform: str, message_id: str) -> dict[str, Any] | None: ...
