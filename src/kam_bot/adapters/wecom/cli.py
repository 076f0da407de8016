"""`kam-bot wecom-link`: link imported users to their WeCom userids by email.

Apps created after 20 June 2022 cannot read a member's email (developer.work.weixin.qq.com/
document/path/96255), so a person who writes to kam-bot is not matched to an imported user by
it. This asks WeCom the other way round (``user/get_userid_by_email``, path/96268) for every
user with an email and no WeCom id yet. WeCom blocks the lookup for a day when more than 20 %
of an app's lookups miss, so ``--dry-run`` first and a clean users.csv help.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from kam_bot.adapters.wecom import NAME
from kam_bot.adapters.wecom.platform import REGISTRATION
from kam_bot.cli import _EXTRA_PARSERS, command, open_app
from kam_bot.config import Settings, SettingsError


def _add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    link = sub.add_parser(
        "wecom-link",
        help="link imported users to their WeCom userids by email (user/get_userid_by_email)",
        description="For every user with an email and no WeCom id: ask WeCom for the userid and link it.",
    )
    link.add_argument("--dry-run", action="store_true", help="print what would be linked, link nothing")


_EXTRA_PARSERS.append(_add_parser)


@command("wecom-link")
def _wecom_link(args: argparse.Namespace, settings: Settings) -> int:
    from kam_bot.adapters.wecom.linking import link_all

    try:
        wecom = REGISTRATION.load_settings()
        REGISTRATION.check(wecom)
    except SettingsError as exc:
        print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    app = open_app(settings)
    for line in asyncio.run(link_all(app, wecom, dry_run=args.dry_run)):
        print(line)
    return 0


__all__ = ["NAME"]
