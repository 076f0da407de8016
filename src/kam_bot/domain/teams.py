"""A team's settings: the language its digest speaks and the time zone an import gives it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from kam_bot.domain.enums import Locale


def members_locale(member_locales: Iterable[Locale], fallback: Locale) -> Locale:
    """The language most of the team uses; a tie (or nobody) goes to ``fallback``."""
    votes = Counter(member_locales)
    if not votes:
        return fallback
    best = max(votes.values())
    winners = {loc for loc, n in votes.items() if n == best}
    return fallback if fallback in winners or len(winners) > 1 else winners.pop()


def digest_locale(chosen: Locale | None, member_locales: Iterable[Locale], fallback: Locale) -> Locale:
    """The digest's language: the one an admin chose for the team, else the members' (above)."""
    return chosen if chosen is not None else members_locale(member_locales, fallback)


def common_zone(zones: Iterable[str | None]) -> str | None:
    """The time zone most often given; a tie goes to the one given first; none given: None."""
    counted = Counter(zone for zone in zones if zone)
    return counted.most_common(1)[0][0] if counted else None
