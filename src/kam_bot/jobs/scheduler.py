"""The planner ticks: find who is due in the tick's window; if anyone, claim the slot and decide.

``reminder_tick`` runs every 5 minutes, ``digest_tick`` every 15 (both on wall-clock
boundaries). Both are synchronous (database work); ``runtime`` runs them in a worker thread.
Each decision reads what the message will say and writes its outbox row in one transaction
(the account cards of a brief are read through ``AccountService``, in their own). A decision
that fails leaves the run unfinished, so the next tick's window covers it again.
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
from kam_bot.jobs import outbox, planning, slots
from kam_bot.jobs.daily import KIND as DAILY
from kam_bot.jobs.daily import build_daily
from kam_bot.jobs.digest import KIND as DIGEST
from kam_bot.jobs.digest import compute, members, team_locale
from kam_bot.jobs.digest_render import build_digest
from kam_bot.jobs.notifications import Notification
from kam_bot.services.accounts import AccountService
from kam_bot.services.ports import UnitOfWork
from kam_bot.store.tables import TeamRow, UserRow

log = logging.getLogger(__name__)
T = TypeVar("T")

REMINDERS, DIGESTS = "reminders", "digests"
REMINDER_EVERY = timedelta(minutes=5)
DIGEST_EVERY = timedelta(minutes=15)
DIGEST_TTL = timedelta(days=7)
"""A digest not delivered within a week of its decision is skipped."""


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


def daily_notification(
    app: App, uow: UnitOfWork, person: User, day: date, now: datetime
) -> Notification | None:
    """What ``person`` gets on local date ``day`` as of ``now`` (None: nothing to say)."""
    cards = AccountService(app.uow, lambda: now, app.settings.price_deviation_threshold).card
    return build_daily(uow.repo, person, day, now, app.settings.escalation_days, cards)


def decide_daily(app: App, user_id: int, day: date, now: datetime) -> bool:
    """Write the morning DM of one person for ``day``; True when a new outbox row was written."""
    key = outbox.daily_key(user_id, day)
    with app.uow() as uow:
        session = uow.repo.session
        person = uow.repo.get(User, user_id)
        if person is None or outbox.exists(session, key):
            return False
        note = daily_notification(app, uow, person, day, now)
        if note is None:
            return False
        platform, recipient = outbox.dm_address(person)
        expires = planning.end_of_local_day(day, person.timezone)
        message = outbox.NewMessage(
            key, DAILY, platform, recipient, outbox.payload(note, expires), user_id=person.id
        )
        wrote = outbox.enqueue(session, message, now)
        uow.commit()
        return wrote


def digest_notification(app: App, uow: UnitOfWork, team: Team, monday: date, now: datetime) -> Notification:
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
    decide: Callable[[T], bool],
) -> TickResult:
    """Read (one statement, no transaction), then claim and decide if anyone is due."""
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
    queued = failed = 0
    for item in due:
        try:
            queued += decide(item)
        except Exception:
            failed += 1
            log.exception("%s: deciding %r failed", job, item)
    if not failed:
        with app.uow() as uow:
            slots.finish(uow.repo.session, window, now)
            uow.commit()
    return TickResult(claimed=True, due=len(due), queued=queued, failed=failed, window=window)


def reminder_tick(app: App, now: datetime, instance: str = "") -> TickResult:
    """Every 5 minutes: decide the morning DM of everyone whose moment is in the window."""
    return _run(
        app, REMINDERS, now, REMINDER_EVERY, instance,
        _PLANNING_USERS,
        lambda rows, w: planning.due_reminders(_people(rows), w.start, w.slot),
        lambda item: decide_daily(app, item.user.id, item.day, now),
    )  # fmt: skip


def digest_tick(app: App, now: datetime, instance: str = "") -> TickResult:
    """Every 15 minutes: decide the digest of every team whose Monday 09:00 is in the window."""
    return _run(
        app, DIGESTS, now, DIGEST_EVERY, instance,
        _TEAMS,
        lambda rows, w: planning.due_digests(_teams(rows), w.start, w.slot),
        lambda item: decide_digest(app, item.team, item.week, now),
    )  # fmt: skip
