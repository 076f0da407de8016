"""Events API: ``app_home_opened`` publishes the Home tab (retries are dropped by ``dedup``)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack.deps import Deps
from kam_bot.adapters.slack.home import publish_home

APP_HOME_OPENED = "app_home_opened"


def register(bolt: AsyncApp, deps: Deps) -> None:
    async def home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        actor = await deps.actor(client, event["user"])
        await publish_home(deps.forms, client, event["user"], actor)

    bolt.event(APP_HOME_OPENED)(home_opened)
    deps.registry.events.append(APP_HOME_OPENED)
