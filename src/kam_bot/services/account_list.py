"""``accounts [TEXT]``: the actor's accounts, or the accounts a text matches, ranked.

Each row carries what a rep looks at to decide where to go next: tier, stage and the days
since the last visit. A text too short for the typo-tolerant ranking (``s``) still finds the
names that start with it or contain it, so nobody is left with a bare "no match".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from kam_bot.domain import rules
from kam_bot.domain.matching import Match, fold
from kam_bot.domain.models import Account, User
from kam_bot.services import access
from kam_bot.services.ports import Repository

LIST_LIMIT = 20


@dataclass(frozen=True)
class AccountRow:
    account: Account
    last_visit_at: datetime | None
    days_since_visit: int | None
    """Whole days in the reader's time zone; None when never visited."""
    days_overdue: int | None


def contains_matches(keys: Sequence[tuple[int, str]], query: str, limit: int) -> list[Match]:
    """Names or aliases starting with ``query`` first, then containing it; shortest first."""
    key = fold(query)
    if not key:
        return []
    best: dict[int, Match] = {}
    for account_id, candidate in keys:
        at = candidate.find(key)
        if at < 0:
            continue
        score = 90.0 if at == 0 else 70.0
        match = Match(score - min(len(candidate), 20) / 100, account_id, candidate)
        if account_id not in best or match.score > best[account_id].score:
            best[account_id] = match
    return sorted(best.values(), key=lambda m: (-m.score, m.matched))[:limit]


def rows_for(repo: Repository, actor: User, accounts: list[Account], now: datetime) -> list[AccountRow]:
    """The readable ones among ``accounts``, in the given order, with their visit figures."""
    readable = [a for a in accounts if not a.archived and access.can_read_account(repo, actor, a)]
    last = repo.last_visit_dates(a.id for a in readable)
    tz = ZoneInfo(actor.timezone)
    today = now.astimezone(tz).date()
    rows = []
    for account in readable:
        at = last.get(account.id)
        local = at.astimezone(tz).date() if at else None
        rows.append(
            AccountRow(
                account=account,
                last_visit_at=at,
                days_since_visit=(today - local).days if local else None,
                days_overdue=rules.days_overdue(account, local, today, tz),
            )
        )
    return rows


def my_rows(repo: Repository, actor: User, now: datetime) -> list[AccountRow]:
    """The actor's own accounts, most overdue first, then by name."""
    rows = rows_for(repo, actor, repo.accounts_where(owner_id=actor.id), now)
    return sorted(rows, key=lambda r: (-(r.days_overdue or 0), r.account.name.casefold()))[:LIST_LIMIT]
