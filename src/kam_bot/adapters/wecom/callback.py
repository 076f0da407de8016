"""Reading WeCom's callback requests (developer.work.weixin.qq.com/document/path/90239 messages,
90376 events: 模板卡片事件推送).

The POST body is ``<xml><ToUserName/><Encrypt/><AgentID/></xml>``; the decrypted message is XML
again: a text message (``MsgType`` text, ``Content``, ``MsgId``) or an event (``MsgType``
event; ``template_card_event`` carries ``EventKey`` (the button's key), ``TaskId`` and
``ResponseCode``). The outer body is the sender's text before anything is verified: it is read
only when small and free of DTDs, so no entity can be declared in it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .crypto import CallbackError

MAX_BODY = 1024 * 1024
"""Larger than any message a WeCom client sends (its text box takes a few thousand characters)."""


def parse(raw: bytes) -> ET.Element:
    if len(raw) > MAX_BODY:
        raise CallbackError("too large")
    if b"<!" in raw.replace(b"<![CDATA[", b""):
        raise CallbackError("DTD or comment in body")
    try:
        return ET.fromstring(raw)
    except ET.ParseError:
        raise CallbackError("not XML") from None


def encrypted(raw: bytes) -> str:
    node = parse(raw).find("Encrypt")
    if node is None or not node.text:
        raise CallbackError("no Encrypt")
    return node.text.strip()


@dataclass(frozen=True)
class Inbound:
    """One decrypted message or event."""

    kind: str
    """``text``, ``template_card_event``, or what WeCom sent otherwise (``image``, ``enter_agent``)."""
    sender: str
    created: str
    text: str = ""
    msg_id: str = ""
    event_key: str = ""
    task_id: str = ""
    response_code: str = ""

    @property
    def key(self) -> str:
        """The same for each of WeCom's re-deliveries: the MsgId, else the event's own fields."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return f"event:{self.kind}:{self.sender}:{self.created}:{self.task_id}:{self.event_key}"


def read(message: bytes) -> Inbound:
    root = parse(message)

    def field(name: str) -> str:
        node = root.find(name)
        return (node.text or "").strip() if node is not None else ""

    kind = field("MsgType")
    if kind == "event":
        kind = field("Event")
    content = root.find("Content")
    return Inbound(
        kind=kind,
        sender=field("FromUserName"),
        created=field("CreateTime"),
        text=(content.text or "") if content is not None else "",
        msg_id=field("MsgId"),
        event_key=field("EventKey"),
        task_id=field("TaskId"),
        response_code=field("ResponseCode"),
    )
