"""Finding accounts and showing their card; creating and changing them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from kam_bot.domain import rules
from kam_bot.domain.enums import FunnelStage, Priority, ProcurementStage, PromiseDirection, StageKind
from kam_bot.domain.insight.account import AccountInsight, account_insight, last_procurement_move
from kam_bot.domain.insight.coverage import ChainMember
from kam_bot.domain.insight.prices import ProductPrices, picture
from kam_bot.domain.insight.thresholds import DEFAULT as DEFAULT_THRESHOLDS
from kam_bot.domain.insight.thresholds import Thresholds
from kam_bot.domain.matching import EXACT, Match, clear_winner, fold, rank_keys
from kam_bot.domain.models import (
    Account,
    CompetitorNote,
    Contact,
    InventoryObservation,
    PlannedVisit,
    PriceObservation,
    Promise,
    StageChange,
    User,
    Visit,
)
from kam_bot.services import access, audit
from kam_bot.services.account_list import LIST_LIMIT, AccountRow, contains_matches, my_rows, rows_for
from kam_bot.services.errors import (
    AccountNotFoundError,
    AmbiguousAccountError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    ReadOnlyAccountError,
    ServiceError,
)
from kam_bot.services.ports import Clock, Repository, UnitOfWorkFactory, utc_now

SUGGESTIONS = 5
OVERFETCH = 5
"""Type-ahead ranks this many times the matches it shows, then keeps the readable ones."""
INSIGHT_VISITS = 30
"""Recent visits read for the stage age: enough to count the visits since the last move."""
CARD_VISITS = 3
"""The newest visits a card shows (their goals, outcomes, next steps and planned next visit)."""
PRICE_WEEKS = 26
"""How far back the card's price picture looks."""


@dataclass(frozen=True)
class PricePoint:
    observation: PriceObservation
    deviation: rules.PriceDeviation | None


@dataclass(frozen=True)
class StockPoint:
    observation: InventoryObservation
    change: rules.InventoryChange
    previous_seen: date | None = None
    """The reader's day of the observation ``change`` compares with (usually the last visit)."""


@dataclass(frozen=True)
class ContactView:
    contact: Contact
    notes_visible: bool
    """False when the reader may not see personal notes; ``contact.personal_notes`` is then None."""


@dataclass(frozen=True)
class AccountCard:
    account: Account
    owner: User | None
    priority: Priority
    cadence_days: int
    last_visit_at: datetime | None
    days_overdue: int | None
    contacts: list[ContactView]
    visits: list[Visit]
    ours: list[Promise]
    theirs: list[Promise]
    prices: list[PricePoint]
    stock: list[StockPoint]
    stage_history: list[StageChange]
    competitor_notes: list[CompetitorNote]
    can_write: bool
    insight: AccountInsight | None = None
    """Coverage of the decision chain, promise record and stage age (``domain.insight``)."""
    price_trends: list[ProductPrices] = field(default_factory=list)
    """Per product, each kind of price (and each competitor's) over the last ``PRICE_WEEKS``."""
    extra: dict[str, Any] = field(default_factory=dict)
    next_visit: date | None = None
    """The planned next visit (the latest visit's, when still ahead)."""


def local_today(user: User, now: datetime) -> date:
    return now.astimezone(ZoneInfo(user.timezone)).date()


AccountDue = tuple[Account, datetime | None, int | None]
"""An account, its last visit and the days past its cadence (``my_accounts``)."""


@dataclass(frozen=True)
class MyDayReads:
    """``AccountService.my_day``: what a rep's day shows, read together."""

    promises: list[Promise]
    promise_accounts: dict[int, Account]
    accounts: list[AccountDue]
    planned: list[PlannedVisit]


class AccountService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock = utc_now,
        price_threshold: Decimal | None = None,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
    ):
        self._uow = uow
        self._thresholds = thresholds
        self._clock = clock
        self._threshold = price_threshold if price_threshold is not None else rules.DEFAULT_PRICE_THRESHOLD
        self._keys = AccountKeys()

    # -- finding ------------------------------------------------------------------

    def search(self, query: str, limit: int = 10) -> list[Match]:
        """Ranked matches for type-ahead; exact name or alias first."""
        with self._uow() as uow:
            return search(uow.repo, query, limit, self._keys)

    def resolve(self, query: str, actor: User | None = None) -> Account:
        """The one account ``query`` means, or an error carrying ranked suggestions. With
        ``actor``, near matches and suggestions are only accounts they may read (an exact name
        is still returned, for the caller to refuse in plain words)."""
        with self._uow() as uow:
            return resolve(uow.repo, query, self._keys, actor)

    def listing(self, actor: User, query: str = "") -> list[AccountRow]:
        """``accounts [TEXT]``: my accounts, or the readable accounts ``query`` matches, best first."""
        now = self._clock()
        with self._uow() as uow:
            repo = uow.repo
            if not query.strip():
                return my_rows(repo, actor, now)
            matches = search(repo, query, LIST_LIMIT, self._keys) or contains_matches(
                self._keys.get(repo), query, LIST_LIMIT
            )
            found = (repo.get(Account, m.account_id) for m in matches)
            return rows_for(repo, actor, [a for a in found if a is not None], now)

    def is_known_name(self, candidate: str) -> bool:
        """Whether ``candidate`` is exactly an account's name or alias (the parser's account probe).

        Answered from the in-memory key list: the parser probes several prefixes per line.
        """
        key = fold(candidate)
        if not key:
            return False
        if self._keys.fresh():
            return key in self._keys.key_set()
        with self._uow() as uow:
            self._keys.get(uow.repo)
        return key in self._keys.key_set()

    def suggestions(self, actor: User, query: str, limit: int = 10) -> list[tuple[int, str]]:
        """(account id, label) for type-ahead: the name, with the alias that matched beside it;
        only accounts ``actor`` may read (as the account card and ``accounts TEXT``)."""
        if not query.strip():
            return []
        with self._uow() as uow:
            ranked = search(uow.repo, query, limit * OVERFETCH, self._keys)
            known = uow.repo.get_many(Account, (m.account_id for m in ranked))  # one query, not one per match
            readable = access.reader(uow.repo, actor, known)
            matches = [m for m in ranked if readable(m.account_id)][:limit]
            return [(m.account_id, display_name(uow.repo, m, known)) for m in matches]

    def live(self, account_id: int) -> Account:
        """The account with this id, unless it is gone (deleted or archived)."""
        with self._uow() as uow:
            return _get_account(uow.repo, account_id)

    def writable(self, actor: User, account_id: int) -> Account:
        """The account, if ``actor`` may write to it (log a visit, add a promise); else refused."""
        with self._uow() as uow:
            account = _get_account(uow.repo, account_id)
            access.require(access.can_write_account(uow.repo, actor, account), "account")
            return account

    def write_refusal(self, actor: User, account_id: int) -> ServiceError | None:
        """Why ``actor`` may not write to this account (asked before they confirm), or None."""
        with self._uow() as uow:
            try:
                account = _get_account(uow.repo, account_id)
            except ServiceError as exc:
                return exc
            return refusal_to_write(uow.repo, actor, account)

    def by_ids(self, ids: Iterable[int]) -> dict[int, Account]:
        """Accounts by id (to name them in lists); ids no longer there are left out."""
        with self._uow() as uow:
            return uow.repo.get_many(Account, ids)  # one query (a Home tab lists many)

    # -- the card -----------------------------------------------------------------

    def card(self, actor: User, account_id: int, trends: bool = True) -> AccountCard:
        """The account as ``actor`` may see it. ``trends=False`` leaves ``price_trends`` empty (a
        brief shows the latest prices only: no price history read, no weekly picture drawn)."""
        with self._uow() as uow:
            repo = uow.repo
            account = _get_account(repo, account_id)
            access.require(access.can_read_account(repo, actor, account), "account")
            tz = ZoneInfo(actor.timezone)
            today = local_today(actor, self._clock())
            last = repo.last_visit_dates([account.id]).get(account.id)
            contacts = _contact_views(repo, actor, account)
            # what the card shows of promises: the open ones and the record's window (not all history)
            record_from = today - timedelta(days=self._thresholds.promise_days)
            every_promise = repo.promises_for_record([account.id], record_from)
            promises = [p for p in every_promise if p.status.value == "open"]
            history = repo.stage_changes_for(account.id)
            insight = account_insight(
                account,
                [ChainMember.of(cv.contact) for cv in contacts],
                every_promise,
                [at.astimezone(tz).date() for at in repo.latest_visit_times(account.id, INSIGHT_VISITS)],
                last_procurement_move(history, tz),
                today,
                tz,
                self._thresholds,
            )
            prices, price_trends = self._prices(repo, account.id, today, tz, trends)
            visits = repo.visits_for(account.id, limit=CARD_VISITS)
            planned = [v.next_visit_date for v in visits if v.next_visit_date and v.next_visit_date >= today]
            return AccountCard(
                next_visit=planned[0] if planned else None,
                account=account,
                owner=repo.get(User, account.owner_id) if account.owner_id else None,
                priority=rules.priority(account.intention, account.power),
                cadence_days=rules.cadence_days(account),
                last_visit_at=last,
                days_overdue=rules.days_overdue(
                    account, last.astimezone(tz).date() if last else None, today, tz
                ),
                contacts=contacts,
                visits=visits,
                ours=[p for p in promises if p.direction is PromiseDirection.OURS],
                theirs=[p for p in promises if p.direction is PromiseDirection.THEIRS],
                prices=prices,
                stock=_stock_points(repo, account.id, tz),
                stage_history=history,
                competitor_notes=repo.competitor_notes_for(account.id),
                can_write=access.can_write_account(repo, actor, account),
                insight=insight,
                price_trends=price_trends,
            )

    def _prices(
        self, repo: Repository, account_id: int, today: date, tz: ZoneInfo, trends: bool = True
    ) -> tuple[list[PricePoint], list[ProductPrices]]:
        """The latest price of each product against the list, and each price over the weeks."""
        rates, threshold = repo.exchange_rates(), self._threshold
        listed = cache(repo.price_list_for)  # one look-up per product and day (a product has several kinds)
        prices = [
            PricePoint(p, rules.price_deviation(p, listed(p.product, today), threshold, rates))
            for p in repo.latest_prices(account_id)
        ]
        if not trends:
            return prices, []
        since = self._clock() - timedelta(weeks=PRICE_WEEKS)
        return prices, picture(repo.price_history(account_id, since), listed, tz, threshold, rates)

    def my_accounts(self, actor: User) -> list[tuple[Account, datetime | None, int | None]]:
        """The actor's accounts with last visit and days past cadence, most overdue first."""
        with self._uow() as uow:
            return self._my_accounts(uow.repo, actor)

    def my_day(self, actor: User, from_day: date, planned_limit: int) -> MyDayReads:
        """What a rep's day shows (``handlers.my_day``: the Slack Home tab, ``today``), read in
        one transaction: their open promises with those promises' accounts, ``my_accounts``,
        and the visits planned from ``from_day`` (as ``VisitService.planned``)."""
        with self._uow() as uow:
            repo = uow.repo
            promises = repo.promises_where(owner_id=actor.id)
            return MyDayReads(
                promises=promises,
                promise_accounts=repo.get_many(Account, {p.account_id for p in promises}),
                accounts=self._my_accounts(repo, actor),
                planned=repo.planned_visits(actor.id, from_day, planned_limit),
            )

    def _my_accounts(self, repo: Repository, actor: User) -> list[AccountDue]:
        accounts = repo.accounts_where(owner_id=actor.id)
        last = repo.last_visit_dates(a.id for a in accounts)
        tz = ZoneInfo(actor.timezone)
        today = local_today(actor, self._clock())
        rows = []
        for account in accounts:
            at = last.get(account.id)
            local = at.astimezone(tz).date() if at else None
            rows.append((account, at, rules.days_overdue(account, local, today, tz)))
        return sorted(rows, key=lambda r: (-(r[2] if r[2] is not None else -1), r[0].name.casefold()))

    # -- changing -----------------------------------------------------------------

    def create(self, actor: User, **fields: Any) -> Account:
        if fields.get("owner_id") not in (None, actor.id):
            access.require_admin(actor)
        now = self._clock()
        with self._uow() as uow:
            name = str(fields.get("name") or "").strip()
            if not name:
                raise InvalidInputError("account.name_required", field="name")
            if uow.repo.accounts_by_key(fold(name), include_archived=True):
                raise InvalidInputError("account.exists", field="name", name=name)
            fields.setdefault("owner_id", actor.id)
            fields.setdefault("team_id", actor.team_id)
            account = uow.repo.add(Account, **{**fields, "name": name, "created_at": now, "updated_at": now})
            audit.record(uow.repo, actor.id, audit.CREATED, "account", account.id, now)
            uow.commit()
            self._keys.invalidate()
            return account

    def change_stage(
        self, actor: User, account_id: int, kind: StageKind, to_stage: str
    ) -> StageChange | None:
        with self._uow() as uow:
            account = _get_account(uow.repo, account_id)
            access.require(access.can_write_account(uow.repo, actor, account), "account")
            change = apply_stage_change(uow.repo, account, kind, to_stage, actor.id, None, self._clock())
            if change is not None:
                audit.record(
                    uow.repo,
                    actor.id,
                    audit.CHANGED,
                    "account",
                    account.id,
                    self._clock(),
                    [f"{kind.value}_stage"],
                )
            uow.commit()
            return change


def _contact_views(repo: Repository, actor: User, account: Account) -> list[ContactView]:
    """The decision chain as ``actor`` may see it: personal notes only where allowed."""
    notes_ok = access.can_read_personal_notes(repo, actor, account)
    return [
        ContactView(c if notes_ok else c.model_copy(update={"personal_notes": None}), notes_ok)
        for c in repo.contacts_for(account.id)
    ]


def _stock_points(repo: Repository, account_id: int, tz: ZoneInfo) -> list[StockPoint]:
    return [
        StockPoint(
            cur,
            rules.inventory_change(cur, prev),
            prev.observed_at.astimezone(tz).date() if prev is not None else None,
        )
        for cur, prev in repo.latest_stock(account_id)
    ]


class AccountKeys:
    """Every live account's folded name and aliases, kept in memory for fuzzy search.

    Exact and prefix look-ups always ask the database (indexed); only the typo-tolerant
    fallback reads this list, refreshed after ``ttl`` seconds or when this process changes
    accounts, so another process's new account is found by typo within a minute.
    """

    def __init__(self, ttl: float = 60.0) -> None:
        self._ttl = ttl
        self._keys: list[tuple[int, str]] | None = None
        self._set: frozenset[str] | None = None
        self._loaded = 0.0
        self._lock = threading.Lock()

    def get(self, repo: Repository) -> list[tuple[int, str]]:
        with self._lock:
            if self._keys is None or time.monotonic() - self._loaded > self._ttl:
                self._keys = repo.account_keys()
                self._set = None
                self._loaded = time.monotonic()
            return self._keys

    def fresh(self) -> bool:
        with self._lock:
            return self._keys is not None and time.monotonic() - self._loaded <= self._ttl

    def key_set(self) -> frozenset[str]:
        with self._lock:
            if self._set is None:
                self._set = frozenset(key for _, key in self._keys or [])
            return self._set

    def invalidate(self) -> None:
        with self._lock:
            self._keys = None
            self._set = None


def search(repo: Repository, query: str, limit: int = 10, keys: AccountKeys | None = None) -> list[Match]:
    """Exact name or alias, else names starting with what was typed, else typo-tolerant matches."""
    key = fold(query)
    if not key:
        return []
    exact = repo.accounts_by_key(key)
    if exact:
        return [Match(EXACT, a.id, a.name) for a in exact[:limit]]
    candidates = repo.accounts_with_key_prefix(key, limit * 3)
    if len({account_id for account_id, _ in candidates}) < limit:
        candidates += (keys or AccountKeys()).get(repo)
    return rank_keys(key, candidates, limit)


def resolve(
    repo: Repository,
    query: str,
    keys: AccountKeys | None = None,
    actor: User | None = None,
) -> Account:
    exact = repo.accounts_by_key(fold(query))
    if len(exact) == 1:
        return exact[0]
    wanted = 10 * (OVERFETCH if actor is not None else 1)
    matches = [Match(EXACT, a.id, a.name) for a in exact] if exact else search(repo, query, wanted, keys)
    known: dict[int, Account] = {a.id: a for a in exact}
    matches = _readable(repo, actor, matches, known)[:10]
    winner = clear_winner(matches)
    if not matches:
        # too short or too far off for the ranking (``s``): offer the names containing it
        contained = contains_matches((keys or AccountKeys()).get(repo), query, wanted)
        matches = _readable(repo, actor, contained, known)[:SUGGESTIONS]
        winner = None
    if winner is not None:
        return _get_account(repo, winner.account_id)
    suggestions = [(m.account_id, display_name(repo, m, known)) for m in matches[:SUGGESTIONS]]
    if len(matches) > 1:
        raise AmbiguousAccountError(query, suggestions)
    raise AccountNotFoundError(query, suggestions)


def _readable(
    repo: Repository, actor: User | None, matches: list[Match], known: dict[int, Account]
) -> list[Match]:
    """The matches ``actor`` may read (all without an actor), their accounts read in one query
    into ``known`` (a prefix can match 50 candidates: one query, not one per candidate)."""
    if actor is None:
        return matches
    known.update(repo.get_many(Account, (m.account_id for m in matches if m.account_id not in known)))
    readable = access.reader(repo, actor, known)
    return [m for m in matches if readable(m.account_id)]


def display_name(repo: Repository, match: Match, known: Mapping[int, Account] | None = None) -> str:
    """The account's name, with the alias that matched when it was not the name (``Acme (ACM)``)."""
    account = (known or {}).get(match.account_id) or repo.get(Account, match.account_id)
    if account is None:
        return match.matched
    key = fold(match.matched)
    if key == fold(account.name):
        return account.name
    alias = next((a for a in account.aliases if fold(a) == key), None)
    return f"{account.name} ({alias})" if alias else account.name


def refusal_to_write(repo: Repository, actor: User, account: Account) -> ForbiddenError | None:
    """Why ``actor`` may not write to ``account`` (read-only, or not even that), or None: what a
    form says on its account field before saving and what the save refuses with."""
    if access.can_write_account(repo, actor, account):
        return None
    if access.can_read_account(repo, actor, account):
        return ReadOnlyAccountError(account.name)
    return ForbiddenError("access.denied_account", field="account")


def _get_account(repo: Repository, account_id: int) -> Account:
    account = repo.get(Account, account_id)
    if account is None or account.archived:
        raise NotFoundError("account.gone", field="account", id=account_id)
    return account


def apply_stage_change(
    repo: Repository,
    account: Account,
    kind: StageKind,
    to_stage: str,
    actor_id: int | None,
    visit_id: int | None,
    now: datetime,
) -> StageChange | None:
    """Move the account and keep the move as history, never overwriting the past.

    Naming the stage the account is already in is no move: nothing is recorded (None).
    """
    stages = FunnelStage if kind is StageKind.FUNNEL else ProcurementStage
    if to_stage not in {s.value for s in stages}:
        raise InvalidInputError("account.unknown_stage", field="stage", stage=to_stage)
    if kind is StageKind.FUNNEL:
        before: str | None = account.funnel_stage.value
    else:
        before = account.procurement_stage.value if account.procurement_stage else None
    if before == to_stage:
        return None
    column = "funnel_stage" if kind is StageKind.FUNNEL else "procurement_stage"
    repo.update(Account, account.id, **{column: to_stage, "updated_at": now})
    return repo.add(
        StageChange,
        account_id=account.id,
        visit_id=visit_id,
        kind=kind,
        from_stage=before,
        to_stage=to_stage,
        changed_by=actor_id,
        changed_at=now,
    )
