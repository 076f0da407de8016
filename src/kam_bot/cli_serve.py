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
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface, e.g. in a container)",
    )
    serve.add_argument("--port", type=int, default=None, help="port (default: PORT, else 3000)")


_EXTRA_PARSERS.append(_add_parser)


@command("serve")
def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from kam_bot.adapters.slack.app import check_settings
    from kam_bot.adapters.slack.server import create_asgi

    try:
        check_settings(settings)
    except SettingsError as exc:
        print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    app = open_app(settings)  # refuses an unmigrated database; the CLI says what to run
    port = args.port or settings.port
    print(start_line(settings, args.host, port), flush=True)
    uvicorn.run(create_asgi(app, settings), host=args.host, port=port, log_level="info")
    return 0


def start_line(settings: Settings, host: str, port: int) -> str:
    """What this process serves, in one line (the database password hidden)."""
    from kam_bot.store.engine import display_url

    platforms = ["slack"] if settings.slack_bot_token else []
    mode = "socket mode" if settings.slack_app_token else f"http on {host}:{port}"
    database = display_url(settings.database_url)
    return (
        f"kam-bot serve: platforms {', '.join(platforms) or 'none'}; {mode} "
        f"(/healthz on {host}:{port}); database {database}"
    )
