"""The weekly team digest, posted to the team's channel (never a personal note in it).

The week is Monday 00:00 to Monday 00:00 in the team's time zone. Figures are "as of" the
end of the week, or now for a week still running (a preview):

- visits per rep and goal-reached rate (``yes`` among visits with an outcome; ``partly`` shown apart);
- our promises: *made* (created in the week), *due* (due in the week, up to as-of, not
  cancelled), *kept* (of those, done on or before the due date), the kept rate = kept / due,
  and *overdue* (due before as-of and not done by then, whatever week they were due);
- customers' promises overdue, accounts past their cadence, stage moves, prices off policy
  (our invoices and customer prices; competitors' prices are listed as competitor activity),
  stock alerts (likely stock-out or overstock since the previous count), competitor notes;
- the insight sections (``digest_insight``): accounts at risk, time against the priority grid,
  promise record and customer promises to chase, stalled deals, price trends;
- charts: visits per rep per week over the last 8 weeks, kept-promise rates, the intention x
  power grid, the price trend of products off policy.

Of contacts the digest reads only role, attitude and last met, so personal notes cannot leak
into a channel.
``digest_render`` turns these figures into the message and its chart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from kam_bot.domain import rules
from kam_bot.domain.enums import GoalReached, Locale, Movement, PriceKind, PromiseDirection
from kam_bot.domain.insight.thresholds import DEFAULT as DEFAULT_THRESHOLDS
from kam_bot.domain.insight.thresholds import Thresholds
from kam_bot.domain.models import (
    Account,
    CompetitorNote,
    InventoryObservation,
    PriceListEntry,
    PriceObservation,
    StageChange,
    Team,
    User,
)
from kam_bot.domain.teams import digest_locale
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.jobs.digest_insight import InsightData, compute_insight
from kam_bot.jobs.planning import local_date, week_bounds, zone
from kam_bot.store.digest_queries import DigestReader
from kam_bot.store.digest_share import DigestShare
from kam_bot.store.jobs import JobsTransaction
from kam_bot.store.price_book import PriceBook

KIND = "digest"
CHART_WEEKS = 8


@dataclass
class RepFigures:
    user: User
    visits: int = 0
    rated: int = 0
    reached: int = 0
    partly: int = 0
    made: int = 0
    due: int = 0
    kept: int = 0
    overdue: int = 0


@dataclass
class DigestData:
    team: Team
    week: date
    start: datetime
    end: datetime
    as_of: datetime
    reps: list[RepFigures]
    theirs_overdue: int = 0
    stale: list[tuple[Account, str, int]] = field(default_factory=list)
    """(account, owner's name, days past cadence)."""
    stage_moves: list[tuple[Account, StageChange]] = field(default_factory=list)
    off_policy: list[tuple[Account, PriceObservation, rules.PriceDeviation]] = field(default_factory=list)
    stock_alerts: list[tuple[Account, InventoryObservation, rules.InventoryChange]] = field(
        default_factory=list
    )
    competitor_notes: list[tuple[Account, CompetitorNote]] = field(default_factory=list)
    competitor_prices: list[tuple[Account, PriceObservation]] = field(default_factory=list)
    new_accounts: list[tuple[Account, str]] = field(default_factory=list)
    """Accounts of the team created in the week (up to as-of), oldest first, with the owner's name."""
    weeks: list[date] = field(default_factory=list)
    weekly_visits: dict[int, list[int]] = field(default_factory=dict)
    """Rep id -> visits per week of ``weeks``."""
    insight: InsightData | None = None
    """Accounts at risk, time against the grid, promise record, stalls, price trends."""
    price_threshold: Decimal = Decimal("0.05")
    """The fraction off the price list that flags a price (the price charts' policy band)."""

    def total(self, name: str) -> int:
        return sum(int(getattr(r, name)) for r in self.reps)


def team_locale(team: Team, members: Iterable[User], default: str) -> Locale:
    """The digest's language: the team's when an admin chose one, else the language most of the
    team uses (a tie goes to the configured default)."""
    return digest_locale(team.locale, (m.locale for m in members), resolve_locale(default))


# -- figures -------------------------------------------------------------------------


class _Figures(dict[int, RepFigures]):
    """Figures per person: every rep of the team, and anyone else who visited or promised for it."""

    def __init__(self, reader: DigestReader, team_members: list[User]) -> None:
        super().__init__({u.id: RepFigures(u) for u in team_members if u.role.value == "rep"})
        self._reader = reader
        self._known = {u.id: u for u in team_members}

    def name(self, user_id: int | None) -> str:
        person = self._known.get(user_id) if user_id is not None else None
        if person is None and user_id is not None and (person := self._reader.user(user_id)) is not None:
            self._known[user_id] = person
        return person.display_name if person else "—"

    def of(self, user_id: int) -> RepFigures | None:
        if user_id not in self:
            person = self._known.get(user_id) or self._reader.user(user_id)
            if person is None:
                return None
            self[user_id] = RepFigures(person)
        return self[user_id]


def _promise_figures(
    reader: DigestReader, figures: _Figures, data: DigestData, tz: str, thresholds: Thresholds
) -> int:
    """Fill made / due / kept / overdue; returns customers' overdue promises."""
    start_day = local_date(data.start, tz)
    cutoff = min(local_date(data.as_of, tz), local_date(data.end, tz))
    record_from = local_date(data.as_of, tz) - timedelta(days=thresholds.promise_days)
    reader.prefetch_promises(data.start, min(start_day, record_from), data.as_of)
    ours = PromiseDirection.OURS
    for promise in reader.promises_made(ours, data.start, min(data.end, data.as_of)):
        if (fig := figures.of(promise.owner_id)) is not None:
            fig.made += 1
    for promise in reader.promises_due(ours, start_day, cutoff):
        if (fig := figures.of(promise.owner_id)) is not None:
            fig.due += 1
            if promise.done_at is not None and local_date(promise.done_at, tz) <= promise.due_date:
                fig.kept += 1
    for promise in reader.promises_late(ours, cutoff, data.as_of):
        if (fig := figures.of(promise.owner_id)) is not None:
            fig.overdue += 1
    return len(reader.promises_late(PromiseDirection.THEIRS, cutoff, data.as_of))


def _observations(reader: DigestReader, data: DigestData, threshold: Decimal, tz: str) -> None:
    accounts = reader.accounts
    listed_prices: dict[tuple[str, date], PriceListEntry | None] = {}
    rates = reader.exchange_rates()

    def listed(product: str, on: date) -> PriceListEntry | None:
        key = (product.lower(), on)
        if key not in listed_prices:
            listed_prices[key] = reader.price_list_for(product, on)
        return listed_prices[key]

    for move in reader.stage_changes():
        data.stage_moves.append((accounts[move.account_id], move))
    for obs in reader.prices():
        if obs.kind is PriceKind.COMPETITOR:
            data.competitor_prices.append((accounts[obs.account_id], obs))
            continue
        deviation = rules.price_deviation(
            obs, listed(obs.product, local_date(obs.observed_at, tz)), threshold, rates
        )
        if deviation is not None and deviation.flagged:
            data.off_policy.append((accounts[obs.account_id], obs, deviation))
    stocks = _latest_counts(reader.stock())
    # only a fast or slow mover can be flagged against the previous count (rules.inventory_change)
    previous = reader.previous_stocks(
        [s for s in stocks if s.quantity > 0 and s.movement in (Movement.FAST, Movement.SLOW)]
    )
    for stock in stocks:
        change = rules.inventory_change(stock, previous.get(stock.id))
        if change.flag is not None:
            data.stock_alerts.append((accounts[stock.account_id], stock, change))
    for note in reader.competitor_notes():
        data.competitor_notes.append((accounts[note.account_id], note))


def _latest_counts(stocks: list[InventoryObservation]) -> list[InventoryObservation]:
    """The week's last count of each product at each account: an alert reads what is on the shelf
    now, not an earlier count of the week that a later one has replaced."""
    latest: dict[tuple[int, str], InventoryObservation] = {}
    for stock in sorted(stocks, key=lambda s: (s.observed_at, s.id)):
        latest[(stock.account_id, stock.product.casefold())] = stock
    return list(latest.values())


def _new_accounts(reader: DigestReader, figures: _Figures, data: DigestData) -> list[tuple[Account, str]]:
    """The team's live accounts created in the week, up to as-of: from the accounts already read."""
    new = [
        a
        for a in reader.accounts.values()
        if not a.archived and data.start <= a.created_at < data.end and a.created_at <= data.as_of
    ]
    return [(a, figures.name(a.owner_id)) for a in sorted(new, key=lambda a: (a.created_at, a.id))]


def reader_window(team: Team, monday: date, now: datetime) -> tuple[datetime, datetime]:
    """The window the digest of ``team`` for the week of ``monday`` reads: the week, up to now."""
    start, end = week_bounds(monday, team.timezone)
    return start, min(end, now)


def compute(
    tx: JobsTransaction,
    team: Team,
    monday: date,
    now: datetime,
    threshold: Decimal,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    members: list[User] | None = None,
    book: PriceBook | None = None,
    share: DigestShare | None = None,
) -> DigestData:
    """The figures of ``team`` for the week starting ``monday``, as of ``min(now, end of week)``.
    ``members``: the team's (read here when not given); ``book``: a price list shared by a tick;
    ``share``: what the tick reads once for all its digests (``reader_window`` gives each window)."""
    tz = team.timezone
    start, end = reader_window(team, monday, now)
    reader = tx.digest_reader(team, start, end, book, share)
    end = week_bounds(monday, tz)[1]
    figures = _Figures(reader, tx.team_members(team) if members is None else members)
    data = DigestData(team=team, week=monday, start=start, end=end, as_of=min(now, end), reps=[])
    data.price_threshold = threshold
    first = monday - timedelta(weeks=CHART_WEEKS - 1)
    data.weeks = [first + timedelta(weeks=i) for i in range(CHART_WEEKS)]
    chart_start = week_bounds(first, tz)[0]
    visits = reader.visits(min(chart_start, data.as_of - timedelta(weeks=thresholds.allocation_weeks)))
    tzinfo = zone(tz)
    days = [v.visited_at.astimezone(tzinfo).date() for v in visits]  # each visit's local day, once
    for visit, day in zip(visits, days, strict=True):
        if visit.visited_at < chart_start:
            continue
        index = (day - first).days // 7
        if (fig := figures.of(visit.rep_id)) is None:
            continue
        data.weekly_visits.setdefault(visit.rep_id, [0] * CHART_WEEKS)[index] += 1
        if visit.visited_at < start:
            continue
        fig.visits += 1
        if visit.goal_reached is not None:
            fig.rated += 1
            fig.reached += int(visit.goal_reached is GoalReached.YES)
            fig.partly += int(visit.goal_reached is GoalReached.PARTLY)
    data.theirs_overdue = _promise_figures(reader, figures, data, tz, thresholds)
    as_of_day = local_date(data.as_of, tz)
    last = reader.last_visits_before(data.as_of)
    data.new_accounts = _new_accounts(reader, figures, data)
    for account in reader.accounts.values():
        if account.archived or account.created_at > data.as_of:
            continue
        seen = local_date(last[account.id], tz) if account.id in last else None
        over = rules.days_overdue(account, seen, as_of_day, zone(tz))
        if over is not None:
            data.stale.append((account, figures.name(account.owner_id), over))
    data.stale.sort(key=lambda s: (-s[2], s[0].name.casefold()))
    _observations(reader, data, threshold, tz)
    off_policy = [(a, o.product) for a, o, _ in data.off_policy]
    data.insight = compute_insight(reader, visits, days, data.as_of, tz, thresholds, off_policy)
    data.reps = sorted(figures.values(), key=lambda f: f.user.display_name.casefold())
    return data


def per_rep(data: DigestData) -> dict[str, dict[str, int]]:
    """Figures by rep name: handy for people and tests reading a digest."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for f in data.reps:
        out[f.user.display_name] = {
            k: int(getattr(f, k))
            for k in ("visits", "rated", "reached", "partly", "made", "due", "kept", "overdue")
        }
    return dict(out)
