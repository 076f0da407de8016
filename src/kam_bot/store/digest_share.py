"""What the weekly digests of one tick read once for all their teams.

At Monday 09:00 a tick decides the digest of every team in a time zone (all 100 of them when
the company sits in one). Each ``DigestReader`` used to ask a dozen queries of its own team;
with a ``DigestShare`` each figure is read once for all the tick's teams (over the union of
their windows, joined to the accounts by team) and every team's reader keeps, in memory, the
rows of its own accounts and its own window: the same rows, in the same order, as its own
query gave.

Reads whose bounds depend on the team (the last visit and the last procurement move before
the end of the team's window) are read once per distinct end, for the teams whose window ends
there: teams in one time zone share it, and no account is read twice. A reader whose window or
bounds the share does not cover reads for itself.

On PostgreSQL the reads that need nothing of a reader (the weeks' rows, previous stock counts,
contacts, last visits and procurement moves) are started at once in a worker thread on a
connection of its own (``prefetch``): the server runs them while the first digest reads and
counts its visits and promises. Each read still happens once: whoever asks first reads, a
second asker waits for it; a read the worker could not make is made by the digest that asks.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar, cast

from pydantic import BaseModel
from sqlalchemy import Row, Table, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Executable

from kam_bot.domain.enums import Attitude, ContactRole, GoalReached, Movement, StageKind
from kam_bot.domain.insight.coverage import ChainMember
from kam_bot.domain.models import (
    Account,
    CompetitorNote,
    InventoryObservation,
    PriceObservation,
    Promise,
    StageChange,
    User,
)
from kam_bot.store import tables as tb

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

_A = cast(Table, tb.AccountRow.__table__)
"""Read through the Core tables: plain rows, no ORM identity map (the models validate from them)."""


def _core(row_type: Any) -> Table:
    return cast(Table, row_type.__table__)


T = TypeVar("T")


class VisitFact(NamedTuple):
    """Who visited which account when, with the outcome: the columns a digest counts."""

    account_id: int
    rep_id: int
    visited_at: datetime
    goal_reached: GoalReached | None


MARGIN = timedelta(days=2)
"""How much earlier than its first asker the share reads the promises and visits: the other
teams' bounds are a few hours (time zones) to a day apart."""


class DigestShare:
    """The rows the digests of ``windows`` (team id -> the reader's ``[start, end)``) read."""

    def __init__(self, windows: dict[int, tuple[datetime, datetime]]) -> None:
        self.windows = dict(windows)
        self._teams = sorted(self.windows)
        self._cache: dict[Any, Future[Any]] = {}
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def covers(self, team_id: int, start: datetime, end: datetime) -> bool:
        return self.windows.get(team_id) == (start, end)

    def prefetch(self, sessions: Callable[[], Session]) -> None:
        """Start the reads no reader's bounds decide in a worker thread, in a session of its own."""
        if self._worker is None and self._teams:
            self._worker = threading.Thread(target=self._prefetch, args=(sessions,), name="digest-prefetch")
            self._worker.start()

    def _prefetch(self, sessions: Callable[[], Session]) -> None:
        ends = sorted({end for _, end in self.windows.values()})
        try:
            with sessions() as session:
                try:
                    self._read_ahead(session, ends)
                finally:
                    session.rollback()
        except Exception:  # the digests make the reads that failed here themselves
            log.warning("digest share: reading ahead failed; the digests read the rest", exc_info=True)

    def _read_ahead(self, session: Session, ends: list[datetime]) -> None:
        """The slowest reads on the server first: the weeks' prices and stock (sequential scans)."""
        self.in_week(session, PriceObservation, tb.PriceObservationRow, tb.PriceObservationRow.observed_at)
        self.previous_stocks(session)
        for end in ends:
            self.last_visits_before(session, end)
            self.last_procurement_moves(session, end)
        self.in_week(session, StageChange, tb.StageChangeRow, tb.StageChangeRow.changed_at)
        self.in_week(session, CompetitorNote, tb.CompetitorNoteRow, tb.CompetitorNoteRow.observed_at)
        self.chains(session)

    def release(self) -> None:
        """Wait for the worker, then forget every row read (a later reader reads again)."""
        if self._worker is not None:
            self._worker.join()
            self._worker = None
        with self._lock:
            self._cache.clear()

    def _once(self, key: Any, read: Callable[[], T]) -> T:
        """``read()`` once for ``key``: the first asker reads, a later one waits for its rows. When
        the read fails the key is forgotten: the one who read raises, one who waited reads again."""
        while True:
            with self._lock:
                found = self._cache.get(key)
                mine = found is None
                if found is None:
                    found = self._cache[key] = Future()
            if mine:
                return _fill(found, read, lambda: self._forget(key))
            try:
                value: T = found.result()
                return value
            except Exception:
                continue  # the other asker's read failed (and forgot the key): read it here

    def _forget(self, key: Any) -> None:
        with self._lock:
            self._cache.pop(key, None)

    def _ending_at(self, end: datetime) -> list[int]:
        """The teams whose window ends at ``end`` (their as-of)."""
        return [t for t in self._teams if self.windows[t][1] == end]

    def _lo_hi(self) -> tuple[datetime, datetime]:
        return min(s for s, _ in self.windows.values()), max(e for _, e in self.windows.values())

    # -- reads for all teams ---------------------------------------------------------------

    def accounts(self, session: Session) -> dict[int, dict[int, Account]]:
        """Team id -> its accounts by id (archived ones too, as ``DigestReader`` reads them)."""

        def read() -> dict[int, dict[int, Account]]:
            out: dict[int, dict[int, Account]] = {t: {} for t in self._teams}
            rows = _records(session, select(_A).where(_A.c.team_id.in_(self._teams)).order_by(_A.c.id))
            for r in rows:
                if r["team_id"] is not None:  # always: the query asked for these teams
                    out[r["team_id"]][r["id"]] = Account.model_validate(r)
            return out

        return self._once("accounts", read)

    def members(self, session: Session) -> dict[int, list[User]]:
        """Team id -> its members by id (``digest_queries.members`` of each team)."""

        def read() -> dict[int, list[User]]:
            u = _core(tb.UserRow)
            rows = _records(session, select(u).where(u.c.team_id.in_(self._teams)).order_by(u.c.id))
            return _by_team((User.model_validate(r), r["team_id"]) for r in rows)

        return self._once("members", read)

    def in_week(self, session: Session, model: type[M], table: Any, column: Any) -> dict[int, list[M]]:
        """Team id -> the rows of ``table`` in the union of the windows, by ``column`` then id."""

        def read() -> dict[int, list[M]]:
            lo, hi = self._lo_hi()
            t = _core(table)
            at = t.c[column.key]
            stmt = (
                select(t, _A.c.team_id.label("owning_team"))
                .join(_A, _A.c.id == t.c.account_id)
                .where(_A.c.team_id.in_(self._teams), at >= lo, at < hi)
                .order_by(at, t.c.id)
            )
            return _by_team((model.model_validate(r), r["owning_team"]) for r in _records(session, stmt))

        return self._once(("week", table), read)

    def previous_stocks(self, session: Session) -> dict[int, InventoryObservation | None]:
        """``previous_stocks`` of every stock count in the teams' weeks that can flag against it
        (a fast or slow mover with stock, ``rules.inventory_change``; ASCII product name): one
        read for all teams instead of one per digest."""

        def read() -> dict[int, InventoryObservation | None]:
            row = tb.InventoryObservationRow
            weeks = self.in_week(session, InventoryObservation, row, row.observed_at)
            ids = [
                s.id
                for counts in weeks.values()
                for s in counts
                if s.product.isascii() and s.quantity > 0 and s.movement in (Movement.FAST, Movement.SLOW)
            ]
            return previous_stocks(session, ids)

        return self._once("previous_stocks", read)

    def visits(self, session: Session, since: datetime) -> tuple[datetime, dict[int, list[VisitFact]]]:
        """(from when, team id -> its visits up to the latest window end)."""

        def read() -> tuple[datetime, dict[int, list[VisitFact]]]:
            outcomes: dict[str | None, GoalReached | None] = {g.value: g for g in GoalReached}
            outcomes[None] = outcomes[""] = None
            start = since - MARGIN
            v, a = _core(tb.VisitRow).c, _A.c
            rows = _all(
                session,
                select(v.account_id, v.rep_id, v.visited_at, v.goal_reached, a.team_id)
                .join(_A, a.id == v.account_id)
                .where(a.team_id.in_(self._teams), v.visited_at >= start, v.visited_at < self._lo_hi()[1]),
            )
            return start, _by_team(
                (VisitFact(account_id, rep_id, at, outcomes[goal]), team_id)
                for account_id, rep_id, at, goal, team_id in rows
            )

        return self._once("visits", read)

    def promises(
        self, session: Session, made_since: datetime, due_from: date, as_of: datetime
    ) -> tuple[tuple[datetime, date, datetime], dict[int, list[Promise]]]:
        """(the bounds read, team id -> promises not cancelled, made since, due from, or late as of
        them), by id."""

        def read() -> tuple[tuple[datetime, date, datetime], dict[int, list[Promise]]]:
            bounds = (made_since - MARGIN, due_from - MARGIN, as_of - MARGIN)
            p, a = _core(tb.PromiseRow).c, _A.c
            stmt = (
                select(_core(tb.PromiseRow), a.team_id.label("owning_team"))
                .join(_A, a.id == p.account_id)
                .where(
                    a.team_id.in_(self._teams),
                    p.status != "cancelled",
                    or_(
                        p.created_at >= bounds[0],
                        p.due_date >= bounds[1],
                        p.status == "open",
                        p.done_at > bounds[2],
                    ),
                )
                .order_by(p.id)
            )
            rows = _records(session, stmt)
            return bounds, _by_team((Promise.model_validate(r), r["owning_team"]) for r in rows)

        return self._once("promises", read)

    def chains(self, session: Session) -> dict[int, dict[int, list[ChainMember]]]:
        """Team id -> account id -> the role, attitude and last met of its contacts (never a name
        or a personal note), built once for every team: the digest groups them by account."""

        def read() -> dict[int, dict[int, list[ChainMember]]]:
            c, a = _core(tb.ContactRow).c, _A.c
            rows = _all(
                session,
                select(c.account_id, c.role, c.attitude, c.last_met, a.team_id)
                .join(_A, a.id == c.account_id)
                .where(a.team_id.in_(self._teams)),
            )
            roles: dict[str, ContactRole] = {r.value: r for r in ContactRole}
            attitudes: dict[str, Attitude] = {x.value: x for x in Attitude}
            out: dict[int, dict[int, list[ChainMember]]] = defaultdict(lambda: defaultdict(list))
            for account_id, role, attitude, last_met, team_id in rows:
                member = ChainMember(
                    account_id, roles.get(role or ""), attitudes.get(attitude or ""), last_met
                )
                out[team_id][account_id].append(member)
            return out

        return self._once("chain", read)

    def last_visits_before(self, session: Session, at: datetime) -> dict[int, datetime]:
        """Account id -> its last visit before ``at``, for every account of the teams whose window
        ends at ``at``: one backward probe of ``ix_visits_account_at`` per account, however long
        the history."""

        def read() -> dict[int, datetime]:
            v, a = _core(tb.VisitRow).c, _A.c
            before = select(func.max(v.visited_at)).where(v.account_id == a.id, v.visited_at < at)
            last = before.scalar_subquery()
            rows = _all(session, select(a.id, last).where(a.team_id.in_(self._ending_at(at))))
            return {account_id: seen for account_id, seen in rows if seen is not None}

        return self._once(("last_visit", at), read)

    def last_procurement_moves(self, session: Session, before: datetime) -> dict[int, datetime]:
        """Account id -> its last procurement move before ``before``, for the accounts of the
        teams whose window ends there."""

        def read() -> dict[int, datetime]:
            sc, a = _core(tb.StageChangeRow).c, _A.c
            rows = _all(
                session,
                select(sc.account_id, func.max(sc.changed_at))
                .join(_A, a.id == sc.account_id)
                .where(
                    a.team_id.in_(self._ending_at(before)),
                    sc.kind == StageKind.PROCUREMENT.value,
                    sc.changed_at < before,
                )
                .group_by(sc.account_id),
            )
            return {account_id: at for account_id, at in rows if at is not None}

        return self._once(("procurement", before), read)


def previous_stocks(session: Session, ids: Sequence[int]) -> dict[int, InventoryObservation | None]:
    """Stock observation id -> the count before it of the same product (ASCII names: the database
    folds their case) at the same account, or None; two queries for all of ``ids``."""
    if not ids:
        return {}
    cur, prev = aliased(tb.InventoryObservationRow), tb.InventoryObservationRow
    before = (
        select(prev.id)
        .where(
            prev.account_id == cur.account_id,
            func.lower(prev.product) == func.lower(cur.product),
            prev.observed_at <= cur.observed_at,
            prev.id != cur.id,
        )
        .order_by(prev.observed_at.desc(), prev.id.desc())
        .limit(1)
        .correlate(cur)
        .scalar_subquery()
    )
    pairs: dict[int, int | None] = dict(
        session.execute(select(cur.id, before).where(cur.id.in_(ids))).tuples().all()
    )
    wanted = {i for i in pairs.values() if i is not None}
    found: dict[int | None, InventoryObservation] = {}
    if wanted:
        for r in session.scalars(select(prev).where(prev.id.in_(wanted))):
            found[r.id] = InventoryObservation.model_validate(r)
    return {i: found.get(pairs.get(i)) for i in ids}


def _fill(found: Future[Any], read: Callable[[], T], forget: Callable[[], None]) -> T:
    """Read into ``found``; on failure forget it first, so a waiter reads again, then raise."""
    try:
        value = read()
    except BaseException as exc:
        forget()
        found.set_exception(exc)
        raise
    found.set_result(value)
    return value


def _all(session: Session, stmt: Executable) -> Sequence[Row[Any]]:
    """Every row in one fetch from the driver (iterating a result fetches them one call at a time:
    a tick reads some 250,000 rows)."""
    return session.execute(stmt).all()


def _records(session: Session, stmt: Executable) -> list[dict[str, Any]]:
    """The rows as dicts for the models to validate, the column names looked up once (``Row._asdict``
    rebuilds them for every row)."""
    result = session.execute(stmt)
    keys = list(result.keys())
    return [dict(zip(keys, r, strict=True)) for r in result.all()]


def _by_team(pairs: Iterable[tuple[T, int]]) -> dict[int, list[T]]:
    out: dict[int, list[T]] = defaultdict(list)
    for item, team_id in pairs:
        out[team_id].append(item)
    return out


def windows_of(items: Sequence[tuple[int, datetime, datetime]]) -> dict[int, tuple[datetime, datetime]]:
    """Team id -> window, from (team id, start, end) of each due digest (a team twice: its first)."""
    out: dict[int, tuple[datetime, datetime]] = {}
    for team_id, start, end in items:
        out.setdefault(team_id, (start, end))
    return out
