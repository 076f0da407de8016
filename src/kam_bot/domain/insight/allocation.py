"""Priority from intention x power (seed 002's grid) against the time an account actually got.

"Clear intention and strong purchasing power: spend the most time; clear intention, weak
power: keep in touch and work on it; clear intention, cannot buy now: park." Time spent is
the account's visits in the last ``allocation_weeks``. Two findings a manager acts on:

- ``neglected``: a focus account with fewer than ``focus_min_visits`` visits;
- ``overserved``: a park or monitor account with more than ``low_max_visits`` visits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from kam_bot.domain.enums import Priority
from kam_bot.domain.insight.thresholds import DEFAULT, Thresholds
from kam_bot.domain.models import Account
from kam_bot.domain.rules import priority

LOW = frozenset({Priority.PARK, Priority.MONITOR})


class Misallocation(StrEnum):
    NEGLECTED = "neglected"
    OVERSERVED = "overserved"


@dataclass(frozen=True)
class Placement:
    account: Account
    priority: Priority
    visits: int
    finding: Misallocation | None


def place(account: Account, visits: int, thresholds: Thresholds = DEFAULT) -> Placement:
    grid = priority(account.intention, account.power)
    finding: Misallocation | None = None
    if grid is Priority.FOCUS and visits < thresholds.focus_min_visits:
        finding = Misallocation.NEGLECTED
    elif grid in LOW and visits > thresholds.low_max_visits:
        finding = Misallocation.OVERSERVED
    return Placement(account, grid, visits, finding)


@dataclass(frozen=True)
class RepTime:
    """Where one rep's visits went: share on focus accounts against the share of focus accounts."""

    visits: int
    focus_visits: int
    accounts: int
    focus_accounts: int
    findings: tuple[Placement, ...]


def rep_time(placements: Iterable[Placement]) -> RepTime:
    shown = list(placements)
    return RepTime(
        visits=sum(p.visits for p in shown),
        focus_visits=sum(p.visits for p in shown if p.priority is Priority.FOCUS),
        accounts=len(shown),
        focus_accounts=sum(p.priority is Priority.FOCUS for p in shown),
        findings=tuple(p for p in shown if p.finding is not None),
    )
