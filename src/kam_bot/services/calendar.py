"""Working calendars: which days each team works, set by an admin and read by the jobs.

A team's calendar is a weekly pattern (its weekend), a country (and region) whose public
holidays are days off and whose make-up working days are working days, and the company's own
days, for the team or for everyone (``kam-bot calendar import``). A team with no country gets
``DEFAULT_CALENDAR_COUNTRY``; with none either, Monday to Friday. The rules are
``domain.calendar``; this reads and writes what they need, and audits every change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kam_bot.domain.calendar import (
    CalendarBook,
    CalendarSpec,
    CompanyDay,
    DayInfo,
    DayKind,
    WeekendError,
    Why,
    WorkingCalendar,
    format_weekend,
    parse_weekend,
    public,
)
from kam_bot.domain.models import CalendarDay, Team, User
from kam_bot.services import access, audit
from kam_bot.services.errors import InvalidInputError, NotFoundError
from kam_bot.services.ports import Clock, Repository, UnitOfWorkFactory, utc_now

MAX_SHOW_DAYS = 400
"""The longest range ``show`` lists (a year and a bit)."""


class _Unset:
    pass


UNSET = _Unset()
"""An option ``set`` was not given: the stored value stays."""


def team_spec(team: Team) -> CalendarSpec:
    weekend = parse_weekend(team.calendar_weekend) if team.calendar_weekend is not None else None
    return CalendarSpec(team.calendar_country or None, team.calendar_region or None, weekend)


def company_day(row: CalendarDay) -> CompanyDay:
    return CompanyDay(row.day, DayKind(row.kind), row.team_id, row.name)


def check_country(country: str, region: str | None = None, field: str = "country") -> None:
    """InvalidInputError naming the field when the library knows no such country or region."""
    if not public.is_country(country):
        raise InvalidInputError("calendar.bad_country", field=field, value=country)
    if region and not public.is_region(country, region):
        regions = ", ".join(public.countries()[country][:40]) or "—"
        raise InvalidInputError("calendar.bad_region", field="region", value=region, regions=regions)


@dataclass(frozen=True)
class CalendarView:
    team: Team
    spec: CalendarSpec
    """What the calendar follows, the default country filled in."""
    calendar: WorkingCalendar
    start: date
    end: date
    days: list[DayInfo]
    """The holidays, make-up days and company days of ``[start, end]``."""
    missing_years: list[int] = field(default_factory=list)
    """Years of the range whose make-up working days the library does not have yet (and no
    company working day was imported for): the country's schedule is still to be imported."""


class CalendarService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock = utc_now, default_country: str = "") -> None:
        self._uow = uow
        self._clock = clock
        self._default = CalendarSpec(default_country.strip().upper() or None)

    # -- reading -------------------------------------------------------------------------

    def book(self) -> CalendarBook:
        """Every team's calendar as of now (one read of teams and company days)."""
        with self._uow() as uow:
            return _book(uow.repo, self._default)

    def for_team(self, team_id: int | None) -> WorkingCalendar:
        """One team's calendar, reading its own row only (``book`` reads every team's: a
        hundred rows for each visit line parsed)."""
        with self._uow() as uow:
            team = uow.repo.get(Team, team_id) if team_id is not None else None
            days = [company_day(row) for row in uow.repo.all(CalendarDay)]
        teams = {team.id: team_spec(team)} if team is not None else {}
        return CalendarBook(teams, self._default, days).for_team(team_id)

    def for_user(self, user: User) -> WorkingCalendar:
        return self.for_team(user.team_id)

    def show(self, team_name: str, start: date, end: date, locale: str = "en") -> CalendarView:
        """The team's calendar and its exceptional days in ``[start, end]``."""
        if end < start:
            raise InvalidInputError("calendar.bad_range", field="to", start=start, end=end)
        if (end - start).days >= MAX_SHOW_DAYS:
            raise InvalidInputError("calendar.range_too_long", field="to", days=MAX_SHOW_DAYS)
        with self._uow() as uow:
            team = _team(uow.repo, team_name)
            book = _book(uow.repo, self._default)
        calendar, spec = book.for_team(team.id), book.spec(team.id)
        days = calendar.exceptions(start, end, locale)
        return CalendarView(team, spec, calendar, start, end, days, _missing_years(spec, start, end, days))

    # -- writing -------------------------------------------------------------------------

    def set(
        self,
        actor: User,
        team_name: str,
        *,
        country: str | _Unset = UNSET,
        region: str | _Unset = UNSET,
        weekend: str | _Unset = UNSET,
    ) -> Team:
        """Change the options given; ``''`` clears the country (and its region). Admins only."""
        access.require_admin(actor)
        with self._uow() as uow:
            team = _team(uow.repo, team_name)
            changes = _changes(team, country, region, weekend)
            if not changes:
                return team
            team = uow.repo.update(Team, team.id, **changes)
            audit.record(uow.repo, actor.id, audit.CHANGED, "team", team.id, self._clock(), changes)
            uow.commit()
            return team

    def set_day(
        self, actor: User, day: date, kind: DayKind, team_name: str | None = None, name: str | None = None
    ) -> CalendarDay:
        """One company day (what a row of ``kam-bot calendar import`` does), for a team or everyone;
        a day already listed for the same team is replaced. Admins only, audited."""
        access.require_admin(actor)
        with self._uow() as uow:
            team_id = _team(uow.repo, team_name).id if team_name else None
            label = (name or "").strip()[:200] or None
            fields = {"day": day, "kind": kind.value, "team_id": team_id, "name": label}
            stored = next(
                (d for d in uow.repo.all(CalendarDay) if (d.team_id, d.day) == (team_id, day)), None
            )
            if stored is None:
                saved, action = uow.repo.add(CalendarDay, **fields), audit.CREATED
            else:
                saved, action = uow.repo.update(CalendarDay, stored.id, **fields), audit.CHANGED
            audit.record(uow.repo, actor.id, action, "calendar_day", saved.id, self._clock(), fields)
            uow.commit()
            return saved


def _changes(
    team: Team, country: str | _Unset, region: str | _Unset, weekend: str | _Unset
) -> dict[str, str | None]:
    changes: dict[str, str | None] = {}
    new_country = team.calendar_country
    if not isinstance(country, _Unset):
        new_country = country.strip().upper() or None
        changes["calendar_country"] = new_country
        if new_country is None:
            changes["calendar_region"] = None
    if not isinstance(region, _Unset):
        changes["calendar_region"] = region.strip().upper() or None
    new_region = changes.get("calendar_region", team.calendar_region)
    if new_country is not None:
        check_country(new_country, new_region)
    elif new_region:
        raise InvalidInputError("calendar.region_without_country", field="region", value=new_region)
    if not isinstance(weekend, _Unset):
        try:
            changes["calendar_weekend"] = format_weekend(parse_weekend(weekend))
        except WeekendError as exc:
            raise InvalidInputError("calendar.bad_weekend", field="weekend", value=exc.token) from None
    return {k: v for k, v in changes.items() if getattr(team, k) != v}


def _missing_years(spec: CalendarSpec, start: date, end: date, days: list[DayInfo]) -> list[int]:
    if spec.country is None:
        return []
    imported = {d.day.year for d in days if d.why is Why.COMPANY_WORK}
    years = range(start.year, end.year + 1)
    return [y for y in years if y not in imported and public.schedule_missing(spec.country, spec.region, y)]


def _team(repo: Repository, name: str) -> Team:
    team = repo.team_by_name(name) if name.strip() else None
    if team is None:
        names = ", ".join(sorted(t.name for t in repo.all(Team))) or "—"
        raise NotFoundError("calendar.unknown_team", field="team", value=name, known=names)
    return team


def _book(repo: Repository, default: CalendarSpec) -> CalendarBook:
    teams = {team.id: team_spec(team) for team in repo.all(Team)}
    days = [company_day(row) for row in repo.all(CalendarDay)]
    return CalendarBook(teams, default, days)
