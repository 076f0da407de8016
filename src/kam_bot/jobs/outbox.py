"""The outbox: every scheduled message is a row with a unique key before anything is sent.

Key format: ``<kind>:<recipient>:<period>[:<entity>]``

- ``kind``       ``daily`` (the morning DM) or ``digest`` (the weekly team digest);
- ``recipient``  ``u<user id>`` or ``t<team id>`` — our ids, not platform ids, so a user who
  links another platform keeps the same key;
- ``period``     the recipient's local date ``2026-11-23`` (daily) or the ISO week the digest
  is about ``2026-W47``;
- ``entity``     optional, for messages about one thing (``a<account id>``).

``enqueue`` is ``INSERT .. ON CONFLICT (key) DO NOTHING``: deciding the same message twice
(two processes, a re-run, an overlapping window) writes one row, so it is sent once.

Row status: ``pending`` -> ``sent``; or ``dead`` (permanent error, too many attempts; ``kam-bot
outbox retry`` puts it back); or ``skipped`` (expired before it could be sent, or nothing left
to say once the promises it listed were done).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kam_bot.domain.enums import Platform
from kam_bot.domain.models import User
from kam_bot.jobs.notifications import Notification
from kam_bot.store.tables import OutboxIncidentRow, OutboxRow

PENDING, SENT, DEAD, SKIPPED = "pending", "sent", "dead", "skipped"

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


@dataclass(frozen=True)
class NewMessage:
    key: str
    kind: str
    platform: str
    recipient: str
    payload: dict[str, Any]
    user_id: int | None = None
    team_id: int | None = None


def exists(session: Session, message_key: str) -> bool:
    return session.scalar(select(OutboxRow.id).where(OutboxRow.key == message_key)) is not None


def enqueue(session: Session, message: NewMessage, now: datetime) -> bool:
    """Insert the row unless its key exists; True when this call wrote it. Commit is the caller's."""
    values = {
        "key": message.key,
        "kind": message.kind,
        "platform": message.platform,
        "recipient": message.recipient,
        "user_id": message.user_id,
        "team_id": message.team_id,
        "payload": message.payload,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(OutboxRow).values(**values).on_conflict_do_nothing(index_elements=["key"])
    return session.execute(stmt.returning(OutboxRow.id)).first() is not None


# -- admin ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    key: str
    kind: str
    platform: str
    recipient: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    message_ref: str | None


def _entry(row: OutboxRow) -> OutboxEntry:
    return OutboxEntry(
        row.id,
        row.key,
        row.kind,
        row.platform,
        row.recipient,
        row.status,
        row.attempts,
        row.next_attempt_at,
        row.last_error,
        row.created_at,
        row.sent_at,
        row.message_ref,
    )


def entries(
    session: Session, statuses: tuple[str, ...] = (PENDING, DEAD), limit: int = 500
) -> list[OutboxEntry]:
    rows = session.scalars(
        select(OutboxRow).where(OutboxRow.status.in_(statuses)).order_by(OutboxRow.id).limit(limit)
    )
    return [_entry(r) for r in rows]


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status)).all()
    return {status: int(n) for status, n in rows}


IN_FLIGHT = "in flight"
STATES = (PENDING, IN_FLIGHT, SENT, DEAD, SKIPPED)
"""What ``kam-bot outbox`` counts: ``in flight`` is a pending row a sender holds a lease on."""


def state_counts(session: Session, now: datetime) -> dict[str, int]:
    """Rows per state of ``STATES``, every state present (0 when none)."""
    held = and_(
        OutboxRow.status == PENDING, OutboxRow.claimed_until.is_not(None), OutboxRow.claimed_until >= now
    )
    state = case((held, IN_FLIGHT), else_=OutboxRow.status)
    rows = session.execute(select(state, func.count()).group_by(state)).all()
    found = {str(s): int(n) for s, n in rows}
    return {name: found.get(name, 0) for name in STATES} | {s: n for s, n in found.items() if s not in STATES}


@dataclass(frozen=True)
class Incident:
    """A possible repeat the sender detected (see ``OutboxIncidentRow``)."""

    outbox_id: int
    key: str
    status: str
    kind: str
    instance: str
    at: datetime
    detail: str | None


def incidents(session: Session, limit: int = 200) -> list[Incident]:
    """The latest incidents, oldest first."""
    rows = session.execute(
        select(
            OutboxRow.id,
            OutboxRow.key,
            OutboxRow.status,
            OutboxIncidentRow.kind,
            OutboxIncidentRow.instance,
            OutboxIncidentRow.at,
            OutboxIncidentRow.detail,
        )
        .join(OutboxRow, OutboxRow.id == OutboxIncidentRow.outbox_id)
        .order_by(OutboxIncidentRow.id.desc())
        .limit(limit)
    ).all()
    return [Incident(*row) for row in reversed(rows)]


def retry_dead(session: Session, now: datetime, ids: list[int] | None = None) -> int:
    """Put dead rows back in the queue with a fresh attempt count; returns how many."""
    stmt = update(OutboxRow).where(OutboxRow.status == DEAD)
    if ids:
        stmt = stmt.where(OutboxRow.id.in_(ids))
    result = session.execute(
        stmt.values(
            status=PENDING, attempts=0, next_attempt_at=now, claimed_by=None, claimed_until=None
        ).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))
