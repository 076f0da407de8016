"""`kam-bot serve`: run the Slack app (HTTP on settings.port, or Socket Mode with SLACK_APP_TOKEN)."""

from __future__ import annotations

import argparse
import sys

from kam_bot.cli import _EXTRA_PARSERS, command, open_app
from kam_bot.config import Settings, SettingsError


def _add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser(
        "serve",
        help="run the Slack app: POST /slack/events, GET /healthz (Socket Mode with SLACK_APP_TOKEN)",
    )
    serve.add_argument("--host", default="0.0.0.0", help="interface to listen on (default 0.0.0.0)")
    serve.add_argument("--port", type=int, default=None, help="port (default: PORT, else 3000)")


_EXTRA_PARSERS.append(_add_parser)


@command("serve")
def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from kam_bot.adapters.slack.app import check_settings
    from kam_bot.adapters.slack.server import create_asgi
    from kam_bot.adapters.slack.startup import check_token

    try:
        check_settings(settings)
    except SettingsError as exc:
        print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    app = open_app(settings)  # refuses an unmigrated database; the CLI says what to run
    try:
        check_token(settings)
    except SettingsError as exc:
        print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    uvicorn.run(create_asgi(app, settings), host=args.host, port=args.port or settings.port, log_level="info")
    return 0
