"""The outbox table: writing rows by unique key, and the operator's listing and retry.

``enqueue`` is ``INSERT .. ON CONFLICT (key) DO NOTHING``: deciding the same message twice
(two processes, a re-run, an overlapping window) writes one row, so it is sent once. The key
format and what goes into a row are the jobs' (``jobs.outbox``).

Row status: ``pending`` -> ``sent``; or ``dead`` (permanent error, too many attempts; ``kam-bot
outbox retry`` puts it back); or ``skipped`` (expired before it could be sent, or nothing left
to say once the promises it listed were done).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, any_, bindparam, case, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kam_bot.store.tables import UTC_TS, OutboxIncidentRow, OutboxRow, UserRow

PENDING, SENT, DEAD, SKIPPED = "pending", "sent", "dead", "skipped"
CHUNK = 5000
"""Most keys bound in one ``IN (...)``."""


@dataclass(frozen=True)
class Encoded:
    """A payload already encoded as JSON text (a JSON object): written as it is on PostgreSQL, so a
    batch of large payloads is not turned into dicts only to be encoded again."""

    text: str


@dataclass(frozen=True)
class NewMessage:
    key: str
    kind: str
    platform: str
    recipient: str
    payload: dict[str, Any] | Encoded
    user_id: int | None = None
    team_id: int | None = None
    status: str = PENDING
    """``skipped`` for a message decided but undeliverable (``last_error`` says why)."""
    last_error: str | None = None


def _values(message: NewMessage, now: datetime) -> dict[str, Any]:
    payload = message.payload
    body = json.loads(payload.text) if isinstance(payload, Encoded) else payload
    return {**_record(message), "payload": body, "attempts": 0, "next_attempt_at": now, "created_at": now}


def _insert(session: Session) -> Any:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(OutboxRow).on_conflict_do_nothing(index_elements=["key"]).returning(OutboxRow.id)


def exists(session: Session, message_key: str) -> bool:
    return session.scalar(select(OutboxRow.id).where(OutboxRow.key == message_key)) is not None


def existing_keys(session: Session, keys: Collection[str]) -> set[str]:
    found: set[str] = set()
    items = sorted(set(keys))
    if session.get_bind().dialect.name == "postgresql":  # one array parameter, not one per key
        wanted = any_(bindparam("keys", items, type_=ARRAY(OutboxRow.key.type)))
        return set(session.scalars(select(OutboxRow.key).where(OutboxRow.key == wanted)))
    for i in range(0, len(items), CHUNK):
        found.update(session.scalars(select(OutboxRow.key).where(OutboxRow.key.in_(items[i : i + CHUNK]))))
    return found


def enqueue(session: Session, message: NewMessage, now: datetime) -> bool:
    """Insert the row unless its key exists; True when this call wrote it. Commit is the caller's."""
    return session.execute(_insert(session).values(**_values(message, now))).first() is not None


_COLUMNS = ("key", "kind", "platform", "recipient", "user_id", "team_id", "status", "last_error")
_UNNEST = (
    "INSERT INTO outbox (key, kind, platform, recipient, user_id, team_id, status, last_error, payload,"
    " attempts, next_attempt_at, created_at)"
    " SELECT r.key, r.kind, r.platform, r.recipient, r.user_id, r.team_id, r.status, r.last_error,"
    " CAST(r.payload AS json), 0, %b, %b"
    " FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[], %b::integer[], %b::integer[],"
    " %b::text[], %b::text[], %b::text[])"
    " AS r(key, kind, platform, recipient, user_id, team_id, status, last_error, payload)"
    " ON CONFLICT (key) DO NOTHING RETURNING id"
)


def enqueue_many(session: Session, messages: Sequence[NewMessage], now: datetime) -> int:
    """``enqueue`` for many messages at once: rows whose key exists are left alone
    (``ON CONFLICT DO NOTHING``, also against a concurrent writer); returns how many were written."""
    if not messages:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        return _enqueue_columns(session, messages, now)
    # executemany: SQLAlchemy sends multi-row INSERTs ("insertmanyvalues"), RETURNING the rows written
    return len(session.execute(_insert(session), [_values(m, now) for m in messages]).all())


def _record(message: NewMessage) -> dict[str, Any]:
    """The columns of a row but its payload (``_values``, ``_enqueue_columns``)."""
    return {
        "key": message.key,
        "kind": message.kind,
        "platform": message.platform,
        "recipient": message.recipient,
        "user_id": message.user_id,
        "team_id": message.team_id,
        "status": message.status,
        "last_error": message.last_error,
    }


def _payload_text(message: NewMessage) -> str:
    payload = message.payload
    return payload.text if isinstance(payload, Encoded) else json.dumps(payload)


def _enqueue_columns(session: Session, messages: Sequence[NewMessage], now: datetime) -> int:
    """PostgreSQL: every row in one statement, a column per array parameter, sent in binary.

    As the driver's own SQL (``%b``: binary), still through the session's connection, its
    transaction, its events and its error handling: SQLAlchemy's bound lists go in text, and
    psycopg's text form of an array quotes every element in Python (about eight times as slow for
    the megabytes of a tick's morning DMs); a JSON array of the rows, split up by
    ``json_to_recordset``, had the server parse every payload twice."""
    records = [_record(m) for m in messages]
    columns = [[r[name] for r in records] for name in _COLUMNS]
    payloads = [_payload_text(m) for m in messages]
    at = UTC_TS.process_bind_param(now, session.get_bind().dialect)  # refuses a naive one
    return len(session.connection().exec_driver_sql(_UNNEST, (at, at, *columns, payloads)).all())


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


def dead_people(session: Session, since: datetime, reason: str) -> list[str]:
    """The name on each row written at or after ``since`` that is dead for ``reason``."""
    rows = session.scalars(
        select(UserRow.display_name)
        .join(OutboxRow, OutboxRow.user_id == UserRow.id)
        .where(OutboxRow.status == DEAD, OutboxRow.last_error == reason, OutboxRow.created_at >= since)
        .order_by(UserRow.display_name)
    )
    return list(rows)


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
    """Put dead rows back in the queue with a fresh attempt count; returns how many.

    A row with no platform (its person could not be reached on any: ``no_chat_identity``) stays
    dead: there is nowhere to send it; the next day's DM finds their new identity."""
    stmt = update(OutboxRow).where(OutboxRow.status == DEAD, OutboxRow.platform != "")
    if ids:
        stmt = stmt.where(OutboxRow.id.in_(ids))
    result = session.execute(
        stmt.values(
            status=PENDING, attempts=0, next_attempt_at=now, claimed_by=None, claimed_until=None
        ).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))
