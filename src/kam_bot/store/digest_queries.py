"""The queries behind one weekly digest: a team's accounts and what happened at them in a window.

``jobs.digest`` computes the figures from these. Of contacts it reads only what decision-chain
coverage needs (``chain``: role, attitude, last met; no name, no personal note), so nothing
personal can leak into a channel. Every read covers all the team's accounts in one query:

- the promises every figure counts are read once (``prefetch_promises``: the union of what the
  figures ask for) and each figure filters them in memory with its own conditions;
- the previous count of every stock observation that needs one is one query for all of them
  (``previous_stocks``), not one per observation;
- the price list and the exchange rates come from a ``PriceBook`` shared by the whole tick.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel
from sqlalchemy import func, or_, select

from kam_bot.domain.enums import (
    Attitude,
    ContactRole,
    GoalReached,
    PromiseDirection,
    PromiseStatus,
    StageKind,
)
from kam_bot.domain.insight.coverage import ChainMember
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
)
from kam_bot.store import tables as tb
from kam_bot.store.digest_share import DigestShare, VisitFact, previous_stocks
from kam_bot.store.price_book import PriceBook
from kam_bot.store.repository import SqlRepository


def members(repo: SqlRepository, team: Team) -> list[User]:
    rows = repo.session.scalars(
        select(tb.UserRow).where(tb.UserRow.team_id == team.id).order_by(tb.UserRow.id)
    )
    return [User.model_validate(r) for r in rows]


M = TypeVar("M", bound=BaseModel)


class _Prefetched(NamedTuple):
    made_since: datetime
    due_from: date
    as_of: datetime
    promises: list[Promise]


def _late(promise: Promise, as_of: datetime) -> bool:
    """``status = 'open' OR done_at > as_of``, as the query says it."""
    done_after = promise.done_at is not None and promise.done_at > as_of
    return promise.status is PromiseStatus.OPEN or done_after


class DigestReader:
    """The queries behind one digest, over the team's accounts and one window ``[start, end)``."""

    def __init__(
        self,
        repo: SqlRepository,
        team: Team,
        start: datetime,
        end: datetime,
        book: PriceBook | None = None,
        share: DigestShare | None = None,
    ) -> None:
        self.repo, self.session = repo, repo.session
        self.start, self.end = start, end
        self.book = book or PriceBook()
        self._read: _Prefetched | None = None
        self.team_id = team.id
        self.share = share if share is not None and share.covers(team.id, start, end) else None
        """The tick's reads for all its teams (``digest_share``), when they cover this window."""
        if self.share is not None:
            self.accounts = self.share.accounts(self.session).get(team.id, {})
        else:
            rows = self.session.scalars(select(tb.AccountRow).where(tb.AccountRow.team_id == team.id))
            self.accounts = {r.id: Account.model_validate(r) for r in rows}
        self.ids = list(self.accounts)

    def _in_week(self, model: type[M], table: Any, column: Any) -> list[M]:
        if self.share is not None:
            name = column.key
            found = self.share.in_week(self.session, model, table, column).get(self.team_id, [])
            return [r for r in found if self.start <= getattr(r, name) < self.end]
        stmt = select(table).where(table.account_id.in_(self.ids), column >= self.start, column < self.end)
        return [model.model_validate(r) for r in self.session.scalars(stmt.order_by(column, table.id))]

    def stage_changes(self) -> list[StageChange]:
        return self._in_week(StageChange, tb.StageChangeRow, tb.StageChangeRow.changed_at)

    def prices(self) -> list[PriceObservation]:
        return self._in_week(PriceObservation, tb.PriceObservationRow, tb.PriceObservationRow.observed_at)

    def stock(self) -> list[InventoryObservation]:
        row = tb.InventoryObservationRow
        return self._in_week(InventoryObservation, row, row.observed_at)

    def competitor_notes(self) -> list[CompetitorNote]:
        return self._in_week(CompetitorNote, tb.CompetitorNoteRow, tb.CompetitorNoteRow.observed_at)

    def visits(self, since: datetime) -> list[VisitFact]:
        """Who visited which account when, with the outcome: only the columns the digest counts."""
        if self.share is not None:
            start, by_team = self.share.visits(self.session, since)
            if since >= start:
                return [f for f in by_team.get(self.team_id, []) if since <= f.visited_at < self.end]
        v = tb.VisitRow
        rows = self.session.execute(
            select(v.account_id, v.rep_id, v.visited_at, v.goal_reached).where(
                v.account_id.in_(self.ids), v.visited_at >= since, v.visited_at < self.end
            )
        )
        return [
            VisitFact(
                r.account_id, r.rep_id, r.visited_at, GoalReached(r.goal_reached) if r.goal_reached else None
            )
            for r in rows
        ]

    def _promises(self, *conditions: Any) -> list[Promise]:
        stmt = select(tb.PromiseRow).where(
            tb.PromiseRow.account_id.in_(self.ids), tb.PromiseRow.status != "cancelled", *conditions
        )
        return [Promise.model_validate(r) for r in self.session.scalars(stmt.order_by(tb.PromiseRow.id))]

    def prefetch_promises(self, made_since: datetime, due_from: date, as_of: datetime) -> None:
        """Read once every promise the figures below may ask for: made since ``made_since``, due
        from ``due_from``, or late as of ``as_of`` (open, or done after it)."""
        if self.share is not None:
            bounds, by_team = self.share.promises(self.session, made_since, due_from, as_of)
            if made_since >= bounds[0] and due_from >= bounds[1] and as_of >= bounds[2]:
                found = [
                    x
                    for x in by_team.get(self.team_id, [])
                    if x.created_at >= made_since
                    or x.due_date >= due_from
                    or x.status is PromiseStatus.OPEN
                    or (x.done_at is not None and x.done_at > as_of)
                ]
                self._read = _Prefetched(made_since, due_from, as_of, found)
                return
        p = tb.PromiseRow
        found = self._promises(
            or_(p.created_at >= made_since, p.due_date >= due_from, p.status == "open", p.done_at > as_of)
        )
        self._read = _Prefetched(made_since, due_from, as_of, found)

    def promises_made(self, direction: PromiseDirection, since: datetime, until: datetime) -> list[Promise]:
        """Not cancelled, created in ``[since, until)``."""
        if self._read is not None and since >= self._read.made_since:
            return [
                x for x in self._read.promises if x.direction is direction and since <= x.created_at < until
            ]
        p = tb.PromiseRow
        return self._promises(p.direction == direction.value, p.created_at >= since, p.created_at < until)

    def promises_due(self, direction: PromiseDirection, first: date, before: date) -> list[Promise]:
        """Not cancelled, due on a day in ``[first, before)``."""
        if self._read is not None and first >= self._read.due_from:
            return [
                x for x in self._read.promises if x.direction is direction and first <= x.due_date < before
            ]
        p = tb.PromiseRow
        return self._promises(p.direction == direction.value, p.due_date >= first, p.due_date < before)

    def promises_late(self, direction: PromiseDirection, before: date, as_of: datetime) -> list[Promise]:
        """Not cancelled, due before ``before`` and not done by ``as_of``."""
        if self._read is not None and as_of == self._read.as_of:
            return [
                x
                for x in self._read.promises
                if x.direction is direction and x.due_date < before and _late(x, as_of)
            ]
        p = tb.PromiseRow
        late = or_(p.status == "open", p.done_at > as_of)
        return self._promises(p.direction == direction.value, p.due_date < before, late)

    def last_visits_before(self, at: datetime) -> dict[int, datetime]:
        if self.share is not None and at == self.end:  # the share reads up to each window's end
            last = self.share.last_visits_before(self.session, at)
            return {i: last[i] for i in self.ids if i in last}
        rows = self.session.execute(
            select(tb.VisitRow.account_id, func.max(tb.VisitRow.visited_at))
            .where(tb.VisitRow.account_id.in_(self.ids), tb.VisitRow.visited_at < at)
            .group_by(tb.VisitRow.account_id)
        ).all()
        return {account_id: last for account_id, last in rows if last is not None}

    def user(self, user_id: int) -> User | None:
        return self.repo.get(User, user_id)

    def price_list_for(self, product: str, on: date) -> PriceListEntry | None:
        return self.book.price_list_for(self.session, product, on)

    def exchange_rates(self) -> dict[tuple[str, str], Decimal]:
        return self.book.exchange_rates(self.session)

    def previous_stock(self, stock: InventoryObservation) -> InventoryObservation | None:
        return self.repo.previous_stock(
            stock.account_id, stock.product, stock.observed_at, exclude_id=stock.id
        )

    def previous_stocks(self, stocks: list[InventoryObservation]) -> dict[int, InventoryObservation | None]:
        """``previous_stock`` of each of ``stocks`` (by id), in two queries for all of them.

        A product name that is not ASCII is looked up one by one, as ``previous_stock`` does (the
        database folds its case, and SQLite's ``lower`` only folds ASCII)."""
        out = {s.id: self.previous_stock(s) for s in stocks if not s.product.isascii()}
        ids = [s.id for s in stocks if s.product.isascii()]
        if self.share is not None:
            known = self.share.previous_stocks(self.session)
            if all(i in known for i in ids):
                out.update({i: known[i] for i in ids})
                return out
        out.update(previous_stocks(self.session, ids))
        return out

    # -- account insight: one query each over all the team's accounts ----------------------

    def chains(self) -> dict[int, list[ChainMember]]:
        """Account id -> role, attitude and last met of its contacts (never a name or a personal
        note); an account with no contact is not in it."""
        if self.share is not None:
            return self.share.chains(self.session).get(self.team_id, {})
        c = tb.ContactRow
        rows = self.session.execute(
            select(c.account_id, c.role, c.attitude, c.last_met).where(c.account_id.in_(self.ids))
        ).all()
        roles = {r.value: r for r in ContactRole}
        attitudes = {a.value: a for a in Attitude}
        out: dict[int, list[ChainMember]] = {}
        for account_id, role, attitude, last_met in rows:
            member = ChainMember(account_id, roles.get(role or ""), attitudes.get(attitude or ""), last_met)
            out.setdefault(account_id, []).append(member)
        return out

    def promises_due_between(self, first: date, before: date) -> list[Promise]:
        """Both directions, not cancelled, due on a day in ``[first, before)`` (the promise record)."""
        if self._read is not None and first >= self._read.due_from:
            return [x for x in self._read.promises if first <= x.due_date < before]
        p = tb.PromiseRow
        return self._promises(p.due_date >= first, p.due_date < before)

    def last_procurement_moves(self) -> dict[int, datetime]:
        if self.share is not None:
            moves = self.share.last_procurement_moves(self.session, self.end)
            return {i: moves[i] for i in self.ids if i in moves}
        sc = tb.StageChangeRow
        rows = self.session.execute(
            select(sc.account_id, func.max(sc.changed_at))
            .where(
                sc.account_id.in_(self.ids),
                sc.kind == StageKind.PROCUREMENT.value,
                sc.changed_at < self.end,
            )
            .group_by(sc.account_id)
        ).all()
        return {account_id: at for account_id, at in rows if at is not None}

    def prices_since(self, account_ids: list[int], since: datetime) -> list[PriceObservation]:
        """Every price seen at ``account_ids`` in ``[since, end)``: the trend of an off-policy product."""
        if not account_ids:
            return []
        po = tb.PriceObservationRow.__table__.c  # plain rows: no ORM identity map for a read-only trend
        stmt = select(tb.PriceObservationRow.__table__).where(
            po.account_id.in_(account_ids), po.observed_at >= since, po.observed_at < self.end
        )
        rows = self.session.execute(stmt.order_by(po.observed_at, po.id))
        return [PriceObservation.model_validate(r._asdict()) for r in rows]


def _outcome(value: str | None) -> GoalReached | None:
    return GoalReached(value) if value else None
