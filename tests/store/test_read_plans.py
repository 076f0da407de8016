"""Reads that must stay index probes however large the company or an account's history grows
(both databases; PostgreSQL with no, fresh and stale statistics):

- a visit's save: the stock count before each new one and each price's list price, both
  matching the product without case;
- the Home tab's and the briefs' planned visits: the latest visit of each of the rep's accounts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

from conftest import FrozenClock
from factories import _add, add_account, add_user, batch
from sqlalchemy import Engine, insert, text

from kam_bot.bootstrap import App
from kam_bot.domain.models import Visit
from kam_bot.store import tables as tb
from kam_bot.store.repository import _PLANNED, _PREVIOUS_STOCK, _PRICE_LIST_FOR

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


def _walked(engine: Engine, stmt: Any, params: dict[str, Any]) -> int:
    """Rows PostgreSQL's scans went through running ``stmt`` (those they kept and those their
    filters dropped, over every loop): what grows when a read stops being a probe."""
    compiled = stmt.compile(dialect=engine.dialect)
    sql = "EXPLAIN (ANALYZE, FORMAT JSON) " + str(compiled)
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(sql, compiled.construct_params(params)).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def walked(node: dict[str, Any]) -> int:
        own = 0
        if "Scan" in node["Node Type"]:
            kept = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            own = int(kept * node["Actual Loops"])
        return own + sum(walked(child) for child in node.get("Plans", []))

    return walked(plan[0]["Plan"])


def _sqlite_plan(engine: Engine, stmt: Any, params: dict[str, Any]) -> str:
    compiled = stmt.compile(dialect=engine.dialect)
    with engine.connect() as conn:
        bound = compiled.construct_params(params)
        values = tuple(str(bound[name]) for name in compiled.positiontup or ())
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), values)
        return " | ".join(str(row[-1]) for row in rows)


def _statistics(engine: Engine, tables: list[str], grown: Any, more: list[dict[str, Any]]) -> Iterator[str]:
    """Yields with the statistics the tables had before the test's rows, then after ANALYZE of
    ``tables``, then after ``more`` rows of ``grown`` are added without another ANALYZE."""
    yield "statistics from before the rows"
    with engine.begin() as conn:
        for table in tables:
            conn.execute(text(f"ANALYZE {table}"))
    yield "fresh statistics"
    with engine.begin() as conn:
        conn.execute(insert(grown), more)
    yield "stale statistics"


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
    more = [
        {"account_id": busy, "product": f"widget-{p}", "quantity": Decimal(1),
         "observed_at": clock.now - timedelta(days=COUNTS + n)}
        for p in range(PRODUCTS) for n in range(COUNTS * 10)
    ]  # fmt: skip
    # the busy account's history grows tenfold after ANALYZE
    for stage in _statistics(
        engine, ["inventory_observations", "price_list"], tb.InventoryObservationRow, more
    ):
        for stmt, params, _ in _reads(busy, clock):
            rows = _walked(engine, stmt, params)
            assert rows <= 4, f"{stage}: {rows} rows walked for {params}"


def _plans(app: App, clock: FrozenClock, owners: int, accounts: int) -> list[dict[str, Any]]:
    """Visits of ``owners`` other reps' accounts, each visit planning the next one."""
    reps = [add_user(app, f"Rep {n}") for n in range(owners)]
    with batch(app):
        mine = [add_account(app, f"Acct {r.id}-{n}", r) for r in reps for n in range(accounts)]
    return [
        {"account_id": a.id, "rep_id": a.owner_id, "visited_at": clock.now - timedelta(days=n),
         "next_visit_date": clock.now.date() + timedelta(days=n + 1), "created_at": clock.now}
        for a in mine for n in range(3)
    ]  # fmt: skip


def test_planned_visits_read_the_reps_accounts_not_the_companys_plans(app: App, clock: FrozenClock) -> None:
    rita = add_user(app, "Rita")
    with batch(app):
        for n in range(5):
            account = add_account(app, f"Rita {n}", rita)
            for days in range(30):  # every visit planned the next; the latest one counts
                _add(app, Visit, account_id=account.id, rep_id=rita.id,
                     visited_at=clock.now - timedelta(days=days + 1), created_at=clock.now,
                     next_visit_date=clock.now.date() + timedelta(days=n + 1 - days))  # fmt: skip
    with app.engine.begin() as conn:
        conn.execute(insert(tb.VisitRow), _plans(app, clock, 20, 50))
    with app.uow() as uow:
        planned = uow.repo.planned_visits(rita.id, clock.now.date(), 15)
    assert [p.day for p in planned] == [clock.now.date() + timedelta(days=n) for n in range(1, 6)]
    params = {"b_owner": rita.id, "b_day": clock.now.date()}
    engine = app.engine
    if engine.dialect.name != "postgresql":
        assert "ix_visits_next" not in _sqlite_plan(engine, _PLANNED, params)
        return
    # the company's plans grow fivefold after ANALYZE
    for stage in _statistics(engine, ["visits", "accounts"], tb.VisitRow, _plans(app, clock, 80, 50)):
        rows = _walked(engine, _PLANNED, params)
        assert rows <= 20, f"{stage}: {rows} rows walked for Rita's 5 accounts"
