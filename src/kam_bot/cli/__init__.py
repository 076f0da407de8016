"""`kam-bot`: serve | shell | db upgrade | import | export | remind | digest | outbox | team."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from kam_bot import platforms
from kam_bot.bootstrap import App, bootstrap
from kam_bot.config import Settings, SettingsError, load_settings
from kam_bot.domain.enums import Role
from kam_bot.domain.models import User
from kam_bot.platforms import PlatformSettings
from kam_bot.store.engine import (
    DatabaseNotMigratedError,
    UnusableDatabaseError,
    display_url,
    make_engine,
    unusable_reason,
    upgrade,
)

OPERATOR = User(id=0, display_name="kam-bot CLI", role=Role.ADMIN)
"""Who acts for CLI admin commands: whoever holds the database URL is its administrator."""

Command = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    def register(fn: Command) -> Command:
        COMMANDS[name] = fn
        return fn

    return register


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kam-bot", description="Key-account sales bot for Slack and Teams.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    shell = sub.add_parser("shell", help="talk to the bot in the terminal (loads demo data on first run)")
    shell.add_argument("--as", dest="as_user", metavar="USER", help="act as this user (email, id or name)")
    shell.add_argument(
        "--no-demo", action="store_true", help="do not load the demo data into an empty database"
    )

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="create or migrate the schema (Alembic) to the latest revision")
    db_sub.add_parser("current", help="show the database's schema revision")

    imp = sub.add_parser("import", help="import CSV files or restore a JSONL export")
    imp.add_argument("what", help="accounts | contacts | users | prices, or an export FILE.jsonl to restore")
    imp.add_argument("file", nargs="?", help="the CSV file")
    imp.add_argument("--skip-bad", action="store_true", help="write the good rows, list the bad ones")
    imp.add_argument(
        "--strict-teams", action="store_true", help="refuse rows naming a team that does not exist yet"
    )

    exp = sub.add_parser("export", help="export everything (JSONL, or one CSV per entity)")
    exp.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    exp.add_argument(
        "--out", "-o", help="file (jsonl) or directory (csv); default: standard output for jsonl"
    )

    for extra in _EXTRA_PARSERS:
        extra(sub)
    return parser


_EXTRA_PARSERS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = []


def open_app(settings: Settings, platform_settings: PlatformSettings | None = None) -> App:
    """The app on the migrated database; each platform's settings from the environment unless given."""
    return bootstrap(settings, platform_settings=platform_settings)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        return closed_pipe()


def closed_pipe() -> int:
    """The reader went away (``kam-bot export | head``): stop quietly, as a Unix tool does.

    Standard output is pointed at the null device so that Python's flush at exit does not
    report the same broken pipe again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141  # 128 + SIGPIPE, what a shell reports for a tool stopped by it


def _main(argv: Sequence[str] | None) -> int:
    _load_features()
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    name = args.command if args.command != "db" else f"db {args.db_command}"
    try:
        return COMMANDS[name](args, settings)
    except SettingsError as exc:  # a platform's settings, read when the app is built
        print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    except DatabaseNotMigratedError as exc:
        print(
            f"kam-bot: the database {settings.database_url} is not set up for this version "
            f"(schema revision {exc.current or 'none'}, expected {exc.head}).\n"
            "Run:  kam-bot db upgrade",
            file=sys.stderr,
        )
        return 2
    except UnusableDatabaseError as exc:
        where = display_url(settings.database_url)
        print(
            f"kam-bot: DATABASE_URL: cannot use the database at {where}: {unusable_reason(exc)}",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130


@command("db upgrade")
def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    print(f"Database {engine.url.render_as_string(hide_password=True)} is at the latest schema.")
    return 0


@command("db current")
def _db_current(args: argparse.Namespace, settings: Settings) -> int:
    from kam_bot.store.engine import current_revision, head_revision

    engine = make_engine(settings.database_url)
    print(f"current: {current_revision(engine) or 'none'}; latest: {head_revision()}")
    return 0


def _load_features() -> None:
    """Import the modules that add commands (shell, import/export, serve, jobs, and each
    platform's own: ``Registration.cli``)."""
    import importlib

    for module in (
        "kam_bot.cli.shell",
        "kam_bot.cli.transfer",
        "kam_bot.cli.serve",
        "kam_bot.cli.jobs",
        "kam_bot.cli.rates",
        "kam_bot.cli.admin",
        "kam_bot.cli.team",
        *platforms.cli_modules(),
        "kam_bot.cli.calendar",
        "kam_bot.cli.crm",
    ):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


if __name__ == "__main__":
    raise SystemExit(main())
