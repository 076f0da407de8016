"""Everything the insight rules say about one account, built from what its card already reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, tzinfo

from kam_bot.domain.enums import StageKind
from kam_bot.domain.insight import coverage, promise_record, stalls
from kam_bot.domain.insight.thresholds import DEFAULT, Thresholds
from kam_bot.domain.models import Account, Promise, StageChange
from kam_bot.domain.rules import cadence_days


@dataclass(frozen=True)
class AccountInsight:
    coverage: coverage.Coverage
    promises: promise_record.Records
    stage: stalls.StageAge | None


def last_procurement_move(changes: Iterable[StageChange], tz: tzinfo) -> date | None:
    days = [c.changed_at.astimezone(tz).date() for c in changes if c.kind is StageKind.PROCUREMENT]
    return max(days) if days else None


def account_insight(
    account: Account,
    chain: Iterable[coverage.ChainMember],
    promises: Iterable[Promise],
    visit_days: Iterable[date],
    last_move: date | None,
    today: date,
    tz: tzinfo,
    thresholds: Thresholds = DEFAULT,
) -> AccountInsight:
    """``promises`` of every status; ``visit_days`` at least those since ``last_move``."""
    since = account.created_at.astimezone(tz).date()
    return AccountInsight(
        coverage=coverage.coverage(chain, today, cadence_days(account), since, thresholds),
        promises=promise_record.record(promises, today, tz, thresholds),
        stage=stalls.stage_age(account, last_move, visit_days, today, thresholds),
    )
