"""Working calendars: weekly patterns, public holidays, make-up working days, company days."""

from kam_bot.domain.calendar.week import WeekendError, format_weekend, parse_weekend
from kam_bot.domain.calendar.working import (
    MONDAY_TO_FRIDAY,
    CalendarBook,
    CalendarSpec,
    CompanyDay,
    DayInfo,
    DayKind,
    Why,
    WorkingCalendar,
)

__all__ = [
    "MONDAY_TO_FRIDAY",
    "CalendarBook",
    "CalendarSpec",
    "CompanyDay",
    "DayInfo",
    "DayKind",
    "WeekendError",
    "Why",
    "WorkingCalendar",
    "format_weekend",
    "parse_weekend",
]
