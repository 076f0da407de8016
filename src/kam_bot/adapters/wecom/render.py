"""A neutral reply as WeCom messages: text, and template cards (button interaction) for buttons.

WeCom's limits (developer.work.weixin.qq.com/document/path/90236): a text message holds at
most 2048 bytes (longer text is cut by WeCom, so it is split here on line ends); a card's
``main_title.title`` about 26 characters, ``sub_title_text`` about 112, at most 6 buttons, a
button's ``key`` at most 1024 bytes. A reply whose buttons belong to several rows (a reminder's
promises) becomes its whole text, then one small card per row with its buttons (at most
``MAX_CARDS``; the rest are typed, ``done 12``). A reply that fits on one card is that card.

User text travels as typed but can never become markup or a mention: ``<`` and ``>`` (the
text message's ``<a href>`` links) are shown as their full-width forms and ``@all`` /
``@所有人`` get a zero-width space after the ``@``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Action, Line, Reply, SpanKind
from kam_bot.i18n import t

TEXT_BYTES = 2048
TITLE_CHARS = 26
SUB_TITLE_CHARS = 112
BUTTONS = 6
BUTTON_CHARS = 10
KEY_BYTES = 1024
MAX_CARDS = 4
MAX_TEXTS = 4
"""Texts one reply sends at most (a member takes 30 messages a minute): a longer one is cut."""
SEPARATOR = "|"

HANDLED = re.compile(
    r"^(draft\.(save|edit|cancel)|promise\.(done|reopen|cancel|snooze_[137])|undo\.(price|stock|visit)"
    r"|account\.open|visit\.start)$"
)
"""The buttons a WeCom card carries (``actions.press`` answers them); others are left off."""
_MENTION_ALL = re.compile(r"@(?=(all|所有人|everyone)\b)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def neutral(text: str) -> str:
    """User text that shows as typed and means nothing to WeCom."""
    text = _CONTROL.sub("", text).replace("<", "＜").replace(">", "＞")
    return _MENTION_ALL.sub("@\u200b", text)


def line_text(line: Line) -> str:
    return "".join(neutral(s.text) if s.kind is SpanKind.USER else s.text for s in line.spans)


def clip(text: str, chars: int) -> str:
    text = " ".join(text.split()) if "\n" not in text else text
    return text if len(text) <= chars else text[: chars - 1] + "…"


@dataclass(frozen=True)
class Message:
    """One WeCom message: ``msgtype`` and its content object (``{"content": …}`` for text)."""

    msgtype: str
    content: dict[str, Any]
    actions: tuple[Action, ...] = field(default=())


def body_lines(reply: Reply, loc: Locale) -> list[str]:
    lines = [reply.title] if reply.title else []
    for section in reply.sections:
        if section.title:
            lines.append(section.title)
        lines += [line_text(x) for x in section.lines]
        if section.more:
            lines.append(t("common.and_more", loc, count=section.more))
    return [x for x in lines if x is not None]


def text_chunks(lines: list[str], most: int | None = None) -> list[str]:
    """The lines joined into texts of at most ``TEXT_BYTES`` UTF-8 bytes, split between lines;
    with ``most``, the first ``most`` of them, the last one ending in "…" when more were left."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        for piece in _pieces(line):
            joined = f"{current}\n{piece}" if current else piece
            if len(joined.encode()) <= TEXT_BYTES:
                current = joined
            else:
                chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    if most is not None and len(chunks) > most:
        last = chunks[most - 1].encode()[: TEXT_BYTES - 4].decode("utf-8", "ignore")
        chunks = [*chunks[: most - 1], last + "…"]
    return chunks


def _pieces(line: str) -> list[str]:
    """A line longer than a message, in parts that fit (cut between characters)."""
    pieces, current = [], ""
    for char in line:
        if len((current + char).encode()) > TEXT_BYTES:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]


def button_key(action: Action) -> str:
    return f"{action.action_id}{SEPARATOR}{action.value}"[:KEY_BYTES]


def card(title: str, text: str, actions: list[Action]) -> Message:
    style = {"primary": 1, "danger": 3}
    content: dict[str, Any] = {
        "card_type": "button_interaction",
        "main_title": {"title": clip(title, TITLE_CHARS)} if title else {},
        "task_id": uuid.uuid4().hex,
        "button_list": [
            {"text": clip(a.label, BUTTON_CHARS), "style": style.get(a.style or "", 2), "key": button_key(a)}
            for a in actions[:BUTTONS]
        ],
    }
    if text:
        content["sub_title_text"] = clip(text, SUB_TITLE_CHARS)
    if not title and not text:
        content["main_title"] = {"title": "kam-bot"}
    return Message("template_card", content, tuple(actions[:BUTTONS]))


def _handled(actions: list[Action]) -> list[Action]:
    return [a for a in actions if HANDLED.match(a.action_id)]


def messages(reply: Reply, loc: Locale, question: str | None = None) -> list[Message]:
    """What to send for ``reply`` (and the open question, if any), in order."""
    lines = body_lines(reply, loc)
    if not reply.ok and lines:
        lines[0] = f"⚠️ {lines[0]}"
    if question:
        lines.append(question)
    groups = [
        (s.title or "", "\n".join(line_text(x) for x in s.lines), _handled(s.actions))
        for s in reply.sections
        if _handled(s.actions)
    ]
    if _handled(reply.actions):
        groups.append((question or reply.title or "", "", _handled(reply.actions)))
    if not groups:
        return [Message("text", {"content": chunk}) for chunk in text_chunks(lines, MAX_TEXTS)]
    whole = "\n".join(lines[1:] if reply.title else lines)
    if len(groups) == 1 and len(whole) <= SUB_TITLE_CHARS and len(reply.title or "") <= TITLE_CHARS:
        return [card(reply.title or "", whole, groups[0][2])]
    if len(groups) > MAX_CARDS:
        lines.append(t("wecom.more_buttons", loc, count=MAX_CARDS))
    out = [Message("text", {"content": chunk}) for chunk in text_chunks(lines, MAX_TEXTS)]
    return out + [card(title, text, actions) for title, text, actions in groups[:MAX_CARDS]]
