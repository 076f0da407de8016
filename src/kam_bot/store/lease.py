"""The sender's claims on outbox rows: a lease, so two processes never send the same row.

``claim`` picks the ids ONCE, then updates exactly those rows. On PostgreSQL::

    WITH picked AS MATERIALIZED (
        SELECT id FROM outbox
        WHERE status = 'pending' AND next_attempt_at <= :now
          AND (claimed_until IS NULL OR claimed_until < :now) AND platform IN (...)
        ORDER BY next_attempt_at, id LIMIT :n
        FOR UPDATE SKIP LOCKED)
    UPDATE outbox SET claimed_by = :token, claimed_until = :now + :lease
    FROM picked WHERE outbox.id = picked.id
    RETURNING ...

The earlier ``UPDATE .. WHERE id IN (SELECT .. LIMIT n FOR UPDATE SKIP LOCKED)`` let the
planner turn the subquery into a semi-join and re-run it per row: with stale statistics one
claim of 20 took 51 rows (or all 300). A ``MATERIALIZED`` CTE is evaluated once, so a claim
takes exactly ``min(n, due)`` rows whatever the statistics. SQLite has no semi-join rewrite
of ``IN (SELECT .. LIMIT n)`` (the list is built once) and takes the write lock for the
statement, so it keeps the plain form. ``SKIP LOCKED`` lets concurrent senders take disjoint
rows without waiting. ``token`` is new for every claim.

Every later change (renew, progress, sent, retry, dead) is conditioned on
``claimed_by = token``: a sender whose claim was taken over changes nothing, and learns so
(the functions return False). The claim itself marks its rows ``sending_at`` (a call may reach
the platform any moment now), so a later sender knows to look in the channel's history before
sending one again; it holds for the whole batch at the sender's pace, and the sender calls
``renew`` (one more trip) only for a row whose claim runs short before its turn, so a row is
never sent by a sender that no longer holds it. ``release`` gives back a row never sent, with
the mark it had before.

A process killed mid-delivery leaves its rows claimed; once ``claimed_until`` has passed, the
next sender claims them again. Rows with ``sending_at`` set are checked against the
platform's history first (see the deliverers), so a message Slack accepted just before the
crash is recorded as sent, not posted twice.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from kam_bot.store.outbox import DEAD, PENDING, SENT, SKIPPED
from kam_bot.store.tables import OutboxIncidentRow, OutboxRow, PromiseRow

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
    sending_at: datetime | None
    """Set when an earlier sender started a platform call for this row: it may have landed
    (the value before this claim, which marks the row in flight again)."""
    token: str
    claimed_until: datetime | None = None
    """Until when this claim holds: the sender renews it in the database only when it runs short."""


_CLAIMED_COLUMNS = (
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
    OutboxRow.sending_at,
)


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
    """Claim up to ``limit`` due rows for ``lease``, marked in flight (``sending_at``) at once: a
    sender that dies holding them leaves them to be looked for in the history. Each ``Claimed``
    carries the row's mark from before the claim. Commits."""
    if not platforms:
        return []
    due = select(OutboxRow.id, OutboxRow.sending_at.label("was_sending")).where(_due(now, platforms))
    due = due.order_by(OutboxRow.next_attempt_at, OutboxRow.id).limit(limit)
    values = {"claimed_by": token, "claimed_until": now + lease, "sending_at": now}
    columns = [c for c in _CLAIMED_COLUMNS if c is not OutboxRow.sending_at]
    if session.get_bind().dialect.name == "postgresql":
        picked = due.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
        stmt = update(OutboxRow).where(OutboxRow.id == picked.c.id).values(**values)
        stmt = stmt.returning(*columns, picked.c.was_sending.label("sending_at"))
        rows = [dict(r._mapping) for r in session.execute(stmt.execution_options(synchronize_session=False))]
    else:  # one writer at a time: the marks read just before are the rows' marks
        was = dict(session.execute(due).tuples().all())
        stmt = update(OutboxRow).where(OutboxRow.id.in_(list(was)), _due(now, platforms)).values(**values)
        found = session.execute(stmt.returning(*columns).execution_options(synchronize_session=False))
        rows = [{**r._mapping, "sending_at": was[r.id]} for r in found]
    session.commit()
    claimed = [Claimed(**row, token=token, claimed_until=now + lease) for row in rows]
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


def reschedule(
    session: Session,
    item: Claimed,
    at: datetime,
    reason: str | None,
    attempts: int,
    nothing_posted: bool = False,
) -> bool:
    """Back to the queue, due at ``at``; ``attempts`` is what the row counts from now on.
    ``nothing_posted``: the platform said so (a 429, an error answer): no history check next time."""
    values: dict[str, Any] = {
        "next_attempt_at": at,
        "last_error": reason,
        "attempts": attempts,
        "claimed_by": None,
        "claimed_until": None,
    }
    if nothing_posted:
        values["sending_at"] = None
    return _change(session, item, **values)


def release(session: Session, item: Claimed, at: datetime) -> bool:
    """Back to the queue unsent, due at ``at``, with the in-flight mark it had before this claim."""
    return _change(
        session, item, next_attempt_at=at, claimed_by=None, claimed_until=None, sending_at=item.sending_at
    )


def renew(session: Session, item: Claimed, now: datetime, lease: timedelta = DEFAULT_LEASE) -> bool:
    """Right before a platform call: True if the claim is still ours, now held for ``lease`` more
    and marked ``sending_at``; False if another sender took it over (then do not send)."""
    return _change(session, item, claimed_until=now + lease, sending_at=now)


FOUND_IN_HISTORY = "found_in_history"
LEASE_LOST_BEFORE_SEND = "lease_lost_before_send"
LEASE_LOST_AFTER_SEND = "lease_lost_after_send"
HISTORY_UNAVAILABLE = "history_unavailable"
NOT_FOUND_IN_HISTORY = "not_found_in_history"


def record_incident(
    session: Session, item: Claimed, kind: str, instance: str, now: datetime, detail: str | None = None
) -> bool:
    """Keep a trace of a possible repeat (shown by ``kam-bot outbox``)."""
    session.add(OutboxIncidentRow(outbox_id=item.id, kind=kind, instance=instance, at=now, detail=detail))
    session.commit()
    return True


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

    def reschedule(
        self, item: Claimed, at: datetime, reason: str | None, attempts: int, nothing_posted: bool = False
    ) -> bool:
        return self._run(reschedule, item, at, reason, attempts, nothing_posted)

    def release(self, item: Claimed, at: datetime) -> bool:
        return self._run(release, item, at)

    def renew(self, item: Claimed, now: datetime, lease: timedelta = DEFAULT_LEASE) -> bool:
        return self._run(renew, item, now, lease)

    def renew_and_read(
        self, item: Claimed, now: datetime, lease: timedelta, promise_ids: Collection[int]
    ) -> dict[int, tuple[str, date | None]] | None:
        """``renew``, then ``promise_states`` of ``promise_ids``, in one session: one trip per send
        instead of two. None: the claim was taken over (nothing read; do not send)."""
        with self._sessions() as session:
            if not renew(session, item, now, lease):
                return None
            return _promise_states(session, promise_ids) if promise_ids else {}

    def record_incident(
        self, item: Claimed, kind: str, instance: str, now: datetime, detail: str | None = None
    ) -> bool:
        return self._run(record_incident, item, kind, instance, now, detail)

    def promise_states(self, ids: Collection[int]) -> dict[int, tuple[str, date | None]]:
        """Promise id -> (status, snoozed until), for the promises a message lists (gone: absent)."""
        with self._sessions() as session:
            return _promise_states(session, ids)


def _promise_states(session: Session, ids: Collection[int]) -> dict[int, tuple[str, date | None]]:
    rows = session.execute(
        select(PromiseRow.id, PromiseRow.status, PromiseRow.snoozed_until).where(
            PromiseRow.id.in_(sorted(set(ids)))
        )
    ).all()
    return {pid: (status, snoozed) for pid, status, snoozed in rows}
