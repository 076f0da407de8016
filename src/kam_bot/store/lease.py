"""The sender's claims on outbox rows: a lease, so two processes never send the same row.

``claim`` is one statement on both databases::

    UPDATE outbox SET claimed_by = :token, claimed_until = :now + :lease
    WHERE id IN (SELECT id FROM outbox
                 WHERE status = 'pending' AND next_attempt_at <= :now
                   AND (claimed_until IS NULL OR claimed_until < :now) AND platform IN (...)
                 ORDER BY next_attempt_at, id LIMIT :n
                 FOR UPDATE SKIP LOCKED)            -- PostgreSQL only
    RETURNING ...

On PostgreSQL ``SKIP LOCKED`` lets concurrent senders take disjoint rows without waiting; on
SQLite the statement takes the write lock, so claims are serialised. ``token`` is new for
every claim. Every later change (progress, sent, retry, dead) is conditioned on
``claimed_by = token``: a sender whose lease ran out changes nothing.

A process killed mid-delivery leaves its rows claimed; once ``claimed_until`` has passed, the
next sender claims them again and delivers. The one duplicate this allows: Slack accepted
the message and the process died before its "sent" commit (a few milliseconds: the commit
runs right after the API call returns, in its own transaction), or the call outlived the
lease (the lease is kept well above the HTTP timeout).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from kam_bot.store.outbox import DEAD, PENDING, SENT, SKIPPED
from kam_bot.store.tables import OutboxRow, PromiseRow

DEFAULT_LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    kind: str
    platform: str
    recipient: str
    user_id: int | None
    team_id: int | None
    payload: dict[str, Any]
    attempts: int
    message_ref: str | None
    token: str


def _due(now: datetime, platforms: list[str]) -> Any:
    return and_(
        OutboxRow.status == PENDING,
        OutboxRow.next_attempt_at <= now,
        or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
        OutboxRow.platform.in_(platforms),
    )


def any_due(session: Session, now: datetime, platforms: list[str]) -> bool:
    """A cheap read first, so an idle poll never takes a write lock."""
    return bool(session.scalar(select(exists().where(_due(now, platforms)))))


def claim(
    session: Session,
    now: datetime,
    platforms: list[str],
    token: str,
    limit: int,
    lease: timedelta = DEFAULT_LEASE,
) -> list[Claimed]:
    """Claim up to ``limit`` due rows for ``lease``; commits."""
    if not platforms:
        return []
    ids = select(OutboxRow.id).where(_due(now, platforms)).order_by(OutboxRow.next_attempt_at, OutboxRow.id)
    ids = ids.limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        ids = ids.with_for_update(skip_locked=True)
    stmt = (
        update(OutboxRow)
        .where(OutboxRow.id.in_(ids.scalar_subquery()), _due(now, platforms))
        .values(claimed_by=token, claimed_until=now + lease)
        .returning(
            OutboxRow.id,
            OutboxRow.key,
            OutboxRow.kind,
            OutboxRow.platform,
            OutboxRow.recipient,
            OutboxRow.user_id,
            OutboxRow.team_id,
            OutboxRow.payload,
            OutboxRow.attempts,
            OutboxRow.message_ref,
        )
        .execution_options(synchronize_session=False)
    )
    rows = session.execute(stmt).all()
    session.commit()
    claimed = [Claimed(**row._mapping, token=token) for row in rows]
    return sorted(claimed, key=lambda c: c.id)


def _change(session: Session, item: Claimed, **values: Any) -> bool:
    result = session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == item.id, OutboxRow.claimed_by == item.token, OutboxRow.status == PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0) == 1)


def checkpoint(session: Session, item: Claimed, message_ref: str) -> bool:
    """Remember a step already done (the digest's message posted before its chart)."""
    return _change(session, item, message_ref=message_ref)


def mark_sent(session: Session, item: Claimed, now: datetime, message_ref: str | None) -> bool:
    return _change(
        session, item, status=SENT, sent_at=now, message_ref=message_ref, claimed_until=None, last_error=None
    )


def mark_skipped(session: Session, item: Claimed, reason: str) -> bool:
    return _change(session, item, status=SKIPPED, last_error=reason, claimed_until=None)


def mark_dead(session: Session, item: Claimed, reason: str, attempts: int) -> bool:
    return _change(session, item, status=DEAD, last_error=reason, attempts=attempts, claimed_until=None)


def reschedule(session: Session, item: Claimed, at: datetime, reason: str | None, attempts: int) -> bool:
    """Back to the queue, due at ``at``; ``attempts`` is what the row counts from now on."""
    return _change(
        session,
        item,
        next_attempt_at=at,
        last_error=reason,
        attempts=attempts,
        claimed_by=None,
        claimed_until=None,
    )


class SqlLeases:
    """The lease functions above for the sender, each call in its own session and transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def _run(self, fn: Callable[..., bool], item: Claimed, *args: object) -> bool:
        with self._sessions() as session:
            return fn(session, item, *args)

    def claim(
        self, now: datetime, platforms: list[str], token: str, limit: int, lease: timedelta = DEFAULT_LEASE
    ) -> list[Claimed]:
        """Due rows claimed for ``lease`` (nothing due: one cheap read, no write lock)."""
        with self._sessions() as session:
            if not any_due(session, now, platforms):
                return []
            return claim(session, now, platforms, token, limit, lease)

    def checkpoint(self, item: Claimed, message_ref: str) -> bool:
        return self._run(checkpoint, item, message_ref)

    def mark_sent(self, item: Claimed, now: datetime, message_ref: str | None) -> bool:
        return self._run(mark_sent, item, now, message_ref)

    def mark_skipped(self, item: Claimed, reason: str) -> bool:
        return self._run(mark_skipped, item, reason)

    def mark_dead(self, item: Claimed, reason: str, attempts: int) -> bool:
        return self._run(mark_dead, item, reason, attempts)

    def reschedule(self, item: Claimed, at: datetime, reason: str | None, attempts: int) -> bool:
        return self._run(reschedule, item, at, reason, attempts)

    def promise_states(self, ids: Collection[int]) -> dict[int, tuple[str, date | None]]:
        """Promise id -> (status, snoozed until), for the promises a message lists (gone: absent)."""
        with self._sessions() as session:
            rows = session.execute(
                select(PromiseRow.id, PromiseRow.status, PromiseRow.snoozed_until).where(
                    PromiseRow.id.in_(sorted(set(ids)))
                )
            ).all()
        return {pid: (status, snoozed) for pid, status, snoozed in rows}
