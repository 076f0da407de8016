"""`kam-bot serve`: run the Slack app (HTTP on settings.port, or Socket Mode with SLACK_APP_TOKEN)."""

from __future__ import annotations

import argparse
import sys

from kam_bot.cli import _EXTRA_PARSERS, command, open_app
from kam_bot.config import Settings, SettingsError


def _add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser(
        "serve",
        help="run the bot: Slack at /slack/events (or Socket Mode), Teams at /api/messages, GET /healthz",
    )
    serve.add_argument("--host", default="0.0.0.0", help="interface to listen on (default 0.0.0.0)")
    serve.add_argument("--port", type=int, default=None, help="port (default: PORT, else 3000)")


_EXTRA_PARSERS.append(_add_parser)


@command("serve")
def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from kam_bot.adapters.slack.app import check_settings
    from kam_bot.adapters.slack.server import Platform, create_asgi
    from kam_bot.adapters.teams.app import TeamsBot, teams_enabled

    slack = bool(settings.slack_bot_token or settings.slack_signing_secret or settings.slack_app_token)
    teams = teams_enabled(settings)
    try:
        if slack or not teams:  # neither configured: name what Slack needs (README's first platform)
            check_settings(settings)
        if teams:
            from kam_bot.adapters.teams.app import check_settings as check_teams

            check_teams(settings)
    except SettingsError as exc:
        print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    app = open_app(settings)  # refuses an unmigrated database; the CLI says what to run
    platforms: list[Platform] = [TeamsBot.build(app, settings)] if teams else []
    asgi = create_asgi(app, settings, platforms=platforms, slack=slack)
    uvicorn.run(asgi, host=args.host, port=args.port or settings.port, log_level="info")
    return 0
