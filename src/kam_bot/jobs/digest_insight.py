"""The digest's insight sections, computed for a whole team from a handful of set-based reads
(``DigestReader``: contacts' roles, promises due, last procurement moves, visits, prices):

- accounts at risk (decision-chain coverage rules), tier A first;
- time against the priority grid (neglected focus accounts, overserved low ones) per rep;
- promise record per rep (ours and the customer's, kept on time) and customer promises to chase;
- stalled deals (no procurement move for ``stall_days`` while visits continue);
- price trends of the products off policy this week (for the chart).

Contacts' last-met days are the current ones (a past week's preview shows today's chain).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from kam_bot.domain.enums import Tier
from kam_bot.domain.insight import allocation, coverage, promise_record, stalls
from kam_bot.domain.insight import prices as price_picture
from kam_bot.domain.insight.thresholds import Thresholds
from kam_bot.domain.models import Account, PriceListEntry, Promise
from kam_bot.domain.rules import cadence_days
from kam_bot.jobs.planning import local_date, zone
from kam_bot.store.digest_queries import DigestReader
from kam_bot.store.digest_share import VisitFact

TIER_ORDER = {Tier.A: 0, Tier.B: 1, Tier.C: 2}
TREND_WEEKS = 26
"""How far back a price trend of an off-policy product goes."""
MAX_TRENDS = 2


@dataclass
class InsightData:
    thresholds: Thresholds
    at_risk: list[tuple[Account, coverage.Coverage]] = field(default_factory=list)
    placements: list[allocation.Placement] = field(default_factory=list)
    """Every live account on the grid with its visits in the allocation window."""
    rep_time: dict[int, allocation.RepTime] = field(default_factory=dict)
    records: dict[int, promise_record.Records] = field(default_factory=dict)
    """Rep id -> promise record (last ``promise_days``)."""
    to_chase: list[tuple[Account, Promise]] = field(default_factory=list)
    stalled: list[tuple[Account, stalls.StageAge]] = field(default_factory=list)
    trends: list[tuple[Account, price_picture.ProductPrices]] = field(default_factory=list)


def _visits_by_account(visits: list[VisitFact], days: list[date]) -> dict[int, list[date]]:
    by_account: dict[int, list[date]] = defaultdict(list)
    for v, day in zip(visits, days, strict=True):
        by_account[v.account_id].append(day)
    return by_account


def compute_insight(
    reader: DigestReader,
    visits: list[VisitFact],
    visit_days: list[date],
    as_of: datetime,
    tz: str,
    thresholds: Thresholds,
    off_policy: list[tuple[Account, str]],
) -> InsightData:
    """``visits``: the team's visits since at least ``as_of - allocation_weeks`` (read once by
    the digest; a stalled deal's "visits since the last move" count within that window: the
    visits that continue), ``visit_days`` their local days in ``tz``; ``off_policy``: (account,
    product) flagged this week."""
    out = InsightData(thresholds)
    today, tzinfo = local_date(as_of, tz), zone(tz)
    live = [a for a in reader.accounts.values() if not a.archived and a.created_at <= as_of]
    chains = reader.chains()
    days_at = _visits_by_account(visits, visit_days)
    window = today - timedelta(weeks=thresholds.allocation_weeks)
    moves = reader.last_procurement_moves()
    for a in live:
        cov = coverage.coverage(
            chains.get(a.id, ()), today, cadence_days(a), a.created_at.astimezone(tzinfo).date(), thresholds
        )
        if cov.at_risk:
            out.at_risk.append((a, cov))
        recent = sum(1 for d in days_at[a.id] if window < d <= today)
        out.placements.append(allocation.place(a, recent, thresholds))
        move = local_date(moves[a.id], tz) if a.id in moves else None
        age = stalls.stage_age(a, move, days_at[a.id], today, thresholds)
        if age is not None and age.stalled:
            out.stalled.append((a, age))
    out.at_risk.sort(key=lambda x: (TIER_ORDER[x[0].tier], -len(x[1].rules), x[0].name.casefold()))
    out.stalled.sort(key=lambda x: (TIER_ORDER[x[0].tier], -x[1].days))
    by_owner: dict[int, list[allocation.Placement]] = defaultdict(list)
    for p in out.placements:
        if p.account.owner_id is not None:
            by_owner[p.account.owner_id].append(p)
    out.rep_time = {owner: allocation.rep_time(ps) for owner, ps in by_owner.items()}
    first = today - timedelta(days=thresholds.promise_days)
    due = reader.promises_due_between(first, today)
    out.records = promise_record.records_by(due, lambda p: p.owner_id, today, tzinfo, thresholds)
    chase = promise_record.to_chase(due, today)
    out.to_chase = [(reader.accounts[p.account_id], p) for p in chase]
    out.trends = _trends(reader, off_policy, as_of, tz)
    return out


def _trends(
    reader: DigestReader, off_policy: list[tuple[Account, str]], as_of: datetime, tz: str
) -> list[tuple[Account, price_picture.ProductPrices]]:
    firsts: dict[tuple[int, str], tuple[Account, str]] = {}
    for account, product in off_policy:
        firsts.setdefault((account.id, product.casefold()), (account, product))
        if len(firsts) == MAX_TRENDS:
            break
    wanted = list(firsts.values())
    if not wanted:
        return []
    rates = reader.exchange_rates()
    seen = reader.prices_since(sorted({a.id for a, _ in wanted}), as_of - timedelta(weeks=TREND_WEEKS))
    listed_cache: dict[tuple[str, date], PriceListEntry | None] = {}

    def listed(product: str, on: date) -> PriceListEntry | None:
        key = (product.casefold(), on)
        if key not in listed_cache:
            listed_cache[key] = reader.price_list_for(product, on)
        return listed_cache[key]

    out: list[tuple[Account, price_picture.ProductPrices]] = []
    for account, product in wanted:
        mine = [o for o in seen if o.account_id == account.id and o.product.casefold() == product.casefold()]
        for pic in price_picture.picture(mine, listed, zone(tz), Decimal("0"), rates):
            out.append((account, pic))
    return out
