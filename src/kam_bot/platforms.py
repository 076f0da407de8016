"""A chat platform as the rest of kam-bot sees it, and the list of those kam-bot knows.

A platform is enabled by its settings (Slack: ``SLACK_BOT_TOKEN``). Once built (by
``bootstrap.build_platforms``, which imports the adapter only then), it gives the outbox its
``Deliverer``, the server its HTTP routes on the shared port, and starts and stops with the
server (Slack: the Socket Mode connection). A new platform is one adapter folder with a class
satisfying ``ChatPlatform`` and one ``PlatformEntry`` line in ``KNOWN``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from kam_bot.config import Settings
from kam_bot.domain.enums import Platform

if TYPE_CHECKING:  # the protocol's types only: bootstrap imports this module, keep it light
    from starlette.routing import BaseRoute

    from kam_bot.bootstrap import App
    from kam_bot.jobs.delivery import Deliverer


class ChatPlatform(Protocol):
    @property
    def name(self) -> Platform: ...

    @property
    def deliverer(self) -> Deliverer:
        """Sends the outbox rows whose ``platform`` is ``name``."""
        ...

    def routes(self) -> Sequence[BaseRoute]:
        """What it serves on the shared port (Slack: ``POST /slack/events``)."""
        ...

    async def startup(self) -> None:
        """Called once the server runs, before the jobs start (Slack: connect Socket Mode)."""
        ...

    async def shutdown(self) -> None:
        """Called when the server stops, after the jobs have drained."""
        ...


@dataclass(frozen=True)
class PlatformEntry:
    name: Platform
    enabled: Callable[[Settings], bool]
    """Whether the settings ask for this platform (its credentials are set)."""
    check: Callable[[Settings], None]
    """Raise ``SettingsError`` naming the variable that is missing or malformed."""
    build: Callable[[App], ChatPlatform]
    """Build it (import the adapter here, not at module level)."""


def _slack_check(settings: Settings) -> None:
    from kam_bot.adapters.slack.app import check_settings

    check_settings(settings)


def _slack_build(app: App) -> ChatPlatform:
    from kam_bot.adapters.slack.server import SlackPlatform

    return SlackPlatform(app, app.settings)


def _teams_enabled(settings: Settings) -> bool:
    return bool(settings.teams_client_id or settings.teams_allow_unauthenticated)


def _teams_check(settings: Settings) -> None:
    from kam_bot.adapters.teams.app import check_settings

    check_settings(settings)


def _teams_build(app: App) -> ChatPlatform:
    from kam_bot.adapters.teams.app import TeamsBot

    return TeamsBot.build(app, app.settings)


KNOWN: list[PlatformEntry] = [
    PlatformEntry(Platform.SLACK, lambda s: bool(s.slack_bot_token), _slack_check, _slack_build),
    PlatformEntry(Platform.TEAMS, _teams_enabled, _teams_check, _teams_build),
]
"""The chat platforms kam-bot knows, in the order a person's DMs prefer them when they have an
identity on several enabled ones."""

CHAT_PLATFORMS = tuple(p for p in Platform if p is not Platform.CONSOLE)


def enabled(settings: Settings) -> list[PlatformEntry]:
    return [entry for entry in KNOWN if entry.enabled(settings)]


def recipients(settings: Settings) -> tuple[str, ...]:
    """The platforms a DM or digest may be queued for: the enabled ones, in ``KNOWN`` order.

    A process with none enabled (a CLI run that only decides, the console) queues for every
    chat platform, in ``KNOWN`` order then the rest, and leaves delivery to `kam-bot serve`.
    """
    found = [entry.name.value for entry in enabled(settings)]
    if found:
        return tuple(found)
    order = [entry.name for entry in KNOWN] + [p for p in CHAT_PLATFORMS if p not in {e.name for e in KNOWN}]
    return tuple(p.value for p in order)
