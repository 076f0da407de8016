"""Deals that stall: days in the current procurement stage, and no move while visits go on.

Seed 004's procurement runs in steps; a deal sitting in one step for ``stall_days`` while the
rep keeps visiting (``stall_min_visits`` since the last move) is being worked without moving.
A signed contract, delivery and after-sales are not deals in progress.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kam_bot.domain.enums import ProcurementStage
from kam_bot.domain.insight.thresholds import DEFAULT, Thresholds
from kam_bot.domain.models import Account

CLOSED = frozenset(
    {ProcurementStage.CONTRACT_SIGNED, ProcurementStage.DELIVERY, ProcurementStage.AFTER_SALES}
)


@dataclass(frozen=True)
class StageAge:
    stage: ProcurementStage
    since: date
    days: int
    visits_since: int
    stalled: bool


def stage_age(
    account: Account,
    last_move: date | None,
    visit_days: Iterable[date],
    today: date,
    thresholds: Thresholds = DEFAULT,
) -> StageAge | None:
    """How long the account has been in its procurement stage; None without one.

    ``last_move`` is the day of the latest procurement-stage change (the account's creation
    day when it never moved); ``visit_days`` the days of its visits (any range: those before
    the move do not count).
    """
    stage = account.procurement_stage
    if stage is None:
        return None
    since = last_move or account.created_at.date()
    days = (today - since).days
    visits = sum(1 for d in visit_days if since < d <= today)
    stalled = stage not in CLOSED and days >= thresholds.stall_days and visits >= thresholds.stall_min_visits
    return StageAge(stage, since, days, visits, stalled)
