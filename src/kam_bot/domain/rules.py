"""Derived facts: priority, staleness, price deviation, inventory change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, timedelta, tzinfo
from decimal import Decimal

from kam_bot.domain import units
from kam_bot.domain.enums import Intention, Movement, Power, Priority, StockFlag, Tier
from kam_bot.domain.models import Account, InventoryObservation, PriceListEntry, PriceObservation
from kam_bot.domain.units import per_unit_factor

DEFAULT_CADENCE_DAYS: dict[Tier, int] = {Tier.A: 14, Tier.B: 30, Tier.C: 60}
DEFAULT_PRICE_THRESHOLD = Decimal("0.05")
"""A price more than 5 % away from the price list is flagged unless configured otherwise."""


DUE_DAYS_BACK = 365
DUE_DAYS_AHEAD = 5 * 365 + 1
"""A due date (or planned visit) outside a year back and five years ahead is a typo
(``by 0001-01-01``, ``by 9999-12-31``): asked about before saving, refused at save."""


def date_in_range(day: date, today: date) -> bool:
    return today - timedelta(days=DUE_DAYS_BACK) <= day <= today + timedelta(days=DUE_DAYS_AHEAD)


def priority(intention: Intention | None, power: Power | None) -> Priority:
    """Seed 002's intention x power grid.

    clear + strong -> spend the most time (focus); clear + weak -> keep in touch and work
    on it (nurture); clear but cannot buy now -> park; anything else -> monitor.
    """
    if intention is not Intention.CLEAR:
        return Priority.MONITOR
    if power is Power.STRONG:
        return Priority.FOCUS
    if power is Power.WEAK:
        return Priority.NURTURE
    if power is Power.NOT_NOW:
        return Priority.PARK
    return Priority.MONITOR


def cadence_days(account: Account) -> int:
    return account.visit_cadence_days or DEFAULT_CADENCE_DAYS[account.tier]


def days_overdue(account: Account, last_visit: date | None, today: date, tz: tzinfo = UTC) -> int | None:
    """Days past the cadence (1 or more when stale), None when the account is not stale.

    All days are the reader's local days (``tz``): ``last_visit`` and ``today`` are given
    that way; an account never visited counts from its creation day in ``tz``.
    """
    since = last_visit or account.created_at.astimezone(tz).date()
    over = (today - since).days - cadence_days(account)
    return over if over > 0 else None


def is_stale(account: Account, last_visit: date | None, today: date, tz: tzinfo = UTC) -> bool:
    return days_overdue(account, last_visit, today, tz) is not None


ExchangeRates = Mapping[tuple[str, str], Decimal]
"""(from, to) currency codes -> how many ``to`` one ``from`` buys; set by an admin."""


@dataclass(frozen=True)
class PriceDeviation:
    list_price: Decimal
    observed: Decimal
    """The observed price in the list's currency and unit (converted when they differed)."""
    ratio: Decimal
    """(observed - list) / list; -0.10 is 10 % under the list price."""
    flagged: bool
    list_currency: str = ""
    list_unit: str | None = None
    converted: bool = False
    """The observation was in another currency or unit and was converted to compare."""
    not_comparable: str | None = None
    """Why the price could not be compared (``currency``: no rate; ``unit``: other dimension)."""


def exchange_rate(rates: ExchangeRates | None, source: str, target: str) -> Decimal | None:
    """How many ``target`` one ``source`` buys: the rate as set, or the inverse of the opposite one."""
    source, target = source.upper(), target.upper()
    if source == target:
        return Decimal(1)
    if not rates:
        return None
    direct = rates.get((source, target))
    if direct:
        return direct
    inverse = rates.get((target, source))
    return Decimal(1) / inverse if inverse else None


def price_deviation(
    observation: PriceObservation,
    price_list: PriceListEntry | None,
    threshold: Decimal = DEFAULT_PRICE_THRESHOLD,
    rates: ExchangeRates | None = None,
) -> PriceDeviation | None:
    """Compare with the policy price; None when the product has no list price.

    Units are normalised (公斤 = kg, 4,300 per 吨 = 4.30 per kg); another currency is converted
    with the admin's rate. When neither works the result says why it is not comparable:
    converting without a rate would guess.
    """
    if price_list is None or price_list.price <= 0:
        return None
    factor = Decimal(1)
    if price_list.unit and observation.unit:
        unit_factor = per_unit_factor(observation.unit, price_list.unit)
        if unit_factor is None:
            return _not_comparable(observation, price_list, "unit")
        factor = unit_factor
    rate = exchange_rate(rates, observation.currency, price_list.currency)
    if rate is None:
        return _not_comparable(observation, price_list, "currency")
    observed = observation.price * factor * rate
    ratio = (observed - price_list.price) / price_list.price
    return PriceDeviation(
        price_list.price,
        observed,
        ratio,
        abs(ratio) > threshold,
        list_currency=price_list.currency.upper(),
        list_unit=price_list.unit,
        converted=factor != 1 or rate != 1,
    )


def _not_comparable(observation: PriceObservation, price_list: PriceListEntry, why: str) -> PriceDeviation:
    return PriceDeviation(
        price_list.price,
        observation.price,
        Decimal(0),
        False,
        list_currency=price_list.currency.upper(),
        list_unit=price_list.unit,
        not_comparable=why,
    )


STOCK_OUT_DROP = Decimal("0.5")
OVERSTOCK_GROWTH = Decimal("1.5")


@dataclass(frozen=True)
class InventoryChange:
    previous: Decimal | None
    """The previous count in the current count's unit (80 kg is 0.08 after a count in t)."""
    current: Decimal
    delta: Decimal | None
    flag: StockFlag | None
    unit_changed_from: tuple[Decimal, str] | None = None
    """The previous count and its unit when it does not convert to this one (80 cases, then 3 t):
    no change is computed, the reader is told the unit changed."""


def inventory_change(current: InventoryObservation, previous: InventoryObservation | None) -> InventoryChange:
    """Change since the previous observation of the same product at the same account.

    Counts in the same unit, or in units that convert (``domain.units``: 吨 and kg), are compared;
    any other pair is not (a change between cases and tonnes would be a made-up number).
    Likely stock-out: nothing left, or a fast mover down to half or less of last time.
    Likely overstock: a slow mover up by half or more since last time.
    """
    prev_qty = None
    if previous is not None:
        prev_qty = units.convert(previous.quantity, previous.unit, current.unit)
        if prev_qty is None:
            stock_out = StockFlag.STOCK_OUT if current.quantity <= 0 else None
            moved = (previous.quantity, previous.unit or "")
            return InventoryChange(None, current.quantity, None, stock_out, unit_changed_from=moved)
    delta = current.quantity - prev_qty if prev_qty is not None else None
    flag: StockFlag | None = None
    if current.quantity <= 0:
        flag = StockFlag.STOCK_OUT
    elif prev_qty is not None and prev_qty > 0:
        if current.movement is Movement.FAST and current.quantity <= prev_qty * STOCK_OUT_DROP:
            flag = StockFlag.STOCK_OUT
        elif current.movement is Movement.SLOW and current.quantity >= prev_qty * OVERSTOCK_GROWTH:
            flag = StockFlag.OVERSTOCK
    return InventoryChange(prev_qty, current.quantity, delta, flag)
