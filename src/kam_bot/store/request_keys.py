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

On PostgreSQL a claim on its own is one autocommitted statement whose transaction sets
``synchronous_commit = off`` for itself: it does not wait for its WAL to reach the disk (the
second fsync of every submission). Other
sessions see the key as soon as it is committed, so the claim stays exactly-once across
processes while the database runs. What it gives up: a key committed in the last
``3 × wal_writer_delay`` (0.6 s by default) before a crash of the database server (not of a
bot process) can be lost, and a retry of that request arriving after the restart is then taken
in again. A key is lost only with nothing committed after it: the save the request makes
commits synchronously and flushing its WAL flushes the key's too, so a retry let through had
either opened a form only or not saved yet. The setting ends with the claim's transaction: the
save that follows on the same connection commits synchronously as before.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, text
from sqlalchemy.orm import Session

from kam_bot.store.tables import RequestKeyRow

KEYS = cast(Table, RequestKeyRow.__table__)
_PARAMS = (
    bindparam("b_platform", type_=KEYS.c.platform.type),
    bindparam("b_key", type_=KEYS.c.key.type),
    bindparam("b_now", type_=KEYS.c.seen_at.type),
    bindparam("b_expires", type_=KEYS.c.expires_at.type),
)
_INTO = "INSERT INTO request_keys (platform, key, seen_at, expires_at)"
_UNLESS_HELD = (
    " ON CONFLICT (platform, key) DO UPDATE"
    " SET seen_at = excluded.seen_at, expires_at = excluded.expires_at"
    " WHERE request_keys.expires_at <= :b_now"
    " RETURNING id"
)
CLAIM_SQL = f"{_INTO} VALUES (:b_platform, :b_key, :b_now, :b_expires){_UNLESS_HELD}"
"""The claim (``b_platform``, ``b_key``, ``b_now``, ``b_expires``): a row back when it was taken
(``store.opening`` runs it inside a visit's save)."""
_FIRST = text(CLAIM_SQL).bindparams(*_PARAMS)
"""The same SQL on both databases, as text: SQLAlchemy does not cache an ``ON CONFLICT DO
UPDATE`` it builds (it compiled one per claim, a request's costliest statement to prepare)."""


_RECORD = text(
    f"{_INTO} VALUES (:b_platform, :b_key, :b_now, :b_expires){_UNLESS_HELD.removesuffix(' RETURNING id')}"
).bindparams(*_PARAMS)
"""``_FIRST`` with no answer, for many keys at once (``record``)."""

_FIRST_ALONE = text(
    "WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))"
    f" {_INTO} SELECT :b_platform, :b_key, :b_now, :b_expires FROM async_commit{_UNLESS_HELD}"
).bindparams(*_PARAMS)
"""PostgreSQL, the claim alone: ``_FIRST`` as one autocommitted statement whose transaction sets
``synchronous_commit = off`` for itself (``set_config(..., true)`` is ``SET LOCAL``): one round
trip instead of three (``SET LOCAL``, the insert, ``COMMIT``)."""


def first(
    session: Session, platform: str, key: str, now: datetime, expires_at: datetime, async_commit: bool = True
) -> bool:
    """Record ``key`` until ``expires_at``; True if it was not recorded (or had expired).
    ``async_commit``: the session holds the claim only (see the module's docstring); on
    PostgreSQL it must not have begun (the claim commits by itself, as one statement)."""
    params = {"b_platform": platform, "b_key": key, "b_now": now, "b_expires": expires_at}
    if async_commit and session.get_bind().dialect.name == "postgresql":
        alone = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return alone.execute(_FIRST_ALONE, params).first() is not None
    return session.connection().execute(_FIRST, params).first() is not None


def record(session: Session, platform: str, keys: list[str], now: datetime, expires_at: datetime) -> None:
    """Record ``keys`` until ``expires_at`` (one statement run for each, in one round trip), as
    ``first`` would; keys already held stay as they are."""
    rows = [{"b_platform": platform, "b_key": key, "b_now": now, "b_expires": expires_at} for key in keys]
    if rows:
        session.execute(_RECORD, rows)


def forget(session: Session, platform: str, key: str) -> None:
    session.execute(delete(RequestKeyRow).where(RequestKeyRow.platform == platform, RequestKeyRow.key == key))


def prune(session: Session, now: datetime) -> int:
    """Delete the expired keys; how many."""
    result = session.execute(delete(RequestKeyRow).where(RequestKeyRow.expires_at <= now))
    return int(getattr(result, "rowcount", 0))
