"""`kam-bot team show [--team NAME]` and `kam-bot team set --team NAME [--timezone TZ]
[--language en|zh|auto] [--digest PLATFORM=ADDRESS]`: a team's time zone, digest language and
digest destinations, as the command line's operator (an admin)."""

from __future__ import annotations

import argparse
import sys

from kam_bot.cli import _EXTRA_PARSERS, OPERATOR, command, open_app
from kam_bot.config import Settings
from kam_bot.handlers.team_settings import settings_lines
from kam_bot.i18n import t
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.services.errors import ServiceError

OPTIONS = {"team": "--team", "timezone": "--timezone", "locale": "--language", "digest": "--digest"}
"""A service error's field -> the option it is about."""


def _parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    team = sub.add_parser("team", help="a team's time zone, digest language and digest destinations (admins)")
    actions = team.add_subparsers(dest="team_command", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="every team's settings, or one team's")
    show.add_argument("--team", help="only this team")
    change = actions.add_parser("set", help="change a team's settings")
    change.add_argument("--team", required=True, help="the team's name")
    change.add_argument("--timezone", metavar="TZ", help="its time zone, e.g. Asia/Shanghai")
    change.add_argument(
        "--language", metavar="en|zh|auto", help="the digest's language; auto: the one most members use"
    )
    change.add_argument(
        "--digest",
        action="append",
        default=[],
        metavar="PLATFORM=ADDRESS",
        help="where the digest goes on a platform (slack=C0123456789); PLATFORM= stops it there",
    )


_EXTRA_PARSERS.append(_parsers)


@command("team")
def team_command(args: argparse.Namespace, settings: Settings) -> int:
    loc = resolve_locale(settings.default_locale)
    prog = f"kam-bot team {args.team_command}"
    destinations: dict[str, str] = {}
    for given in getattr(args, "digest", []):
        platform, sep, address = given.partition("=")
        if not sep or not platform.strip():
            print(f"{prog}: --digest: {t('team.bad_digest', loc, value=given)}", file=sys.stderr)
            return 2
        destinations[platform.strip()] = address.strip()
    app = open_app(settings)
    try:
        if args.team_command == "show":
            items = app.teams.settings(OPERATOR, args.team)
        elif args.timezone is None and args.language is None and not destinations:
            print(f"{prog}: {t('team.cli.nothing', loc)}", file=sys.stderr)
            return 2
        else:
            changed = app.teams.update(
                OPERATOR, args.team, timezone=args.timezone, language=args.language, destinations=destinations
            )
            items = [changed]
    except ServiceError as exc:
        option = f"{OPTIONS[exc.field]}: " if exc.field in OPTIONS else ""
        print(f"{prog}: {option}{t(exc.message, loc, **exc.params)}", file=sys.stderr)
        return 2
    for line in settings_lines(items, loc):
        print(line)
    return 0
