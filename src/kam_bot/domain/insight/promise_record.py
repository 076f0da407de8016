"""The promise record: how often promises were kept on time, ours and the customer's.

Seed 002: "whether the customer's promise is fulfilled" is the first thing to review before
a visit, and "making promises without keeping them" is the common failure. A promise counts
once it is due (due in the last ``promise_days``, up to yesterday) and not cancelled; it was
kept on time when done on or before its due day (in the reader's time zone).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from kam_bot.domain.enums import PromiseDirection, PromiseStatus
from kam_bot.domain.insight.thresholds import DEFAULT, Thresholds
from kam_bot.domain.models import Promise


@dataclass(frozen=True)
class Record:
    due: int = 0
    kept: int = 0

    @property
    def rate(self) -> float | None:
        """Kept on time / due; None when nothing fell due."""
        return self.kept / self.due if self.due else None

    def __add__(self, other: Record) -> Record:
        return Record(self.due + other.due, self.kept + other.kept)


@dataclass(frozen=True)
class Records:
    ours: Record = Record()
    theirs: Record = Record()


def kept_on_time(p: Promise, tz: tzinfo) -> bool:
    return p.status is PromiseStatus.DONE and p.done_at is not None and _day(p.done_at, tz) <= p.due_date


def _day(at: datetime, tz: tzinfo) -> date:
    return at.astimezone(tz).date()


def record(promises: Iterable[Promise], today: date, tz: tzinfo, thresholds: Thresholds = DEFAULT) -> Records:
    """Ours and theirs over the promises due in ``[today - promise_days, today)``."""
    first = today - timedelta(days=thresholds.promise_days)
    tally: dict[PromiseDirection, Record] = defaultdict(Record)
    for p in promises:
        if p.status is PromiseStatus.CANCELLED or not first <= p.due_date < today:
            continue
        tally[p.direction] += Record(1, int(kept_on_time(p, tz)))
    return Records(tally[PromiseDirection.OURS], tally[PromiseDirection.THEIRS])


def records_by(
    promises: Iterable[Promise],
    key: Callable[[Promise], int],
    today: date,
    tz: tzinfo,
    thresholds: Thresholds = DEFAULT,
) -> dict[int, Records]:
    """``record`` per rep (``key=owner_id``) or per account (``key=account_id``)."""
    groups: dict[int, list[Promise]] = defaultdict(list)
    for p in promises:
        groups[key(p)].append(p)
    return {k: record(ps, today, tz, thresholds) for k, ps in groups.items()}


def to_chase(promises: Iterable[Promise], today: date) -> list[Promise]:
    """The customer's open promises past their due day, the longest overdue first."""
    late = [
        p
        for p in promises
        if p.direction is PromiseDirection.THEIRS and p.status is PromiseStatus.OPEN and p.due_date < today
    ]
    return sorted(late, key=lambda p: (p.due_date, p.id))


def overdue_ours(promises: Iterable[Promise], today: date) -> list[Promise]:
    """Our open promises past their due day, the longest overdue first."""
    late = [
        p
        for p in promises
        if p.direction is PromiseDirection.OURS and p.status is PromiseStatus.OPEN and p.due_date < today
    ]
    return sorted(late, key=lambda p: (p.due_date, p.id))
