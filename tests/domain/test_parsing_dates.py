"""Dates as reps type them, resolved against the user's local today (a Monday here)."""

from __future__ import annotations

from datetime import date

import pytest

from kam_bot.domain.calendar import CalendarSpec, WorkingCalendar
from kam_bot.domain.parsing import parse_date
from kam_bot.domain.parsing.dates import find_due_date, parse_past_date

MONDAY = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", MONDAY),
        ("Today", MONDAY),
        ("tomorrow", date(2026, 11, 24)),
        ("tmrw", date(2026, 11, 24)),
        ("day after tomorrow", date(2026, 11, 25)),
        # a bare weekday: the next one on or after today
        ("Friday", FRIDAY),
        ("Fri", FRIDAY),
        ("fri.", FRIDAY),
        ("this Friday", FRIDAY),
        ("Monday", MONDAY),
        ("Sunday", date(2026, 11, 29)),
        # "next <weekday>": that day in the following (Monday-start) week
        ("next Friday", date(2026, 12, 4)),
        ("next Tue", date(2026, 12, 1)),
        ("next Monday", date(2026, 11, 30)),
        ("last Friday", date(2026, 11, 20)),
        # offsets
        ("in 3 days", date(2026, 11, 26)),
        ("in 2 weeks", date(2026, 12, 7)),
        ("in two weeks", date(2026, 12, 7)),
        ("in a month", date(2026, 12, 23)),
        ("in 1 year", date(2027, 11, 23)),
        ("3 days from now", date(2026, 11, 26)),
        ("2 weeks ago", date(2026, 11, 9)),
        # periods
        ("end of month", date(2026, 11, 30)),
        ("EOM", date(2026, 11, 30)),
        ("end of the month", date(2026, 11, 30)),
        ("end of next month", date(2026, 12, 31)),
        ("end of week", FRIDAY),
        ("EOW", FRIDAY),
        ("end of next week", date(2026, 12, 4)),
        ("next week", date(2026, 11, 30)),
        ("next month", date(2026, 12, 1)),
        ("end of year", date(2026, 12, 31)),
        # calendar dates; no year: this year unless more than 60 days past
        ("12/5", date(2026, 12, 5)),
        ("12/5/2027", date(2027, 12, 5)),
        ("12/5/27", date(2027, 12, 5)),
        ("25/12", date(2026, 12, 25)),
        ("5 Dec", date(2026, 12, 5)),
        ("Dec 5", date(2026, 12, 5)),
        ("Dec. 5th", date(2026, 12, 5)),
        ("December 5, 2027", date(2027, 12, 5)),
        ("5th of December", date(2026, 12, 5)),
        ("2026-12-05", date(2026, 12, 5)),
        ("2026/12/5", date(2026, 12, 5)),
        ("9/25", date(2026, 9, 25)),
        ("9/20", date(2027, 9, 20)),
        ("1/10", date(2027, 1, 10)),
        # leading markers are ignored
        ("by Friday", FRIDAY),
        ("on 12/5", date(2026, 12, 5)),
        # Chinese
        ("今天", MONDAY),
        ("明天", date(2026, 11, 24)),
        ("后天", date(2026, 11, 25)),
        ("大后天", date(2026, 11, 26)),
        ("周五", FRIDAY),
        ("星期五", FRIDAY),
        ("礼拜五", FRIDAY),
        ("周日", date(2026, 11, 29)),
        ("星期天", date(2026, 11, 29)),
        ("下周二", date(2026, 12, 1)),
        ("下星期五", date(2026, 12, 4)),
        ("上周五", date(2026, 11, 20)),
        ("本周三", date(2026, 11, 25)),
        ("下周", date(2026, 11, 30)),
        ("月底", date(2026, 11, 30)),
        ("下月底", date(2026, 12, 31)),
        ("下个月", date(2026, 12, 1)),
        ("年底", date(2026, 12, 31)),
        ("3天后", date(2026, 11, 26)),
        ("三天后", date(2026, 11, 26)),
        ("两周后", date(2026, 12, 7)),
        ("2周后", date(2026, 12, 7)),
        ("两个星期后", date(2026, 12, 7)),
        ("一个月内", date(2026, 12, 23)),
        ("12月5日", date(2026, 12, 5)),
        ("12月5号", date(2026, 12, 5)),
        ("十二月五日", date(2026, 12, 5)),
        ("2027年1月3日", date(2027, 1, 3)),
        ("5号", date(2026, 12, 5)),
        ("25号", date(2026, 11, 25)),
        ("周五前", FRIDAY),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, MONDAY) == expected


@pytest.mark.parametrize(
    "text",
    ["", "Fooday", "31/2", "2/30/2026", "13/13", "someday", "next", "in many days", "2月31日", "May", "42"],
)
def test_text_that_is_not_a_date(text: str) -> None:
    assert parse_date(text, MONDAY) is None


def test_a_weekday_named_on_that_day_is_today() -> None:
    assert parse_date("Friday", FRIDAY) == FRIDAY
    assert parse_date("周五", FRIDAY) == FRIDAY
    assert parse_date("next Friday", FRIDAY) == date(2026, 12, 4)


def test_next_weekday_on_a_sunday_is_in_the_following_week() -> None:
    sunday = date(2026, 11, 29)
    assert parse_date("next Monday", sunday) == date(2026, 11, 30)
    assert parse_date("Monday", sunday) == date(2026, 11, 30)
    assert parse_date("next Sunday", sunday) == date(2026, 12, 6)


def test_day_first_locales_read_day_month() -> None:
    assert parse_date("5/12", MONDAY, "en-GB") == date(2026, 12, 5)
    assert parse_date("5/12", MONDAY, "en") == date(2027, 5, 12)
    assert parse_date("5/12", MONDAY, "zh-Hans") == date(2027, 5, 12)


def test_year_end_rollover() -> None:
    december = date(2026, 12, 28)
    assert parse_date("1/5", december) == date(2027, 1, 5)
    assert parse_date("in a week", december) == date(2027, 1, 4)
    assert parse_date("end of month", date(2027, 2, 10)) == date(2027, 2, 28)


def test_past_dates_look_back() -> None:
    assert parse_past_date("on Monday", MONDAY) == MONDAY
    assert parse_past_date("on Friday", MONDAY) == date(2026, 11, 20)
    assert parse_past_date("yesterday", MONDAY) == date(2026, 11, 22)
    assert parse_past_date("昨天", MONDAY) == date(2026, 11, 22)
    assert parse_past_date("前天", MONDAY) == date(2026, 11, 21)
    assert parse_past_date("周五", MONDAY) == date(2026, 11, 20)
    assert parse_past_date("2/20", date(2026, 1, 10)) == date(2026, 2, 20)
    assert parse_past_date("3/30", date(2026, 1, 10)) == date(2025, 3, 30)
    assert parse_past_date("12/30", date(2026, 1, 10)) == date(2025, 12, 30)


def test_dates_at_the_edges_of_the_calendar_give_none() -> None:
    assert parse_date("tomorrow", date.max) is None
    assert parse_date("yesterday", date.min) is None
    assert parse_date("1/5", date.max) is None
    assert parse_date("12/5", date.max) == date(9999, 12, 5)
    assert parse_date("today", date.max) == date.max


@pytest.mark.parametrize(
    ("body", "text", "value", "rest"),
    [
        ("quote by Friday", "Friday", FRIDAY, "quote "),
        ("PO by 12/5", "12/5", date(2026, 12, 5), "PO "),
        ("quote by Friday to Li Wei", "Friday", FRIDAY, "quote  to Li Wei"),
        ("samples before end of month", "end of month", date(2026, 11, 30), "samples "),
        ("call back next week", "next week", date(2026, 11, 30), "call back "),
        ("tomorrow send quote", "tomorrow", date(2026, 11, 24), " send quote"),
        ("周五前报价", "周五", FRIDAY, "报价"),
        ("下周二之前发PO", "下周二", date(2026, 12, 1), "发PO"),
        ("明天报价", "明天", date(2026, 11, 24), "报价"),
        ("quote by Fooday", "Fooday", None, "quote "),
        ("quote by 31/2", "31/2", None, "quote "),
        ("报价2月31日前", "2月31日", None, "报价"),
    ],
)
def test_find_due_date(body: str, text: str, value: date | None, rest: str) -> None:
    span = find_due_date(body, MONDAY)
    assert span is not None
    assert (span.text, span.value) == (text, value)
    assert body[: span.start] + body[span.end :] == rest


@pytest.mark.parametrize("body", ["reply by email", "follow up on pricing", "quote", "send 2 samples"])
def test_find_due_date_leaves_text_that_is_no_date(body: str) -> None:
    assert find_due_date(body, MONDAY) is None


# -- working days: the predicate is the caller's (the user's team calendar) --------------------


_CHINA = WorkingCalendar.of(CalendarSpec("CN")).is_working_day
_THU_12_FEB = date(2026, 2, 12)


@pytest.mark.parametrize(
    ("text", "monday_to_friday", "china"),
    [
        ("within 3 working days", date(2026, 2, 17), date(2026, 2, 24)),  # 13, 14 (make-up Sat), 24 Feb
        ("in 3 business days", date(2026, 2, 17), date(2026, 2, 24)),
        ("three working days from now", date(2026, 2, 17), date(2026, 2, 24)),
        ("3个工作日内", date(2026, 2, 17), date(2026, 2, 24)),
        ("三个工作日后", date(2026, 2, 17), date(2026, 2, 24)),
        ("next working day", date(2026, 2, 13), date(2026, 2, 13)),
        ("下个工作日", date(2026, 2, 13), date(2026, 2, 13)),
        ("下一个工作日", date(2026, 2, 13), date(2026, 2, 13)),
    ],
)
def test_working_day_phrases_count_the_callers_working_days(
    text: str, monday_to_friday: date, china: date
) -> None:
    assert parse_date(text, _THU_12_FEB) == monday_to_friday
    assert parse_date(text, _THU_12_FEB, working=_CHINA) == china


def test_next_working_day_after_a_make_up_saturday_skips_spring_festival() -> None:
    assert parse_date("next working day", date(2026, 2, 14), working=_CHINA) == date(2026, 2, 24)


@pytest.mark.parametrize(
    ("body", "text", "due"),
    [
        ("quote within 3 working days", "within 3 working days", date(2026, 2, 24)),
        ("3个工作日内报价", "3个工作日内", date(2026, 2, 24)),
        ("send samples by next working day", "next working day", date(2026, 2, 13)),
        ("下个工作日前回复", "下个工作日", date(2026, 2, 13)),
    ],
)
def test_a_promise_due_in_working_days_is_found_in_the_line(body: str, text: str, due: date) -> None:
    span = find_due_date(body, _THU_12_FEB, _CHINA)
    assert span is not None and (span.text, span.value) == (text, due)
