"""Price, stock and competitor observations, on their own or as part of a visit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from kam_bot.domain import rules
from kam_bot.domain.models import Account, CompetitorNote, InventoryObservation, PriceObservation, User
from kam_bot.services import access, audit
from kam_bot.services.accounts import _get_account
from kam_bot.services.inputs import CompetitorNoteInput, PriceInput, StockInput
from kam_bot.services.ports import Clock, Repository, UnitOfWorkFactory, utc_now


def add_price(
    repo: Repository,
    account: Account,
    data: PriceInput,
    actor_id: int,
    at: datetime,
    visit_id: int | None,
    threshold: Decimal,
) -> tuple[PriceObservation, rules.PriceDeviation | None]:
    obs = repo.add(
        PriceObservation,
        account_id=account.id,
        observed_at=at,
        visit_id=visit_id,
        recorded_by=actor_id,
        **data.model_dump(),
    )
    audit.record(repo, actor_id, audit.CREATED, "price", obs.id, at)
    return obs, rules.price_deviation(
        obs, repo.price_list_for(obs.product, at.date()), threshold, repo.exchange_rates()
    )


def add_stock(
    repo: Repository, account: Account, data: StockInput, actor_id: int, at: datetime, visit_id: int | None
) -> tuple[InventoryObservation, rules.InventoryChange]:
    previous = repo.previous_stock(account.id, data.product, at)
    obs = repo.add(
        InventoryObservation,
        account_id=account.id,
        observed_at=at,
        visit_id=visit_id,
        recorded_by=actor_id,
        **data.model_dump(),
    )
    audit.record(repo, actor_id, audit.CREATED, "stock", obs.id, at)
    return obs, rules.inventory_change(obs, previous)


_ENTITY: dict[type[PriceObservation | InventoryObservation | CompetitorNote], str] = {
    PriceObservation: "price",
    InventoryObservation: "stock",
    CompetitorNote: "competitor_note",
}


class ObservationService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock = utc_now, price_threshold: Decimal | None = None
    ):
        self._uow = uow
        self._clock = clock
        self._threshold = price_threshold if price_threshold is not None else rules.DEFAULT_PRICE_THRESHOLD

    def record_price(
        self, actor: User, account_id: int, data: PriceInput
    ) -> tuple[PriceObservation, rules.PriceDeviation | None]:
        with self._uow() as uow:
            account = self._writable(uow.repo, actor, account_id)
            result = add_price(uow.repo, account, data, actor.id, self._clock(), None, self._threshold)
            uow.commit()
            return result

    def record_stock(
        self, actor: User, account_id: int, data: StockInput
    ) -> tuple[InventoryObservation, rules.InventoryChange]:
        with self._uow() as uow:
            account = self._writable(uow.repo, actor, account_id)
            result = add_stock(uow.repo, account, data, actor.id, self._clock(), None)
            uow.commit()
            return result

    def record_competitor(self, actor: User, account_id: int, data: CompetitorNoteInput) -> CompetitorNote:
        with self._uow() as uow:
            account = self._writable(uow.repo, actor, account_id)
            note = uow.repo.add(
                CompetitorNote,
                account_id=account.id,
                observed_at=self._clock(),
                recorded_by=actor.id,
                **data.model_dump(),
            )
            audit.record(uow.repo, actor.id, audit.CREATED, "competitor_note", note.id, self._clock())
            uow.commit()
            return note

    def listed_currency(self, product: str) -> str | None:
        """The price list's currency for ``product``: it fills a price typed without one."""
        with self._uow() as uow:
            entry = uow.repo.price_list_for(product)
        return entry.currency if entry else None

    def undo(
        self, actor: User, kind: type[PriceObservation | InventoryObservation | CompetitorNote], obs_id: int
    ) -> bool:
        """Remove an observation the actor just recorded (the Undo button). False if already gone."""
        with self._uow() as uow:
            obs = uow.repo.get(kind, obs_id)
            if obs is None:
                return False
            account = self._writable(uow.repo, actor, obs.account_id)
            access.require(
                obs.recorded_by == actor.id or access.can_write_account(uow.repo, actor, account), "undo"
            )
            uow.repo.delete(kind, [obs_id])
            audit.record(uow.repo, actor.id, audit.DELETED, _ENTITY[kind], obs_id, self._clock())
            uow.commit()
            return True

    def _writable(self, repo: Repository, actor: User, account_id: int) -> Account:
        account = _get_account(repo, account_id)
        access.require(access.can_write_account(repo, actor, account), "account")
        return account
