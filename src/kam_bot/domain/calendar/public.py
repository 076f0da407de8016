"""Public holidays and make-up working days of a country, from the ``holidays`` library.

Pure computation over data shipped with the library (no I/O). A country publishes next
year's schedule late in the year and a release may lag: an admin's imported days
(``CompanyDay``) take precedence over what is here (see ``working``).

China's make-up working days (调休上班) are the library's ``weekend_workdays``; a
substitution in early January may be recorded in the previous year's data (the library
adds them while building each year), so a year is built together with its neighbours and
the days are filtered to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays

LANGUAGES = {"en": ("en_US", "en_GB", "en"), "zh-Hans": ("zh_CN", "zh_Hans", "zh")}
"""The library's language codes for each catalog locale, the first one a country has wins."""


@dataclass(frozen=True)
class PublicYear:
    off: dict[date, str]
    """Public holidays (and their observed or substitute days) -> name."""
    work: frozenset[date]
    """Weekend days that are working days (make-up working days)."""


def countries() -> dict[str, list[str]]:
    """Country code -> its region codes (``US`` -> ``AK``, ``AL`` ...)."""
    return holidays.list_supported_countries()


def is_country(code: str) -> bool:
    return code in countries()


def is_region(country: str, region: str) -> bool:
    return region in countries().get(country, [])


@lru_cache(maxsize=16)
def usual_weekend(country: str) -> frozenset[int]:
    """The country's weekend (Saudi Arabia: Friday and Saturday)."""
    return frozenset(holidays.country_holidays(country).weekend)


def _language(country: str, locale: str) -> str | None:
    supported = holidays.country_holidays(country).supported_languages
    for code in LANGUAGES.get(locale, ()):
        if code in supported:
            return code
    return None


@lru_cache(maxsize=512)
def public_year(country: str, region: str | None, year: int, locale: str = "en") -> PublicYear:
    """The country's (and region's) days of ``year``, named in ``locale`` where the library can."""
    found = holidays.country_holidays(
        country, subdiv=region or None, years=(year - 1, year, year + 1), language=_language(country, locale)
    )
    off = {day: name for day, name in found.items() if day.year == year}
    work = frozenset(day for day in found.weekend_workdays if day.year == year)
    return PublicYear(off, work)
