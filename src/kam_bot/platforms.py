"""The chat platforms kam-bot knows, and which of them the settings enable.

Each platform registers itself in its adapter folder (``adapters/<name>/platform.py``: its
name, settings, identity column, reachability rule, serving constraints, CLI commands; see
``adapters.platform.Registration``). A new platform is that folder and one line in ``KNOWN``.
A platform is enabled by its own settings (Slack: ``SLACK_BOT_TOKEN``); once built (by
``bootstrap.build_platforms``, which imports its SDK only then) it gives the outbox its
``Deliverer``, the server its HTTP routes on the shared port, and starts and stops with the
server (Slack: the Socket Mode connection).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic_settings import BaseSettings

from kam_bot.adapters.console import platform as console
from kam_bot.adapters.dingtalk import platform as dingtalk
from kam_bot.adapters.feishu import platform as feishu
from kam_bot.adapters.platform import ChatPlatform, PlatformServices, Registration
from kam_bot.adapters.slack import platform as slack
from kam_bot.adapters.teams import platform as teams
from kam_bot.adapters.wecom import platform as wecom

KNOWN: list[Registration[Any]] = [
    slack.REGISTRATION,
    teams.REGISTRATION,
    dingtalk.REGISTRATION,
    wecom.REGISTRATION,
    feishu.REGISTRATION,
]
"""The chat platforms kam-bot knows, in the order a person's DMs prefer them when they have an
identity on several enabled ones."""

IDENTITIES: tuple[str, ...] = (*(entry.name for entry in KNOWN), console.NAME)
"""Every platform a person may have an id on, in the order a bare id is looked up."""

PlatformSettings = Mapping[str, BaseSettings]
"""Platform name -> its settings."""


@dataclass(frozen=True)
class Configured:
    """A registered platform with its settings."""

    registration: Registration[Any]
    settings: BaseSettings

    @property
    def name(self) -> str:
        return self.registration.name

    def check(self) -> None:
        self.registration.check(self.settings)

    def build(self, app: PlatformServices) -> ChatPlatform:
        return self.registration.build(app, self.settings)

    def check_token(self) -> None:
        if self.registration.check_token is not None:
            self.registration.check_token(self.settings)

    def one_worker(self) -> str:
        return self.registration.one_worker(self.settings)

    def serve_note(self) -> str:
        return self.registration.serve_note(self.settings)


def load_settings() -> dict[str, BaseSettings]:
    """Every known platform's settings from the environment; ``SettingsError`` names a malformed one."""
    return {entry.name: entry.load_settings() for entry in KNOWN}


def enabled(configured: PlatformSettings) -> list[Configured]:
    """The platforms whose settings ask for them, in ``KNOWN`` order."""
    found = [Configured(entry, configured[entry.name]) for entry in KNOWN if entry.name in configured]
    return [each for each in found if each.registration.enabled(each.settings)]


def recipients(configured: PlatformSettings) -> tuple[str, ...]:
    """The platforms a DM or digest may be queued for: the enabled ones, in ``KNOWN`` order.

    A process with none enabled (a CLI run that only decides, the console) queues for every
    chat platform, in ``KNOWN`` order, and leaves delivery to `kam-bot serve`.
    """
    found = [each.name for each in enabled(configured)]
    return tuple(found) if found else tuple(entry.name for entry in KNOWN)


def by_name(name: str) -> Registration[Any] | None:
    return next((entry for entry in KNOWN if entry.name == name), None)


def names() -> tuple[str, ...]:
    """Every registered chat platform's name, in ``KNOWN`` order: where a team's digest may go."""
    return tuple(entry.name for entry in KNOWN)


def identity_columns() -> dict[str, str]:
    """``users.csv`` column -> platform, for every chat platform (``slack_id`` -> ``slack``)."""
    return {entry.identity_column: entry.name for entry in KNOWN}


def demo_destinations() -> dict[str, str]:
    """Platform -> where the demo team's digest goes there."""
    return {entry.name: entry.demo_destination for entry in KNOWN if entry.demo_destination}


def cli_modules() -> tuple[str, ...]:
    """The modules that add the platforms' own `kam-bot` subcommands."""
    return tuple(module for entry in KNOWN for module in entry.cli)
