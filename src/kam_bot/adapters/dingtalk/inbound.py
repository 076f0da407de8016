"""A robot message as DingTalk delivers it (Stream frame ``data`` or HTTP callback body), read
through the SDK's own ``ChatbotMessage`` and checked, so a malformed one is refused, not a crash.

Shape (dingtalk_stream/chatbot.py ``ChatbotMessage.from_dict``): ``msgId``, ``msgtype``
(``text`` with ``text.content``; ``richText``, ``picture``, ``audio``, ``file`` ...),
``conversationType`` ``"1"`` (1:1) or ``"2"`` (group, only messages that @ the robot),
``conversationId`` (a group's openConversationId), ``senderStaffId`` (the corp userId),
``senderNick``, ``sessionWebhook`` and ``sessionWebhookExpiredTime`` (ms), ``robotCode``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dingtalk_stream import ChatbotMessage  # type: ignore[import-untyped]

GROUP = "2"


@dataclass(frozen=True)
class Inbound:
    message_id: str
    sender: str
    """``senderStaffId``: the corp-scoped userId."""
    nick: str
    group: bool
    conversation_id: str
    text: str | None
    """The typed text; None for a picture, voice, file ..."""
    webhook: str
    webhook_expires_ms: int


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def read(data: Any) -> Inbound | None:
    """The message, or None when it is not a robot message kam-bot can answer."""
    if not isinstance(data, dict):
        return None
    content = data.get("text")
    if data.get("msgtype") == "text" and not isinstance(content, dict):
        return None
    if data.get("msgtype") == "richText" and not isinstance(data.get("content"), dict):
        return None
    try:
        message = ChatbotMessage.from_dict(data)
        expires = int(message.session_webhook_expired_time or 0)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
    sender = _str(message.sender_staff_id) or _str(message.sender_id)
    if not _str(message.message_id) or not sender:
        return None
    return Inbound(
        message_id=message.message_id,
        sender=sender,
        nick=_str(message.sender_nick),
        group=message.conversation_type == GROUP,
        conversation_id=_str(message.conversation_id),
        text=_text(message),
        webhook=_str(message.session_webhook),
        webhook_expires_ms=expires,
    )


def _text(message: ChatbotMessage) -> str | None:
    if message.message_type == "text":
        return _str(message.text.content)
    if message.message_type == "richText":
        parts = message.rich_text_content.rich_text_list or []
        texts = [_str(p.get("text")) for p in parts if isinstance(p, dict)]
        return " ".join(t for t in texts if t) or None
    return None
