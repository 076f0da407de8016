"""Slack as kam-bot registers it (no Slack SDK imported here: ``build`` imports it when used)."""

from __future__ import annotations

from kam_bot.adapters.platform import ChatPlatform, PlatformServices, Registration
from kam_bot.adapters.slack import NAME
from kam_bot.adapters.slack.settings import SlackSettings, check_settings


def _build(app: PlatformServices, settings: SlackSettings) -> ChatPlatform:
    from kam_bot.adapters.slack.server import SlackPlatform

    return SlackPlatform(app, settings)


def _check_token(settings: SlackSettings) -> None:
    from kam_bot.adapters.slack.startup import check_token

    check_token(settings)  # does Slack accept the token? (auth.test)


def _one_worker(settings: SlackSettings) -> str:
    """A Socket Mode connection per process would split Slack's events between them."""
    return "Socket Mode is one connection" if settings.app_token else ""


REGISTRATION = Registration(
    name=NAME,
    settings=SlackSettings,
    enabled=lambda settings: bool(settings.bot_token),
    check=check_settings,
    build=_build,
    how_to_enable="for Slack set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
    "(or SLACK_APP_TOKEN for Socket Mode)",
    one_worker=_one_worker,
    check_token=_check_token,
    serve_note=lambda settings: "slack over socket mode, " if settings.app_token else "",
    demo_destination="#kam-east",
)
