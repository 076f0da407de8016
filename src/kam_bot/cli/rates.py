"""`kam-bot rates [set FROM TO RATE]`: the exchange rates prices are compared with the list through."""

from __future__ import annotations

import argparse
import sys

from kam_bot import cli
from kam_bot.cli import OPERATOR, command, open_app
from kam_bot.config import Settings
from kam_bot.i18n import t
from kam_bot.services.errors import ServiceError
from kam_bot.services.rates import RateService


def _parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rates = sub.add_parser("rates", help="exchange rates for comparing prices with the price list")
    rates.add_argument("action", nargs="?", choices=["list", "set"], default="list")
    rates.add_argument("values", nargs="*", metavar="FROM TO RATE", help="e.g. set CNY USD 0.14")


cli._EXTRA_PARSERS.append(_parser)


@command("rates")
def rates_command(args: argparse.Namespace, settings: Settings) -> int:
    loc = settings.default_locale
    app = open_app(settings)
    service = RateService(app.uow, app.clock)
    if args.action == "set":
        if len(args.values) != 3:
            print(t("rates.usage", loc), file=sys.stderr)
            return 2
        try:
            source, target, rate = service.set(OPERATOR, *args.values)
        except ServiceError as exc:
            print(f"kam-bot rates: {t(exc.message, loc, **exc.params)}", file=sys.stderr)
            return 2
        print(t("rates.set", loc, source=source, target=target, rate=rate))
        return 0
    rates = service.all()
    if not rates:
        print(t("rates.none", loc))
    for (source, target), rate in sorted(rates.items()):
        print(f"1 {source} = {rate.normalize()} {target}")
    return 0
