"""Derived facts of domain.rules: priority grid, cadence and staleness, price deviation, stock change."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from kam_bot.domain import rules
from kam_bot.domain.enums import Intention, Movement, Power, PriceKind, Priority, StockFlag, Tier
from kam_bot.domain.models import Account, InventoryObservation, PriceListEntry, PriceObservation

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TODAY = NOW.date()


def account(tier: Tier = Tier.B, cadence: int | None = None, created: date = date(2026, 1, 5)) -> Account:
    created_at = datetime(created.year, created.month, created.day, 9, 0, tzinfo=UTC)
    return Account(
        id=1, name="Baosteel", tier=tier, visit_cadence_days=cadence, created_at=created_at,
        updated_at=created_at,
    )  # fmt: skip


def price(value: str, currency: str = "CNY", unit: str | None = "t") -> PriceObservation:
    return PriceObservation(
        id=1, account_id=1, product="HRC coil", price=Decimal(value), currency=currency, unit=unit,
        kind=PriceKind.CUSTOMER_PURCHASE, observed_at=NOW,
    )  # fmt: skip


def listed(value: str = "4000", currency: str = "CNY", unit: str | None = "t") -> PriceListEntry:
    return PriceListEntry(id=1, product="HRC coil", price=Decimal(value), currency=currency, unit=unit)


def stock(quantity: str, movement: Movement | None = None, **extra: Any) -> InventoryObservation:
    return InventoryObservation(
        id=1, account_id=1, product="HRC coil", quantity=Decimal(quantity), movement=movement,
        observed_at=NOW, **extra,
    )  # fmt: skip


# -- priority ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("intention", "power", "expected"),
    [
        (Intention.CLEAR, Power.STRONG, Priority.FOCUS),
        (Intention.CLEAR, Power.WEAK, Priority.NURTURE),
        (Intention.CLEAR, Power.NOT_NOW, Priority.PARK),
        (Intention.CLEAR, None, Priority.MONITOR),
        (Intention.UNCLEAR, Power.STRONG, Priority.MONITOR),
        (Intention.UNCLEAR, Power.WEAK, Priority.MONITOR),
        (Intention.NONE, Power.STRONG, Priority.MONITOR),
        (Intention.NONE, Power.NOT_NOW, Priority.MONITOR),
        (None, Power.STRONG, Priority.MONITOR),
        (None, None, Priority.MONITOR),
    ],
)
def test_priority_grid(intention: Intention | None, power: Power | None, expected: Priority) -> None:
    assert rules.priority(intention, power) is expected


# -- cadence and staleness ---------------------------------------------------------------


@pytest.mark.parametrize(("tier", "days"), [(Tier.A, 14), (Tier.B, 30), (Tier.C, 60)])
def test_cadence_defaults_by_tier(tier: Tier, days: int) -> None:
    assert rules.cadence_days(account(tier)) == days


def test_cadence_override_wins_over_tier() -> None:
    assert rules.cadence_days(account(Tier.A, cadence=7)) == 7
    assert rules.cadence_days(account(Tier.C, cadence=90)) == 90


@pytest.mark.parametrize(
    ("tier", "cadence", "days_since", "overdue"),
    [
        (Tier.A, None, 13, None),
        (Tier.A, None, 14, None),  # exactly the cadence: not stale yet
        (Tier.A, None, 15, 1),
        (Tier.B, None, 30, None),
        (Tier.B, None, 31, 1),
        (Tier.C, None, 60, None),
        (Tier.C, None, 61, 1),
        (Tier.C, None, 100, 40),
        (Tier.A, 7, 7, None),
        (Tier.A, 7, 8, 1),
        (Tier.B, None, 0, None),  # visited today
    ],
)
def test_days_overdue_boundaries(
    tier: Tier, cadence: int | None, days_since: int, overdue: int | None
) -> None:
    acc = account(tier, cadence)
    last = date.fromordinal(TODAY.toordinal() - days_since)
    assert rules.days_overdue(acc, last, TODAY) == overdue
    assert rules.is_stale(acc, last, TODAY) is (overdue is not None)


def test_never_visited_counts_from_creation_day() -> None:
    acc = account(Tier.A, created=date(2026, 11, 9))  # 14 days before TODAY
    assert rules.days_overdue(acc, None, TODAY) is None
    assert not rules.is_stale(acc, None, TODAY)
    acc = account(Tier.A, created=date(2026, 11, 8))  # 15 days
    assert rules.days_overdue(acc, None, TODAY) == 1
    assert rules.is_stale(acc, None, TODAY)


def test_last_visit_wins_over_creation_day() -> None:
    acc = account(Tier.A, created=date(2025, 1, 1))  # created long ago ...
    assert rules.days_overdue(acc, date(2026, 11, 20), TODAY) is None  # ... but visited 3 days ago


# -- price deviation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("observed", "ratio", "flagged"),
    [
        ("4000", "0", False),
        ("4200", "0.05", False),  # exactly +5 %: on the threshold, not beyond it
        ("3800", "-0.05", False),  # exactly -5 %
        ("4200.04", "0.05001", True),  # just beyond
        ("3799.96", "-0.05001", True),
        ("3600", "-0.1", True),
        ("4400", "0.1", True),
    ],
)
def test_price_deviation_against_default_threshold(observed: str, ratio: str, flagged: bool) -> None:
    deviation = rules.price_deviation(price(observed), listed("4000"))
    assert deviation is not None
    assert deviation.list_price == Decimal("4000")
    assert deviation.observed == Decimal(observed)
    assert deviation.ratio == Decimal(ratio)
    assert deviation.flagged is flagged


def test_price_deviation_configured_threshold() -> None:
    dev = rules.price_deviation(price("4320"), listed("4000"), threshold=Decimal("0.10"))
    assert dev is not None
    assert dev.ratio == Decimal("0.08")
    assert dev.flagged is False
    dev = rules.price_deviation(price("4320"), listed("4000"), threshold=Decimal("0.02"))
    assert dev is not None
    assert dev.flagged is True


def test_price_in_another_currency_without_a_rate_is_marked_not_comparable() -> None:
    dev = rules.price_deviation(price("560", currency="USD"), listed("4000"))
    assert dev is not None and dev.not_comparable == "currency" and dev.flagged is False
    dev = rules.price_deviation(price("30", unit="case"), listed("4000", unit="t"))
    assert dev is not None and dev.not_comparable == "unit" and dev.flagged is False


@pytest.mark.parametrize(
    ("observed", "unit", "list_unit", "ratio"),
    [
        ("4.20", "公斤", "kg", "0.05"),
        ("4.20", "千克", "kg", "0.05"),
        ("4200", "吨", "kg", "0.05"),  # 4,200 per tonne is 4.20 per kg
        ("0.0042", "克", "kg", "0.05"),
        ("2.10", "斤", "kg", "0.05"),  # half a kilo
        ("4.20", "箱", "case", "0.05"),
        ("4.20", "Cases", "case", "0.05"),
        ("4.20", "升", "l", "0.05"),
    ],
)
def test_units_are_normalised_before_comparing(observed: str, unit: str, list_unit: str, ratio: str) -> None:
    dev = rules.price_deviation(
        price(observed, currency="USD", unit=unit), listed("4.00", currency="USD", unit=list_unit)
    )
    assert dev is not None and dev.not_comparable is None
    assert dev.ratio == Decimal(ratio)


def test_another_currency_is_compared_through_the_admins_rate() -> None:
    rates = {("CNY", "USD"): Decimal("0.14")}
    # 30 CNY/kg is 4.20 USD/kg: 5 % over a 4.00 USD list price, on the threshold
    dev = rules.price_deviation(
        price("30", currency="CNY", unit="公斤"), listed("4.00", currency="USD", unit="kg"), rates=rates
    )
    assert dev is not None and dev.converted and dev.ratio == Decimal("0.05") and not dev.flagged
    # the opposite direction uses the inverse rate
    dev = rules.price_deviation(
        price("4.50", currency="USD", unit="kg"), listed("30", currency="CNY", unit="公斤"), rates=rates
    )
    assert dev is not None and dev.flagged and dev.observed.quantize(Decimal("0.01")) == Decimal("32.14")


def test_price_currency_and_unit_compared_loosely() -> None:
    dev = rules.price_deviation(price("3600", currency="cny", unit="Tons "), listed("4000", unit="ton"))
    assert dev is not None
    assert dev.flagged is True
    # a side without a unit is compared (nothing says the units differ)
    assert rules.price_deviation(price("4000", unit=None), listed("4000", unit="t")) is not None


def test_price_without_list_entry_or_zero_list_price_is_not_compared() -> None:
    assert rules.price_deviation(price("4000"), None) is None
    assert rules.price_deviation(price("4000"), listed("0")) is None


# -- inventory change --------------------------------------------------------------------


def test_first_observation_has_no_delta_and_no_flag() -> None:
    change = rules.inventory_change(stock("120", Movement.FAST), None)
    assert change == rules.InventoryChange(previous=None, current=Decimal("120"), delta=None, flag=None)


def test_first_observation_at_zero_is_a_stock_out() -> None:
    change = rules.inventory_change(stock("0"), None)
    assert change.delta is None
    assert change.flag is StockFlag.STOCK_OUT


@pytest.mark.parametrize(
    ("previous", "current", "movement", "delta", "flag"),
    [
        ("100", "0", Movement.NORMAL, "-100", StockFlag.STOCK_OUT),  # nothing left, any mover
        ("100", "0", None, "-100", StockFlag.STOCK_OUT),
        ("100", "50", Movement.FAST, "-50", StockFlag.STOCK_OUT),  # fast mover halved
        ("100", "51", Movement.FAST, "-49", None),  # not quite half
        ("100", "30", Movement.NORMAL, "-70", None),  # only fast movers are flagged on a drop
        ("100", "150", Movement.SLOW, "50", StockFlag.OVERSTOCK),  # slow mover +50 %
        ("100", "149", Movement.SLOW, "49", None),
        ("100", "300", Movement.FAST, "200", None),  # only slow movers are flagged on growth
        ("100", "100", Movement.SLOW, "0", None),
        ("0", "40", Movement.SLOW, "40", None),  # growth from nothing: no ratio to speak of
    ],
)
def test_inventory_change(
    previous: str, current: str, movement: Movement | None, delta: str, flag: StockFlag | None
) -> None:
    change = rules.inventory_change(stock(current, movement), stock(previous, movement))
    assert change.previous == Decimal(previous)
    assert change.current == Decimal(current)
    assert change.delta == Decimal(delta)
    assert change.flag is flag


@pytest.mark.parametrize(
    ("before", "before_unit", "after", "after_unit", "delta", "changed"),
    [
        ("80", "cases", "3", "吨", None, ("80", "cases")),  # no change between cases and tonnes
        ("2500", "kg", "3", "t", "0.5", None),  # converted into the new unit
        ("4", "箱", "6", "cases", "2", None),  # the same unit in two languages
        ("80", None, "70", "cases", None, ("80", "")),  # a bare count is not a number of cases
    ],
)
def test_inventory_change_across_units(
    before: str,
    before_unit: str | None,
    after: str,
    after_unit: str,
    delta: str | None,
    changed: tuple[str, str] | None,
) -> None:
    prev = stock(before, Movement.SLOW).model_copy(update={"unit": before_unit})
    cur = stock(after, Movement.SLOW).model_copy(update={"unit": after_unit})
    change = rules.inventory_change(cur, prev)
    assert change.delta == (Decimal(delta) if delta else None)
    assert change.unit_changed_from == ((Decimal(changed[0]), changed[1]) if changed else None)
    if changed:
        assert change.flag is None  # 3 t after 80 cases is no overstock
