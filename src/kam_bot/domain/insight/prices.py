"""An account's prices over time against the price list (seed 002: "market disorder begins
with price disorder": compare over time, purchase against retail, and with competitors)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal

from kam_bot.domain.enums import PriceKind
from kam_bot.domain.models import PriceListEntry, PriceObservation
from kam_bot.domain.rules import DEFAULT_PRICE_THRESHOLD, ExchangeRates, exchange_rate, price_deviation


@dataclass
class ProductPrices:
    product: str
    currency: str
    unit: str | None = None
    series: dict[str, list[tuple[date, Decimal]]] = field(default_factory=dict)
    """Series name -> (day, price) in time order: a ``PriceKind`` value or ``competitor:NAME``."""
    listed: list[tuple[date, Decimal]] = field(default_factory=list)
    """The price list's price on each day a price was seen (the policy line of a trend chart)."""
    off_policy: bool = False
    """The latest of our invoices or the customer's prices is off the price list."""
    left_out: dict[str, int] = field(default_factory=dict)
    """Currency -> how many prices in it are not in ``series``: no rate converts them to ``currency``."""


def series_name(obs: PriceObservation) -> str:
    if obs.kind is PriceKind.COMPETITOR:
        return f"competitor:{obs.competitor or '?'}"
    return obs.kind.value


def picture(
    observations: Iterable[PriceObservation],
    listed: Callable[[str, date], PriceListEntry | None],
    tz: tzinfo,
    threshold: Decimal = DEFAULT_PRICE_THRESHOLD,
    rates: ExchangeRates | None = None,
) -> list[ProductPrices]:
    """Per product (in the currency of its first observation), its series over time; a price in
    another currency is converted with the admin's rate, or counted in ``left_out`` without one."""

    def day(at: datetime) -> date:
        return at.astimezone(tz).date()

    by_product: dict[str, list[PriceObservation]] = defaultdict(list)
    for obs in sorted(observations, key=lambda o: (o.observed_at, o.id)):
        by_product[obs.product.casefold()].append(obs)
    out: list[ProductPrices] = []
    for group in by_product.values():
        currency = group[0].currency.upper()
        prices = ProductPrices(group[0].product, currency)
        same: list[tuple[PriceObservation, Decimal]] = []
        for obs in group:
            rate = exchange_rate(rates, obs.currency, currency)
            if rate is None:
                prices.left_out[obs.currency.upper()] = prices.left_out.get(obs.currency.upper(), 0) + 1
            else:
                same.append((obs, obs.price * rate))
        prices.unit = next((o.unit for o, _ in same if o.unit), None)
        latest: dict[str, PriceObservation] = {}
        for obs, price in same:
            prices.series.setdefault(series_name(obs), []).append((day(obs.observed_at), price))
            latest[series_name(obs)] = obs
            entry = listed(obs.product, day(obs.observed_at))
            if entry is not None and entry.currency.upper() == currency:
                prices.listed.append((day(obs.observed_at), entry.price))
        for obs in latest.values():
            if obs.kind is PriceKind.COMPETITOR:
                continue
            deviation = price_deviation(obs, listed(obs.product, day(obs.observed_at)), threshold, rates)
            prices.off_policy = prices.off_policy or bool(deviation and deviation.flagged)
        out.append(prices)
    return sorted(out, key=lambda p: p.product.casefold())
