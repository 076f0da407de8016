"""The Teams app package: ``manifest.json`` and its two icons, zipped, ready to upload.

The manifest names the bot (its id is the Azure Bot's Microsoft App ID, ``TEAMS_CLIENT_ID``)
in the personal scope, where every command works, and in the team scope, so the bot can be
added to a team whose channel receives the weekly digest. The command list shows the
console's words with a one-line hint each (Teams shows at most 10 per scope).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from PIL import Image, ImageDraw

MANIFEST_VERSION = "1.30"
SCHEMA_URL = (
    f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
)
ACCENT = "#1F6F8B"

COMMANDS: list[tuple[str, str]] = [
    ("visit", "Log a visit: visit Baosteel met Li Wei; goal: trial - yes"),
    ("promise", "Save a promise: promise Baosteel quote by Friday"),
    ("price", "Record a price: price Baosteel widget-42 4.20 USD/kg"),
    ("stock", "Record stock: stock Baosteel widget-42 120 cases slow"),
    ("account", "Show an account card: account Baosteel"),
    ("today", "Your day: promises due, accounts to visit, planned visits"),
    ("promises", "List your open promises with their numbers"),
    ("done", "Close a promise by its number: done 7"),
    ("settings", "Time zone, language, reminder hour, away"),
    ("help", "What you can type"),
]


@dataclass(frozen=True)
class Developer:
    name: str = "kam-bot"
    website: str = "https://github.com/kam-bot/kam-bot"
    privacy: str = "https://github.com/kam-bot/kam-bot#privacy"
    terms: str = "https://github.com/kam-bot/kam-bot#terms"


def app_version() -> str:
    try:
        return version("kam-bot")
    except PackageNotFoundError:
        return "0.1.0"


def manifest(bot_id: str, developer: Developer, *, app_id: str | None = None) -> dict[str, Any]:
    commands = [{"title": title, "description": hint[:128]} for title, hint in COMMANDS]
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": app_version(),
        "id": app_id or bot_id,
        "developer": {
            "name": developer.name,
            "websiteUrl": developer.website,
            "privacyUrl": developer.privacy,
            "termsOfUseUrl": developer.terms,
        },
        "name": {"short": "kam-bot", "full": "kam-bot: key-account visits, promises and reminders"},
        "description": {
            "short": "Log customer visits and promises in one line; get reminded.",
            "full": (
                "After a customer meeting, type one line (visit Baosteel met Li Wei; we promise a quote "
                "by Friday) and confirm the card: the visit, the promises on both sides, prices and "
                "stock are on record. Each morning kam-bot reminds you of promises coming due and "
                "accounts left unvisited, briefs you before planned visits, and posts a weekly digest "
                "to your team's channel. English and Simplified Chinese."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": bot_id,
                "scopes": ["personal", "team"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": ["personal"], "commands": commands}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def color_icon() -> bytes:
    """192x192, full colour: a white K on the accent colour."""
    image = Image.new("RGBA", (192, 192), ACCENT)
    draw = ImageDraw.Draw(image)
    white = (255, 255, 255, 255)
    draw.rectangle((52, 40, 76, 152), fill=white)
    draw.polygon([(76, 96), (128, 40), (156, 40), (96, 104)], fill=white)
    draw.polygon([(92, 92), (156, 152), (126, 152), (76, 110)], fill=white)
    return _png(image)


def outline_icon() -> bytes:
    """32x32, white on a transparent background (Teams' rule for the outline icon)."""
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    white = (255, 255, 255, 255)
    draw.rectangle((8, 6, 12, 26), fill=white)
    draw.polygon([(12, 16), (21, 6), (26, 6), (16, 17)], fill=white)
    draw.polygon([(15, 15), (26, 26), (21, 26), (12, 18)], fill=white)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def package(bot_id: str, developer: Developer | None = None, *, app_id: str | None = None) -> bytes:
    """The zip Teams takes in "Upload a custom app": manifest.json, color.png, outline.png at its root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "manifest.json", json.dumps(manifest(bot_id, developer or Developer(), app_id=app_id), indent=2)
        )
        zf.writestr("color.png", color_icon())
        zf.writestr("outline.png", outline_icon())
    return buffer.getvalue()
