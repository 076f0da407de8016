"""What the Teams adapter uses of the application: the services, and the conversation references."""

from __future__ import annotations

from typing import Protocol

from kam_bot.handlers.verbs import ChatServices
from kam_bot.services.conversations import ConversationRefs


class TeamsServices(ChatServices, Protocol):
    @property
    def conversation_refs(self) -> ConversationRefs: ...
