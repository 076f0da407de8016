"""Price, stock and competitor observations, on their own or as part of a visit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal

from kam_bot.domain import rules
from kam_bot.domain.models import (
    Account,
    CompetitorNote,
    InventoryObservation,
    PriceListEntry,
    PriceObservation,
    User,
)
from kam_bot.services import access, audit
from kam_bot.services.accounts import _get_account
from kam_bot.services.inputs import CompetitorNoteInput, PriceInput, StockInput
from kam_bot.services.ports import Clock, Repository, UnitOfWorkFactory, utc_now


def add_prices_later(
    repo: Repository,
    account: Account,
    items: Sequence[PriceInput],
    actor_id: int,
    at: datetime,
    visit_id: int | None,
    threshold: Decimal,
) -> Callable[[], list[tuple[PriceObservation, rules.PriceDeviation | None]]]:
    """Stage the prices for the next flush; the callable, after it, audits them and rates each
    against the price list (the exchange rates and each product's list price read once)."""
    later = repo.add_many_later(
        PriceObservation,
        [
            {"account_id": account.id, "observed_at": at, "visit_id": visit_id, "recorded_by": actor_id}
            | data.model_dump()
            for data in items
        ],
    )

    def done() -> list[tuple[PriceObservation, rules.PriceDeviation | None]]:
        observations = later()
        if not observations:
            return []
        listed = {p: repo.price_list_for(p, at.date()) for p in {obs.product for obs in observations}}
        rates = repo.exchange_rates() if _converted(observations, listed) else {}
        for obs in observations:
            audit.record(repo, actor_id, audit.CREATED, "price", obs.id, at)
        return [
            (obs, rules.price_deviation(obs, listed[obs.product], threshold, rates)) for obs in observations
        ]

    return done


def _converted(observations: Sequence[PriceObservation], listed: dict[str, PriceListEntry | None]) -> bool:
    """Whether a price is in another currency than its list price (only then are rates read)."""
    return any(
        (entry := listed[obs.product]) is not None and entry.currency.upper() != obs.currency.upper()
        for obs in observations
    )


def add_stocks_later(
    repo: Repository,
    account: Account,
    items: Sequence[StockInput],
    actor_id: int,
    at: datetime,
    visit_id: int | None,
) -> Callable[[], list[tuple[InventoryObservation, rules.InventoryChange]]]:
    """Stage the stock counts for the next flush; the callable, after it, audits them and compares
    each with the count before it (read now, before they are written; a product counted twice in
    one visit compares its second count with its first)."""
    previous: dict[str, InventoryObservation | None] = {}
    for product in {data.product.lower(): data.product for data in items}.values():
        previous[product.lower()] = repo.previous_stock(account.id, product, at)
    later = repo.add_many_later(
        InventoryObservation,
        [
            {"account_id": account.id, "observed_at": at, "visit_id": visit_id, "recorded_by": actor_id}
            | data.model_dump()
            for data in items
        ],
    )

    def done() -> list[tuple[InventoryObservation, rules.InventoryChange]]:
        result = []
        for obs in later():
            audit.record(repo, actor_id, audit.CREATED, "stock", obs.id, at)
            result.append((obs, rules.inventory_change(obs, previous[obs.product.lower()])))
            previous[obs.product.lower()] = obs
        return result

    return done


_ENTITY: dict[type[PriceObservation | InventoryObservation | CompetitorNote], str] = {
    PriceObservation: "price",
    InventoryObservation: "stock",
    CompetitorNote: "competitor_note",
}
_FOLLOWED = _ENTITY | {CompetitorNote: "competitor"}
"""The kind ``record_change`` names."""


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
            done = add_prices_later(uow.repo, account, [data], actor.id, self._clock(), None, self._threshold)
            uow.repo.flush()
            (result,) = done()
            uow.repo.record_change("price", result[0].id, "saved", self._clock())
            uow.commit()
            return result

    def record_stock(
        self, actor: User, account_id: int, data: StockInput
    ) -> tuple[InventoryObservation, rules.InventoryChange]:
        with self._uow() as uow:
            account = self._writable(uow.repo, actor, account_id)
            done = add_stocks_later(uow.repo, account, [data], actor.id, self._clock(), None)
            uow.repo.flush()
            (result,) = done()
            uow.repo.record_change("stock", result[0].id, "saved", self._clock())
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
            uow.repo.record_change("competitor", note.id, "saved", self._clock())
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
            uow.repo.record_change(_FOLLOWED[kind], obs_id, "deleted", self._clock())
            uow.commit()
            return True

    def _writable(self, repo: Repository, actor: User, account_id: int) -> Account:
        account = _get_account(repo, account_id)
        access.require(access.can_write_account(repo, actor, account), "account")
        return account
