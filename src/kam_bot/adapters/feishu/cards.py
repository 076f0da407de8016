"""Neutral replies as Feishu cards (card JSON 2.0), sent as ``msg_type: interactive``.

Each line is a ``markdown`` element. Text a person typed is escaped as HTML entities, so it
shows as typed and never becomes markup: ``<at user_id="all">`` arrives as ``&lt;at …``, never
as a mention of everyone; ``*``, ``_``, ``~``, backticks and brackets never format or link.
A button carries ``behaviors: [{type: callback, value: {action, value}}]``: Feishu sends the
value back in ``card.action.trigger`` and shows the card the bot answers with. Cards are
sent with ``update_multi`` (everyone sees the same card; required for updating a sent card).
Feishu refuses a card over 30 KB and a card of more than 200 elements: lines are cut from the
longest section, with an "and N more" line, until the card fits.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Action, Line, Reply, Section, SpanKind
from kam_bot.i18n import t

MAX_CARD_BYTES = 28 * 1024
"""Feishu refuses card content over 30 KB (FD im-v1/message/create); a margin for the envelope."""
MAX_ELEMENTS = 200
"""Components per card (FD card JSON 2.0 structure: at most 200 elements)."""
BUTTONS_PER_ROW = 3
HANDLED = re.compile(
    r"^(promise\.(done|reopen|cancel|snooze_\d+)|undo\.(price|stock|visit)|account\.open|visit\.start)$"
)
"""Buttons the Feishu bot answers (``actions``); other surfaces' editors are left off the card."""

_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "*": "&#42;",
    "_": "&#95;",
    "~": "&#126;",
    "`": "&#96;",
    "[": "&#91;",
    "]": "&#93;",
    "#": "&#35;",
    "$": "&#36;",
}
_ESCAPE = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")


def escape(text: str) -> str:
    """``text`` shown as typed in a markdown element: no tag, mention, emphasis or link."""
    return _ESCAPE.sub(lambda m: _ENTITIES[m.group(0)], text)


def plain(text: str) -> str:
    """Text for a plain-text place (the header, the chat list's preview): never a tag there
    either, should a client read one."""
    return text.replace("<", "＜").replace(">", "＞")


def line_markdown(line: Line) -> str:
    out = []
    for span in line.spans:
        text = escape(span.text)
        out.append(f"**{text}**" if span.kind is SpanKind.BOLD and text.strip() else text)
    return "".join(out) or " "


def markdown(content: str, **extra: Any) -> dict[str, Any]:
    return {"tag": "markdown", "content": content or " ", **extra}


def button(action: Action, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    kind = {"primary": "primary_filled", "danger": "danger"}.get(action.style or "", "default")
    value = {"action": action.action_id, "value": action.value, **(extra or {})}
    return {
        "tag": "button",
        "text": {"tag": "plain_text", "content": action.label[:60]},
        "type": kind,
        "behaviors": [{"type": "callback", "value": value}],
    }


def button_rows(actions: list[Action], extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    rows = []
    for start in range(0, len(actions), BUTTONS_PER_ROW):
        chunk = actions[start : start + BUTTONS_PER_ROW]
        columns = [{"tag": "column", "width": "auto", "elements": [button(a, extra)]} for a in chunk]
        rows.append({"tag": "column_set", "flex_mode": "flow", "columns": columns})
    return rows


def section_elements(section: Section, loc: Locale) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if section.title:
        items.append(markdown(f"**{escape(section.title)}**"))
    items += [markdown(line_markdown(line)) for line in section.lines]
    if section.more:
        items.append(markdown(escape(t("common.and_more", loc, count=section.more)), text_size="notation"))
    items += button_rows([a for a in section.actions if HANDLED.match(a.action_id)])
    return items


def card(
    title: str | None, elements: list[dict[str, Any]], *, ok: bool = True, summary: str = ""
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "schema": "2.0",
        "config": {"update_multi": True, "summary": {"content": plain(summary)[:100]}},
        "body": {"elements": elements or [markdown(" ")]},
    }
    if title:
        out["header"] = {
            "title": {"tag": "plain_text", "content": plain(title)[:200]},
            "template": "blue" if ok else "red",
        }
    return out


def _build(reply: Reply, loc: Locale, images: list[str]) -> dict[str, Any]:
    elements: list[dict[str, Any]] = []
    for i, section in enumerate(reply.sections):
        part = section_elements(section, loc)
        if part and i > 0 and section.title:
            elements.append({"tag": "hr"})
        elements += part
    for key in images:
        elements.append({"tag": "img", "img_key": key, "alt": {"tag": "plain_text", "content": ""}})
    elements += button_rows([a for a in reply.actions if HANDLED.match(a.action_id)])
    return card(reply.title, elements, ok=reply.ok, summary=reply.plain_text())


def card_bytes(content: dict[str, Any]) -> int:
    return len(json.dumps(content, ensure_ascii=False).encode())


def count_elements(elements: list[dict[str, Any]]) -> int:
    total = 0
    for element in elements:
        total += 1
        for column in element.get("columns") or []:
            total += 1 + count_elements(column.get("elements") or [])
        total += count_elements(element.get("elements") or [])
    return total


def _too_big(content: dict[str, Any]) -> bool:
    return card_bytes(content) > MAX_CARD_BYTES or count_elements(content["body"]["elements"]) > MAX_ELEMENTS


def reply_card(reply: Reply, loc: Locale, *, images: list[str] | None = None) -> dict[str, Any]:
    """The card for ``reply`` (cut to fit); ``images`` are uploaded images' keys."""
    images = images or []
    current = reply
    content = _build(current, loc, images)
    while _too_big(content):
        sections = [s.model_copy(deep=True) for s in current.sections]
        longest = max(range(len(sections)), key=lambda i: len(sections[i].lines), default=None)
        if longest is None or not sections[longest].lines:
            if len(sections) <= 1:
                break
            sections.pop()
            sections[-1] = sections[-1].model_copy(update={"more": sections[-1].more + 1})
        else:
            target = sections[longest]
            cut = max(1, len(target.lines) // 4)
            target.lines = target.lines[:-cut]
            target.more += cut
        current = current.model_copy(update={"sections": sections})
        content = _build(current, loc, images)
    return content
