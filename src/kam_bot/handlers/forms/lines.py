"""Price and stock lines of the /visit modal: one plain-text line per observation.

A modal has room for 100 blocks; one multi-line input per kind (instead of four inputs per
price) keeps any number of prices within budget and types well on a phone. Lines are written
in the grammar of ``/price`` and ``/stock`` without the account, and read back by the shared
parser, so the modal accepts exactly what the quick entries accept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from kam_bot.domain.drafts import ParseProblem, PriceDraft, StockDraft
from kam_bot.domain.enums import PriceKind
from kam_bot.domain.parsing import parse_price, parse_stock

T = TypeVar("T")

_ACCOUNT = "kamline"
"""Stands in for the account the quick-entry grammar starts with (the modal has its own)."""

_KIND_WORDS = {PriceKind.OUR_INVOICE: "invoice", PriceKind.CUSTOMER_RETAIL: "retail"}


def _is_stand_in(text: str) -> bool:
    return text == _ACCOUNT


def _number(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def price_line(p: PriceDraft) -> str:
    parts = [_KIND_WORDS[p.kind]] if p.kind in _KIND_WORDS else []
    parts.append(p.product)
    if p.price is not None:
        parts.append(
            _number(p.price) + (f" {p.currency}" if p.currency else "") + (f"/{p.unit}" if p.unit else "")
        )
    if p.note:
        parts.append(p.note)
    if p.kind is PriceKind.COMPETITOR and p.competitor:
        parts += ["competitor", p.competitor]
    return " ".join(parts)


def stock_line(s: StockDraft) -> str:
    parts = [s.product]
    if s.quantity is not None:
        parts.append(_number(s.quantity) + (f" {s.unit}" if s.unit else ""))
    if s.movement is not None:
        parts.append(s.movement.value)
    if s.our_share_pct is not None:
        parts.append(f"share {_number(s.our_share_pct)}%")
    return " ".join(parts)


@dataclass
class ParsedLines(Generic[T]):
    items: list[T] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    """The line number of each item, in order."""
    problems: list[tuple[int, ParseProblem]] = field(default_factory=list)
    """(1-based line number, problem)."""


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def read_prices(text: str, today: date) -> ParsedLines[PriceDraft]:
    out: ParsedLines[PriceDraft] = ParsedLines()
    for n, line in _lines(text):
        entry = parse_price(f"{_ACCOUNT} {line}", today=today, is_account=_is_stand_in)
        out.problems += [(n, p) for p in entry.problems]
        if entry.price is not None and not entry.problems:
            out.items.append(entry.price)
            out.numbers.append(n)
    return out


def read_stocks(text: str, today: date) -> ParsedLines[StockDraft]:
    out: ParsedLines[StockDraft] = ParsedLines()
    for n, line in _lines(text):
        entry = parse_stock(f"{_ACCOUNT} {line}", today=today, is_account=_is_stand_in)
        out.problems += [(n, p) for p in entry.problems]
        if entry.stock is not None and not entry.problems:
            out.items.append(entry.stock)
            out.numbers.append(n)
    return out
