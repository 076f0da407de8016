"""What the morning DMs of many people need, read with a handful of set-based queries.

A reminder tick may find thousands of people due at once (everyone in one time zone at
08:30). Instead of asking the repository person by person (a dozen round trips each), the
planner reads, for a batch of people:

- the people themselves with their chat identities (two queries);
- the outbox keys already written (one);
- the direct reports of those who manage someone (one);
- the open promises of all of them and of their reports due on or before the latest day any
  of them needs, through ``ix_promises_owner_open_due`` (one);
- the visits that planned a next visit on one of their days at an account they own (one);
- the live accounts they own, each with its last visit (``max(visited_at)`` as a correlated
  subquery: one backward probe of ``ix_visits_account_at`` per account, so the cost follows the
  accounts, not the years of history): on PostgreSQL only those that may be past their cadence
  and those with a planned visit; and the live accounts their promises are about (one or two);

and ``daily`` builds each person's DM from this in memory.

On PostgreSQL every list of ids is bound as one array (``= ANY``): a statement with thousands of
``IN`` placeholders cost more to render and parse, at every batch, than to answer. Rows are read exactly as
``SqlRepository`` reads them (same filters, same order within an owner), so a DM built from
a batch is the DM built for the person alone.

The briefs still come from ``AccountService.card`` (access rules, price deviations, stock
changes stay there); ``BriefReads`` hands it, through its unit of work, what the batch read
and what it prefetched for all of the batch's briefs at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import TracebackType
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import (
    Integer,
    Result,
    Row,
    Select,
    Table,
    TextualSelect,
    any_,
    bindparam,
    case,
    column,
    func,
    or_,
    select,
    text,
    true,
    values,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased, sessionmaker

from kam_bot.domain.enums import PromiseStatus, Tier
from kam_bot.domain.models import (
    Account,
    CompetitorNote,
    Contact,
    Entity,
    InventoryObservation,
    PriceListEntry,
    PriceObservation,
    Promise,
    StageChange,
    User,
    Visit,
)
from kam_bot.domain.rules import DEFAULT_CADENCE_DAYS
from kam_bot.services.ports import UnitOfWorkFactory
from kam_bot.store import tables as tb
from kam_bot.store.price_book import PriceBook
from kam_bot.store.repository import SqlRepository
from kam_bot.store.uow import SqlUnitOfWork

E = TypeVar("E", bound=Entity)

_USERS = cast(Table, tb.UserRow.__table__)
_ACCOUNTS = cast(Table, tb.AccountRow.__table__)
_PROMISES = cast(Table, tb.PromiseRow.__table__)
_PRICES = cast(Table, tb.PriceObservationRow.__table__)
_STOCK = cast(Table, tb.InventoryObservationRow.__table__)
_PRICE_LIST = cast(Table, tb.PriceListRow.__table__)
"""Read as plain rows (no ORM identity map): the models validate from each row as a dict (about
twice as fast in pydantic as from its attributes, the same model)."""

CHUNK = 5000
"""Most ids bound in one ``IN (...)`` (PostgreSQL allows 65,535 parameters per statement)."""


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What the cadence rules read of a live account, and its last visit (no model validated:
    most accounts are not stale; ``DailyData.account`` gives the full ``Account`` when needed)."""

    id: int
    name: str
    tier: Tier
    visit_cadence_days: int | None
    created_at: datetime
    last_visit: datetime | None


@dataclass
class DailyData:
    """Everything the morning DMs of a batch of people read from the database."""

    reports: dict[int, list[User]] = field(default_factory=dict)
    """Manager id -> direct reports (by id)."""
    promises: dict[int, list[Promise]] = field(default_factory=dict)
    """Owner id -> open promises due on or before the batch's latest day, by due date and id."""
    owned: dict[int, list[AccountFacts]] = field(default_factory=dict)
    """Owner id -> live accounts, by name (as the database orders them): on PostgreSQL only those
    that may be stale on the batch's days and those with a planned visit (``_owned``)."""
    last_visit: dict[int, datetime] = field(default_factory=dict)
    """Account id -> its latest visit (owned accounts)."""
    plans: dict[int, list[tuple[int, date, datetime]]] = field(default_factory=dict)
    """Owner id -> (account id, next visit date, visited at) of visits planning a batch day."""
    names: dict[int, str] = field(default_factory=dict)
    """Live accounts by id -> name: those the promises are about (all a promise's line shows)."""
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Live accounts by id, whole rows (column -> value): those planned visits are at (their briefs
    show the whole account card)."""
    _accounts: dict[int, Account] = field(default_factory=dict)
    items: dict[int, Any] = field(default_factory=dict)
    """Promise id -> its ``notifications.PromiseItem``, made once by ``daily`` for all the DMs that
    show it (typed loosely: the store does not know the jobs' models)."""
    derived: dict[tuple[str, int, date], Any] = field(default_factory=dict)
    """What ``daily`` works out of this data once and reads again (a rep's stale accounts: in the
    rep's DM and in their manager's), by (what, person id, day)."""

    def account(self, account_id: int) -> Account | None:
        """The live account (None: archived, gone, or not read for this batch)."""
        found = self._accounts.get(account_id)
        if found is None and account_id in self.rows:
            found = self._accounts[account_id] = Account.model_validate(self.rows[account_id])
        return found


def _dicts(result: Result[Any]) -> list[dict[str, Any]]:
    """The rows of ``result`` as dicts (column -> value), for the models to validate from: the
    result's keys zipped with each row, about four times as fast as ``Row._asdict`` (which builds
    each row's mapping first), over the tens of thousands of rows a tick reads."""
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


def _pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _chunks(session: Session, ids: Iterable[Any]) -> Iterable[list[Any]]:
    """``ids`` sorted, in slices ``_among`` can bind (PostgreSQL: all of them at once)."""
    items = sorted(set(ids))
    size = (len(items) or 1) if _pg(session) else CHUNK
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _among(session: Session, col: Any, ids: Sequence[Any]) -> Any:
    """``col IN ids``. On PostgreSQL ``col = ANY(:array)``: one parameter however many ids, so a
    batch's statements are short (an ``IN`` of thousands of placeholders cost more to render in
    SQLAlchemy and to parse in psycopg, at every call, than the database took to answer it)."""
    if _pg(session):
        return col == any_(bindparam(None, list(ids), type_=ARRAY(col.type)))
    return col.in_(ids)


def users(session: Session, ids: Collection[int]) -> dict[int, User]:
    """The users ``ids`` with their identities (as ``SqlRepository.get(User, id)`` gives them)."""
    out: dict[int, User] = {}
    for chunk in _chunks(session, ids):
        for row in _dicts(session.execute(select(_USERS).where(_among(session, _USERS.c.id, chunk)))):
            out[row["id"]] = User.model_validate(row)
        identities = session.execute(
            select(tb.UserIdentityRow.user_id, tb.UserIdentityRow.platform, tb.UserIdentityRow.external_id)
            .where(_among(session, tb.UserIdentityRow.user_id, chunk))
            .order_by(tb.UserIdentityRow.id)
        ).all()
        for user_id, platform, external_id in identities:
            if user_id in out:
                out[user_id].identities[platform] = external_id
    return out


def _reports(session: Session, manager_ids: Collection[int]) -> dict[int, list[User]]:
    out: dict[int, list[User]] = defaultdict(list)
    for chunk in _chunks(session, manager_ids):
        rows = _dicts(
            session.execute(
                select(_USERS).where(_among(session, _USERS.c.manager_id, chunk)).order_by(_USERS.c.id)
            )
        )
        for row in rows:
            out[row["manager_id"]].append(User.model_validate(row))
    return dict(out)


def _promises(session: Session, owner_ids: Collection[int], until: date) -> dict[int, list[Promise]]:
    out: dict[int, list[Promise]] = defaultdict(list)
    for chunk in _chunks(session, owner_ids):
        rows = _dicts(
            session.execute(
                select(_PROMISES)
                .where(
                    _among(session, _PROMISES.c.owner_id, chunk),
                    _PROMISES.c.status == PromiseStatus.OPEN.value,
                    _PROMISES.c.due_date <= until,
                )
                .order_by(_PROMISES.c.due_date, _PROMISES.c.id)
            )
        )  # fetched at once: iterating fetches row by row
        for row in rows:
            out[row["owner_id"]].append(Promise.model_validate(row))
    return dict(out)


_FACTS = (
    _ACCOUNTS.c.id,
    _ACCOUNTS.c.owner_id,
    _ACCOUNTS.c.name,
    _ACCOUNTS.c.tier,
    _ACCOUNTS.c.visit_cadence_days,
    _ACCOUNTS.c.created_at,
)
"""What the cadence rules read of an owned account: most are not stale, and a stale account's DM
line needs no more (full rows are read only for the accounts a promise or a brief shows)."""
_TIERS = {tier.value: tier for tier in Tier}


def _owned(
    session: Session, owner_ids: Collection[int], last_day: date, planned: Collection[int]
) -> list[Row[Any]]:
    """Live accounts of the owners (``_FACTS``) with their last visit: one index probe per account
    (``ix_visits_account_at``), however long the history.

    On PostgreSQL only those that may be past their cadence on a day up to ``last_day`` (in any
    time zone: a margin of days either side), and the ``planned`` ones: most accounts are not stale,
    and ``daily`` applies the cadence rule itself to what comes back."""
    last = (
        select(func.max(tb.VisitRow.visited_at))
        .where(tb.VisitRow.account_id == _ACCOUNTS.c.id)
        .scalar_subquery()
    )
    stmt = select(*_FACTS, last.label("last_visit")).where(_ACCOUNTS.c.archived.is_(False))
    if _pg(session):
        # stale: (day - since) > cadence in local days, so since (UTC) < last_day + 1 day - cadence
        edge = datetime.combine(last_day + timedelta(days=STALE_MARGIN_DAYS), time(), UTC)
        default = case(
            *((_ACCOUNTS.c.tier == tier.value, days) for tier, days in DEFAULT_CADENCE_DAYS.items()),
            else_=DEFAULT_CADENCE_DAYS[Tier.B],
        )
        cadence = func.coalesce(_ACCOUNTS.c.visit_cadence_days, default)
        since = func.coalesce(last, _ACCOUNTS.c.created_at)
        edge_at = bindparam(None, edge, type_=tb.UTC_TS)
        maybe_stale = since < edge_at - func.make_interval(0, 0, 0, cadence)
        stmt = stmt.where(or_(maybe_stale, _among(session, _ACCOUNTS.c.id, sorted(set(planned)))))
    out: list[Row[Any]] = []
    for chunk in _chunks(session, owner_ids):
        out += session.execute(
            stmt.where(_among(session, _ACCOUNTS.c.owner_id, chunk)).order_by(
                _ACCOUNTS.c.owner_id, _ACCOUNTS.c.name
            )
        ).all()
    return out


STALE_MARGIN_DAYS = 2
"""Days added to the latest day a batch reads for when it picks the accounts that may be stale:
more than the one a local date and the UTC one can differ by."""


def _live_accounts(session: Session, ids: Collection[int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for chunk in _chunks(session, ids):
        out += _dicts(session.execute(select(_ACCOUNTS).where(*_live(session, chunk))))
    return out


def _live_names(session: Session, ids: Collection[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(session, ids):
        found = session.execute(select(_ACCOUNTS.c.id, _ACCOUNTS.c.name).where(*_live(session, chunk)))
        out.update(found.tuples().all())
    return out


def _live(session: Session, ids: Sequence[int]) -> tuple[Any, Any]:
    return _among(session, _ACCOUNTS.c.id, ids), _ACCOUNTS.c.archived.is_(False)


def _plans(
    session: Session, owner_ids: Collection[int], days: Collection[date]
) -> dict[int, list[tuple[int, date, datetime]]]:
    out: dict[int, list[tuple[int, date, datetime]]] = defaultdict(list)
    for chunk in _chunks(session, owner_ids):
        rows = session.execute(
            select(
                tb.AccountRow.owner_id,
                tb.VisitRow.account_id,
                tb.VisitRow.next_visit_date,
                tb.VisitRow.visited_at,
            )
            .join(tb.AccountRow, tb.AccountRow.id == tb.VisitRow.account_id)
            .where(
                tb.VisitRow.next_visit_date.in_(sorted(set(days))),
                _among(session, tb.AccountRow.owner_id, chunk),
                tb.AccountRow.archived.is_(False),
            )
        ).all()
        for owner_id, account_id, day, at in rows:
            out[owner_id].append((account_id, day, at))
    return dict(out)


def load(
    session: Session,
    people: Sequence[tuple[User, date]],
    now: datetime,
    escalation_days: int,
    plan_days: Collection[date] = (),
) -> DailyData:
    """What the DMs of ``people`` (each with their local day) read; their reports' data included.
    ``plan_days``: further days whose planned visits are briefed (the days off after a DM's day).

    Our promises are read up to ``escalation_days`` calendar days back for a manager's reports: at
    least as far as ``escalation_days`` working days reach, which ``daily`` filters on."""
    if not people:
        return DailyData()
    ids = {person.id for person, _ in people}
    reports = _reports(session, ids)
    reports_of = [rep for reps in reports.values() for rep in reps]
    owners = ids | {rep.id for rep in reports_of}
    until = max(
        [day for _, day in people]
        + [
            now.astimezone(ZoneInfo(rep.timezone)).date() - timedelta(days=escalation_days)
            for reps in reports.values()
            for rep in reps
        ]
    )
    promises = _promises(session, owners, until)
    plans = _plans(session, ids, {day for _, day in people} | set(plan_days))
    last_day = max(
        [day for _, day in people] + [now.astimezone(ZoneInfo(u.timezone)).date() for u in reports_of]
    )
    planned = {account_id for found in plans.values() for account_id, _, _ in found}
    rows = _owned(session, owners, last_day, planned)
    owned: dict[int, list[AccountFacts]] = defaultdict(list)
    for r in rows:
        owned[r.owner_id].append(
            AccountFacts(r.id, r.name, _TIERS[r.tier], r.visit_cadence_days, r.created_at, r.last_visit)
        )
    full = {r["id"]: r for r in _live_accounts(session, planned)}
    named = {p.account_id for ps in promises.values() for p in ps} - full.keys()
    names = {**_live_names(session, named), **{i: r["name"] for i, r in full.items()}}
    return DailyData(
        reports=reports,
        promises=promises,
        owned=dict(owned),
        last_visit={r.id: r.last_visit for r in rows if r.last_visit is not None},
        plans=plans,
        names=names,
        rows=full,
    )


# -- the account cards of the briefs ---------------------------------------------------


class BriefReads:
    """What the account cards of one tick's briefs may share, so ``AccountService.card`` (kept
    as the one place that decides what a card shows) reads less per planned visit:

    - the price list and the exchange rates (``PriceBook``: read once per tick);
    - the accounts, the recipients and the last visits the batch has just read;
    - for the accounts of the batch's briefs (``prefetch``): contacts, last visits, stage changes,
      competitor notes, promises (open, or due within a card's promise record), latest prices and
      stock, one query each for all of them, in the order and with the limits ``SqlRepository``
      gives them (on PostgreSQL the newest rows by index probes per account or key, so these reads
      stay flat however long the history).
    """

    def __init__(self, book: PriceBook | None = None) -> None:
        self.book = book or PriceBook()
        """The price list and rates: one tick's batches may share it (``BriefReads(book)``)."""
        self.data = DailyData()
        self.users: dict[int, User] = {}
        self.visits_known: set[int] = set()
        """Accounts whose last visit (or none) ``data.last_visit`` knows."""
        self.contacts: dict[int, list[Contact]] = {}
        self.visits: dict[int, list[Visit]] = {}
        self.visit_times: dict[int, list[datetime]] = {}
        self.stage_changes: dict[int, list[StageChange]] = {}
        self.competitor_notes: dict[int, list[CompetitorNote]] = {}
        self.promises: dict[int, list[Promise]] = {}
        """Not cancelled, and open or due on or after ``promises_from`` (what a card's record reads)."""
        self.promises_from: date | None = None
        self.prices: dict[int, list[PriceObservation]] = {}
        self.stock: dict[int, list[tuple[InventoryObservation, InventoryObservation | None]]] = {}

    def uow(self, sessions: sessionmaker[Session]) -> UnitOfWorkFactory:
        """Units of work on ``sessions``, their repository reading through these."""
        return lambda: _BriefUnitOfWork(SqlUnitOfWork(sessions), self)

    def remember(self, data: DailyData, people: Iterable[User]) -> None:
        """A new batch: its data, its recipients; nothing prefetched yet (the price list is kept)."""
        self.data = data
        self.users = {p.id: p for p in people}
        self.visits_known = {a.id for accounts in data.owned.values() for a in accounts}
        self.contacts, self.visits, self.stage_changes, self.competitor_notes = {}, {}, {}, {}
        self.visit_times = {}
        self.promises, self.prices, self.stock = {}, {}, {}

    def prefetch(self, session: Session, account_ids: Collection[int], promises_from: date) -> None:
        """What the cards of ``account_ids`` read (a brief's card draws no price trends: no history).
        ``promises_from``: the earliest start of a card's promise record (``promises_for_record``)."""
        ids = sorted(set(account_ids))
        if not ids:
            return
        c, v, sc, cn, p = (tb.ContactRow, tb.VisitRow, tb.StageChangeRow, tb.CompetitorNoteRow, tb.PromiseRow)
        self.contacts = _grouped(session, Contact, c, ids, [c.name])
        if session.get_bind().dialect.name == "postgresql":  # index-backed: flat however long the history
            self.visits = _newest(session, Visit, v, ids, "visited_at", VISITS)
        else:
            self.visits = _grouped(session, Visit, v, ids, [v.visited_at.desc(), v.id.desc()], limit=VISITS)
        self.visit_times = _visit_times(session, ids, VISIT_TIMES)
        self.stage_changes = _grouped(session, StageChange, sc, ids, [sc.changed_at, sc.id])
        if session.get_bind().dialect.name == "postgresql":
            self.competitor_notes = _newest(session, CompetitorNote, cn, ids, "observed_at", NOTES)
        else:
            self.competitor_notes = _grouped(
                session, CompetitorNote, cn, ids, [cn.observed_at.desc(), cn.id.desc()], limit=NOTES
            )
        self.promises_from = promises_from
        self.promises = _grouped(session, Promise, p, ids, [p.due_date, p.id], *_for_record(p, promises_from))
        self.prices = {i: [] for i in ids}
        seen_prices: set[tuple[int, str, str, str | None]] = set()
        pg = session.get_bind().dialect.name == "postgresql"
        latest = (
            _latest_keys(_PRICES, _LATEST_PRICES, ids)
            if pg
            else _newest_first(_PRICES, ids, 1, _PRICES.c.product, _PRICES.c.kind, _PRICES.c.competitor)
        )
        for row in _dicts(session.execute(latest)):
            key = (
                row["account_id"],
                row["product"].lower(),
                row["kind"],
                (row["competitor"] or "").lower() or None,
            )
            if key not in seen_prices:  # as SqlRepository.latest_prices
                seen_prices.add(key)
                self.prices[row["account_id"]].append(PriceObservation.model_validate(row))
        for found in self.prices.values():
            found.sort(key=lambda o: (o.product.casefold(), o.kind != "our_invoice", o.competitor or ""))
        pairs: dict[int, dict[str, list[InventoryObservation]]] = {i: {} for i in ids}
        stock = (
            _latest_keys(_STOCK, _LATEST_STOCK, ids)
            if pg
            else _newest_first(_STOCK, ids, 2, _STOCK.c.product)
        )
        for row in _dicts(session.execute(stock)):
            two = pairs[row["account_id"]].setdefault(row["product"].lower(), [])
            if len(two) < 2:  # as SqlRepository.latest_stock
                two.append(InventoryObservation.model_validate(row))
        self.stock = {
            i: [(obs[0], obs[1] if len(obs) > 1 else None) for _, obs in sorted(by_product.items())]
            for i, by_product in pairs.items()
        }


VISITS, VISIT_TIMES, NOTES = 3, 30, 5
"""The most visits, visit times and competitor notes prefetched per account: what a card reads (it
shows 3 visits, ``services.accounts.CARD_VISITS``; its stage age counts up to 30 recent ones by
their times alone, ``INSIGHT_VISITS``: 30 whole visits, with their texts, took four to six times
the Python of their times, 135 accounts of the bench)."""

M = TypeVar("M", bound=BaseModel)


def _newest_first(table: Table, ids: Sequence[int], keep: int, *key: Any) -> Select[Any]:
    """The rows at the accounts ``ids``, newest first per account, at most ``keep`` per account and
    ``key`` (raw column values: a finer grouping than the case-folded one the caller applies, so
    the rows it keeps are all among these, however long the history)."""
    newest = (table.c.observed_at.desc(), table.c.id.desc())
    rank = func.row_number().over(partition_by=[table.c.account_id, *key], order_by=newest).label("rank")
    # the rows themselves ranked (not their ids joined back: the planner may scan the whole table)
    ranked = select(table, rank).where(table.c.account_id.in_(ids)).subquery()
    return (
        select(*(ranked.c[c.name] for c in table.c))
        .where(ranked.c.rank <= keep)
        .order_by(ranked.c.account_id, ranked.c.observed_at.desc(), ranked.c.id.desc())
    )


_LATEST_PRICES = """
WITH RECURSIVE latest AS (
  SELECT f.* FROM unnest(CAST(:ids AS integer[])) AS wanted(account_id)
  CROSS JOIN LATERAL (
    SELECT {cols} FROM price_observations o WHERE o.account_id = wanted.account_id
    ORDER BY o.product DESC, o.kind DESC, o.competitor DESC NULLS FIRST, o.observed_at DESC, o.id DESC
    LIMIT 1
  ) f
  UNION ALL
  SELECT n.* FROM latest k CROSS JOIN LATERAL (
    (SELECT {cols} FROM price_observations o
      WHERE k.competitor IS NULL AND o.account_id = k.account_id AND o.product = k.product
        AND o.kind = k.kind AND o.competitor IS NOT NULL
      ORDER BY o.product DESC, o.kind DESC, o.competitor DESC, o.observed_at DESC, o.id DESC LIMIT 1)
    UNION ALL
    (SELECT {cols} FROM price_observations o
      WHERE k.competitor IS NOT NULL AND o.account_id = k.account_id
        AND (o.product, o.kind, o.competitor) < (k.product, k.kind, k.competitor)
      ORDER BY o.product DESC, o.kind DESC, o.competitor DESC NULLS FIRST, o.observed_at DESC, o.id DESC
      LIMIT 1)
    UNION ALL
    (SELECT {cols} FROM price_observations o
      WHERE k.competitor IS NULL AND o.account_id = k.account_id AND (o.product, o.kind) < (k.product, k.kind)
      ORDER BY o.product DESC, o.kind DESC, o.competitor DESC NULLS FIRST, o.observed_at DESC, o.id DESC
      LIMIT 1)
    LIMIT 1
  ) n
)
SELECT * FROM latest ORDER BY account_id, observed_at DESC, id DESC
"""
"""The newest price of each (product, kind, competitor) at the accounts ``:ids`` (PostgreSQL): a
loose index scan of ``ix_price_obs_account_key_at`` backwards, one probe per key, each landing on
the next key's newest row (a NULL competitor sorts first going backwards: the first branch steps
from it to the named competitors of its product and kind, the second between named ones and on to
the next product and kind, the third from it to the next product and kind). The probes follow the
keys, not the years of prices behind them."""

_LATEST_STOCK = """
WITH RECURSIVE products AS (
  SELECT f.account_id, f.product FROM unnest(CAST(:ids AS integer[])) AS wanted(account_id)
  CROSS JOIN LATERAL (
    SELECT o.account_id, o.product FROM inventory_observations o WHERE o.account_id = wanted.account_id
    ORDER BY o.product DESC LIMIT 1
  ) f
  UNION ALL
  SELECT n.account_id, n.product FROM products k CROSS JOIN LATERAL (
    SELECT o.account_id, o.product FROM inventory_observations o
    WHERE o.account_id = k.account_id AND o.product < k.product ORDER BY o.product DESC LIMIT 1
  ) n
)
SELECT two.* FROM products k CROSS JOIN LATERAL (
  SELECT {cols} FROM inventory_observations o WHERE o.account_id = k.account_id AND o.product = k.product
  ORDER BY o.observed_at DESC, o.id DESC LIMIT 2
) two
ORDER BY two.account_id, two.observed_at DESC, two.id DESC
"""
"""The two newest counts of each product at the accounts ``:ids`` (PostgreSQL): the products by a
loose scan of ``ix_inventory_obs_account_product_at``, then two rows of each through it."""


def _latest_keys(table: Table, sql: str, ids: Sequence[int]) -> TextualSelect:
    """``sql`` (``_LATEST_PRICES``, ``_LATEST_STOCK``) for ``ids``, its rows typed as ``table``'s: the
    same rows ``_newest_first`` ranks out of the whole history, in the same order."""
    cols = ", ".join(f"o.{c.name}" for c in table.c)
    return text(sql.format(cols=cols)).bindparams(ids=list(ids)).columns(*table.c)


def _probes(
    ids: Sequence[int], table: Table, columns: Sequence[Any], order: Sequence[Any], limit: int
) -> Any:
    """``columns`` of at most ``limit`` rows of ``table`` per account of ``ids``, in ``order``: a
    ``LATERAL`` probe of the account's index per account, so the rows read follow the accounts and
    the limit, not the years of history behind them (PostgreSQL). Selectable as a subquery."""
    wanted = values(column("account", Integer), name="wanted").data([(i,) for i in ids])
    probe = select(*columns).where(table.c.account_id == wanted.c.account).order_by(*order).limit(limit)
    newest = probe.lateral("newest")
    return select(newest).select_from(wanted).join(newest, true()).subquery("probed")


def _newest(
    session: Session, model: type[M], row_type: Any, ids: Sequence[int], at: str, limit: int
) -> dict[int, list[M]]:
    """At most ``limit`` rows per account of ``ids``, newest first (``at``, then id), as ``_grouped``
    gives them, through ``_probes`` (PostgreSQL)."""
    table = cast(Table, row_type.__table__)
    probed = _probes(ids, table, [table], [table.c[at].desc(), table.c.id.desc()], limit)
    stmt = select(probed).order_by(probed.c.account_id, probed.c[at].desc(), probed.c.id.desc())
    out: dict[int, list[M]] = {i: [] for i in ids}
    for row in _dicts(session.execute(stmt)):
        out[row["account_id"]].append(model.model_validate(row))
    return out


def _visit_times(session: Session, ids: Sequence[int], limit: int) -> dict[int, list[datetime]]:
    """When the newest ``limit`` visits at each account of ``ids`` took place, newest first (as
    ``SqlRepository.latest_visit_times``); on PostgreSQL an index-only probe of
    ``ix_visits_account_at`` per account (``_probes``)."""
    v = cast(Table, tb.VisitRow.__table__)
    newest = v.c.visited_at.desc()
    if _pg(session):
        probed = _probes(ids, v, [v.c.account_id, v.c.visited_at], [newest], limit)
    else:
        rank = func.row_number().over(partition_by=v.c.account_id, order_by=newest).label("rank")
        ranked = select(v.c.account_id, v.c.visited_at, rank).where(v.c.account_id.in_(ids)).subquery()
        probed = select(ranked.c.account_id, ranked.c.visited_at).where(ranked.c.rank <= limit).subquery()
    out: dict[int, list[datetime]] = {i: [] for i in ids}
    stmt = select(probed.c.account_id, probed.c.visited_at)
    for account_id, at in session.execute(stmt.order_by(probed.c.account_id, probed.c.visited_at.desc())):
        out[account_id].append(at)
    return out


def _for_record(p: type[tb.PromiseRow], due_from: date) -> list[Any]:
    """``insight_queries.promises_for_record``'s conditions."""
    return [
        p.status != PromiseStatus.CANCELLED.value,
        or_(p.due_date >= due_from, p.status == PromiseStatus.OPEN.value),
    ]


def _grouped(
    session: Session,
    model: type[M],
    row_type: Any,
    ids: Sequence[int],
    order: Sequence[Any],
    *where: Any,
    limit: int | None = None,
) -> dict[int, list[M]]:
    """The rows of ``row_type`` at the accounts ``ids`` (and ``where``) as ``model``, per account in
    ``order``, at most ``limit`` per account; every id gets a list."""
    stmt = (
        select(row_type)
        .where(_among(session, row_type.account_id, ids), *where)
        .order_by(row_type.account_id, *order)
    )
    if limit is not None:
        # the rows themselves ranked, not their ids joined back: that join let the planner scan the
        # whole table (all of the visits' history) for a batch's few hundred accounts
        rank = func.row_number().over(partition_by=row_type.account_id, order_by=order).label("rank")
        ranked = select(row_type, rank).where(_among(session, row_type.account_id, ids), *where).subquery()
        rows = aliased(row_type, ranked)
        stmt = select(rows).where(ranked.c.rank <= limit).order_by(ranked.c.account_id, ranked.c.rank)
    out: dict[int, list[M]] = {i: [] for i in ids}
    for row in session.scalars(stmt).all():
        out[row.account_id].append(model.model_validate(row))
    return out


class _BriefRepository(SqlRepository):
    """``SqlRepository`` answering from ``BriefReads`` what it holds, the rest from the database."""

    def __init__(self, session: Session, reads: BriefReads) -> None:
        super().__init__(session)
        self._reads = reads

    def get(self, model: type[E], entity_id: int) -> E | None:
        known: Entity | None = None
        if model is Account:
            known = self._reads.data.account(entity_id)
        elif model is User:
            known = self._reads.users.get(entity_id)
        if known is not None:
            return cast(E, known.model_copy(deep=True))
        return super().get(model, entity_id)

    def last_visit_dates(self, account_ids: Iterable[int]) -> dict[int, datetime]:
        ids = list(account_ids)
        if not set(ids) <= self._reads.visits_known:
            return super().last_visit_dates(ids)
        last = self._reads.data.last_visit
        return {i: last[i] for i in ids if i in last}

    def contacts_for(self, account_id: int) -> list[Contact]:
        found = self._reads.contacts.get(account_id)
        return list(found) if found is not None else super().contacts_for(account_id)

    def visits_for(self, account_id: int, limit: int = 5) -> list[Visit]:
        found = self._reads.visits.get(account_id)
        if found is None or limit > VISITS:
            return super().visits_for(account_id, limit)
        return found[:limit]

    def latest_visit_times(self, account_id: int, limit: int) -> list[datetime]:
        found = self._reads.visit_times.get(account_id)
        if found is None or limit > VISIT_TIMES:
            return super().latest_visit_times(account_id, limit)
        return found[:limit]

    def stage_changes_for(self, account_id: int) -> list[StageChange]:
        found = self._reads.stage_changes.get(account_id)
        return list(found) if found is not None else super().stage_changes_for(account_id)

    def competitor_notes_for(self, account_id: int, limit: int = 5) -> list[CompetitorNote]:
        found = self._reads.competitor_notes.get(account_id)
        if found is None or limit > NOTES:
            return super().competitor_notes_for(account_id, limit)
        return found[:limit]

    def promises_for_record(self, account_ids: Sequence[int], due_from: date) -> list[Promise]:
        start = self._reads.promises_from
        found = self._reads.promises.get(account_ids[0]) if len(account_ids) == 1 else None
        if found is None or start is None or due_from < start:
            return super().promises_for_record(account_ids, due_from)
        return [p for p in found if p.due_date >= due_from or p.status is PromiseStatus.OPEN]

    def latest_prices(self, account_id: int) -> list[PriceObservation]:
        found = self._reads.prices.get(account_id)
        return list(found) if found is not None else super().latest_prices(account_id)

    def latest_stock(self, account_id: int) -> list[tuple[InventoryObservation, InventoryObservation | None]]:
        found = self._reads.stock.get(account_id)
        return list(found) if found is not None else super().latest_stock(account_id)

    def price_list_for(self, product: str, on: date | None = None) -> PriceListEntry | None:
        return self._reads.book.price_list_for(self.session, product, on)

    def exchange_rates(self) -> dict[tuple[str, str], Decimal]:
        return self._reads.book.exchange_rates(self.session)


class _BriefUnitOfWork:
    def __init__(self, inner: SqlUnitOfWork, reads: BriefReads) -> None:
        self._inner = inner
        self._reads = reads
        self._repo: SqlRepository | None = None

    @property
    def repo(self) -> SqlRepository:
        if self._repo is None:
            raise RuntimeError("unit of work used outside its with-block")
        return self._repo

    def __enter__(self) -> _BriefUnitOfWork:
        self._inner.__enter__()
        self._repo = _BriefRepository(self._inner.repo.session, self._reads)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._repo = None
        self._inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        self._inner.commit()

    def rollback(self) -> None:
        self._inner.rollback()
