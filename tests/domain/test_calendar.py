"""Working calendars: China's 2026 schedule, a Sunday-Thursday week, US Thanksgiving, company days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kam_bot.domain.calendar import (
    CalendarBook,
    CalendarSpec,
    CompanyDay,
    DayKind,
    WeekendError,
    Why,
    WorkingCalendar,
    format_weekend,
    parse_weekend,
)

CHINA = WorkingCalendar.of(CalendarSpec("CN"))


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# The State Council's 2026 schedule: make-up working days (调休上班) and the two long holidays.
MAKE_UP_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]
SPRING_FESTIVAL_2026 = _days(date(2026, 2, 15), date(2026, 2, 23))
NATIONAL_DAY_2026 = _days(date(2026, 10, 1), date(2026, 10, 7))


@pytest.mark.parametrize("day", MAKE_UP_2026, ids=str)
def test_each_2026_make_up_day_is_a_working_day_in_china(day: date) -> None:
    assert day.weekday() >= 5  # a weekend day ...
    info = CHINA.info(day, "zh-Hans")
    assert info.working and info.why is Why.MAKE_UP_DAY  # ... everyone works


@pytest.mark.parametrize("day", SPRING_FESTIVAL_2026 + NATIONAL_DAY_2026, ids=str)
def test_each_day_of_spring_festival_and_national_day_2026_is_off(day: date) -> None:
    assert not CHINA.is_working_day(day)


def test_the_days_around_the_2026_holidays_are_working_days() -> None:
    for day in (
        date(2026, 2, 13),
        date(2026, 2, 24),
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
    ):
        assert CHINA.is_working_day(day), day


def test_holidays_are_named_in_the_readers_language() -> None:
    assert CHINA.info(date(2026, 2, 17), "zh-Hans").name == "春节"
    assert "Spring Festival" in (CHINA.info(date(2026, 2, 17), "en").name or "")
    assert CHINA.info(date(2026, 10, 1), "zh-Hans").name == "国庆节"


def test_a_sunday_to_thursday_team_works_sunday_and_rests_friday() -> None:
    riyadh = WorkingCalendar.of(CalendarSpec("SA", weekend=parse_weekend("fri,sat")))
    sunday, friday = date(2026, 11, 22), date(2026, 11, 27)
    assert riyadh.is_working_day(sunday)
    assert not riyadh.is_working_day(friday)
    assert riyadh.next_working_day(date(2026, 11, 26)) == sunday + timedelta(days=7)  # Thu -> Sun


def test_saudi_arabia_without_a_weekend_option_takes_the_countrys_own() -> None:
    assert WorkingCalendar.of(CalendarSpec("SA")).weekend == frozenset({4, 5})


def test_a_us_team_rests_on_thanksgiving_and_a_california_team_the_day_after_too() -> None:
    us = WorkingCalendar.of(CalendarSpec("US"))
    thanksgiving = date(2026, 11, 26)
    assert not us.is_working_day(thanksgiving)
    assert us.info(thanksgiving).name == "Thanksgiving Day"
    assert us.is_working_day(thanksgiving + timedelta(days=1))
    california = WorkingCalendar.of(CalendarSpec("US", "CA"))
    assert not california.is_working_day(thanksgiving + timedelta(days=1))


def test_company_days_beat_the_country_and_a_teams_own_beat_everyones() -> None:
    days = [
        CompanyDay(date(2026, 12, 24), DayKind.OFF, None, "Christmas Eve"),
        CompanyDay(date(2026, 2, 24), DayKind.OFF, 7, "Plant shutdown"),
        CompanyDay(date(2026, 2, 17), DayKind.WORK, 7, "Inventory count"),
        CompanyDay(date(2026, 12, 24), DayKind.WORK, 8, "Year-end push"),
    ]
    book = CalendarBook({7: CalendarSpec("CN"), 8: CalendarSpec()}, CalendarSpec(), days)
    plant, sales, other = book.for_team(7), book.for_team(8), book.for_team(None)
    assert not plant.is_working_day(date(2026, 2, 24))
    assert plant.is_working_day(date(2026, 2, 17))  # a company day beats Spring Festival
    assert not plant.is_working_day(date(2026, 12, 24)) and not other.is_working_day(date(2026, 12, 24))
    assert sales.info(date(2026, 12, 24)).name == "Year-end push"
    assert sales.is_working_day(date(2026, 2, 24))


def test_a_team_without_a_country_follows_the_default_country_with_its_own_weekend() -> None:
    book = CalendarBook({1: CalendarSpec(weekend=frozenset())}, CalendarSpec("CN"))
    retail = book.for_team(1)
    assert retail.country == "CN" and retail.is_working_day(date(2026, 11, 28))  # a Saturday
    assert not retail.is_working_day(date(2026, 10, 1))


def test_escalation_counts_working_days_overdue() -> None:
    # Tue 24 Feb 2026: the working days before it are 14 Feb (Sat, make-up) and 13, 12 Feb
    assert CHINA.overdue_cutoff(date(2026, 2, 24), 1) == date(2026, 2, 23)
    assert CHINA.overdue_cutoff(date(2026, 2, 24), 2) == date(2026, 2, 13)
    assert CHINA.overdue_cutoff(date(2026, 2, 24), 3) == date(2026, 2, 12)
    mon_fri = WorkingCalendar()
    assert mon_fri.overdue_cutoff(date(2026, 11, 25), 3) == date(2026, 11, 22)  # Wed: due Sun or earlier


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("sat,sun", {5, 6}),
        ("fri,sat", {4, 5}),
        ("Friday, Saturday", {4, 5}),
        ("none", set()),
        ("", set()),
        ("周五、周六", {4, 5}),
        ("sun", {6}),
    ],
)
def test_weekends_are_read_as_admins_type_them(text: str, days: set[int]) -> None:
    assert parse_weekend(text) == frozenset(days)
    assert parse_weekend(format_weekend(parse_weekend(text))) == frozenset(days)


@pytest.mark.parametrize("text", ["fri,xyz", "mon,tue,wed,thu,fri,sat,sun"])
def test_a_weekend_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(WeekendError):
        parse_weekend(text)


_specs = st.builds(
    CalendarSpec,
    st.sampled_from([None, "CN", "US", "SA", "JP", "DE"]),
    st.none(),
    st.one_of(st.none(), st.frozensets(st.integers(0, 6), max_size=6)),
)
_company = st.lists(
    st.builds(
        CompanyDay,
        st.dates(date(2025, 1, 1), date(2027, 12, 31)),
        st.sampled_from(list(DayKind)),
        st.sampled_from([None, 1]),
    ),
    max_size=20,
)
_days_st = st.dates(date(2025, 1, 1), date(2027, 12, 31))


@given(_specs, _company, _days_st)
def test_a_day_is_a_working_day_or_not_never_both(
    spec: CalendarSpec, company: list[CompanyDay], day: date
) -> None:
    calendar = CalendarBook({1: spec}, CalendarSpec(), company).for_team(1)
    info = calendar.info(day)
    assert calendar.is_working_day(day) is info.working
    assert info.working is (info.why in (Why.WEEKDAY, Why.MAKE_UP_DAY, Why.COMPANY_WORK))


@given(_specs, _company, _days_st, st.integers(1, 15))
def test_n_working_days_ahead_is_a_working_day(
    spec: CalendarSpec, company: list[CompanyDay], day: date, n: int
) -> None:
    calendar = CalendarBook({1: spec}, CalendarSpec(), company).for_team(1)
    ahead = calendar.add_working_days(day, n)
    assert ahead > day and calendar.is_working_day(ahead)
    between = [d for d in _days(day + timedelta(days=1), ahead) if calendar.is_working_day(d)]
    assert len(between) == n
    assert calendar.previous_working_day(ahead) < ahead
