"""`kam-bot teams-package`: the Teams app package (manifest and icons) to upload to Teams.

Registered by Teams (``platform.REGISTRATION.cli``); the Teams SDK is not needed for it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kam_bot.adapters.teams.platform import REGISTRATION
from kam_bot.cli import _EXTRA_PARSERS, command
from kam_bot.config import Settings, SettingsError


def _add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pkg = sub.add_parser(
        "teams-package",
        help="write the Teams app package (manifest.json + icons) for TEAMS_CLIENT_ID",
        description="Write the zip to upload in Teams (Apps > Manage your apps > Upload an app) or in "
        "the Teams Developer Portal. The bot id is TEAMS_CLIENT_ID (the Azure Bot's Microsoft App ID).",
    )
    pkg.add_argument(
        "--out", "-o", default="kam-bot-teams.zip", help="zip to write (default kam-bot-teams.zip)"
    )
    pkg.add_argument("--app-id", help="the Teams app id (a GUID; default: the bot id)")
    pkg.add_argument("--developer", default="kam-bot", help="developer name shown in Teams")
    pkg.add_argument("--website", default=None, help="https URL of the developer's site")
    pkg.add_argument("--privacy", default=None, help="https URL of the privacy statement")
    pkg.add_argument("--terms", default=None, help="https URL of the terms of use")


_EXTRA_PARSERS.append(_add_parser)


@command("teams-package")
def _teams_package(args: argparse.Namespace, settings: Settings) -> int:
    from kam_bot.adapters.teams.package import Developer, package

    try:
        client_id = REGISTRATION.load_settings().client_id
    except SettingsError as exc:
        print(f"kam-bot: configuration error: {exc}", file=sys.stderr)
        return 2
    if not client_id:
        print("kam-bot: configuration error: TEAMS_CLIENT_ID is not set: the Azure Bot's Microsoft App ID",
              file=sys.stderr)  # fmt: skip
        return 2
    defaults = Developer()
    developer = Developer(
        name=args.developer,
        website=args.website or defaults.website,
        privacy=args.privacy or defaults.privacy,
        terms=args.terms or defaults.terms,
    )
    for url in (developer.website, developer.privacy, developer.terms):
        if not url.startswith("https://"):
            print(f"kam-bot: {url!r} must be an https:// URL", file=sys.stderr)
            return 2
    out = Path(args.out)
    out.write_bytes(package(client_id, developer, app_id=args.app_id))
    print(f"Wrote {out}: upload it in Teams (Apps > Manage your apps > Upload an app).")
    return 0
