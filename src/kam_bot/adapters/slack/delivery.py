"""Getting a reply to the person: ephemeral through ``response_url``, by DM, or by changing the
message whose button was pressed."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack.blocks import MESSAGE_BLOCKS, context, fallback_text, reply_blocks
from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Reply


async def respond_reply(respond: AsyncRespond, reply: Reply, loc: Locale, *, replace: bool = False) -> None:
    """An ephemeral reply in the conversation the command or button came from."""
    await respond(
        text=fallback_text(reply),
        blocks=reply_blocks(reply, loc, MESSAGE_BLOCKS),
        response_type="ephemeral",
        replace_original=replace,
    )


async def dm_reply(client: AsyncWebClient, slack_user_id: str, reply: Reply, loc: Locale) -> dict[str, Any]:
    """A message in the person's DM with the app (posting to a user id opens it: ``chat:write`` only)."""
    response = await client.chat_postMessage(
        channel=slack_user_id, text=fallback_text(reply), blocks=reply_blocks(reply, loc, MESSAGE_BLOCKS)
    )
    return dict(response.data) if isinstance(response.data, dict) else {}


async def deliver(
    client: AsyncWebClient, slack_user_id: str, reply: Reply, loc: Locale, response_url: str | None = None
) -> None:
    """Ephemeral where the person typed when a ``response_url`` is known, else by DM."""
    if response_url:
        await respond_reply(AsyncRespond(response_url=response_url), reply, loc)
    else:
        await dm_reply(client, slack_user_id, reply, loc)


def replace_actions(blocks: list[dict[str, Any]], block_id: str, outcome: str) -> list[dict[str, Any]]:
    """The message's blocks with the pressed row of buttons replaced by a line saying what happened."""
    line = context(outcome).to_dict()
    return [line if b.get("type") == "actions" and b.get("block_id") == block_id else b for b in blocks]


async def update_pressed_message(
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond | None,
    outcome: str,
    reply: Reply,
    loc: Locale,
) -> bool:
    """When the button was in a message, change that message in place; False for buttons in views.

    A channel or DM message keeps everything but the pressed row, which becomes ``outcome``
    ("✅ Done by Alex"). An ephemeral message cannot be edited with ``chat.update``: it is
    replaced through its ``response_url`` by ``reply``.
    """
    container = body.get("container") or {}
    if container.get("type") != "message":
        return False
    message = body.get("message") or {}
    action = (body.get("actions") or [{}])[0]
    if container.get("is_ephemeral") or not message:
        if respond is not None:
            await respond_reply(respond, reply, loc, replace=True)
        return True
    blocks = replace_actions(message.get("blocks") or [], str(action.get("block_id")), outcome)
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    await client.chat_update(
        channel=str(channel),
        ts=str(container.get("message_ts") or message.get("ts")),
        blocks=blocks,
        text=message.get("text") or outcome,
    )
    return True
