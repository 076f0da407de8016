"""Dates as reps type them, resolved against the user's local ``today``.

Weeks start on Monday. Two directions exist: due dates look forward (the default, used by
:func:`parse_date`), a visit's own date looks back (:func:`parse_past_date`).

- ``Friday``, ``Fri``, ``this Friday``, ``周五``/``星期五``/``礼拜五``: the next Friday on or
  after today (today when today is a Friday); looking back, the latest Friday on or before
  today.
- ``next Friday``/``下周五``: the Friday of the following week; ``last Friday``/``上周五``: the
  Friday of the previous week; ``这周五``/``本周五``: the Friday of the current week.
- ``today``, ``tomorrow``, ``yesterday``, ``今天``, ``明天``, ``后天``, ``大后天``, ``昨天``, ``前天``.
- ``in 3 days``, ``in 2 weeks``, ``in a month``, ``3 days from now``, ``2 weeks ago``, ``3天后``,
  ``两周后``, ``一个月内`` ("within": the last day of the span).
- ``next working day``/``next business day``/``下个工作日``: the first working day after today;
  ``within 3 working days``/``in 3 business days``/``3个工作日内``/``3个工作日后``: the third working
  day after today. Working days are the caller's (``working``: the user's team calendar, a pure
  predicate passed in); without one, Monday to Friday.
- ``next week``/``下周``: Monday of next week; ``next month``/``下个月``: the 1st of next month;
  ``end of week``/``EOW``: the next Friday on or after today; ``end of month``/``EOM``/``月底``:
  the last day of this month; ``end of next month``/``下月底``; ``end of year``/``EOY``/``年底``.
- ``12/5`` is month/day (US order, which is also how Chinese writes it) unless the first
  number cannot be a month; day-first locales (``en-GB`` ...) read day/month first.
  ``12/5/26``, ``2026-12-05``, ``2026/12/5``, ``Dec 5``, ``5 Dec``, ``December 5th, 2026``,
  ``5th of December``, ``12月5日``, ``12月5号``, ``十二月五日``, ``2026年12月5日``; ``5号`` is the
  next 5th of a month.
- A date typed without a year falls in the current year, or the next one when that would be
  more than 60 days in the past (looking back: the previous one when more than 60 days ahead).

A leading ``on``/``by``/``before``/``due``/``until`` and a trailing ``前``/``之前`` are ignored.
Nothing here raises: text that is not a date, or a date that does not exist, gives None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from kam_bot.domain.parsing.numbers import CHINESE_NUMERAL_CHARS, chinese_int, small_int
from kam_bot.domain.parsing.text import EDGE_CHARS, LATIN_WORD_CHAR, has_cjk, is_cjk

YEAR_WINDOW_DAYS = 60
DAY_FIRST_LOCALES = ("en-gb", "en-au", "en-nz", "en-ie", "en-in", "de", "fr", "es", "it", "nl", "pt", "ru")

_RELATIVE_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)

WEEKDAY_NAMES: dict[str, int] = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
CHINESE_WEEKDAYS: dict[str, int] = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
MONTH_NAMES: dict[str, int] = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
DAY_OFFSETS: dict[str, int] = {
    "today": 0,
    "tonight": 0,
    "tomorrow": 1,
    "tmr": 1,
    "tmrw": 1,
    "day after tomorrow": 2,
    "the day after tomorrow": 2,
    "yesterday": -1,
    "day before yesterday": -2,
    "the day before yesterday": -2,
    "今天": 0,
    "今日": 0,
    "今晚": 0,
    "明天": 1,
    "明日": 1,
    "明晚": 1,
    "后天": 2,
    "大后天": 3,
    "昨天": -1,
    "昨日": -1,
    "前天": -2,
}


def _end_of_month(today: date) -> date:
    return today + relativedelta(day=31)


def _end_of_next_month(today: date) -> date:
    return today + relativedelta(months=1, day=31)


def _first_of_next_month(today: date) -> date:
    return today + relativedelta(months=1, day=1)


def _monday_next_week(today: date) -> date:
    return _monday(today) + timedelta(days=7)


def _coming_friday(today: date) -> date:
    return today + relativedelta(weekday=FR)


def _friday_next_week(today: date) -> date:
    return _monday(today) + timedelta(days=11)


def _end_of_year(today: date) -> date:
    return date(today.year, 12, 31)


PERIODS: dict[str, Callable[[date], date]] = {
    **dict.fromkeys(
        (
            "end of month",
            "end of the month",
            "end of this month",
            "month end",
            "eom",
            "月底",
            "月末",
            "本月底",
            "本月末",
            "这个月底",
        ),
        _end_of_month,
    ),
    **dict.fromkeys(
        ("end of next month", "下月底", "下个月底", "下月末", "下个月末"),
        _end_of_next_month,
    ),
    **dict.fromkeys(("next month", "下个月", "下月", "下月初", "下个月初"), _first_of_next_month),
    **dict.fromkeys(("next week", "下周", "下星期", "下个星期", "下礼拜", "下个礼拜"), _monday_next_week),
    **dict.fromkeys(
        ("end of week", "end of the week", "end of this week", "eow", "this week", "本周内", "这周内"),
        _coming_friday,
    ),
    **dict.fromkeys(("end of next week", "下周内"), _friday_next_week),
    **dict.fromkeys(
        ("end of year", "end of the year", "year end", "eoy", "年底", "年末", "今年底"), _end_of_year
    ),
}

DATE_WORDS: tuple[str, ...] = (
    *WEEKDAY_NAMES,
    *MONTH_NAMES,
    *DAY_OFFSETS,
    *PERIODS,
    *[
        "this",
        "next",
        "last",
        "coming",
        "in",
        "within",
        "after",
        "from",
        "now",
        "today",
        "later",
        "ago",
        "of",
        "the",
        "st",
        "nd",
        "rd",
        "th",
    ],
    *[
        "day",
        "days",
        "week",
        "weeks",
        "wk",
        "wks",
        "month",
        "months",
        "mo",
        "mos",
        "year",
        "years",
        "yr",
        "yrs",
    ],
    *["on", "by", "before", "due", "until", "till", "no", "later", "than"],
    *["working", "business", "workday", "workdays", "工作日", "下一个", "下一"],
    *[
        "周",
        "星期",
        "礼拜",
        "这",
        "这个",
        "本",
        "下",
        "下个",
        "上",
        "上个",
        "天",
        "日",
        "号",
        "月",
        "年",
        "后",
        "之后",
        "以后",
        "内",
        "之内",
        "以内",
        "前",
        "之前",
        "以前",
        "个",
    ],
)
"""Every word a date phrase may consume (for the "nothing typed is lost" guarantee)."""


WorkingDay = Callable[[date], bool]
"""Whether a day is a working day (``WorkingCalendar.is_working_day``)."""


def monday_to_friday(day: date) -> bool:
    return day.weekday() < 5


MAX_WORKING_DAYS = 250
"""The most working days a phrase may count ahead (and how far the search goes)."""


@dataclass(frozen=True)
class _Context:
    today: date
    past: bool
    day_first: bool
    working: WorkingDay = field(default=monday_to_friday)


@dataclass(frozen=True)
class DateSpan:
    """A date phrase found inside longer text: ``text[start:end]`` (marker included)."""

    start: int
    end: int
    text: str
    """The date as typed, without its marker (``Friday`` in ``by Friday``)."""
    value: date | None
    """None when it looks like a date but cannot be placed on a calendar."""


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _alt(words: dict[str, int]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_CN_NUM = f"[\\d{CHINESE_NUMERAL_CHARS}]{{1,3}}"
_LEADING_MARKER = re.compile(r"^(?:no\s+later\s+than|due\s+by|due\s+on|due|by|before|on|until|till)\s+")
_TRAILING_BEFORE = re.compile(r"(?:之|以)?前$")
_EN_WEEKDAY = re.compile(rf"(?:(this|next|last|coming)\s+)?({_alt(WEEKDAY_NAMES)})\.?")
_ZH_WEEKDAY = re.compile(r"(这个|这|本|下个|下|上个|上)?(?:周|星期|礼拜)([一二三四五六日天])")
_UNIT = r"(days?|weeks?|wks?|months?|mos?|years?|yrs?)"
_EN_IN = re.compile(rf"(?:in|within|after)\s+(\S+)\s+{_UNIT}")
_EN_FROM_NOW = re.compile(rf"(\S+)\s+{_UNIT}\s+(?:from\s+now|from\s+today|later)")
_EN_AGO = re.compile(rf"(\S+)\s+{_UNIT}\s+ago")
_ZH_OFFSET = re.compile(rf"({_CN_NUM})个?(天|日|周|星期|礼拜|月|年)(?:之后|以后|后|之内|以内|内)")
_WORKING_UNIT = r"(?:working|business)\s+days?|workdays?"
_EN_NEXT_WORKING = re.compile(rf"(?:the\s+)?next\s+(?:{_WORKING_UNIT})")
_EN_WORKING = re.compile(
    rf"(?:in|within|after)\s+(\S+)\s+(?:{_WORKING_UNIT})|(\S+)\s+(?:{_WORKING_UNIT})\s+(?:from\s+now|from\s+today|later)"
)
_ZH_NEXT_WORKING = re.compile(r"下一?个?工作日")
_ZH_WORKING = re.compile(rf"({_CN_NUM})个?工作日(?:之后|以后|后|之内|以内|内)")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?")
_ORD = r"(?:st|nd|rd|th)?"
_MONTH_DAY = re.compile(rf"({_alt(MONTH_NAMES)})\.?\s*(\d{{1,2}}){_ORD}(?:,?\s*(\d{{4}}))?")
_DAY_MONTH = re.compile(rf"(\d{{1,2}}){_ORD}\s*(?:of\s+)?({_alt(MONTH_NAMES)})\.?(?:,?\s*(\d{{4}}))?")
_ZH_MONTH_DAY = re.compile(rf"(?:(\d{{4}})年)?({_CN_NUM})月({_CN_NUM})[日号]?")
_ZH_DAY = re.compile(rf"({_CN_NUM})[日号]")

_DATE_LIKE = re.compile(
    r"\d|day\b|\b(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)"
    r"|\b(?:end|week|month|year|eo[mwy]|next|tomorrow|tmrw?|tonight)\b",
    re.IGNORECASE,
)
_ZH_DATE_LIKE_END = re.compile(
    rf"(?:\d{{4}}年)?{_CN_NUM}(?:月{_CN_NUM}[日号]?|[日号]|个?(?:天|周|星期|礼拜|月))$"
    r"|(?:这个|这|本|下个|下|上个|上)?(?:周|星期|礼拜)\S$"
)
_MARKER = re.compile(
    rf"(?<!{LATIN_WORD_CHAR})(?:no\s+later\s+than|due\s+by|due\s+on|due|by|before|on|until|till)\s+",
    re.IGNORECASE,
)
_ZH_BEFORE = re.compile(r"(?:之|以)?前")
_TOKEN = re.compile(r"\S+")
_DATE_UNIT_CHARS = "年月日号天周"
"""A phrase boundary never falls between a number and these (``2月31日`` is one date)."""


def _normalise(text: str) -> str:
    phrase = " ".join(text.split()).strip(EDGE_CHARS + "\"'“”‘’()（）「」.").casefold()
    phrase = _LEADING_MARKER.sub("", phrase)
    phrase = _TRAILING_BEFORE.sub("", phrase)
    return phrase.strip(EDGE_CHARS + ".")


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _yearless(month: int, day: int, ctx: _Context) -> date:
    """Place a month/day in the year the 60-day window rule gives; ValueError when impossible."""
    window = timedelta(days=YEAR_WINDOW_DAYS)
    years = (ctx.today.year, ctx.today.year - 1) if ctx.past else (ctx.today.year, ctx.today.year + 1)
    for year in years:
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if ctx.past and candidate <= ctx.today + window:
            return candidate
        if not ctx.past and candidate >= ctx.today - window:
            return candidate
    raise ValueError(f"no year for {month}/{day}")


def _month_day(month: int, day: int, year: str | None, ctx: _Context) -> date:
    return date(_year(year), month, day) if year else _yearless(month, day, ctx)


def _weekday(weekday: int, relation: str | None, ctx: _Context) -> date:
    if relation in ("next", "下", "下个"):
        return _monday(ctx.today) + timedelta(days=7 + weekday)
    if relation in ("last", "上", "上个"):
        return _monday(ctx.today) + timedelta(days=weekday - 7)
    if relation in ("这", "这个", "本"):
        return _monday(ctx.today) + timedelta(days=weekday)
    step = -1 if ctx.past else 0
    return ctx.today + relativedelta(weekday=_RELATIVE_WEEKDAYS[weekday](step))


def _offset(count_text: str, unit: str, ctx: _Context, sign: int = 1) -> date | None:
    count = small_int(count_text)
    if count is None:
        return None
    count *= sign
    if unit.startswith(("d", "天", "日")):
        return ctx.today + timedelta(days=count)
    if unit.startswith(("w", "周", "星", "礼")):
        return ctx.today + timedelta(weeks=count)
    if unit.startswith(("mo", "月")):
        return ctx.today + relativedelta(months=count)
    return ctx.today + relativedelta(years=count)


def _match_fixed(phrase: str, ctx: _Context) -> date | None:
    if phrase in DAY_OFFSETS:
        return ctx.today + timedelta(days=DAY_OFFSETS[phrase])
    if phrase in PERIODS:
        return PERIODS[phrase](ctx.today)
    return None


def _match_weekday(phrase: str, ctx: _Context) -> date | None:
    if m := _EN_WEEKDAY.fullmatch(phrase):
        relation = m.group(1) if m.group(1) in ("next", "last") else None
        return _weekday(WEEKDAY_NAMES[m.group(2)], relation, ctx)
    if m := _ZH_WEEKDAY.fullmatch(phrase):
        return _weekday(CHINESE_WEEKDAYS[m.group(2)], m.group(1), ctx)
    return None


def _match_offset(phrase: str, ctx: _Context) -> date | None:
    if (m := _EN_IN.fullmatch(phrase)) or (m := _EN_FROM_NOW.fullmatch(phrase)):
        return _offset(m.group(1), m.group(2), ctx)
    if m := _EN_AGO.fullmatch(phrase):
        return _offset(m.group(1), m.group(2), ctx, sign=-1)
    if m := _ZH_OFFSET.fullmatch(phrase):
        return _offset(m.group(1), m.group(2), ctx)
    return None


def add_working_days(today: date, count: int, working: WorkingDay = monday_to_friday) -> date | None:
    """The ``count``-th working day after ``today``; None when none is found within reach."""
    day, found = today, 0
    for _ in range(MAX_WORKING_DAYS * 3):
        day += timedelta(days=1)
        if working(day):
            found += 1
            if found == count:
                return day
    return None


def _match_working(phrase: str, ctx: _Context) -> date | None:
    if ctx.past:
        return None
    if _EN_NEXT_WORKING.fullmatch(phrase) or _ZH_NEXT_WORKING.fullmatch(phrase):
        return add_working_days(ctx.today, 1, ctx.working)
    if (m := _EN_WORKING.fullmatch(phrase)) or (m := _ZH_WORKING.fullmatch(phrase)):
        count = small_int(next(g for g in m.groups() if g is not None))
        if count is None or not 0 < count <= MAX_WORKING_DAYS:
            return None
        return add_working_days(ctx.today, count, ctx.working)
    return None


def _match_numeric(phrase: str, ctx: _Context) -> date | None:
    if m := _ISO.fullmatch(phrase):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _NUMERIC.fullmatch(phrase):
        first, second = int(m.group(1)), int(m.group(2))
        month, day = (second, first) if ctx.day_first else (first, second)
        if month > 12 >= day:
            month, day = day, month
        return _month_day(month, day, m.group(3), ctx)
    return None


def _match_month_name(phrase: str, ctx: _Context) -> date | None:
    if m := _MONTH_DAY.fullmatch(phrase):
        return _month_day(MONTH_NAMES[m.group(1)], int(m.group(2)), m.group(3), ctx)
    if m := _DAY_MONTH.fullmatch(phrase):
        return _month_day(MONTH_NAMES[m.group(2)], int(m.group(1)), m.group(3), ctx)
    return None


def _cn_or_digits(text: str) -> int | None:
    return int(text) if text.isdecimal() else chinese_int(text)


def _match_chinese(phrase: str, ctx: _Context) -> date | None:
    if m := _ZH_MONTH_DAY.fullmatch(phrase):
        month, day = _cn_or_digits(m.group(2)), _cn_or_digits(m.group(3))
        if month is None or day is None:
            return None
        return _month_day(month, day, m.group(1), ctx)
    if m := _ZH_DAY.fullmatch(phrase):
        day = _cn_or_digits(m.group(1))
        if day is None:
            return None
        return _day_of_month(day, ctx)
    return None


def _day_of_month(day: int, ctx: _Context) -> date:
    """``5号``: the 5th of this month, else of the next (looking back: the previous) month."""
    step = -1 if ctx.past else 1
    first = ctx.today.replace(day=1)
    for months in (0, step, 2 * step):
        month_start = first + relativedelta(months=months)
        try:
            candidate = month_start.replace(day=day)
        except ValueError:
            continue
        if (candidate <= ctx.today) if ctx.past else (candidate >= ctx.today):
            return candidate
    raise ValueError(f"no month with day {day}")


_MATCHERS: tuple[Callable[[str, _Context], date | None], ...] = (
    _match_fixed,
    _match_working,
    _match_weekday,
    _match_offset,
    _match_numeric,
    _match_month_name,
    _match_chinese,
)


def _resolve(text: str, ctx: _Context) -> date | None:
    phrase = _normalise(text)
    if not phrase or len(phrase) > 40:
        return None
    try:
        for matcher in _MATCHERS:
            found = matcher(phrase, ctx)
            if found is not None:
                return found
    except (ValueError, OverflowError):
        return None
    return None


def _day_first(locale: str) -> bool:
    value = locale.replace("_", "-").casefold()
    return any(value == tag or value.startswith(tag + "-") for tag in DAY_FIRST_LOCALES)


def parse_date(
    text: str, today: date, locale: str = "en", working: WorkingDay = monday_to_friday
) -> date | None:
    """A due date (looking forward) typed on its own; None when it is not one."""
    return _resolve(text, _Context(today, past=False, day_first=_day_first(locale), working=working))


def parse_past_date(text: str, today: date) -> date | None:
    """A visit's own date (looking back): ``on Monday`` is the latest Monday on or before today."""
    return _resolve(text, _Context(today, past=True, day_first=False))


def looks_like_date(text: str) -> bool:
    """Text after ``by``/``before`` that was meant as a date (so it is reported, not kept as text)."""
    return _DATE_LIKE.search(text) is not None


def _prefix_ends(text: str) -> list[int]:
    ends: set[int] = set()
    for index, token in enumerate(_TOKEN.finditer(text)):
        if index >= 5:
            break
        ends.add(token.end())
    for i in range(1, min(len(text), 12) + 1):
        if i < len(text) and text[i - 1].isdecimal() and text[i] in _DATE_UNIT_CHARS:
            continue
        if is_cjk(text[i - 1]) or (i < len(text) and (is_cjk(text[i]) or text[i] in ",，、:：")):
            ends.add(i)
    return sorted(ends, reverse=True)


def _suffix_starts(text: str) -> list[int]:
    starts: set[int] = {token.start() for token in list(_TOKEN.finditer(text))[-5:]}
    for i in range(max(1, len(text) - 12), len(text)):
        if text[i - 1].isdecimal() or text[i - 1] in _DATE_UNIT_CHARS:
            continue
        if is_cjk(text[i]) or is_cjk(text[i - 1]):
            starts.add(i)
    return sorted(starts)


WINDOW = 200
"""How far from its edge a date phrase is looked for: five words or 12 characters fit many
times over, and a long line costs no more per marker than a short one."""


MAX_MARKERS = 8
"""The last few ``by``/``前`` markers of a promise are tried; a promise has one or two."""


def leading_date(
    text: str, today: date, *, past: bool = False, working: WorkingDay = monday_to_friday
) -> DateSpan | None:
    """The longest date phrase at the start of ``text`` (up to 5 words or 12 characters)."""
    ctx = _Context(today, past=past, day_first=False, working=working)
    text = text[:WINDOW]
    for end in _prefix_ends(text):
        phrase = text[:end]
        value = _resolve(phrase, ctx)
        if value is not None:
            return DateSpan(0, end, phrase.strip(EDGE_CHARS), value)
    return None


def trailing_date(
    text: str, today: date, *, past: bool = False, working: WorkingDay = monday_to_friday
) -> DateSpan | None:
    """The longest date phrase at the end of ``text``."""
    ctx = _Context(today, past=past, day_first=False, working=working)
    offset = max(0, len(text) - WINDOW)
    text = text[offset:]
    for start in _suffix_starts(text):
        phrase = text[start:]
        value = _resolve(phrase, ctx)
        if value is not None:
            return DateSpan(offset + start, offset + len(text), phrase.strip(EDGE_CHARS), value)
    return None


def find_due_date(body: str, today: date, working: WorkingDay = monday_to_friday) -> DateSpan | None:
    """Where a promise says when it is due, in this order of preference.

    1. ``by|before|due|on|until DATE``: the last such marker followed by a date phrase;
    2. ``DATE前``/``DATE之前`` (Chinese "before DATE");
    3. a date phrase ending or starting the text (``call back next week``, ``明天报价``);
    4. otherwise text that was meant as a date but cannot be placed (``by Fooday``,
       ``by 31/2``, ``2月31日前``) comes back with ``value=None``.
    """
    markers = list(_MARKER.finditer(body))
    for marker in reversed(markers[-MAX_MARKERS:]):
        found = leading_date(body[marker.end() : marker.end() + WINDOW], today, working=working)
        if found is not None:
            return DateSpan(marker.start(), marker.end() + found.end, found.text, found.value)
    befores = [m for m in _ZH_BEFORE.finditer(body) if not body.startswith("前天", m.start())]
    befores = befores[-MAX_MARKERS:]
    for before in reversed(befores):
        offset = max(0, before.start() - WINDOW)
        found = trailing_date(body[offset : before.start()], today, working=working)
        if found is not None:
            return DateSpan(offset + found.start, before.end(), found.text, found.value)
    found = trailing_date(body, today, working=working) or leading_date(body, today, working=working)
    if found is not None:
        return found
    if markers:
        marker = markers[-1]
        tail = body[marker.end() :].strip(EDGE_CHARS)
        if tail and len(tail.split()) <= 3 and looks_like_date(tail):
            return DateSpan(marker.start(), len(body), tail, None)
    for before in reversed(befores):
        head = body[: before.start()].rstrip()
        if has_cjk(head) and (bad := _ZH_DATE_LIKE_END.search(head)):
            return DateSpan(bad.start(), before.end(), bad.group(), None)
    return None
