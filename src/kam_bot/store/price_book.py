"""The price list and exchange rates, read once for a whole tick of a job.

A digest checks every price seen in the week against the price list, and a morning brief
every latest price of an account: one ``price_list_for`` query per observation made these
jobs hundreds of round trips per team. The price list is a few hundred rows, so ``PriceBook``
reads it whole on first use and answers ``SqlRepository.price_list_for`` in memory.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Row, Table, select
from sqlalchemy.orm import Session

from kam_bot.domain.models import PriceListEntry
from kam_bot.store import tables as tb
from kam_bot.store.repository import SqlRepository

_PRICE_LIST = cast(Table, tb.PriceListRow.__table__)


class PriceBook:
    """``price_list_for`` and ``exchange_rates`` from one read each (per tick: create one per tick)."""

    def __init__(self) -> None:
        self._rows: dict[str, list[Row[Any]]] | None = None
        self._rates: dict[tuple[str, str], Decimal] | None = None
        self._found: dict[tuple[str, date | None], PriceListEntry | None] = {}

    def _by_product(self, session: Session) -> dict[str, list[Row[Any]]]:
        if self._rows is None:
            self._rows = {}
            for row in session.execute(select(_PRICE_LIST)):
                self._rows.setdefault(row.product.lower(), []).append(row)
        return self._rows

    def price_list_for(self, session: Session, product: str, on: date | None) -> PriceListEntry | None:
        """As ``SqlRepository.price_list_for``; a product name that is not ASCII is looked up in the
        database (its case folding is the database's)."""
        if not product.isascii():
            return SqlRepository(session).price_list_for(product, on)
        key = (product.lower(), on)
        if key not in self._found:
            self._found[key] = self._lookup(session, *key)
        entry = self._found[key]
        return entry.model_copy() if entry is not None else None

    def _lookup(self, session: Session, wanted: str, on: date | None) -> PriceListEntry | None:
        found = [
            r
            for r in self._by_product(session).get(wanted, [])
            if on is None or r.valid_from is None or r.valid_from <= on
        ]
        if not found:
            return None
        # ORDER BY valid_from DESC NULLS LAST, id DESC
        best = max(found, key=lambda r: (r.valid_from is not None, r.valid_from or date.min, r.id))
        return PriceListEntry.model_validate(best)

    def exchange_rates(self, session: Session) -> dict[tuple[str, str], Decimal]:
        if self._rates is None:
            self._rates = SqlRepository(session).exchange_rates()
        return dict(self._rates)
