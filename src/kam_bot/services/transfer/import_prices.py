"""prices.csv: the price list, the company's policy price per product.

One entry per product and ``valid_from`` day: a row for a product and day already listed
updates that entry's price, so a corrected list can be imported again; a new
``valid_from`` adds an entry, keeping the history the price comparisons read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field, field_validator

from kam_bot.services.inputs import MAX_TEXT
from kam_bot.services.transfer.cells import CsvRecord
from kam_bot.services.transfer.common import RowError
from kam_bot.services.transfer.importer import FirstSeen, Importer, Parsed, Written, given
from kam_bot.store import bulk
from kam_bot.store import tables as t
from kam_bot.store.lookups import price_list_ids


class PriceRecord(CsvRecord):
    product: str = Field(min_length=1, max_length=200)
    price: Decimal = Field(gt=0, max_digits=18, decimal_places=4)
    currency: str = Field(min_length=1, max_length=8)
    unit: str | None = Field(default=None, max_length=32)
    valid_from: date | None = None
    note: str | None = Field(default=None, max_length=MAX_TEXT)

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


Row = Parsed[PriceRecord]


class PricesImport(Importer[PriceRecord]):
    record = PriceRecord

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.entries = price_list_ids(self.repo)

    @staticmethod
    def key(record: PriceRecord) -> tuple[str, date | None]:
        return record.product.casefold(), record.valid_from

    def check(self, rows: Sequence[Row]) -> list[RowError]:
        seen = FirstSeen("product")
        found = (seen.repeat(self.key(row.record), row.line, row.record.product) for row in rows)
        return [error for error in found if error is not None]

    def write(self, rows: Sequence[Row], tick: Callable[[int], None]) -> Written:
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for row in rows:
            record = row.record
            stored = self.entries.get(self.key(record))
            if stored is not None:
                changed.append(
                    {"id": stored, **given(record, "product", "price", "currency", "unit", "note")}
                )
            else:
                new.append(record.model_dump())
        bulk.update_rows(self.repo, t.PriceListRow, changed, tick)
        bulk.insert_rows(self.repo, t.PriceListRow, new, tick)
        return Written(len(new), len(changed))
