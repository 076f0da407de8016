"""Type-ahead (``block_suggestion``): every keystroke must be answered within 3 seconds."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack.deps import Deps
from kam_bot.adapters.slack.forms.elements import option
from kam_bot.adapters.slack.forms.settings import TIMEZONE_ACTION, timezone_options
from kam_bot.domain.models import User
from kam_bot.services.container import Services

ACCOUNT_ACTIONS = re.compile(r"^(visit|entry)\.account$")
SUGGESTIONS = 20


def account_options(app: Services, actor: User, query: str) -> list[dict[str, Any]]:
    """Ranked accounts ``actor`` may see for what was typed: names, aliases and typos
    (``Baostel`` finds Baosteel)."""
    found = app.accounts.suggestions(actor, query, SUGGESTIONS)
    return [option(str(i), label).to_dict() for i, label in found]


def register(bolt: AsyncApp, deps: Deps) -> None:
    async def accounts(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        actor = await deps.actor(client, body["user"]["id"])
        await ack(options=await deps.run(account_options, deps.app, actor, str(body.get("value") or "")))

    async def timezones(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack(options=[o.to_dict() for o in timezone_options(str(body.get("value") or ""))])

    bolt.options(ACCOUNT_ACTIONS)(accounts)
    bolt.options(TIMEZONE_ACTION)(timezones)
