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
- a chart of visits per rep per week over the last 8 weeks.

The digest reads no contact at all, so personal notes cannot leak into a channel.
``digest_render`` turns these figures into the message and its chart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select

from kam_bot.domain import rules
from kam_bot.domain.enums import GoalReached, Locale, Movement, PriceKind, PromiseDirection
from kam_bot.domain.models import (
    Account,
    CompetitorNote,
    InventoryObservation,
    PriceListEntry,
    PriceObservation,
    Promise,
    StageChange,
    Team,
    User,
    Visit,
)
from kam_bot.i18n.catalog import resolve_locale
from kam_bot.jobs.planning import local_date, week_bounds, zone
from kam_bot.store import tables as tb
from kam_bot.store.repository import SqlRepository

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
    weeks: list[date] = field(default_factory=list)
    weekly_visits: dict[int, list[int]] = field(default_factory=dict)
    """Rep id -> visits per week of ``weeks``."""

    def total(self, name: str) -> int:
        return sum(int(getattr(r, name)) for r in self.reps)


def team_locale(members: Iterable[User], default: str) -> Locale:
    """The language most of the team uses; a tie goes to the configured default."""
    votes = Counter(m.locale for m in members)
    if not votes:
        return resolve_locale(default)
    best = max(votes.values())
    winners = {loc for loc, n in votes.items() if n == best}
    fallback = resolve_locale(default)
    return fallback if fallback in winners or len(winners) > 1 else winners.pop()


def members(repo: SqlRepository, team: Team) -> list[User]:
    rows = repo.session.scalars(
        select(tb.UserRow).where(tb.UserRow.team_id == team.id).order_by(tb.UserRow.id)
    )
    return [User.model_validate(r) for r in rows]


# -- figures -------------------------------------------------------------------------


class _Reader:
    """The queries behind one digest, over the team's accounts and one window."""

    def __init__(self, repo: SqlRepository, team: Team, start: datetime, end: datetime) -> None:
        self.repo, self.session = repo, repo.session
        self.start, self.end = start, end
        rows = self.session.scalars(select(tb.AccountRow).where(tb.AccountRow.team_id == team.id))
        self.accounts = {r.id: Account.model_validate(r) for r in rows}
        self.ids = list(self.accounts)

    def in_week(self, table: Any, column: Any) -> list[Any]:
        stmt = select(table).where(table.account_id.in_(self.ids), column >= self.start, column < self.end)
        return list(self.session.scalars(stmt.order_by(column, table.id)))

    def visits(self, since: datetime) -> list[Visit]:
        stmt = select(tb.VisitRow).where(
            tb.VisitRow.account_id.in_(self.ids),
            tb.VisitRow.visited_at >= since,
            tb.VisitRow.visited_at < self.end,
        )
        return [Visit.model_validate(r) for r in self.session.scalars(stmt)]

    def ours(self, *conditions: Any) -> list[Promise]:
        stmt = select(tb.PromiseRow).where(
            tb.PromiseRow.account_id.in_(self.ids), tb.PromiseRow.status != "cancelled", *conditions
        )
        return [Promise.model_validate(r) for r in self.session.scalars(stmt)]

    def last_visits_before(self, at: datetime) -> dict[int, datetime]:
        rows = self.session.execute(
            select(tb.VisitRow.account_id, func.max(tb.VisitRow.visited_at))
            .where(tb.VisitRow.account_id.in_(self.ids), tb.VisitRow.visited_at < at)
            .group_by(tb.VisitRow.account_id)
        ).all()
        return {account_id: last for account_id, last in rows if last is not None}


class _Figures(dict[int, RepFigures]):
    """Figures per person: every rep of the team, and anyone else who visited or promised for it."""

    def __init__(self, repo: SqlRepository, team_members: list[User]) -> None:
        super().__init__({u.id: RepFigures(u) for u in team_members if u.role.value == "rep"})
        self._repo = repo
        self._known = {u.id: u for u in team_members}

    def name(self, user_id: int | None) -> str:
        person = self._known.get(user_id) if user_id is not None else None
        if person is None and user_id is not None and (person := self._repo.get(User, user_id)) is not None:
            self._known[user_id] = person
        return person.display_name if person else "—"

    def of(self, user_id: int) -> RepFigures | None:
        if user_id not in self:
            person = self._known.get(user_id) or self._repo.get(User, user_id)
            if person is None:
                return None
            self[user_id] = RepFigures(person)
        return self[user_id]


def _promise_figures(reader: _Reader, figures: _Figures, data: DigestData, tz: str) -> int:
    """Fill made / due / kept / overdue; returns customers' overdue promises."""
    start_day = local_date(data.start, tz)
    cutoff = min(local_date(data.as_of, tz), local_date(data.end, tz))
    ours, p = PromiseDirection.OURS.value, tb.PromiseRow
    for promise in reader.ours(
        p.direction == ours, p.created_at >= data.start, p.created_at < min(data.end, data.as_of)
    ):
        if (fig := figures.of(promise.owner_id)) is not None:
            fig.made += 1
    for promise in reader.ours(p.direction == ours, p.due_date >= start_day, p.due_date < cutoff):
        if (fig := figures.of(promise.owner_id)) is not None:
            fig.due += 1
            if promise.done_at is not None and local_date(promise.done_at, tz) <= promise.due_date:
                fig.kept += 1
    late = or_(p.status == "open", p.done_at > data.as_of)
    for promise in reader.ours(p.direction == ours, p.due_date < cutoff, late):
        if (fig := figures.of(promise.owner_id)) is not None:
            fig.overdue += 1
    return len(reader.ours(p.direction == PromiseDirection.THEIRS.value, p.due_date < cutoff, late))


def _observations(
    repo: SqlRepository, reader: _Reader, data: DigestData, threshold: Decimal, tz: str
) -> None:
    accounts = reader.accounts
    listed_prices: dict[tuple[str, date], PriceListEntry | None] = {}
    rates = repo.exchange_rates()

    def listed(product: str, on: date) -> PriceListEntry | None:
        key = (product.lower(), on)
        if key not in listed_prices:
            listed_prices[key] = repo.price_list_for(product, on)
        return listed_prices[key]

    for row in reader.in_week(tb.StageChangeRow, tb.StageChangeRow.changed_at):
        data.stage_moves.append((accounts[row.account_id], StageChange.model_validate(row)))
    for row in reader.in_week(tb.PriceObservationRow, tb.PriceObservationRow.observed_at):
        obs = PriceObservation.model_validate(row)
        if obs.kind is PriceKind.COMPETITOR:
            data.competitor_prices.append((accounts[obs.account_id], obs))
            continue
        deviation = rules.price_deviation(
            obs, listed(obs.product, local_date(obs.observed_at, tz)), threshold, rates
        )
        if deviation is not None and deviation.flagged:
            data.off_policy.append((accounts[obs.account_id], obs, deviation))
    for row in reader.in_week(tb.InventoryObservationRow, tb.InventoryObservationRow.observed_at):
        stock = InventoryObservation.model_validate(row)
        # only a fast or slow mover can be flagged against the previous count (rules.inventory_change)
        needs_previous = stock.quantity > 0 and stock.movement in (Movement.FAST, Movement.SLOW)
        previous = (
            repo.previous_stock(stock.account_id, stock.product, stock.observed_at, exclude_id=stock.id)
            if needs_previous
            else None
        )
        change = rules.inventory_change(stock, previous)
        if change.flag is not None:
            data.stock_alerts.append((accounts[stock.account_id], stock, change))
    for row in reader.in_week(tb.CompetitorNoteRow, tb.CompetitorNoteRow.observed_at):
        data.competitor_notes.append((accounts[row.account_id], CompetitorNote.model_validate(row)))


def compute(repo: SqlRepository, team: Team, monday: date, now: datetime, threshold: Decimal) -> DigestData:
    """The figures of ``team`` for the week starting ``monday``, as of ``min(now, end of week)``."""
    tz = team.timezone
    start, end = week_bounds(monday, tz)
    reader = _Reader(repo, team, start, min(end, now))
    figures = _Figures(repo, members(repo, team))
    data = DigestData(team=team, week=monday, start=start, end=end, as_of=min(now, end), reps=[])
    first = monday - timedelta(weeks=CHART_WEEKS - 1)
    data.weeks = [first + timedelta(weeks=i) for i in range(CHART_WEEKS)]
    for visit in reader.visits(week_bounds(first, tz)[0]):
        index = (local_date(visit.visited_at, tz) - first).days // 7
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
    data.theirs_overdue = _promise_figures(reader, figures, data, tz)
    as_of_day = local_date(data.as_of, tz)
    last = reader.last_visits_before(data.as_of)
    for account in reader.accounts.values():
        if account.archived or account.created_at > data.as_of:
            continue
        seen = local_date(last[account.id], tz) if account.id in last else None
        over = rules.days_overdue(account, seen, as_of_day, zone(tz))
        if over is not None:
            data.stale.append((account, figures.name(account.owner_id), over))
    data.stale.sort(key=lambda s: (-s[2], s[0].name.casefold()))
    _observations(repo, reader, data, threshold, tz)
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
