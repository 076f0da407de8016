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

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from kam_bot.domain.models import User
from kam_bot.jobs.notifications import Notification
from kam_bot.store.outbox import DEAD, PENDING, SENT, SKIPPED, Encoded, NewMessage

__all__ = [
    "DEAD", "PENDING", "SENT", "SKIPPED", "Encoded", "NewMessage",
    "daily_key", "digest_key", "key", "payload", "payload_text",
]  # fmt: skip

NO_CHAT_IDENTITY = "no_chat_identity"
"""Why a DM's row is dead from the start: its person has no identity on any platform it may go to."""


def key(kind: str, recipient: str, period: str, entity: str | None = None) -> str:
    return ":".join([kind, recipient, period, *([entity] if entity else [])])


def daily_key(user_id: int, day: date) -> str:
    return key("daily", f"u{user_id}", day.isoformat())


def digest_key(team_id: int, week: str, platform: str) -> str:
    """One digest per team, week and platform it is posted on."""
    return key("digest", f"t{team_id}", week, platform)


def dm_address(person: User, platforms: Sequence[str]) -> tuple[str, str] | None:
    """(platform, recipient) for a DM: the first of ``platforms`` (``App.recipient_platforms``: the
    enabled ones, in the order they are listed) the person has an identity on; None: none.

    The recipient is the person's identity on that platform: a Slack user id opens the DM with
    the app; a platform that needs more to reach a person (Teams' conversation reference) looks
    it up from the identity in its deliverer.
    """
    for platform in platforms:
        if person.identities.get(platform):
            return platform, person.identities[platform]
    return None


def dm_message(
    message_key: str, kind: str, person: User, platforms: Sequence[str], body: dict[str, Any] | Encoded
) -> NewMessage:
    """The outbox row of a DM to ``person``; dead at once, ``no_chat_identity``, when no platform can
    reach them (``kam-bot outbox`` lists it; ``kam-bot remind --dry-run`` says so beforehand)."""
    address = dm_address(person, platforms)
    if address is None:
        return NewMessage(
            message_key, kind, "", "", body, user_id=person.id, status=DEAD, last_error=NO_CHAT_IDENTITY
        )
    platform, recipient = address
    return NewMessage(message_key, kind, platform, recipient, body, user_id=person.id)


def payload(note: Notification, expires_at: datetime | None) -> dict[str, Any]:
    """What the sender needs: the notification (it renders the neutral Reply from it at send time,
    after dropping the promises done since), its locale and when it expires.

    Fields at their defaults are left out (``exclude_defaults``: validating the payload gives the
    same notification back), which with no stored Reply makes a row about a third of its old size.
    """
    return {
        "notification": note.model_dump(mode="json", exclude_defaults=True),
        "locale": note.locale.value,
        "expires_at": expires_at.isoformat() if expires_at else None,
    }


def payload_text(note: Notification, expires_at: datetime | None) -> Encoded:
    """``payload`` encoded as JSON in one step (pydantic's serializer writes the text directly: no
    dict built and walked again by ``json.dumps``); decoded, it is ``payload``'s dict, key for key.

    The text differs from ``json.dumps``' only in spacing and in non-ASCII characters written as
    they are, not escaped: the same JSON value, so the same message (the morning DMs of a tick
    are megabytes of it)."""
    notification = note.model_dump_json(exclude_defaults=True)
    locale = json.dumps(note.locale.value)
    expires = json.dumps(expires_at.isoformat() if expires_at else None)
    return Encoded(f'{{"notification":{notification},"locale":{locale},"expires_at":{expires}}}')
