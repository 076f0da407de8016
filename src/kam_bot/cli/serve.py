"""`kam-bot serve`: the enabled chat platforms and the scheduled jobs in one process, one port."""

from __future__ import annotations

import argparse
import os
import sys

from kam_bot import platforms
from kam_bot.cli import _EXTRA_PARSERS, command, open_app
from kam_bot.config import Settings, SettingsError
from kam_bot.domain.enums import Platform

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
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface, e.g. in a container)",
    )
    serve.add_argument("--port", type=int, default=None, help="port (default: PORT, else 3000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes answering on the port (default: the number of cores; always 1 on SQLite "
        "and over Socket Mode)",
    )


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
    if any(entry.name is Platform.SLACK for entry in enabled):
        from kam_bot.adapters.slack.startup import check_token

        try:
            check_token(settings)  # does Slack accept the token? (auth.test)
        except SettingsError as exc:
            print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
            return 2
    port = args.port or settings.port
    names = [entry.name.value for entry in enabled]
    try:
        workers, why_one = worker_count(settings, args.workers)
    except SettingsError as exc:
        print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    print(start_line(settings, names, args.host, port, workers, why_one), flush=True)
    if workers == 1:
        uvicorn.run(build_server(app), host=args.host, port=port, log_level="info")
    else:
        app.engine.dispose()  # each worker opens its own pool; this process only supervises
        uvicorn.run(
            "kam_bot.server:create",
            factory=True,
            workers=workers,
            host=args.host,
            port=port,
            log_level="info",
        )
    return 0


def worker_count(settings: Settings, asked: int | None) -> tuple[int, str]:
    """How many processes serve, and why only one when more were possible.

    SQLite takes one writer at a time: several processes would queue on its lock and miss
    Slack's 3 seconds. A Socket Mode connection per process would split Slack's events
    between them (each process its own connection): one process holds it.
    """
    if asked is not None and asked < 1:
        raise SettingsError("--workers must be at least 1")
    one_reason = ""
    if settings.database_url.startswith("sqlite"):
        one_reason = "SQLite takes one writer at a time"
    elif settings.slack_app_token:
        one_reason = "Socket Mode is one connection"
    if one_reason and asked is not None and asked > 1:
        raise SettingsError(
            f"--workers {asked}: {one_reason}, so this setup serves with one worker; leave out "
            "--workers (or use PostgreSQL and Slack over HTTP for several)"
        )
    if one_reason:
        return 1, one_reason
    return (asked or os.cpu_count() or 1), ""


def start_line(
    settings: Settings, names: list[str], host: str, port: int, workers: int = 1, why_one: str = ""
) -> str:
    """What this process serves, in one line (the database password hidden)."""
    from kam_bot.store.engine import display_url

    mode = "slack over socket mode, " if settings.slack_app_token and "slack" in names else ""
    count = f"{workers} worker{'s' if workers != 1 else ''}" + (f" ({why_one})" if why_one else "")
    return (
        f"kam-bot serve: platforms {', '.join(names) or 'none'}; {mode}http on {host}:{port} "
        f"(/healthz), {count}; database {display_url(settings.database_url)}"
    )
