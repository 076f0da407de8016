"""What a visit's save reads beside its writes: the stock count before each new one and each
price's list price. Both match the product without case, and both stay one index probe however
long the account's history or the price list (both databases; PostgreSQL with fresh, stale and
no statistics)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

from conftest import FrozenClock
from factories import add_account, add_user
from sqlalchemy import Engine, insert, text

from kam_bot.bootstrap import App
from kam_bot.store import tables as tb
from kam_bot.store.repository import _PREVIOUS_STOCK, _PRICE_LIST_FOR

PRODUCTS = 40
COUNTS = 60
"""Counts per product at the busy account: 2,400 rows the read must not walk."""


def _history(app: App, clock: FrozenClock) -> tuple[int, int]:
    rep = add_user(app, "Rita")
    busy, other = add_account(app, "Busy", rep), add_account(app, "Other", rep)
    rows: list[dict[str, Any]] = [
        {
            "account_id": account.id,
            "product": f"Widget-{p}" if n % 2 else f"WIDGET-{p}",  # one product, two spellings
            "quantity": Decimal(n),
            "observed_at": clock.now - timedelta(days=n),
        }
        for account in (busy, other)
        for p in range(PRODUCTS)
        for n in range(COUNTS)
    ]
    prices = [
        {"product": f"Widget-{p}", "price": Decimal(10 + p), "currency": "CNY", "valid_from": None}
        for p in range(400)
    ]
    with app.engine.begin() as conn:
        conn.execute(insert(tb.InventoryObservationRow), rows)
        conn.execute(insert(tb.PriceListRow), prices)
    return busy.id, other.id


def test_the_count_before_is_the_newest_of_the_product_in_any_spelling(app: App, clock: FrozenClock) -> None:
    busy, _ = _history(app, clock)
    with app.uow() as uow:
        before = uow.repo.previous_stock(busy, "widget-7", clock.now - timedelta(days=5, hours=1))
        listed = uow.repo.price_list_for("WIDGET-7", clock.now.date())
    assert before is not None and (before.account_id, before.quantity) == (busy, Decimal(6))
    assert before.product == "WIDGET-7"  # day 6 is even: the other spelling than day 5's
    assert listed is not None and listed.price == Decimal(17)


def _pages(engine: Engine, stmt: Any, params: dict[str, Any]) -> int:
    """Buffers PostgreSQL touched running ``stmt``: hit or read, at every node of the plan."""
    compiled = stmt.compile(dialect=engine.dialect)
    sql = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + str(compiled)
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(sql, compiled.construct_params(params)).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    top = plan[0]["Plan"]
    return int(top["Shared Hit Blocks"]) + int(top["Shared Read Blocks"])


def _sqlite_plan(engine: Engine, stmt: Any, params: dict[str, Any]) -> str:
    compiled = stmt.compile(dialect=engine.dialect)
    with engine.connect() as conn:
        bound = compiled.construct_params(params)
        values = tuple(str(bound[name]) for name in compiled.positiontup or ())
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), values)
        return " | ".join(str(row[-1]) for row in rows)


def _reads(busy: int, clock: FrozenClock) -> list[tuple[Any, dict[str, Any], str]]:
    return [
        (
            _PREVIOUS_STOCK[False],
            {"b_account": busy, "b_product": "widget-7", "b_before": clock.now - timedelta(days=5)},
            "ix_inventory_obs_account_lower_product_at",
        ),
        (
            _PRICE_LIST_FOR[True],
            {"b_product": "widget-7", "b_on": clock.now.date()},
            "ix_price_list_lower_product",
        ),
    ]


def test_each_read_is_an_index_probe(app: App, clock: FrozenClock) -> None:
    busy, _ = _history(app, clock)
    engine = app.engine
    if engine.dialect.name != "postgresql":
        for stmt, params, index in _reads(busy, clock):
            assert index in _sqlite_plan(engine, stmt, params)
        return
    stages = ["no statistics", "fresh statistics", "stale statistics"]
    for stage in stages:
        if stage == "fresh statistics":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE inventory_observations"))
                conn.execute(text("ANALYZE price_list"))
        if stage == "stale statistics":  # the busy account's history grows tenfold after ANALYZE
            more = [
                {"account_id": busy, "product": f"widget-{p}", "quantity": Decimal(1),
                 "observed_at": clock.now - timedelta(days=COUNTS + n)}
                for p in range(PRODUCTS) for n in range(COUNTS * 10)
            ]  # fmt: skip
            with engine.begin() as conn:
                conn.execute(insert(tb.InventoryObservationRow), more)
        for stmt, params, _ in _reads(busy, clock):
            pages = _pages(engine, stmt, params)
            assert pages <= 8, f"{stage}: {pages} pages for {params}"
