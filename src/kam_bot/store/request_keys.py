"""First delivery of a key? One row per (platform, key) with an expiry, on both databases.

A platform re-sends what it thinks was not received (Slack: ``X-Slack-Retry-Num``), a
signed request can be replayed while its timestamp is fresh, and a user can submit the same
form twice. Each adapter names a key for what it receives; ``first`` answers True exactly
once per key among all processes on the database until the key expires, with one
statement::

    INSERT INTO request_keys (platform, key, seen_at, expires_at) VALUES (...)
    ON CONFLICT (platform, key) DO UPDATE SET seen_at = .., expires_at = ..
        WHERE request_keys.expires_at <= :now          -- an expired key counts as new
    RETURNING id                                         -- a row back: first delivery

``RequestKeys`` is the protocol the adapters see (Slack today, Teams the same way).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kam_bot.store.tables import RequestKeyRow

DEFAULT_TTL = timedelta(hours=1)
"""Slack's last retry comes about 5 minutes after the first delivery and a signed request is
refused 5 minutes after its timestamp: an hour is ample."""
PRUNE_EVERY = 500
"""Delete expired rows on one insert in this many (per process)."""


class RequestKeys(Protocol):
    def first(self, platform: str, key: str, ttl: timedelta = DEFAULT_TTL) -> bool:
        """True the first time ``key`` is seen (or once it has expired); False for a repeat."""
        ...

    def forget(self, platform: str, key: str) -> None:
        """Let ``key`` count as new again (the work it guarded was not done)."""
        ...


class SqlRequestKeys:
    """``RequestKeys`` on the application's database, each call its own short transaction."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._clock = clock
        self._calls = itertools.count(1)

    def first(self, platform: str, key: str, ttl: timedelta = DEFAULT_TTL) -> bool:
        now = self._clock()
        insert = pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert
        stmt = insert(RequestKeyRow).values(platform=platform, key=key, seen_at=now, expires_at=now + ttl)
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "key"],
            set_={"seen_at": stmt.excluded.seen_at, "expires_at": stmt.excluded.expires_at},
            where=RequestKeyRow.expires_at <= now,
        )
        with Session(self._engine) as session, session.begin():
            new = session.execute(stmt.returning(RequestKeyRow.id)).first() is not None
            if next(self._calls) % PRUNE_EVERY == 0:
                session.execute(delete(RequestKeyRow).where(RequestKeyRow.expires_at <= now))
        return new

    def forget(self, platform: str, key: str) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(
                delete(RequestKeyRow).where(RequestKeyRow.platform == platform, RequestKeyRow.key == key)
            )

    def prune(self) -> int:
        """Delete every expired key; returns how many."""
        with Session(self._engine) as session, session.begin():
            result = session.execute(delete(RequestKeyRow).where(RequestKeyRow.expires_at <= self._clock()))
        return int(getattr(result, "rowcount", 0))
