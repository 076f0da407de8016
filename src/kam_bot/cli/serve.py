"""`kam-bot serve`: the enabled chat platforms and the scheduled jobs in one process, one port."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from kam_bot import platforms
from kam_bot.cli import _EXTRA_PARSERS, command, open_app
from kam_bot.config import Settings, SettingsError
from kam_bot.platforms import Configured


def no_platform() -> str:
    """The error when no chat platform is configured: what to set for each."""
    how = "; ".join(entry.how_to_enable for entry in platforms.KNOWN)
    return f"kam-bot: configuration error: no chat platform is configured. {how[:1].upper()}{how[1:]}."


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
    from kam_bot.heap import freeze_built
    from kam_bot.workers import run_workers

    try:
        configured = platforms.load_settings()
        enabled = platforms.enabled(configured)
        if not enabled:
            print(no_platform(), file=sys.stderr)
            return 2
        for entry in enabled:
            entry.check()
        app = open_app(settings, configured)  # refuses an unmigrated database; the CLI says what to run
        for entry in enabled:
            entry.check_token()  # does the platform accept the credentials? (Slack: auth.test)
        workers, why_one = worker_count(settings, args.workers, enabled)
    except SettingsError as exc:
        print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    port = args.port or settings.port
    print(start_line(settings, enabled, args.host, port, workers, why_one), flush=True)
    if workers == 1:
        server = build_server(app)
        freeze_built()
        uvicorn.run(server, host=args.host, port=port, log_level="info")
    else:
        app.engine.dispose()  # each worker opens its own pool; this process only supervises
        # the workers' jobs share each tick's morning DMs out in as many parts (unless set)
        os.environ.setdefault("JOB_PROCESSES", str(workers))
        run_workers(
            "kam_bot.bootstrap:worker_server",
            factory=True,
            workers=workers,
            host=args.host,
            port=port,
            log_level="info",
        )
    return 0


def worker_count(
    settings: Settings, asked: int | None, enabled: Sequence[Configured] = ()
) -> tuple[int, str]:
    """How many processes serve, and why only one when more were possible.

    SQLite takes one writer at a time: several processes would queue on its lock and miss
    Slack's 3 seconds. An enabled platform may allow one process only (``one_worker``: a Slack
    Socket Mode connection per process would split Slack's events between them).
    """
    if asked is not None and asked < 1:
        raise SettingsError("--workers must be at least 1")
    one_reason = ""
    if settings.database_url.startswith("sqlite"):
        one_reason = "SQLite takes one writer at a time"
    else:
        one_reason = next((why for entry in enabled if (why := entry.one_worker())), "")
    if one_reason and asked is not None and asked > 1:
        raise SettingsError(
            f"--workers {asked}: {one_reason}, so this setup serves with one worker; leave out "
            "--workers (or use PostgreSQL and Slack over HTTP for several)"
        )
    if one_reason:
        return 1, one_reason
    return (asked or os.cpu_count() or 1), ""


def start_line(
    settings: Settings,
    enabled: Sequence[Configured],
    host: str,
    port: int,
    workers: int = 1,
    why_one: str = "",
) -> str:
    """What this process serves, in one line (the database password hidden)."""
    from kam_bot.store.engine import display_url

    names = [entry.name for entry in enabled]
    mode = "".join(entry.serve_note() for entry in enabled)
    count = f"{workers} worker{'s' if workers != 1 else ''}" + (f" ({why_one})" if why_one else "")
    return (
        f"kam-bot serve: platforms {', '.join(names) or 'none'}; {mode}http on {host}:{port} "
        f"(/healthz), {count}; database {display_url(settings.database_url)}"
    )
