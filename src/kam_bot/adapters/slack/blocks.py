"""Neutral replies -> Block Kit, within Block Kit's limits, with every piece of user text escaped.

Built with ``slack_sdk.models`` so a block that breaks a limit fails here, in tests, not
in Slack. Long replies are cut to the block budget with an "and N more" line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from kam_bot.adapters.slack.plain import plain
from kam_bot.domain.enums import Locale, PromiseDirection
from kam_bot.domain.models import Account, Promise
from kam_bot.handlers.render import promise_actions, promise_line
from kam_bot.handlers.replies import Action, Line, Reply, SpanKind
from kam_bot.i18n import t

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
TEXT_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTIONS_PER_BLOCK = 25


def escape(text: str) -> str:
    """Slack mrkdwn escaping: ``&``, ``<`` and ``>`` (stops ``<!channel>``, ``<@U…>`` and fake links)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def line_mrkdwn(line: Line) -> str:
    out = []
    for span in line.spans:
        if span.kind is SpanKind.USER:
            out.append(escape(span.text))
        elif span.kind is SpanKind.BOLD:
            out.append(f"*{escape(span.text)}*")
        else:
            out.append(escape(span.text))
    return "".join(out)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def button(action: Action) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=clip(action.label, BUTTON_TEXT)),
        action_id=action.action_id if not action.value else f"{action.action_id}:{action.value}"[:255],
        value=clip(action.value, BUTTON_VALUE) or "-",
        style=action.style,
    )


def actions_blocks(actions: list[Action], block_id: str | None = None) -> list[Block]:
    """Buttons in rows of at most 25; action_ids made unique per block by carrying the value."""
    blocks: list[Block] = []
    for start in range(0, len(actions), ACTIONS_PER_BLOCK):
        chunk = actions[start : start + ACTIONS_PER_BLOCK]
        bid = f"{block_id}-{start}" if block_id else None
        blocks.append(ActionsBlock(elements=[button(a) for a in chunk], block_id=bid))
    return blocks


def _section_text(lines: list[str]) -> list[str]:
    """Pack lines into section texts of at most 3000 characters."""
    chunks: list[str] = []
    current = ""
    for text in lines:
        text = clip(text, TEXT_LIMIT)
        if current and len(current) + 1 + len(text) > TEXT_LIMIT:
            chunks.append(current)
            current = text
        else:
            current = f"{current}\n{text}" if current else text
    if current:
        chunks.append(current)
    return chunks


def reply_blocks(
    reply: Reply, locale: Locale = Locale.EN, budget: int = MESSAGE_BLOCKS
) -> list[dict[str, Any]]:
    """Render a reply in at most ``budget`` blocks (50 for messages, 100 for modals and Home)."""
    blocks: list[Block] = []
    if reply.title:
        blocks.append(HeaderBlock(text=PlainTextObject(text=clip(reply.title, HEADER_LIMIT))))
    for section in reply.sections:
        lines = [line_mrkdwn(ln) for ln in section.lines]
        if section.title:
            lines.insert(0, f"*{escape(section.title)}*")
        if section.more:
            lines.append(escape(t("common.and_more", locale, count=section.more)))
        blocks += [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in _section_text(lines)]
        if section.actions:
            blocks += actions_blocks(section.actions)
    if reply.actions:
        blocks += actions_blocks(reply.actions)
    if len(blocks) > budget:
        dropped = len(blocks) - budget + 1
        blocks = blocks[: budget - 1]
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=escape(t("common.and_more", locale, count=dropped)))]
            )
        )
    return [plain(b) for b in blocks]


def mrkdwn_section(text: str) -> SectionBlock:
    """A section of mrkdwn the caller has already escaped."""
    return SectionBlock(text=MarkdownTextObject(text=clip(text, TEXT_LIMIT)))


def context(text: str) -> ContextBlock:
    """A grey line of plain text (escaped here)."""
    return ContextBlock(elements=[MarkdownTextObject(text=clip(escape(text), TEXT_LIMIT))])


def promise_blocks(
    promises: Sequence[Promise], accounts: dict[int, Account], today: date, loc: Locale, budget: int
) -> list[Block]:
    """Ours, then theirs: each promise a line and a row of buttons (Done, Snooze 1/3/7 d, Open account).

    The actions block id is ``promise:<id>``: a button pressed in a message finds the row
    to replace with what happened. At most ``budget`` blocks, the last saying how many more.
    """
    blocks: list[Block] = []
    shown = 0
    for direction, key in ((PromiseDirection.OURS, "card.ours"), (PromiseDirection.THEIRS, "card.theirs")):
        mine = [p for p in promises if p.direction is direction]
        if not mine or len(blocks) + 3 > budget - 1:
            continue
        blocks.append(mrkdwn_section(f"*{escape(t(key, loc))}*"))
        for p in mine:
            if len(blocks) + 2 > budget - 1:
                break
            line = promise_line(p, today, loc, accounts.get(p.account_id))
            blocks.append(mrkdwn_section(line_mrkdwn(line)))
            blocks += actions_blocks(promise_actions(p, loc), block_id=f"promise:{p.id}")
            shown += 1
    if shown < len(promises):
        blocks.append(context(t("common.and_more", loc, count=len(promises) - shown)))
    return blocks


def fallback_text(reply: Reply) -> str:
    """The notification text (shown in push notifications and by clients without blocks)."""
    return clip(escape(reply.plain_text()), TEXT_LIMIT)


__all__ = [
    "DividerBlock",
    "context",
    "escape",
    "fallback_text",
    "line_mrkdwn",
    "mrkdwn_section",
    "promise_blocks",
    "reply_blocks",
]
