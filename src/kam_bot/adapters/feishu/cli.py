"""`kam-bot feishu-ids users.csv`: fill the ``feishu_id`` column from Feishu's contact API.

Registered by Feishu (``platform.REGISTRATION.cli``); the SDK loads only when the command runs."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from kam_bot.adapters.feishu.platform import REGISTRATION
from kam_bot.cli import _EXTRA_PARSERS, command
from kam_bot.config import Settings, SettingsError


def _add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ids = sub.add_parser(
        "feishu-ids",
        help="fill users.csv's feishu_id column from Feishu (by email, or a mobile column)",
        description="Look up each person's Feishu open_id by email (or the file's mobile column) with "
        "the contact API and write the file with feishu_id filled; then import it with "
        "`kam-bot import users`. Needs FEISHU_APP_ID / FEISHU_APP_SECRET and the contact scopes.",
    )
    ids.add_argument("file", help="users.csv to read")
    ids.add_argument("--out", "-o", help="file to write (default: the same file)")


_EXTRA_PARSERS.append(_add_parser)


@command("feishu-ids")
def _feishu_ids(args: argparse.Namespace, settings: Settings) -> int:
    from .api import Api, FeishuError
    from .link import COLUMN, fill_ids

    try:
        config = REGISTRATION.load_settings()
        REGISTRATION.check(config)
    except SettingsError as exc:
        print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    source = Path(args.file)
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows, columns = list(reader), list(reader.fieldnames or [])
    assert config.app_id and config.app_secret
    try:
        filled = fill_ids(rows, Api(config.app_id, config.app_secret, config.api_url))
    except FeishuError as exc:
        print(f"kam-bot: Feishu refused the look-up: {exc.msg} (code {exc.code})", file=sys.stderr)
        return 1
    out = Path(args.out or source)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [*columns, *([COLUMN] if COLUMN not in columns else [])])
        writer.writeheader()
        writer.writerows(filled.rows)
    print(f"Wrote {out}: {filled.found} Feishu id(s) found.")
    if filled.unknown:
        print(f"Not found in Feishu (outside the app's availability scope?): {', '.join(filled.unknown)}")
    return 0
