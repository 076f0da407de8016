"""What every listener needs, built once per Slack app: the application, who is who, the commands."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from slack_sdk.web.async_client import AsyncWebClient

from kam_bot.adapters.slack.home import publish_home
from kam_bot.adapters.slack.users import SlackUsers
from kam_bot.domain.models import User
from kam_bot.handlers.commands import Commands
from kam_bot.services.container import Services

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)


@dataclass
class Registry:
    """What the listeners registered; the manifest test holds app.yaml against it."""

    commands: list[str] = field(default_factory=list)
    message_shortcuts: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


@dataclass
class Deps:
    app: Services
    users: SlackUsers
    commands: Commands
    registry: Registry = field(default_factory=Registry)

    @classmethod
    def build(cls, app: Services) -> Deps:
        return cls(app=app, users=SlackUsers(app), commands=Commands(app))

    async def run(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run blocking work (SQL, parsing) in a worker thread so other requests keep their 3 s."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def actor(self, client: AsyncWebClient, slack_id: str) -> User:
        return await self.users.actor(client, slack_id)

    async def refresh_home(self, client: AsyncWebClient, slack_id: str, user: User) -> None:
        """Re-publish the Home tab after a change; a failure here never undoes the change."""
        try:
            await publish_home(self.app, client, slack_id, user)
        except Exception:
            log.exception("Could not refresh the Home tab of %s", slack_id)
