"""Request keys: "is this the first delivery of key K?", one row per (platform, key) with an
expiry, on both databases. The SQL behind ``Repository.claim`` / ``release_claim`` (and so
behind ``services.claims.ClaimService``, the protocol every platform adapter uses).

A platform re-sends what it thinks was not received (Slack: ``X-Slack-Retry-Num``), a signed
request can be replayed while its timestamp is fresh, and a user can submit the same form
twice. The first delivery is one statement that answers True exactly once per key among all
processes on the database until the key expires::

    INSERT INTO request_keys (platform, key, seen_at, expires_at) VALUES (...)
    ON CONFLICT (platform, key) DO UPDATE SET seen_at = .., expires_at = ..
        WHERE request_keys.expires_at <= :now          -- an expired key counts as new
    RETURNING id                                         -- a row back: first delivery
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kam_bot.store.tables import RequestKeyRow


def first(session: Session, platform: str, key: str, now: datetime, expires_at: datetime) -> bool:
    """Record ``key`` until ``expires_at``; True if it was not recorded (or had expired)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(RequestKeyRow).values(platform=platform, key=key, seen_at=now, expires_at=expires_at)
    stmt = stmt.on_conflict_do_update(
        index_elements=["platform", "key"],
        set_={"seen_at": stmt.excluded.seen_at, "expires_at": stmt.excluded.expires_at},
        where=RequestKeyRow.expires_at <= now,
    )
    return session.execute(stmt.returning(RequestKeyRow.id)).first() is not None


def forget(session: Session, platform: str, key: str) -> None:
    session.execute(delete(RequestKeyRow).where(RequestKeyRow.platform == platform, RequestKeyRow.key == key))


def prune(session: Session, now: datetime) -> int:
    """Delete the expired keys; how many."""
    result = session.execute(delete(RequestKeyRow).where(RequestKeyRow.expires_at <= now))
    return int(getattr(result, "rowcount", 0))
