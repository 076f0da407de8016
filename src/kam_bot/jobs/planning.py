"""Who gets what at a moment: pure time rules, no I/O.

A person's reminder moment on local date ``d`` is ``d`` at ``User.reminder_time`` in
``User.timezone``, converted to UTC with ``zoneinfo`` (never a fixed offset), so it moves
with daylight saving time. A wall time that does not exist on a spring-forward day (02:30
in a gap) resolves with the offset before the change (fold 0), an ambiguous one on a
fall-back day resolves to its first occurrence: every local day has exactly one moment.

A planner tick covers the window ``(start, end]`` (see ``slots``). A moment in the window is
due only when ``end`` is still the same local day for that person: a missed tick catches up
later the same day, but yesterday's reminder is never sent late the next day.

Days are counted in working days of the person's team (``domain.calendar``): reminders go out
on working days only, the digest on the team's first working day of the week. Without a
calendar (``Working`` None) that is Monday to Friday.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from kam_bot.domain.calendar import MONDAY_TO_FRIDAY, WorkingCalendar
from kam_bot.domain.models import Team

WORKING_DAYS = frozenset(range(5))
"""Monday (0) to Friday (4): the week of a team with no calendar (``MONDAY_TO_FRIDAY``)."""

DIGEST_WEEKDAY = 0
DIGEST_TIME = time(9, 0)
"""The weekly digest goes out at 09:00 in the team's time zone on its first working day of the ISO
week (Monday unless that is a day off), about the week before."""

Calendars = Callable[[int | None], WorkingCalendar]
"""Team id (None: no team) -> its working calendar (``CalendarBook.for_team``)."""


def _calendar(calendars: Calendars | None, team_id: int | None) -> WorkingCalendar:
    return calendars(team_id) if calendars is not None else MONDAY_TO_FRIDAY


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def moment(day: date, at: time, tz: str) -> datetime:
    """``day`` at wall time ``at`` in ``tz``, as an aware UTC datetime (fold 0 in gaps and overlaps)."""
    local = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone(tz))
    return local.astimezone(UTC)


def local_date(instant: datetime, tz: str) -> date:
    return instant.astimezone(zone(tz)).date()


def is_working_day(day: date, calendar: WorkingCalendar = MONDAY_TO_FRIDAY) -> bool:
    return calendar.is_working_day(day)


class Recipient(Protocol):
    """What planning needs of a person (``domain.models.User`` has it; so does ``Person``)."""

    @property
    def id(self) -> int: ...
    @property
    def timezone(self) -> str: ...
    @property
    def reminder_time(self) -> time: ...
    @property
    def away_until(self) -> date | None: ...
    @property
    def team_id(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    timezone: str
    reminder_time: time
    away_until: date | None = None
    team_id: int | None = None


def is_away(user: Recipient, day: date) -> bool:
    """Away while ``away_until`` is today or later (the day itself included)."""
    return user.away_until is not None and user.away_until >= day


def _local_days(start: datetime, end: datetime, tz: str) -> Iterator[date]:
    first, last = local_date(start, tz), local_date(end, tz)
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@dataclass(frozen=True)
class DueReminder:
    user: Recipient
    day: date
    """The recipient's local date the reminder is for."""
    at: datetime
    """The reminder moment (UTC)."""


def due_reminders(
    users: Iterable[Recipient], start: datetime, end: datetime, calendars: Calendars | None = None
) -> list[DueReminder]:
    """Reminders whose moment falls in ``(start, end]``, on a working day of the person's team
    (``calendars``; read only once someone's moment is in the window), not away, same local day."""
    out: list[DueReminder] = []
    for user in users:
        today = local_date(end, user.timezone)
        for day in _local_days(start, end, user.timezone):
            at = moment(day, user.reminder_time, user.timezone)
            if not start < at <= end or day != today or is_away(user, day):
                continue
            if _calendar(calendars, user.team_id).is_working_day(day):
                out.append(DueReminder(user, day, at))
    return sorted(out, key=lambda d: (d.at, d.user.id))


# -- weeks ---------------------------------------------------------------------------


def iso_week(day: date) -> str:
    """``2026-W48``: the ISO week a day belongs to."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> date:
    """The Monday of an ISO week written ``2026-W48`` (or ``2026W48``); ValueError otherwise."""
    cleaned = text.strip().upper().replace("W", "-W").replace("--", "-")
    year_part, _, week_part = cleaned.partition("-W")
    try:
        return date.fromisocalendar(int(year_part), int(week_part), 1)
    except ValueError:
        raise ValueError(f"not an ISO week: {text!r}") from None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date, tz: str) -> tuple[datetime, datetime]:
    """The week starting ``monday`` as ``[start, end)`` in UTC: local midnight to local midnight."""
    return moment(monday, time(0), tz), moment(monday + timedelta(days=7), time(0), tz)


@dataclass(frozen=True)
class DueDigest:
    team: Team
    week: date
    """Monday of the week the digest is about (the week before the one it is sent in)."""
    at: datetime


def digest_weeks(day: date, calendar: WorkingCalendar = MONDAY_TO_FRIDAY) -> list[date]:
    """The Mondays of the weeks whose digest goes out on ``day``: the week before, when ``day`` is the
    first working day of its ISO week; also the week before that when the whole previous week was
    off (its digest waited for a working day). None on any other day."""
    if not calendar.is_working_day(day):
        return []
    out: list[date] = []
    monday = week_start(day)
    while monday > day - timedelta(days=29):
        first = next((d for d in _week_days(monday) if calendar.is_working_day(d)), None)
        if first is not None and first != day:
            break
        if first == day or first is None:
            out.append(monday - timedelta(days=7))
        monday -= timedelta(days=7)
    return sorted(out)


def _week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=i) for i in range(7)]


def first_working_day(monday: date, calendar: WorkingCalendar = MONDAY_TO_FRIDAY) -> date:
    """The day the digest about the week before ``monday`` goes out (see ``digest_weeks``)."""
    return calendar.on_or_after(monday)


def due_digests(
    teams: Iterable[Team], start: datetime, end: datetime, calendars: Calendars | None = None
) -> list[DueDigest]:
    """Team digests whose moment (09:00 team time on the team's first working day of the week)
    falls in ``(start, end]``, same local day."""
    out: list[DueDigest] = []
    for team in teams:
        if not team.digest_destinations:
            continue
        today = local_date(end, team.timezone)
        for day in _local_days(start, end, team.timezone):
            at = moment(day, DIGEST_TIME, team.timezone)
            if day != today or not start < at <= end:
                continue
            out += [DueDigest(team, week, at) for week in digest_weeks(day, _calendar(calendars, team.id))]
    return out


def end_of_local_day(day: date, tz: str) -> datetime:
    return moment(day + timedelta(days=1), time(0), tz)


def as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC)
