"""`kam-bot calendar set|show|import`: each team's working days.

``set`` and ``import`` act as the operator (or ``--as`` an admin) and are audited; ``show``
lists a range's days off and extra working days (default: this year) in the deployment's
language.
"""

from __future__ import annotations

import argparse
import sys

from kam_bot.cli import _EXTRA_PARSERS, command, open_app
from kam_bot.cli.admin import _actor
from kam_bot.cli.transfer import _print_report
from kam_bot.config import Settings
from kam_bot.handlers.calendar import set_reply, show_range, show_reply
from kam_bot.handlers.render import error_reply
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.services.calendar import UNSET
from kam_bot.services.errors import ServiceError
from kam_bot.services.transfer import import_csv


def _parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cal = sub.add_parser("calendar", help="each team's working days: weekend, country, company days")
    actions = cal.add_subparsers(dest="calendar_command", required=True, metavar="ACTION")
    set_ = actions.add_parser("set", help="a team's country, region and weekend (admins)")
    set_.add_argument("--team", required=True)
    set_.add_argument("--country", help="CN, US, SA ... ('' clears it: DEFAULT_CALENDAR_COUNTRY applies)")
    set_.add_argument("--region", help="a region of the country where the holidays differ (US: CA, NY ...)")
    set_.add_argument("--weekend", help="sat,sun (default), fri,sat for a Sunday-Thursday week, none")
    set_.add_argument("--as", dest="as_user", metavar="ADMIN", help="act as this admin (default: operator)")
    show = actions.add_parser("show", help="a team's days off and extra working days in a range")
    show.add_argument("--team", required=True)
    show.add_argument("--from", dest="start", help="first day, 2026-01-01 (default: 1 January this year)")
    show.add_argument("--to", dest="end", help="last day (default: 31 December of --from's year)")
    imp = actions.add_parser("import", help="company days from a CSV: date,kind,team,name (all or nothing)")
    imp.add_argument("file")
    imp.add_argument("--skip-bad", action="store_true", help="write the good rows, list the bad ones")
    imp.add_argument("--as", dest="as_user", metavar="ADMIN", help="act as this admin (default: operator)")


_EXTRA_PARSERS.append(_parser)


@command("calendar")
def calendar_command(args: argparse.Namespace, settings: Settings) -> int:
    loc = resolve_locale(settings.default_locale)
    app = open_app(settings)
    try:
        if args.calendar_command == "show":
            options = {k: v for k, v in (("from", args.start), ("to", args.end)) if v}
            start, end = show_range(options, app.clock().date())
            print(show_reply(app.calendar.show(args.team, start, end, loc), loc).plain_text())
            return 0
        actor = _actor(app, args.as_user, loc)
        if actor is None:
            return 2
        if args.calendar_command == "import":
            try:
                report = import_csv(app, "calendar", args.file, actor=actor, skip_bad=args.skip_bad)
            except FileNotFoundError as exc:
                print(f"kam-bot calendar import: no such file: {exc.filename}", file=sys.stderr)
                return 2
            return _print_report(report, loc, restored=False)
        team = app.calendar.set(
            actor,
            args.team,
            country=UNSET if args.country is None else args.country,
            region=UNSET if args.region is None else args.region,
            weekend=UNSET if args.weekend is None else args.weekend,
        )
        print(set_reply(team, loc, settings.default_calendar_country).plain_text())
        return 0
    except ServiceError as exc:
        print(error_reply(exc, loc).plain_text(), file=sys.stderr)
        return 2
