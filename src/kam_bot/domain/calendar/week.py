"""A team's weekly pattern: which weekdays are its weekend.

Written the way admins type it (``sat,sun``, ``fri,sat``, ``none`` for a seven-day week, also
``周五,周六``) and stored in that canonical text (``Team.calendar_weekend``). ``None`` stored
means "the usual one": the country's weekend when the team has a country, else Saturday and
Sunday.
"""

from __future__ import annotations

import re

SAT_SUN = frozenset({5, 6})
NONE = "none"
ABBREVIATIONS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NAMES: dict[str, int] = {
    **{name: i for i, name in enumerate(ABBREVIATIONS)},
    **{name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday"))},
    "saturday": 5,
    "sunday": 6,
    "tues": 1,
    "thur": 3,
    "thurs": 3,
    **{f"{prefix}{char}": i for prefix in ("周", "星期", "礼拜") for i, char in enumerate("一二三四五六日")},
    "周天": 6,
    "星期天": 6,
}
_SEPARATORS = re.compile(r"[\s,，、/;；+]+")


class WeekendError(ValueError):
    """``token`` is not a weekday, or the weekend leaves no working day."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def parse_weekend(text: str) -> frozenset[int]:
    """``fri,sat`` -> {4, 5}; ``none`` (or ``''``) -> a seven-day week. WeekendError otherwise."""
    cleaned = text.strip().casefold()
    if cleaned in ("", NONE, "无", "没有"):
        return frozenset()
    days: set[int] = set()
    for token in _SEPARATORS.split(cleaned):
        if not token:
            continue
        day = _NAMES.get(token.rstrip("."))
        if day is None:
            raise WeekendError(token)
        days.add(day)
    if len(days) == 7:
        raise WeekendError(text.strip())
    return frozenset(days)


def format_weekend(days: frozenset[int]) -> str:
    """{4, 5} -> ``fri,sat``; no day -> ``none`` (what ``parse_weekend`` reads back)."""
    return ",".join(ABBREVIATIONS[d] for d in sorted(days)) or NONE
