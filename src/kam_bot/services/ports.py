"""What the services need from the outside: a unit of work, its repository, and a clock.

``Repository`` is the query surface the use cases rely on, written as a protocol so that
services, handlers and adapters never see the store's session or its rows; the store's
``SqlRepository`` satisfies it (and tests may hand in anything that does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, NamedTuple, Protocol, TypeVar

from kam_bot.domain import models as m
from kam_bot.domain.enums import PromiseDirection, PromiseStatus
from kam_bot.domain.insight.coverage import ChainMember

E = TypeVar("E", bound=m.Entity)


class ConflictError(Exception):
    """A write broke a uniqueness rule: the same thing was written concurrently.

    Raised by the unit of work for a failed commit, and for a failed insert inside its block.
    """


class Repository(Protocol):
    """Every read and write the use cases make, in domain models."""

    # -- generic -----------------------------------------------------------------------

    def add(self, model: type[E], **fields: Any) -> E: ...

    def add_many_later(self, model: type[E], rows: Sequence[dict[str, Any]]) -> Callable[[], list[E]]:
        """Several rows of one plain model, not flushed: they go out with the next ``flush``,
        together with those of other models (a visit's promises and observations: one round
        trip, one multi-row INSERT per table). The callable returns them, ids and all, once
        flushed."""
        ...

    def flush(self) -> None: ...

    def deferred_flush(self) -> AbstractContextManager[object]:
        """Inside, reads do not first write what is staged: it goes out in one flush at the end."""
        ...

    def stage(self, model: type[m.Entity], **fields: Any) -> None:
        """Insert a row no one reads back here (an event, an audit entry): written with the next
        flush, together with the other rows staged in the same transaction."""
        ...

    def get(self, model: type[E], entity_id: int) -> E | None: ...

    def get_many(self, model: type[E], entity_ids: Iterable[int]) -> dict[int, E]:
        """The ones of these ids that exist, by id, read in one query."""
        ...

    def update(self, model: type[E], entity_id: int, **fields: Any) -> E: ...

    def touched(self, model: type[E], entity_id: int, **fields: Any) -> E | None:
        """The row with ``fields`` set, read and written in one statement; None when not there."""
        ...

    def all(self, model: type[E]) -> list[E]: ...

    def count(self, model: type[E]) -> int: ...

    def delete(self, model: type[m.Entity], ids: Sequence[int]) -> None: ...

    # -- users and teams ---------------------------------------------------------------

    def link_identity(self, user_id: int, platform: str, external_id: str) -> None: ...

    def user_by_identity(self, platform: str, external_id: str) -> m.User | None: ...

    def user_by_email(self, email: str) -> m.User | None: ...

    def users_managed_by(self, manager_id: int) -> list[m.User]: ...

    def team_by_name(self, name: str) -> m.Team | None: ...

    # -- accounts ----------------------------------------------------------------------

    def accounts_by_key(self, key: str, include_archived: bool = False) -> list[m.Account]: ...

    def account_keys(self) -> list[tuple[int, str]]: ...

    def accounts_with_key_prefix(self, prefix: str, limit: int) -> list[tuple[int, str]]: ...

    def account_names(self) -> list[tuple[int, str]]: ...

    def accounts_where(
        self, *, owner_id: int | None = None, team_id: int | None = None, include_archived: bool = False
    ) -> list[m.Account]: ...

    def last_visit_dates(self, account_ids: Iterable[int]) -> dict[int, datetime]: ...

    def planned_visits(self, owner_id: int, from_day: date, limit: int) -> list[m.PlannedVisit]: ...

    # -- contacts, visits, stages ------------------------------------------------------

    def contacts_for(self, account_id: int) -> list[m.Contact]: ...

    def mark_met(self, account_id: int, contact_ids: Sequence[int], day: date) -> set[int]:
        """Those of these ids that are the account's contacts; ``last_met`` becomes ``day`` where
        they were last met before it (or never)."""
        ...

    def visits_for(self, account_id: int, limit: int = 5) -> list[m.Visit]: ...

    def latest_visit_times(self, account_id: int, limit: int) -> list[datetime]:
        """When the newest ``limit`` visits at the account took place, newest first: what the account
        insight counts, without reading the visits themselves."""
        ...

    def visit_by_submission(self, key: str) -> m.Visit | None: ...

    def stage_changes_for(self, account_id: int) -> list[m.StageChange]: ...

    # -- promises ----------------------------------------------------------------------

    def promises_where(
        self,
        *,
        account_id: int | None = None,
        owner_id: int | None = None,
        status: PromiseStatus | None = PromiseStatus.OPEN,
        direction: PromiseDirection | None = None,
        due_on_or_before: date | None = None,
        visit_id: int | None = None,
    ) -> list[m.Promise]: ...

    # -- team insight: one read each over a team's accounts -----------------------------

    def chain_members(self, account_ids: Sequence[int]) -> list[ChainMember]:
        """Role, attitude, last met and name of each contact (never personal notes)."""
        ...

    def promises_for_record(self, account_ids: Sequence[int], due_from: date) -> list[m.Promise]:
        """Not cancelled, due on or after ``due_from`` or still open."""
        ...

    def visit_times(self, account_ids: Sequence[int], since: datetime) -> list[tuple[int, datetime]]: ...

    def last_procurement_moves(self, account_ids: Sequence[int]) -> dict[int, datetime]: ...

    def promise_events(self, promise_id: int) -> list[m.PromiseEvent]: ...

    # -- observations ------------------------------------------------------------------

    def latest_prices(self, account_id: int) -> list[m.PriceObservation]: ...

    def price_history(self, account_id: int, since: datetime) -> list[m.PriceObservation]: ...

    def latest_stock(
        self, account_id: int
    ) -> list[tuple[m.InventoryObservation, m.InventoryObservation | None]]: ...

    def previous_stock(
        self, account_id: int, product: str, before: datetime, exclude_id: int | None = None
    ) -> m.InventoryObservation | None: ...

    def price_list_for(self, product: str, on: date | None = None) -> m.PriceListEntry | None: ...

    def exchange_rates(self) -> dict[tuple[str, str], Decimal]: ...

    def set_exchange_rate(self, source: str, target: str, rate: Decimal, now: datetime) -> None: ...

    def competitor_notes_for(self, account_id: int, limit: int = 5) -> list[m.CompetitorNote]: ...

    def observations_for_visit(
        self, visit_id: int
    ) -> tuple[list[m.PriceObservation], list[m.InventoryObservation], list[m.CompetitorNote]]: ...

    def stage_changes_for_visit(self, visit_id: int) -> list[m.StageChange]: ...

    # -- changes other systems follow --------------------------------------------------

    def record_change(self, kind: str, entity_id: int, change: str, at: datetime) -> None:
        """In this transaction, note that a ``visit``, ``promise``, ``price``, ``stock`` or
        ``competitor`` (note) was ``saved``, ``edited``, ``done``, ``undone`` or ``deleted``: a
        system that follows kam-bot (the CRM the settings name) learns it through the outbox,
        exactly once, or never if the change is rolled back. Nothing is written when none follows."""
        ...

    # -- audit log --------------------------------------------------------------------

    def audit_entries(
        self, *, since: datetime | None = None, actor_id: int | None = None, limit: int = 1000
    ) -> list[m.AuditEntry]: ...

    # -- request claims ----------------------------------------------------------------

    def claim(self, platform: str, key: str, at: datetime, expires_at: datetime, prune: bool = False) -> bool:
        """True the first time ``key`` is claimed (or once its claim expired); False for a repeat."""
        ...

    def claim_with_save(self, platform: str, key: str, at: datetime, expires_at: datetime) -> bool:
        """``claim`` inside a save's transaction: taken in if and when the save commits."""
        ...

    def record_claims(self, platform: str, keys: list[str], at: datetime, expires_at: datetime) -> None:
        """Claim ``keys`` whose requests were taken in otherwise, without asking which were first."""
        ...

    def release_claim(self, platform: str, key: str) -> None:
        """Forget that ``key`` was claimed, so the same request may be handled again."""
        ...

    def open_visit(
        self,
        request: tuple[str, str] | None,
        at: datetime,
        expires_at: datetime,
        account_id: int,
        contact_ids: Sequence[int],
        day: date,
    ) -> OpenedSave:
        """A visit's save begins: ``claim_with_save(*request, at, expires_at)`` (with a request),
        ``touched(Account, account_id, updated_at=at)`` and ``mark_met(account_id, contact_ids,
        day)``, as one round trip where the database allows. All three run whatever the others
        find: the caller refuses, and rolls back, what it must."""
        ...


class OpenedSave(NamedTuple):
    """What ``Repository.open_visit`` found, each part as its own call gives it."""

    claimed: bool
    """The request's claim was taken (``claim_with_save``; True without a claim)."""
    account: m.Account | None
    """The account with its ``updated_at`` set (``touched``); None when there is none."""
    met: set[int]
    """The ids among the contacts met that are the account's, marked met (``mark_met``)."""


class UnitOfWork(Protocol):
    """One transaction over the repository: ``with uow: ...; uow.commit()``."""

    @property
    def repo(self) -> Repository: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
