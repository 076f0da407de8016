"""The planner ticks: find who is due in the tick's window; if anyone, claim the slot and decide.

``reminder_tick`` runs every 5 minutes, ``digest_tick`` every 15 (both on wall-clock
boundaries). Both are synchronous (database work); ``runtime`` runs them in a worker thread.
Each decision reads what the message will say and writes its outbox row in one transaction
(the account cards of a brief are read through ``AccountService``, in their own). A decision
that fails leaves the run unfinished, so the next tick's window covers it again.

Morning DMs are decided ``REMINDER_BATCH`` people at a time: one transaction reads what all
of them say with a handful of set-based queries (``daily_batch``), builds each DM in memory
and writes the new rows in one ``INSERT .. ON CONFLICT DO NOTHING``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import Row, Select, Table, select

from kam_bot.bootstrap import App
from kam_bot.domain.models import Team, User
from kam_bot.jobs import daily_batch, outbox, planning, slots
from kam_bot.jobs.daily import KIND as DAILY
from kam_bot.jobs.daily import CardSource, brief_accounts, build_daily, compose_daily
from kam_bot.jobs.digest import KIND as DIGEST
from kam_bot.jobs.digest import compute, members, team_locale
from kam_bot.jobs.digest_render import build_digest
from kam_bot.jobs.notifications import Notification
from kam_bot.services.accounts import AccountService
from kam_bot.store.tables import TeamRow, UserRow
from kam_bot.store.uow import SqlUnitOfWork

log = logging.getLogger(__name__)
T = TypeVar("T")

REMINDERS, DIGESTS = "reminders", "digests"
REMINDER_EVERY = timedelta(minutes=5)
DIGEST_EVERY = timedelta(minutes=15)
DIGEST_TTL = timedelta(days=7)
"""A digest not delivered within a week of its decision is skipped."""
REMINDER_BATCH = 500
"""People whose morning DMs are read and written in one transaction."""


@dataclass(frozen=True)
class TickResult:
    claimed: bool
    """False: nobody was due (``idle``) or another process runs this slot."""
    idle: bool = False
    due: int = 0
    queued: int = 0
    failed: int = 0
    window: slots.Window | None = None


# -- deciding one message ------------------------------------------------------------


def _cards(app: App, now: datetime, reads: daily_batch.BriefReads | None = None) -> CardSource:
    uow = reads.uow(app.uow) if reads is not None else app.uow
    return AccountService(uow, lambda: now, app.settings.price_deviation_threshold).card


def daily_notification(
    app: App, uow: SqlUnitOfWork, person: User, day: date, now: datetime
) -> Notification | None:
    """What ``person`` gets on local date ``day`` as of ``now`` (None: nothing to say)."""
    return build_daily(uow.repo, person, day, now, app.settings.escalation_days, _cards(app, now))


def decide_dailies(
    app: App,
    due: Sequence[tuple[int, date]],
    now: datetime,
    isolate: bool = False,
    reads: daily_batch.BriefReads | None = None,
) -> tuple[int, int]:
    """Write the morning DMs of ``due`` (user id, local day) in one transaction, reading what they
    say for all of them at once (``daily_batch``); returns (rows written, people that failed).

    A person whose row exists (or who is gone) is skipped; nothing to say writes nothing. With
    ``isolate`` a person whose DM cannot be built is logged and counted, and the others are
    written; without, the error propagates and nothing is written. ``reads`` lets the account
    cards of the briefs of several calls (one tick) share what they read.
    """
    keys = {user_id: outbox.daily_key(user_id, day) for user_id, day in due}
    failed = 0
    with app.uow() as uow:
        session = uow.repo.session
        people = daily_batch.users(session, keys.keys())
        written = daily_batch.existing_keys(session, keys.values())
        todo = [(people[u], day) for u, day in due if u in people and keys[u] not in written]
        if not todo:
            return 0, 0
        escalation_days = app.settings.escalation_days
        data = daily_batch.load(session, todo, now, escalation_days)
        reads = reads or daily_batch.BriefReads()
        reads.remember(data, people.values())
        reads.prefetch(session, [i for person, day in todo for i in brief_accounts(data, person, day)])
        cards = _cards(app, now, reads)
        messages: list[outbox.NewMessage] = []
        for person, day in todo:
            try:
                note = compose_daily(data, person, day, now, escalation_days, cards)
                if note is None:
                    continue
                platform, recipient = outbox.dm_address(person)
                expires = planning.end_of_local_day(day, person.timezone)
                messages.append(
                    outbox.NewMessage(
                        keys[person.id],
                        DAILY,
                        platform,
                        recipient,
                        outbox.payload(note, expires),
                        user_id=person.id,
                    )
                )
            except Exception:
                if not isolate:
                    raise
                failed += 1
                log.exception("%s: deciding the DM of user %s for %s failed", REMINDERS, person.id, day)
        wrote = daily_batch.enqueue_many(session, messages, now)
        uow.commit()
        return wrote, failed


def decide_daily(app: App, user_id: int, day: date, now: datetime) -> bool:
    """Write the morning DM of one person for ``day``; True when a new outbox row was written."""
    wrote, _ = decide_dailies(app, [(user_id, day)], now)
    return wrote > 0


def digest_notification(
    app: App, uow: SqlUnitOfWork, team: Team, monday: date, now: datetime
) -> Notification:
    data = compute(uow.repo, team, monday, now, app.settings.price_deviation_threshold)
    return build_digest(data, team_locale(members(uow.repo, team), app.settings.default_locale))


def decide_digest(app: App, team: Team, monday: date, now: datetime) -> bool:
    """Write the digest of ``team`` for the week starting ``monday``; True when a new row was written."""
    if not team.digest_channel:
        return False
    key = outbox.digest_key(team.id, planning.iso_week(monday))
    with app.uow() as uow:
        session = uow.repo.session
        if outbox.exists(session, key):
            return False
        note = digest_notification(app, uow, team, monday, now)
        message = outbox.NewMessage(
            key, DIGEST, "slack", team.digest_channel, outbox.payload(note, now + DIGEST_TTL), team_id=team.id
        )
        wrote = outbox.enqueue(session, message, now)
        uow.commit()
        return wrote


# -- the ticks -----------------------------------------------------------------------


_USERS = cast(Table, UserRow.__table__)
_PLANNING_USERS = select(
    _USERS.c.id, _USERS.c.timezone, _USERS.c.reminder_time, _USERS.c.away_until, slots.LAST_FINISHED
)
_TEAMS = select(cast(Table, TeamRow.__table__), slots.LAST_FINISHED)
"""Who might be due, with the latest finished slot on every row: an idle tick is one statement."""


def _people(rows: Sequence[Row[Any]]) -> list[planning.Person]:
    return [planning.Person(*row[:4]) for row in rows]


def _teams(rows: Sequence[Row[Any]]) -> list[Team]:
    return [Team.model_validate(row._mapping) for row in rows]


def _run(
    app: App,
    job: str,
    now: datetime,
    width: timedelta,
    instance: str,
    read: Select[Any],
    find: Callable[[Sequence[Row[Any]], slots.Window], Sequence[T]],
    decide: Callable[[Sequence[T]], tuple[int, int]],
) -> TickResult:
    """Read (one statement, no transaction), then claim and decide if anyone is due.

    ``decide`` gets everyone due and returns (rows written, items that failed)."""
    with app.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        rows = conn.execute(read, slots.window_params(job, now, width)).all()
    window = slots.window_after(rows[0].last_finished if rows else None, job, now, width)
    due = find(rows, window)
    if not due:
        return TickResult(claimed=False, idle=True, window=window)
    with app.uow() as uow:
        if not slots.claim(uow.repo.session, window, instance, now):
            return TickResult(claimed=False, window=window)
        uow.commit()
    queued, failed = decide(due)
    if not failed:
        with app.uow() as uow:
            slots.finish(uow.repo.session, window, now)
            uow.commit()
    return TickResult(claimed=True, due=len(due), queued=queued, failed=failed, window=window)


def _one_by_one(job: str, decide: Callable[[T], bool]) -> Callable[[Sequence[T]], tuple[int, int]]:
    """Decide each item in its own transaction; a failing item is logged and counted."""

    def run(items: Sequence[T]) -> tuple[int, int]:
        queued = failed = 0
        for item in items:
            try:
                queued += decide(item)
            except Exception:
                failed += 1
                log.exception("%s: deciding %r failed", job, item)
        return queued, failed

    return run


def _dailies(app: App, now: datetime) -> Callable[[Sequence[planning.DueReminder]], tuple[int, int]]:
    """Decide the DMs ``REMINDER_BATCH`` people per transaction; a batch that fails counts them all."""

    def run(items: Sequence[planning.DueReminder]) -> tuple[int, int]:
        queued = failed = 0
        reads = daily_batch.BriefReads()
        for i in range(0, len(items), REMINDER_BATCH):
            batch = [(item.user.id, item.day) for item in items[i : i + REMINDER_BATCH]]
            try:
                wrote, lost = decide_dailies(app, batch, now, isolate=True, reads=reads)
            except Exception:
                wrote, lost = 0, len(batch)
                log.exception("%s: deciding the DMs of users %s failed", REMINDERS, [u for u, _ in batch])
            queued += wrote
            failed += lost
        return queued, failed

    return run


def reminder_tick(app: App, now: datetime, instance: str = "") -> TickResult:
    """Every 5 minutes: decide the morning DM of everyone whose moment is in the window."""
    return _run(
        app, REMINDERS, now, REMINDER_EVERY, instance,
        _PLANNING_USERS,
        lambda rows, w: planning.due_reminders(_people(rows), w.start, w.slot),
        _dailies(app, now),
    )  # fmt: skip


def digest_tick(app: App, now: datetime, instance: str = "") -> TickResult:
    """Every 15 minutes: decide the digest of every team whose Monday 09:00 is in the window."""
    return _run(
        app, DIGESTS, now, DIGEST_EVERY, instance,
        _TEAMS,
        lambda rows, w: planning.due_digests(_teams(rows), w.start, w.slot),
        _one_by_one(DIGESTS, lambda item: decide_digest(app, item.team, item.week, now)),
    )  # fmt: skip
