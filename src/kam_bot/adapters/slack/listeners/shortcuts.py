"""The message shortcut "Save as promise": a promise modal prefilled from the message text."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack.blocks import escape
from kam_bot.adapters.slack.deps import Deps
from kam_bot.adapters.slack.forms.entries import PromiseForm, promise_view
from kam_bot.adapters.slack.opening import open_view
from kam_bot.domain.models import User
from kam_bot.handlers.prefill import prefill_promise
from kam_bot.i18n import t
from kam_bot.services.container import Services

SAVE_AS_PROMISE = "save_as_promise"
CHANNEL_ID = re.compile(r"^[A-Z0-9]+$")


def promise_from_message(
    app: Services, actor: User, text: str, channel: str | None, meta: dict[str, Any]
) -> dict[str, Any]:
    prefill = prefill_promise(app, actor, text)
    form = PromiseForm.from_prefill(prefill)
    if not form.text:
        form.text = text.strip()  # nothing understood: the whole message is the promise text
    loc = actor.locale
    intro = escape(t("slack.shortcut.from", loc)) + (
        f" <#{channel}>" if channel and CHANNEL_ID.match(channel) else ""
    )
    return promise_view(
        form, loc, problems=prefill.problems, account_error=prefill.account_error, meta=meta, intro=intro
    )


def register(bolt: AsyncApp, deps: Deps) -> None:
    async def save_as_promise(ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        slack_id = shortcut["user"]["id"]
        message = shortcut.get("message") or {}
        channel = (shortcut.get("channel") or {}).get("id")
        meta = {"ch": channel, "ts": message.get("ts"), "ru": shortcut.get("response_url")}

        async def build() -> dict[str, Any]:
            actor = await deps.actor(client, slack_id)
            view: dict[str, Any] = await deps.run(
                promise_from_message, deps.app, actor, str(message.get("text") or ""), channel, meta
            )
            return view

        await open_view(client, shortcut["trigger_id"], build(), deps.users.locale_hint(slack_id))

    bolt.message_shortcut(SAVE_AS_PROMISE)(save_as_promise)
    deps.registry.message_shortcuts.append(SAVE_AS_PROMISE)
