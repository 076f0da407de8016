"""Public holidays and make-up working days of a country, from the ``holidays`` library.

Pure computation over data shipped with the library (no I/O). A country publishes next
year's schedule late in the year and a release may lag: an admin's imported days
(``CompanyDay``) take precedence over what is here (see ``working``).

China's make-up working days (调休上班) are the library's ``weekend_workdays``; a
substitution in early January may be recorded in the previous year's data (the library
adds them while building each year), so a year is built together with its neighbours and
the days are filtered to it.

The library is imported on first use (about 70 ms): commands that never look at a calendar do
not pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holidays import HolidayBase

LANGUAGES = {"en": ("en_US", "en_GB", "en"), "zh-Hans": ("zh_CN", "zh_Hans", "zh")}
"""The library's language codes for each catalog locale, the first one a country has wins."""


@dataclass(frozen=True)
class PublicYear:
    off: dict[date, str]
    """Public holidays (and their observed or substitute days) -> name."""
    work: frozenset[date]
    """Weekend days that are working days (make-up working days)."""


@lru_cache(maxsize=1)
def countries() -> dict[str, list[str]]:
    """Country code -> its region codes (``US`` -> ``AK``, ``AL`` ...)."""
    import holidays

    return holidays.list_supported_countries()


def _country(
    country: str, subdiv: str | None = None, years: tuple[int, ...] = (), language: str | None = None
) -> HolidayBase:
    import holidays

    return holidays.country_holidays(country, subdiv=subdiv, years=years or None, language=language)


def is_country(code: str) -> bool:
    return code in countries()


def is_region(country: str, region: str) -> bool:
    return region in countries().get(country, [])


@lru_cache(maxsize=16)
def usual_weekend(country: str) -> frozenset[int]:
    """The country's weekend (Saudi Arabia: Friday and Saturday)."""
    return frozenset(_country(country).weekend)


def _language(country: str, locale: str) -> str | None:
    supported = _country(country).supported_languages
    for code in LANGUAGES.get(locale, ()):
        if code in supported:
            return code
    return None


@lru_cache(maxsize=512)
def public_year(country: str, region: str | None, year: int, locale: str = "en") -> PublicYear:
    """The country's (and region's) days of ``year``, named in ``locale`` where the library can."""
    years = tuple(y for y in (year - 1, year, year + 1) if 1 <= y <= 9999)
    found = _country(country, subdiv=region or None, years=years, language=_language(country, locale))
    off = {day: name for day, name in found.items() if day.year == year}
    work = frozenset(day for day in found.weekend_workdays if day.year == year)
    return PublicYear(off, work)


def schedule_missing(country: str, region: str | None, year: int) -> bool:
    """The library has make-up working days for the year before but none for ``year``: a country
    that moves working days (China) has not had ``year``'s schedule added yet, so an admin should
    import it (``kam-bot calendar import``)."""
    return not public_year(country, region, year).work and bool(public_year(country, region, year - 1).work)
