"""The outbox: every scheduled message is a row with a unique key before anything is sent.

Key format: ``<kind>:<recipient>:<period>[:<entity>]``

- ``kind``       ``daily`` (the morning DM) or ``digest`` (the weekly team digest);
- ``recipient``  ``u<user id>`` or ``t<team id>`` — our ids, not platform ids, so a user who
  links another platform keeps the same key;
- ``period``     the recipient's local date ``2026-11-23`` (daily) or the ISO week the digest
  is about ``2026-W47``;
- ``entity``     optional, for messages about one thing (``a<account id>``).

Writing is ``INSERT .. ON CONFLICT (key) DO NOTHING`` (``store.outbox``): deciding the same
message twice (two processes, a re-run, an overlapping window) writes one row, so it is sent once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kam_bot.domain.enums import Platform
from kam_bot.domain.models import User
from kam_bot.jobs.notifications import Notification
from kam_bot.store.outbox import DEAD, PENDING, SENT, SKIPPED, NewMessage

__all__ = ["DEAD", "PENDING", "SENT", "SKIPPED", "NewMessage", "daily_key", "digest_key", "key", "payload"]

PLATFORM_PREFERENCE = (Platform.SLACK.value, Platform.TEAMS.value)
"""A person's DMs go to the first of these platforms they have an identity on."""


def key(kind: str, recipient: str, period: str, entity: str | None = None) -> str:
    return ":".join([kind, recipient, period, *([entity] if entity else [])])


def daily_key(user_id: int, day: date) -> str:
    return key("daily", f"u{user_id}", day.isoformat())


def digest_key(team_id: int, week: str) -> str:
    return key("digest", f"t{team_id}", week)


def dm_address(person: User) -> tuple[str, str]:
    """(platform, recipient) for a DM. No chat identity: Slack with an empty recipient, which the
    Slack deliverer marks dead as ``no_slack_identity``."""
    for platform in PLATFORM_PREFERENCE:
        if person.identities.get(platform):
            return platform, person.identities[platform]
    return Platform.SLACK.value, ""


def payload(note: Notification, expires_at: datetime | None) -> dict[str, Any]:
    """What the sender needs to render per platform: the neutral Reply and the notification behind it."""
    return {
        "reply": note.to_reply().model_dump(mode="json"),
        "notification": note.model_dump(mode="json"),
        "locale": note.locale.value,
        "expires_at": expires_at.isoformat() if expires_at else None,
    }
