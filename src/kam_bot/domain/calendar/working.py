"""Working days: a team's weekly pattern, its country's public days, and the company's own days.

Whether a day is a working day, in this order (the first rule that speaks decides):

1. a company day for the team (``CompanyDay`` with its ``team_id``), ``off`` or ``work``;
2. a company day for everyone (``team_id`` None);
3. a make-up working day of the country (调休上班: a weekend day everyone works);
4. a public holiday of the country (and region);
5. the weekly pattern: a weekend day is off, any other day is a working day.

So an admin's import corrects the library (a schedule published after its release), and a
company's own day (a plant shutdown, an anniversary, an extra Saturday) beats both.
``DayInfo.why`` says which rule decided, so a message can name the day ("Spring Festival").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from kam_bot.domain.calendar import public
from kam_bot.domain.calendar.week import SAT_SUN

SEARCH_DAYS = 3660
"""How far ``next_working_day`` looks (a week always has a working day, but company days may
mark long stretches off); past this the day itself is given back."""


class DayKind(StrEnum):
    OFF = "off"
    WORK = "work"


class Why(StrEnum):
    WEEKDAY = "weekday"
    WEEKEND = "weekend"
    PUBLIC_HOLIDAY = "public_holiday"
    MAKE_UP_DAY = "make_up_day"
    COMPANY_OFF = "company_off"
    COMPANY_WORK = "company_work"


@dataclass(frozen=True, slots=True)
class CompanyDay:
    day: date
    kind: DayKind
    team_id: int | None = None
    """None: every team."""
    name: str | None = None


@dataclass(frozen=True, slots=True)
class DayInfo:
    day: date
    working: bool
    why: Why
    name: str | None = None
    """The public holiday's name (in the asked language where the library has it) or the company
    day's name; None for an ordinary day, a weekend day and an unnamed make-up day."""

    @property
    def exceptional(self) -> bool:
        """Not what the weekly pattern alone says (a holiday, a make-up day, a company day)."""
        return self.why not in (Why.WEEKDAY, Why.WEEKEND)


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """What a team (or the deployment's default) says about its calendar."""

    country: str | None = None
    region: str | None = None
    weekend: frozenset[int] | None = None
    """None: the country's usual weekend, or Saturday and Sunday without a country."""

    def effective_weekend(self) -> frozenset[int]:
        if self.weekend is not None:
            return self.weekend
        return public.usual_weekend(self.country) if self.country else SAT_SUN


@dataclass(frozen=True)
class WorkingCalendar:
    weekend: frozenset[int] = SAT_SUN
    country: str | None = None
    region: str | None = None
    company: Mapping[date, CompanyDay] = field(default_factory=dict)
    """The company days that apply (the team's over everyone's), by day."""

    @classmethod
    def of(
        cls, spec: CalendarSpec, days: Iterable[CompanyDay] = (), team_id: int | None = None
    ) -> WorkingCalendar:
        """``spec`` with the company days for ``team_id`` (and for everyone)."""
        company: dict[date, CompanyDay] = {}
        for day in sorted(days, key=lambda d: d.team_id is not None):  # the team's own last: they win
            if day.team_id is None or day.team_id == team_id:
                company[day.day] = day
        return cls(spec.effective_weekend(), spec.country or None, spec.region or None, company)

    def info(self, day: date, locale: str = "en") -> DayInfo:
        own = self.company.get(day)
        if own is not None:
            why = Why.COMPANY_WORK if own.kind is DayKind.WORK else Why.COMPANY_OFF
            return DayInfo(day, own.kind is DayKind.WORK, why, own.name)
        if self.country:
            year = public.public_year(self.country, self.region, day.year, locale)
            if day in year.work:
                return DayInfo(day, True, Why.MAKE_UP_DAY)
            if day in year.off:
                return DayInfo(day, False, Why.PUBLIC_HOLIDAY, year.off[day])
        if day.weekday() in self.weekend:
            return DayInfo(day, False, Why.WEEKEND)
        return DayInfo(day, True, Why.WEEKDAY)

    def is_working_day(self, day: date) -> bool:
        return self.info(day).working

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        return self.add_working_days(day, 1)

    def on_or_after(self, day: date) -> date:
        """``day`` when it is a working day, else the next one."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def previous_working_day(self, day: date) -> date:
        """The last working day before ``day``."""
        candidate = day
        for _ in range(SEARCH_DAYS):
            candidate -= timedelta(days=1)
            if self.is_working_day(candidate):
                return candidate
        return day - timedelta(days=1)

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``count`` >= 1; 0 gives ``on_or_after``)."""
        if count <= 0:
            return day if self.is_working_day(day) else self.add_working_days(day, 1)
        candidate, found = day, 0
        for _ in range(SEARCH_DAYS):
            candidate += timedelta(days=1)
            if self.is_working_day(candidate):
                found += 1
                if found == count:
                    return candidate
        return day

    def overdue_cutoff(self, today: date, count: int) -> date:
        """The latest due date that is ``count`` working days overdue on ``today``: a promise due
        on day ``d`` is overdue by the working days in ``(d, today]``."""
        candidate, found = today, 0
        for _ in range(SEARCH_DAYS):
            if self.is_working_day(candidate):
                found += 1
                if found == count:
                    return candidate - timedelta(days=1)
            candidate -= timedelta(days=1)
        return today - timedelta(days=count)

    def days(self, start: date, end: date, locale: str = "en") -> Iterator[DayInfo]:
        """Each day of ``[start, end]``."""
        day = start
        while day <= end:
            yield self.info(day, locale)
            day += timedelta(days=1)

    def exceptions(self, start: date, end: date, locale: str = "en") -> list[DayInfo]:
        """The days of ``[start, end]`` the weekly pattern alone gets wrong or that have a name:
        holidays (those on a weekend included), make-up days and company days."""
        return [info for info in self.days(start, end, locale) if info.exceptional]


class CalendarBook:
    """Every team's working calendar, built on demand from what the store read once."""

    def __init__(
        self,
        teams: Mapping[int, CalendarSpec] | None = None,
        default: CalendarSpec | None = None,
        company: Iterable[CompanyDay] = (),
    ) -> None:
        self._teams = dict(teams or {})
        self._default = default or CalendarSpec()
        self._company = list(company)
        self._built: dict[int | None, WorkingCalendar] = {}

    def spec(self, team_id: int | None) -> CalendarSpec:
        """The team's own calendar; a team with no country gets the default country."""
        own = self._teams.get(team_id) if team_id is not None else None
        if own is None:
            return self._default
        if own.country is None:
            return CalendarSpec(self._default.country, self._default.region, own.weekend)
        return own

    def for_team(self, team_id: int | None) -> WorkingCalendar:
        found = self._built.get(team_id)
        if found is None:
            found = self._built[team_id] = WorkingCalendar.of(self.spec(team_id), self._company, team_id)
        return found


MONDAY_TO_FRIDAY = WorkingCalendar()
"""Without a calendar: Monday to Friday, no holidays."""
