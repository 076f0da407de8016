"""`kam-bot serve`: the enabled chat platforms and the scheduled jobs in one process, one port."""

from __future__ import annotations

import argparse
import sys

from kam_bot import platforms
from kam_bot.cli import _EXTRA_PARSERS, command, open_app
from kam_bot.config import Settings, SettingsError

NO_PLATFORM = (
    "kam-bot: configuration error: no chat platform is configured. For Slack set SLACK_BOT_TOKEN "
    "and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode); for Teams set TEAMS_CLIENT_ID and "
    "TEAMS_CLIENT_SECRET (or, on a development machine, TEAMS_ALLOW_UNAUTHENTICATED=true)."
)


def _add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser(
        "serve",
        help="run the bot: each enabled platform's routes (Slack: POST /slack/events), GET /healthz, "
        "and the scheduled reminders, digests and outbox",
    )
    serve.add_argument("--host", default="0.0.0.0", help="interface to listen on (default 0.0.0.0)")
    serve.add_argument("--port", type=int, default=None, help="port (default: PORT, else 3000)")


_EXTRA_PARSERS.append(_add_parser)


@command("serve")
def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from kam_bot.bootstrap import build_server

    enabled = platforms.enabled(settings)
    if not enabled:
        print(NO_PLATFORM, file=sys.stderr)
        return 2
    try:
        for entry in enabled:
            entry.check(settings)
    except SettingsError as exc:
        print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    app = open_app(settings)  # refuses an unmigrated database; the CLI says what to run
    uvicorn.run(build_server(app), host=args.host, port=args.port or settings.port, log_level="info")
    return 0
