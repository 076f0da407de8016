"""The account card's price and stock picture: per product, our invoice, the customer's purchase
and retail prices and each competitor's over time, against the price list; stock with its change
since the day it was last counted; in English and Chinese."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from factories import Seed, add_price_list, seed_team
from jobs_harness import add

from kam_bot.bootstrap import App
from kam_bot.domain import models as m
from kam_bot.domain.enums import Locale, Movement, PriceKind
from kam_bot.handlers.render import account_card
from kam_bot.jobs.digest_charts import price_chart
from kam_bot.services.rates import RateService

# The clock is Mon 23 Nov 2026 10:00 UTC; the rep reads in UTC.
SEEN = [
    (datetime(2026, 3, 2, 9, tzinfo=UTC), PriceKind.OUR_INVOICE, "4.10", None),  # over 26 weeks ago
    (datetime(2026, 8, 3, 9, tzinfo=UTC), PriceKind.OUR_INVOICE, "4.00", None),
    (datetime(2026, 9, 7, 9, tzinfo=UTC), PriceKind.OUR_INVOICE, "3.95", None),
    (datetime(2026, 10, 5, 9, tzinfo=UTC), PriceKind.OUR_INVOICE, "3.90", None),
    (datetime(2026, 10, 26, 9, tzinfo=UTC), PriceKind.OUR_INVOICE, "3.80", None),
    (datetime(2026, 11, 16, 9, tzinfo=UTC), PriceKind.OUR_INVOICE, "3.60", None),
    (datetime(2026, 10, 5, 9, tzinfo=UTC), PriceKind.CUSTOMER_PURCHASE, "4.05", None),
    (datetime(2026, 11, 16, 9, tzinfo=UTC), PriceKind.CUSTOMER_PURCHASE, "4.00", None),
    (datetime(2026, 11, 16, 9, tzinfo=UTC), PriceKind.CUSTOMER_RETAIL, "4.60", None),  # seen once
    (datetime(2026, 10, 26, 9, tzinfo=UTC), PriceKind.COMPETITOR, "3.70", "Posco"),
    (datetime(2026, 11, 16, 9, tzinfo=UTC), PriceKind.COMPETITOR, "3.50", "Posco"),
]


@pytest.fixture
def seed(app: App) -> Seed:
    seed = seed_team(app)
    add_price_list(app, "widget-42", "4.00", currency="USD", unit="kg")
    for at, kind, price, competitor in SEEN:
        add(app, m.PriceObservation, account_id=seed.baosteel.id, product="widget-42", price=Decimal(price),
            currency="USD", unit="kg", kind=kind, competitor=competitor, observed_at=at)  # fmt: skip
    return seed


@pytest.mark.parametrize(
    ("loc", "title", "lines"),
    [
        (
            Locale.EN,
            "Prices over time (last 26 weeks)",
            [
                "widget-42 · our invoice: 3.95 (7 Sep) → 3.90 (5 Oct) → 3.80 (26 Oct) → 3.60 (16 Nov)"
                " · list 4.00 USD/kg",
                "widget-42 · customer purchase: 4.05 (5 Oct) → 4.00 (16 Nov) · list 4.00 USD/kg",
                "widget-42 · Posco: 3.70 (26 Oct) → 3.50 (16 Nov) · list 4.00 USD/kg",
            ],
        ),
        (
            Locale.ZH_HANS,
            "价格走势（近26周）",
            [
                "widget-42 · 我方开票价：3.95（9月7日） → 3.90（10月5日） → 3.80（10月26日）"
                " → 3.60（11月16日） · 价目表 4.00 USD/kg",
                "widget-42 · 客户进价：4.05（10月5日） → 4.00（11月16日） · 价目表 4.00 USD/kg",
                "widget-42 · Posco：3.70（10月26日） → 3.50（11月16日） · 价目表 4.00 USD/kg",
            ],
        ),
    ],
)
def test_card_shows_each_price_over_time_against_the_price_list(
    app: App, seed: Seed, loc: Locale, title: str, lines: list[str]
) -> None:
    card = app.accounts.card(seed.rep, seed.baosteel.id)
    reply = account_card(card, loc, app.clock().date())
    [section] = [s for s in reply.sections if s.title == title]
    assert [line.plain for line in section.lines] == lines


def test_card_without_repeated_prices_has_no_price_picture(app: App, seed: Seed) -> None:
    card = app.accounts.card(seed.rep, seed.sinopec.id)
    text = account_card(card, Locale.EN, app.clock().date()).plain_text()
    assert "Prices over time" not in text and "No prices seen yet." in text


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        (Locale.EN, "widget-42 120 cases · fast (-180 since 2 Nov 2026, when it was 300) ⚠ likely stock-out"),
        (Locale.ZH_HANS, "widget-42 120 cases · 快销 （2026年11月2日为 300，此后 -180） ⚠ 可能断货"),
    ],
)
def test_card_names_the_day_stock_was_last_counted(app: App, seed: Seed, loc: Locale, line: str) -> None:
    for day, qty in ((2, "300"), (16, "120")):
        add(app, m.InventoryObservation, account_id=seed.baosteel.id, product="widget-42",
            quantity=Decimal(qty), unit="cases", movement=Movement.FAST,
            observed_at=datetime(2026, 11, day, 9, tzinfo=UTC))  # fmt: skip
    card = app.accounts.card(seed.rep, seed.baosteel.id)
    reply = account_card(card, loc, app.clock().date())
    [section] = [s for s in reply.sections if s.title in {"Latest stock", "最新库存"}]
    assert [ln.plain for ln in section.lines] == [line]


def test_a_price_in_another_currency_is_converted_or_named_as_left_out(app: App, seed: Seed) -> None:
    for day, price, currency in ((9, "30.00", "CNY"), (10, "3.70", "EUR")):
        add(app, m.PriceObservation, account_id=seed.baosteel.id, product="widget-42", price=Decimal(price),
            currency=currency, unit="kg", kind=PriceKind.OUR_INVOICE,
            observed_at=datetime(2026, 11, day, 9, tzinfo=UTC))  # fmt: skip
    RateService(app.uow).set(seed.admin, "CNY", "USD", "0.125")
    card = app.accounts.card(seed.rep, seed.baosteel.id)
    [widget] = card.price_trends
    assert (date(2026, 11, 9), Decimal("3.75")) in widget.series["our_invoice"]  # 30 CNY at 0.125
    assert widget.left_out == {"EUR": 1}
    text = account_card(card, Locale.EN, app.clock().date()).plain_text()
    assert "widget-42 · Left out: 1 price(s) in EUR, no exchange rate to USD" in text
    spec = price_chart(seed.baosteel, widget, date(2026, 11, 16), Locale.ZH_HANS, 1)
    assert spec.note == "未计入：1 个以 EUR 计的价格，没有兑 USD 的汇率"
