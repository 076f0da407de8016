"""Previews: what a person would get at a moment, a team's digest for a week. Nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kam_bot.domain.calendar import MONDAY_TO_FRIDAY, CalendarBook, Why, WorkingCalendar
from kam_bot.domain.models import Team, User
from kam_bot.handlers.calendar import day_name
from kam_bot.i18n import t
from kam_bot.jobs import planning
from kam_bot.jobs.context import JobsContext
from kam_bot.jobs.notifications import Notification
from kam_bot.jobs.scheduler import REMINDER_EVERY, daily_notification, digest_notification


@dataclass(frozen=True)
class ReminderPreview:
    user: User
    day: date
    at: datetime
    """The moment (UTC)."""
    note: Notification | None
    skipped: str | None = None
    """``weekend``, ``day_off`` (a holiday or company day) or ``away`` when no reminder goes out
    that day at all."""
    day_off: str | None = None
    """What the day off is, in the person's language ("Spring Festival: no reminders today.")."""


def preview_reminder(ctx: JobsContext, person: User, day: date, at: time | None = None) -> ReminderPreview:
    """The DM ``person`` would get on local ``day`` at ``at`` (default: their reminder time)."""
    moment = planning.moment(day, at or person.reminder_time, person.timezone)
    if planning.is_away(person, day):  # away wins over the calendar
        return ReminderPreview(person, day, moment, None, "away")
    info = ctx.calendars().for_team(person.team_id).info(day, person.locale)
    if info.why is Why.WEEKEND:
        return ReminderPreview(person, day, moment, None, "weekend")
    if not info.working:
        said = t("calendar.day_off_named", person.locale, name=day_name(info, person.locale))
        return ReminderPreview(person, day, moment, None, "day_off", said)
    return ReminderPreview(person, day, moment, daily_notification(ctx, person, day, moment))


def next_reminder_day(person: User, now: datetime, calendar: WorkingCalendar = MONDAY_TO_FRIDAY) -> date:
    """Tomorrow in the person's zone, or the next working day after it."""
    return calendar.on_or_after(planning.local_date(now, person.timezone) + timedelta(days=1))


def users(ctx: JobsContext) -> list[User]:
    """Everyone, with their platform identities, by id."""
    return ctx.store.users()


def reminders_at_local(ctx: JobsContext, wall: datetime, only: User | None = None) -> list[ReminderPreview]:
    """Naive ``wall`` read as each person's own wall time: those whose reminder time it is.

    With ``only``, that person at that wall time, whatever their reminder time.
    """
    people = (
        [only]
        if only is not None
        else [u for u in users(ctx) if _hhmm(u.reminder_time) == _hhmm(wall.time())]
    )
    return [preview_reminder(ctx, p, wall.date(), wall.time()) for p in people]


def reminders_at_instant(
    ctx: JobsContext, instant: datetime, only: User | None = None
) -> list[ReminderPreview]:
    """Aware ``instant``: the planner tick at that moment (moments in the 5 minutes up to it)."""
    people = [only] if only is not None else users(ctx)
    book = ctx.calendars()
    due = planning.due_reminders(people, instant - REMINDER_EVERY, instant, book.for_team)
    if only is not None and not due:
        day = planning.local_date(instant, only.timezone)
        local = instant.astimezone(planning.zone(only.timezone)).time()
        return [preview_reminder(ctx, only, day, local)]
    by_id = {p.id: p for p in people}
    out = []
    for item in sorted(
        [*due, *_held_by_holidays(people, instant, book, due)], key=lambda d: (d.at, d.user.id)
    ):
        local = item.at.astimezone(planning.zone(item.user.timezone)).time()
        out.append(preview_reminder(ctx, by_id[item.user.id], item.day, local))
    return out


def _held_by_holidays(
    people: list[User], instant: datetime, book: CalendarBook, due: list[planning.DueReminder]
) -> list[planning.DueReminder]:
    """Whose moment is in the tick but whose day is a holiday or company day off (not a plain
    weekend): listed, so the dry run says why nothing goes out ("Spring Festival: no reminders")."""
    every_day = planning.due_reminders(people, instant - REMINDER_EVERY, instant, lambda _: SEVEN_DAYS)
    taken = {d.user.id for d in due}
    return [
        d
        for d in every_day
        if d.user.id not in taken and book.for_team(d.user.team_id).info(d.day).why is not Why.WEEKEND
    ]


SEVEN_DAYS = WorkingCalendar(weekend=frozenset())


def _hhmm(value: time) -> tuple[int, int]:
    return value.hour, value.minute


def preview_digest(ctx: JobsContext, team: Team, monday: date, now: datetime | None = None) -> Notification:
    return digest_notification(ctx, team, monday, now or ctx.clock())
